package generator

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// script is what every hostile string carries: markup that would run if
// any page, feed or JSON file let it through unescaped.
const script = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`

// hostileArchive builds without errors, yet every string field of the
// reports, the free pages and site.yaml holds markup, ids try to climb out
// of the output folder, text carries a right-to-left override, and the
// Markdown links use every spelling of javascript: and its cousins.
var hostileArchive = map[string]string{
	"site.yaml": `title: ` + strconv.Quote("Archive "+script) + `
description: "` + strings.ReplaceAll(script, `"`, `\"`) + `"
base_url: https://incidents.example.org/
task_url: https://tasks.example.org/{task}
services:
  ` + strconv.Quote("svc"+script) + `: {team: "<b>team</b>", description: "<script>alert(3)</script>", aliases: [alias]}
causes:
  "<svg onload=alert(4)>": "<iframe src=javascript:alert(5)>"
failure_modes:
  overload: "<script>alert(6)</script>"
scorecard:
  - {key: few_paged, group: "<b>People</b>", question: "<script>alert(7)</script>?"}
`,
	"incidents/climb.md": `---
id: "2026-01-01 ../../../../outside"
title: "` + strings.ReplaceAll(script, `"`, `\"`) + `"
start: 2026-01-01 10:00
end: 2026-01-01 11:00
task: T1
services: [alias, "../../etc/passwd", "=HYPERLINK(\"https://evil.example/\")", "@SUM(A1)"]
sites: ["<b>eqiad</b>"]
slos: ["<script>alert(8)</script>"]
causes: ["<svg onload=alert(4)>", "+cmd|' /C calc'!A0"]
coordinators: ["<img src=x onerror=alert(9)>"]
responders: ["..\\..\\windows", "<b>r</b>"]
trigger: deploy
failure_mode: overload
impact: "<iframe src=javascript:alert(10)>"
actionables:
  - {title: "<script>alert(11)</script>", owner: "javascript:alert(12)", task: T2}
  - "<img src=x onerror=alert(13)>"
scorecard:
  few_paged: {answer: yes, note: "<script>alert(14)</script>"}
---
## <script>alert(15)</script>

[a](javascript:alert(16)) [b](JAVASCRIPT:alert(17)) [c](  javascript:alert(18)) [d](java&#x09;script:alert(19))
[e](&#106;avascript:alert(20)) [f](vbscript:msgbox) [g](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(21)>
![h](javascript:alert(22)) [i][ref] [j](javascript%3Aalert(23))

[ref]: javascript:alert(24)

<a href="javascript:alert(25)">raw</a> <script>alert(26)</script>

Mentions 2026-01-02 rtl and T3.
`,
	"incidents/rtl.md": "---\nid: 2026-01-02 rtl\ntitle: \"Invoice \u202etxt.exe\"\nstart: 2026-01-02\nrelated: [\"2026-01-01 ../../../../outside\"]\n---\nBody \u202egnp.exe\n",
	"pages/about.md":   "---\ntitle: \"" + strings.ReplaceAll(script, `"`, `\"`) + "\"\nslug: ../../../about\n---\n[x](javascript:alert(27)) <script>alert(28)</script>\n",
}

// TestHostileContentBuildsSafely: markup in every field, climbing ids and
// slugs and script URLs give a site where nothing runs, every file is
// under the output folder, and feeds and JSON stay well-formed.
func TestHostileContentBuildsSafely(t *testing.T) {
	dir := writeArchive(t, hostileArchive)
	out := filepath.Join(dir, "public")
	res, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, SearchIndex: filepath.Join(dir, ".cache", "search")})
	if err != nil {
		var ce *diag.ContentError
		if errors.As(err, &ce) {
			t.Logf("%v", ce.Diagnostics)
		}
		t.Fatalf("Build: %v", err)
	}
	warned := false
	for _, d := range res.Warnings {
		if strings.Contains(d.String(), "rtl.md:3: warning: title: contains U+202E") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning about the right-to-left override; got %v", res.Warnings)
	}
	files, formulas := 0, 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		top := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		switch top {
		case "content", ".cache", ".public.lock", ".public.spare":
			return nil
		case "public":
		default:
			t.Errorf("the build wrote %s, outside public/", rel)
			return nil
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checkHostileOutput(t, rel, data)
		if strings.HasSuffix(rel, ".csv") && bytes.Contains(bytes.ToLower(data), []byte("hyperlink")) {
			formulas++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 || formulas == 0 {
		t.Errorf("only %d files checked, %d CSV files with a would-be formula", files, formulas)
	}
	page := readPage(t, out, "incidents/2026-01-01-outside/index.html")
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the climbing report's page does not show its title as text")
	}
}

