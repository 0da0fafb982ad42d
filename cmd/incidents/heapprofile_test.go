package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
)

// TestHeapProfileOfAShortBuild: a build that ends before the profiler
// has looked (a build with nothing to do) still leaves a heap profile,
// not the empty file made to check the path, and says what it holds.
func TestHeapProfileOfAShortBuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "heap.prof")
	var errOut bytes.Buffer
	stop, err := startHeapProfile(&env{stdout: &bytes.Buffer{}, stderr: &errOut}, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		t.Fatalf("the profile holds %d bytes (%v)", len(data), err)
	}
	// A heap profile is gzipped protobuf; pprof's own writer made it.
	var want bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&want, 0); err != nil || !bytes.HasPrefix(data, want.Bytes()[:2]) {
		t.Errorf("the file does not look like a heap profile: % x", data[:min(8, len(data))])
	}
	if !strings.Contains(errOut.String(), "heap profile:") || !strings.Contains(errOut.String(), path) {
		t.Errorf("stderr said %q", errOut.String())
	}
}
