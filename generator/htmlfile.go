package generator

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sync"
)

// htmlFile is a facts.HTMLStore: the HTML of the reports' bodies, each
// written to one temporary file as it is rendered and read back (one
// pread) when its page is written. At 100,000 reports the HTML is about
// 250 MB which would otherwise stay live from the analysis stage through
// most of the pages; written once and read once, it costs a fraction of
// a second, and the kernel's page cache usually serves the reads.
//
// The file is removed as soon as it is created where the system allows
// it (it lives on through its descriptor), so that a build that is killed
// leaves nothing behind; elsewhere close removes it.
type htmlFile struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	at      int64 // bytes written through w
	spans   []htmlSpan
	flushed bool
	err     error // the first error writing
	path    string
	removed bool
}

type htmlSpan struct {
	at int64
	n  int
}

// newHTMLFile makes the store for n reports in a temporary file in dir
// ("" for the system's temporary folder).
func newHTMLFile(dir string, n int) (*htmlFile, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("keeping the bodies' HTML: %w", err)
		}
	}
	f, err := os.CreateTemp(dir, ".incidents-html-*")
	if err != nil {
		return nil, fmt.Errorf("keeping the bodies' HTML: %w", err)
	}
	h := &htmlFile{f: f, w: bufio.NewWriterSize(f, 1<<20), spans: make([]htmlSpan, n), path: f.Name()}
	h.removed = os.Remove(f.Name()) == nil
	return h, nil
}

// Store implements facts.HTMLStore.
func (h *htmlFile) Store(i int, html []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.flushed {
		return errors.New("the HTML file is already being read")
	}
	if h.err != nil {
		return h.err
	}
	if _, err := h.w.Write(html); err != nil {
		h.err = err
		return err
	}
	h.spans[i] = htmlSpan{at: h.at, n: len(html)}
	h.at += int64(len(html))
	return nil
}

// Load implements facts.HTMLStore.
func (h *htmlFile) Load(i int) ([]byte, error) {
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
func (h *htmlFile) close() {
	h.f.Close()
	if !h.removed {
		os.Remove(h.path)
	}
}