// checkHostileOutput fails when a built file at rel holds live markup or a
// script URL, or is not well-formed.
func checkHostileOutput(t *testing.T, rel string, data []byte) {
	t.Helper()
	switch {
	case strings.HasPrefix(rel, filepath.Join("public", "static")):
		return // our own assets
	case strings.HasSuffix(rel, ".html"):
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, problem := range injected(doc) {
			if problem == "<img> element" {
				continue // Markdown's ![alt](url); its src and handlers are checked
			}
			t.Errorf("%s: %s", rel, problem)
		}
		for _, l := range links(doc) {
			v := strings.ToLower(strings.TrimSpace(l))
			if strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:") {
				t.Errorf("%s: link %q", rel, l)
			}
		}
	case strings.HasSuffix(rel, ".xml"):
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", rel, err)
			}
		}
		if bytes.Contains(data, []byte("<script")) {
			t.Errorf("%s holds an unescaped <script", rel)
		}
	case strings.HasSuffix(rel, ".csv"):
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s is not valid CSV: %v", rel, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
					t.Errorf("%s: cell %q would be a spreadsheet formula", rel, cell)
				}
			}
		}
	case strings.HasSuffix(rel, ".json"):
		if !json.Valid(data) {
			t.Errorf("%s is not valid JSON", rel)
		}
		if bytes.Contains(data, []byte("<script")) {
			t.Errorf("%s holds an unescaped <script", rel)
		}
	}
}

