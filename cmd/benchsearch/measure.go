package main

import (
	"bytes"
	"fmt"
	"github.com/incidents-archive/incidents/cmd/internal/peakrss"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"time"
)

// proc is what one finished process cost: wall time, CPU time (user and
// system) and peak resident memory, from the rusage of the wait.
type proc struct {
	wall, cpu time.Duration
	rss       int64 // KiB
	out       string
}

// measure runs a program to completion and returns its cost and its
// standard output. Standard error goes to ours, or to errOut when set.
func measure(errOut io.Writer, name string, args ...string) (proc, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if errOut != nil {
		cmd.Stderr = errOut
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return proc{}, fmt.Errorf("%s: %w\n%s", name, err, tail(out.String(), 2000))
	}
	p := proc{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), out: out.String(), rss: peakrss.Of(cmd.ProcessState)}
	return p, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// indexLine matches the build's line about the bleve index, such as
// "Search index 1 indexed, 0 removed, 9999 unchanged in 652ms → .cache/search"
// or "Search index built from scratch with 10000 reports in 9.4s → ...".
var indexLine = regexp.MustCompile(`(?m)^Search index (.*) in (\S+) → `)

// indexTime reads what the build printed about its index step.
func indexTime(out string) (what string, d time.Duration, err error) {
	m := indexLine.FindStringSubmatch(out)
	if m == nil {
		return "", 0, fmt.Errorf("no search-index line in the build's output:\n%s", tail(out, 2000))
	}
	d, err = time.ParseDuration(m[2])
	return m[1], d, err
}

// spread is the minimum, median and maximum of some samples.
type spread struct{ min, med, max float64 }

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return spread{s[0], median(s), s[len(s)-1]}
}

// median of sorted values; the mean of the middle two for an even count.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func secs(xs []time.Duration) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x.Seconds()
	}
	return out
}

// fmtS formats a spread of seconds as "min / median / max".
func fmtS(s spread) string {
	return fmt.Sprintf("%6.2f / %6.2f / %6.2f s", s.min, s.med, s.max)
}

// fmtMB formats a spread of KiB as megabytes.
func fmtMB(s spread) string {
	return fmt.Sprintf("%4.0f / %4.0f / %4.0f MB", s.min/1024, s.med/1024, s.max/1024)
}

// fmtX formats a spread of ratios.
func fmtX(s spread) string {
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.med, s.min, s.max)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
