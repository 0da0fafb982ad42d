//go:build !linux

package publish

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

var errNotEmpty = syscall.ENOTEMPTY

func exchange(a, b string) error { return errors.ErrUnsupported }

func lock(path string) (func(), error) { return func() {}, nil }

// noFollow is 0 where the build does not run in production; only Linux
// opens output files with O_NOFOLLOW.
const noFollow = 0

func openRoot(dir string) (*os.File, error) { return os.Open(dir) }

// openBeneath opens rel under dir. Only Linux guards every component of
// the path against symbolic links.
func openBeneath(_ *os.File, dir, rel string, flags int, perm uint32) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, filepath.FromSlash(rel)), flags|noFollow, os.FileMode(perm))
}

// statBeneath gives the size and modification time of the regular file at
// rel under dir; ok is false for anything else, a symbolic link included.
func statBeneath(_ *os.File, dir, rel string) (size, modTime int64, ok bool) {
	info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil || !info.Mode().IsRegular() {
		return 0, 0, false
	}
	return info.Size(), info.ModTime().UnixNano(), true
}
