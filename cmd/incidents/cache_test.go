package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/incidents-archive/incidents/generator/cachedir"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/testutil"
)

const oneReport = "---\nid: 2026-01-01 a\ntitle: A disk filled up\nstart: 2026-01-01\n---\nThe log volume filled up overnight.\n"

// TestCacheFolderIsOwned: a cache folder holding what incidents did not
// write is refused (exit 2, saying why and what to do), and nothing in it
// changes; an empty or new folder is marked and used. Before, a cache
// folder holding a search/ had it deleted and replaced by the index.
func TestCacheFolderIsOwned(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // in the cache folder
		want  string
	}{
		{"notes", map[string]string{"notes.txt": "mine\n"}, "it holds notes.txt"},
		{"a Go package named search", map[string]string{"search/index.go": "package search\n"}, "it holds search (not shaped as a bleve index)"},
		{"a build folder of scripts", map[string]string{"build/release.sh": "#!/bin/sh\n"}, "it holds build (release.sh is not a cache entry)"},
		{"a serve folder of code", map[string]string{"serve/main.go": "package main\n"}, "it holds serve (no .incidents-output in it)"},
		{"a lock file with something in it", map[string]string{".serve.lock": "hello\n"}, "it holds .serve.lock (not an empty file)"},
		{"an index leftover of notes", map[string]string{"search.old/notes": "x"}, "it holds search.old (not shaped as a bleve index)"},
		{"our names and another", map[string]string{"search.old/store/000000000002.zap": "", "photos/cat.jpg": "meow"}, "it holds photos ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport})
			cache := filepath.Join(dir, "cache")
			testutil.WriteFiles(t, cache, tt.files)
			before := snapshot(t, cache)
			for _, args := range [][]string{
				{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", cache},
				{"build", "--no-search-index", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", cache},
				{"serve", "--port", "0", "-s", filepath.Join(dir, "content"), "--cache-dir", cache},
				{"search", "--cache-dir", cache, "disk"},
			} {
				checkRun(t, args, 2, nil, []string{"--cache-dir: " + cache + " is not a cache folder of incidents: " + tt.want, "give another --cache-dir, or remove this folder yourself"})
			}
			if diff := compareSnapshot(t, cache, before); diff != "" {
				t.Error(diff)
			}
			if len(snapshot(t, cache)) != len(before) {
				t.Error("files were added to the cache folder")
			}
			if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
				t.Error("the site was built")
			}
		})
	}

	t.Run("a file", func(t *testing.T) {
		dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport, "cache": "a file\n"})
		checkRun(t, []string{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, "cache")}, 2, nil, []string{"it is not a folder"})
	})
	t.Run("a marker that is a link", func(t *testing.T) {
		dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport, "cache/notes": "mine\n", "elsewhere": ""})
		os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "cache", cachedir.Marker))
		checkRun(t, []string{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, "cache")}, 2, nil, []string{"is not a cache folder"})
	})
	for _, name := range []string{"empty", "new/deeper"} {
		t.Run(name, func(t *testing.T) {
			dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport})
			cache := filepath.Join(dir, name)
			os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
			checkRun(t, []string{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", cache}, 0, []string{"Search index built from scratch"}, nil)
			if data, err := os.ReadFile(filepath.Join(cache, cachedir.Marker)); err != nil || !strings.Contains(string(data), "incidents") {
				t.Errorf("no marker: %v", err)
			}
		})
	}
}

