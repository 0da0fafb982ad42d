// Package publish makes a build's output appear all at once.
//
// Output is double-buffered. Beside the destination lives a hidden spare
// folder holding the output of the build before last. A build writes into
// the spare, overwriting files in place (on many file systems creating a
// file costs far more than rewriting one), then removes what it did not
// write, then swaps spare and destination in one rename where the system
// allows it (Linux's RENAME_EXCHANGE). The previous output becomes the next
// spare. A build that fails, is interrupted or is killed has touched only
// the spare: the destination stays exactly as it was. A lock file beside the
// destination keeps two builds from using the spare at once.
//
// The cost is disk space: two copies of the site.
//
// Build only ever deletes or replaces folders it made: each output holds a
// marker file, and a destination or spare without one is refused unless it
// is empty. A mistyped --dest can therefore not wipe a folder of reports.
package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Build calls fill with a folder beside dest that may hold files of an
// older build. fill writes the new site there (overwriting what exists) and
// returns the set of files it wrote, as slash-separated paths relative to
// the folder. Build removes every other file and then puts the folder in
// dest's place. dest's parent is created if needed.
func Build(dest string, fill func(dir string) (written map[string]bool, err error)) (err error) {
	dest, err = filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	if info, err := os.Lstat(dest); err == nil {
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("output %s is a symbolic link; give the folder it points to", dest)
		case !info.IsDir():
			return fmt.Errorf("output %s exists and is not a folder", dest)
		}
		if err := checkOwned(dest); err != nil {
			return err
		}
	}
	parent, name := filepath.Split(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating output folder: %w", err)
	}
	unlock, err := lock(filepath.Join(parent, "."+name+".lock"))
	if err != nil {
		return err
	}
	defer unlock()

	spare := SpareDir(dest)
	if info, err := os.Lstat(spare); err == nil && !info.IsDir() {
		return fmt.Errorf("%s is in the way of the build folder; remove it", spare)
	}
	if err := os.Mkdir(spare, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating a build folder beside %s: %w", dest, err)
	}
	if err := checkOwned(spare); err != nil {
		return err
	}
	// Mark the spare first, so that even a build killed half-way leaves a
	// folder the next build recognises as its own.
	if err := os.WriteFile(filepath.Join(spare, Marker), []byte(markerText), 0o644); err != nil {
		return fmt.Errorf("marking the build folder: %w", err)
	}
	written, err := fill(spare)
	if err != nil {
		return err
	}
	written[Marker] = true
	if err := prune(spare, written); err != nil {
		return err
	}
	return swap(spare, dest)
}

// Marker is the file that marks a folder as output of incidents build.
const Marker = ".incidents-output"

const markerText = "This folder is written by 'incidents build', which replaces it as a whole.\n"

// checkOwned refuses a non-empty folder that does not hold the marker.
func checkOwned(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, Marker)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	return fmt.Errorf("%s holds files that incidents did not write (no %s in it); the build replaces its output folder as a whole, so give an empty or new folder, or remove this one yourself", dir, Marker)
}

// SpareDir is the hidden folder beside dest that builds write into.
func SpareDir(dest string) string {
	parent, name := filepath.Split(filepath.Clean(dest))
	return filepath.Join(parent, "."+name+".spare")
}

// prune removes the files under dir that are not in keep, and the folders
// left empty, so that the spare holds exactly the new site.
func prune(dir string, keep map[string]bool) error {
	var stale, dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		if !keep[rel] {
			stale = append(stale, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cleaning the build folder: %w", err)
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("cleaning the build folder: %w", err)
		}
	}
	// Deepest first, so that a folder is empty by the time it is tried.
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if err := os.Remove(d); err != nil && !isNotEmpty(err) {
			return fmt.Errorf("cleaning the build folder: %w", err)
		}
	}
	return nil
}

func isNotEmpty(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && (errors.Is(pe.Err, errNotEmpty) || errors.Is(err, fs.ErrExist))
}

// swap puts spare at dest; what was at dest becomes the spare.
func swap(spare, dest string) error {
	if _, err := os.Lstat(dest); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(spare, dest); err != nil {
			return fmt.Errorf("publishing %s: %w", dest, err)
		}
		return nil
	}
	if err := exchange(spare, dest); err == nil {
		return nil
	}
	// No atomic exchange here: move the old output aside, then the new one
	// in. Between the two renames dest is briefly absent, never partial.
	old := spare + ".old"
	_ = os.RemoveAll(old)
	if err := os.Rename(dest, old); err != nil {
		return fmt.Errorf("moving the previous %s aside: %w", dest, err)
	}
	if err := os.Rename(spare, dest); err != nil {
		_ = os.Rename(old, dest)
		return fmt.Errorf("publishing %s: %w", dest, err)
	}
	if err := os.Rename(old, spare); err != nil {
		return fmt.Errorf("keeping the previous output as %s: %w", spare, err)
	}
	return nil
}
