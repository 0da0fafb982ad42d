// Package generator builds an incident archive into a static site. It
// runs the stages in order, with data flowing one way:
//
//	content folder → archive (load and check) → facts (the analysis stage)
//	  → render, the static search index, the bleve index, lint → publish
//
// Every output reads the one facts.Facts value and computes nothing of
// its own. Build is what the build command calls, with a Config that
// holds what a build needs and nothing else. Builder is serve's: it runs
// the same stages again and again, keeps what its Preview of an edit
// starts from (the last archive, its repeat lists, the rendered bodies),
// and takes serve's own search-index updater.
package generator

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/lint"
	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/render"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/layouts"
	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// Config says what to build and where.
type Config struct {
	Source  string // content folder, holding site.yaml, incidents/ and pages/
	Dest    string // output folder, replaced as a whole on success
	BaseURL string // overrides site.yaml's base_url when set
	Drafts  bool   // include reports whose status is draft
	Layouts string // folder whose files override the embedded layouts
	Version string
	Workers int // 0: one per CPU
	// SearchIndex is the folder of the bleve search index, which the build
	// brings up to date after publishing the site; empty for none.
	SearchIndex string
	// Progress, when set, is told how far each stage has got.
	Progress func(stage string, done, total int)
	// Listed, when set, is told how many report files the content
	// folder holds, once they are listed and before any is read:
	// incidents build sizes its memory limit from it.
	Listed func(files int)
	// Now is the time of the build for the trend pages (this month, the
	// age of open action items); zero means the clock's.
	Now time.Time
	// ListPageSize is the number of rows on each page of a list of
	// reports or terms; 0 means 200 (render.Options.ListPageSize).
	ListPageSize int
	// Cache, when set, keeps results between builds (see cached.go); nil
	// builds everything from scratch.
	Cache *buildcache.Cache
	// Cold builds everything from scratch, the search index included,
	// without looking in Cache (but storing what it computes there).
	Cold bool
	// LockIndex, when set, is called before the search index is updated,
	// and the release it returns after: it keeps two processes from
	// updating one index at once. A non-empty skip leaves the index alone
	// instead; the build succeeds, and Result.Index.Skipped says why.
	LockIndex func(ctx context.Context) (release func(), skip string, err error)
}

// Result summarises a successful build.
type Result struct {
	Reports int
	Pages   int
	Files   int
	Changed int // files written; the others were already up to date
	// Kept counts the pages kept as the last build published them,
	// because what they show has not changed: not rendered again.
	Kept    int
	Bytes   int64
	Elapsed time.Duration
	// Warnings are the content's warnings, those of package lint about
	// the reports in the build included: what incidents check says about
	// them (drafts left out unless Config.Drafts).
	Warnings []diag.Diagnostic
	// Drafts counts the drafts left out of the build (none with
	// Config.Drafts).
	Drafts int
	// Index says what the search-index step did, and IndexElapsed how long
	// it took; both are zero without Config.SearchIndex.
	Index        search.UpdateStats
	IndexElapsed time.Duration
	// Unchanged says the content, layouts and settings were those of the
	// build last published to Dest, which still holds its output: nothing
	// was rendered or written.
	Unchanged bool
	// Archive is what was built; nil when Unchanged. A build (not a
	// Builder's) drops each report's Markdown once its body is rendered
	// (facts.Options.ReleaseMarkdown): its reports' Body is nil.
	Archive *archive.Archive
}

// Load reads and checks the content folder. Content problems come back
// as diagnostics; the error is for anything else.
func Load(ctx context.Context, cfg Config) (*archive.Archive, *diag.List, error) {
	arc, diags, _, err := load(ctx, cfg)
	return arc, diags, err
}

