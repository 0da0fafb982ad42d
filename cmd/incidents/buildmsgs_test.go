package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildSaysWhatCheckSays: a build prints check's warnings about the
// reports it builds (a typo in services, template text, a likely repeat
// not recorded), counts them in one line when there are more than ten,
// counts the drafts it leaves out, and warns that a base URL of this
// machine would go into the feeds and the sitemap. Before, the build said
// nothing of these and exited 0; it said "Built 1 reports".
func TestBuildSaysWhatCheckSays(t *testing.T) {
	const site = "title: T\nbase_url: https://incidents.example.org/\nservices:\n  api: {}\n  search: {}\n"
	leak := "Pods of the api leaked memory after the release and were killed; the canary did not catch it.\n"
	few := writeContent(t, map[string]string{
		"content/site.yaml":       site,
		"content/incidents/a.md":  "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\nservices: [no-such-service]\n---\nBody\n",
		"content/incidents/b.md":  "---\nid: 2026-01-02 b\ntitle: B\nstart: 2026-01-02\nservices: [search]\n---\nTODO: say what happened.\n",
		"content/incidents/r1.md": "---\nid: 2026-02-01 r1\ntitle: Memory leak in the api\nstart: 2026-02-01\nservices: [api]\ncauses: [memory-leak]\n---\n" + leak,
		"content/incidents/r2.md": "---\nid: 2026-03-01 r2\ntitle: The api leaking memory again\nstart: 2026-03-01\nservices: [api]\ncauses: [memory-leak]\n---\n" + leak,
		"content/incidents/d.md":  "---\nid: 2026-01-03 d\ntitle: D\nstart: 2026-01-03\nstatus: draft\nservices: [no-such-draft-service]\n---\nTBD\n",
	})
	many := map[string]string{"content/site.yaml": "title: T\nbase_url: http://127.0.0.1:1313/\nservices:\n  api: {}\n"}
	for i := range 12 {
		many[fmt.Sprintf("content/incidents/%02d.md", i)] = fmt.Sprintf("---\nid: 2026-01-%02d r%d\ntitle: R\nstart: 2026-01-%02d\nservices: [typo-%d]\n---\nBody\n", i+1, i, i+1, i)
	}
	manyDir := writeContent(t, many)
	manySrc := filepath.Join(manyDir, "content")
	build := func(dir string, extra ...string) []string {
		return append([]string{"build", "--no-search-index", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, "cache")}, extra...)
	}
	for _, tt := range []struct {
		name           string
		args           []string
		stdout, stderr []string
		notStderr      []string
		stderrLines    int
	}{
		{
			name:   "a few warnings, one by one; the draft counted, not checked",
			args:   build(few),
			stdout: []string{"Built 4 reports (1 draft left out: --drafts to include it) into "},
			stderr: []string{
				"a.md:5: warning: services: \"no-such-service\" is not in the service catalogue of site.yaml",
				"b.md:7: warning: template text left in place (TODO)",
				"r2.md:1: warning: repeat_of: likely a repeat of \"2026-02-01 r1\"",
			},
			notStderr:   []string{"no-such-draft-service", "d.md", "base_url"},
			stderrLines: 3,
		},
		{
			name:        "again, with nothing to do: the same words",
			args:        build(few),
			stdout:      []string{"Built 4 reports (1 draft left out: --drafts to include it) into "},
			stderr:      []string{"a.md:5: warning: services: \"no-such-service\"", "r2.md:1: warning: repeat_of"},
			stderrLines: 3,
		},
		{
			name:        "the draft included",
			args:        build(few, "--drafts", "-d", filepath.Join(few, "public2")),
			stdout:      []string{"Built 5 reports into "},
			stderr:      []string{"d.md:6: warning: services: \"no-such-draft-service\"", "d.md:8: warning: template text left in place (TBD)"},
			stderrLines: 5,
		},
		{
			name:   "many warnings, counted; the base URL of this machine always said",
			args:   build(manyDir),
			stdout: []string{"Built 12 reports into "},
			stderr: []string{
				"site.yaml: warning: base_url: \"http://127.0.0.1:1313/\" is this machine, so the feeds and the sitemap link to it; before publishing, set base_url in site.yaml (or --base-url)",
				"12 warnings in 12 reports; incidents check -s " + manySrc + " for the list\n",
			},
			notStderr:   []string{"typo-"},
			stderrLines: 2,
		},
		{
			name:        "a public base URL given: no warning about it",
			args:        build(manyDir, "--base-url", "https://incidents.example.org/", "-d", filepath.Join(manyDir, "public2")),
			stdout:      []string{"Built 12 reports into "},
			stderr:      []string{"12 warnings in 12 reports"},
			notStderr:   []string{"base_url", "is this machine"},
			stderrLines: 1,
		},
		{
			name:        "a loopback base URL given",
			args:        build(manyDir, "--base-url", "http://localhost:8080/", "-d", filepath.Join(manyDir, "public3")),
			stderr:      []string{"--base-url: warning: \"http://localhost:8080/\" is this machine"},
			stderrLines: 2,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr := checkRun(t, tt.args, 0, tt.stdout, tt.stderr)
			for _, s := range tt.notStderr {
				if strings.Contains(stderr, s) {
					t.Errorf("stderr has %q:\n%s", s, stderr)
				}
			}
			if n := strings.Count(stderr, "\n"); n != tt.stderrLines {
				t.Errorf("stderr has %d lines, want %d:\n%s", n, tt.stderrLines, stderr)
			}
		})
	}
}

// TestServeSaysWhatCheckSays: serve prints the warnings of its builds
// too, but not that its base URL is this machine: a preview is meant to
// be.
func TestServeSaysWhatCheckSays(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/site.yaml":      "title: T\nbase_url: http://127.0.0.1:1313/\nservices:\n  api: {}\n",
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\nservices: [no-such-service]\n---\nBody\n",
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--port", "0", "-s", filepath.Join(dir, "content"), "--cache-dir", filepath.Join(dir, ".cache")}, outW, &stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "Serving ") {
	}
	cancel()
	go io.Copy(io.Discard, outR)
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a stop takes well under a second; generous for a loaded machine
		t.Fatal("serve did not stop")
	}
	if got := stderr.String(); !strings.Contains(got, "a.md:5: warning: services: \"no-such-service\" is not in the service catalogue") || strings.Contains(got, "base_url") {
		t.Errorf("serve's stderr: want the warning about the service, none about base_url:\n%s", got)
	}
}
