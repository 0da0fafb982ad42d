package generator

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/diag"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// testArchive is a small archive that exercises every page type: a catalogue
// with aliases, a TOML report, a sparse report, a draft, cross-references in
// both directions, a prose mention, a free page describing a taxonomy, and
// hostile strings in every field that reaches a page.
var testArchive = map[string]string{
	"site.yaml": `title: Test archive
base_url: https://incidents.example.org/archive/
task_url: https://tasks.example.org/{task}
services:
  mediawiki-api: {team: serviceops, aliases: [mw-api]}
causes:
  retry-storm: Clients retry on timeout and multiply the load.
failure_modes:
  overload: Demand outstrips supply.
`,
	"incidents/2015/2015-04-23-api.md": `---
id: 2015-04-23 mediawiki-api
title: Retry storm took down the API
start: 2015-04-23 03:40:00
end: 2015-04-23 04:55:00
services: [mw-api, parsoid]
causes: [retry-storm]
trigger: traffic
failure_mode: overload
actionables:
  - {title: Stagger timeouts, task: T97204, owner: serviceops, status: open}
---
## Summary

Parsoid retried every timeout. See T97204.
`,
	"incidents/2017/2017-11-20-ores.md": `+++
id = "2017-11-20 ores"
title = "ORES deploy broke two wikis"
start = 2017-11-20T22:05:00Z
end = 2017-11-20T23:40:00Z
services = ["ores"]
trigger = "deploy"
failure_mode = "fast-fail"
related = ["2015-04-23 mediawiki-api"]
[scorecard]
few_paged = "yes"
task_exists = "no"
+++
## Summary

Unlike 2015-04-23 mediawiki-api this was a fast failure.

## Timeline

- 22:05 deploy

## Scorecard

Discussed in the review meeting.
`,
	"incidents/2009/old.md":   "---\nid: 2009 outage\ntitle: The old outage\nstart: 2009-06-01\n---\nNo details survive.\n",
	"incidents/2026/draft.md": "---\nid: 2026-01-01 draft\ntitle: Not yet\nstatus: draft\nstart: 2026-01-01\n---\nTBD\n",
	"incidents/2026/hostile.md": `---
id: 2026-02-01 <b>bold</b>
title: "<script>alert('title')</script> & friends"
status: review
start: 2026-02-01 10:00
services: ["\"><svg onload=alert(1)>"]
causes: ["<img src=x onerror=alert(2)>", "=HYPERLINK(\"https://x.example/\")"]
impact: "<iframe src=javascript:alert(3)>"
responders: ["</td><script>alert(4)</script>"]
actionables:
  - {title: "<script>alert(5)</script>", owner: "<b>x</b>", task: T1}
scorecard:
  few_paged: {answer: yes, note: "<script>alert(6)</script>"}
---
Body with <script>alert(7)</script> and [a link](javascript:alert(8)).
`,
	"pages/guide.md": "---\ntitle: Failure mode guide\ndescribes: failure_mode\n---\n## Overload\n\nToo much demand.\n\n## Fast fail\n\nErrors, quickly.\n",
}

func writeArchive(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteFiles(t, filepath.Join(dir, "content"), files)
	return dir
}

func buildTestSite(t *testing.T) (string, *Result) {
	t.Helper()
	dir := writeArchive(t, testArchive)
	out := filepath.Join(dir, "public")
	res, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test"})
	if err != nil {
		var ce *diag.ContentError
		if errors.As(err, &ce) {
			for _, d := range ce.Diagnostics {
				t.Log(d)
			}
		}
		t.Fatalf("Build: %v", err)
	}
	return out, res
}

func TestSiteLinks(t *testing.T) {
	out, res := buildTestSite(t)
	if res.Reports != 4 {
		t.Errorf("reports = %d, want 4 (the draft left out)", res.Reports)
	}
	checkLinks(t, out, "/archive/", 20, 200)
}

