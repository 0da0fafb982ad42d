package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/render"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/search"
)

// ErrNoPreview means Builder.Preview cannot show the change on its own:
// it touches more than reports (site.yaml, a free page, a layout), or
// there is no earlier build to start from. Builder.Build shows it.
var ErrNoPreview = errors.New("the change needs a whole build")

// ErrNoChange means none of the changed files is one the build reads.
var ErrNoChange = errors.New("no file the build reads changed")

// hasReportUnder reports whether a report of the last build was in the
// folder rel.
func hasReportUnder(byFile map[string]*incident.Incident, rel string) bool {
	for file := range byFile {
		if strings.HasPrefix(file, rel+"/") {
			return true
		}
	}
	return false
}

// Builder builds one site again and again for a long-running process
// (incidents serve), and between two builds previews an edit: the pages
// of the edited reports, in milliseconds, while the whole site is being
// rebuilt. It keeps, from one build to the next, what the previews start
// from (the last build's archive and repeat lists), the rendered bodies
// of the reports (so a build renders only the bodies that changed) and the
// static search index's analyses of them (so it analyses only those).
//
// Build and Preview may run at the same time, from different goroutines;
// two Builds may not.
type Builder struct {
	// UpdateIndex, when set, brings the search index up to date in place
	// of search.Update on Config.SearchIndex: serve closes the index it
	// searches while the build changes it. Set it before the Builder is
	// shared between goroutines.
	UpdateIndex func(ctx context.Context, docs []search.Document) (search.UpdateStats, error)
	// SearchAPI is the path of the search API the /search/ page calls,
	// such as "/api/search", when the server answers it (serve); empty
	// for a search page that uses the static index in the browser. Set
	// it before the first Build.
	SearchAPI string
	// Local says the site is a preview on this machine (serve), so a
	// loopback base URL is expected; a build for publishing is warned
	// that its feeds and sitemap would point at localhost. Set it before
	// the first Build.
	Local bool

	bodies   *buildcache.Memory[*markdown.Result]
	analyses *keptAnalyses // the static search index's, see static.AnalysisCache

	mu    sync.Mutex
	built bool  // Build has run: builds after the first always build
	last  *kept // what the last whole build found; nil before one
}

// kept is what a whole build found that a preview starts from.
type kept struct {
	arc     *archive.Archive
	repeats [][]repeats.Candidate // aligned with arc.Incidents
}

// NewBuilder returns a Builder that has built nothing yet.
func NewBuilder() *Builder {
	return &Builder{bodies: buildcache.NewMemory[*markdown.Result](), analyses: &keptAnalyses{}}
}

// Build builds the site as generator.Build does, and keeps what the next
// Preview needs. The first Build, like generator.Build, does nothing when
// the inputs are those of the build last published to cfg.Dest (and then
// Ready stays false: the Builder has nothing to preview from); every later
// Build builds, to keep what it found.
func (b *Builder) Build(ctx context.Context, cfg Config) (*Result, error) {
	b.mu.Lock()
	again := b.built
	b.built = true
	b.mu.Unlock()
	res, reps, err := build(ctx, cfg, hooks{update: b.UpdateIndex, rerender: again, bodies: b.bodies, analyses: b.analyses, searchAPI: b.SearchAPI, local: b.Local})
	if err != nil {
		return nil, err
	}
	// The bodies this build did not use are dropped at the next Sweep.
	b.bodies.Sweep()
	if res.Archive != nil {
		b.mu.Lock()
		b.last = &kept{arc: res.Archive, repeats: reps}
		b.mu.Unlock()
	}
	return res, nil
}

// Ready reports whether a whole build has been kept for Preview to start
// from.
func (b *Builder) Ready() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last != nil
}

// Preview renders, quickly, the pages of the reports in the changed files
// (paths as a watcher names them, under cfg.Source), and with lists the
// year and term pages that list them or listed them (which can take a few
// hundred milliseconds more: a trigger's page lists thousands), for serve
// to show while Build rebuilds the whole site. cfg is the one Build was
// given. Preview reads only the changed files and takes every other
// report, every repeat list and the bodies of the reports not edited from
// the last whole build; the whole site, the lists and the repeat lists of
// the edited reports included, comes from the Build that follows. It
// returns the pages by their path in the site ("incidents/x/index.html").
// Errors in the content come back as a *diag.ContentError, as from Build.
func (b *Builder) Preview(ctx context.Context, cfg Config, changed []string, lists bool) (map[string][]byte, error) {
	b.mu.Lock()
	prev := b.last
	b.mu.Unlock()
	if prev == nil {
		return nil, ErrNoPreview
	}
	byFile := make(map[string]*incident.Incident, len(prev.arc.Incidents))
	for _, in := range prev.arc.Incidents {
		byFile[in.File] = in
	}
	files := map[string]bool{}
	for _, p := range changed {
		rel, err := filepath.Rel(cfg.Source, p)
		if err != nil {
			return nil, ErrNoPreview
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "incidents/") {
			return nil, ErrNoPreview // site.yaml, a free page
		}
		info, statErr := os.Stat(p)
		switch {
		case statErr == nil && info.IsDir():
			return nil, ErrNoPreview // a folder moved in may hold reports
		case strings.HasSuffix(rel, ".md"):
			files[rel] = true
		case statErr == nil:
			// A file the build does not read, such as the one vim
			// writes to test the folder before it saves.
		case hasReportUnder(byFile, rel):
			return nil, ErrNoPreview // a folder of reports removed
		}
	}
	if len(files) == 0 {
		return nil, ErrNoChange
	}
	layoutFS, err := layoutsFS(cfg.Layouts)
	if err != nil {
		return nil, err
	}
	opts := archive.Options{Label: cfg.Source, Drafts: cfg.Drafts, Workers: cfg.Workers, Reuse: func(file string) (*incident.Incident, bool) {
		if files[file] {
			return nil, false
		}
		in, ok := byFile[file]
		return in, ok
	}}
	arc, diags, err := archive.Load(ctx, archive.DirFS(cfg.Source), opts)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, &diag.ContentError{Diagnostics: diags.All()}
	}
	ropts, err := renderOptions(cfg, hooks{searchAPI: b.SearchAPI, local: b.Local}, arc, layoutFS, &diag.List{})
	if err != nil {
		return nil, err
	}
	// The repeat lists of the last build, by report: the edited report's
	// own may be out of date until Build has run detection again.
	byID := make(map[string][]repeats.Candidate, len(prev.repeats))
	for i, in := range prev.arc.Incidents {
		if i < len(prev.repeats) {
			byID[in.ID] = prev.repeats[i]
		}
	}
	fopts := factsOptions(cfg, ropts)
	fopts.Progress = nil
	fopts.Repeats = make([][]repeats.Candidate, len(arc.Incidents))
	fopts.NoTrends = !lists // a report's page shows none
	fopts.Bodies = b.bodies // the bodies of the reports not edited, as the last build left them
	sel := render.Selection{Lists: lists}
	for rel := range files {
		if in, ok := byFile[rel]; ok {
			sel.Old = append(sel.Old, in)
		}
	}
	for i, in := range arc.Incidents {
		fopts.Repeats[i] = byID[in.ID]
		if files[in.File] {
			sel.Reports = append(sel.Reports, in)
		}
	}
	f, err := facts.Compute(ctx, arc, fopts)
	if err != nil {
		return nil, err
	}
	return render.Pages(ctx, f, ropts, sel)
}
