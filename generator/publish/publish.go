// Package publish makes a build's output appear all at once.
//
// A build writes into a fresh hidden folder beside the destination. Only
// when it has succeeded is that folder swapped with the destination, in one
// rename where the system allows it (Linux's RENAME_EXCHANGE); the previous
// output is then removed. A build that fails, is interrupted or is killed
// leaves the previous output exactly as it was. A lock file beside the
// destination keeps two builds from publishing into it at once, and lets a
// build remove what a killed build left behind.
package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Build calls fill with an empty folder beside dest and, if fill succeeds,
// puts that folder in dest's place. dest's parent is created if needed.
func Build(dest string, fill func(dir string) error) (err error) {
	dest, err = filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	if info, err := os.Lstat(dest); err == nil && !info.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder", dest)
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
	removeLeftovers(parent, name)

	tmp, err := os.MkdirTemp(parent, "."+name+".tmp-")
	if err != nil {
		return fmt.Errorf("creating a build folder beside %s: %w", dest, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("build folder: %w", err)
	}
	if err := fill(tmp); err != nil {
		return err
	}
	return swap(tmp, dest)
}

// swap puts tmp at dest and removes what was there.
func swap(tmp, dest string) error {
	if _, err := os.Lstat(dest); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("publishing %s: %w", dest, err)
		}
		return nil
	}
	if err := exchange(tmp, dest); err == nil {
		// tmp now holds the previous output.
		return removeOld(tmp)
	}
	// No atomic exchange here: move the old output aside, then the new one
	// in. Between the two renames dest is briefly absent, never partial.
	old := tmp + ".old"
	if err := os.Rename(dest, old); err != nil {
		return fmt.Errorf("moving the previous %s aside: %w", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Rename(old, dest)
		return fmt.Errorf("publishing %s: %w", dest, err)
	}
	return removeOld(old)
}

func removeOld(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing the previous output %s: %w", dir, err)
	}
	return nil
}

// removeLeftovers deletes build folders that a killed build left behind.
// It runs under the lock, so no other build is using them.
func removeLeftovers(parent, name string) {
	matches, _ := filepath.Glob(filepath.Join(parent, "."+name+".tmp-*"))
	for _, m := range matches {
		if strings.HasPrefix(filepath.Base(m), "."+name+".tmp-") {
			os.RemoveAll(m)
		}
	}
}
