package generator

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/search/static"
)

// TestSiteSearchPage checks that a build writes the /search/ page and the
// static index it reads, under the site's base path, and that a build
// for a server points the page at the server's API instead.
func TestSiteSearchPage(t *testing.T) {
	out, res := buildTestSite(t)
	page, err := os.ReadFile(filepath.Join(out, "search", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`data-index="/archive/search/"`,
		`<script src="/archive/static/search.js" defer></script>`,
		"Searching the static index in your browser",
		"<noscript>",
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if strings.Contains(string(page), "data-api") {
		t.Error("the static site's search page names a search API")
	}
	if _, err := os.Stat(filepath.Join(out, "static", "search.js")); err != nil {
		t.Error(err)
	}

	data, err := os.ReadFile(filepath.Join(out, "search", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m static.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("search/index.json: %v", err)
	}
	if m.Docs != res.Reports || len(m.Shards) == 0 {
		t.Errorf("manifest: %d reports in %d shards, want %d reports", m.Docs, len(m.Shards), res.Reports)
	}
	// The newest report's card, and the oldest's.
	newest := "search/c/" + strconv.Itoa(m.First()/static.CardsPerFile) + ".json"
	oldest := "search/c/" + strconv.Itoa((m.Slots-1)/static.CardsPerFile) + ".json"
	for _, rel := range []string{"search/t/0.bin", newest, oldest, "search/facets.json", "search/facets.bin"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
			t.Errorf("the static index lacks %s: %v", rel, err)
		}
	}

	dir := writeArchive(t, testArchive)
	live := filepath.Join(dir, "live")
	served := NewBuilder()
	served.SearchAPI = "/api/search"
	if _, err := served.Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: live}); err != nil {
		t.Fatal(err)
	}
	page, err = os.ReadFile(filepath.Join(live, "search", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-api="/api/search"`, "Searching the live index"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the served site's search page lacks %s", want)
		}
	}
}
