package generator

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// cacheArchive is testArchive with two reports alike enough for repeat
// detection to list one under the other, so that the repeats entry of the
// cache holds something.
func cacheArchive() map[string]string {
	files := maps.Clone(testArchive)
	files["incidents/2020/2020-05-01-cache.md"] = "---\nid: 2020-05-01 cache\ntitle: Cache cluster ran out of memory\nstart: 2020-05-01 10:00\nend: 2020-05-01 11:00\nservices: [memcached, mw-api]\ncauses: [memory-leak]\n---\n## Summary\n\nThe memcached pods leaked memory until the kernel killed them.\n"
	files["incidents/2021/2021-06-01-cache.md"] = "---\nid: 2021-06-01 cache\ntitle: Cache cluster ran out of memory again\nstart: 2021-06-01 10:00\nend: 2021-06-01 12:00\nservices: [memcached]\ncauses: [memory-leak]\n---\n## Summary\n\nThe memcached pods leaked memory again until the kernel killed them.\n"
	return files
}

// tree reads every file of a built site except the manifest, whose
// modification times differ between two builds of the same content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == publish.ManifestName {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for rel, w := range want {
		g, ok := got[rel]
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, rel)
		case g != w:
			t.Errorf("%s: %s differs from the cold build: %s", what, rel, firstDiff(w, g))
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: %s is not in the cold build", what, rel)
		}
	}
}

