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
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// Build calls fill with a folder beside dest that may hold files of an
// older build. fill writes the new site there through the Folder, which
// overwrites what exists and leaves unchanged files alone. Build then
// removes every file fill did not write and puts the folder in dest's
// place. dest's parent is created if needed. It returns the SHA-256 of
// the manifest it published (ManifestName): what this build published,
// even if another build publishes to dest as soon as it returns.
func Build(dest string, fill func(*Folder) error) (manifest [sha256.Size]byte, err error) {
	dest, err = filepath.Abs(dest)
	if err != nil {
		return manifest, fmt.Errorf("output folder: %w", err)
	}
	if info, err := os.Lstat(dest); err == nil {
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			return manifest, fmt.Errorf("output %s is a symbolic link; give the folder it points to", dest)
		case !info.IsDir():
			return manifest, fmt.Errorf("output %s exists and is not a folder", dest)
		}
		if err := checkOwned(dest); err != nil {
			return manifest, err
		}
	}
	parent, name := filepath.Split(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return manifest, fmt.Errorf("creating output folder: %w", err)
	}
	unlock, err := lock(filepath.Join(parent, "."+name+".lock"))
	if err != nil {
		return manifest, err
	}
	defer unlock()

	spare := SpareDir(dest)
	if info, err := os.Lstat(spare); err == nil && !info.IsDir() {
		return manifest, fmt.Errorf("%s is in the way of the build folder; remove it", spare)
	}
	if err := os.Mkdir(spare, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return manifest, fmt.Errorf("creating a build folder beside %s: %w", dest, err)
	}
	if err := checkOwned(spare); err != nil {
		return manifest, err
	}
	// Mark the spare first, so that even a build killed half-way leaves a
	// folder the next build recognises as its own.
	if err := writeNoFollow(filepath.Join(spare, Marker), []byte(markerText)); err != nil {
		return manifest, fmt.Errorf("marking the build folder: %w", err)
	}
	folder, err := newFolder(spare, dest)
	if err != nil {
		return manifest, err
	}
	defer folder.close()
	// List what the spare holds while fill runs: listing waits on the disk,
	// fill mostly on the CPU.
	listed := make(chan listing, 1)
	go func() { listed <- list(spare) }()
	err = fill(folder)
	old := <-listed
	if err == nil {
		err = prune(folder, old)
	}
	if err == nil {
		manifest, err = folder.writeManifest()
	}
	if err != nil {
		// A build that fails or is stopped (serve stops a rebuild that
		// newer edits made stale) records what the folder holds, so that
		// the next build need not write every file again: see
		// writePartialManifest. A build that is killed records nothing.
		if merr := folder.writePartialManifest(); merr != nil {
			err = errors.Join(err, merr)
		}
		return manifest, diskFull(err, spare, dest)
	}
	if err := swap(spare, dest); err != nil {
		return [sha256.Size]byte{}, err
	}
	return manifest, nil
}

// diskFull turns a build that ran out of disk space into one error that
// says so, in place of one per file, and empties the spare: the files the
// build left there would otherwise keep the disk full for the next build,
// which writes into the spare before it removes anything. Other errors
// are returned as they are.
func diskFull(err error, spare, dest string) error {
	first := firstError(err, func(e error) bool { return errors.Is(e, syscall.ENOSPC) || errors.Is(e, syscall.EDQUOT) })
	if first == nil {
		return err
	}
	freed := "the unfinished build folder " + spare + " was removed to free the space"
	if rerr := os.RemoveAll(spare); rerr != nil {
		freed = "remove " + spare + " to free the space it holds"
	}
	return fmt.Errorf("the disk holding %s is full: a build needs room for a second copy of the site beside it; %s was not changed, and %s (%w)",
		filepath.Dir(dest), dest, freed, first)
}

// firstError is the first error in err's tree, joined errors included,
// for which match is true; nil when there is none.
func firstError(err error, match func(error) bool) error {
	if err == nil {
		return nil
	}
	if many, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range many.Unwrap() {
			if f := firstError(e, match); f != nil {
				return f
			}
		}
		return nil
	}
	if inner := errors.Unwrap(err); inner != nil {
		if _, ok := inner.(interface{ Unwrap() []error }); ok {
			return firstError(inner, match)
		}
	}
	if match(err) {
		return err
	}
	return nil
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

// listing is what a folder held: its files and folders, as
// slash-separated paths relative to it.
type listing struct {
	files, dirs []string
	err         error
}

// list walks dir. It runs while the build writes into dir, so entries that
// vanish under it are skipped.
func list(dir string) listing {
	var l listing
	l.err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				return nil
			}
			return err
		}
		if p == dir {
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		if d.IsDir() {
			l.dirs = append(l.dirs, rel)
		} else {
			l.files = append(l.files, rel)
		}
		return nil
	})
	return l
}

// prune removes the files the folder held before the build that the build
// did not write, and the folders left with nothing in them, so that the
// folder holds exactly the new site.
func prune(f *Folder, old listing) error {
	if old.err != nil {
		return fmt.Errorf("cleaning the build folder: %w", old.err)
	}
	gone := func(err error) bool {
		return err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
	}
	for _, rel := range old.files {
		if rel == Marker || f.Written(rel) {
			continue
		}
		// A file that this build replaced with a folder is not empty.
		if err := os.Remove(filepath.Join(f.dir, filepath.FromSlash(rel))); !gone(err) && !isNotEmpty(err) {
			return fmt.Errorf("cleaning the build folder: %w", err)
		}
	}
	// A folder stays when the build wrote anything under it.
	live := map[string]bool{}
	for _, rel := range f.Files() {
		for d := path.Dir(rel); d != "." && !live[d]; d = path.Dir(d) {
			live[d] = true
		}
	}
	var dead []string
	for _, rel := range old.dirs {
		if !live[rel] && !f.Written(rel) {
			dead = append(dead, rel)
		}
	}
	// Deepest first, so that a folder is empty by the time it is tried.
	sort.Slice(dead, func(i, j int) bool { return len(dead[i]) > len(dead[j]) })
	for _, rel := range dead {
		if err := os.Remove(filepath.Join(f.dir, filepath.FromSlash(rel))); !gone(err) && !isNotEmpty(err) {
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