// load is Load, which also gives the build cache's entry of decoded
// reports it read, with what the entry held of lint.Body for each report
// (decodedReports.bodyFindings); without a cache, the zero value, which
// holds nothing.
func load(ctx context.Context, cfg Config) (*archive.Archive, *diag.List, decodedReports, error) {
	info, err := os.Stat(cfg.Source)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, decodedReports{}, fmt.Errorf("content folder %s does not exist; give the folder that holds site.yaml and incidents/ with --source", cfg.Source)
	}
	if err != nil {
		return nil, nil, decodedReports{}, fmt.Errorf("content folder: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, decodedReports{}, fmt.Errorf("content folder %s is not a folder", cfg.Source)
	}
	opts := archive.Options{Label: cfg.Source, Drafts: cfg.Drafts, Workers: cfg.Workers, Listed: cfg.Listed}
	if cfg.Progress != nil {
		opts.Progress = func(done, total int) { cfg.Progress("reading", done, total) }
	}
	if cfg.Cache == nil {
		arc, diags, err := archive.Load(ctx, archive.DirFS(cfg.Source), opts)
		return arc, diags, decodedReports{}, err
	}
	var reports decodedReports
	opts.Decoded = func(site *siteconfig.Site) archive.DecodeCache {
		reports = openReports(cfg, site)
		return reports
	}
	arc, diags, err := archive.Load(ctx, archive.DirFS(cfg.Source), opts)
	if reports.recs != nil {
		saved := diags
		if saved == nil {
			saved = &diag.List{}
		}
		saveRecords(cfg, reports.recs, saved)
	}
	return arc, diags, reports, err
}

// Build loads, checks and renders the archive and publishes it to Dest.
// When content has errors it returns a *diag.ContentError listing all of
// them, and Dest is left as it was.
func Build(ctx context.Context, cfg Config) (*Result, error) {
	res, _, err := build(ctx, cfg, hooks{})
	return res, err
}

// hooks are what a Builder, which builds again and again for serve, adds
// to a build; the zero value is a build as Build makes it.
type hooks struct {
	// update, when set, brings the search index up to date in place of
	// search.Update on Config.SearchIndex.
	update func(ctx context.Context, docs []search.Document) (search.UpdateStats, error)
	// rerender builds even when the inputs are those of the build last
	// published to Dest (which then writes nothing), for the facts.
	rerender bool
	// bodies keeps rendered bodies between builds (facts.Options.Bodies).
	bodies facts.BodyCache
	// analyses keeps the static search index's analyses between builds
	// (static.Options.Cache), in place of the build cache's entry.
	analyses static.AnalysisCache
	// searchAPI and local are Builder.SearchAPI and Builder.Local.
	searchAPI string
	local     bool
}

// handBackGarbage collects the garbage and returns its memory to the
// system, unless the process runs under a memory limit (incidents
// build's guard, or GOMEMLIMIT), which makes the runtime do both as the
// heap nears it. There, forcing it cost a one-change build of 10,000
// reports about 5% of its time (a collection, then the pages' memory
// taken back from the system page by page) for 35 MB less at its peak
// (docs/benchmarks.md, 2026-12-03, "ninth part"); at 100,000 reports
// the limit binds either way. Without a limit (serve's rebuilds) the
// memory would otherwise stay with the process.
func handBackGarbage() {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return
	}
	debug.FreeOSMemory()
}

