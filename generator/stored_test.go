package generator

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/lint"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// warnedReport is a report that decoding warns about three times: an
// unknown key, a key of another site generator, and a scorecard question
// outside the rubric.
const warnedReport = "---\nid: 2024-03-01 warned\ntitle: Warned\nstart: 2024-03-01 10:00\nservices: [api-alias]\ncolour: red\ntags: [x]\nscorecard:\n  not_a_question: yes\n---\n## Summary\n\nThe API fell over; like 2015-04-23 mediawiki-api.\n"

// diagnostics lists what a build said: its warnings, or the problems
// that stopped it.
func diagnostics(t *testing.T, res *Result, err error) []diag.Diagnostic {
	t.Helper()
	var content *diag.ContentError
	switch {
	case errors.As(err, &content):
		return content.Diagnostics
	case err != nil:
		t.Fatalf("Build: %v", err)
	}
	return res.Warnings
}

// TestStoredReportsAndBodiesMatchCold builds after each edit with the
// cache and without it: the decoded reports and rendered bodies the cache
// gives back must make the same site, byte for byte, and the same
// warnings and errors, in the same order, as decoding and rendering them
// again. The site stamp is removed before each cached build, so that
// every one of them loads the archive (the stamp would skip the build
// when nothing changed).
func TestStoredReportsAndBodiesMatchCold(t *testing.T) {
	files := maps.Clone(testArchive)
	files["incidents/2024/warned.md"] = warnedReport
	dir := writeArchive(t, files)
	content := filepath.Join(dir, "content")
	cacheDir := filepath.Join(dir, "cache")
	warm := Config{Source: content, Dest: filepath.Join(dir, "warm"), Version: "test", Cache: buildcache.Open(cacheDir, "test program")}
	write := func(files map[string]string) { testutil.WriteFiles(t, content, files) }
	remove := func(p string) {
		if err := os.Remove(filepath.Join(content, p)); err != nil {
			t.Fatal(err)
		}
	}
	damage := func(kind string, change func([]byte) []byte) {
		p := filepath.Join(cacheDir, kind)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, change(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name string
		edit func()
	}{
		{"first build", func() {}},
		{"nothing changed", func() {}},
		{"a body edited", func() {
			write(map[string]string{"incidents/2024/warned.md": strings.Replace(warnedReport, "fell over", "fell over twice", 1)})
		}},
		{"a warning added", func() {
			write(map[string]string{"incidents/2009/old.md": "---\nid: 2009 outage\ntitle: The old outage\nstart: 2009-06-01\nlayout: post\n---\nNo details survive.\n"})
		}},
		{"an error", func() {
			write(map[string]string{"incidents/2024/warned.md": strings.Replace(warnedReport, "start: 2024-03-01 10:00", "start: soon", 1)})
		}},
		{"the error fixed", func() { write(map[string]string{"incidents/2024/warned.md": warnedReport}) }},
		{"an alias added to site.yaml", func() {
			write(map[string]string{"site.yaml": strings.Replace(testArchive["site.yaml"], "aliases: [mw-api]", "aliases: [mw-api, api-alias]", 1)})
		}},
		{"a task tracker in site.yaml", func() {
			write(map[string]string{"site.yaml": testArchive["site.yaml"] + "tracker: {kind: jira, url: https://jira.example.org/, project: OPS}\n"})
		}},
		{"the tracker removed", func() { write(map[string]string{"site.yaml": testArchive["site.yaml"]}) }},
		{"a report deleted", func() { remove("incidents/2017/2017-11-20-ores.md") }},
		{"the report back", func() {
			write(map[string]string{"incidents/2017/2017-11-20-ores.md": testArchive["incidents/2017/2017-11-20-ores.md"]})
		}},
		{"the stored reports cut short", func() { damage(reportsKind, func(b []byte) []byte { return b[:len(b)*2/3] }) }},
		{"a byte of the stored bodies changed", func() { damage(bodiesKind, func(b []byte) []byte { b[len(b)/2] ^= 0x20; return b }) }},
		{"the stored reports replaced by garbage", func() { damage(reportsKind, func([]byte) []byte { return []byte("garbage") }) }},
		{"the stored bodies emptied", func() { damage(bodiesKind, func([]byte) []byte { return nil }) }},
	}
	for _, step := range steps {
		step.edit()
		if err := warm.Cache.Remove(stampKind(warm.Dest)); err != nil {
			t.Fatal(err)
		}
		res, err := Build(context.Background(), warm)
		got := diagnostics(t, res, err)
		cold := warm
		cold.Cache, cold.Cold = nil, true
		cold.Dest = filepath.Join(dir, "cold", step.name)
		coldRes, coldErr := Build(context.Background(), cold)
		want := diagnostics(t, coldRes, coldErr)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the cached build said\n%v\nthe cold one\n%v", step.name, got, want)
		}
		if (err == nil) != (coldErr == nil) {
			t.Fatalf("%s: cached build error %v, cold %v", step.name, err, coldErr)
		}
		if err == nil {
			sameTree(t, step.name, tree(t, cold.Dest), tree(t, warm.Dest))
		}
		if step.name == "first build" && len(got) < 3 {
			t.Fatalf("the first build gave %d warnings, want those of warned.md at least: %v", len(got), got)
		}
	}
	for _, kind := range []string{reportsKind, bodiesKind} {
		if _, err := os.Stat(filepath.Join(cacheDir, kind)); err != nil {
			t.Errorf("the cache has no %s entry: %v", kind, err)
		}
	}
}

