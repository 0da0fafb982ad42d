package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/serve/server"
)

// The archive under test: two reports, the newer of which names the older
// one in prose, lists it under related and names a task. The expectations
// below are built from the same constants as the files, so they cannot
// drift apart.
const (
	siteTitle = "Browser test archive"
	taskURL   = "https://tasks.example.org/{task}"
	taskID    = "T123456"

	// The incident page the test opens. Its title has an ampersand so that
	// the h1 check also catches double escaping.
	newerID    = "2024-05-10 search-cluster"
	newerSlug  = "2024-05-10-search-cluster"
	newerTitle = "Search cluster ran out of heap after a mapping change & reindex"

	// The report it mentions. Its title sorts first, while the incident
	// list starts with the newer report, so sorting by title must move rows.
	olderID    = "2021-03-02 cache-purge"
	olderSlug  = "2021-03-02-cache-purge"
	olderTitle = "Cache purge storm emptied the edge caches"
)

var archiveFiles = map[string]string{
	"site.yaml": "title: " + siteTitle + "\ntask_url: " + taskURL + "\n",

	// A page of its own, so that the header holds as many sections as
	// the bundled archive's.
	"pages/about.md": "---\ntitle: About this archive\n---\nWhat the archive holds and how to add a report.\n",

	"incidents/2024/" + newerSlug + ".md": `---
id: ` + newerID + `
title: "` + newerTitle + `"
start: 2024-05-10 14:00:00
end: 2024-05-10 15:30:00
related: [` + olderID + `]
---
## Summary

A mapping change started a full reindex and the search cluster ran out of
heap. As in ` + olderID + `, the first sign was a drop in traffic.

## Actionables

- Cap the reindex batch size (` + taskID + `).
`,

	"incidents/2021/" + olderSlug + ".md": `---
id: ` + olderID + `
title: "` + olderTitle + `"
start: 2021-03-02 09:00:00
end: 2021-03-02 09:40:00
services: [varnish-frontend]
---
## Summary

A purge of every URL emptied the edge caches at once, and every request
went on to the app-servers.
`,
}

// TestPagesInBrowser builds the archive above, serves it on 127.0.0.1 and
// loads its main kinds of page in headless Chromium. Every page must load
// without console errors, uncaught exceptions or failed requests, with its
// stylesheet applied; each page then gets checks of its own.
func TestPagesInBrowser(t *testing.T) {
	skipIfAsked(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	// A cleanup rather than a defer, so that it runs after the browser's
	// own cleanups and the browser gets to close gracefully.
	t.Cleanup(cancel)

	site := serveSite(ctx, t)
	browser := startBrowser(ctx, t)

	pages := []struct {
		name  string
		path  string // relative to the site root
		check func(t *testing.T, tab context.Context)
	}{
		{"home", "", func(t *testing.T, tab context.Context) { checkHome(t, tab, site) }},
		{"incident", "incidents/" + newerSlug + "/", func(t *testing.T, tab context.Context) { checkIncident(t, tab, site) }},
		{"incident list", "incidents/", checkSortableTable},
		{"trends", "trends/", checkCharts},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			tab := openPage(t, browser, site, site+p.path)
			checkStylesheet(t, tab)
			p.check(t, tab)
		})
	}
}

// serveSite writes the archive to a temporary folder, builds it and serves
// the result with the site's own handler. It returns the site's URL, which
// ends in a slash.
//
// The listener comes first so that the site can be built for the address it
// is served from.
func serveSite(ctx context.Context, t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "content")
	testutil.WriteFiles(t, src, archiveFiles)
	dest := filepath.Join(dir, "public")

	ts := httptest.NewUnstartedServer(server.Handler(dest))
	t.Cleanup(ts.Close)
	base := "http://" + ts.Listener.Addr().String() + "/"

	res, err := generator.Build(ctx, generator.Config{Source: src, Dest: dest, BaseURL: base, Version: "browsertest"})
	if err != nil {
		t.Fatalf("building the test archive: %v", err)
	}
	for _, w := range res.Warnings {
		t.Logf("build warning: %v", w)
	}
	ts.Start()
	return base
}

