package publish

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

var errNotEmpty = unix.ENOTEMPTY

// exchange swaps two paths atomically.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// lock takes an exclusive lock on path, waiting for another build to
// finish. The lock is released when the process exits, however it exits.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() {
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}

// noFollow makes opening an output file fail on a symbolic link instead of
// writing wherever the link points.
const noFollow = unix.O_NOFOLLOW
