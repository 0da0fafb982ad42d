package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/tasks"
)

// TestWatch makes the changes editors and people make and checks that
// each one arrives in a batch naming the file.
func TestWatch(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "incidents", "2026"), 0o755))
	report := filepath.Join(root, "incidents", "2026", "a.md")
	must(os.WriteFile(report, []byte("one"), 0o644))

	w, err := New([]string{root, filepath.Join(root, "missing")}, 20*time.Millisecond)
	must(err)
	ctx, cancel := context.WithCancel(context.Background())
	batches := make(chan []string, 16)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, func(b Batch) { batches <- b.Paths }) }()

	nested := filepath.Join(root, "incidents", "2027", "q1", "b.md")
	for _, tt := range []struct {
		name   string
		change func()
		want   string
	}{
		{"written in place", func() { must(os.WriteFile(report, []byte("two"), 0o644)) }, report},
		{"saved by rename (atomic save)", func() {
			tmp := report + ".tmp"
			must(os.WriteFile(tmp, []byte("three"), 0o644))
			must(os.Rename(tmp, report))
		}, report},
		{"saved the way vim does", func() {
			must(os.Rename(report, report+"~"))
			must(os.WriteFile(report, []byte("four"), 0o644))
			must(os.Remove(report + "~"))
		}, report},
		{"created in new folders", func() {
			must(os.MkdirAll(filepath.Dir(nested), 0o755))
			must(os.WriteFile(nested, []byte("new"), 0o644))
		}, nested},
		{"edited in a new folder", func() { must(os.WriteFile(nested, []byte("newer"), 0o644)) }, nested},
		{"deleted", func() { must(os.Remove(report)) }, report},
	} {
		tt.change()
		deadline := time.After(5 * time.Second)
	wait:
		for {
			select {
			case b := <-batches:
				if slices.Contains(b, tt.want) {
					break wait
				}
			case <-deadline:
				t.Fatalf("%s: no batch named %s", tt.name, tt.want)
			}
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// TestBatching: a burst of changes makes one batch.
func TestBatching(t *testing.T) {
	root := t.TempDir()
	w, err := New([]string{root}, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := make(chan []string, 16)
	go w.Run(ctx, func(b Batch) { batches <- b.Paths })
	for _, name := range []string{"a.md", "b.md", "c.md"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case b := <-batches:
		want := []string{filepath.Join(root, "a.md"), filepath.Join(root, "b.md"), filepath.Join(root, "c.md")}
		if !slices.Equal(b, want) {
			t.Errorf("batch %v, want %v", b, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no batch")
	}
}

// waitLimit bounds every wait for a batch. A healthy watcher reports in
// well under a second; the limit is many times that, for a loaded machine.
const waitLimit = 20 * time.Second

// running is a Watcher running in the background, with the batches it
// made.
type running struct {
	t       *testing.T
	w       *Watcher
	batches chan Batch
	seen    []Batch // every batch received so far
}

// start runs a watcher on roots until the test ends. poll, when not 0,
// replaces the period of the backstop check.
func start(t *testing.T, roots []string, window, poll time.Duration) *running {
	t.Helper()
	w, err := New(roots, window)
	if err != nil {
		t.Fatal(err)
	}
	if poll > 0 {
		w.poll = poll
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	r := &running{t: t, w: w, batches: make(chan Batch, 256)}
	go func() { done <- w.Run(ctx, func(b Batch) { r.batches <- b }) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitLimit):
			t.Error("Run did not stop")
		}
	})
	return r
}

// waitFor returns the first batch for which ok holds, failing the test
// when none comes in waitLimit.
func (r *running) waitFor(what string, ok func(Batch) bool) Batch {
	r.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case b := <-r.batches:
			r.seen = append(r.seen, b)
			if ok(b) {
				return b
			}
		case <-deadline:
			r.t.Fatalf("%s: no such batch in %v; batches seen: %+v", what, waitLimit, r.seen)
		}
	}
}

// named is a test for a batch naming path.
func named(path string) func(Batch) bool {
	return func(b Batch) bool { return slices.Contains(b.Paths, path) }
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(data), 0o644))
}

