package render

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
)

// BenchmarkTrends measures what the trend pages add to rendering a build:
// /trends/ (every chart, table and CSV file), /trends.json and the trend
// of every service and cause page. (The analysis stage computes the
// figures once per build: see BenchmarkCompute in package trends.) It reads
// the archive in $INCIDENTS_BENCH_CORPUS when set (such as one made by
// gencorpus.py 10000 DIR), and otherwise makes 10,000 reports spread over
// fifteen years.
func BenchmarkTrends(b *testing.B) {
	var arc *archive.Archive
	if dir := os.Getenv("INCIDENTS_BENCH_CORPUS"); dir != "" {
		var err error
		a, diags, err := archive.Load(context.Background(), os.DirFS(dir), archive.Options{})
		if err != nil || diags.HasErrors() {
			b.Fatalf("load %s: %v %v", dir, err, diags.All())
		}
		arc = a
	} else {
		arc = benchArchive(b, 10000)
		start := time.Date(2012, 1, 1, 3, 0, 0, 0, time.UTC)
		for i, in := range arc.Incidents {
			d := in.End.Sub(in.Start)
			in.Start = start.Add(time.Duration(i) * 13 * time.Hour)
			in.End, in.Detected = in.Start.Add(d), in.Start.Add(in.TTD)
		}
	}
	s := newBenchSite(b, arc, time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC))
	var terms int
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d, _ := s.trendsPage()
		buf.Reset()
		if err := s.execute(&buf, "trends", d); err != nil {
			b.Fatal(err)
		}
		if _, err := s.trendsJSONJob()(&buf); err != nil {
			b.Fatal(err)
		}
		terms = 0
		for _, kind := range []string{"services", "causes"} {
			tax := arc.Taxonomy(kind)
			for _, term := range tax.Terms {
				s.termTrend(tax, term).drawn()
				terms++
			}
		}
	}
	b.ReportMetric(float64(len(arc.Incidents)), "reports")
	b.ReportMetric(float64(terms), "term-trends")
}
