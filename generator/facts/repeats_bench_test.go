package facts

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// BenchmarkRepeatDetection measures repeat detection of a build of the
// content folder named by $INCIDENTS_BENCH_ARCHIVE (a gencorpus archive of
// 10,000 or 100,000 reports), with the build cache, in three cases:
//
//   - cold: nothing in the cache (a first build, or --cold);
//   - one change: one report's body changed since the build the cache
//     holds (a sentence added, then taken out again: each iteration is a
//     one-change build after the other);
//   - no change: the input of the build the cache holds.
//
// Each iteration is detect with every report's text in memory (as
// incidents check and serve call it, not releasing the text; a build
// releases it and loads the texts it left in the body cache), the cache's
// reading, its decoding whole (a no-change iteration too, as Compute
// reads it beside the bodies) and the writing waited for included;
// loading the archive and rendering the bodies are not measured. The cold case reports the size of the cache entry, the
// one-change case how many reports were scored again, how many
// candidate pools computed again and how many texts read again; each case reports its CPU time (user and
// system, of every goroutine) per iteration as cpu-ns/op. It is skipped
// when the variable is not set.
func BenchmarkRepeatDetection(b *testing.B) {
	dir := os.Getenv("INCIDENTS_BENCH_ARCHIVE")
	if dir == "" {
		b.Skip("set INCIDENTS_BENCH_ARCHIVE to a content folder")
	}
	arc, diags, err := archive.Load(context.Background(), os.DirFS(dir), archive.Options{})
	if err != nil || diags.HasErrors() {
		b.Fatalf("loading %s: %v, %v", dir, err, diags.Errors())
	}
	f, err := Compute(context.Background(), arc, Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
	if err != nil {
		b.Fatal(err)
	}
	in, cfg := f.RepeatInput(), RepeatConfig(arc)
	// The edited report: one in the middle of the archive, its body with
	// a sentence more.
	edited := slices.Clone(in)
	k := len(in) / 2
	edited[k].Text = append(slices.Clone(in[k].Text[:len(in[k].Text)-1]), in[k].Text[len(in[k].Text)-1]+" The replica was rebuilt from the last snapshot.")
	b.Run("cold", func(b *testing.B) {
		c := buildcache.Open(b.TempDir(), "bench")
		cpu := cpuClock(b)
		for b.Loop() {
			stored(detect(c, nil, in, cfg, false, nil))
		}
		cpu.report()
		// The size of what the cache keeps between builds.
		if st, err := os.Stat(filepath.Join(c.Dir(), "repeats")); err == nil {
			b.ReportMetric(float64(st.Size()), "entry-bytes")
		}
	})
	b.Run("one change", func(b *testing.B) {
		c := buildcache.Open(b.TempDir(), "bench")
		stored(detect(c, readLastRepeats(context.Background(), c, cfg), in, cfg, false, nil))
		inputs := [2][]repeats.Report{edited, in}
		n := 0
		cpu := cpuClock(b)
		for b.Loop() {
			stored(detect(c, readLastRepeats(context.Background(), c, cfg), inputs[n%2], cfg, false, nil))
			n++
		}
		cpu.report()
		// How many reports the last iteration scored again.
		if data, ok := c.Get("repeats", repeatKey(c, cfg)); ok {
			if res, err := decodeRepeats(data); err == nil {
				b.ReportMetric(float64(res.Scored), "scored-reports")
				b.ReportMetric(float64(res.Pooled), "pooled-reports")
				b.ReportMetric(float64(res.Read), "read-reports")
			}
		}
	})
	b.Run("no change", func(b *testing.B) {
		c := buildcache.Open(b.TempDir(), "bench")
		stored(detect(c, readLastRepeats(context.Background(), c, cfg), in, cfg, false, nil))
		cpu := cpuClock(b)
		for b.Loop() {
			stored(detect(c, readLastRepeats(context.Background(), c, cfg), in, cfg, false, nil))
		}
		cpu.report()
	})
}

// cpuTimer measures the CPU time of the process from its start.
type cpuTimer struct {
	b     *testing.B
	start time.Duration
}

func cpuClock(b *testing.B) cpuTimer { return cpuTimer{b, processCPU()} }

// report reports the CPU time since the start per iteration.
func (c cpuTimer) report() {
	if c.b.N > 0 {
		c.b.ReportMetric(float64(processCPU()-c.start)/float64(c.b.N), "cpu-ns/op")
	}
}

// stored waits for what detect stores in the cache.
func stored(_ [][]repeats.Candidate, stored func(), _ error) { stored() }