// copyTree copies the regular files and folders under from to to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	must(t, filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	}))
}

// relink points the link at path to target the way `ln -sfn` does: a new
// link renamed over the old one.
func relink(t *testing.T, target, path string) {
	t.Helper()
	tmp := path + ".new"
	must(t, os.Symlink(target, tmp))
	must(t, os.Rename(tmp, path))
}

// TestRootReplaced replaces a watched folder the ways people and tools do,
// and checks that the batch says so and that edits in the new folder are
// seen after, while edits in an old folder moved aside are not reported
// as the new one's.
func TestRootReplaced(t *testing.T) {
	for _, tt := range []struct {
		name string
		// setup makes the folders under dir and returns the roots to
		// watch; the first is the content folder.
		setup func(t *testing.T, dir string) []string
		// replace replaces a root and returns the one it replaced.
		replace func(t *testing.T, dir string) (replaced string)
		// stale, when the old folder lives on, is a file in it (under
		// dir) written after the replacement is seen, and staleAs the
		// name under the root it must not be reported as.
		stale, staleAs string
	}{
		{
			name: "removed and copied back",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "content", "incidents", "2026", "a.md"), "one")
				copyTree(t, filepath.Join(dir, "content"), filepath.Join(dir, "backup"))
				return []string{filepath.Join(dir, "content")}
			},
			replace: func(t *testing.T, dir string) string {
				must(t, os.RemoveAll(filepath.Join(dir, "content")))
				copyTree(t, filepath.Join(dir, "backup"), filepath.Join(dir, "content"))
				return filepath.Join(dir, "content")
			},
		},
		{
			name: "moved aside and made again",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "content", "incidents", "2026", "a.md"), "one")
				return []string{filepath.Join(dir, "content")}
			},
			replace: func(t *testing.T, dir string) string {
				content := filepath.Join(dir, "content")
				must(t, os.Rename(content, content+".old"))
				writeFile(t, filepath.Join(content, "incidents", "2026", "a.md"), "two")
				return content
			},
			stale:   "content.old/incidents/2026/stale.md",
			staleAs: "content/incidents/2026/stale.md",
		},
		{
			name: "link retargeted",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "v1", "incidents", "2026", "a.md"), "one")
				writeFile(t, filepath.Join(dir, "v2", "incidents", "2026", "a.md"), "two")
				must(t, os.Symlink("v1", filepath.Join(dir, "content")))
				return []string{filepath.Join(dir, "content")}
			},
			replace: func(t *testing.T, dir string) string {
				relink(t, "v2", filepath.Join(dir, "content"))
				return filepath.Join(dir, "content")
			},
			stale:   "v1/incidents/2026/stale.md",
			staleAs: "content/incidents/2026/stale.md",
		},
		{
			name: "link removed and made again",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "v1", "incidents", "2026", "a.md"), "one")
				writeFile(t, filepath.Join(dir, "v2", "incidents", "2026", "a.md"), "two")
				must(t, os.Symlink("v1", filepath.Join(dir, "content")))
				return []string{filepath.Join(dir, "content")}
			},
			replace: func(t *testing.T, dir string) string {
				must(t, os.Remove(filepath.Join(dir, "content")))
				must(t, os.Symlink("v2", filepath.Join(dir, "content")))
				return filepath.Join(dir, "content")
			},
			stale:   "v1/incidents/2026/stale.md",
			staleAs: "content/incidents/2026/stale.md",
		},
		{
			name: "linked incidents folder retargeted",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "content", "site.yaml"), "title: x\n")
				writeFile(t, filepath.Join(dir, "reports1", "2026", "a.md"), "one")
				writeFile(t, filepath.Join(dir, "reports2", "2026", "a.md"), "two")
				must(t, os.Symlink(filepath.Join("..", "reports1"), filepath.Join(dir, "content", "incidents")))
				content := filepath.Join(dir, "content")
				return []string{content, filepath.Join(content, "incidents"), filepath.Join(content, "pages")}
			},
			replace: func(t *testing.T, dir string) string {
				incidents := filepath.Join(dir, "content", "incidents")
				relink(t, filepath.Join("..", "reports2"), incidents)
				return incidents
			},
			stale:   "reports1/2026/stale.md",
			staleAs: "content/incidents/2026/stale.md",
		},
		{
			name: "incidents folder removed and copied back",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "content", "incidents", "2026", "a.md"), "one")
				copyTree(t, filepath.Join(dir, "content", "incidents"), filepath.Join(dir, "backup"))
				content := filepath.Join(dir, "content")
				return []string{content, filepath.Join(content, "incidents"), filepath.Join(content, "pages")}
			},
			replace: func(t *testing.T, dir string) string {
				incidents := filepath.Join(dir, "content", "incidents")
				must(t, os.RemoveAll(incidents))
				copyTree(t, filepath.Join(dir, "backup"), incidents)
				return incidents
			},
		},
		{
			name: "layouts folder moved aside and made again",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, filepath.Join(dir, "content", "incidents", "2026", "a.md"), "one")
				writeFile(t, filepath.Join(dir, "layouts", "base.html"), "one")
				return []string{filepath.Join(dir, "content"), filepath.Join(dir, "layouts")}
			},
			replace: func(t *testing.T, dir string) string {
				layouts := filepath.Join(dir, "layouts")
				must(t, os.Rename(layouts, layouts+".old"))
				writeFile(t, filepath.Join(layouts, "base.html"), "two")
				return layouts
			},
			stale:   "layouts.old/stale.html",
			staleAs: "layouts/stale.html",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			roots := tt.setup(t, dir)
			r := start(t, roots, 20*time.Millisecond, 0)
			replaced := tt.replace(t, dir)
			r.waitFor("the replacement", func(b Batch) bool { return slices.Contains(b.Replaced, replaced) })
			if tt.stale != "" {
				writeFile(t, filepath.Join(dir, filepath.FromSlash(tt.stale)), "old")
			}
			// Edits in the new folder, in place and in a new sub-folder.
			for _, rel := range []string{"2026/a.md", "2027/q1/b.md"} {
				p := filepath.Join(replaced, filepath.FromSlash(rel))
				if filepath.Base(replaced) == "content" {
					p = filepath.Join(replaced, "incidents", filepath.FromSlash(rel))
				}
				writeFile(t, p, "edited")
				b := r.waitFor("an edit after the replacement", named(p))
				if len(b.Gone) != 0 && slices.Contains(b.Gone, roots[0]) {
					t.Errorf("batch %+v says the content folder is gone", b)
				}
			}
			// The edits came after the stale file was written: a batch
			// naming it would have come first.
			if tt.staleAs != "" {
				staleAs := filepath.Join(dir, filepath.FromSlash(tt.staleAs))
				for _, b := range r.seen {
					if slices.Contains(b.Paths, staleAs) {
						t.Errorf("a file written in the old folder was reported as %s", staleAs)
					}
				}
			}
		})
	}
}

