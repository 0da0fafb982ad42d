// Package watch reports changes to files under a set of folders, in
// batches, for the live preview of `incidents serve`.
//
// It watches every folder beneath the roots (new folders as they appear,
// since inotify watches one folder, not a tree) rather than single files,
// so that editors that save by writing a new file and renaming it over the
// old one (vim, and every editor's "atomic save"), and files created or
// deleted, are all seen as changes to a name in a watched folder. Events
// are gathered until the changes pause for a short window, which turns an
// editor's burst of create, write, rename and chmod, or a checkout that
// rewrites many files, into one rebuild.
//
// A root itself can be replaced: removed and copied back, moved aside and
// made again, or, when it is a symbolic link, pointed somewhere else.
// inotify watches follow a folder, not its name, so the watches of the old
// folder would go on reporting (or silently stop) while the new one went
// unwatched. The watcher therefore also watches each root's parent for
// events naming the root, and checks each root's identity (the folder its
// name leads to, through links) after every event naming it, on every
// batch, and every few seconds as a backstop for changes no watched folder
// sees (a link further up the path retargeted). When a root is another
// folder than before, its old watches are dropped and the new folder is
// watched; when it is gone, the batch says so, and it is watched again
// when it comes back.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultWindow is how long the changes must pause for a batch to end.
const DefaultWindow = 100 * time.Millisecond

// maxWindows bounds a batch: one that has gathered events for this many
// windows ends even if the changes go on, so that a file rewritten
// without pause still gets rebuilt.
const maxWindows = 20

// DefaultPoll is how often the roots are checked for having been replaced
// when no event says so.
const DefaultPoll = 2 * time.Second

// Batch is one batch of changes.
type Batch struct {
	// Paths are the changed paths, sorted and without repeats. "" means
	// that events were lost: anything may have changed.
	Paths []string
	// Replaced are the roots that lead to another folder than before (a
	// folder removed and made again, moved aside and replaced, a link
	// retargeted, a root back after being gone), sorted; they are watched
	// anew, and anything under them may have changed.
	Replaced []string
	// Gone are the roots that do not exist, or are not folders, as the
	// batch ends; they are watched again when they come back.
	Gone []string
}

// Watcher watches folder trees.
type Watcher struct {
	w        *fsnotify.Watcher
	window   time.Duration
	poll     time.Duration
	cwd      string
	roots    []*root                // outer roots before the roots inside them
	trees    map[string]bool        // the folders watched as part of a root's tree, by clean name
	parents  map[string]fs.FileInfo // the parents of the outer roots watched, by absolute path
	pending  map[string]bool        // the changed paths of the batch being gathered
	replaced map[string]bool        // roots replaced in the batch being gathered
}

// root is one of the folders the caller asked to watch.
type root struct {
	name  string // as the caller gave it, cleaned
	abs   string
	inner bool        // inside another root: that root's parent watch and tree cover it
	id    fs.FileInfo // the folder the name led to when last checked; nil when it was missing
}

