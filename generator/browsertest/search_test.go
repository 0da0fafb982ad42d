package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/serve/server"
	"github.com/incidents-archive/incidents/generator/testutil"
	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// TestAnalyzerInBrowser compares search.js's copy of bleve's English
// analyzer with bleve's own, on words made of the roots and suffixes in
// testdata (every Porter rule has suffixes there) and on the phrases in
// testdata. The page must find in the static index exactly the terms that
// bleve put there.
func TestAnalyzerInBrowser(t *testing.T) {
	skipIfAsked(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	site := serveSite(ctx, t)
	browser := startBrowser(ctx, t)
	tab := openPage(t, browser, site, site+"search/")

	inputs := analyzerInputs(t)
	an, err := static.NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	stop, err := static.StopWords()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(inputs)
	sw, _ := json.Marshal(stop)
	got := eval[[][]string](t, tab, `(() => {
		const inputs = `+string(in)+`, stop = `+string(sw)+`;
		return inputs.map((s) => window.incidentsSearch.analyze(s, stop));
	})()`)
	if len(got) != len(inputs) {
		t.Fatalf("search.js analysed %d inputs, want %d", len(got), len(inputs))
	}
	var diffs []string
	for i, s := range inputs {
		want := an.Analyze(s)
		if !slices.Equal(got[i], want) && !(len(got[i]) == 0 && len(want) == 0) {
			diffs = append(diffs, "\t"+s+": search.js "+quoteList(got[i])+", bleve "+quoteList(want))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("search.js disagrees with bleve on %d of %d inputs; the first:\n%s", len(diffs), len(inputs), strings.Join(diffs[:min(40, len(diffs))], "\n"))
	}
}

// analyzerInputs reads the words and phrases of testdata.
func analyzerInputs(t *testing.T) []string {
	t.Helper()
	fields := func(name string) []string {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "#") {
				out = append(out, strings.Fields(line)...)
			}
		}
		return out
	}
	var inputs []string
	for _, root := range fields("analyzer-roots.txt") {
		for _, suffix := range fields("analyzer-suffixes.txt") {
			if suffix == "-" {
				suffix = ""
			}
			inputs = append(inputs, root+suffix, strings.ToUpper(root[:1])+root[1:]+suffix)
			if strings.HasSuffix(root, "e") {
				inputs = append(inputs, root[:len(root)-1]+suffix)
			}
		}
	}
	data, err := os.ReadFile("testdata/analyzer-phrases.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			inputs = append(inputs, line)
			inputs = append(inputs, strings.Fields(line)...)
		}
	}
	return inputs
}

func quoteList(l []string) string {
	b, _ := json.Marshal(l)
	return string(b)
}

// TestSearchPageInBrowser opens the search page of the static site with a
// query in its URL, types another query, applies a filter and checks the
// results and the URL at each step.
func TestSearchPageInBrowser(t *testing.T) {
	skipIfAsked(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	site := serveSite(ctx, t)
	browser := startBrowser(ctx, t)
	tab := openPage(t, browser, site, site+"search/?q=heap")
	checkStylesheet(t, tab)

	if mode := eval[string](t, tab, `document.querySelector("#search-mode").textContent`); !strings.Contains(mode, "static index in your browser") {
		t.Errorf("mode line = %q, want it to say the static index is searched", mode)
	}
	if v := eval[string](t, tab, `document.querySelector("#q").value`); v != "heap" {
		t.Errorf("the query box holds %q, want the URL's query \"heap\"", v)
	}
	searchJourney(t, tab, site)
}

// searchJourney is what a person does on the search page, opened at
// ?q=heap, in either mode: read the results, type a query whose words are
// stemmed, then filter by a year.
func searchJourney(t *testing.T, tab context.Context, site string) {
	t.Helper()
	waitResults(t, tab, []string{newerTitle})
	if marks := eval[[]string](t, tab, `[...document.querySelectorAll("#search-results mark")].map(m => m.textContent)`); !slices.Contains(marks, "heap") {
		t.Errorf("highlighted words = %q, want \"heap\" among them", marks)
	}
	href := eval[string](t, tab, `document.querySelector("#search-results a").href`)
	if want := site + "incidents/" + newerSlug + "/"; href != want {
		t.Errorf("result links to %s, want %s", href, want)
	}

	// Type a new query, whose words are stemmed as in the index:
	// "emptying" and "edges" find "emptied the edge caches".
	typeQuery(t, tab, "emptying edges")
	waitResults(t, tab, []string{olderTitle})
	waitEval(t, tab, `location.search === "?q=emptying+edges"`, "the URL holds the typed query")

	// A name is one term: app-servers is marked whole, and the service
	// varnish-frontend, which no text names, finds the report listing it.
	typeQuery(t, tab, "app-servers")
	waitResults(t, tab, []string{olderTitle})
	waitEval(t, tab, `JSON.stringify([...document.querySelectorAll("#search-results mark")].map(m => m.textContent)) === '["app-servers"]'`, "the name marked whole, and nothing else")
	typeQuery(t, tab, "varnish-frontend")
	waitResults(t, tab, []string{olderTitle})

	// Both reports name a purge; filter by the year 2021.
	typeQuery(t, tab, "heap traffic purge")
	waitResults(t, tab, []string{newerTitle, olderTitle})
	waitEval(t, tab, `document.querySelector("#search-facets input[value='2021']") !== null`, "a year filter for 2021")
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#search-facets input[value='2021']`))); err != nil {
		t.Fatalf("clicking the 2021 filter: %v", err)
	}
	waitResults(t, tab, []string{olderTitle})
	waitEval(t, tab, `location.search === "?q=heap+traffic+purge&year=2021"`, "the URL holds the query and the year")
	waitEval(t, tab, `document.activeElement && document.activeElement.value === "2021"`, "focus stays on the filter")
}