// TestStoredRecordsAreUsed checks that a build after one report changed
// takes the other reports and bodies from the cache: it decodes and
// renders that report only, so each entry grows by the one record
// appended for it.
func TestStoredRecordsAreUsed(t *testing.T) {
	dir := writeArchive(t, testArchive)
	content := filepath.Join(dir, "content")
	cache := buildcache.Open(filepath.Join(dir, "cache"), "test program")
	cfg := Config{Source: content, Dest: filepath.Join(dir, "out"), Version: "test", Cache: cache}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	sizes := func() map[string]int64 {
		out := map[string]int64{}
		for _, kind := range []string{reportsKind, bodiesKind} {
			info, err := os.Stat(filepath.Join(dir, "cache", kind))
			if err != nil {
				t.Fatal(err)
			}
			out[kind] = info.Size()
		}
		return out
	}
	before := sizes()
	testutil.WriteFiles(t, content, map[string]string{"incidents/2009/old.md": "---\nid: 2009 outage\ntitle: The old outage\nstart: 2009-06-01\n---\nNo details survive at all.\n"})
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	after := sizes()
	for kind, n := range before {
		// One record appended: far less than the entry again.
		if grown := after[kind] - n; grown <= 0 || grown >= n/2 {
			t.Errorf("%s: the entry went from %d to %d bytes after one report changed; want one record appended", kind, n, after[kind])
		}
	}
}

