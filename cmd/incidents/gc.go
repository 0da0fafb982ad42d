package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// gcPacing sets how much garbage a process lets pile up between
// collections: incidents build under its memory guard (guardedBuild), and
// a long-running serve process. serve keeps the parsed archive and the
// rendered bodies in memory for live preview, about 120 MB at 10,000
// reports. With Go's default (GOGC=100) a collection runs each time
// searches have allocated as much again as that, which under load is
// more than once a second, and each one marks the whole archive. While
// serving, the collector instead lets servingGarbage pile up (within 1×
// to 4× the live heap); on the 10,000-report archive under 16 clients,
// fewer collections gave 25–60% more searches a second and a third lower
// p99 latency, for about 130 MB more memory. serve's rebuilds keep Go's
// default: serve has no memory guard to cap a faster pace, as incidents
// build's does (gcPercentGuarded).
//
// A GOGC set in the environment is the user's choice and is left alone.
type gcPacing struct {
	enabled bool
}

const (
	// servingGarbage is how many bytes of garbage a serving process lets
	// pile up between collections.
	servingGarbage = 256 << 20
	// gcPercentBuilding is Go's default: garbage up to the live heap.
	gcPercentBuilding = 100
	// gcPercentGuarded is incidents build's pace under its memory guard
	// (memoryGuard), whose limit caps the heap however much garbage the
	// pace allows: garbage up to twice the live heap, or up to the limit,
	// whichever comes first. At 10,000 reports, against Go's default
	// (docs/benchmarks.md, 2026-12-03, "seventh part"), one-change builds
	// took 5–10% less time and 8–12% less CPU (two sets of five pairs)
	// for about 57 MB more resident memory; cold builds took the same
	// time within the noise, at the limit's 430 MB instead of 360–410
	// MB. At 100,000 the limit binds either way, at the same resident
	// memory. serve's rebuilds, which have no guard, keep Go's default.
	gcPercentGuarded = 200
	gcPercentMost    = 400
)

func newGCPacing() gcPacing {
	_, set := os.LookupEnv("GOGC")
	return gcPacing{enabled: !set}
}

// serving paces the collector for answering requests. It first collects
// what the build before it left, so that the pace follows the heap the
// server keeps, not the build's, and hands the memory freed back to the
// system: the build's peak (some hundreds of MB at 10,000 reports) would
// otherwise stay resident, since the runtime returns memory slowly when
// the heap may grow as far as the pace lets it.
func (g gcPacing) serving() {
	if !g.enabled {
		return
	}
	debug.FreeOSMemory()
	debug.SetGCPercent(servingPercent(liveHeap()))
}

// building paces the collector for a build.
func (g gcPacing) building() {
	if g.enabled {
		debug.SetGCPercent(gcPercentBuilding)
	}
}

// guardedBuild paces the collector for incidents build, when its memory
// guard is on (guarded): without a limit, more garbage between
// collections would be more memory at the peaks.
func (g gcPacing) guardedBuild(guarded bool) {
	if g.enabled && guarded {
		debug.SetGCPercent(gcPercentGuarded)
	}
}

// servingPercent is the GC percentage that lets servingGarbage pile up
// over a live heap of live bytes, within Go's default and 4× the heap.
func servingPercent(live uint64) int {
	if live == 0 {
		return gcPercentMost
	}
	return int(min(max(servingGarbage*100/live, gcPercentBuilding), gcPercentMost))
}

// liveHeap is the heap the last collection marked live, in bytes.
func liveHeap() uint64 { return runtimeMetric("/gc/heap/live:bytes") }

// runtimeMetric reads the runtime/metrics counter name; 0 when this Go
// does not have it.
func runtimeMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
