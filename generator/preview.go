package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/render"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// ErrNoPreview means Preview cannot show the change on its own: it
// touches more than reports (site.yaml, a free page, a layout), or there
// is no earlier build to start from. Build shows it.
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

// Preview renders, quickly, the pages of the reports in the changed files
// (paths as a watcher names them, under cfg.Source), and with lists the
// year and term pages that list them or listed them (which can take a few
// hundred milliseconds more: a trigger's page lists thousands), for serve
// to show
// while Build rebuilds the whole site. It reads only the changed files and
// takes every other report, and every repeat list, from prev, the last
// good build's result; the whole site, the lists and the repeat lists of
// the edited reports included, comes from the Build that follows. It
// returns the pages by their path in the site ("incidents/x/index.html").
// Errors in the content come back as a *diag.ContentError, as from Build.
func Preview(ctx context.Context, cfg Config, prev *Result, changed []string, lists bool) (map[string][]byte, error) {
	if prev == nil || prev.Archive == nil {
		return nil, ErrNoPreview
	}
	byFile := make(map[string]*incident.Incident, len(prev.Archive.Incidents))
	for _, in := range prev.Archive.Incidents {
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
	arc, diags, err := archive.Load(ctx, os.DirFS(cfg.Source), opts)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, &diag.ContentError{Diagnostics: diags.All()}
	}
	ropts, err := renderOptions(cfg, arc, layoutFS, &diag.List{})
	if err != nil {
		return nil, err
	}
	// The repeat lists of the last build, by report: the edited report's
	// own may be out of date until Build has run detection again.
	byID := make(map[string][]repeats.Candidate, len(prev.Repeats))
	for i, in := range prev.Archive.Incidents {
		if i < len(prev.Repeats) {
			byID[in.ID] = prev.Repeats[i]
		}
	}
	fopts := factsOptions(cfg, ropts)
	fopts.Progress = nil
	fopts.Repeats = make([][]repeats.Candidate, len(arc.Incidents))
	fopts.NoTrends = !lists // a report's page shows none
	ropts.Partial = []*incident.Incident{}
	ropts.PartialLists = lists
	for rel := range files {
		if in, ok := byFile[rel]; ok {
			ropts.PartialOld = append(ropts.PartialOld, in)
		}
	}
	for i, in := range arc.Incidents {
		fopts.Repeats[i] = byID[in.ID]
		if files[in.File] {
			ropts.Partial = append(ropts.Partial, in)
		}
	}
	pages := map[string][]byte{}
	var mu sync.Mutex
	ropts.Sink = func(rel string, data []byte) error {
		mu.Lock()
		pages[rel] = data
		mu.Unlock()
		return nil
	}
	// The bodies of the reports not edited come from cfg.Bodies, as the
	// last build left them.
	f, err := facts.Compute(ctx, arc, fopts)
	if err != nil {
		return nil, err
	}
	if _, err := render.Render(ctx, f, nil, ropts); err != nil {
		return nil, err
	}
	return pages, nil
}
