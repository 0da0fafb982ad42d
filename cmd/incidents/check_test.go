package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// broken is a content folder whose reports go wrong in every way check
// knows. Paths in the output are relative, so the golden files are stable.
var broken = filepath.Join("testdata", "check", "broken")

// TestCheckGolden compares the output of check on the broken folder, in
// every format, with golden files (go test -update rewrites them).
func TestCheckGolden(t *testing.T) {
	for _, tt := range []struct{ name, format string }{{"broken.golden", "text"}, {"broken.github.golden", "github"}, {"broken.gitlab.golden", "gitlab"}} {
		t.Run(tt.format, func(t *testing.T) {
			stdout, stderr := checkRun(t, []string{"check", "-s", broken, "--format", tt.format}, 1, nil, []string{"10 errors and 14 warnings in 6 of 7 reports.\n"})
			testutil.Golden(t, filepath.Join("testdata", "check", tt.name), []byte(stdout), *update)
			if t.Failed() {
				t.Logf("stderr:\n%s", stderr)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	clean := writeContent(t, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nBody\n",
	})
	warned := writeContent(t, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\nsevice: x\n---\nBody\n",
	})
	testutil.WriteFiles(t, clean, map[string]string{"content/incidents/_wip.md": "---\nid: x\n---\n", "content/templates/incident.md": "{{id}}\n"})
	badSite := writeContent(t, map[string]string{
		"content/site.yaml":      "title: T\nsevices: {}\nworking_hours: {timezone: Mars/Olympus}\n",
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nBody\n",
	})
	// Four reports, two of them with warnings (an unknown key each, and
	// template text in one). Before, the summary counted the reports
	// checked: "3 warnings in 4 reports".
	twoOfFour := writeContent(t, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\nsevice: x\n---\nTODO\n",
		"content/incidents/b.md": "---\nid: 2026-01-02 b\ntitle: B\nstart: 2026-01-02\n---\nBody\n",
		"content/incidents/c.md": "---\nid: 2026-01-03 c\ntitle: C\nstart: 2026-01-03\nsevise: x\n---\nBody\n",
		"content/incidents/d.md": "---\nid: 2026-01-04 d\ntitle: D\nstart: 2026-01-04\n---\nBody\n",
	})
	in := func(name string) string { return filepath.Join(broken, "incidents", "2025", name) }
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr []string
		notStdout      []string
	}{
		{name: "clean", args: []string{"check", "-s", filepath.Join(clean, "content")}, code: 0, stderr: []string{"No problems in 1 report.\n"}},
		{name: "clean and strict", args: []string{"check", "--strict", "-s", filepath.Join(clean, "content")}, code: 0},
		{name: "warnings only", args: []string{"check", "-s", filepath.Join(warned, "content")}, code: 0,
			stdout: []string{"a.md:5: warning: sevice: unknown key (did you mean \"services\"?)\n"}, stderr: []string{"1 warning in 1 report.\n"}},
		{name: "warnings in two reports of four", args: []string{"check", "-s", filepath.Join(twoOfFour, "content")}, code: 0, stderr: []string{"3 warnings in 2 of 4 reports.\n"}},
		{name: "warnings only, strict", args: []string{"check", "--strict", "-s", filepath.Join(warned, "content")}, code: 1},
		{name: "warnings only, github", args: []string{"check", "--format", "github", "-s", filepath.Join(warned, "content")}, code: 0,
			stdout: []string{"::warning file=" + filepath.ToSlash(filepath.Join(warned, "content", "incidents", "a.md")) + ",line=5::sevice: unknown key (did you mean \"services\"?)\n"}},
		{name: "errors", args: []string{"check", "-s", broken}, code: 1},
		{name: "one file of the archive", args: []string{"check", "-s", broken, in("2025-12-01-warnings.md")}, code: 0,
			stdout: []string{"2025-12-01-warnings.md:3: warning: title:"}, notStdout: []string{"2025-11-20-errors.md", "2025-09-02"},
			stderr: []string{"10 warnings in 1 report.\n"}},
		{name: "a file whose id another file takes", args: []string{"check", "-s", broken, in("2025-03-10-checkout.md")}, code: 1,
			stdout:    []string{"2025-11-21-duplicate.md:2: id: \"2025-03-10 checkout\" is already used by " + filepath.ToSlash(in("2025-03-10-checkout.md")) + ":2"},
			notStdout: []string{"07:00"}},
		{name: "two files", args: []string{"check", "-s", broken, in("2025-12-05-draft.md"), in("2025-11-22-no-front-matter.md")}, code: 1,
			stdout: []string{"2025-12-05-draft.md:11: warning: template text left in place (TBD)", "2025-11-22-no-front-matter.md:1: no front matter"},
			stderr: []string{"1 error and 1 warning in 2 reports.\n"}},
		{name: "one file, and site.yaml has an error", args: []string{"check", "-s", filepath.Join(badSite, "content"), filepath.Join(badSite, "content", "incidents", "a.md")}, code: 1,
			stdout: []string{"site.yaml:3: working_hours.timezone: unknown time zone"}, notStdout: []string{"sevices"},
			stderr: []string{"1 error in 1 other file; no problems in the 1 report.\n"}},
		{name: "a folder", args: []string{"check", "-s", broken, filepath.Join(broken, "incidents")}, code: 1, stderr: []string{"10 errors and 14 warnings in 6 of 7 reports.\n"}},
		{name: "files the build does not read", args: []string{"check", "-s", filepath.Join(clean, "content"), filepath.Join(clean, "content", "incidents", "_wip.md"), filepath.Join(clean, "content", "templates", "incident.md")}, code: 0,
			stdout: []string{"incidents/_wip.md: warning: not checked: the build reads reports only from .md files under incidents/", "templates/incident.md: warning: not checked"},
			stderr: []string{"2 warnings in 2 files; no reports checked.\n"}},
		{name: "a file outside the content folder", args: []string{"check", "-s", broken, "check.go"}, code: 2, stderr: []string{"check.go is not in the content folder"}},
		{name: "a missing file", args: []string{"check", "-s", broken, in("nope.md")}, code: 2, stderr: []string{"no such report or folder"}},
		{name: "a wrong format", args: []string{"check", "--format", "xml"}, code: 2, stderr: []string{`--format "xml": use text, github or gitlab`}},
		{name: "a missing content folder", args: []string{"check", "-s", filepath.Join(clean, "nope")}, code: 1, stderr: []string{"does not exist"}},
		{name: "help", args: []string{"help", "check"}, code: 0, stdout: []string{"Usage: incidents check", "--format", "--strict", "--source"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _ := checkRun(t, tt.args, tt.code, tt.stdout, tt.stderr)
			for _, s := range tt.notStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
		})
	}
}

