package main

import (
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
	} {
		debug.SetGCPercent(55) // neither
		step.set()
		want := step.want()
		if got := debug.SetGCPercent(gcPercentBuilding); got != want {
			t.Errorf("after %s the GC percentage is %d, want %d", step.name, got, want)
		}
	}
}
