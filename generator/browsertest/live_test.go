package browsertest

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/serve/live"
	"github.com/incidents-archive/incidents/generator/serve/server"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestLiveReloadInBrowser serves the archive the way serve does (the
// live-reload hub in front of the site), opens a report in Chromium, and
// rebuilds after an edit: the tab must reload by itself (a value the test
// left in the old page is gone) and show the new text. A failed build
// must show its errors over the page, with file and line, and the next
// good build must reload the page without them.
func TestLiveReloadInBrowser(t *testing.T) {
	skipIfAsked(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	dir := t.TempDir()
	src := filepath.Join(dir, "content")
	testutil.WriteFiles(t, src, archiveFiles)
	dest := filepath.Join(dir, "public")
	hub := live.NewHub()
	ts := httptest.NewUnstartedServer(hub.Handler(server.Handler(dest)))
	t.Cleanup(ts.Close)
	t.Cleanup(hub.Close) // before ts.Close, which waits for the event stream
	site := "http://" + ts.Listener.Addr().String() + "/"
	cfg := generator.Config{Source: src, Dest: dest, BaseURL: site, Version: "browsertest"}
	if _, err := generator.Build(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	ts.Start()

	browser := startBrowser(ctx, t)
	tab := openPage(t, browser, site, site+"incidents/"+olderSlug+"/")
	if _, err := chromedp.Run(tab, chromedp.Evaluate[string](`window.beforeReload = "old page"`)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(src, "incidents", "2021", olderSlug+".md")
	edit := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// waitJS waits until the expression is true in the tab.
	waitJS := func(what, expr string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			if ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %s never became true", what, expr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	edit("emptied the edge caches at once", "emptied every edge cache in one go")
	if _, err := generator.Build(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	hub.Built(nil)
	waitJS("reload after an edit", `window.beforeReload === undefined && document.querySelector("main").textContent.includes("every edge cache in one go")`)

	// A build that fails: the tab keeps its page and shows the problems.
	edit("start: 2021-03-02 09:00:00", "start: the day before")
	_, err := generator.Build(ctx, cfg)
	ce, ok := err.(*diag.ContentError)
	if !ok {
		t.Fatalf("building broken content: %v, want content errors", err)
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[string](`window.beforeReload = "still the old page"`)); err != nil {
		t.Fatal(err)
	}
	hub.Failed(ce.Diagnostics)
	waitJS("errors shown over the page", `(function () {
		var p = document.getElementById("incidents-live-errors");
		return !!p && p.textContent.includes("`+olderSlug+`.md:4: start:") && window.beforeReload === "still the old page";
	})()`)

	edit("start: the day before", "start: 2021-03-02 09:00:00")
	if _, err := generator.Build(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	hub.Built(nil)
	waitJS("reload after the fix", `window.beforeReload === undefined && !document.getElementById("incidents-live-errors")`)
}