// TestHostileContentIsRefused: files that cannot be reports, or that would
// make a report unbounded, give one clear diagnostic each, naming file,
// line and field; the build writes nothing and the previous output stays
// byte for byte.
func TestHostileContentIsRefused(t *testing.T) {
	good := map[string]string{"incidents/ok.md": "---\nid: 2026-01-01 ok\ntitle: OK\nstart: 2026-01-01\n---\nFine.\n"}
	dir := writeArchive(t, good)
	content := filepath.Join(dir, "content")
	out := filepath.Join(dir, "public")
	cfg := Config{Source: content, Dest: out, SearchIndex: filepath.Join(dir, ".cache", "search")}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)

	many := make([]string, 20000)
	for i := range many {
		many[i] = "r" + strconv.Itoa(i)
	}
	report := func(extra string) string {
		return "---\nid: 2026-02-01 x\ntitle: X\nstart: 2026-02-01\n" + extra + "---\nBody\n"
	}
	testutil.WriteFiles(t, content, map[string]string{
		"incidents/binary.md":    "\x7fELF\x02\x01\x01\x00\x00\x00",
		"incidents/png.md":       "\x89PNG\r\n\x1a\n\x00\x00",
		"incidents/nul.md":       "---\nid: 2026-02-02 nul\ntitle: \"a\\0b\"\nstart: 2026-02-02\n---\n",
		"incidents/escape.md":    "---\nid: 2026-02-03 esc\ntitle: T\nstart: 2026-02-03\nservices: [\"\\e[31mred\"]\n---\n",
		"incidents/title.md":     "---\nid: 2026-02-04 long\ntitle: " + strings.Repeat("x", 1<<20) + "\nstart: 2026-02-04\n---\n",
		"incidents/crowd.md":     "---\nid: 2026-02-05 crowd\ntitle: T\nstart: 2026-02-05\nresponders: [" + strings.Join(many, ", ") + "]\n---\n",
		"incidents/longid.md":    "---\nid: 2026-02-06 " + strings.Repeat("a", 300) + "\ntitle: T\nstart: 2026-02-06\n---\n",
		"incidents/deep.md":      report("x: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"),
		"incidents/hugo.md":      "---\ntitle: Hugo post\ndate: 2026-01-01\ntags: [db]\n---\n",
		"incidents/bomb.md":      testutil.BillionLaughs(9, 10),
		"incidents/nomatter.md":  "# Just Markdown\n",
		"incidents/unclosed.md":  "---\nid: x\n",
		"incidents/noidstart.md": "---\ntitle: T\n---\n",
	})
	// 50 MB, written as a sparse file: the size alone must refuse it.
	for _, p := range []string{"incidents/huge.md", "pages/bigpage.md"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(content, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(content, p), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(filepath.Join(content, p), 50<<20); err != nil {
			t.Fatal(err)
		}
	}
	// Symbolic links: a loop, a link to itself, and one out of the folder.
	for link, target := range map[string]string{"incidents/loop": ".", "incidents/self.md": "self.md", "incidents/passwd.md": "/etc/passwd"} {
		if err := os.Symlink(target, filepath.Join(content, link)); err != nil {
			t.Fatal(err)
		}
	}

	_, err := Build(context.Background(), cfg)
	var ce *diag.ContentError
	if !errors.As(err, &ce) {
		t.Fatalf("Build error = %v, want a ContentError", err)
	}
	var all []string
	perFile := map[string]int{}
	for _, d := range ce.Diagnostics {
		all = append(all, d.String())
		if d.Severity == diag.Error {
			perFile[filepath.Base(d.Path)]++
		}
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{
		"content/incidents/binary.md:1: file contains a NUL byte; is it a binary file?",
		"content/incidents/png.md:1: file is not valid UTF-8 text",
		"content/incidents/nul.md:3: title: contains the control character U+0000; remove it",
		"content/incidents/escape.md:5: services[1]: contains the control character U+001B",
		"content/incidents/title.md:3: title: is 1048576 characters long; a title may have at most 300",
		"content/incidents/crowd.md:5: responders: has 20000 values; a report may list at most 500",
		"content/incidents/longid.md:2: id: is 311 characters long; an id may have at most 200",
		"content/incidents/deep.md:5: front matter is not valid YAML: nested more than 64 levels deep",
		"content/incidents/hugo.md:1: required fields id, start are missing: this looks like front matter for another tool (date: use start; tags: use causes or services)",
		"content/incidents/huge.md: file is larger than 4 MiB, the limit for a report",
		"content/pages/bigpage.md: file is larger than 4 MiB, the limit for a report",
		"content/incidents/nomatter.md:1: no front matter",
		"content/incidents/unclosed.md:1: front matter opened with \"---\" is never closed",
		"content/incidents/loop: warning: is a symbolic link, which is not followed",
		"content/incidents/self.md: warning: is a symbolic link, which is not followed",
		"content/incidents/passwd.md: warning: is a symbolic link, which is not followed",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("diagnostics lack %q", want)
		}
	}
	for _, name := range []string{"binary", "png", "nul", "escape", "title", "crowd", "longid", "deep", "hugo", "huge", "nomatter", "unclosed"} {
		if n := perFile[name+".md"]; n != 1 {
			t.Errorf("%s.md: %d errors, want 1", name, n)
		}
	}
	if perFile["bomb.md"] == 0 {
		t.Error("bomb.md: no error")
	}
	if strings.Contains(joined, "root:") {
		t.Error("the build read /etc/passwd through a link")
	}
	if t.Failed() {
		t.Logf("diagnostics:\n%.20000s", joined)
	}
	if after := snapshot(t, out); after != before {
		t.Error("the failed build changed the previous output")
	}
}

