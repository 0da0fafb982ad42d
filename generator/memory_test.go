package generator

import (
	"context"
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// liveHeapPerReport builds a synthetic archive of n reports cold, with a
// cache folder as incidents build has one, and returns the largest live
// heap any collection found during the build, above the heap before it,
// divided by n: what the build holds per report at its peak.
func liveHeapPerReport(tb testing.TB, n int) float64 {
	tb.Helper()
	dir := tb.TempDir()
	content := testutil.SyntheticArchive(tb, dir, n, 7)
	cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Cold: true, Workers: 2,
		Cache: buildcache.Open(filepath.Join(dir, "cache"), "test"), Now: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}
	runtime.GC()
	base := sampleLiveHeap()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, sampleLiveHeap())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	_, err := Build(context.Background(), cfg)
	close(stop)
	wg.Wait()
	if err != nil {
		tb.Fatal(err)
	}
	if peak < base {
		return 0
	}
	return float64(peak-base) / float64(n)
}

func sampleLiveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestLiveHeapPerReport holds the largest live heap of a cold build, per
// report, under a bound, so that a change that keeps every report's body,
// HTML or plain text for the whole build again fails here rather than at
// 100,000 reports (docs/benchmarks.md, 2026-12-03). On 1,000 synthetic
// reports it was 36 KB a report before issue 19's memory changes and
// 29 KB after; a small archive's fixed costs (the templates, the
// workers' buffers, the runtime) count for far more than at 100,000
// reports, where it is about 8 KB. The bound lies between the two.
func TestLiveHeapPerReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,000 reports")
	}
	const n = 1000
	per := liveHeapPerReport(t, n)
	t.Logf("largest live heap of a cold build of %d reports: %.1f KB a report", n, per/1024)
	if limit := 33.0 * 1024; per > limit {
		t.Errorf("a cold build of %d reports held %.1f KB a report at its peak, more than %.0f KB: what is kept for the whole build?", n, per/1024, limit/1024)
	}
}

// BenchmarkLiveHeap reports the largest live heap of a cold build per
// report (live-B/report), on 1,000 synthetic reports: go test
// ./generator -run '^$' -bench LiveHeap -benchtime 1x.
func BenchmarkLiveHeap(b *testing.B) {
	for b.Loop() {
		b.ReportMetric(liveHeapPerReport(b, 1000), "live-B/report")
	}
}

// TestHandBackGarbage: without a memory limit, handBackGarbage collects
// and returns the freed memory to the system; under one, which makes the
// runtime do both as the heap nears it, it leaves the collector alone,
// and the limit as it was. Automatic collections are off while it runs,
// so only a forced one counts.
func TestHandBackGarbage(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	collections := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumGC
	}
	released := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	const garbage = 64 << 20
	for _, tt := range []struct {
		name    string
		limit   int64
		collect bool
	}{
		{"no limit", math.MaxInt64, true},
		{"a limit", 1 << 40, false},
	} {
		debug.SetMemoryLimit(tt.limit)
		runtime.KeepAlive(make([]byte, garbage)) // garbage from here on
		before, releasedBefore := collections(), released()
		handBackGarbage()
		if got := collections() > before; got != tt.collect {
			t.Errorf("%s: collected %v, want %v", tt.name, got, tt.collect)
		}
		// Forced, the freed memory goes back at once, not as the
		// background scavenger gets to it.
		if tt.collect && released() < releasedBefore+garbage/2 {
			t.Errorf("%s: %d bytes returned to the system, want the %d of garbage", tt.name, released()-releasedBefore, garbage)
		}
		if got := debug.SetMemoryLimit(-1); got != tt.limit {
			t.Errorf("%s: the limit is %d after, want %d", tt.name, got, tt.limit)
		}
	}
}
