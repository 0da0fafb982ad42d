package archive

import (
	"io"
	"io/fs"

	"golang.org/x/sys/unix"
)

// readBounded reads the file name, as os.DirFS would open it, into buf's
// memory when it has room: open, fstat, read until the end and close, on
// the bare descriptor. O_NONBLOCK, which changes nothing for a plain
// file, makes a FIFO put in a report's place since the folder was listed
// read as empty, or fail, at once instead of waiting for a writer.
func (d dirFS) readBounded(name string, buf []byte) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	var fd int
	var err error
	for {
		fd, err = unix.Open(d.dir+"/"+name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer unix.Close(fd)
	size := int64(-1)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) == nil {
		size = st.Size
	}
	return readAllBounded(func(b []byte) (int, error) {
		for {
			n, err := unix.Read(fd, b)
			switch {
			case err == unix.EINTR:
				continue
			case err != nil:
				return 0, &fs.PathError{Op: "read", Path: name, Err: err}
			case n == 0 && len(b) > 0:
				return 0, io.EOF
			}
			return n, nil
		}
	}, size, buf)
}
