// Package sitecheck builds the sites that the checker tests run on, the
// bundled archive in content/ and a synthetic archive of 2,000 reports,
// lists a page of every type from each, finds the npm checkers that
// `make web-deps` installs, and runs html-validate. The test that runs the
// checkers is generator/browsertest's TestCheckers: it builds each site
// once for html-validate and for axe-core, which needs the browser.
//
// Nothing here reaches the network: the checkers are run from the
// node_modules folder that the Makefile filled, and a missing folder fails
// the test with the command that fills it.
package sitecheck

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// SkipEnv names the variable that, set to 1, skips the tests that need
// Chromium or the npm checkers (make test-short sets it). CI never sets
// it, so there a missing tool fails the test.
const SkipEnv = "INCIDENTS_SKIP_BROWSER"

// SkipIfAsked skips the test when SkipEnv is 1.
func SkipIfAsked(t testing.TB) {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skipf("%s=1: skipping the browser and HTML-checker tests", SkipEnv)
	}
}

// ModuleRoot returns the folder holding go.mod, found upwards from the
// test's working folder.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// NodeModules returns .ci/web/node_modules, where `make web-deps` installs
// the pinned html-validate and axe-core, after checking that node and both
// packages are there. A missing one fails the test rather than skipping
// it, so that CI cannot pass without running the checkers.
func NodeModules(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(ModuleRoot(t), ".ci", "web", "node_modules")
	for _, file := range []string{"html-validate/package.json", "axe-core/axe.min.js"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file))); err != nil {
			t.Fatalf("the HTML checkers are not installed (%v): run `make web-deps`, which installs them "+
				"from .ci/web/package-lock.json with npm, or set %s=1 to skip these tests", err, SkipEnv)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not on PATH (%v): html-validate needs Node.js 20 or later (apt-get install nodejs npm)", err)
	}
	return dir
}

// Site is a built site and the pages the checkers look at.
type Site struct {
	Name  string // for test names: "bundled", "synthetic-2000"
	Dir   string // the built output folder
	Pages []Page
}

// Page is one page of a built site.
type Page struct {
	Kind string // "home", "incident", "incident list", "term services", …
	Path string // the URL path under the site root: "", "incidents/", "404.html"
}

// File returns the page's file under the output folder dir.
func (p Page) File(dir string) string {
	rel := p.Path
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// RepeatsKind is the kind of an incident page that shows possible repeats
// or a repeat chain, the busiest incident page; ListKind is the kind of
// every page of the list of all incidents.
const (
	RepeatsKind = "incident with repeats"
	ListKind    = "incident list"
)

// requiredKinds are the kinds every checked site must have a page of, so
// that a change that drops one from the site, or from the sample, fails.
var requiredKinds = []string{"home", "404", "search", "repeats", "trends", ListKind, "year", RepeatsKind, "taxonomy services", "term services", "taxonomy causes", "term causes"}

// Bundled builds the archive in content/ at the module root.
func Bundled(t testing.TB) Site {
	t.Helper()
	return build(t, "bundled", filepath.Join(ModuleRoot(t), "content"), 0)
}

// Synthetic builds testutil.SyntheticArchive of n reports, with lists of
// SyntheticPageSize rows a page.
func Synthetic(t testing.TB, n int) Site {
	t.Helper()
	return build(t, fmt.Sprintf("synthetic-%d", n), testutil.SyntheticArchive(t, t.TempDir(), n, 15), SyntheticPageSize)
}

// SyntheticPageSize is how many rows a list page of Synthetic's site holds:
// enough to repeat every kind of row and to make every long list paged,
// few enough that the checkers, whose time grows with a page's elements
// (axe took 20–30 s on a 200-row page of a loaded machine), check the
// same markup in a fraction of the time.
const SyntheticPageSize = 25

// build builds src into a temporary folder, pageSize rows a list page (0
// for the default), and lists every page by kind.

func build(t testing.TB, name, src string, pageSize int) Site {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	// Generous: the 2,000-report build takes a few seconds alone, and
	// the test machine may be slow and loaded.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := generator.Build(ctx, generator.Config{
		Source: src, Dest: dest, BaseURL: "https://incidents.example.org/", Version: "sitecheck",
		// A fixed build time, so that "this month" holds reports.
		Now:          time.Date(2025, 12, 20, 12, 0, 0, 0, time.UTC),
		ListPageSize: pageSize,
	})
	if err != nil {
		t.Fatalf("building %s: %v", name, err)
	}
	t.Logf("built %s: %d reports, %d pages in %v", name, res.Reports, res.Pages, time.Since(start).Round(time.Millisecond))
	kindOf := map[string]string{"": "home", "404.html": "404", "search/": "search", "repeats/": "repeats", "trends/": "trends", "incidents/": ListKind,
		"repeats/services/": "repeat rates", "repeats/causes/": "repeat rates"}
	for _, tax := range res.Archive.Taxonomies {
		kindOf[tax.Kind+"/"] = "taxonomy " + tax.Kind
		for _, term := range tax.Terms {
			kindOf[tax.Kind+"/"+term.Slug+"/"] = "term " + tax.Kind
		}
	}
	for _, p := range res.Archive.Pages {
		kindOf[p.Slug+"/"] = "page"
	}
	site := Site{Name: name, Dir: dest}
	err = filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dest+string(filepath.Separator)))
		path := strings.TrimSuffix(rel, "index.html")
		kind, ok := kindOf[path]
		if first, _, paged := strings.Cut(path, "/page/"); !ok && paged {
			kind, ok = kindOf[first+"/"] // a later page of a list: the kind of its first
		}
		switch {
		case ok:
		case strings.HasPrefix(path, "incidents/page/"):
			kind = ListKind
		case strings.HasPrefix(path, "incidents/"):
			kind = "incident"
			html, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.Contains(string(html), `id="repeats-h"`) {
				kind = RepeatsKind
			}
		case strings.HasPrefix(path, "years/"):
			kind = "year"
		default:
			kind = "other"
		}
		site.Pages = append(site.Pages, Page{Kind: kind, Path: path})
		return nil
	})
	if err != nil {
		t.Fatalf("listing the pages of %s: %v", name, err)
	}
	slices.SortFunc(site.Pages, func(a, b Page) int { return strings.Compare(a.Path, b.Path) })
	for _, k := range requiredKinds {
		if !slices.ContainsFunc(site.Pages, func(p Page) bool { return p.Kind == k }) {
			t.Errorf("%s has no page of kind %q", name, k)
		}
	}
	return site
}

// Sample returns up to perKind pages of each kind, spread from the first
// to the last in path order.
func (s Site) Sample(perKind int) []Page {
	byKind := map[string][]Page{}
	var kinds []string
	for _, p := range s.Pages {
		if _, ok := byKind[p.Kind]; !ok {
			kinds = append(kinds, p.Kind)
		}
		byKind[p.Kind] = append(byKind[p.Kind], p)
	}
	var out []Page
	for _, k := range kinds {
		pages := byKind[k]
		if len(pages) <= perKind {
			out = append(out, pages...)
			continue
		}
		for i := range perKind {
			out = append(out, pages[i*(len(pages)-1)/max(1, perKind-1)])
		}
	}
	return slices.CompactFunc(out, func(a, b Page) bool { return a.Path == b.Path })
}
