package static_test

import (
	"context"
	"os"
	"testing"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// benchDocs are the documents of the content folder in
// $INCIDENTS_SEARCH_CORPUS (such as the archives of
// ../shared/bench/gencorpus.py), or 2,000 synthetic reports.
func benchDocs(b *testing.B) []search.Document {
	dir := os.Getenv("INCIDENTS_SEARCH_CORPUS")
	if dir == "" {
		return syntheticDocs(2000, 9)
	}
	ctx := context.Background()
	arc, diags, err := generator.Load(ctx, generator.Config{Source: dir})
	if err != nil || diags.HasErrors() {
		b.Fatalf("loading %s: %v %v", dir, err, diags)
	}
	f, err := facts.Compute(ctx, arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
	if err != nil {
		b.Fatal(err)
	}
	return generator.Documents(f)
}

// discard takes files and keeps none.
type discard struct{}

func (discard) WriteFile(string, []byte) (bool, error) { return true, nil }

// BenchmarkWrite writes the static index of an archive: cold (every
// report analysed), and after one report's body changed, with the others'
// analyses read back from their binary form as a build reads them from
// its cache (and the new analyses encoded for the next one); then reading
// and encoding the analyses alone. It reports the binary form's size.
func BenchmarkWrite(b *testing.B) {
	docs := benchDocs(b)
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			if _, err := static.Write(ctx, discard{}, docs, static.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	cache := &bytesCache{}
	if _, err := static.Write(ctx, discard{}, docs, static.Options{Cache: cache}); err != nil {
		b.Fatal(err)
	}
	b.Run("one-changed", func(b *testing.B) {
		body := docs[0].Body
		n := 0
		for b.Loop() {
			n++
			docs[0].Body = body + " edit" + string(rune('a'+n%26))
			st, err := static.Write(ctx, discard{}, docs, static.Options{Cache: cache})
			if err != nil {
				b.Fatal(err)
			}
			if st.Analysed != 1 {
				b.Fatalf("analysed %d reports, want 1", st.Analysed)
			}
		}
		docs[0].Body = body
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			var a static.Analyses
			if err := a.UnmarshalBinary(cache.data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(cache.data)), "cache-bytes")
	})
	b.Run("store", func(b *testing.B) {
		a := cache.Load()
		for b.Loop() {
			if _, err := a.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