func TestAnnotationEscaping(t *testing.T) {
	got := annotation(diag.Diagnostic{Path: "a,b:c.md", Field: "x", Message: "50%\nnext"})
	want := "::error file=a%2Cb%3Ac.md::x: 50%25\\u000anext"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// What a report holds reaches the CI log as it does the terminal:
	// no escape sequence, no direction control.
	got = annotation(diag.Diagnostic{Severity: diag.Warning, Path: "a\u202e.md", Line: 3, Message: "key \"\x1b[2J\" unknown"})
	want = "::warning file=a\\u202e.md,line=3::key \"\\u001b[2J\" unknown"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCodeQuality checks the GitLab report beyond the golden file: it is
// a JSON array GitLab can read (an empty one when nothing is wrong), each
// issue has the fields GitLab requires, fingerprints are unique and do
// not move with the line, and paths are relative to the repository.
func TestCodeQuality(t *testing.T) {
	type issue struct {
		Description string `json:"description"`
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
		Severity    string `json:"severity"`
		Location    struct {
			Path  string `json:"path"`
			Lines struct {
				Begin int `json:"begin"`
			} `json:"lines"`
		} `json:"location"`
	}
	decode := func(t *testing.T, ds []diag.Diagnostic, source string) []issue {
		t.Helper()
		var b strings.Builder
		if err := writeCodeQuality(&b, ds, source); err != nil {
			t.Fatal(err)
		}
		var out []issue
		dec := json.NewDecoder(strings.NewReader(b.String()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out); err != nil {
			t.Fatalf("not a JSON array of issues: %v\n%s", err, b.String())
		}
		if out == nil {
			t.Fatalf("got null, want an array:\n%s", b.String())
		}
		return out
	}
	if got := decode(t, nil, "content"); len(got) != 0 {
		t.Errorf("no diagnostics gave %d issues", len(got))
	}

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	twice := diag.Diagnostic{Severity: diag.Warning, Path: "content/incidents/a.md", Line: 9, Message: "template text left in place (TBD)"}
	moved := twice
	moved.Line = 12
	ds := []diag.Diagnostic{
		twice, moved,
		{Severity: diag.Error, Path: filepath.Join(wd, "content", "incidents", "b.md"), Field: "actionables[2].owner", Message: "must be a name"},
		{Severity: diag.Error, Message: "no reports"},
	}
	got := decode(t, ds, "content")
	want := []struct{ path, check, severity, description string }{
		{"content/incidents/a.md", "incidents/report", "minor", "template text left in place (TBD)"},
		{"content/incidents/a.md", "incidents/report", "minor", "template text left in place (TBD)"},
		{"content/incidents/b.md", "incidents/actionables.owner", "major", "actionables[2].owner: must be a name"},
		{"content", "incidents/report", "major", "no reports"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d issues, want %d: %+v", len(got), len(want), got)
	}
	fingerprints := map[string]bool{}
	for i, w := range want {
		g := got[i]
		if g.Location.Path != w.path || g.CheckName != w.check || g.Severity != w.severity || g.Description != w.description {
			t.Errorf("issue %d = %+v, want path %q, check %q, severity %q, description %q", i, g, w.path, w.check, w.severity, w.description)
		}
		if g.Location.Lines.Begin < 1 {
			t.Errorf("issue %d: lines.begin %d, GitLab wants 1 or more", i, g.Location.Lines.Begin)
		}
		if fingerprints[g.Fingerprint] || g.Fingerprint == "" {
			t.Errorf("issue %d: fingerprint %q is empty or not unique", i, g.Fingerprint)
		}
		fingerprints[g.Fingerprint] = true
	}
	if got[0].Location.Lines.Begin != 9 || got[1].Location.Lines.Begin != 12 {
		t.Errorf("lines = %d, %d; want 9, 12", got[0].Location.Lines.Begin, got[1].Location.Lines.Begin)
	}
	// The same problems after an edit above them (every line moves down)
	// keep their fingerprints: GitLab does not report them as new.
	for i := range ds {
		ds[i].Line += 5
	}
	for i, g := range decode(t, ds, "content") {
		if g.Fingerprint != got[i].Fingerprint {
			t.Errorf("issue %d: fingerprint changed with the line: %q, was %q", i, g.Fingerprint, got[i].Fingerprint)
		}
	}
}
