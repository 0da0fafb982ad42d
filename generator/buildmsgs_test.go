package generator

import (
	"context"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// oneReport is an archive of one report, with an end, one service, one
// cause, one requests_failed and one question answered: every count a
// page prints is 1, where a page that does not agree its noun says "1
// reports".
var oneReport = map[string]string{
	"site.yaml": "title: One\nbase_url: https://incidents.example.org/\nscorecard:\n  - {key: task_exists, question: Is there a task?}\n",
	"incidents/2026/a.md": `---
id: 2026-02-23 api
title: The API went down
start: 2026-02-23 17:20
end: 2026-02-23 18:00
services: [api]
causes: [bad-config]
requests_failed: 1
paged: 1
paged_after_hours: 1
actionables:
  - {title: Check the config, owner: sre, task: T1, status: open}
scorecard:
  task_exists: {answer: yes}
---
## Summary

The API went down.
`,
}

// TestPagesAgreeInNumber: no page of a one-report archive says "1
// reports", "over 1 reports", "1 requests", "1 questions" and the like.
// Before, the term pages said "over 1 reports with an end", the home page
// "All 1 incidents", the incident page "1 requests failed".
func TestPagesAgreeInNumber(t *testing.T) {
	dir := writeArchive(t, oneReport)
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	// A 1 not part of a larger number or a date, then a plural noun.
	wrong := regexp.MustCompile(`(^|[^0-9.,:/-])1 (reports|incidents|requests|questions|months|recurrence chains|other services|other causes|answers|open action items|responders|people|warnings)\b`)
	pages := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// The prose of the page: the charts' own labels (package chart,
		// its axis units and bar tooltips) are left out.
		text := regexp.MustCompile(`(?s)<svg.*?</svg>`).ReplaceAllString(string(data), " ")
		text = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text, " ")
		text = strings.Join(strings.Fields(text), " ")
		for _, m := range wrong.FindAllStringIndex(text, -1) {
			t.Errorf("%s: %q", strings.TrimPrefix(p, out), text[max(0, m[0]-40):min(len(text), m[1]+20)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 8 {
		t.Fatalf("only %d pages", pages)
	}
	for page, want := range map[string]string{
		"services/api/index.html":             "over 1 report with an end",
		"index.html":                          "All 1 incident",
		"incidents/2026-02-23-api/index.html": "1 request failed",
	} {
		if got := readPage(t, out, page); !strings.Contains(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(got, " ")), " "), want) {
			t.Errorf("%s lacks %q", page, want)
		}
	}
}

// TestSitemapLastmod: every page of the sitemap has a lastmod taken from
// the content, never from the clock or the files' times: a report's
// page its end (or its start), a year's or a term's page the latest of
// its reports', the other pages the latest of the archive's. Two builds
// at different times, of files touched in between, give the same
// sitemap. Before, the sitemap had no lastmod.
func TestSitemapLastmod(t *testing.T) {
	files := map[string]string{
		"site.yaml":           "title: T\nbase_url: https://incidents.example.org/\n",
		"incidents/2025/a.md": "---\nid: 2025-06-01 a\ntitle: A\nstart: 2025-06-01 10:00\nend: 2025-06-01 12:30\nservices: [api]\n---\nBody\n",
		"incidents/2026/b.md": "---\nid: 2026-01-05 b\ntitle: B\nstart: 2026-01-05 08:00\nservices: [db]\n---\nBody\n",
		"incidents/2026/c.md": "---\nid: 2026-01-02 c\ntitle: C\nstart: 2026-01-02 08:00\nend: 2026-01-09 09:00\nservices: [api]\n---\nBody\n",
		"pages/about.md":      "---\ntitle: About\n---\nAbout.\n",
	}
	dir := writeArchive(t, files)
	src := filepath.Join(dir, "content")
	read := func(dest string) map[string]string {
		t.Helper()
		if _, err := Build(context.Background(), Config{Source: src, Dest: dest, Version: "test"}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dest, "sitemap.xml"))
		if err != nil {
			t.Fatal(err)
		}
		var set struct {
			URLs []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal(data, &set); err != nil {
			t.Fatal(err)
		}
		mods := map[string]string{}
		for _, u := range set.URLs {
			mods[strings.TrimPrefix(u.Loc, "https://incidents.example.org")] = u.LastMod
		}
		return mods
	}
	mods := read(filepath.Join(dir, "public"))
	for loc, want := range map[string]string{
		"/incidents/2025-06-01-a/": "2025-06-01T12:30:00Z", // its end
		"/incidents/2026-01-05-b/": "2026-01-05T08:00:00Z", // no end: its start
		"/years/2025/":             "2025-06-01T12:30:00Z",
		"/years/2026/":             "2026-01-09T09:00:00Z", // c ended after b started
		"/services/api/":           "2026-01-09T09:00:00Z",
		"/services/db/":            "2026-01-05T08:00:00Z",
		"/":                        "2026-01-09T09:00:00Z",
		"/incidents/":              "2026-01-09T09:00:00Z",
		"/about/":                  "2026-01-09T09:00:00Z",
	} {
		if got, ok := mods[loc]; !ok {
			t.Errorf("the sitemap lacks %s", loc)
		} else if got != want {
			t.Errorf("%s: lastmod %q, want %q", loc, got, want)
		}
	}
	for loc, mod := range mods {
		if mod == "" {
			t.Errorf("%s has no lastmod", loc)
		}
	}
	// Touched files, another time: the same sitemap.
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Chtimes(p, later, later)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	again := read(filepath.Join(dir, "public2"))
	for loc, mod := range mods {
		if again[loc] != mod {
			t.Errorf("%s: lastmod %q after the files were touched, was %q", loc, again[loc], mod)
		}
	}
}

// TestBuildWarnsOfALoopbackBaseURL: a build for publishing whose base URL
// is this machine (the bundled site.yaml's http://127.0.0.1:1313/) is
// warned, saying how to set another; a local preview (Builder.Local, as
// serve builds) is not, nor is a public base URL.
func TestBuildWarnsOfALoopbackBaseURL(t *testing.T) {
	for _, tt := range []struct {
		name, siteURL, flagURL string
		local                  bool
		want                   string // "" for no warning about the base URL
	}{
		{"bundled", "http://127.0.0.1:1313/", "", false, `site.yaml: warning: base_url: "http://127.0.0.1:1313/" is this machine, so the feeds and the sitemap link to it; before publishing, set base_url in site.yaml (or --base-url) to where the site is served`},
		{"localhost", "http://localhost/archive/", "", false, `"http://localhost/archive/" is this machine`},
		{"IPv6", "http://[::1]:8080/", "", false, `"http://[::1]:8080/" is this machine`},
		{"a name under .localhost", "http://incidents.localhost/", "", false, `"http://incidents.localhost/" is this machine`},
		{"the flag", "https://incidents.example.org/", "http://127.0.0.2:9000/", false, `--base-url: warning: "http://127.0.0.2:9000/" is this machine`},
		{"the flag fixes it", "http://127.0.0.1:1313/", "https://incidents.example.org/", false, ""},
		{"a preview", "http://127.0.0.1:1313/", "", true, ""},
		{"public", "https://incidents.example.org/", "", false, ""},
		{"a name that only starts like one", "https://localhost.example.org/", "", false, ""},
		{"empty", "", "", false, `site.yaml: warning: base_url: "/" is not an absolute URL, so links in the feeds and the sitemap are relative; set base_url in site.yaml (or --base-url)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			site := "title: T\n"
			if tt.siteURL != "" {
				site += "base_url: " + tt.siteURL + "\n"
			}
			dir := writeArchive(t, map[string]string{"site.yaml": site, "incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nBody\n"})
			b := NewBuilder()
			b.Local = tt.local
			res, err := b.Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: filepath.Join(dir, "public"), BaseURL: tt.flagURL})
			if err != nil {
				t.Fatal(err)
			}
			var said []string
			for _, d := range res.Warnings {
				if strings.Contains(d.String(), "base_url") || strings.Contains(d.String(), "--base-url") {
					said = append(said, d.String())
				}
			}
			switch {
			case tt.want == "" && len(said) > 0:
				t.Errorf("want no warning about the base URL, got %q", said)
			case tt.want != "" && (len(said) != 1 || !strings.Contains(said[0], tt.want)):
				t.Errorf("want one warning with %q, got %q", tt.want, said)
			}
		})
	}
}