// TestEarlierCacheIsAdopted: the cache folder of a version that wrote no
// marker (search/, build/, serve/, the spare and lock beside it, a
// leftover of a rebuild) is recognised by its contents, marked and used:
// the index is updated in place, not rebuilt.
func TestEarlierCacheIsAdopted(t *testing.T) {
	dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport})
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, ".cache")
	checkRun(t, []string{"build", "-s", content, "-d", filepath.Join(dir, "public"), "--cache-dir", cache}, 0, nil, nil)
	// Make it what an earlier version left: no marker, no index lock, and
	// serve's output beside the rest.
	for _, p := range []string{cachedir.Marker, ".search.lock"} {
		if err := os.Remove(filepath.Join(cache, p)); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WriteFiles(t, cache, map[string]string{
		"serve/" + publish.Marker:        "x",
		"serve/index.html":               "<p>preview</p>",
		".serve.spare/" + publish.Marker: "x",
		".serve.lock":                    "",
	})
	os.MkdirAll(filepath.Join(cache, "search.old", "store"), 0o755)

	testutil.WriteFiles(t, dir, map[string]string{"content/incidents/b.md": strings.Replace(oneReport, "01 a", "02 b", 1)})
	_, stderr := checkRun(t, []string{"build", "-s", content, "-d", filepath.Join(dir, "public"), "--cache-dir", cache}, 0,
		[]string{"Search index 1 indexed, 0 removed, 1 unchanged"}, []string{"marked " + cache + " as the cache folder"})
	if strings.Contains(stderr, "rebuilding") {
		t.Errorf("the index was rebuilt:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(cache, cachedir.Marker)); err != nil {
		t.Error(err)
	}
	if data, err := os.ReadFile(filepath.Join(cache, "serve", "index.html")); err != nil || string(data) != "<p>preview</p>" {
		t.Errorf("serve/ changed: %v", err)
	}
}

// waitFor polls until cond holds, failing after a minute: several times
// what the slowest step here (a build of a few reports) takes on a loaded
// machine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runAsync runs a command in this process in the background.
func runAsync(args []string) (done chan int, stdout, stderr *lockedBuffer) {
	done, stdout, stderr = make(chan int, 1), &lockedBuffer{}, &lockedBuffer{}
	go func() { done <- run(context.Background(), args, stdout, stderr) }()
	return done, stdout, stderr
}

// TestSecondBuildWaits: a build that finds another updating the search
// index waits for it, saying for whom, then updates the index itself. Two
// builds at once used to race on the index, and one failed with
// "metadata missing".
func TestSecondBuildWaits(t *testing.T) {
	dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport})
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, ".cache")
	build := []string{"build", "-s", content, "-d", filepath.Join(dir, "public"), "--cache-dir", cache}
	checkRun(t, build, 0, nil, nil)
	testutil.WriteFiles(t, dir, map[string]string{"content/incidents/b.md": strings.Replace(oneReport, "01 a", "02 b", 1)})

	other, _, err := cachedir.TryLock(filepath.Join(cache, ".search.lock"), cachedir.Holder{PID: 4242, Command: "build", Source: "/srv/reports"})
	if err != nil || other == nil {
		t.Fatalf("taking the lock: %v", err)
	}
	done, stdout, stderr := runAsync(build)
	waiting := "incidents build: waiting for incidents build (pid 4242, content folder /srv/reports), which is updating the search index in " + filepath.Join(cache, "search")
	waitFor(t, "the build to say it waits", func() bool {
		select {
		case code := <-done:
			t.Fatalf("the build did not wait (exit %d):\n%s%s", code, stdout, stderr)
		default:
		}
		return strings.Contains(stderr.String(), waiting)
	})
	time.Sleep(200 * time.Millisecond) // two polls of the lock
	select {
	case <-done:
		t.Fatal("the build finished while the lock was held")
	default:
	}
	other.Release()
	var code int
	waitFor(t, "the build to finish", func() bool {
		select {
		case code = <-done:
			return true
		default:
			return false
		}
	})
	if code != 0 || !strings.Contains(stdout.String(), "Search index 1 indexed, 0 removed, 1 unchanged") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
}

// TestTwoBuildsAtOnce: two builds into a new cache folder at the same
// time both succeed, one after the other on the index. One used to fail
// with "the site is built, but its search index is not: ... metadata
// missing": before the fix, one round of 60 reports failed 6 times in 6
// on a loaded 2-core machine.
func TestTwoBuildsAtOnce(t *testing.T) {
	for round := range 2 {
		dir := t.TempDir()
		content := testutil.SyntheticArchive(t, dir, 60, uint64(round))
		cache := filepath.Join(dir, ".cache")
		var wg sync.WaitGroup
		outs := make([]string, 2)
		codes := make([]int, 2)
		for i := range 2 {
			wg.Go(func() {
				var out lockedBuffer
				codes[i] = run(context.Background(), []string{"build", "-s", content, "-d", filepath.Join(dir, "public"+string(rune('a'+i))), "--cache-dir", cache}, &out, &out)
				outs[i] = out.String()
			})
		}
		wg.Wait()
		for i := range 2 {
			// No warning about the index or the cache, each on a line of
			// its own ("warning:"); the synthetic reports' own warnings
			// are counted in one line.
			if codes[i] != 0 || strings.Contains(outs[i], "warning:") {
				t.Errorf("round %d, build %d: exit %d:\n%s", round, i, codes[i], outs[i])
			}
		}
		checkRun(t, []string{"search", "--cache-dir", cache, "--limit", "1", "cluster"}, 0, []string{"r0"}, nil)
	}
}

