// Package watch reports changes to files under a set of folders, in
// batches, for the live preview of `incidents serve`.
//
// It watches every folder beneath the roots (new folders as they appear,
// since inotify watches one folder, not a tree) rather than single files,
// so that editors that save by writing a new file and renaming it over the
// old one (vim, and every editor's "atomic save"), and files created or
// deleted, are all seen as changes to a name in a watched folder. Events
// are gathered for a short window after the first one of a batch, which
// turns an editor's burst of create, write, rename and chmod into one
// rebuild.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultWindow is how long events are gathered into one batch.
const DefaultWindow = 100 * time.Millisecond

// Watcher watches folder trees.
type Watcher struct {
	w      *fsnotify.Watcher
	window time.Duration
}

// New watches every folder under each root; a root that does not exist is
// skipped. window is how long a batch gathers events (DefaultWindow when 0).
func New(roots []string, window time.Duration) (*Watcher, error) {
	if window <= 0 {
		window = DefaultWindow
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching for changes: %w", err)
	}
	w := &Watcher{w: fw, window: window}
	for _, root := range roots {
		if _, err := w.addTree(root); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

// addTree watches dir and every folder under it, and returns the files it
// found there: a folder created by a move or by "mkdir -p; write" may
// already hold files whose events came before the watch.
func (w *Watcher) addTree(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil // gone while walking
			}
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
			return nil
		}
		if err := w.w.Add(p); err != nil {
			return fmt.Errorf("watching %s: %w", p, err)
		}
		return nil
	})
	return files, err
}

// Run calls changed with each batch of changed paths, sorted and without
// repeats, until ctx is done, then stops watching. changed runs on Run's
// goroutine: events that arrive meanwhile make the next batch. Run returns
// nil when ctx ends it.
func (w *Watcher) Run(ctx context.Context, changed func(paths []string)) error {
	defer w.w.Close()
	pending := map[string]bool{}
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.w.Events:
			if !ok {
				return nil
			}
			pending[ev.Name] = true
			if ev.Has(fsnotify.Create) {
				// A new folder: watch it, and count what it already holds.
				if files, err := w.addTree(ev.Name); err == nil {
					for _, f := range files {
						pending[f] = true
					}
				}
			}
			if fire == nil {
				timer = time.NewTimer(w.window)
				fire = timer.C
			}
		case err, ok := <-w.w.Errors:
			if !ok {
				return nil
			}
			// An overflowed event queue loses events: say that everything
			// may have changed.
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				pending[""] = true
				if fire == nil {
					timer = time.NewTimer(w.window)
					fire = timer.C
				}
			}
		case <-fire:
			fire = nil
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			clear(pending)
			changed(paths)
		}
	}
}
