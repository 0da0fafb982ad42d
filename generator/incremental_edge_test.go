package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// edgeReport is a report on a service of its own, so that reports share
// nothing but what a case adds.
func edgeReport(id, title, extra string) string {
	name := id[11:]
	return "---\nid: " + id + "\ntitle: " + title + "\nstart: " + id[:10] + " 10:00\nend: " + id[:10] + " 11:00\nservices: [shared, svc-" + name +
		"]\nresponders: [Person " + name + "]\n" + extra + "---\n## Summary\n\nText about " + title + " zebra" + name + ".\n"
}

// TestIncrementalBuildEdges: the cases where keeping pages went wrong in
// review. In each, a build with the cache after the edit must write what a
// cold build writes.
func TestIncrementalBuildEdges(t *testing.T) {
	builtin, err := os.ReadFile("../layouts/base.html")
	if err != nil {
		t.Fatal(err)
	}
	// withMark is the built-in base layout printing mark, and for a term
	// page the titles of all its reports, which the page's key does not
	// cover.
	withMark := func(mark string) string {
		return strings.Replace(string(builtin), `<main id="main">`,
			`<main id="main"><i>`+mark+`</i>{{if eq (printf "%T" .) "render.termPage"}}{{range .Term.Incidents}}{{.Title}};{{end}}{{end}}`, 1)
	}
	reports := map[string]string{
		"incidents/2020/a.md": edgeReport("2020-01-01 a", "Alpha", "task: T1\nactionables:\n  - {title: Fix it, task: T1, owner: Ana, status: open}\n"),
		"incidents/2021/b.md": edgeReport("2021-01-01 b", "Bravo", ""),
		"incidents/2022/c.md": edgeReport("2022-01-01 c", "Charlie", ""),
		"incidents/2023/d.md": edgeReport("2023-01-01 d", "Delta", ""),
	}
	retitle := func(t *testing.T, content string) {
		testutil.WriteFiles(t, content, map[string]string{"incidents/2023/d.md": edgeReport("2023-01-01 d", "Delta renamed", "")})
	}
	for _, tc := range []struct {
		name string
		// setup may add files and set the layouts; edit runs between the
		// two builds, during runs during the second.
		setup  func(t *testing.T, dir, content string, cfg *Config)
		edit   func(t *testing.T, dir, content string, cfg *Config)
		during func(t *testing.T, content string)
	}{
		{name: "a task's age, hours later the same day",
			setup: func(t *testing.T, _, content string, _ *Config) {
				testutil.WriteFiles(t, content, map[string]string{"tasks.json": `{"synced":"2024-05-30T00:00:00Z","tracker":"offline","tasks":[{"id":"T1","state":"open","created":"2024-06-01T09:00:00Z"}]}` + "\n"})
			},
			edit: func(t *testing.T, _, _ string, cfg *Config) { cfg.Now = cfg.Now.Add(6 * time.Hour) }},
		{name: "a base layout of the site's own",
			setup: func(t *testing.T, dir, _ string, cfg *Config) {
				cfg.Layouts = filepath.Join(dir, "layouts")
				testutil.WriteFiles(t, cfg.Layouts, map[string]string{"base.html": withMark("own")})
			},
			edit: func(t *testing.T, _, content string, _ *Config) { retitle(t, content) }},
		{name: "a layouts folder given as a link",
			setup: func(t *testing.T, dir, _ string, cfg *Config) {
				real := filepath.Join(dir, "real-layouts")
				testutil.WriteFiles(t, real, map[string]string{"base.html": withMark("v1")})
				cfg.Layouts = filepath.Join(dir, "layouts")
				if err := os.Symlink(real, cfg.Layouts); err != nil {
					t.Fatal(err)
				}
			},
			edit: func(t *testing.T, dir, content string, _ *Config) {
				testutil.WriteFiles(t, filepath.Join(dir, "real-layouts"), map[string]string{"base.html": withMark("v2")})
				retitle(t, content)
			}},
		{name: "site.yaml edited while the build reads the reports",
			edit: func(t *testing.T, _, content string, _ *Config) { retitle(t, content) },
			during: func(t *testing.T, content string) {
				testutil.WriteFiles(t, content, map[string]string{"site.yaml": "title: New title\nbase_url: https://x.example/\n"})
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			content := filepath.Join(dir, "content")
			testutil.WriteFiles(t, content, reports)
			testutil.WriteFiles(t, content, map[string]string{"site.yaml": "title: Old title\nbase_url: https://x.example/\ntask_url: https://tasks.example.org/{task}\n"})
			cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test", Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program"),
				Now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), ListPageSize: 1}
			if tc.setup != nil {
				tc.setup(t, dir, content, &cfg)
			}
			build := func(cfg Config) *Result { return mustBuild(t, cfg) }
			build(cfg)
			tc.edit(t, dir, content, &cfg)
			if tc.during != nil {
				done := false
				during := cfg
				during.Progress = func(stage string, _, _ int) {
					if stage == "reading" && !done {
						done = true
						tc.during(t, content)
					}
				}
				build(during)
				if !done {
					t.Fatal("the build reported no reading")
				}
			}
			build(cfg)
			cold := cfg
			cold.Cache, cold.Cold, cold.Dest = nil, true, filepath.Join(dir, "cold")
			build(cold)
			sameTree(t, tc.name, tree(t, cold.Dest), tree(t, cfg.Dest))
		})
	}
}

