package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestMemoryGuard checks that a build's guard sets a limit from the
// number of reports, at least three tenths above the live heap, removes it when
// released, and leaves a GOMEMLIMIT of the user's alone.
func TestMemoryGuard(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	g := newMemoryGuard()
	g.size(100000)
	got := debug.SetMemoryLimit(-1)
	if want := int64(guardBase + guardPerReport*100000); got < want {
		t.Errorf("limit for 100,000 reports: %d, want at least %d", got, want)
	}
	if room := g.room(liveHeap()); got < room {
		t.Errorf("limit %d leaves the live heap less room than %d", got, room)
	}
	g.release()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after release: %d, want none", got)
	}

	t.Setenv("GOMEMLIMIT", "3GiB")
	user := newMemoryGuard()
	user.size(100000)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the guard set a limit of %d", got)
	}
	user.release()
}
