//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package cachedir

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// noFollow makes opening the marker or a lock file fail on a symbolic
// link instead of writing wherever it points.
const noFollow = unix.O_NOFOLLOW

// flockExclusive takes an exclusive lock on f without waiting, reporting
// false when another holds one.
func flockExclusive(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

// flockShared takes a shared lock on f without waiting, reporting false
// when another holds an exclusive one.
func flockShared(f *os.File) bool {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err == nil
	}
}

func unlock(f *os.File) { _ = unix.Flock(int(f.Fd()), unix.LOCK_UN) }
