package generator

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestPagesStaySmall builds two archives alike but for their size, 300 and
// 1,500 reports over the same five years with few services, causes, sites
// and responders, so that every list is long in the larger one. No page but
// a report's own may grow with the archive: the largest of them in the
// larger site is at most 1.15 times the largest in the smaller. And no
// page is out of reach: every page can be reached by links from the home
// page, and every later page of a list (…/page/N/) from the list's first
// page through the list's own pages.
func TestPagesStaySmall(t *testing.T) {
	sizes := []int{300, 1500}
	largest := make([]int64, len(sizes))
	for i, n := range sizes {
		dir := t.TempDir()
		src, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
		testutil.WriteFiles(t, src, sizedArchive(n))
		if _, err := Build(context.Background(), Config{Source: src, Dest: out}); err != nil {
			t.Fatal(err)
		}
		pages := htmlPages(t, out)
		var top []string
		for _, p := range pages {
			if reportPage.MatchString(p.rel) {
				continue
			}
			largest[i] = max(largest[i], p.size)
			top = append(top, fmt.Sprintf("%d %s", p.size, p.rel))
		}
		slices.SortFunc(top, func(a, b string) int {
			var x, y int
			fmt.Sscan(a, &x)
			fmt.Sscan(b, &y)
			return y - x
		})
		t.Logf("%d reports, %d pages; the largest but reports' own: %q", n, len(pages), top[:min(4, len(top))])
		checkReachable(t, out, pages)
	}
	if limit := largest[0] * 115 / 100; largest[1] > limit {
		t.Errorf("the largest page (but a report's) weighs %d bytes at %d reports and %d at %d: more than 1.15×", largest[0], sizes[0], largest[1], sizes[1])
	}
}

// reportPage matches the path of a report's own page, which grows with its
// report, not with the archive.
var reportPage = regexp.MustCompile(`^incidents/[^/]+/index\.html$`)

// sizedArchive is an archive of n reports spread evenly over 2020–2024,
// each with a service of 4, a cause of 3, a trigger, a failure mode and a
// site of 2, two responders of 5, and a body of words drawn from a small
// vocabulary, so that repeat detection finds chains of various lengths.
func sizedArchive(n int) map[string]string {
	files := map[string]string{"site.yaml": "title: Sized archive\nbase_url: https://incidents.example.org/\n"}
	words := strings.Fields(`cache database queue replica shard lag timeout retry storm deploy config certificate
		dns mesh proxy disk memory leak latency errors saturation failover primary backup cron batch job
		index search login session token quota limit throttle network partition router switch kernel`)
	services := []string{"edge-proxy", "search-api", "login", "batch-runner"}
	causes := []string{"config-change", "capacity", "dependency"}
	responders := []string{"ana", "bo", "chen", "dara", "eli"}
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Sub(from)
	seed := uint32(1)
	next := func(k int) int { // a small linear congruential generator: the same archive every run
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % k
	}
	for i := range n {
		start := from.Add(span / time.Duration(n) * time.Duration(i)).Truncate(time.Minute)
		end := start.Add(time.Duration(10+next(300)) * time.Minute)
		slug := fmt.Sprintf("%s-event-%04d", start.Format("2006-01-02"), i)
		var body []string
		for range 3 + next(4) {
			var sentence []string
			for range 6 + next(6) {
				sentence = append(sentence, words[next(len(words))])
			}
			body = append(body, strings.Join(sentence, " ")+".")
		}
		files["incidents/"+slug+".md"] = fmt.Sprintf(`---
id: %s event-%04d
title: %s %s on %s
start: %s
end: %s
services: [%s]
causes: [%s]
trigger: %s
failure_mode: %s
sites: [%s]
responders: [%s, %s]
actionables:
  - {title: Fix the %s, owner: %s, status: %s}
---
## Summary

%s
`, start.Format("2006-01-02"), i, words[next(len(words))], words[next(len(words))], services[i%len(services)],
			start.Format("2006-01-02 15:04"), end.Format("2006-01-02 15:04"),
			services[i%len(services)], causes[next(len(causes))], []string{"deploy", "traffic"}[next(2)],
			[]string{"overload", "fast-fail"}[next(2)], []string{"east", "west"}[next(2)],
			responders[next(len(responders))], responders[(i+1)%len(responders)],
			words[next(len(words))], responders[next(len(responders))], []string{"open", "done"}[next(2)],
			strings.Join(body, " "))
	}
	return files
}

// htmlPage is a page of a built site: its path under the output folder
// and its size.
type htmlPage struct {
	rel  string
	size int64
}

func htmlPages(t *testing.T, out string) []htmlPage {
	t.Helper()
	var pages []htmlPage
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		pages = append(pages, htmlPage{filepath.ToSlash(rel), info.Size()})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// listPageRE matches a later page of a list: its first page, and its
// number.
var listPageRE = regexp.MustCompile(`^(.*/)page/[0-9]+/index\.html$`)

// checkReachable checks that every page of the site in out (served at /)
// is reached by links from the home page, and every later page of a list
// from the list's first page through the pages of that list alone.
func checkReachable(t *testing.T, out string, pages []htmlPage) {
	t.Helper()
	fromHome := reach(t, out, "index.html", func(string) bool { return true })
	lists := map[string]map[string]bool{} // first page → the pages reached from it
	for _, p := range pages {
		if p.rel == "404.html" {
			continue // reached by a missing address
		}
		if !fromHome[p.rel] {
			t.Errorf("/%s cannot be reached by links from the home page", p.rel)
		}
		m := listPageRE.FindStringSubmatch(p.rel)
		if m == nil {
			continue
		}
		first := m[1]
		if lists[first] == nil {
			lists[first] = reach(t, out, first+"index.html", func(rel string) bool {
				return rel == first+"index.html" || listPageRE.MatchString(rel) && strings.HasPrefix(rel, first+"page/")
			})
		}
		if !lists[first][p.rel] {
			t.Errorf("/%s cannot be reached from /%s through the pages of its list", p.rel, first)
		}
	}
}

// reach returns the HTML pages reached from start by following internal
// links to pages that follow accepts.
func reach(t *testing.T, out, start string, follow func(rel string) bool) map[string]bool {
	t.Helper()
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		rel := queue[0]
		queue = queue[1:]
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		base := "/" + strings.TrimSuffix(rel, "index.html")
		for _, link := range hrefs(data) {
			u, err := url.Parse(link)
			if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
				continue
			}
			target := u.Path
			if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(base+"x"), target)
			}
			if strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			target = strings.TrimPrefix(target, "/")
			if !strings.HasSuffix(target, ".html") || seen[target] || !follow(target) {
				continue
			}
			seen[target] = true
			queue = append(queue, target)
		}
	}
	return seen
}

// hrefRE finds the links of a page; the pages are ours, their attributes
// always double-quoted.
var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

func hrefs(page []byte) []string {
	var out []string
	for _, m := range hrefRE.FindAllSubmatch(page, -1) {
		out = append(out, strings.ReplaceAll(string(m[1]), "&amp;", "&"))
	}
	return out
}
