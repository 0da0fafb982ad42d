package render

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/layouts"
)

// dataArchive is an archive of n reports, one a day from 2024-01-01 (so
// the newest is the last), every one of service api, every third of db
// too, each of a service of its own, and bodies with what JSON must
// escape: quotes, newlines, tabs, HTML and other scripts.
func dataArchive(n int) fstest.MapFS {
	files := fstest.MapFS{"site.yaml": {Data: []byte("title: Data <&> \"test\"\n")}, "incidents": {Mode: fs.ModeDir}}
	day := time.Date(2024, 1, 1, 3, 0, 0, 0, time.UTC)
	for i := range n {
		start := day.AddDate(0, 0, i)
		services := fmt.Sprintf("[api, own-%d]", i)
		if i%3 == 0 {
			services = fmt.Sprintf("[api, db, own-%d]", i)
		}
		text := fmt.Sprintf("---\nid: %s r%d\ntitle: \"Report %d: \\\"quoted\\\" <b>\"\nstart: %s\nend: %s\nservices: %s\ncauses: [cause-%d]\n---\n## Summary\n\nLine one of %d.\n\tTabbed \"quote\" </script> Zürich 東京.\n\n## Timeline\n\n- 03:00 start\n",
			start.Format("2006-01-02"), i, i, start.Format("2006-01-02 15:04"), start.Add(90*time.Minute).Format("2006-01-02 15:04"), services, i%4, i)
		files[fmt.Sprintf("incidents/%d/r%03d.md", start.Year(), i)] = &fstest.MapFile{Data: []byte(text)}
	}
	return files
}