// checkLinks parses every page of the site in out, served under root, and
// checks that each has the header and footer and unique ids, and that
// every internal link leads to a file and every fragment to an id there.
func checkLinks(t *testing.T, out, root string, minPages, minLinks int) {
	t.Helper()
	pages := map[string]*html.Node{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		pages[filepath.ToSlash(rel)] = doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < minPages {
		t.Fatalf("only %d pages written", len(pages))
	}
	// Every page has the site's header and footer, so no page is a dead end,
	// and no id twice, so every anchor leads to one place.
	for from, doc := range pages {
		seen := map[string]bool{}
		for _, id := range ids(doc) {
			if seen[id] {
				t.Errorf("%s: id %q appears twice", from, id)
			}
			seen[id] = true
		}
		if !hasClass(doc, "site-header") || !hasClass(doc, "site-footer") {
			t.Errorf("%s lacks the site header or footer", from)
		}
	}
	// Every internal link must lead to a file, and every fragment to an id
	// on the target page.
	checked := 0
	for from, doc := range pages {
		base := root + strings.TrimSuffix(from, "index.html")
		for _, link := range links(doc) {
			u, err := url.Parse(link)
			if err != nil {
				t.Errorf("%s: bad URL %q", from, link)
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				if u.Scheme != "http" && u.Scheme != "https" {
					t.Errorf("%s: link with scheme %q: %s", from, u.Scheme, link)
				}
				continue
			}
			target := u.Path
			if target == "" {
				target = base
			} else if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(base+"x"), target)
			}
			if target == root+"search/" {
				continue // the search page arrives with the search index
			}
			if !strings.HasPrefix(target, root) {
				t.Errorf("%s: link %q leaves the site root %s", from, link, root)
				continue
			}
			file := strings.TrimPrefix(target, root)
			if file == "" || strings.HasSuffix(file, "/") {
				file += "index.html"
			}
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(file))); err != nil {
				t.Errorf("%s: dead link %q", from, link)
				continue
			}
			if u.Fragment != "" && strings.HasSuffix(file, ".html") {
				if !hasID(pages[file], u.Fragment) {
					t.Errorf("%s: link %q: no id %q on %s", from, link, u.Fragment, file)
				}
			}
			checked++
		}
	}
	if checked < minLinks {
		t.Errorf("only %d links checked", checked)
	}
	t.Logf("%d pages, %d internal links checked", len(pages), checked)
}

// injected lists elements and attributes that only injection could have
// put in a page: inline scripts, foreign elements, event handlers and
// javascript: URLs.
func injected(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				src := ""
				for _, a := range n.Attr {
					if a.Key == "src" {
						src = a.Val
					}
				}
				if !strings.HasSuffix(src, "/static/sort.js") && !strings.HasSuffix(src, "/static/search.js") {
					out = append(out, "script element not ours")
				}
			case "svg":
				// Our charts are inline SVG of class "chart"; anything
				// inside them is still checked.
				if !hasClassAttr(n, "chart") {
					out = append(out, "<svg> element not ours")
				}
			case "iframe", "img", "b", "object", "embed":
				out = append(out, "<"+n.Data+"> element")
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					out = append(out, "event handler attribute "+a.Key)
				}
				if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					out = append(out, "javascript: URL")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// hasClassAttr reports whether the element n itself has the class.
func hasClassAttr(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
			return true
		}
	}
	return false
}

// links returns every href and src in the document.
func links(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "href" || a.Key == "src" {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// ids lists every id attribute in the document.
func ids(n *html.Node) []string {
	var out []string
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" {
				out = append(out, a.Val)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, ids(c)...)
	}
	return out
}

func hasClass(n *html.Node, class string) bool {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
				return true
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasClass(c, class) {
			return true
		}
	}
	return false
}

func hasID(n *html.Node, id string) bool {
	if n == nil {
		return false
	}
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return true
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasID(c, id) {
			return true
		}
	}
	return false
}

