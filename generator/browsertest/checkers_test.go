package browsertest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/incidents-archive/incidents/generator/serve/server"
	"github.com/incidents-archive/incidents/generator/sitecheck"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestCheckers builds the bundled archive and a synthetic one of 2,000
// reports, once each, and runs two checkers on a page of every kind:
// html-validate's recommended rules (every page of the bundled site, up to
// the first and last of each kind of the other) and axe-core in Chromium with the page
// in light and in dark mode (one page of each kind). Neither may report
// anything. The checkers come from .ci/web/node_modules, which `make
// web-deps` fills; without it the test fails and says so.
func TestCheckers(t *testing.T) {
	sitecheck.SkipIfAsked(t)
	modules := sitecheck.NodeModules(t) // fail before the builds if the checkers are missing
	axeSource, err := os.ReadFile(filepath.Join(modules, "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		build      func(t testing.TB) sitecheck.Site
		validate   func(sitecheck.Site) []sitecheck.Page
		axePerKind int
	}{
		{sitecheck.Bundled, func(s sitecheck.Site) []sitecheck.Page { return s.Pages }, 1},
		{func(t testing.TB) sitecheck.Site { return sitecheck.Synthetic(t, 2000) }, func(s sitecheck.Site) []sitecheck.Page { return s.Sample(2) }, 1},
	} {
		site := tc.build(t)
		t.Run(site.Name+"/html-validate", func(t *testing.T) {
			pages := tc.validate(site)
			byFile := map[string]sitecheck.Page{}
			var files []string
			for _, p := range pages {
				f := p.File(site.Dir)
				files = append(files, f)
				byFile[f] = p
			}
			found := sitecheck.HTMLValidate(t, files)
			for _, f := range found {
				p := byFile[f.File]
				t.Errorf("/%s (%s) %d:%d: %s: %s", p.Path, p.Kind, f.Line, f.Column, f.Rule, f.Message)
			}
			t.Logf("html-validate on %d pages: %d findings (%s)", len(files), len(found), sitecheck.CountByRule(found))
		})
		t.Run(site.Name+"/axe", func(t *testing.T) {
			checkAxe(t, site, site.Sample(tc.axePerKind), string(axeSource))
		})
	}
}

// checkAxe serves the site on 127.0.0.1 and runs axe-core on each page in
// light mode and again in dark mode (prefers-color-scheme emulated).
func checkAxe(t *testing.T, site sitecheck.Site, pages []sitecheck.Page, axeSource string) {
	// Generous: about 50 axe runs take well under a minute on an idle
	// machine; a loaded 2-core one may be several times slower.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel) // after the browser's own cleanups: see TestPagesInBrowser
	ts := httptest.NewServer(server.Handler(site.Dir))
	t.Cleanup(ts.Close)
	base := ts.URL + "/"
	browser := startBrowser(ctx, t)

	var mu sync.Mutex
	var all []sitecheck.Finding
	// After the pages' subtests, which run in parallel once this returns.
	t.Cleanup(func() {
		t.Logf("axe on %d pages, light and dark: %d violations (%s)", len(pages), len(all), sitecheck.CountByRule(all))
	})
	for _, p := range pages {
		t.Run(strings.ReplaceAll(p.Kind, " ", "-"), func(t *testing.T) {
			// A tab each, as many at once as go test's -parallel: a page
			// mostly waits on Chromium (2–3 s a page on a loaded machine,
			// a fifth of it on the CPU).
			t.Parallel()
			tab := openPage(t, browser, base, base+p.Path)
			injectAxe(t, tab, axeSource)
			for _, scheme := range []string{"light", "dark"} {
				found := runAxe(t, tab, scheme)
				for _, f := range found {
					t.Errorf("/%s (%s, %s): %s: %s", p.Path, p.Kind, scheme, f.Rule, f.Message)
				}
				mu.Lock()
				all = append(all, found...)
				mu.Unlock()
			}
		})
	}
}

// injectAxe runs axe-core's script in the tab, which defines window.axe.
func injectAxe(t *testing.T, tab context.Context, axeSource string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](axeSource+";typeof axe.run === \"function\"")); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
}

// runAxe emulates prefers-color-scheme: scheme, checks that the stylesheet
// answered it, and runs axe's default rules (WCAG A and AA and best
// practices) on the document. Each violation is one finding, listing the
// first few elements it concerns.
func runAxe(t *testing.T, tab context.Context, scheme string) []sitecheck.Finding {
	t.Helper()
	features := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
	if !eval[bool](t, tab, `matchMedia("(prefers-color-scheme: `+scheme+`)").matches`) {
		t.Fatalf("the page does not see prefers-color-scheme: %s", scheme)
	}
	type violation struct {
		ID, Impact, Help string
		Count            int
		Targets          []string
	}
	vs, err := chromedp.Run(tab, chromedp.Evaluate[[]violation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, count: v.nodes.length,
			targets: v.nodes.slice(0, 3).map(n => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.replace(/\s+/g, " ") : ""))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core in %s mode: %v", scheme, err)
	}
	var found []sitecheck.Finding
	for _, v := range vs {
		found = append(found, sitecheck.Finding{Rule: v.ID,
			Message: fmt.Sprintf("%s (%s, %d elements): %s", v.Help, v.Impact, v.Count, strings.Join(v.Targets, "; "))})
	}
	return found
}

// TestAxeFinds checks that the axe harness reports what axe catches, so
// that a broken injection or result format cannot pass TestCheckers by
// finding nothing: an image without a text alternative, in light and dark,
// and nothing once it has one.
func TestAxeFinds(t *testing.T) {
	sitecheck.SkipIfAsked(t)
	axeSource, err := os.ReadFile(filepath.Join(sitecheck.NodeModules(t), "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // generous: a few seconds alone
	t.Cleanup(cancel)
	page := func(alt string) string {
		return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>A picture</title><link rel="icon" href="data:,"></head>
<body><main><h1>A picture</h1><p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" ` + alt + `></p></main></body>
</html>
`
	}
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{"bad/index.html": page(""), "good/index.html": page(`alt="A dot"`)})
	ts := httptest.NewServer(server.Handler(dir))
	t.Cleanup(ts.Close)
	base := ts.URL + "/"
	browser := startBrowser(ctx, t)
	for _, tc := range []struct{ path, want string }{{"bad/", "image-alt 1"}, {"good/", "none"}} {
		t.Run(tc.path, func(t *testing.T) {
			tab := openPage(t, browser, base, base+tc.path)
			injectAxe(t, tab, string(axeSource))
			for _, scheme := range []string{"light", "dark"} {
				if got := sitecheck.CountByRule(runAxe(t, tab, scheme)); got != tc.want {
					t.Errorf("axe on /%s in %s mode found %s, want %s", tc.path, scheme, got, tc.want)
				}
			}
		})
	}
}
