// Package cachedir owns the cache folder (--cache-dir): it decides whether
// a folder may be used as one, marks it, and keeps two processes from
// writing the search index in it at once.
//
// The cache folder holds what incidents may delete and write again at
// will: the search index, the build cache, serve's output. Writing into a
// folder that something else owns would destroy it (a Go package named
// search/ in a clone of this repository, say), so a folder is used only
// when it holds the marker file written here, or is empty or missing, or
// holds nothing but what an earlier version of incidents, which wrote no
// marker, left there, each entry recognised by its contents (see Claim).
// Everything else is refused, and nothing in it is touched.
package cachedir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Marker is the file that marks a folder as a cache folder of incidents.
const Marker = ".incidents-cache"

const markerText = "This folder is the cache of 'incidents' (search index, build cache, serve's preview).\n" +
	"incidents deletes and rewrites what it holds; keep nothing else here.\n"

// Recognizer says whether the entry at path (a file or folder in the
// cache folder) is one that incidents wrote, returning nil when its
// contents prove it, or why they do not.
type Recognizer func(path string) error

// Known maps the names of the entries an earlier version of incidents
// wrote in its cache folder to how to recognise each.
type Known map[string]Recognizer

// State is what Inspect found.
type State int

const (
	// Missing: there is no folder yet.
	Missing State = iota
	// Empty: the folder exists and holds nothing.
	Empty
	// Marked: the folder holds the marker.
	Marked
	// Adoptable: the folder has no marker, but each of its entries is one
	// that incidents wrote, by its contents.
	Adoptable
)

// ForeignError says why a folder is not a cache folder of incidents.
type ForeignError struct {
	Dir    string
	Reason string
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%s is not a cache folder of incidents: %s (no %s in it). incidents deletes and rewrites what its cache folder holds, so it uses only an empty or new folder, or one it marked; give another --cache-dir, or remove this folder yourself",
		e.Dir, e.Reason, Marker)
}

// Inspect says whether dir may be used as the cache folder, without
// changing anything. A folder that may not be is a *ForeignError.
func Inspect(dir string, known Known) (State, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Missing, nil
	case err != nil:
		return 0, fmt.Errorf("cache folder: %w", err)
	case !info.IsDir():
		return 0, &ForeignError{Dir: dir, Reason: "it is not a folder"}
	}
	if m, err := os.Lstat(filepath.Join(dir, Marker)); err == nil && m.Mode().IsRegular() {
		return Marked, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("cache folder: %w", err)
	}
	if len(entries) == 0 {
		return Empty, nil
	}
	var foreign []string
	for _, e := range entries {
		if e.Name() == Marker && e.Type().IsRegular() {
			return Marked, nil // written since the look above, by another process claiming the folder
		}
		recognise, ok := known[e.Name()]
		if !ok {
			foreign = append(foreign, e.Name())
			continue
		}
		if err := recognise(filepath.Join(dir, e.Name())); err != nil {
			foreign = append(foreign, fmt.Sprintf("%s (%v)", e.Name(), err))
		}
	}
	if len(foreign) > 0 {
		sort.Strings(foreign)
		if len(foreign) > 5 {
			foreign = append(foreign[:5], fmt.Sprintf("and %d more", len(foreign)-5))
		}
		return 0, &ForeignError{Dir: dir, Reason: "it holds " + strings.Join(foreign, ", ")}
	}
	return Adoptable, nil
}

// Claim makes dir the cache folder: it creates it when missing, and marks
// it when it is empty or holds only what incidents wrote (see Inspect). A
// folder that holds anything else is refused with a *ForeignError, and
// nothing in it is changed. adopted reports that an unmarked folder of an
// earlier version was marked.
func Claim(dir string, known Known) (adopted bool, err error) {
	state, err := Inspect(dir, known)
	if err != nil {
		return false, err
	}
	switch state {
	case Marked:
		return false, nil
	case Missing:
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("creating the cache folder: %w", err)
		}
	}
	if err := writeMarker(filepath.Join(dir, Marker)); err != nil {
		// Another process claiming the folder at the same moment wrote
		// it first: the folder is ours all the same.
		if errors.Is(err, fs.ErrExist) {
			if again, ierr := Inspect(dir, known); ierr == nil && again == Marked {
				return false, nil
			}
		}
		return false, fmt.Errorf("marking the cache folder: %w", err)
	}
	return state == Adoptable, nil
}

// writeMarker creates the marker, never through a symbolic link, and
// never over a file that is already there.
func writeMarker(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(markerText)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// EmptyFile recognises a file that holds nothing, such as a lock file.
func EmptyFile(p string) error {
	info, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() || info.Size() != 0 {
		return errors.New("not an empty file")
	}
	return nil
}

// HoldsFile recognises a folder holding a regular file named name, such as
// the marker of an output folder; an empty folder is recognised too, since
// it holds nothing to lose.
func HoldsFile(name string) Recognizer {
	return func(p string) error {
		if err := plainDir(p); err != nil {
			return err
		}
		if info, err := os.Lstat(filepath.Join(p, name)); err == nil && info.Mode().IsRegular() {
			return nil
		}
		if empty, _ := isEmptyDir(p); empty {
			return nil
		}
		return fmt.Errorf("no %s in it", name)
	}
}

// plainDir fails unless p is a folder, not a symbolic link to one.
func plainDir(p string) error {
	info, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errors.New("not a folder")
	}
	return nil
}

func isEmptyDir(p string) (bool, error) {
	entries, err := os.ReadDir(p)
	return err == nil && len(entries) == 0, err
}