// TestBuildLeavesServesIndex: while serve runs, it keeps the search index
// up to date itself; a build on the same cache folder leaves the index
// alone and says so, and incidents search still answers. The build used
// to say "could not be opened (timeout); rebuilding it" and rebuild the
// index under serve.
func TestBuildLeavesServesIndex(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/site.yaml":      "title: Served\n",
		"content/incidents/a.md": oneReport,
	})
	srv := startServe(t, dir)
	cache := filepath.Join(dir, ".cache")
	before, err := os.Stat(filepath.Join(cache, "search", "store", "root.bolt"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := checkRun(t, []string{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "site"), "--cache-dir", cache}, 0,
		[]string{"Search index left as it is: it is in use by incidents serve (pid ", "which keeps it up to date itself"}, nil)
	if strings.Contains(stdout+stderr, "rebuilding") || strings.Contains(stdout+stderr, "timeout") {
		t.Errorf("the build touched serve's index:\n%s%s", stdout, stderr)
	}
	after, err := os.Stat(filepath.Join(cache, "search", "store", "root.bolt"))
	if err != nil || !os.SameFile(before, after) {
		t.Errorf("the index was replaced (%v)", err)
	}
	checkRun(t, []string{"search", "--cache-dir", cache, "disk"}, 0, []string{"A disk filled up"}, nil)
	if code, body := srv.get("/api/search?q=disk"); code != 200 || !strings.Contains(body, `"total":1`) {
		t.Errorf("/api/search after the build: %d %s", code, body)
	}
	// A second serve on the same cache folder is refused, naming the first.
	checkRun(t, []string{"serve", "--port", "0", "-s", filepath.Join(dir, "content"), "--cache-dir", cache}, 1, nil,
		[]string{"the cache folder " + cache + " is in use by incidents serve (pid ", "give this one another --cache-dir"})
	srv.stop()
	// With serve gone, a build updates the index again.
	testutil.WriteFiles(t, dir, map[string]string{"content/incidents/b.md": strings.Replace(oneReport, "01 a", "02 b", 1)})
	checkRun(t, []string{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "site"), "--cache-dir", cache}, 0,
		[]string{"Search index 1 indexed, 0 removed, 1 unchanged"}, nil)
}

