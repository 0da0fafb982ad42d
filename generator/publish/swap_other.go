//go:build !linux

package publish

import (
	"errors"
	"syscall"
)

var errNotEmpty = syscall.ENOTEMPTY

func exchange(a, b string) error { return errors.ErrUnsupported }

func lock(path string) (func(), error) { return func() {}, nil }

// noFollow is 0 where the build does not run in production; only Linux
// opens output files with O_NOFOLLOW.
const noFollow = 0
