package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// importPage is a report page of the tests below, linking to the title
// link.
func importPage(start, link string) string {
	return "== Summary ==\n{{Incident scorecard\n| start = " + start + "\n| impact = Nothing worked.\n}}\nLike [[" + link + "]] before.\n"
}

// A .wiki file that holds a redirect is no report: it is skipped, and a
// link to its title means the page it leads to. Before, it was imported
// as a report of its own, "1. REDIRECT …", and the link went to it.
func TestImportWikiRedirectFile(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/site.yaml":                             "title: Test\n",
		"src/Incidents%2F2020-05-01 cache outage.wiki":  importPage("2020-05-01 10:00", "Incidents/2020-05-01 cache outage"),
		"src/Incidents%2FCache outage of May 2020.wiki": "#REDIRECT [[Incidents/2020-05-01 cache outage]]\n",
		"src/Incidents%2F2021-06-01 db outage.wiki":     importPage("2021-06-01 10:00", "Incidents/Cache outage of May 2020"),
		"src/Incidents%2F2021-06-02 cache outage.wiki":  "#REDIRECT [[Incidents/2020-05-01 cache outage]]\n",
	})
	content := filepath.Join(dir, "content")
	checkRun(t, []string{"import", "wiki", filepath.Join(dir, "src"), "-s", content}, 0,
		[]string{"imported                         2   new 2", "skipped (not reports)            2"},
		[]string{"skipped: a redirect to Incidents/2020-05-01 cache outage"})
	if _, err := os.Stat(filepath.Join(content, "incidents/2021/2021-06-02-cache-outage.md")); err == nil {
		t.Errorf("the redirect page was imported as a report")
	}
	data, err := os.ReadFile(filepath.Join(content, "incidents/2021/2021-06-01-db-outage.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "related: [2020-05-01 cache outage]") {
		t.Errorf("the link through the redirect is not resolved:\n%s", data)
	}
}

// fakeAPI answers as a MediaWiki Action API does, as far as an import
// asks: the listing (generator=allpages), where redirects lead, and the
// pages' text. pages maps a title to its text ("#REDIRECT [[T]]" for a
// redirect) and the time it was last changed.
func fakeAPI(t *testing.T, pages map[string]struct {
	text    string
	changed time.Time
}) *httptest.Server {
	type rev struct {
		RevID     int64                        `json:"revid"`
		Timestamp time.Time                    `json:"timestamp"`
		Slots     map[string]map[string]string `json:"slots,omitempty"`
	}
	type page struct {
		PageID    int64  `json:"pageid"`
		Title     string `json:"title"`
		Redirect  bool   `json:"redirect,omitempty"`
		Missing   bool   `json:"missing,omitempty"`
		Revisions []rev  `json:"revisions,omitempty"`
	}
	type redirect struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	var titles []string
	for title := range pages {
		titles = append(titles, title)
	}
	id := func(title string) int64 { return int64(len(title)*1000 + int(title[len(title)-1])) }
	target := func(title string) string {
		text := pages[title].text
		if !strings.HasPrefix(text, "#REDIRECT [[") {
			return ""
		}
		return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(text), "#REDIRECT [["), "]]")
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		var out []page
		var redirects []redirect
		switch {
		case r.Form.Get("generator") == "allpages":
			for _, title := range titles {
				p := pages[title]
				out = append(out, page{PageID: id(title), Title: title, Redirect: target(title) != "", Revisions: []rev{{RevID: id(title) + 1, Timestamp: p.changed}}})
			}
		case r.Form.Get("titles") != "":
			for _, title := range strings.Split(r.Form.Get("titles"), "|") {
				if to := target(title); to != "" {
					redirects = append(redirects, redirect{title, to})
					title = to
				}
				p, ok := pages[title]
				if !ok {
					out = append(out, page{Title: title, Missing: true})
					continue
				}
				rv := rev{RevID: id(title) + 1, Timestamp: p.changed}
				if strings.Contains(r.Form.Get("rvprop"), "content") {
					rv.Slots = map[string]map[string]string{"main": {"content": p.text}}
				}
				out = append(out, page{PageID: id(title), Title: title, Revisions: []rev{rv}})
			}
		default:
			t.Errorf("unexpected request %s", r.Form.Encode())
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"batchcomplete": true, "query": map[string]any{"pages": out, "redirects": redirects}})
	}))
}

// With --since, only the pages changed since are fetched, but a changed
// page's links still resolve to the pages that did not change, through
// their redirects too: the first pass lists every title (Client.Titles).
// Before, the first pass saw only the changed pages, and a link through
// an old redirect became a link to the wiki.
func TestImportAPISinceResolvesUnchangedPages(t *testing.T) {
	old, recent := time.Date(2020, 5, 2, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	type p = struct {
		text    string
		changed time.Time
	}
	pages := map[string]p{
		"Incidents/2020-05-01 cache outage":  {importPage("2020-05-01 10:00", "Incidents/2019-01-01 nothing"), old},
		"Incidents/Cache outage of May 2020": {"#REDIRECT [[Incidents/2020-05-01 cache outage]]", old},
		"Incidents/2021-06-01 db outage":     {importPage("2021-06-01 10:00", "Incidents/2019-01-01 nothing"), old},
	}
	srv := fakeAPI(t, pages)
	defer srv.Close()
	dir := writeContent(t, map[string]string{"content/site.yaml": "title: Test\n"})
	content := filepath.Join(dir, "content")
	args := []string{"import", "wiki", "--api", srv.URL + "/w/api.php", "--contact", "sre@example.org", "--wiki-url", "https://wiki.example.org/wiki/", "-s", content, "--write"}
	checkRun(t, args, 0, []string{"new 2"}, nil)

	pages["Incidents/2021-06-01 db outage"] = p{importPage("2021-06-01 10:00", "Incidents/Cache outage of May 2020"), recent}
	srv.Close()
	srv = fakeAPI(t, pages)
	args[3] = srv.URL + "/w/api.php"
	checkRun(t, append(args, "--since", "2024-01-01"), 0, []string{"read                             1", "updated 1"}, nil)
	data, err := os.ReadFile(filepath.Join(content, "incidents/2021/2021-06-01-db-outage.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "related: [2020-05-01 cache outage]") {
		t.Errorf("the link through the unchanged redirect is not resolved:\n%s", data)
	}
}
