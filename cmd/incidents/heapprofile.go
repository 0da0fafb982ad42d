package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"
)

// heapProfiler writes a heap profile of a build taken when its live heap
// was largest: the profile --heapprofile asks for. The live heap is the
// one the last collection marked. A heap profile describes the heap as
// of a collection up to two cycles old, so when a collection finds more
// live than any before (by a margin, so that a slowly growing heap is
// not written on every collection), the profile is written once two more
// have completed: it then shows what the build held at, or just after,
// its peak, which is the memory to cut. No collection is forced, so the
// build runs as it would without the flag.
type heapProfiler struct {
	path    string
	every   time.Duration
	stop    chan struct{}
	done    sync.WaitGroup
	mu      sync.Mutex
	seen    uint64 // the largest live heap seen
	peak    uint64 // the live heap when the profile in path was due
	taken   time.Duration
	start   time.Time
	pending uint64 // the collection after which to write; 0 for none
	due     uint64 // seen when pending was set
	dueAt   time.Duration
	err     error
	margin  uint64 // a new peak needs seen + seen/margin
}

// startHeapProfile watches the live heap until stop is called, keeping
// in path a heap profile of its largest, and says on stderr how large
// it was.
func startHeapProfile(e *env, path string) (stop func() error, err error) {
	// Fail now on a path that cannot be written, not at the peak.
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--heapprofile: %w", err)
	}
	f.Close()
	p := &heapProfiler{path: path, every: 20 * time.Millisecond, stop: make(chan struct{}), start: time.Now(), margin: 50}
	p.done.Add(1)
	go p.watch()
	return func() error {
		close(p.stop)
		p.done.Wait()
		// A build shorter than one look (nothing changed, or content
		// errors) is looked at once now.
		p.check()
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.peak == 0 && p.pending == 0 && p.err == nil {
			// No peak has been saved: the profile as it is, rather than
			// an empty file.
			p.pending, p.due, p.dueAt = 1, p.seen, time.Since(p.start)
		}
		if p.pending != 0 && p.err == nil {
			// The build ended before two more collections: the profile
			// of the last one is the nearest to the peak there is.
			p.save()
		}
		if p.err != nil {
			return fmt.Errorf("--heapprofile: %w", p.err)
		}
		if p.peak == 0 {
			fmt.Fprintf(e.stderr, "heap profile: the build ended before a collection measured its live heap; the heap at its end → %s\n", path)
			return nil
		}
		fmt.Fprintf(e.stderr, "heap profile: live heap at most %.1f MB, %.1fs into the build → %s\n",
			float64(p.peak)/1e6, p.taken.Seconds(), path)
		return nil
	}, nil
}

func (p *heapProfiler) watch() {
	defer p.done.Done()
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.check()
		}
	}
}

// check notes a new peak of the live heap, and writes the profile once
// two collections have completed after the largest one.
func (p *heapProfiler) check() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	live, cycles := liveHeap(), gcCycles()
	if live > p.seen+p.seen/p.margin {
		p.seen = live
		p.pending, p.due, p.dueAt = cycles+2, live, time.Since(p.start)
	}
	if p.pending != 0 && cycles >= p.pending {
		p.save()
	}
}

// save writes the profile now due.
func (p *heapProfiler) save() {
	if err := p.write(); err != nil {
		p.err = err
		return
	}
	p.peak, p.taken, p.pending = p.due, p.dueAt, 0
}

// write replaces the file at path with a heap profile, whole or not at
// all.
func (p *heapProfiler) write() error {
	tmp, err := os.CreateTemp(filepath.Dir(p.path), ".heapprofile-*")
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(tmp, 0); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), p.path)
}

// gcCycles is how many collections have completed.
func gcCycles() uint64 { return runtimeMetric("/gc/cycles/total:gc-cycles") }
