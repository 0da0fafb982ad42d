package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// buildFlags are shared by build and serve.
type buildFlags struct {
	source, dest, baseURL, layouts string
	drafts                         bool
	cache                          cacheFlag
}

func (f *buildFlags) register(fs *pflag.FlagSet, dest string) {
	fs.StringVarP(&f.source, "source", "s", "content", "content `folder` holding site.yaml, incidents/ and pages/")
	fs.StringVarP(&f.dest, "dest", "d", dest, "output `folder`; replaced as a whole only when the build succeeds")
	f.cache.register(fs)
	fs.StringVar(&f.baseURL, "base-url", "", "`URL` the site will be served from (default: base_url in site.yaml)")
	fs.BoolVar(&f.drafts, "drafts", false, "include reports whose status is draft")
	fs.StringVar(&f.layouts, "layouts", "", "`folder` of templates that override the built-in layouts file by file")
}

func (f *buildFlags) check() error {
	if f.source == "" {
		return usageError{"--source must not be empty"}
	}
	if f.dest == "" {
		return usageError{"--dest must not be empty"}
	}
	if err := f.cache.resolve(f.source); err != nil {
		return err
	}
	if f.baseURL != "" {
		if _, err := siteconfig.NormalizeBaseURL(f.baseURL); err != nil {
			return usageError{"--base-url: " + err.Error()}
		}
	}
	folders := []folderFlag{
		{flag: "--source", value: f.source},
		{flag: "--dest", value: f.dest, writes: true},
		{flag: "--cache-dir", value: f.cache.apart(), writes: true},
	}
	if f.layouts != "" {
		folders = append(folders, folderFlag{flag: "--layouts", value: f.layouts})
	}
	serveDest := f.cache.serveDest()
	if err := checkApart(folders, func(a, b folderFlag, pa, pb string) bool {
		// serve builds into its own folder in the cache folder.
		return a.flag == "--dest" && b.flag == "--cache-dir" && a.value == serveDest
	}); err != nil {
		return err
	}
	if err := f.cache.inspect(); err != nil {
		return err
	}
	return checkDest(f.dest)
}

// checkDest refuses, before anything is built, an output folder that the
// build would refuse at its end (see generator/publish): a symbolic link,
// a file, or a folder holding files but no marker. Like an overlap, this
// is a mistake on the command line, and nothing has been read yet.
func checkDest(dest string) error {
	info, err := os.Lstat(dest)
	if err != nil {
		return nil // missing, or unreadable: the build says why
	}
	switch {
	case info.Mode()&os.ModeSymlink != 0:
		return usageError{fmt.Sprintf("--dest %s is a symbolic link; give the folder it points to", dest)}
	case !info.IsDir():
		return usageError{fmt.Sprintf("--dest %s exists and is not a folder", dest)}
	}
	if m, err := os.Lstat(filepath.Join(dest, publish.Marker)); err == nil && m.Mode().IsRegular() {
		return nil
	}
	if entries, err := os.ReadDir(dest); err == nil && len(entries) > 0 {
		return usageError{fmt.Sprintf("--dest %s holds files that incidents did not write (no %s in it); the build replaces its output folder as a whole, so give an empty or new folder, or remove this one yourself", dest, publish.Marker)}
	}
	return nil
}

func (f *buildFlags) config() generator.Config {
	return generator.Config{
		Source:  f.source,
		Dest:    f.dest,
		BaseURL: f.baseURL,
		Drafts:  f.drafts,
		Layouts: f.layouts,
		Version: version(),

		SearchIndex: f.cache.searchIndex(),
		Cache:       f.cache.build(),
	}
}

func buildCommand() *command {
	c := &command{
		name:    "build",
		summary: "build the site from content/ into public/",
		usage: `Usage: incidents build [flags]

Reads every report under content/incidents/, checks it, and writes the
whole site into public/: a page per incident, lists by year, pages per
service, cause, site, trigger, failure mode and responder, feeds,
incidents.json and a sitemap.

Every problem in the content is printed as path:line: field: message, all
at once, and the build exits with status 1 without touching public/: the
new site is written beside it and swapped in only when complete.

Examples:
  incidents build
  incidents build --source ~/sre/incidents --dest /srv/www/incidents \
      --base-url https://incidents.example.org/
`,
	}
	var f buildFlags
	var cpuProfile, heapProfile string
	var noIndex, cold bool
	c.flags = func(fs *pflag.FlagSet) any {
		f.register(fs, "public")
		fs.BoolVar(&cold, "cold", false, "build everything from scratch, the search index included, without reading the caches in the cache folder (to measure a cold build); the caches are still refreshed")
		fs.BoolVar(&noIndex, "no-search-index", false, "skip the search index in the cache folder, which incidents search and serve read (the site's own search page works without it)")
		fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the build to `file` (for developers: make pgo)")
		fs.StringVar(&heapProfile, "heapprofile", "", "write to `file` a heap profile taken when the build's live heap was largest (for developers)")
		return &f
	}
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
		c.flags(fs)
		if err := parseFlags(c, fs, args); err != nil {
			return err
		}
		if err := f.check(); err != nil {
			return err
		}
		if err := f.cache.claim(e); err != nil {
			return err
		}
		if cpuProfile != "" {
			stop, err := startCPUProfile(cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
		}
		if heapProfile != "" {
			stop, err := startHeapProfile(e, heapProfile)
			if err != nil {
				return err
			}
			defer func() {
				if perr := stop(); perr != nil && err == nil {
					err = perr
				}
			}()
		}
		cfg := f.config()
		if noIndex {
			cfg.SearchIndex = ""
		}
		cfg.Cold = cold
		cfg.LockIndex = f.cache.lockIndexForBuild(e, f.source)
		guard := newMemoryGuard()
		cfg.Listed = guard.size
		defer guard.release()
		newGCPacing().guardedBuild(guard.enabled)
		_, err = build(ctx, e, cfg)
		return err
	}
	return c
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}