// TestCachedBuildMatchesCold edits the archive step by step and, after
// each edit, builds once with the cache and once without: the two sites
// must be byte for byte the same, and a second cached build must find
// nothing to do.
func TestCachedBuildMatchesCold(t *testing.T) {
	dir := writeArchive(t, cacheArchive())
	content := filepath.Join(dir, "content")
	cache := buildcache.Open(filepath.Join(dir, "cache", "build"), "test program")
	layouts := filepath.Join(dir, "layouts")
	testutil.WriteFiles(t, layouts, map[string]string{"static/extra.css": "p { color: red }\n"})
	warm := Config{Source: content, Dest: filepath.Join(dir, "warm"), Version: "test", Cache: cache, SearchIndex: filepath.Join(dir, "cache", "search"), Layouts: layouts}
	build := func(cfg Config) *Result {
		t.Helper()
		res, err := Build(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		return res
	}
	write := func(files map[string]string) { testutil.WriteFiles(t, content, files) }
	steps := []struct {
		name string
		edit func()
	}{
		{"first build", func() {}},
		{"a body edited", func() {
			write(map[string]string{"incidents/2021/2021-06-01-cache.md": strings.Replace(cacheArchive()["incidents/2021/2021-06-01-cache.md"], "again until", "again, for the second time, until", 1)})
		}},
		{"a report added", func() {
			write(map[string]string{"incidents/2022/new.md": "---\nid: 2022-01-01 new\ntitle: Memcached leaked memory a third time\nstart: 2022-01-01\nservices: [memcached]\nrelated: [2021-06-01 cache]\n---\nLike 2020-05-01 cache.\n"})
		}},
		{"a title changed", func() {
			write(map[string]string{"incidents/2020/2020-05-01-cache.md": strings.Replace(cacheArchive()["incidents/2020/2020-05-01-cache.md"], "title: Cache cluster", "title: The cache cluster", 1)})
		}},
		{"a report deleted", func() {
			if err := os.Remove(filepath.Join(content, "incidents/2022/new.md")); err != nil {
				t.Fatal(err)
			}
			write(map[string]string{"incidents/2021/2021-06-01-cache.md": cacheArchive()["incidents/2021/2021-06-01-cache.md"]})
		}},
		{"a layout file changed", func() {
			testutil.WriteFiles(t, layouts, map[string]string{"static/extra.css": "p { color: blue }\n"})
		}},
		{"site.yaml changed", func() {
			write(map[string]string{"site.yaml": strings.Replace(testArchive["site.yaml"], "title: Test archive", "title: Renamed archive", 1) + "repeats:\n  likely: 0.3\n"})
		}},
		// tasks.json alone: its states show beside the task links, those
		// of the cached bodies' prose included.
		{"a task named in prose", func() {
			write(map[string]string{"incidents/2021/2021-06-01-cache.md": cacheArchive()["incidents/2021/2021-06-01-cache.md"] + "\nT97204 tracks the fix.\n"})
		}},
		{"tasks.json added", func() {
			write(map[string]string{"tasks.json": `{"synced":"2026-03-01T00:00:00Z","tracker":"offline","tasks":[` + "\n" + `{"id":"T97204","state":"open","created":"2026-02-23T00:00:00Z"}` + "\n]}\n"})
		}},
		{"tasks.json changed", func() {
			write(map[string]string{"tasks.json": `{"synced":"2026-03-02T00:00:00Z","tracker":"offline","tasks":[` + "\n" + `{"id":"T97204","state":"resolved","created":"2026-02-23T00:00:00Z","closed":"2026-03-01T00:00:00Z"}` + "\n]}\n"})
		}},
		{"tasks.json removed", func() {
			if err := os.Remove(filepath.Join(content, "tasks.json")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for i, step := range steps {
		step.edit()
		first := build(warm)
		if first.Unchanged && i > 0 {
			t.Errorf("%s: the build after an edit claims nothing changed", step.name)
		}
		cold := warm
		cold.Cache, cold.Cold, cold.SearchIndex = nil, true, ""
		cold.Dest = filepath.Join(dir, "cold", step.name)
		build(cold)
		sameTree(t, step.name, tree(t, cold.Dest), tree(t, warm.Dest))
		again := build(warm)
		if !again.Unchanged || again.Changed != 0 {
			t.Errorf("%s: a second build with nothing changed did work (unchanged %v, %d files written)", step.name, again.Unchanged, again.Changed)
		}
		if again.Reports != first.Reports || again.Pages != first.Pages || again.Files != first.Files || len(again.Warnings) != len(first.Warnings) {
			t.Errorf("%s: unchanged build reports %+v, the build before %+v", step.name, again, first)
		}
		sameTree(t, step.name+", built again", tree(t, cold.Dest), tree(t, warm.Dest))
		if want, ok := map[string]string{
			"tasks.json added":   `>T97204</a> <span class="task-state open">open</span> tracks the fix.`,
			"tasks.json changed": `>T97204</a> <span class="task-state resolved">resolved 2026-03-01</span> tracks the fix.`,
		}[step.name]; ok && !strings.Contains(readPage(t, warm.Dest, "incidents/2021-06-01-cache/index.html"), want) {
			t.Errorf("%s: the report's prose lacks %s", step.name, want)
		}
	}
}

// TestDamagedCacheIsRebuilt damages the cache and the output in the ways
// a crash, a disk or a person can, and checks that each build notices,
// builds what a cold build does, and does not fail.
func TestDamagedCacheIsRebuilt(t *testing.T) {
	dir := writeArchive(t, cacheArchive())
	content := filepath.Join(dir, "content")
	cacheDir := filepath.Join(dir, "cache", "build")
	warm := Config{Source: content, Dest: filepath.Join(dir, "warm"), Version: "test", Cache: buildcache.Open(cacheDir, "test program")}
	cold := Config{Source: content, Dest: filepath.Join(dir, "cold"), Version: "test"}
	if _, err := Build(context.Background(), cold); err != nil {
		t.Fatal(err)
	}
	want := tree(t, cold.Dest)
	damage := func(t *testing.T, change func([]byte) []byte) {
		entries, err := os.ReadDir(cacheDir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) < 2 {
			t.Fatalf("the cache holds %d entries, want the site's and the repeats'", len(entries))
		}
		for _, e := range entries {
			p := filepath.Join(cacheDir, e.Name())
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, change(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tt := range []struct {
		name   string
		damage func(t *testing.T)
	}{
		{"truncated entries", func(t *testing.T) { damage(t, func(b []byte) []byte { return b[:len(b)/2] }) }},
		{"a flipped byte", func(t *testing.T) {
			damage(t, func(b []byte) []byte { b[len(b)/2] ^= 0x20; return b })
		}},
		{"garbage", func(t *testing.T) { damage(t, func([]byte) []byte { return []byte("not a cache entry") }) }},
		{"empty entries", func(t *testing.T) { damage(t, func([]byte) []byte { return nil }) }},
		{"another program's cache", func(t *testing.T) {
			// Entries written by another build of incidents.
			other := warm
			other.Cache = buildcache.Open(cacheDir, "another program")
			if _, err := Build(context.Background(), other); err != nil {
				t.Fatal(err)
			}
		}},
		{"an output file edited by hand", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(warm.Dest, "incidents", "index.html"), []byte("edited"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"an output file removed", func(t *testing.T) {
			if err := os.Remove(filepath.Join(warm.Dest, "feed.xml")); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file added to the output", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(warm.Dest, "stray.html"), []byte("stray"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Build(context.Background(), warm); err != nil {
				t.Fatal(err)
			}
			tt.damage(t)
			res, err := Build(context.Background(), warm)
			if err != nil {
				t.Fatalf("build over a damaged cache: %v", err)
			}
			if res.Unchanged {
				t.Error("the build trusted a damaged cache or output")
			}
			sameTree(t, tt.name, want, tree(t, warm.Dest))
		})
	}
}

// TestColdIgnoresTheCache: with Cold set, a build with nothing changed
// renders and writes the site anyway, and rebuilds the search index.
func TestColdIgnoresTheCache(t *testing.T) {
	dir := writeArchive(t, cacheArchive())
	cfg := Config{Source: filepath.Join(dir, "content"), Dest: filepath.Join(dir, "public"), Version: "test",
		Cache: buildcache.Open(filepath.Join(dir, "cache", "build"), "test program"), SearchIndex: filepath.Join(dir, "cache", "search")}
	for i := 0; i < 2; i++ {
		if _, err := Build(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Cold = true
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || !res.Index.Rebuilt {
		t.Errorf("a cold build used the cache: unchanged %v, index rebuilt %v", res.Unchanged, res.Index.Rebuilt)
	}
	cfg.Cold = false
	if res, err := Build(context.Background(), cfg); err != nil || !res.Unchanged {
		t.Errorf("the build after a cold one: %v, unchanged %v; the cold build should have refreshed the cache", err, res != nil && res.Unchanged)
	}
}

// TestNewDayRebuilds: the trend pages are computed for the build's day,
// so a build on the next day, with nothing else changed, is not skipped.
func TestNewDayRebuilds(t *testing.T) {
	dir := writeArchive(t, cacheArchive())
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cfg := Config{Source: filepath.Join(dir, "content"), Dest: filepath.Join(dir, "public"), Version: "test",
		Cache: buildcache.Open(filepath.Join(dir, "cache", "build"), "test program"), Now: day}
	for _, tt := range []struct {
		name      string
		now       time.Time
		unchanged bool
	}{
		{"first build", day, false},
		{"the same day", day.Add(11 * time.Hour), true},
		{"the next day", day.Add(12 * time.Hour), false},
		{"the next day again", day.Add(13 * time.Hour), true},
	} {
		cfg.Now = tt.now
		res, err := Build(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if res.Unchanged != tt.unchanged {
			t.Errorf("%s: unchanged %v, want %v", tt.name, res.Unchanged, tt.unchanged)
		}
	}
}

// TestServeSettingsInTheCacheKey: Builder.SearchAPI and Builder.Local
// change the site, so a Builder's first build after a plain build of the
// same content into the same folder builds again rather than keep pages
// whose search form asks the static index.
func TestServeSettingsInTheCacheKey(t *testing.T) {
	dir := writeArchive(t, cacheArchive())
	cfg := Config{Source: filepath.Join(dir, "content"), Dest: filepath.Join(dir, "public"), Version: "test", Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program")}
	ctx := context.Background()
	if _, err := Build(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	plain, err := inputKey(ctx, cfg, hooks{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []hooks{{searchAPI: "/api/search"}, {local: true}} {
		if k, err := inputKey(ctx, cfg, h); err != nil || k == plain {
			t.Errorf("%+v: the key of a plain build (%v)", h, err)
		}
	}
	b := NewBuilder()
	b.SearchAPI, b.Local = "/api/search", true
	res, err := b.Build(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(cfg.Dest, "search", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || !strings.Contains(string(page), `data-api="/api/search"`) {
		t.Errorf("serve's build was skipped as unchanged (%v), or its search page does not ask the API", res.Unchanged)
	}
}
