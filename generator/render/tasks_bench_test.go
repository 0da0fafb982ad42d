package render

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/layouts"
)

// BenchmarkTasksPages measures what content/tasks.json adds to the pages
// that show tasks, in the content folder named by
// $INCIDENTS_BENCH_ARCHIVE (for example a gencorpus archive of 10,000
// reports with the tasks.json of "incidents tasks sync --offline"): every
// report page (badges, action items' dates and disagreements, the
// computed task_queue_clear, the chains) and the home page (open action
// items by the tracker), with the file and without it, in turn, on one
// core: ms-added is the difference of the medians. The
// other costs of the file are measured by generator/facts
// BenchmarkTasksCost. It is skipped when the variable is not set.
func BenchmarkTasksPages(b *testing.B) {
	dir := os.Getenv("INCIDENTS_BENCH_ARCHIVE")
	if dir == "" {
		b.Skip("set INCIDENTS_BENCH_ARCHIVE to a content folder with tasks.json")
	}
	arc, diags, err := archive.Load(context.Background(), os.DirFS(dir), archive.Options{})
	if err != nil || diags.HasErrors() || arc.Tasks == nil {
		b.Fatalf("loading %s: %v, %v", dir, err, diags.Errors())
	}
	without := *arc
	without.Tasks = nil
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	sites := map[bool]*site{}
	for _, with := range []bool{false, true} {
		a := &without
		if with {
			a = arc
		}
		f, err := facts.Compute(context.Background(), a, facts.Options{Root: "/", ReservedIDs: ReservedIDs(), Now: now})
		if err != nil {
			b.Fatal(err)
		}
		s := &site{arc: a, facts: f, opts: Options{BaseURL: "/", Layouts: layouts.FS, Workers: 1}, root: "/", absBase: "/"}
		if err := s.prepare(); err != nil {
			b.Fatal(err)
		}
		sites[with] = s
	}
	// The two are rendered in turn, each timed on its own, so that a
	// machine whose speed drifts slows both alike.
	var buf bytes.Buffer
	restore := map[*site]func(){sites[false]: keptBodies(sites[false].facts), sites[true]: keptBodies(sites[true].facts)}
	render := func(s *site) (time.Duration, int) {
		restore[s]()
		t0 := time.Now()
		n := 0
		for _, in := range s.arc.Incidents {
			buf.Reset()
			if _, err := s.incidentJob(in)(&buf); err != nil {
				b.Fatal(err)
			}
			n += buf.Len()
		}
		buf.Reset()
		if _, err := s.homeJob()(&buf); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0), n + buf.Len()
	}
	var took [2][]time.Duration
	var size [2]int
	for b.Loop() {
		for k, with := range []bool{false, true} {
			d, n := render(sites[with])
			took[k] = append(took[k], d)
			size[k] = n
		}
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	w, wo := median(took[1]), median(took[0])
	b.ReportMetric(float64(wo.Milliseconds()), "ms-without")
	b.ReportMetric(float64(w.Milliseconds()), "ms-with")
	b.ReportMetric(float64((w - wo).Milliseconds()), "ms-added")
	b.ReportMetric(float64(size[1]-size[0])/1e6, "MB-added")
}
