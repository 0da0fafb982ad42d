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

const pathFlag = os.O_RDONLY
