package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestServingPercent(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 400},
		{16 << 20, 400},  // a small archive: at most 4× its heap
		{128 << 20, 200}, // 256 MB of garbage over 128 MB live
		{200 << 20, 128},
		{1 << 30, 100}, // a huge archive: never below Go's default
	} {
		if got := servingPercent(tt.live); got != tt.want {
			t.Errorf("servingPercent(%d MB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}

func TestGCPacing(t *testing.T) {
	before := debug.SetGCPercent(gcPercentBuilding)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	t.Setenv("GOGC", "")
	g := newGCPacing()
	if g.enabled {
		t.Fatal("GOGC set in the environment, even empty, is the user's choice, but serve would pace the collector")
	}
	g.serving()
	if got := debug.SetGCPercent(gcPercentBuilding); got != gcPercentBuilding {
		t.Errorf("with GOGC set, serving() changed the GC percentage to %d", got)
	}

	g = gcPacing{enabled: true}
	for _, step := range []struct {
		name string
		set  func()
		want func() int // read after set
	}{
		{"serving", g.serving, func() int { return servingPercent(liveHeap()) }},
		{"building", g.building, func() int { return gcPercentBuilding }},
		{"a build under the memory guard", func() { g.guardedBuild(true) }, func() int { return gcPercentGuarded }},
		{"a build without the guard", func() { g.guardedBuild(false) }, func() int { return 55 }},
		{"a build with GOGC set", func() { gcPacing{}.guardedBuild(true) }, func() int { return 55 }},
	} {
		debug.SetGCPercent(55) // neither
		step.set()
		want := step.want()
		if got := debug.SetGCPercent(gcPercentBuilding); got != want {
			t.Errorf("after %s the GC percentage is %d, want %d", step.name, got, want)
		}
	}
}

// sink keeps TestServingReturnsMemory's garbage from being optimised away.
var sink [][]byte

// TestServingReturnsMemory: when serving resumes after a build, the memory
// the build freed goes back to the system rather than staying resident.
// Before, the collector ran but the runtime kept the freed pages, and
// serve of 10,000 reports sat at 248 MB instead of 146 MB.
func TestServingReturnsMemory(t *testing.T) {
	before := debug.SetGCPercent(gcPercentBuilding)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	for range 64 { // 128 MB a build would leave behind
		sink = append(sink, make([]byte, 2<<20))
	}
	sink = nil
	gcPacing{enabled: true}.serving()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if kept := m.HeapIdle - m.HeapReleased; kept > 32<<20 {
		t.Errorf("after serving() the runtime keeps %d MB of free heap resident", kept>>20)
	}
}