// New watches every folder under each root. A root may be a symbolic
// link to a folder, which is followed, as is a root inside another one
// (the content folder's incidents/, say) when it is a link; no other link
// is followed. A root that does not exist is watched for from its parent.
// window is how long the changes must pause for a batch to end
// (DefaultWindow when 0).
func New(roots []string, window time.Duration) (*Watcher, error) {
	if window <= 0 {
		window = DefaultWindow
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("watching for changes: %w", err)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching for changes: %w", err)
	}
	w := &Watcher{w: fw, window: window, poll: DefaultPoll, cwd: cwd,
		trees: map[string]bool{}, parents: map[string]fs.FileInfo{}, pending: map[string]bool{}, replaced: map[string]bool{}}
	for _, name := range roots {
		name = filepath.Clean(name)
		w.roots = append(w.roots, &root{name: name, abs: w.abs(name)})
	}
	sort.SliceStable(w.roots, func(i, j int) bool { return len(w.roots[i].abs) < len(w.roots[j].abs) })
	for i, r := range w.roots {
		for _, outer := range w.roots[:i] {
			if within(r.abs, outer.abs) {
				r.inner = true
			}
		}
	}
	for _, r := range w.roots {
		if r.inner {
			if info, err := os.Stat(r.name); err == nil && info.IsDir() {
				r.id = info // watched with the outer root's tree
			}
			continue
		}
		w.watchParent(r)
		info, err := os.Stat(r.name)
		if err != nil || !info.IsDir() {
			continue
		}
		r.id = info
		if _, err := w.addTree(r.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

// abs is name as an absolute path, from the working folder New started in.
func (w *Watcher) abs(name string) string {
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(w.cwd, name)
}

// within reports whether p is folder dir or under it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// rootNamed is the root that name is, or nil.
func (w *Watcher) rootNamed(name string) *root {
	abs := w.abs(name)
	for _, r := range w.roots {
		if r.abs == abs {
			return r
		}
	}
	return nil
}

// watchParent watches the folder that holds root r, for r being made,
// removed or replaced, unless that folder is already watched as itself.
// A parent that cannot be watched (not readable, say) is left to the
// periodic check.
func (w *Watcher) watchParent(r *root) {
	parent := filepath.Dir(r.abs)
	if parent == r.abs {
		return // the filesystem's root has no parent
	}
	info, err := os.Stat(parent)
	if err != nil {
		return
	}
	if old, ok := w.parents[parent]; ok {
		if os.SameFile(old, info) {
			return
		}
		_ = w.w.Remove(parent) // the old folder's watch, if it is alive
		delete(w.parents, parent)
	}
	if w.w.Add(parent) == nil {
		w.parents[parent] = info
	}
}

// addTree watches dir and every folder under it, and returns the files it
// found there: a folder created by a move or by "mkdir -p; write" may
// already hold files whose events came before the watch. dir itself is
// followed if it is a link; under it, only the links that are roots are.
func (w *Watcher) addTree(dir string) ([]string, error) {
	var files []string
	var walk func(dir string) error
	walk = func(dir string) error {
		// Watch before reading, so that an entry made in between is
		// either read or reported.
		if err := w.w.Add(dir); err != nil {
			return fmt.Errorf("watching %s: %w", dir, err)
		}
		w.trees[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			follow := e.IsDir()
			if e.Type()&fs.ModeSymlink != 0 && w.rootNamed(p) != nil {
				info, err := os.Stat(p)
				follow = err == nil && info.IsDir()
			}
			if !follow {
				files = append(files, p)
				continue
			}
			if err := walk(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err // a folder gone while walking is not an error
			}
		}
		return nil
	}
	err := walk(filepath.Clean(dir))
	return files, err
}

// unwatch stops watching the folders of the trees under dir (dir
// included): they may be another folder than their name leads to now.
func (w *Watcher) unwatch(dir string) {
	dir = w.abs(dir)
	for p := range w.trees {
		if within(w.abs(p), dir) {
			_ = w.w.Remove(p) // fails for a watch the kernel already dropped
			delete(w.trees, p)
		}
	}
}

// check compares root r with the folder its name leads to now and, when
// they differ, watches the new folder (or notes that r is gone). It
// reports whether anything changed.
func (w *Watcher) check(r *root) bool {
	info, err := os.Stat(r.name)
	present := err == nil && info.IsDir()
	same := present && r.id != nil && os.SameFile(r.id, info)
	switch {
	case !present && r.id == nil:
		return false
	case same && w.watched(r):
		return false
	}
	w.unwatch(r.name)
	r.id = nil
	if present {
		r.id = info
		if !r.inner || w.trees[filepath.Dir(r.name)] {
			// The files it holds are not listed: Replaced says that
			// anything under it may have changed. A folder gone again
			// is seen by the next check.
			_, _ = w.addTree(r.name)
		}
	}
	w.forgetInner(r)
	if same && !w.watched(r) {
		// The same folder, which could not be watched again (no watches
		// left, say): not reported as replaced at every check.
		return false
	}
	w.pending[r.name] = true
	if present {
		w.replaced[r.name] = true
	}
	return true
}

// watched reports whether root r's folder is watched as it should be: an
// inner root is watched with its parent's tree, if that is watched.
func (w *Watcher) watched(r *root) bool {
	return w.trees[r.name] || r.inner && !w.trees[filepath.Dir(r.name)]
}

// forgetInner notes again the folders of the roots inside r, which its
// tree (watched anew, or no longer) covers.
func (w *Watcher) forgetInner(r *root) {
	for _, in := range w.roots {
		if in != r && within(in.abs, r.abs) {
			in.id = nil
			if info, err := os.Stat(in.name); err == nil && info.IsDir() {
				in.id = info
			}
		}
	}
}

// checkAll checks every root, outer ones first, and every outer root's
// parent. It reports whether anything changed.
func (w *Watcher) checkAll() bool {
	changed := false
	for _, r := range w.roots {
		if !r.inner {
			w.watchParent(r)
		}
		if w.check(r) {
			changed = true
		}
	}
	return changed
}

// Close stops watching; Run does so when it returns. Closing twice, or
// after Run, does nothing.
func (w *Watcher) Close() error { return w.w.Close() }

// Run calls changed with each batch of changes until ctx is done, then
// stops watching. changed runs on Run's goroutine: events that arrive
// meanwhile make the next batch. Run returns nil when ctx ends it.
func (w *Watcher) Run(ctx context.Context, changed func(Batch)) error {
	defer w.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var first time.Time // when the batch being gathered began; zero when none is
	poll := time.NewTicker(w.poll)
	defer poll.Stop()
	more := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		wait := min(w.window, first.Add(maxWindows*w.window).Sub(now))
		timer.Reset(max(wait, 0))
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.w.Events:
			if !ok {
				return nil
			}
			if w.event(ev) {
				more()
			}
		case err, ok := <-w.w.Errors:
			if !ok {
				return nil
			}
			// An overflowed event queue loses events: say that everything
			// may have changed.
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.pending[""] = true
				more()
			}
		case <-poll.C:
			if w.checkAll() {
				more()
			}
		case <-timer.C:
			first = time.Time{}
			w.checkAll()
			b := Batch{Paths: sortedKeys(w.pending)}
			for _, r := range w.roots {
				if r.id == nil {
					b.Gone = append(b.Gone, r.name)
				}
				if w.replaced[r.name] && !w.insideReplaced(r) {
					b.Replaced = append(b.Replaced, r.name)
				}
			}
			sort.Strings(b.Replaced)
			sort.Strings(b.Gone)
			clear(w.pending)
			clear(w.replaced)
			changed(b)
		}
	}
}

