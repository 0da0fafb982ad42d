//go:build unix

// Package peakrss reads the peak resident memory of a finished child
// process, for the benchmark programs that measure one.
package peakrss

import (
	"os"
	"runtime"
	"syscall"
)

// Of is the peak resident memory of the finished process ps, in KiB;
// 0 when the system does not say.
func Of(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) / 1024 // bytes there
	}
	return int64(ru.Maxrss) // KiB on Linux and the BSDs
}
