package search

import (
	"context"
	"testing"
)

// BenchmarkSearch times one search of each kind the API answers, with
// facets, on a made-up archive of 2,000 reports in memory. The served
// figures on 10,000 reports, under 16 clients, come from make
// bench-search.
func BenchmarkSearch(b *testing.B) {
	x, err := newMemIndex(variedDocs(2000))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for _, c := range []struct {
		name string
		r    Request
	}{
		{"word", Request{Query: "timeout"}},
		{"word-no-facets", Request{Query: "timeout", NoFacets: true}},
		{"two-words", Request{Query: "retry storm"}},
		{"phrase", Request{Query: `"replication lag"`}},
		{"service", Request{Query: "mediawiki-api"}},
		{"filtered", Request{Query: "timeout", Services: []string{"parsoid"}, Sort: SortNewest}},
		{"match-all-newest", Request{Sort: SortNewest}},
		{"prefix", Request{Query: "re*"}},
		{"infix", Request{Query: "*or*"}},
		{"regexp", Request{Query: "/.*or.*/"}},
		{"fuzzy", Request{Query: "timout~1"}},
		{"date-range", Request{Query: `start:>"2018-06-01"`}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Search(context.Background(), c.r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