// TestSearchWaitsForAnUpdate: incidents search, finding the index locked
// for writing, waits for the update to end, saying for whom, then
// answers. It used to fail after a second with "timeout".
func TestSearchWaitsForAnUpdate(t *testing.T) {
	dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport})
	cache := filepath.Join(dir, ".cache")
	checkRun(t, []string{"build", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", cache}, 0, nil, nil)

	// What an update holds: the index lock, and bolt's lock on the index.
	lock, _, err := cachedir.TryLock(filepath.Join(cache, ".search.lock"), cachedir.Holder{PID: 4242, Command: "serve"})
	if err != nil || lock == nil {
		t.Fatalf("taking the lock: %v", err)
	}
	db, err := bolt.Open(filepath.Join(cache, "search", "store", "root.bolt"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done, stdout, stderr := runAsync([]string{"search", "--cache-dir", cache, "disk"})
	waitFor(t, "search to say it waits", func() bool {
		select {
		case code := <-done:
			t.Fatalf("search did not wait (exit %d):\n%s%s", code, stdout, stderr)
		default:
		}
		return strings.Contains(stderr.String(), "incidents search: waiting for incidents serve (pid 4242), which is updating the search index in "+filepath.Join(cache, "search"))
	})
	time.Sleep(1500 * time.Millisecond) // longer than a reader's own wait
	db.Close()
	lock.Release()
	var code int
	waitFor(t, "search to finish", func() bool {
		select {
		case code = <-done:
			return true
		default:
			return false
		}
	})
	if code != 0 || !strings.Contains(stdout.String(), "A disk filled up") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
}

// TestServeWaitsForABuild: serve, starting while a build updates the
// index, waits for it, saying so, then serves.
func TestServeWaitsForABuild(t *testing.T) {
	dir := writeContent(t, map[string]string{"content/incidents/a.md": oneReport})
	cache := filepath.Join(dir, ".cache")
	if _, err := cachedir.Claim(cache, nil); err != nil {
		t.Fatal(err)
	}
	lock, _, err := cachedir.TryLock(filepath.Join(cache, ".search.lock"), cachedir.Holder{PID: 4242, Command: "build"})
	if err != nil || lock == nil {
		t.Fatalf("taking the lock: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--port", "0", "-s", filepath.Join(dir, "content"), "--cache-dir", cache}, &stdout, &stderr)
	}()
	waitFor(t, "serve to say it waits", func() bool {
		select {
		case code := <-done:
			t.Fatalf("serve exited (%d):\n%s%s", code, stdout.String(), stderr.String())
		default:
		}
		return strings.Contains(stderr.String(), "incidents serve: waiting for incidents build (pid 4242), which is updating the search index in ")
	})
	if strings.Contains(stdout.String(), "Serving") {
		t.Fatal("serve served while the build held the index")
	}
	lock.Release()
	waitFor(t, "serve to serve", func() bool { return strings.Contains(stdout.String(), "Serving") })
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
}

// TestEachArchiveHasItsOwnIndex: without --cache-dir, each content folder
// has its own cache folder in .cache/, so building a second archive from
// the same working directory leaves the first one's search index as it
// was; the same folder written another way (absolute, through a link)
// finds the same cache; search finds each archive's index by --source;
// and an explicit --cache-dir is used as it is. Before, both archives
// shared .cache/search: the second build removed the first one's reports
// from it, and the next build of the first put them back.
func TestEachArchiveHasItsOwnIndex(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"one/incidents/a.md":      "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nThe quokka service fell over.\n",
		"two/site/incidents/b.md": "---\nid: 2026-01-02 b\ntitle: B\nstart: 2026-01-02\n---\nThe wombat queue filled up.\n",
	})
	if err := os.Symlink("one", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	url := "--base-url=https://incidents.example.org/"
	checkRun(t, []string{"build", url, "-s", "one", "-d", "public1"}, 0, []string{"Search index built from scratch with 1 report "}, nil)
	checkRun(t, []string{"build", url, "-s", "two/site", "-d", "public2"}, 0, []string{"Search index built from scratch with 1 report "}, nil)
	// The first archive's index is as it was: nothing to index again.
	checkRun(t, []string{"build", url, "-s", filepath.Join(dir, "link"), "-d", "public3"}, 0, []string{"Search index 0 indexed, 0 removed, 1 unchanged"}, nil)
	checkRun(t, []string{"search", "-s", "one", "quokka"}, 0, []string{"2026-01-01 a"}, nil)
	checkRun(t, []string{"search", "-s", "two/site", "wombat"}, 0, []string{"2026-01-02 b"}, nil)
	checkRun(t, []string{"search", "-s", "two/site", "quokka"}, 1, nil, []string{"No reports match."})
	entries, err := os.ReadDir(".cache")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 3 || names[0] != cachedir.Marker || !sourceCacheDir.MatchString(names[1]) || !strings.HasPrefix(names[1], "one-") || !strings.HasPrefix(names[2], "site-") {
		t.Errorf(".cache holds %q; want the marker and one folder for each content folder, one-… and site-…", names)
	}
	// An explicit --cache-dir is the cache folder itself, as before.
	checkRun(t, []string{"build", url, "-s", "one", "-d", "public4", "--cache-dir", "mine"}, 0, []string{"Search index built from scratch with 1 report in ", " → mine/search\n"}, nil)
	if _, err := os.Stat(filepath.Join("mine", "search", "index_meta.json")); err != nil {
		t.Errorf("--cache-dir mine: %v", err)
	}
}

// TestFlatCacheAdopted: the caches an earlier version kept straight in
// .cache/ (search/, build/, serve/) move into the cache folder of the
// first content folder built without --cache-dir, whose index is then
// updated in place, not built again; another content folder starts its
// own.
func TestFlatCacheAdopted(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nThe quokka service fell over.\n",
		"other/incidents/b.md":   "---\nid: 2026-01-02 b\ntitle: B\nstart: 2026-01-02\n---\nThe wombat queue filled up.\n",
	})
	t.Chdir(dir)
	url := "--base-url=https://incidents.example.org/"
	// As an earlier version wrote it: one cache folder, .cache itself.
	checkRun(t, []string{"build", url, "-d", "public", "--cache-dir", ".cache"}, 0, []string{"Search index built from scratch"}, nil)
	_, stderr := checkRun(t, []string{"build", url, "-d", "public"}, 0, []string{"Search index 0 indexed, 0 removed, 1 unchanged"},
		[]string{"incidents: moved the caches in .cache (search, build) into .cache" + string(filepath.Separator) + "content-"})
	if strings.Count(stderr, "\n") != 1 {
		t.Errorf("want one line about the move, got:\n%s", stderr)
	}
	for _, name := range flatEntries {
		if _, err := os.Lstat(filepath.Join(".cache", name)); err == nil {
			t.Errorf(".cache/%s is still there after the move:\n%s", name, stderr)
		}
	}
	checkRun(t, []string{"search", "quokka"}, 0, []string{"2026-01-01 a"}, nil)
	_, stderr = checkRun(t, []string{"build", url, "-s", "other", "-d", "public2"}, 0, []string{"Search index built from scratch with 1 report "}, nil)
	if strings.Contains(stderr, "moved") {
		t.Errorf("a second content folder moved caches again:\n%s", stderr)
	}
}
