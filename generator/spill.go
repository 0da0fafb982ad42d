package generator

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sync"
)

// spillFile keeps numbered values out of memory, in one temporary file,
// from when a stage makes them to when a later one reads them (one
// pread each). The build keeps two: the HTML of the reports' bodies
// (a facts.HTMLStore), written as each body is rendered and read back as
// its page is written, and their plain text, written once detection has
// read it and read back for the search index after the pages. At 100,000
// reports they are about 250 and 225 MB that would otherwise be live
// through the pages; written once and read once, they cost a fraction of
// a second, and the kernel's page cache usually serves the reads.
//
// The file is removed as soon as it is created where the system allows
// it (it lives on through its descriptor), so that a build that is killed
// leaves nothing behind; elsewhere close removes it.
type spillFile struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	at      int64 // bytes written through w
	spans   []spillSpan
	flushed bool
	err     error // the first error writing
	path    string
	removed bool
}

type spillSpan struct {
	at int64
	n  int
}

// newSpillFile makes the store for n values in a temporary file in dir
// ("" for the system's temporary folder); what names the values in its
// errors.
func newSpillFile(dir, what string, n int) (*spillFile, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("keeping %s: %w", what, err)
		}
	}
	f, err := os.CreateTemp(dir, ".incidents-spill-*")
	if err != nil {
		return nil, fmt.Errorf("keeping %s: %w", what, err)
	}
	h := &spillFile{f: f, w: bufio.NewWriterSize(f, 1<<20), spans: make([]spillSpan, n), path: f.Name()}
	h.removed = os.Remove(f.Name()) == nil
	return h, nil
}

// Store stores value i (implements facts.HTMLStore). Every Store comes
// before the first Load.
func (h *spillFile) Store(i int, value []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.flushed {
		return errors.New("the spill file is already being read")
	}
	if h.err != nil {
		return h.err
	}
	if _, err := h.w.Write(value); err != nil {
		h.err = err
		return err
	}
	h.spans[i] = spillSpan{at: h.at, n: len(value)}
	h.at += int64(len(value))
	return nil
}

// Load reads value i back (implements facts.HTMLStore).
func (h *spillFile) Load(i int) ([]byte, error) {
	h.mu.Lock()
	if !h.flushed && h.err == nil {
		h.flushed = true
		h.err = h.w.Flush()
		h.w = nil
	}
	err, s := h.err, h.spans[i]
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, s.n)
	if _, err := h.f.ReadAt(buf, s.at); err != nil {
		return nil, err
	}
	return buf, nil
}

// close closes and removes the file.
func (h *spillFile) close() {
	h.f.Close()
	if !h.removed {
		os.Remove(h.path)
	}
}