// renderData renders the archive in files into dest, as a build would,
// and returns the archive.
func renderData(t *testing.T, files fstest.MapFS, dest string, opts Options) *archive.Archive {
	t.Helper()
	ctx := context.Background()
	arc, diags, err := archive.Load(ctx, files, archive.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags.All())
	}
	f, err := facts.Compute(ctx, arc, facts.Options{Root: "/", ReservedIDs: ReservedIDs(), Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	opts.BaseURL, opts.Layouts, opts.Version = "https://x.example/", layouts.FS, "test"
	_, err = publish.Build(dest, func(out *publish.Folder) error {
		_, err := Render(ctx, f, out, opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return arc
}

// TestIncidentsJSONStreams: incidents.json parses whole, as it always
// did, and line by line as docs/site.md says: a header line, one report
// a line, then the terms one taxonomy a line; both readings agree, every
// report is there once, in order, and no body is: source and body_line
// lead to it.
func TestIncidentsJSONStreams(t *testing.T) {
	for _, n := range []int{0, 1, 70} {
		t.Run(fmt.Sprintf("%d reports", n), func(t *testing.T) {
			files := dataArchive(n)
			dest := filepath.Join(t.TempDir(), "public")
			arc := renderData(t, files, dest, Options{Workers: 2})
			data, err := os.ReadFile(filepath.Join(dest, "incidents.json"))
			if err != nil {
				t.Fatal(err)
			}

			// The whole file.
			var whole struct {
				Generator string                      `json:"generator"`
				Site      map[string]any              `json:"site"`
				Count     int                         `json:"count"`
				Incidents []map[string]any            `json:"incidents"`
				Terms     map[string][]map[string]any `json:"terms"`
			}
			if err := json.Unmarshal(data, &whole); err != nil {
				t.Fatalf("the whole file is not JSON: %v", err)
			}
			if whole.Generator != "incidents test" || whole.Count != n || len(whole.Incidents) != n || whole.Site["title"] != `Data <&> "test"` {
				t.Errorf("header: generator %q, count %d, %d reports, site %v; want %d reports", whole.Generator, whole.Count, len(whole.Incidents), whole.Site, n)
			}
			for i, in := range arc.Incidents {
				got := whole.Incidents[i]
				if got["id"] != in.ID || got["url"] != "/incidents/"+in.Slug+"/" {
					t.Fatalf("report %d is %v, want %s", i, got["id"], in.ID)
				}
				if _, ok := got["body"]; ok {
					t.Errorf("%s has a body", in.ID)
				}
				// The body is in the file source names, from body_line on.
				src, ok := got["source"].(string)
				line, lok := got["body_line"].(float64)
				if !ok || !lok {
					t.Fatalf("%s: source %v, body_line %v", in.ID, got["source"], got["body_line"])
				}
				text, err := fs.ReadFile(files, src)
				if err != nil {
					t.Fatalf("%s: source %q: %v", in.ID, src, err)
				}
				if body := strings.Join(strings.SplitAfter(string(text), "\n")[int(line)-1:], ""); body != string(in.Body) || !strings.HasPrefix(body, "## Summary") {
					t.Errorf("%s: the body from source and body_line is %q, want %q", in.ID, body, in.Body)
				}
			}
			services := n // api, db and one of each report's own
			if n > 0 {
				services += 2
			}
			if len(whole.Terms["services"]) != services {
				t.Errorf("%d services in terms, want %d", len(whole.Terms["services"]), services)
			}

			// Line by line.
			sc := bufio.NewScanner(bytes.NewReader(data))
			next := func() string {
				t.Helper()
				if !sc.Scan() {
					t.Fatalf("the file ends early: %v", sc.Err())
				}
				return sc.Text()
			}
			var head struct {
				Generator string         `json:"generator"`
				Site      map[string]any `json:"site"`
				Count     int            `json:"count"`
			}
			if err := json.Unmarshal([]byte(next()+"]}"), &head); err != nil || head.Count != n || head.Generator != whole.Generator || !reflect.DeepEqual(head.Site, whole.Site) {
				t.Fatalf("the first line and ]} is %+v (%v)", head, err)
			}
			for i := range head.Count {
				line := next()
				trimmed, comma := strings.CutSuffix(line, ",")
				if comma == (i == n-1) {
					t.Errorf("report line %d: a comma %v, want one on every line but the last", i+1, comma)
				}
				var report map[string]any
				if err := json.Unmarshal([]byte(trimmed), &report); err != nil {
					t.Fatalf("report line %d is not one object: %v", i+1, err)
				}
				if !reflect.DeepEqual(report, whole.Incidents[i]) {
					t.Errorf("report line %d differs from the whole file's report %d", i+1, i)
				}
			}
			if l := next(); l != `],"terms":{` {
				t.Fatalf("after the reports: %q", l)
			}
			kinds := 0
			for {
				line := next()
				if line == "}}" {
					break
				}
				var tax map[string][]map[string]any
				if err := json.Unmarshal([]byte("{"+strings.TrimSuffix(line, ",")+"}"), &tax); err != nil || len(tax) != 1 {
					t.Fatalf("a taxonomy line is not one key and its list: %v: %.200s", err, line)
				}
				for kind, list := range tax {
					if !reflect.DeepEqual(list, whole.Terms[kind]) {
						t.Errorf("the %s line differs from the whole file's", kind)
					}
				}
				kinds++
			}
			if kinds != len(whole.Terms) || sc.Scan() {
				t.Errorf("%d taxonomy lines for %d taxonomies, and %q after the last line", kinds, len(whole.Terms), sc.Text())
			}
		})
	}
}

// atomFeed is what the tests read of an Atom feed.
type atomFeed struct {
	Entries []struct {
		ID string `xml:"id"`
	} `xml:"entry"`
}

// TestFeedsCarryTheNewest50: the site's feed and each term's carry the 50
// newest reports at most, newest first.
func TestFeedsCarryTheNewest50(t *testing.T) {
	const n = 130
	dest := filepath.Join(t.TempDir(), "public")
	arc := renderData(t, dataArchive(n), dest, Options{Workers: 2})
	// want is the ids of the feed of the reports of term ("" for all).
	want := func(service string) []string {
		var ids []string
		for _, in := range arc.Incidents {
			if (service == "" || slices.Contains(in.Services, service)) && len(ids) < 50 {
				ids = append(ids, "https://x.example/incidents/"+in.Slug+"/")
			}
		}
		return ids
	}
	tests := []struct {
		feed, service string
		entries       int
	}{
		{"feed.xml", "", 50},
		{"services/api/feed.xml", "api", 50},    // 130 reports
		{"services/db/feed.xml", "db", 44},      // 44 reports
		{"services/own-7/feed.xml", "own-7", 1}, // 1 report
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join(dest, tt.feed))
		if err != nil {
			t.Fatal(err)
		}
		var feed atomFeed
		if err := xml.Unmarshal(data, &feed); err != nil {
			t.Fatalf("%s: %v", tt.feed, err)
		}
		var got []string
		for _, e := range feed.Entries {
			got = append(got, e.ID)
		}
		if w := want(tt.service); len(got) != tt.entries || !slices.Equal(got, w) {
			t.Errorf("%s: %d entries, want %d:\n got %v\nwant %v", tt.feed, len(got), tt.entries, got, w)
		}
	}
}

// sitemapDoc is what the tests read of a sitemap or a sitemap index.
type sitemapDoc struct {
	XMLName xml.Name
	Entries []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:",any"`
}

// TestSitemapSplits: a site with more pages than a sitemap may list gets
// a sitemap index (sitemap.xml) of sitemap files of at most that many
// pages, which together list every page once; a smaller site keeps one
// sitemap.xml, and the sitemap files of a larger build before it go.
func TestSitemapSplits(t *testing.T) {
	const n = 12
	files := dataArchive(n)
	dest := filepath.Join(t.TempDir(), "public")
	// Every HTML page of the site but 404.html, by its URL.
	var pages []string
	renderData(t, files, dest, Options{Workers: 2})
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || d.Name() == "404.html" {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		pages = append(pages, "https://x.example/"+strings.TrimSuffix(filepath.ToSlash(rel), "index.html"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pages)
	read := func(name string) sitemapDoc {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dest, name))
		if err != nil {
			t.Fatal(err)
		}
		var doc sitemapDoc
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
			t.Errorf("%s: namespace %q", name, doc.XMLName.Space)
		}
		return doc
	}
	tests := []struct {
		limit int
		files int // sitemap files under the index; 0 for a single sitemap.xml
	}{
		{7, (len(pages) + 6) / 7},
		{0, 0},
		{len(pages), 0},
		{len(pages) - 1, 2},
		{1, len(pages)},
		{50001, 0}, // no more than the protocol allows: 50,000
	}
	for _, tt := range tests {
		renderData(t, files, dest, Options{Workers: 2, SitemapLimit: tt.limit})
		top := read("sitemap.xml")
		var listed []string
		if tt.files == 0 {
			if top.XMLName.Local != "urlset" {
				t.Errorf("limit %d: sitemap.xml is a %s, want a urlset", tt.limit, top.XMLName.Local)
			}
			for _, e := range top.Entries {
				listed = append(listed, e.Loc)
			}
		} else {
			if top.XMLName.Local != "sitemapindex" || len(top.Entries) != tt.files {
				t.Fatalf("limit %d: sitemap.xml is a %s of %d, want a sitemapindex of %d", tt.limit, top.XMLName.Local, len(top.Entries), tt.files)
			}
			for i, e := range top.Entries {
				name := fmt.Sprintf("sitemap-%d.xml", i+1)
				if e.Loc != "https://x.example/"+name {
					t.Errorf("limit %d: the index lists %s, want %s", tt.limit, e.Loc, name)
				}
				doc := read(name)
				latest := ""
				for _, u := range doc.Entries {
					listed = append(listed, u.Loc)
					latest = max(latest, u.LastMod)
				}
				if doc.XMLName.Local != "urlset" || len(doc.Entries) == 0 || len(doc.Entries) > tt.limit || e.LastMod != latest || latest == "" {
					t.Errorf("limit %d: %s is a %s of %d pages, lastmod %q in the index for %q", tt.limit, name, doc.XMLName.Local, len(doc.Entries), e.LastMod, latest)
				}
			}
		}
		// Every page once, in path order (as the pages' files sort).
		if got := slices.Sorted(slices.Values(listed)); !slices.Equal(got, pages) {
			t.Errorf("limit %d: the sitemaps list %d pages, want the site's %d once each", tt.limit, len(listed), len(pages))
		}
		// No sitemap file beyond those the index lists.
		if _, err := os.Stat(filepath.Join(dest, fmt.Sprintf("sitemap-%d.xml", tt.files+1))); err == nil {
			t.Errorf("limit %d: sitemap-%d.xml is left over", tt.limit, tt.files+1)
		}
	}
}

// TestSplitSitemapBytes: a sitemap file stays within the byte limit too,
// counted as the file is written.
func TestSplitSitemapBytes(t *testing.T) {
	var entries []sitemapEntry
	for i := range 100 {
		e := sitemapEntry{loc: fmt.Sprintf("https://x.example/a&b/%0*d/", i%40, i)}
		if i%3 > 0 {
			e.lastMod = "2024-01-01T00:00:00Z"
		}
		entries = append(entries, e)
	}
	for _, maxBytes := range []int{400, 1000, 5000, 1 << 20} {
		runs := splitSitemap(entries, 30, maxBytes)
		total := 0
		for i, run := range runs {
			size := len(sitemapFile("urlset", "url", run))
			// A run's last entry would have taken it over the limit,
			// or it is the last run or a full one.
			if size > maxBytes && len(run) > 1 || len(run) > 30 || len(run) == 0 {
				t.Errorf("max %d: run %d has %d entries in %d bytes", maxBytes, i, len(run), size)
			}
			if i < len(runs)-1 && len(run) < 30 {
				next := append(slices.Clone(run), runs[i+1][0])
				if len(sitemapFile("urlset", "url", next)) <= maxBytes {
					t.Errorf("max %d: run %d was cut before it was full", maxBytes, i)
				}
			}
			total += len(run)
		}
		if total != len(entries) {
			t.Errorf("max %d: %d entries in the runs, want %d", maxBytes, total, len(entries))
		}
	}
}

// TestTrendsJSONIsBoundedByPeriods: trends.json holds every figure of
// every period, with the top services, causes and so on of each, so its
// size follows the months the archive spans, not its reports or its
// services: four times the reports and services over the same year
// leave it about the same size.
func TestTrendsJSONIsBoundedByPeriods(t *testing.T) {
	size := func(n int) int {
		files := dataArchive(0)
		for i := range n {
			start := time.Date(2024, 1, 1, 3, 0, 0, 0, time.UTC).AddDate(0, 0, i*365/n)
			files[fmt.Sprintf("incidents/r%04d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\nid: %s r%d\ntitle: R%d\nstart: %s\nend: %s\nservices: [api, own-%d]\ncauses: [cause-%d]\n---\nBody.\n",
				start.Format("2006-01-02"), i, i, start.Format("2006-01-02 15:04"), start.Add(time.Hour).Format("2006-01-02 15:04"), i, i)}
		}
		dest := filepath.Join(t.TempDir(), "public")
		renderData(t, files, dest, Options{Workers: 2})
		info, err := os.Stat(filepath.Join(dest, "trends.json"))
		if err != nil {
			t.Fatal(err)
		}
		return int(info.Size())
	}
	small, large := size(60), size(240)
	if large > small*11/10 {
		t.Errorf("trends.json: %d bytes for 60 reports in a year, %d for 240: want less than a tenth more", small, large)
	}
}