// build runs a build, printing warnings, errors, progress and the summary.
func build(ctx context.Context, e *env, cfg generator.Config) (*generator.Result, error) {
	return buildWith(ctx, e, cfg, generator.Build)
}

// buildWith is build with run in place of generator.Build, such as a
// generator.Builder's Build for serve.
func buildWith(ctx context.Context, e *env, cfg generator.Config, run func(context.Context, generator.Config) (*generator.Result, error)) (*generator.Result, error) {
	progress := newProgress(e)
	cfg.Progress = progress.update
	res, err := run(ctx, cfg)
	progress.done()
	var ce *diag.ContentError
	if errors.As(err, &ce) {
		printDiagnostics(e, ce.Diagnostics)
		return nil, fmt.Errorf("%w; %s was not changed", ce, cfg.Dest)
	}
	if err != nil {
		return nil, err
	}
	printWarnings(e, cfg.Source, res.Warnings)
	drafts := ""
	if res.Drafts > 0 {
		drafts = fmt.Sprintf(" (%s left out: --drafts to include %s)", plural.Count(res.Drafts, "draft"), map[bool]string{true: "it", false: "them"}[res.Drafts == 1])
	}
	kept := ""
	if res.Kept > 0 {
		kept = fmt.Sprintf("; %d unchanged kept without rendering", res.Kept)
	}
	fmt.Fprintf(e.stdout, "Built %s%s into %s (%s, %d of %d files changed%s) in %s → %s\n",
		plural.Count(res.Reports, "report"), drafts, plural.Count(res.Pages, "page"), humanBytes(res.Bytes), res.Changed, res.Files, kept, res.Elapsed.Round(time.Millisecond), cfg.Dest)
	if cfg.SearchIndex != "" {
		ix := res.Index
		what := fmt.Sprintf("%d indexed, %d removed, %d unchanged", ix.Indexed, ix.Deleted, ix.Unchanged)
		if ix.Rebuilt {
			what = "built from scratch with " + plural.Count(ix.Indexed, "report")
		}
		if ix.Skipped != "" {
			fmt.Fprintf(e.stdout, "Search index left as it is: %s → %s\n", ix.Skipped, cfg.SearchIndex)
			return res, nil
		}
		fmt.Fprintf(e.stdout, "Search index %s in %s → %s\n", what, res.IndexElapsed.Round(time.Millisecond), cfg.SearchIndex)
	}
	return res, nil
}

// maxListedWarnings is how many warnings about reports a build lists
// one by one; beyond it they are counted in one line, which points to
// incidents check for the list. Ten lines still read at a glance above
// the build's summary; a thousand would push it, and every warning that
// is not about a report, off the screen.
const maxListedWarnings = 10

// printWarnings prints a build's warnings: those about reports one by one
// when there are at most maxListedWarnings of them, else counted; the
// others (site.yaml, --base-url, the cache, the search index, pages),
// which are few and concern the whole site, always one by one.
func printWarnings(e *env, source string, ws []diag.Diagnostic) {
	reportsDir := path.Join(filepath.ToSlash(source), "incidents") + "/"
	var about, other []diag.Diagnostic
	for _, d := range ws {
		if strings.HasPrefix(d.Path, reportsDir) {
			about = append(about, d)
		} else {
			other = append(other, d)
		}
	}
	printDiagnostics(e, other)
	if len(about) <= maxListedWarnings {
		printDiagnostics(e, about)
		return
	}
	reports := map[string]bool{}
	for _, d := range about {
		reports[d.Path] = true
	}
	check := "incidents check"
	if source != "content" {
		check += " -s " + quoteArg(source)
	}
	fmt.Fprintf(e.stderr, "%s in %s; %s for the list\n", plural.Count(len(about), "warning"), plural.Count(len(reports), "report"), check)
}

func printDiagnostics(e *env, ds []diag.Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(e.stderr, d.String())
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