func TestSiteEscapesEverything(t *testing.T) {
	out, _ := buildTestSite(t)
	// No file may contain markup that a report smuggled in: HTML pages are
	// parsed and their elements checked; feeds and JSON are checked for raw
	// tags, which their encoders must have escaped.
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel, _ := filepath.Rel(out, p); strings.HasPrefix(rel, "static"+string(filepath.Separator)) {
			// Our own assets, not content; the scripts put what they
			// read (the search index's names and snippets) into the
			// page as text, never as markup.
			for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"} {
				if strings.HasSuffix(p, ".js") && bytes.Contains(data, []byte(sink)) {
					t.Errorf("%s uses %s", p, sink)
				}
			}
			return nil
		}
		if strings.HasSuffix(p, ".csv") {
			// CSV holds names as written, and no spreadsheet renders
			// markup; what it must not hold is a cell a spreadsheet
			// would run as a formula.
			for _, line := range strings.Split(string(data), "\n") {
				for _, cell := range strings.Split(line, ",") {
					if cell != "" && strings.ContainsRune("=+@", rune(strings.TrimPrefix(cell, `"`)[0])) {
						t.Errorf("%s: cell %q would be a formula", p, cell)
					}
				}
			}
			return nil
		}
		if strings.HasSuffix(p, ".bin") {
			// The static search index's binary files hold names as
			// written (a facet value is a term), as data for search.js,
			// which puts text into the page only as text. What they must
			// not be is a file a browser could sniff as a page: one
			// that starts with markup.
			if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '<' {
				t.Errorf("%s starts with markup", p)
			}
			return nil
		}
		if !strings.HasSuffix(p, ".html") {
			for _, bad := range []string{"<script", "<svg", "<img", "<iframe", "<b>"} {
				if bytes.Contains(data, []byte(bad)) {
					t.Errorf("%s contains unescaped %q", p, bad)
				}
			}
			return nil
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			return err
		}
		for _, problem := range injected(doc) {
			t.Errorf("%s: %s", p, problem)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "incidents", "2026-02-01-b-bold-b", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; friends</h1>",
		"This report is in review",
		"Body with &lt;script&gt;alert(7)&lt;/script&gt;",
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("hostile incident page lacks %q", want)
		}
	}
}

