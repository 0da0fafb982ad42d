package main

import (
	"math"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// memoryGuard is incidents build's soft memory limit
// (runtime/debug.SetMemoryLimit). With Go's default pacing (GOGC=100) the
// heap may grow to twice what the last collection found live before the
// next one runs, so a build's resident memory was about twice its live
// heap: 4.6 GB for a live heap of 2.1 GB at 100,000 reports. A limit
// makes the collector run earlier when the heap nears it, and so caps
// the heap, but it costs a collection every time the heap grows by the
// room left between the live heap and the limit: with a limit close to
// the live heap the collector runs all the time. So the limit is only a
// guard: it is set from the number of reports to about what a build of
// that size keeps live while it writes the pages (guardPerReport,
// measured), and a watcher raises it whenever the live heap comes within
// a third of it, so that it stays at least half again the live heap
// whatever the archive holds: the heap then grows to half again the
// live heap at most, not twice, and the collector never runs with less
// room than that.
//
// A GOMEMLIMIT set in the environment is the user's choice and is left
// alone (GOMEMLIMIT=off turns the guard off; a size such as 3GiB sets a
// limit of one's own).
type memoryGuard struct {
	enabled bool
	mu      sync.Mutex
	limit   int64
	stop    chan struct{}
	done    sync.WaitGroup
}

const (
	// guardBase is the part of the limit that does not grow with the
	// archive: the program, the templates, the buffers of the workers.
	guardBase = 256 << 20
	// guardPerReport is what a cold build of 100,000 reports keeps live
	// per report through most of the build, while it writes the pages
	// (about 8.5 KB, measured with --heapprofile; docs/benchmarks.md
	// 2026-12-03), rounded up. Its two short peaks (detection, the
	// search index) keep about 15 KB: there the watcher raises the limit
	// to half again the live heap.
	guardPerReport = 9 << 10
	// guardRoom is how much above the live heap the limit stays, in
	// halves: 3 is half again.
	guardRoom = 3
	// guardEvery is how often the watcher reads the live heap.
	guardEvery = 50 * time.Millisecond
)

func newMemoryGuard() *memoryGuard {
	// An empty GOMEMLIMIT is no limit to the runtime either.
	return &memoryGuard{enabled: os.Getenv("GOMEMLIMIT") == ""}
}

// size sets the limit for a build of files reports and starts the
// watcher; it is generator.Config.Listed.
func (g *memoryGuard) size(files int) {
	if !g.enabled {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stop != nil {
		return
	}
	g.limit = int64(guardBase + guardPerReport*files)
	g.limit = max(g.limit, g.room(liveHeap()))
	debug.SetMemoryLimit(g.limit)
	g.stop = make(chan struct{})
	g.done.Add(1)
	go g.watch(g.stop)
}

// room is the limit that leaves a live heap of live the room it needs.
func (g *memoryGuard) room(live uint64) int64 {
	return int64(min(live, math.MaxInt64/guardRoom) * guardRoom / 2)
}

func (g *memoryGuard) watch(stop <-chan struct{}) {
	defer g.done.Done()
	t := time.NewTicker(guardEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		g.mu.Lock()
		if want := g.room(liveHeap()); want > g.limit {
			g.limit = want
			debug.SetMemoryLimit(g.limit)
		}
		g.mu.Unlock()
	}
}

// release stops the watcher and removes the limit.
func (g *memoryGuard) release() {
	g.mu.Lock()
	stop := g.stop
	g.stop = nil
	g.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	g.done.Wait()
	debug.SetMemoryLimit(math.MaxInt64)
}