// TestLongChainKeptPages edits the reports of a chain too long to list
// whole (a report page lists the chain around it): after each edit, a
// build with the cache into the published site writes what a cold build
// writes, and pages whose part of the chain did not change are kept.
func TestLongChainKeptPages(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	testutil.WriteFiles(t, content, longChainArchive(30))
	cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test", Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program"),
		Now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), ListPageSize: 10}
	build := func(cfg Config) *Result { return mustBuild(t, cfg) }
	build(cfg)
	for _, e := range []struct {
		name string
		edit func()
	}{
		{"a title far from the oldest reports", func() {
			testutil.WriteFiles(t, content, map[string]string{"incidents/r20.md": longChainReport(20, "Cache flood, retitled")})
		}},
		{"the newest report's title", func() {
			testutil.WriteFiles(t, content, map[string]string{"incidents/r29.md": longChainReport(29, "The newest flood")})
		}},
		{"a report in the middle deleted", func() {
			if err := os.Remove(filepath.Join(content, "incidents/r14.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{"a report added at the end", func() {
			testutil.WriteFiles(t, content, map[string]string{"incidents/r30.md": longChainReport(30, "Yet another flood")})
		}},
	} {
		e.edit()
		res := build(cfg)
		cold := cfg
		cold.Cache, cold.Cold, cold.Dest = nil, true, filepath.Join(dir, "cold")
		build(cold)
		sameTree(t, e.name, tree(t, cold.Dest), tree(t, cfg.Dest))
		if e.name == "a title far from the oldest reports" && res.Kept < 35 {
			// The pages of reports 0–9 list reports 0–19 and the newest
			// of the chain, not report 20: they are kept (with the whole
			// chain in their keys, 29 pages were kept, none of them).
			t.Errorf("%s: %d pages kept, want 35 or more", e.name, res.Kept)
		}
		t.Logf("%s: %d pages kept", e.name, res.Kept)
	}
}

// mustBuild builds cfg, failing t if the build fails.
func mustBuild(t *testing.T, cfg Config) *Result {
	t.Helper()
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// fourYears builds an archive of four reports, one a year from 2020 to
// 2023, with a cache and a list page a report, and returns its folder,
// its content folder and the configuration it was built with.
func fourYears(t *testing.T) (dir, content string, cfg Config) {
	t.Helper()
	dir = t.TempDir()
	content = filepath.Join(dir, "content")
	testutil.WriteFiles(t, content, map[string]string{
		"site.yaml":           "title: Edges\nbase_url: https://x.example/\n",
		"incidents/2020/a.md": edgeReport("2020-01-01 a", "Alpha", ""),
		"incidents/2021/b.md": edgeReport("2021-01-01 b", "Bravo", ""),
		"incidents/2022/c.md": edgeReport("2022-01-01 c", "Charlie", ""),
		"incidents/2023/d.md": edgeReport("2023-01-01 d", "Delta", ""),
	})
	cfg = Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test", Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program"),
		Now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), ListPageSize: 1}
	mustBuild(t, cfg)
	return dir, content, cfg
}

