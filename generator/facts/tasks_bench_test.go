package facts

import (
	"context"
	"os"
	"path/filepath"
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
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if tasks.Parse("tasks.json", data, &diag.List{}) == nil {
				b.Fatal("not parsed")
			}
		}
	})
	for _, with := range []bool{false, true} {
		name := map[bool]string{false: "without", true: "with"}[with]
		tf := file
		if !with {
			tf = nil
		}
		b.Run("trends/"+name, func(b *testing.B) {
			arc.Tasks = tf
			defer func() { arc.Tasks = file }()
			for b.Loop() {
				f.computeTrends(now)
			}
		})
		b.Run("pages/"+name, func(b *testing.B) {
			cfg := analysis.DefaultConfig()
			cfg.Tasks = tf
			for b.Loop() {
				x := analysis.New(arc.Incidents, f.Repeats, cfg)
				for _, in := range arc.Incidents {
					x.Checks(in, rubric)
					x.EarlierInChain(in)
				}
			}
		})
	}
}