// insideReplaced reports whether root r is inside another root replaced
// in the batch being gathered, which says enough.
func (w *Watcher) insideReplaced(r *root) bool {
	for _, outer := range w.roots {
		if outer != r && w.replaced[outer.name] && within(r.abs, outer.abs) {
			return true
		}
	}
	return false
}

// event notes one event in the batch being gathered and reports whether
// it belongs there: events in a root's parent about its other entries do
// not.
func (w *Watcher) event(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	r := w.rootNamed(name)
	inTree := w.trees[filepath.Dir(name)] || w.trees[name]
	if r == nil && !inTree {
		return false
	}
	if r != nil {
		name = r.name // the parent's watch names it by its absolute path
	}
	w.pending[name] = true
	if inTree && w.trees[name] && ev.Has(fsnotify.Remove|fsnotify.Rename) {
		// A watched folder moved away or removed: its watches (and those
		// of the folders under it) would go on naming it.
		w.unwatch(name)
	}
	if inTree && ev.Has(fsnotify.Create) && r == nil {
		// A new folder: watch it, and count what it already holds.
		if info, err := os.Lstat(name); err == nil && info.IsDir() {
			if files, err := w.addTree(name); err == nil {
				for _, f := range files {
					w.pending[f] = true
				}
			}
		}
	}
	if r != nil {
		w.check(r)
	}
	return true
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