// TestRootGone removes the watched folder, and checks that the batch says
// it is gone, and that it is watched again once it is back.
func TestRootGone(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	report := filepath.Join(content, "incidents", "a.md")
	writeFile(t, report, "one")
	r := start(t, []string{content}, 20*time.Millisecond, 0)
	must(t, os.RemoveAll(content))
	r.waitFor("the removal", func(b Batch) bool { return slices.Equal(b.Gone, []string{content}) })
	writeFile(t, report, "two")
	b := r.waitFor("the return", func(b Batch) bool { return slices.Contains(b.Replaced, content) })
	if len(b.Gone) != 0 {
		t.Errorf("batch %+v says a root is still gone", b)
	}
	writeFile(t, report, "three")
	r.waitFor("an edit after the return", named(report))
}

// TestPollBackstop retargets a link above the watched folder, which no
// watched folder sees: the periodic check must notice it.
func TestPollBackstop(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "v1", "content", "incidents", "a.md"), "one")
	writeFile(t, filepath.Join(dir, "v2", "content", "incidents", "a.md"), "two")
	must(t, os.Symlink("v1", filepath.Join(dir, "current")))
	content := filepath.Join(dir, "current", "content")
	r := start(t, []string{content}, 20*time.Millisecond, 50*time.Millisecond)
	relink(t, "v2", filepath.Join(dir, "current"))
	r.waitFor("the retargeted link", func(b Batch) bool { return slices.Contains(b.Replaced, content) })
	report := filepath.Join(content, "incidents", "a.md")
	writeFile(t, report, "edited")
	r.waitFor("an edit after the retarget", named(report))
	must(t, os.RemoveAll(content))
	r.waitFor("the removal", func(b Batch) bool { return slices.Contains(b.Gone, content) })
}

