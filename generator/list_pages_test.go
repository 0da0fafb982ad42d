package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestIncidentListIsPaged builds an archive of 453 reports, 450 of them in
// one year, and follows the lists of all reports and of that year from
// their first pages (whose URLs do not change) through their "Older"
// links. No page may hold more than 200 rows; together the pages must list
// every report once, newest first, and say which page they are; every
// internal link on the site must lead somewhere; incidents.json must still
// hold the whole list.
func TestIncidentListIsPaged(t *testing.T) {
	const perPage, busyYear, inBusyYear, other = 200, 2024, 450, 3
	files := map[string]string{"site.yaml": "title: Paged archive\nbase_url: https://incidents.example.org/\n"}
	type report struct{ start, slug string }
	var reports []report
	add := func(year, i int) {
		day := fmt.Sprintf("%d-%02d-%02d", year, 1+i/28%12, 1+i%28)
		slug := fmt.Sprintf("%s-outage-%03d", day, i)
		start := fmt.Sprintf("%s %02d:%02d:00", day, 8+i/60%10, i%60) // no two alike
		files[fmt.Sprintf("incidents/%d/%s.md", year, slug)] = fmt.Sprintf(
			"---\nid: %s outage-%03d\ntitle: Outage number %d of the year\nstart: %s\n---\nA short report of outage %d.\n",
			day, i, i, start, i)
		reports = append(reports, report{start, slug})
	}
	for i := range inBusyYear {
		add(busyYear, i)
	}
	for i := range other {
		add(busyYear-1, i)
	}
	slices.SortFunc(reports, func(a, b report) int { return -strings.Compare(a.start, b.start) })
	var newestFirst []string // slugs
	for _, r := range reports {
		newestFirst = append(newestFirst, r.slug)
	}

	dir := t.TempDir()
	src, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	testutil.WriteFiles(t, src, files)
	if _, err := Build(context.Background(), Config{Source: src, Dest: out}); err != nil {
		t.Fatal(err)
	}

	t.Run("all", func(t *testing.T) {
		got := followList(t, out, "incidents/", perPage, "All incidents")
		if !slices.Equal(got, newestFirst) {
			t.Errorf("the pages of /incidents/ list %d reports, want all %d newest first\n got %q\nwant %q", len(got), len(newestFirst), head(got), head(newestFirst))
		}
	})
	t.Run("year", func(t *testing.T) {
		got := followList(t, out, fmt.Sprintf("years/%d/", busyYear), perPage, fmt.Sprintf("Incidents in %d", busyYear))
		if want := newestFirst[:inBusyYear]; !slices.Equal(got, want) {
			t.Errorf("the pages of /years/%d/ list %d reports, want its %d newest first", busyYear, len(got), len(want))
		}
	})
	t.Run("small year", func(t *testing.T) {
		got := followList(t, out, fmt.Sprintf("years/%d/", busyYear-1), perPage, fmt.Sprintf("Incidents in %d", busyYear-1))
		if len(got) != other {
			t.Errorf("/years/%d/ lists %d reports, want %d", busyYear-1, len(got), other)
		}
		if _, err := os.Stat(filepath.Join(out, "years", fmt.Sprint(busyYear-1), "page")); err == nil {
			t.Errorf("a list of %d reports has a page/ folder", other)
		}
	})
	t.Run("links", func(t *testing.T) { checkLinks(t, out, "/", inBusyYear+other, 10*(inBusyYear+other)) })
	t.Run("incidents.json", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, "incidents.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Incidents []json.RawMessage }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("incidents.json: %v", err)
		}
		if len(doc.Incidents) != len(newestFirst) {
			t.Errorf("incidents.json holds %d reports, want %d", len(doc.Incidents), len(newestFirst))
		}
	})
	// A rebuild after reports are removed drops the pages it no longer
	// needs: 193 reports fit on /incidents/ alone.
	t.Run("shrunk", func(t *testing.T) {
		for _, slug := range newestFirst[:260] {
			if err := os.Remove(filepath.Join(src, "incidents", slug[:4], slug+".md")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Build(context.Background(), Config{Source: src, Dest: out}); err != nil {
			t.Fatal(err)
		}
		if got := followList(t, out, "incidents/", perPage, "All incidents"); !slices.Equal(got, newestFirst[260:]) {
			t.Errorf("after the rebuild /incidents/ lists %d reports, want %d", len(got), len(newestFirst)-260)
		}
		for _, gone := range []string{"incidents/page", fmt.Sprintf("years/%d/page", busyYear)} {
			if _, err := os.Stat(filepath.Join(out, gone)); err == nil {
				t.Errorf("%s/ is left from the larger build", gone)
			}
		}
	})
}

// followList reads the list whose first page is at dir under out, and each
// page after it through its rel="next" link, checking that no page holds
// more than perPage rows, that each page but the last is full, that each
// names its place ("page 2 of 3") in its title when there are several and
// marks itself current in the page navigation. It returns the slugs of the
// reports listed, in order.
func followList(t *testing.T, out, dir string, perPage int, heading string) []string {
	t.Helper()
	var slugs []string
	var pages int
	for url := "/" + dir; url != ""; pages++ {
		if pages > 100 {
			t.Fatalf("more than 100 pages from /%s: a loop?", dir)
		}
		doc := parseFile(t, filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(url, "/")), "index.html"))
		rows := 0
		for _, tr := range elements(doc, "tr") {
			if parent := tr.Parent; parent == nil || parent.Data != "tbody" {
				continue
			}
			rows++
			if a := elements(tr, "a"); len(a) > 0 {
				slugs = append(slugs, strings.TrimSuffix(strings.TrimPrefix(attr(a[0], "href"), "/incidents/"), "/"))
			}
		}
		if rows > perPage {
			t.Errorf("%s has %d rows, more than %d", url, rows, perPage)
		}
		next := ""
		for _, a := range elements(doc, "a") {
			if attr(a, "rel") == "next" {
				next = attr(a, "href")
			}
		}
		if next != "" && rows != perPage {
			t.Errorf("%s has %d rows and a next page; only the last page may be short", url, rows)
		}
		title := text(elements(doc, "title")[0])
		if want := heading + ", page "; (next != "" || pages > 0) && !strings.HasPrefix(title, want+fmt.Sprint(pages+1)+" of ") {
			t.Errorf("%s is titled %q, want %q…", url, title, want+fmt.Sprint(pages+1)+" of")
		}
		if next != "" || pages > 0 {
			current := ""
			for _, nav := range elements(doc, "nav") {
				if attr(nav, "class") == "list-pages" {
					for _, a := range elements(nav, "a") {
						if attr(a, "aria-current") == "page" {
							current = attr(a, "href")
						}
					}
				}
			}
			if current != url {
				t.Errorf("%s: the page navigation marks %q as current", url, current)
			}
		}
		url = next
	}
	t.Logf("/%s: %d reports on %d pages", dir, len(slugs), pages)
	return slugs
}

func parseFile(t *testing.T, file string) *html.Node {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return doc
}

// elements returns the elements named tag under n, in document order.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// head returns the first few of list, for messages.
func head(list []string) []string { return list[:min(5, len(list))] }
