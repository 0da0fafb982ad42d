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

// openRoot opens the build folder for openBeneath.
func openRoot(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// openBeneath opens rel inside root without following any symbolic link
// on the way, and without leaving root: a link planted anywhere in the
// path fails with ELOOP or EXDEV instead of being followed. Kernels older
// than Linux 5.6 lack openat2; there only the last component is guarded.
func openBeneath(root *os.File, dir, rel string, flags int, perm uint32) (*os.File, error) {
	fd, err := openat2Beneath(root, rel, flags, perm)
	if err == unix.ENOSYS {
		fd, err = unix.Open(dir+"/"+rel, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir + "/" + rel, Err: err}
	}
	return os.NewFile(uintptr(fd), dir+"/"+rel), nil
}

// openat2Beneath is openat2 on the terms of openBeneath, tried again when
// interrupted or raced by a rename; ENOSYS where the kernel lacks it.
func openat2Beneath(root *os.File, rel string, flags int, perm uint32) (int, error) {
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Mode:    uint64(perm),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	for {
		fd, err := unix.Openat2(int(root.Fd()), rel, &how)
		if err == unix.EINTR || err == unix.EAGAIN { // EAGAIN: a rename raced the lookup
			continue
		}
		return fd, err
	}
}

// statBeneath gives the size and modification time of the regular file at
// rel under root, on the terms of openBeneath: a symbolic link anywhere on
// the path, or anything but a regular file, gives ok false. It works on
// the bare descriptor (open, fstat, close): a warm build looks at tens of
// thousands of files it keeps, and an *os.File costs each of them a
// fourth system call and a finalizer.
func statBeneath(root *os.File, dir, rel string) (size, modTime int64, ok bool) {
	var st unix.Stat_t
	fd, err := openat2Beneath(root, rel, unix.O_PATH, 0)
	switch err {
	case nil:
		err = unix.Fstat(fd, &st)
		unix.Close(fd)
	case unix.ENOSYS:
		err = unix.Lstat(dir+"/"+rel, &st)
	}
	if err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return 0, 0, false
	}
	return st.Size, st.Mtim.Nano(), true
}