// TestRelativeRootInWorkingFolder watches "content" given relative to the
// working folder, whose parent is the working folder itself: the batches
// name paths as the root was given, and replacing the folder is seen.
func TestRelativeRootInWorkingFolder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, filepath.Join("content", "incidents", "a.md"), "one")
	r := start(t, []string{"content"}, 20*time.Millisecond, 0)
	// The working folder's other entries (the site being written beside
	// the content, say) make no batch.
	writeFile(t, filepath.Join("public", "index.html"), "site")
	must(t, os.RemoveAll("content"))
	writeFile(t, filepath.Join("content", "incidents", "b.md"), "two")
	r.waitFor("the replacement", func(b Batch) bool { return slices.Contains(b.Replaced, "content") })
	writeFile(t, filepath.Join("content", "incidents", "b.md"), "three")
	r.waitFor("an edit after the replacement", named(filepath.Join("content", "incidents", "b.md")))
	for _, b := range r.seen {
		for _, p := range b.Paths {
			if p != "content" && !strings.HasPrefix(p, "content"+string(filepath.Separator)) {
				t.Errorf("batch %+v names %s, outside the root", b, p)
			}
		}
	}
}

// TestCheckoutIsOneBatch rewrites many files with short pauses between
// them for longer than the window, the way a checkout of another branch
// does: they make one batch.
func TestCheckoutIsOneBatch(t *testing.T) {
	// The pauses are a hundredth of the window. A loaded machine can still
	// stall a write for longer than the window, which would split the
	// batch rightly: a trial with a stall of half the window is not
	// counted, and another is made.
	const window, pause, trials = time.Second, 10 * time.Millisecond, 4
	for trial := 1; ; trial++ {
		dir := t.TempDir()
		r := start(t, []string{dir}, window, 0)
		var want []string
		var stall time.Duration
		began, last := time.Now(), time.Now()
		for i := 0; time.Since(began) < window*3/2; i++ {
			p := filepath.Join(dir, "incidents", fmt.Sprintf("r%03d.md", i))
			writeFile(t, p, "x")
			want = append(want, p)
			stall = max(stall, time.Since(last))
			last = time.Now()
			time.Sleep(pause)
		}
		b := r.waitFor("the checkout", func(Batch) bool { return true })
		if stall >= window/2 {
			if trial == trials {
				t.Fatalf("every trial stalled for half the window (%v); the last for %v", window/2, stall)
			}
			t.Logf("trial %d stalled for %v: another", trial, stall)
			continue
		}
		for _, p := range want {
			if !slices.Contains(b.Paths, p) {
				t.Fatalf("the first batch lacks %s (it has %d of %d paths): the checkout was split", p, len(b.Paths), len(want)+1)
			}
		}
		return
	}
}

// TestTasksJSON: content/tasks.json, which `incidents tasks sync` writes
// through a hidden temporary file renamed over it, is seen as changed,
// by its own name.
func TestTasksJSON(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, tasks.FileName)
	f := &tasks.File{Tracker: "offline", Tasks: []tasks.Task{{ID: "T1", State: tasks.Open}}}
	must(t, f.Write(path))
	r := start(t, []string{root}, 20*time.Millisecond, 0)
	f.Tasks[0].State = tasks.Resolved
	must(t, f.Write(path))
	r.waitFor("tasks.json rewritten", named(path))
}
