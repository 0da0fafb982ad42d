package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressThreshold is the archive size from which a build is slow enough
// (a second or more) to be worth a progress line.
const progressThreshold = 2000

// progress draws a one-line progress indicator on a terminal and stays
// silent otherwise, so logs and pipes get only the summary.
type progress struct {
	e     *env
	mu    sync.Mutex
	last  time.Time
	shown bool
}

func newProgress(e *env) *progress { return &progress{e: e} }

func (p *progress) update(stage string, done, total int) {
	if !p.e.isTerminal || total < progressThreshold {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.e.stderr, "\r\x1b[K%s %d/%d (%d%%)", stage, done, total, done*100/total)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
		p.shown = false
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
