package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestForeignArchive: a folder of reports written for other site
// generators, checked and built, gives one readable error per report,
// saying what to write instead, and exit status 1; never a panic.
func TestForeignArchive(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/incidents/hugo.md":      "---\ntitle: \"DNS outage\"\ndate: 2026-01-01T10:00:00Z\ntags: [dns]\ncategories: [network]\ndraft: false\n---\nBody\n",
		"content/incidents/jekyll.md":    "---\nlayout: post\ntitle: Database failover\ndate: 2025-05-05 10:00:00 +0000\nauthor: Jane\n---\nBody\n",
		"content/incidents/hugo.toml.md": "+++\ntitle = \"Cache stampede\"\ndate = 2024-03-01\nslug = \"cache\"\n+++\nBody\n",
		"content/incidents/eleventy.md":  "---\ntitle: Certificate expiry\ndate: 2023-07-01\ntags: post\nlayout: layouts/post.njk\npermalink: /posts/cert/\n---\n",
	})
	content := filepath.Join(dir, "content")
	for _, args := range [][]string{
		{"check", "-s", content},
		{"build", "-s", content, "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, ".cache")},
	} {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(context.Background(), args, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine") {
				t.Fatalf("crashed:\n%s", out)
			}
			for _, name := range []string{"hugo.md", "jekyll.md", "hugo.toml.md", "eleventy.md"} {
				var lines []string
				for _, l := range strings.Split(out, "\n") {
					if strings.Contains(l, "/"+name+":") {
						lines = append(lines, l)
					}
				}
				if len(lines) != 1 || !strings.Contains(lines[0], "this looks like front matter for another tool (") || !strings.Contains(lines[0], "date: use start") {
					t.Errorf("%s: want one line saying what to write instead, got:\n%s", name, strings.Join(lines, "\n"))
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}
