package render

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/layouts"
)

// benchArchive builds an archive of n reports shaped like real ones: five
// responders, three services, five action items and a full scorecard.
func benchArchive(b *testing.B, n int) *archive.Archive {
	b.Helper()
	files := fstest.MapFS{"site.yaml": {Data: []byte("title: Bench\ntask_url: https://t.example/{task}\n")}}
	keys := []string{"responders_differ", "responders_prepared", "few_paged", "pages_routed_correctly", "pages_business_hours", "status_doc_updated", "public_status_posted", "task_exists", "actionables_assigned", "not_a_repeat", "task_queue_clear", "communication_ok", "monitoring_notified", "tools_available", "runbook_used"}
	for i := 0; i < n; i++ {
		var fm strings.Builder
		fmt.Fprintf(&fm, "---\nid: 2024-01-%02d svc-%d\ntitle: svc-%d overload number %d\ntask: T%d\nstart: 2024-01-%02d 03:00\nend: 2024-01-%02d 05:30\ndetected: 2024-01-%02d 03:20\ndetection: human\npaged: 3\npaged_after_hours: 1\n",
			i%28+1, i, i%50, i, 100000+i, i%28+1, i%28+1, i%28+1)
		fmt.Fprintf(&fm, "responders: [Ana Berg, Ben Costa, Chen Dahl, Dawid Eze, Elif Gil]\ncoordinators: [Ana Berg]\nservices: [svc-%d, svc-%d, svc-%d]\nsites: [eqiad, codfw]\n", i%50, (i+7)%50, (i+13)%50)
		fm.WriteString("impact: Users saw errors for two hours.\nrequests_failed: 123456\ntrigger: traffic\ncauses: [retry-storm, timeouts]\nfailure_mode: overload\nactionables:\n")
		for a := 0; a < 5; a++ {
			fmt.Fprintf(&fm, "  - {title: Fix thing %d, task: T2%05d, owner: Ana Berg, status: open}\n", a, i*5+a)
		}
		fm.WriteString("scorecard:\n")
		for k, key := range keys {
			fmt.Fprintf(&fm, "  %s: %s\n", key, []string{"yes", "no"}[k%2])
		}
		fm.WriteString("---\n## Summary\n\nClients retried. See T1234.\n\n## Timeline\n\n- 03:00 start\n- 05:30 end\n\n## Conclusions\n\n### What went well?\n\n- Little.\n")
		files[fmt.Sprintf("incidents/%d.md", i)] = &fstest.MapFile{Data: []byte(fm.String())}
	}
	arc, diags, err := archive.Load(context.Background(), files, archive.Options{})
	if err != nil || diags.HasErrors() {
		b.Fatalf("load: %v %v", err, diags.All())
	}
	return arc
}

// newBenchSite prepares the render of arc at the root "/", with the facts
// of arc as of now.
func newBenchSite(b *testing.B, arc *archive.Archive, now time.Time) *site {
	b.Helper()
	lay := fs.FS(layouts.FS)
	if dir := os.Getenv("BENCH_LAYOUTS"); dir != "" {
		lay = Overlay(os.DirFS(dir), layouts.FS) // try a layout change
	}
	f, err := facts.Compute(context.Background(), arc, facts.Options{Root: "/", ReservedIDs: ReservedIDs(), Now: now})
	if err != nil {
		b.Fatal(err)
	}
	s := &site{arc: arc, facts: f, opts: Options{BaseURL: "/", Layouts: lay, Workers: 1}, root: "/", absBase: "/"}
	if err := s.prepare(); err != nil {
		b.Fatal(err)
	}
	return s
}

// keptBodies saves the bodies' HTML of f and returns what puts it back: a
// report page drops its body's HTML once written (facts.DropHTML), so a
// benchmark that renders a page again must restore it, or it measures
// pages without bodies.
func keptBodies(f *facts.Facts) func() {
	saved := make([][]byte, len(f.Bodies))
	for i, body := range f.Bodies {
		saved[i] = body.HTML
	}
	return func() {
		for i, html := range saved {
			f.Bodies[i].HTML = html
		}
	}
}

// BenchmarkIncidentPage measures executing one incident page's templates,
// the largest share of a build's CPU time.
func BenchmarkIncidentPage(b *testing.B) {
	arc := benchArchive(b, 200)
	s := newBenchSite(b, arc, time.Now())
	restore := keptBodies(s.facts)
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if i%len(arc.Incidents) == 0 {
			b.StopTimer()
			restore()
			b.StartTimer()
		}
		if _, err := s.incidentJob(arc.Incidents[i%len(arc.Incidents)])(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}

// BenchmarkTermPage measures a service page listing 12 reports.
func BenchmarkTermPage(b *testing.B) {
	arc := benchArchive(b, 200)
	s := newBenchSite(b, arc, time.Now())
	tax := arc.Taxonomy("services")
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if _, err := s.termJobs(tax, tax.Terms[i%len(tax.Terms)])[0](&buf); err != nil {
			b.Fatal(err)
		}
	}
}