// typeQuery empties the query box and types q into it, key by key.
func typeQuery(t *testing.T, tab context.Context, q string) {
	t.Helper()
	eval[bool](t, tab, `(document.querySelector("#q").value = "") === ""`)
	if err := chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS("#q"), q)); err != nil {
		t.Fatalf("typing %q: %v", q, err)
	}
}

// waitResults waits until the result titles are want, in order.
func waitResults(t *testing.T, tab context.Context, want []string) {
	t.Helper()
	w, _ := json.Marshal(want)
	expr := `JSON.stringify([...document.querySelectorAll("#search-results h2")].map(h => h.textContent.trim())) === JSON.stringify(` + string(w) + `)`
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		got := eval[[]string](t, tab, `[...document.querySelectorAll("#search-results h2")].map(h => h.textContent.trim())`)
		status := eval[string](t, tab, `document.querySelector("#search-status").textContent`)
		t.Fatalf("results = %q (status %q), want %q", got, status, want)
	}
}

func waitEval(t *testing.T, tab context.Context, expr, what string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("waiting for %s: %v (location.search = %q)", what, err, eval[string](t, tab, "location.search"))
	}
}

// TestServedSearchPageInBrowser opens the search page as serve builds it,
// where the page asks the server's /api/search (backed by the bleve
// index) instead of the static index, and checks the same journey.
func TestServedSearchPageInBrowser(t *testing.T) {
	skipIfAsked(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	site := serveSiteWithAPI(ctx, t)
	browser := startBrowser(ctx, t)
	tab := openPage(t, browser, site, site+"search/?q=heap")

	if mode := eval[string](t, tab, `document.querySelector("#search-mode").textContent`); !strings.Contains(mode, "live index on the server") {
		t.Errorf("mode line = %q, want it to say the server is searched", mode)
	}
	searchJourney(t, tab, site)
}

// serveSiteWithAPI builds the archive as serve does, with its bleve
// index, and serves the site and /api/search the way serve composes them.
func serveSiteWithAPI(ctx context.Context, t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "content")
	testutil.WriteFiles(t, src, archiveFiles)
	dest := filepath.Join(dir, "public")
	indexDir := filepath.Join(dir, "cache", "search")

	mux := http.NewServeMux()
	ts := httptest.NewUnstartedServer(mux)
	t.Cleanup(ts.Close)
	base := "http://" + ts.Listener.Addr().String() + "/"
	b := generator.NewBuilder()
	b.SearchAPI = "/api/search"
	_, err := b.Build(ctx, generator.Config{Source: src, Dest: dest, BaseURL: base, Version: "browsertest", SearchIndex: indexDir})
	if err != nil {
		t.Fatalf("building the test archive: %v", err)
	}
	idx, err := search.Open(indexDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	mux.Handle("/api/search", search.NewAPI(idx, search.APIOptions{}))
	mux.Handle("/", server.Handler(dest))
	ts.Start()
	return base
}
