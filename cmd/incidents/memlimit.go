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
// heap: 4.6 GB for a live heap of 2.1 GB at 100,000 reports (under the
// guard the build now lets garbage reach twice the live heap; see
// gcPercentGuarded, whose limit caps it). A limit
// makes the collector run earlier when the heap nears it, and so caps
// the heap, but it costs a collection every time the heap grows by the
// room left between the live heap and the limit: with a limit close to
// the live heap the collector runs all the time. So the limit is only a
// guard: it is set from the number of reports to about what a build of
// that size keeps live at its peaks, and some room (guardPerReport,
// measured), and a watcher raises it whenever the live
// heap comes within about a quarter of it, so that it stays at least
// three tenths above the live heap whatever the archive holds: the heap
// then grows by three tenths of the live heap at most, not twice, and the
// collector never runs with less room than that. At 100,000 reports a
// limit of 1,700 MiB (about a third above the peak) took no more time than
// the half again it replaced (a one-change build, two pairs: 23.4 and
// 22.6 s against 23.9 and 22.2 s) for 1,710 MiB resident instead of
// 1,890 MiB; 1,450 MiB took 28% more time (docs/benchmarks.md,
// 2026-12-03, "sixth part").
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
	// guardPerReport is what a build of 100,000 reports needs per report
	// for a limit of 1,700 MiB, about 1.35 times its peaks' live heap
	// (detection, the pages: about 1,260 MiB, measured with --heapprofile;
	// docs/benchmarks.md 2026-12-03): (1,700 MiB − guardBase) / 100,000,
	// about 15 KiB. Set from the start, the limit leaves the collector
	// that room all through the build; set lower (9 KiB a report, what
	// the pages keep) and raised as the live heap grew, it made the
	// collector run with less room before the peaks, and a one-change
	// build at 100,000 reports took 26–28 s instead of 22–23 s.
	guardPerReport = 15 << 10
	// guardRoom is the limit's least multiple of the live heap, in
	// tenths: 13 is three tenths above it.
	guardRoom = 13
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
	return int64(min(live, math.MaxInt64/guardRoom) * guardRoom / 10)
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