// skipEnv, when set (make test-short sets it), skips every browser test,
// with a message, so that the inner loop passes on a machine without
// Chromium. make test and CI never set it: there a missing browser fails.
const skipEnv = "INCIDENTS_SKIP_BROWSER"

// skipIfAsked skips the test when skipEnv is set. Every browser test calls
// it first, before building its archive; startBrowser calls it too, so a
// new test that forgets still skips rather than fails.
func skipIfAsked(t *testing.T) {
	t.Helper()
	if os.Getenv(skipEnv) != "" {
		t.Skipf("%s is set (make test-short): no browser tests; make test runs them in Chromium", skipEnv)
	}
}

// findChromium returns the browser to drive: $INCIDENTS_CHROMIUM, else the
// first of the usual names on PATH. A missing browser fails the test rather
// than skipping it, so that a machine without one cannot pass by accident.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INCIDENTS_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("INCIDENTS_CHROMIUM=%s: %v", p, err)
		}
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatal("no Chromium found (tried $INCIDENTS_CHROMIUM, chromium, chromium-browser, google-chrome): " +
		"run `make test`, which installs it (apt-get install chromium), or set INCIDENTS_CHROMIUM; " +
		"`make test-short` skips the browser tests")
	return ""
}

// startBrowser starts one headless browser for all subtests and returns its
// context; each page opens a tab of its own from it. The browser lives until
// ctx ends or the test finishes, whichever comes first.
func startBrowser(ctx context.Context, t *testing.T) context.Context {
	t.Helper()
	skipIfAsked(t)
	path := findChromium(t)
	// Made before the cleanups below are registered, so that they are
	// removed only after the browser has exited. Chromium keeps its
	// singleton socket and, with disable-dev-shm-usage, its shared memory
	// under TMPDIR, and leaves the former behind in /tmp otherwise.
	profile, tmp := t.TempDir(), t.TempDir()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		// Resolve no host name at all: the only server the test needs is
		// on 127.0.0.1, and nothing may reach the network. The rule would
		// catch the IP literal too, hence the exclusion.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR="+tmp),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc) // waits for the browser process to exit
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return browser
}

