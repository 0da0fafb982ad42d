package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

func writeContent(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, files)
	return dir
}

func TestRun(t *testing.T) {
	good := writeContent(t, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nBody\n",
	})
	bad := writeContent(t, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: someday\nstatus: done\nsevice: x\n---\n",
		"content/incidents/b.md": "no front matter\n",
	})
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string
		stderr    []string
		noStderr  bool
		notStdout []string
	}{
		{name: "no arguments", args: nil, code: 2, stderr: []string{"Usage:", "build", "serve"}},
		{name: "help", args: []string{"help"}, code: 0, stdout: []string{"Commands:", "build", "serve", "version"}},
		{name: "help build", args: []string{"help", "build"}, code: 0, stdout: []string{"Usage: incidents build", "--source", "--dest", "--base-url", "--drafts", "--layouts", "--cache-dir"}},
		{name: "build --help", args: []string{"build", "--help"}, code: 0, stdout: []string{"Usage: incidents build"}},
		{name: "serve --help", args: []string{"serve", "-h"}, code: 0, stdout: []string{"Usage: incidents serve", "--port"}},
		{name: "version", args: []string{"version"}, code: 0, stdout: []string{"incidents "}},
		{name: "unknown command", args: []string{"bulid"}, code: 2, stderr: []string{`unknown command "bulid"`}},
		{name: "unknown flag", args: []string{"build", "--sauce", "x"}, code: 2, stderr: []string{"unknown flag: --sauce", "incidents help build"}},
		{name: "stray argument", args: []string{"build", "extra"}, code: 2, stderr: []string{`unexpected argument "extra"`}},
		{name: "bad base url", args: []string{"build", "--base-url", "ftp://x/"}, code: 2, stderr: []string{"must use http or https"}},
		{name: "bad port", args: []string{"serve", "--port", "70000"}, code: 2, stderr: []string{"not a TCP port"}},
		{name: "missing content folder", args: []string{"build", "--source", filepath.Join(good, "nope")}, code: 1, stderr: []string{"content folder"}},
		{
			name: "build", args: []string{"build", "-s", filepath.Join(good, "content"), "-d", filepath.Join(good, "public"), "--base-url", "https://incidents.example.org/", "--cache-dir", filepath.Join(good, ".cache")},
			code: 0, stdout: []string{"Built 1 report into", "pages", "Search index built from scratch with 1 report "}, noStderr: true,
		},
		{
			name: "build without a base URL warns", args: []string{"build", "-s", filepath.Join(good, "content"), "-d", filepath.Join(good, "public"), "--cache-dir", filepath.Join(good, ".cache")},
			code: 0, stdout: []string{"Search index 0 indexed, 0 removed, 1 unchanged"}, stderr: []string{"warning: base_url: \"/\" is not an absolute URL"},
		},
		{name: "help help", args: []string{"help", "help"}, code: 0, stdout: []string{"Commands:"}},
		{name: "build without the search index", args: []string{"build", "--no-search-index", "-s", filepath.Join(good, "content"), "-d", filepath.Join(good, "public2"), "--cache-dir", filepath.Join(good, "cache2")},
			code: 0, stdout: []string{"Built 1 report "}, notStdout: []string{"Search index"}},
		{name: "search", args: []string{"search", "--cache-dir", filepath.Join(good, ".cache"), "body"}, code: 0,
			stdout: []string{"2026-01-01  A\n", "2026-01-01 a", "**Body**"}, stderr: []string{"1 report\n"}},
		{name: "search json", args: []string{"search", "--json", "--cache-dir", filepath.Join(good, ".cache"), "body"}, code: 0,
			stdout: []string{`"total": 1`, `"snippet": "<mark>Body</mark>"`}},
		{name: "search without hits", args: []string{"search", "--cache-dir", filepath.Join(good, ".cache"), "nothing"}, code: 1, stderr: []string{"No reports match."}},
		{name: "search with a bad query", args: []string{"search", "--cache-dir", filepath.Join(good, ".cache"), `"open`}, code: 2, stderr: []string{"cannot read the query"}},
		{name: "search with a bad date", args: []string{"search", "--cache-dir", filepath.Join(good, ".cache"), "--since", "May", "x"}, code: 2, stderr: []string{"--since \"May\" is not a date"}},
		{name: "search without a query", args: []string{"search", "--cache-dir", filepath.Join(good, ".cache")}, code: 2, stderr: []string{"give a query or a filter"}},
		{name: "search without an index", args: []string{"search", "--cache-dir", filepath.Join(good, "none"), "x"}, code: 1, stderr: []string{"no search index in", "run incidents build first"}},
		{
			name: "content errors", args: []string{"build", "-s", filepath.Join(bad, "content"), "-d", filepath.Join(bad, "public"), "--cache-dir", filepath.Join(bad, ".cache")},
			code: 1,
			stderr: []string{
				"content/incidents/a.md:4: start: cannot read \"someday\"",
				"content/incidents/a.md:5: status: \"done\" is not one of draft, review, final",
				"content/incidents/a.md:6: warning: sevice: unknown key (did you mean \"services\"?)",
				"content/incidents/b.md:1: no front matter",
				"content has 3 errors; ",
				"was not changed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := checkRun(t, tt.args, tt.code, tt.stdout, tt.stderr)
			for _, s := range tt.notStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
			if tt.noStderr && stderr != "" {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(bad, "public")); !os.IsNotExist(err) {
		t.Errorf("a failed build created public/: %v", err)
	}
}

// checkRun runs the command line args and checks its exit code and that
// its output holds each of the wanted pieces. It returns the output.
func checkRun(t *testing.T, args []string, wantCode int, wantStdout, wantStderr []string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	stdout, stderr = out.String(), errOut.String()
	if code != wantCode {
		t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, wantCode, stdout, stderr)
	}
	for _, s := range wantStdout {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	for _, s := range wantStderr {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	return stdout, stderr
}

// TestHelpPrintsOneUsage: --help prints the command's own usage on
// stdout, and nothing of the flag library's on stderr, for every command.
func TestHelpPrintsOneUsage(t *testing.T) {
	for _, name := range []string{"build", "serve", "new", "check", "search", "repeats", "import"} {
		t.Run(name, func(t *testing.T) {
			// The flag library writes to the process's own stderr, not to
			// the writer run is given: catch that too.
			stray, err := os.CreateTemp(t.TempDir(), "stderr")
			if err != nil {
				t.Fatal(err)
			}
			saved := os.Stderr
			os.Stderr = stray
			var out, errOut bytes.Buffer
			run(context.Background(), []string{name, "--help"}, &out, &errOut)
			os.Stderr = saved
			direct, _ := os.ReadFile(stray.Name())
			stray.Close()
			if !strings.Contains(out.String(), "Usage: incidents "+name) {
				t.Errorf("stdout lacks the usage:\n%s", out.String())
			}
			if both := errOut.String() + string(direct); strings.Contains(both, "Usage of") {
				t.Errorf("stderr holds the flag library's usage too:\n%s", both)
			}
		})
	}
}