// TestLintRecordsAreUsed checks that a build after one report's body
// changed lints that report and the few whose pages show it, taking the
// others' findings from the cache: the "lint" entry grows by their
// records only.
func TestLintRecordsAreUsed(t *testing.T) {
	files := map[string]string{"site.yaml": "title: Lint records\n"}
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"}
	for i, w := range words {
		files[fmt.Sprintf("incidents/2024/r%02d.md", i)] = fmt.Sprintf("---\nid: 2024-%02d-01 %s\ntitle: The %s outage\nstart: 2024-%02d-01 10:00\nservices: [svc-%s]\n---\n## Summary\n\nThe %s%d system stopped.\n", i%12+1, w, w, i%12+1, w, w, i)
	}
	dir := writeArchive(t, files)
	content := filepath.Join(dir, "content")
	cfg := Config{Source: content, Dest: filepath.Join(dir, "out"), Version: "test", Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program")}
	size := func() int64 {
		info, err := os.Stat(filepath.Join(dir, "cache", "lint"))
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	before, warned := size(), len(res.Warnings)
	testutil.WriteFiles(t, content, map[string]string{"incidents/2024/r05.md": strings.Replace(files["incidents/2024/r05.md"], "stopped.", "stopped twice.", 1)})
	if res, err = Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if grown := size() - before; grown <= 0 || grown >= before/2 {
		t.Errorf("the lint entry went from %d to %d bytes after one body changed; want a few records appended", before, before+grown)
	}
	if len(res.Warnings) != warned || warned == 0 {
		t.Errorf("%d warnings after the edit, %d before; want the same, and some", len(res.Warnings), warned)
	}
}

// TestDecodedReportsRecords round-trips what decoding gives through the
// "reports" entry, in each form a record takes.
func TestDecodedReportsRecords(t *testing.T) {
	site := siteconfig.Default()
	parse := func(text string) (*incident.Incident, []diag.Diagnostic) {
		var found diag.List
		in := incident.Parse("content/r.md", []byte(text), site, &found)
		if in != nil {
			in.File = "r.md"
		}
		return in, found.Items()
	}
	withBody := func(in *incident.Incident, body string) *incident.Incident {
		in.Body = []byte(body)
		return in
	}
	report := "---\nid: 2024-01-01 r\ntitle: R\nstart: 2024-01-01\ncolour: red\ntags: [a]\n---\nThe body.\n"
	in, found := parse(report)
	noReport, noFound := parse("---\ntitle: no id\n---\n")
	for _, tt := range []struct {
		name  string
		data  string
		in    *incident.Incident
		found []diag.Diagnostic
	}{
		{"a report whose body ends the file", report, in, found},
		{"a report with no body", "---\nid: 2024-01-01 r\ntitle: R\nstart: 2024-01-01\n---\n", withBody(mustParse(parse("---\nid: 2024-01-01 r\ntitle: R\nstart: 2024-01-01\n---\n")), ""), nil},
		{"a body that is not the end of the file", report, withBody(mustParse(parse(report)), "Another body.\n"), found},
		{"not a report", "---\ntitle: no id\n---\n", noReport, noFound},
		{"problems in several files", report, in, append(slices.Clone(found), diag.Diagnostic{Severity: diag.Error, Path: "elsewhere.md", Line: 3, Message: "m"}, found[0])},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := buildcache.Open(dir, "test")
			cfg := Config{Source: "content", Cache: c}
			d := openReports(cfg, site)
			d.Put("r.md", []byte(tt.data), sha256.Sum256([]byte(tt.data)), tt.in, tt.found)
			if err := d.recs.Save(); err != nil {
				t.Fatal(err)
			}
			d = openReports(cfg, site)
			defer d.recs.Save()
			if _, _, ok := d.Get("r.md", []byte(tt.data+" "), sha256.Sum256([]byte(tt.data+" "))); ok {
				t.Error("a record was found for other bytes")
			}
			if _, _, ok := d.Get("other.md", []byte(tt.data), sha256.Sum256([]byte(tt.data))); ok {
				t.Error("a record was found for another file")
			}
			got, gotFound, ok := d.Get("r.md", []byte(tt.data), sha256.Sum256([]byte(tt.data)))
			if !ok {
				t.Fatal("the record was not found")
			}
			if !reflect.DeepEqual(got, tt.in) || !reflect.DeepEqual(gotFound, tt.found) {
				t.Errorf("got %#v\n%v\nwant %#v\n%v", got, gotFound, tt.in, tt.found)
			}
		})
	}
}

func mustParse(in *incident.Incident, _ []diag.Diagnostic) *incident.Incident { return in }

// TestStoredBodyFindings: a load with the build cache gives the linter's
// findings in each report's body (lint.Body) for every report, the same
// as the linter finds, whether the report was decoded again or taken from
// the cache; the build then need not read the bodies for them.
func TestStoredBodyFindings(t *testing.T) {
	files := maps.Clone(testArchive)
	files["incidents/2024/template.md"] = "---\nid: 2024-05-01 template\ntitle: Left as written\nstart: 2024-05-01\n---\n## Timeline\n\nThe cache fell over, then TODO.\n"
	dir := writeArchive(t, files)
	cfg := Config{Source: filepath.Join(dir, "content"), Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program")}
	for _, pass := range []string{"decoded", "from the cache"} {
		arc, _, decoded, err := load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		some := 0
		for _, in := range arc.Incidents {
			got, ok := decoded.bodyFindings(in)
			if !ok {
				t.Errorf("%s: no findings for %s", pass, in.Path)
				continue
			}
			if want := lint.Body(in); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s: findings %v, the linter finds %v", pass, in.Path, got, want)
			}
			some += len(got.TemplateText) + len(got.Timeline)
		}
		if some < 2 {
			t.Errorf("%s: %d findings in all; want the template text and the Timeline without times", pass, some)
		}
	}
}
