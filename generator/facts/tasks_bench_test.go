package facts

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// BenchmarkTasksCost measures what content/tasks.json adds to a build of
// the content folder named by $INCIDENTS_BENCH_ARCHIVE (for example a
// gencorpus archive of 10,000 reports with a tasks.json of its 35,000
// tasks): parsing the file, the trend figures with and without it, and
// the computed answers and recurrence chains of every report page with
// and without it. It is skipped when the variable is not set.
func BenchmarkTasksCost(b *testing.B) {
	dir := os.Getenv("INCIDENTS_BENCH_ARCHIVE")
	if dir == "" {
		b.Skip("set INCIDENTS_BENCH_ARCHIVE to a content folder with tasks.json")
	}
	data, err := os.ReadFile(filepath.Join(dir, tasks.FileName))
	if err != nil {
		b.Fatal(err)
	}
	arc, diags, err := archive.Load(context.Background(), os.DirFS(dir), archive.Options{})
	if err != nil || diags.HasErrors() || arc.Tasks == nil {
		b.Fatalf("loading %s: %v, %v", dir, err, diags.Errors())
	}
	file := arc.Tasks
	f, err := Compute(context.Background(), arc, Options{NoHTML: true, NoTrends: true})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	rubric := arc.Site.ScorecardKeys()
	// Each figure is measured with the file and without it in turn, and
	// each run timed on its own, so that a machine whose speed drifts
	// slows both alike; the medians are reported, in milliseconds.
	stages := []struct {
		name string
		run  func(tf *tasks.File)
	}{
		{"parse", func(tf *tasks.File) {
			if tf != nil && tasks.Parse("tasks.json", data, &diag.List{}) == nil {
				b.Fatal("not parsed")
			}
		}},
		{"trends", func(tf *tasks.File) {
			arc.Tasks = tf
			defer func() { arc.Tasks = file }()
			f.computeTrends(now)
		}},
		{"pages", func(tf *tasks.File) {
			cfg := analysis.DefaultConfig()
			cfg.Tasks = tf
			x := analysis.New(arc.Incidents, f.Repeats, cfg)
			for _, in := range arc.Incidents {
				x.Checks(in, rubric)
				x.EarlierInChain(in)
			}
		}},
	}
	took := make([][2][]time.Duration, len(stages))
	for b.Loop() {
		for i, st := range stages {
			for k, tf := range []*tasks.File{nil, file} {
				t0 := time.Now()
				st.run(tf)
				took[i][k] = append(took[i][k], time.Since(t0))
			}
		}
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Microseconds()) / 1000
	}
	for i, st := range stages {
		without, with := median(took[i][0]), median(took[i][1])
		if st.name != "parse" {
			b.ReportMetric(without, st.name+"-ms-without")
		}
		b.ReportMetric(with-without, st.name+"-ms-added")
	}
}
