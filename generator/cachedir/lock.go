package cachedir

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Holder is who holds a lock. It is written into the lock file, so that a
// process that finds the lock taken can say whom it waits for.
type Holder struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`          // "build" or "serve"
	Source  string `json:"source,omitempty"` // the content folder, absolute
}

// String names the holder for a message: "incidents serve (pid 4242,
// content folder /srv/reports)".
func (h Holder) String() string {
	if h.PID == 0 {
		return "another incidents process"
	}
	s := fmt.Sprintf("incidents %s (pid %d", h.Command, h.PID)
	if h.Source != "" {
		s += ", content folder " + h.Source
	}
	return s + ")"
}

// Lock is an exclusive lock on a file, held until Release or until the
// process exits, however it exits. Two opens of the same file conflict
// even within one process (flock locks belong to the open file), so a
// test may hold two.
type Lock struct {
	f *os.File
}

// TryLock takes the lock in the file p, creating it, without waiting. When
// another holds it, it returns a nil Lock and the holder as it described
// itself (the zero Holder if it has not yet).
func TryLock(p string, me Holder) (*Lock, Holder, error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|noFollow, 0o644)
	if err != nil {
		return nil, Holder{}, fmt.Errorf("opening lock %s: %w", p, err)
	}
	ok, err := flockExclusive(f)
	if err != nil {
		f.Close()
		return nil, Holder{}, fmt.Errorf("locking %s: %w", p, err)
	}
	if !ok {
		h := readHolder(f)
		f.Close()
		return nil, h, nil
	}
	data, err := json.Marshal(me)
	if err == nil {
		if err = f.Truncate(0); err == nil {
			_, err = f.WriteAt(append(data, '\n'), 0)
		}
	}
	if err != nil {
		unlock(f)
		f.Close()
		return nil, Holder{}, fmt.Errorf("writing lock %s: %w", p, err)
	}
	return &Lock{f: f}, Holder{}, nil
}

// Peek reports whether another holds the lock in p, and who, without
// taking it for longer than a look. A missing lock file is not held.
func Peek(p string) (Holder, bool) {
	f, err := os.OpenFile(p, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	if flockShared(f) {
		unlock(f)
		return Holder{}, false
	}
	return readHolder(f), true
}

// Release gives the lock up, emptying the file first so that it names no
// one.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	terr := l.f.Truncate(0)
	unlock(l.f)
	cerr := l.f.Close()
	l.f = nil
	if terr != nil {
		return terr
	}
	return cerr
}

// readHolder reads the holder written in f; the zero Holder when the file
// names no one, or not readably.
func readHolder(f *os.File) Holder {
	buf := make([]byte, 4096)
	n, _ := f.ReadAt(buf, 0)
	var h Holder
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(buf[:n]))), &h); err != nil {
		return Holder{}
	}
	return h
}