func TestSiteContent(t *testing.T) {
	out, _ := buildTestSite(t)
	read := func(p string) string { return readPage(t, out, p) }
	tests := []struct {
		page     string
		contains []string
		absent   []string
	}{
		{"incidents/2015-04-23-mediawiki-api/index.html", []string{
			`<a href="/archive/services/mediawiki-api/">mediawiki-api</a>`, // alias resolved
			`<a class="task" href="https://tasks.example.org/T97204">T97204</a>`,
			`<h3>Referenced by</h3>`,
			`<a href="/archive/incidents/2017-11-20-ores/">ORES deploy broke two wikis</a>`,
		}, nil},
		{"incidents/2017-11-20-ores/index.html", []string{
			`<a href="/archive/incidents/2015-04-23-mediawiki-api/" class="incident-ref">2015-04-23 mediawiki-api</a>`,
			`<th scope="rowgroup" rowspan="5">People</th>`,
			`Total score (count of yes answers)</th><td class="num">1</td>`,
			`<h3>Related</h3>`,
		}, nil},
		{"incidents/index.html", []string{"The old outage", "ORES deploy broke two wikis"}, []string{"Not yet"}},
		{"failure-modes/overload/index.html", []string{`<a href="/archive/guide/#overload">Failure mode guide</a>`, "Demand outstrips supply."}, nil},
		{"causes/retry-storm/index.html", []string{"Clients retry on timeout", `href="/archive/causes/retry-storm/feed.xml"`}, nil},
		{"services/mediawiki-api/feed.xml", []string{`<id>https://incidents.example.org/archive/incidents/2015-04-23-mediawiki-api/</id>`}, nil},
		{"feed.xml", []string{"<title>Test archive</title>", "ORES deploy broke two wikis"}, []string{"Not yet"}},
		{"sitemap.xml", []string{"<loc>https://incidents.example.org/archive/incidents/2017-11-20-ores/</loc>"}, []string{"404"}},
		{"incidents.json", []string{`"id":"2017-11-20 ores"`, `"referenced_by":["2017-11-20 ores"]`, `"duration_minutes":75`, `"source":"incidents/2017/2017-11-20-ores.md"`, `"body_line":14}`}, []string{"2026-01-01 draft", `"body":`}},
		{"404.html", []string{"Page not found"}, nil},
		{"index.html", []string{"Stagger timeouts", `<a href="/archive/services/mediawiki-api/">mediawiki-api</a>`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			s := read(tt.page)
			for _, c := range tt.contains {
				if !strings.Contains(s, c) {
					t.Errorf("missing %q", c)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(s, a) {
					t.Errorf("unexpected %q", a)
				}
			}
		})
	}
}

func TestGoldenIncidentPage(t *testing.T) {
	out, _ := buildTestSite(t)
	got, err := os.ReadFile(filepath.Join(out, "incidents", "2017-11-20-ores", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "incident.golden.html")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./generator -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("incident page differs from %s; if the change is intended, run go test ./generator -run Golden -update\n%s", golden, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return ""
}

func TestFailedBuildKeepsPreviousOutput(t *testing.T) {
	dir := writeArchive(t, testArchive)
	out := filepath.Join(dir, "public")
	cfg := Config{Source: filepath.Join(dir, "content"), Dest: out}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	// Break two reports in different ways: every error is reported, and
	// nothing is written.
	bad := filepath.Join(dir, "content", "incidents", "2017", "2017-11-20-ores.md")
	if err := os.WriteFile(bad, []byte("+++\nid = \"x\"\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "content", "incidents", "2009", "old.md")
	if err := os.WriteFile(other, []byte("---\nid: 2009 outage\ntitle: t\nstart: 2009-13-45\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), cfg)
	var ce *diag.ContentError
	if !errors.As(err, &ce) {
		t.Fatalf("Build error = %v, want a ContentError", err)
	}
	var msgs []string
	for _, d := range ce.Diagnostics {
		msgs = append(msgs, d.String())
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"2009/old.md:4: start: \"2009-13-45\" is not a date: month 13 is out of range (01–12)", "2017-11-20-ores.md:1: start: required field is missing", "2017-11-20-ores.md:1: title: required field is missing"} {
		if !strings.Contains(joined, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, joined)
		}
	}
	if after := snapshot(t, out); after != before {
		t.Error("a failed build changed the previous output")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("build folder %s left behind", e.Name())
		}
	}
}

// snapshot summarises a folder's files and contents.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b.WriteString(p + "\n")
		b.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestLayoutsOverride(t *testing.T) {
	dir := writeArchive(t, testArchive)
	layouts := filepath.Join(dir, "layouts")
	if err := os.MkdirAll(filepath.Join(layouts, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Replace one page layout and add a static file; everything else keeps
	// the built-in layouts.
	if err := os.WriteFile(filepath.Join(layouts, "404.html"), []byte(`{{define "main"}}<p>Custom {{.Site.Title}} not-found page</p>{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(layouts, "static", "extra.css"), []byte("p{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Layouts: layouts}); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"404.html":         "<p>Custom Test archive not-found page</p>",
		"static/extra.css": "p{}",
		"static/style.css": "prefers-color-scheme",
		"index.html":       "Latest incidents",
	} {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(file)))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: want %q (err %v)", file, want, err)
		}
	}

	// A broken layout is an error naming the file, and public/ is untouched.
	before := snapshot(t, out)
	if err := os.WriteFile(filepath.Join(layouts, "incident.html"), []byte(`{{define "main"}}{{.Nope`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Layouts: layouts})
	if err == nil || !strings.Contains(err.Error(), "incident.html") {
		t.Fatalf("err = %v, want one naming incident.html", err)
	}
	if snapshot(t, out) != before {
		t.Error("a failed build changed public/")
	}
}

func TestScorecardWithRepeatedQuestionText(t *testing.T) {
	dir := writeArchive(t, map[string]string{
		"site.yaml":      "scorecard:\n  - {key: a, group: People, question: Was it handled well?}\n  - {key: b, group: Process, question: Was it handled well?}\n",
		"incidents/x.md": "---\nid: 2026-01-01 x\ntitle: X\nstart: 2026-01-01\nscorecard: {a: yes, b: no}\n---\n",
	})
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "incidents", "2026-01-01-x", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{`rowspan="1">People</th>`, `rowspan="1">Process</th>`, `answer-yes">yes`, `answer-no">no`} {
		if strings.Count(page, want) != 1 {
			t.Errorf("want %q once, found %d times", want, strings.Count(page, want))
		}
	}
}

// TestRebuildWhenTheShapeChanges builds three times, so that the third
// build writes into the folder of the first, whose file static/extra is
// now a folder, and whose folder static/gone is now a file.
func TestRebuildWhenTheShapeChanges(t *testing.T) {
	dir := writeArchive(t, testArchive)
	layouts := filepath.Join(dir, "layouts")
	out := filepath.Join(dir, "public")
	build := func(static map[string]string) {
		t.Helper()
		os.RemoveAll(layouts)
		testutil.WriteFiles(t, layouts, static)
		if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Layouts: layouts}); err != nil {
			t.Fatal(err)
		}
	}
	before := map[string]string{"static/extra": "file", "static/gone/inner.css": "x"}
	build(before)
	build(before)
	build(map[string]string{"static/extra/inner.css": "now a folder", "static/gone": "now a file"})
	for file, want := range map[string]string{"static/extra/inner.css": "now a folder", "static/gone": "now a file"} {
		if b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(file))); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", file, b, err, want)
		}
	}
}

// readPage reads the file at the slash-separated path p of a built site.
func readPage(t *testing.T, out, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