// build is Build with h. Besides the result, it returns the repeat lists
// of the archive built (aligned with Result.Archive.Incidents), nil when
// the build was skipped as unchanged.
func build(ctx context.Context, cfg Config, h hooks) (*Result, [][]repeats.Candidate, error) {
	started := time.Now()
	if cfg.Now.IsZero() {
		// One time for the whole build: the pages and the cache's record
		// of the day they were made for must agree.
		cfg.Now = started
	}
	layoutFS, err := layoutsFS(cfg.Layouts)
	if err != nil {
		return nil, nil, err
	}
	key := ""
	var keyErr error
	if cfg.Cache != nil {
		if key, keyErr = inputKey(ctx, cfg, h); keyErr == nil && !cfg.Cold && !h.rerender {
			if res, ok := unchanged(cfg, key); ok {
				res.Elapsed = time.Since(started)
				return res, nil, nil
			}
		}
	}
	// What every page shows besides the reports, hashed before they are
	// read (see pageReuse).
	var files string
	var filesErr error
	if cfg.Cache != nil {
		files, filesErr = filesKey(ctx, cfg, h)
	}
	arc, diags, decoded, err := load(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	var recheck *contentRecheck
	if key != "" {
		recheck = recheckContent(ctx, cfg)
		// Every return waits for it: it writes to the cache folder.
		defer recheck.wait()
	}
	if keyErr != nil {
		cacheWarning(diags, cfg, keyErr)
	}
	if diags.HasErrors() {
		return nil, nil, &diag.ContentError{Diagnostics: diags.All()}
	}
	opts, err := renderOptions(cfg, h, arc, layoutFS, diags)
	if err != nil {
		return nil, nil, err
	}
	fopts := factsOptions(cfg, opts)
	fopts.Bodies = h.bodies
	var bodies storedBodies
	if fopts.Bodies == nil && cfg.Cache != nil {
		bodies = openBodies(cfg)
		fopts.Bodies = bodies
	}
	// The build keeps what it no longer needs out of memory until a later
	// stage reads it (see spillFile); serve, which brings its own bodies,
	// keeps everything in memory for its previews.
	release := h.bodies == nil
	// What the linter reads of the bodies, found now, when the build is
	// about to drop each body once it is rendered.
	var bodyFindings []lint.BodyFindings
	if release {
		bodyFindings = make([]lint.BodyFindings, len(arc.Incidents))
		workers := cfg.Workers
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		err := parallel.Each(ctx, workers, len(arc.Incidents), func(_, i int) error {
			var ok bool
			if bodyFindings[i], ok = decoded.bodyFindings(arc.Incidents[i]); !ok {
				bodyFindings[i] = lint.Body(arc.Incidents[i])
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		fopts.ReleaseMarkdown = true
	}
	spillDir := ""
	if cfg.Cache != nil {
		spillDir = cfg.Cache.Dir()
	}
	// The plain text, once detection has read it, waits on disk for the
	// search indexes while the pages are written.
	var plain *spillFile
	if release {
		store, err := newSpillFile(spillDir, "the bodies' HTML", len(arc.Incidents))
		if err != nil {
			return nil, nil, err
		}
		defer store.close()
		fopts.HTML = store
		if plain, err = newSpillFile(spillDir, "the bodies' plain text", 2*len(arc.Incidents)); err != nil {
			return nil, nil, err
		}
		defer plain.close()
		fopts.Plain = plain
	}
	f, err := facts.Compute(ctx, arc, fopts)
	// The bodies' records are read until the search documents are made
	// (facts.SlimBodyCache), and saved then.
	bodiesSaved := false
	saveBodies := func() {
		if bodies.recs != nil && !bodiesSaved {
			bodiesSaved = true
			saveRecords(cfg, bodies.recs, diags)
		}
	}
	defer saveBodies()
	if err != nil {
		return nil, nil, err
	}
	// Detection leaves garbage behind, and writing the pages is about to
	// need the most memory of the build.
	handBackGarbage()
	if cfg.Progress != nil {
		opts.Progress = cfg.Progress
	}
	if filesErr == nil {
		opts.Reuse, filesErr = pageReuse(cfg, files, arc)
	}
	if filesErr != nil {
		// The pages are rendered, all of them.
		cacheWarning(diags, cfg, filesErr)
		opts.Reuse = nil
	}
	// Both search indexes read the reports' plain text from the facts,
	// made into documents once the pages are written and their memory is
	// free.
	var docs []search.Document
	var stats render.Stats
	var disk *diskAnalyses
	// Of the facts, lint and serve's previews read only these once the
	// pages are written: the rest (the bodies above all) is garbage
	// before the search indexes are built.
	recurrence, reps := f.Recurrence, f.Repeats
	linted := false
	manifest, err := publish.Build(cfg.Dest, func(out *publish.Folder) error {
		var err error
		if stats, err = render.Render(ctx, f, out, opts); err != nil {
			return err
		}
		if release {
			// The linter now, so that the repeat lists and the
			// recurrence index it reads are garbage before the search
			// index is made: at 100,000 reports they are some 350 MB.
			if err := lintReports(ctx, cfg, arc, recurrence, stats.Keys, bodyFindings, diags); err != nil {
				return err
			}
			linted = true
			recurrence, reps = nil, nil
			f.Recurrence, f.Repeats = nil, nil
		}
		// The static search index, for the /search/ page on hosts
		// without server code.
		if docs, err = readDocuments(ctx, f, cfg.Workers); err != nil {
			return err
		}
		saveBodies()
		if release {
			f.Bodies = nil // docs hold what the indexes read
		}
		// Without a search index to update after it, the static index's
		// documents are the only holders of the bodies' text, which it
		// may drop once it has analysed them (the impacts stay, in the
		// reports).
		sopts := static.Options{Workers: cfg.Workers, DropText: release && cfg.SearchIndex == ""}
		switch {
		case h.analyses != nil:
			sopts.Cache = h.analyses
		case cfg.Cache != nil:
			disk = &diskAnalyses{cache: cfg.Cache, cold: cfg.Cold}
			sopts.Cache = disk
		}
		idx, err := static.Write(ctx, out, docs, sopts)
		stats.Files, stats.Changed, stats.Bytes = stats.Files+idx.Files, stats.Changed+idx.Changed, stats.Bytes+idx.Bytes
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	// What the build published, for the page keys and the stamp: theirs
	// even if another build publishes meanwhile.
	published := hex.EncodeToString(manifest[:])
	if err := recordPages(cfg, published, stats.Keys); err != nil {
		diags.Warnf(cfg.Cache.Dir(), 0, "", "%v", err)
	}
	if disk != nil && disk.err != nil {
		diags.Warnf(cfg.Cache.Dir(), 0, "", "%v", disk.err)
	}
	elapsed := time.Since(started)
	var indexStats search.UpdateStats
	var indexElapsed time.Duration
	if cfg.SearchIndex != "" {
		indexStarted := time.Now()
		// Hand the memory the site no longer needs back before bleve
		// builds its segments: it keeps the peak of a cold build of
		// 10,000 reports under 450 MB.
		debug.FreeOSMemory()
		update := func(ctx context.Context, docs []search.Document) (search.UpdateStats, error) {
			if cfg.Cold {
				return search.Rebuild(ctx, cfg.SearchIndex, docs, cfg.Progress)
			}
			return search.Update(ctx, cfg.SearchIndex, docs, cfg.Progress)
		}
		if h.update != nil {
			update = h.update
		}
		if cfg.LockIndex != nil {
			update = lockedUpdate(cfg.LockIndex, update)
		}
		indexStats, err = update(ctx, docs)
		if err != nil {
			return nil, nil, fmt.Errorf("the site is built, but its search index is not: %w", err)
		}
		if indexStats.Warning != "" {
			diags.Warnf(cfg.SearchIndex, 0, "", "%s", indexStats.Warning)
		}
		indexElapsed = time.Since(indexStarted)
	}
	// What incidents check says about the reports in the build, from the
	// facts the pages were made with (not a second detection). The
	// build has run it once the pages were written (above), so that the
	// repeat lists are garbage before the search index; serve, which
	// keeps them, runs it last, when the pages and the search index have
	// given their memory back.
	if !linted {
		if err := lintReports(ctx, cfg, arc, recurrence, stats.Keys, bodyFindings, diags); err != nil {
			return nil, nil, err
		}
	}
	res := &Result{
		Reports:      len(arc.Incidents),
		Pages:        stats.Pages,
		Files:        stats.Files,
		Changed:      stats.Changed,
		Kept:         stats.Kept,
		Bytes:        stats.Bytes,
		Elapsed:      elapsed,
		Warnings:     diags.Warnings(),
		Drafts:       arc.DraftsLeftOut,
		Index:        indexStats,
		IndexElapsed: indexElapsed,
		Archive:      arc,
	}
	// A build that left the index to another process has not brought it
	// up to date: the next one must not take it for done.
	if key != "" && indexStats.Skipped == "" {
		if err := recordBuilt(ctx, cfg, h, key, recheck, published, res, arc.Site.WorkingHours.Location); err != nil {
			diags.Warnf(cfg.Cache.Dir(), 0, "", "%v", err)
			res.Warnings = diags.Warnings()
		}
	}
	return res, reps, nil
}

// lockedUpdate is update run under lock (see Config.LockIndex).
func lockedUpdate(lock func(context.Context) (func(), string, error), update func(context.Context, []search.Document) (search.UpdateStats, error)) func(context.Context, []search.Document) (search.UpdateStats, error) {
	return func(ctx context.Context, docs []search.Document) (search.UpdateStats, error) {
		release, skip, err := lock(ctx)
		if err != nil {
			return search.UpdateStats{}, err
		}
		if skip != "" {
			return search.UpdateStats{Skipped: skip}, nil
		}
		defer release()
		return update(ctx, docs)
	}
}

// factsOptions are the options of the analysis stage for a build with cfg
// rendered with opts.
func factsOptions(cfg Config, opts render.Options) facts.Options {
	root, _ := render.Root(opts.BaseURL) // renderOptions has checked it
	return facts.Options{Root: root, ReservedIDs: render.ReservedIDs(), Now: cfg.Now, Workers: cfg.Workers,
		Progress: cfg.Progress, Cache: cfg.Cache, Cold: cfg.Cold}
}

// renderOptions are the render options of cfg and h for arc.
func renderOptions(cfg Config, h hooks, arc *archive.Archive, layoutFS fs.FS, diags *diag.List) (render.Options, error) {
	baseURL := arc.Site.BaseURL
	if cfg.BaseURL != "" {
		baseURL = cfg.BaseURL
	}
	baseURL, err := siteconfig.NormalizeBaseURL(baseURL)
	if err != nil {
		return render.Options{}, err
	}
	where, field := filepath.Join(cfg.Source, "site.yaml"), "base_url"
	if cfg.BaseURL != "" {
		where, field = "--base-url", ""
	}
	switch {
	case !strings.Contains(baseURL, "://"):
		diags.Warnf(where, 0, field,
			"%q is not an absolute URL, so links in the feeds and the sitemap are relative; set base_url in site.yaml (or --base-url) to where the site is served, such as https://incidents.example.org/", baseURL)
	case !h.local && isLoopback(baseURL):
		diags.Warnf(where, 0, field,
			"%q is this machine, so the feeds and the sitemap link to it; before publishing, set base_url in site.yaml (or --base-url) to where the site is served, such as https://incidents.example.org/ (incidents serve needs neither)", baseURL)
	}
	if _, err := render.Root(baseURL); err != nil {
		return render.Options{}, err
	}
	opts := render.Options{BaseURL: baseURL, Layouts: layoutFS, Version: cfg.Version, Workers: cfg.Workers, SearchAPI: h.searchAPI, ListPageSize: cfg.ListPageSize}
	return opts, nil
}

// isLoopback reports whether the absolute URL u names this machine: a
// loopback address (127.0.0.0/8, ::1), localhost or a name under
// .localhost, or the unspecified address 0.0.0.0 or ::.
func isLoopback(u string) bool {
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(parsed.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

func layoutsFS(dir string) (fs.FS, error) {
	if dir == "" {
		return layouts.FS, nil
	}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("layouts folder %s does not exist", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("layouts folder: %w", err)
	}
	if !info.IsDir() {
		return nil, errors.New("layouts folder " + dir + " is not a folder")
	}
	return render.Overlay(os.DirFS(dir), layouts.FS), nil
}