// openPage opens url in a new tab, checks that it answers 200 and waits
// until main is visible. Everything that goes wrong in the tab, from its
// first event until the test ends, fails the test: see pageProblems.
func openPage(t *testing.T, browser context.Context, site, url string) context.Context {
	t.Helper()
	problems := newPageProblems(site)
	tab, cancel := chromedp.NewContext(browser, chromedp.WithListener(problems.listen))
	t.Cleanup(cancel)
	// A cleanup, so that the problems are reported after the page's own
	// checks (a click that runs sort.js, say) and also when one of them
	// stops the test early: an exception usually explains such a failure.
	t.Cleanup(func() { problems.report(t) })

	// chromedp enables the Log domain when it attaches a tab; enable it
	// again so that the log.EventEntryAdded check does not depend on that.
	if _, err := chromedp.Call(tab, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enabling the log domain: %v", err)
	}
	resp, err := chromedp.Run(tab, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	if resp.Status != 200 {
		t.Fatalf("loading %s: HTTP %d %s", url, resp.Status, resp.StatusText)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatalf("waiting for main on %s: %v", url, err)
	}
	return tab
}

// pageProblems records, for one tab, everything that should never happen on
// a page of the site: console errors, uncaught exceptions, error entries in
// the browser log, same-origin requests that fail or get an HTTP error, and
// any request that leaves the site (the stylesheet promises it works
// offline, and the test browser has no network to hide that).
type pageProblems struct {
	site string // the site's URL, with a trailing slash

	mu       sync.Mutex
	requests map[network.RequestID]string // URL of each request, for loadingFailed
	list     []string
	notes    []string // logged, not failed: see faviconProbe
}

func newPageProblems(site string) *pageProblems {
	return &pageProblems{site: site, requests: map[network.RequestID]string{}}
}

// listen runs in chromedp's event loop for the tab, so it only records.
func (p *pageProblems) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			p.add("console.error: %s", consoleArgs(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.add("uncaught exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError && !p.faviconProbe(ev.Entry.URL) {
			p.add("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		p.requests[ev.RequestID] = u
		if !p.sameOrigin(u) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") && !strings.HasPrefix(u, "about:") {
			p.add("request outside the site: %s %s", ev.Request.Method, u)
		}
	case *network.EventResponseReceived:
		switch u := ev.Response.URL; {
		case !p.sameOrigin(u) || ev.Response.Status < 400:
		case p.faviconProbe(u):
			p.notes = append(p.notes, fmt.Sprintf("the browser's own favicon probe got HTTP %d for %s", ev.Response.Status, u))
		default:
			p.add("HTTP %d for %s (%s)", ev.Response.Status, u, ev.Type)
		}
	case *network.EventLoadingFailed:
		// An event stream (serve's live reload) ends as aborted whenever
		// its page closes it or goes away: that is no failure.
		if ev.Type == network.ResourceTypeEventSource && ev.ErrorText == "net::ERR_ABORTED" {
			break
		}
		if u := p.requests[ev.RequestID]; p.sameOrigin(u) && !p.faviconProbe(u) {
			p.add("loading %s (%s) failed: %s", u, ev.Type, ev.ErrorText)
		}
	}
}

func (p *pageProblems) sameOrigin(u string) bool { return strings.HasPrefix(u, p.site) }

// faviconProbe reports whether u is /favicon.ico, which Chromium fetches on
// its own, once per origin and at a time of its choosing, when a page names
// no icon. No page asks for it, and whether the probe lands inside a check
// is a matter of timing, so it is logged rather than failed.
func (p *pageProblems) faviconProbe(u string) bool { return u == p.site+"favicon.ico" }

// add appends a problem; the caller holds p.mu.
func (p *pageProblems) add(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

// report fails the test with every problem seen so far.
func (p *pageProblems) report(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, msg := range p.notes {
		t.Log(msg)
	}
	for _, msg := range p.list {
		t.Error(msg)
	}
}

// consoleArgs renders console.error's arguments roughly as DevTools would.
func consoleArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// eval evaluates a JavaScript expression in the tab and decodes its value.
func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tab, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// linksNamed returns the resolved hrefs of the links in the report body
// whose text is text, to check how prose mentions were linked.
func linksNamed(t *testing.T, tab context.Context, text string) []string {
	t.Helper()
	return eval[[]string](t, tab, `[...document.querySelectorAll("main .body a")]
		.filter(a => a.textContent.trim() === `+js(text)+`)
		.map(a => a.href)`)
}

// checkStylesheet checks that the page's stylesheet was fetched, parsed and
// applied: a missing or mistyped style.css (served as text/plain, say, which
// nosniff makes the browser refuse) leaves link.sheet null.
func checkStylesheet(t *testing.T, tab context.Context) {
	if font := eval[string](t, tab, `getComputedStyle(document.body).fontFamily`); font == "" {
		t.Error("body has no computed font-family")
	}
	if n := eval[int](t, tab, `document.styleSheets.length`); n < 1 {
		t.Errorf("document.styleSheets.length = %d, want at least 1", n)
	}
	if !eval[bool](t, tab, `(() => {
		const link = document.querySelector("link[rel=stylesheet]");
		return link !== null && link.sheet !== null && link.sheet.cssRules.length > 0;
	})()`) {
		t.Error("the page's <link rel=stylesheet> has no loaded sheet with rules")
	}
}

// checkCharts checks that the trend charts are laid out, scale with the
// page, and take their colours from the stylesheet: the bars are the
// accent colour, not the black they fall back to without it.
func checkCharts(t *testing.T, tab context.Context) {
	if n := eval[int](t, tab, `document.querySelectorAll("svg.chart").length`); n < 10 {
		t.Errorf("%d charts on /trends/, want one per figure", n)
	}
	if w := eval[float64](t, tab, `document.querySelector("svg.chart").getBoundingClientRect().width`); w < 200 {
		t.Errorf("the first chart is %.0f px wide", w)
	}
	bar := eval[string](t, tab, `getComputedStyle(document.querySelector("svg.chart .s1 rect")).fill`)
	accent := eval[string](t, tab, `(() => {
		const a = document.createElement("a");
		a.style.color = getComputedStyle(document.documentElement).getPropertyValue("--accent");
		document.body.append(a);
		const c = getComputedStyle(a).color;
		a.remove();
		return c;
	})()`)
	if bar == "" || bar != accent {
		t.Errorf("bars are filled %q, want the accent colour %q", bar, accent)
	}
}

// checkHome checks the home page's heading and that it leads to the list
// of all incidents.
func checkHome(t *testing.T, tab context.Context, site string) {
	if h1 := eval[string](t, tab, `document.querySelector("main h1").textContent.trim()`); h1 != siteTitle {
		t.Errorf("h1 = %q, want the site title %q", h1, siteTitle)
	}
	want := site + "incidents/"
	if !eval[bool](t, tab, `[...document.querySelectorAll("main a")].some(a => a.href === `+js(want)+`)`) {
		t.Errorf("main has no link to %s", want)
	}
}

// checkIncident checks the incident page's heading and the two kinds of
// link the Markdown renderer adds to prose: incident ids and task ids.
func checkIncident(t *testing.T, tab context.Context, site string) {
	if h1 := eval[string](t, tab, `document.querySelector("main h1").textContent.trim()`); h1 != newerTitle {
		t.Errorf("h1 = %q, want the report title %q", h1, newerTitle)
	}
	checkLinks(t, tab, olderID, site+"incidents/"+olderSlug+"/")
	checkLinks(t, tab, taskID, strings.ReplaceAll(taskURL, "{task}", taskID))
}

// checkLinks checks that text appears in the report body as a link, and
// that every such link goes to want.
func checkLinks(t *testing.T, tab context.Context, text, want string) {
	t.Helper()
	hrefs := linksNamed(t, tab, text)
	if len(hrefs) == 0 {
		t.Errorf("%q in the report body is not a link", text)
	}
	for _, href := range hrefs {
		if href != want {
			t.Errorf("link %q goes to %s, want %s", text, href, want)
		}
	}
}

// checkSortableTable clicks the Title heading of the incident table and
// checks that sort.js sorted the rows by title and marked the column.
func checkSortableTable(t *testing.T, tab context.Context) {
	const (
		table  = "table.sortable"
		th     = table + " thead th:nth-child(3)"
		button = th + " button"
		titles = `[...document.querySelectorAll("table.sortable tbody tr td:nth-child(3)")].map(td => td.textContent.trim())`
	)
	if !eval[bool](t, tab, `document.querySelector(`+js(table)+`) !== null`) {
		t.Fatal("no table.sortable on the page")
	}
	if label := eval[string](t, tab, `document.querySelector(`+js(button)+`).textContent.trim()`); label != "Title" {
		t.Fatalf("third column heading is %q, want Title", label)
	}
	before := eval[[]string](t, tab, titles)
	if len(before) != 2 || before[0] != newerTitle {
		// Newest first is the order without JavaScript; the check below
		// only shows the click worked if it had something to reorder.
		t.Fatalf("titles before sorting = %q, want 2 rows starting with %q", before, newerTitle)
	}

	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(button))); err != nil {
		t.Fatalf("clicking the Title heading: %v", err)
	}
	// The handler sorts synchronously, but wait rather than assume the
	// click has been handled when Click returns.
	_, err := chromedp.Run(tab, chromedp.Poll[bool](
		`document.querySelector(`+js(th)+`).getAttribute("aria-sort") === "ascending"`,
		chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil {
		got := eval[*string](t, tab, `document.querySelector(`+js(th)+`).getAttribute("aria-sort")`)
		t.Fatalf("after the click, the Title heading's aria-sort is %s, want \"ascending\" (%v)", quoteOrNull(got), err)
	}

	after := eval[[]string](t, tab, titles)
	if len(after) == 0 || after[0] != olderTitle {
		t.Errorf("first row's title after sorting = %q, want %q", after, olderTitle)
	}
	lower := make([]string, len(after))
	for i, s := range after {
		lower[i] = strings.ToLower(s)
	}
	if !sort.StringsAreSorted(lower) {
		t.Errorf("titles after sorting by title are not in ascending order: %q", after)
	}
}

func quoteOrNull(s *string) string {
	if s == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *s)
}