// pathologicalBound is how long loading, checking or building the archive
// of TestPathologicalMarkdownIsRefused may take. With the limits each
// pathological report is refused in well under 0.1 s and the whole test
// takes a second or two; without them goldmark spends minutes on each. The
// bound is about ten times the healthy time, for a loaded 2-core machine.
const pathologicalBound = 30 * time.Second

// TestPathologicalMarkdownIsRefused: a report (or page) whose Markdown
// goldmark would take quadratic time or worse over is one clear error,
// path:line: body:, from check and from build alike, found in bounded
// time; the build writes nothing and the previous output stays.
func TestPathologicalMarkdownIsRefused(t *testing.T) {
	good := map[string]string{"incidents/ok.md": "---\nid: 2026-01-01 ok\ntitle: OK\nstart: 2026-01-01\n---\nFine, with [a link](https://example.org/) and *emphasis*.\n"}
	dir := writeArchive(t, good)
	content := filepath.Join(dir, "content")
	out := filepath.Join(dir, "public")
	cfg := Config{Source: content, Dest: out, SearchIndex: filepath.Join(dir, ".cache", "search")}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)

	files := map[string]string{}
	want := map[string]string{} // file name: what its one error says
	for i, p := range testutil.PathologicalMarkdown(512 << 10) {
		name := fmt.Sprintf("p%02d.md", i)
		files["incidents/"+name] = fmt.Sprintf("---\nid: 2026-03-%02d pathological %d\ntitle: %s\nstart: 2026-03-01\n---\n%s", i+1, i, p.Name, p.Body)
		want[name] = "content/incidents/" + name + ":"
	}
	files["pages/dense.md"] = "---\ntitle: Dense\n---\nIntro.\n\n" + strings.Repeat("[a](", 64<<10) + "\n"
	want["dense.md"] = `content/pages/dense.md:6: body: the paragraph from line 6 holds 65536 links or brackets in 1 line, too many to render in bounded time`
	want["p00.md"] = `content/incidents/p00.md:6: body: the paragraph from line 6 holds 131072 links or brackets in 1 line, too many to render in bounded time; split it with blank lines, or put it in a fenced code block if it is not prose`
	testutil.WriteFiles(t, content, files)

	for _, run := range []struct {
		name string
		do   func() (*diag.List, error)
	}{
		{"check", func() (*diag.List, error) {
			_, diags, err := Check(context.Background(), cfg)
			return diags, err
		}},
		{"build", func() (*diag.List, error) {
			_, err := Build(context.Background(), cfg)
			var ce *diag.ContentError
			if !errors.As(err, &ce) {
				return nil, fmt.Errorf("Build error = %v, want a ContentError", err)
			}
			var l diag.List
			for _, d := range ce.Diagnostics {
				l.Add(d)
			}
			return &l, nil
		}},
	} {
		t.Run(run.name, func(t *testing.T) {
			type result struct {
				diags *diag.List
				err   error
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				d, err := run.do()
				done <- result{d, err}
			}()
			var res result
			select {
			case res = <-done:
			case <-time.After(pathologicalBound):
				// The goroutine cannot be stopped: goldmark has no context.
				t.Fatalf("%s did not finish in %v", run.name, pathologicalBound)
			}
			t.Logf("%s took %v", run.name, time.Since(start))
			if res.err != nil {
				t.Fatal(res.err)
			}
			perFile := map[string][]string{}
			for _, d := range res.diags.All() {
				if d.Severity == diag.Error {
					perFile[filepath.Base(d.Path)] = append(perFile[filepath.Base(d.Path)], d.String())
				}
			}
			for name, prefix := range want {
				got := perFile[name]
				if len(got) != 1 || !strings.Contains(got[0], prefix) || !strings.Contains(got[0], ": body: ") {
					t.Errorf("%s: errors %q, want one with %q, on the body", name, got, prefix)
				}
			}
			if len(perFile) != len(want) {
				t.Errorf("errors in %d files, want %d: %v", len(perFile), len(want), perFile)
			}
		})
	}
	if after := snapshot(t, out); after != before {
		t.Error("the failed build changed the previous output")
	}
}