// TestBodyEditKeepsListPages: an edit to a report's body, and not to its
// fields, keeps the pages that list the report (its year, the incidents
// list, its terms' pages and feeds), which show its fields only; an edit
// to its title renders them again. Either way the build writes what a
// cold build writes.
func TestBodyEditKeepsListPages(t *testing.T) {
	dir, content, cfg := fourYears(t)
	kept := map[string]int{}
	for _, e := range []struct{ name, text string }{
		{"a line added to the body", edgeReport("2023-01-01 d", "Delta", "") + "\nOne more line of the timeline.\n"},
		{"another line added to the body", edgeReport("2023-01-01 d", "Delta", "") + "\nOne more line of the timeline.\nAnd another.\n"},
		{"the title", edgeReport("2023-01-01 d", "Delta renamed", "") + "\nOne more line of the timeline.\nAnd another.\n"},
	} {
		testutil.WriteFiles(t, content, map[string]string{"incidents/2023/d.md": e.text})
		res := mustBuild(t, cfg)
		cold := cfg
		cold.Cache, cold.Cold, cold.Dest = nil, true, filepath.Join(dir, "cold")
		mustBuild(t, cold)
		sameTree(t, e.name, tree(t, cold.Dest), tree(t, cfg.Dest))
		kept[e.name] = res.Kept
		t.Logf("%s: %d pages kept", e.name, res.Kept)
	}
	// Delta is on the first page of the incidents list, of 2023, of the
	// service shared and of its own service and responder, and in those
	// terms' three feeds: eight pages that show its title, not its body.
	if body, title := kept["another line added to the body"], kept["the title"]; body-title < 8 {
		t.Errorf("a body edit kept %d pages, a title edit %d: want 8 or more kept for the body edit only", body, title)
	}
	if a, b := kept["a line added to the body"], kept["another line added to the body"]; a != b {
		t.Errorf("two edits to the body kept %d and %d pages", a, b)
	}
}

// TestReportAddedKeepsPastYears: a report added in the newest year leaves
// the pages of the years before it as they were (their navigation shows
// the years, not each year's count, which only the first page of all
// reports shows), and the build writes what a cold build writes.
func TestReportAddedKeepsPastYears(t *testing.T) {
	dir, content, cfg := fourYears(t)
	before := tree(t, cfg.Dest)
	testutil.WriteFiles(t, content, map[string]string{"incidents/2023/e.md": edgeReport("2023-06-01 e", "Echo", "")})
	mustBuild(t, cfg)
	after := tree(t, cfg.Dest)
	cold := cfg
	cold.Cache, cold.Cold, cold.Dest = nil, true, filepath.Join(dir, "cold")
	mustBuild(t, cold)
	sameTree(t, "a report added", tree(t, cold.Dest), after)
	for _, page := range []string{"years/2020/index.html", "years/2021/index.html", "years/2022/index.html"} {
		if before[page] == "" || before[page] != after[page] {
			t.Errorf("%s changed when a report was added in 2023", page)
		}
	}
	if before["years/2023/index.html"] == after["years/2023/index.html"] || before["incidents/index.html"] == after["incidents/index.html"] {
		t.Error("the pages that list the new report did not change")
	}
	if !strings.Contains(after["incidents/index.html"], `<span class="count">2</span>`) {
		t.Error("the first page of all reports does not count 2023's two reports")
	}
}
