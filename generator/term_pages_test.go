package generator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestTermPagesArePaged builds an archive of 453 reports, every one of
// service "busy", the newest 201 of service "over" and the newest 200 of
// service "exact", and each of a service of its own, and follows the
// pages of those services and of the index of services from their first
// pages (whose URLs do not change). A term's first page must describe
// every report of the term (the count, the total duration, the first and
// latest dates); its later pages must say which page they are and lead
// back to it; a term of exactly one page has no page/ folder and no page
// navigation.
func TestTermPagesArePaged(t *testing.T) {
	const perPage, reports = 200, 453
	files := map[string]string{"site.yaml": "title: Paged terms\nbase_url: https://incidents.example.org/\n"}
	var newestFirst []string // slugs
	for i := range reports {
		// Report i is the i-th oldest: one a day from 2023-01-01, an hour long.
		day := fmt.Sprintf("2023-%02d-%02d", 1+i/28%12, 1+i%28)
		year := 2023 + i/(28*12)
		day = fmt.Sprintf("%d%s", year, day[4:])
		slug := fmt.Sprintf("%s-check-%03d", day, i)
		services := []string{"busy", fmt.Sprintf("solo-%03d", i)}
		if i >= reports-201 {
			services = append(services, "over")
		}
		if i >= reports-200 {
			services = append(services, "exact")
		}
		files[fmt.Sprintf("incidents/%s.md", slug)] = fmt.Sprintf(
			"---\nid: %s check-%03d\ntitle: Check %d failed\nstart: %s 10:00\nend: %s 11:00\nservices: [%s]\n---\nCheck %d failed for an hour.\n",
			day, i, i, day, day, strings.Join(services, ", "), i)
		newestFirst = append(newestFirst, slug)
	}
	slices.Reverse(newestFirst)

	dir := t.TempDir()
	src, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	testutil.WriteFiles(t, src, files)
	if _, err := Build(context.Background(), Config{Source: src, Dest: out}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		service string
		want    []string
		pages   int
	}{
		{"busy", newestFirst, 3},
		{"over", newestFirst[:201], 2},
		{"exact", newestFirst[:200], 1},
		{"solo-000", newestFirst[reports-1:], 1},
	} {
		t.Run(tt.service, func(t *testing.T) {
			first := "services/" + tt.service + "/"
			if got := followList(t, out, first, perPage, tt.service); !slices.Equal(got, tt.want) {
				t.Errorf("the pages of /%s list %d reports, want %d newest first\n got %q\nwant %q", first, len(got), len(tt.want), head(got), head(tt.want))
			}
			// The first page describes every report of the term.
			doc := parseFile(t, filepath.Join(out, first, "index.html"))
			oldest, newest := tt.want[len(tt.want)-1][:10], tt.want[0][:10]
			wantStats := []string{fmt.Sprint(len(tt.want)), durationOfHours(len(tt.want)), oldest, newest}
			if got := statValues(doc); !slices.Equal(got, wantStats) {
				t.Errorf("/%s: the summary says %q, want %q (over all its reports)", first, got, wantStats)
			}
			_, err := os.Stat(filepath.Join(out, first, "page"))
			if tt.pages == 1 {
				if err == nil {
					t.Errorf("/%s has one page and a page/ folder", first)
				}
				if navs := listNavs(doc); navs != 0 {
					t.Errorf("/%s has one page and %d page navigations", first, navs)
				}
				return
			}
			// Every later page says which it is, and leads to the first.
			for n := 2; n <= tt.pages; n++ {
				p := fmt.Sprintf("%spage/%d/", first, n)
				doc := parseFile(t, filepath.Join(out, p, "index.html"))
				if got := statValues(doc); got != nil {
					t.Errorf("/%s repeats the summary of the first page: %q", p, got)
				}
				lead := text(firstWithClass(t, doc, "lead"))
				if want := fmt.Sprintf("page %d of %d", n, tt.pages); !strings.Contains(lead, want) {
					t.Errorf("/%s says %q, want it to say %q", p, lead, want)
				}
				back := false
				for _, a := range elements(firstWithClass(t, doc, "lead"), "a") {
					back = back || attr(a, "href") == "/"+first
				}
				if !back {
					t.Errorf("/%s does not lead back to /%s from its first paragraph", p, first)
				}
			}
			if _, err := os.Stat(filepath.Join(out, first, "page", fmt.Sprint(tt.pages+1))); err == nil {
				t.Errorf("/%s has a page %d", first, tt.pages+1)
			}
		})
	}

	t.Run("index", func(t *testing.T) {
		// 453 services of one report each, after the three larger ones.
		got := followList(t, out, "services/", perPage, "Services")
		if len(got) != reports+3 {
			t.Fatalf("the pages of /services/ list %d services, want %d", len(got), reports+3)
		}
		if want := []string{"/services/busy", "/services/over", "/services/exact"}; !slices.Equal(got[:3], want) {
			t.Errorf("/services/ begins with %q, want the most frequent first, %q", got[:3], want)
		}
	})
	t.Run("links", func(t *testing.T) { checkLinks(t, out, "/", 2*reports, 10*reports) })
}

// durationOfHours is how a term's summary writes n hours.
func durationOfHours(n int) string {
	if n < 24 {
		return fmt.Sprintf("%dh", n)
	}
	if n%24 == 0 {
		return fmt.Sprintf("%dd", n/24)
	}
	return fmt.Sprintf("%dd %dh", n/24, n%24)
}

// statValues returns the values of the summary (the <dd> of the stats
// section), nil when the page has none.
func statValues(doc *html.Node) []string {
	var out []string
	for _, sec := range elements(doc, "section") {
		if hasClassAttr(sec, "stats") {
			for _, dd := range elements(sec, "dd") {
				out = append(out, text(dd))
			}
		}
	}
	return out
}

// listNavs counts the page navigations of a page.
func listNavs(doc *html.Node) int {
	n := 0
	for _, nav := range elements(doc, "nav") {
		if hasClassAttr(nav, "list-pages") {
			n++
		}
	}
	return n
}

// firstWithClass returns the first element of class class in doc.
func firstWithClass(t *testing.T, doc *html.Node, class string) *html.Node {
	t.Helper()
	for d := range doc.Descendants() {
		if d.Type == html.ElementNode && hasClassAttr(d, class) {
			return d
		}
	}
	t.Fatalf("no element of class %q", class)
	return nil
}
