package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// variedDocs is a made-up archive with overlapping services, causes,
// sites, years and words, and many equal dates and scores, so that ties
// and facets are exercised.
func variedDocs(n int) []Document {
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"timeout", "retry", "storm", "proxy", "certificate", "expired", "replication", "lag", "memory", "leak", "deploy", "rollback", "quorum", "backlog", "disk", "full"}
	pick := func(from []string, k int) []string {
		var out []string
		for range k {
			if w := from[rng.IntN(len(from))]; !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		return out
	}
	sentence := func(k int) string { return strings.Join(pick(words, k), " ") + "." }
	services := []string{"parsoid", "restbase", "ores", "mediawiki-api", "etcd", "kafka", "varnish"}
	docs := make([]Document, n)
	for i := range docs {
		start := time.Date(2015+rng.IntN(8), time.Month(1+rng.IntN(12)), 1+rng.IntN(3), 0, 0, 0, 0, time.UTC)
		docs[i] = Document{
			ID: fmt.Sprintf("%s r%03d", start.Format("2006-01-02"), i), Title: sentence(3), URL: fmt.Sprintf("incidents/r%03d/", i),
			Start: start, Year: start.Year(), Status: "final",
			Services: pick(services, 1+rng.IntN(3)), Causes: pick([]string{"retry-storm", "capacity", "expiry", "config"}, 1+rng.IntN(2)),
			Sites:  pick([]string{"eqiad", "codfw", "esams"}, 1+rng.IntN(2)),
			Impact: sentence(4), Summary: sentence(6), Body: sentence(10) + "\n" + sentence(10),
		}
	}
	return docs
}

// TestCollectAgreesWithBleve checks the search's own collector against
// bleve's: the same totals, the same hits in the same order, and the same
// facet counts, for every kind of query and order.
func TestCollectAgreesWithBleve(t *testing.T) {
	x := memIndex(t, variedDocs(300))
	queries := []string{"", "timeout", "retry storm", `"replication lag"`, "services:parsoid", "causes:capacity", "re*", "/pro.*/", "timout~1",
		`start:>"2019-01-01"`, "+memory -leak", "mediawiki-api", "title:deploy", "nothingmatches"}
	for _, qs := range queries {
		for _, sort := range []string{SortRelevance, SortNewest, SortOldest} {
			for _, page := range []int{1, 3} {
				r := Request{Query: qs, Sort: sort, Page: page, Size: 7}
				t.Run(fmt.Sprintf("%s/%s/%d", qs, sort, page), func(t *testing.T) {
					got, err := x.Search(context.Background(), r)
					if err != nil {
						t.Fatal(err)
					}
					want := bleveSearch(t, x, r)
					if got.Total != want.Total {
						t.Errorf("total = %d, bleve says %d", got.Total, want.Total)
					}
					var gotIDs []string
					for _, h := range got.Hits {
						gotIDs = append(gotIDs, h.ID)
					}
					var wantIDs []string
					for _, h := range want.Hits {
						wantIDs = append(wantIDs, h.ID)
					}
					if !slices.Equal(gotIDs, wantIDs) {
						t.Errorf("hits = %v\nbleve  %v", gotIDs, wantIDs)
					}
					for i, f := range facetFields {
						var wantCounts []FacetCount
						if fr := want.Facets[f.Name]; fr != nil && fr.Terms != nil {
							for _, term := range fr.Terms.Terms() {
								wantCounts = append(wantCounts, FacetCount{Term: term.Term, Count: term.Count})
							}
						}
						gotCounts := got.Facets[f.Name]
						if f.Name == "years" {
							slices.SortFunc(wantCounts, func(a, b FacetCount) int { return strings.Compare(b.Term, a.Term) })
						}
						if fmt.Sprint(gotCounts) != fmt.Sprint(wantCounts) && !(len(gotCounts) == 0 && len(wantCounts) == 0) {
							t.Errorf("facet %d %s = %v\nbleve %v", i, f.Name, gotCounts, wantCounts)
						}
					}
				})
			}
		}
	}
}

// bleveSearch runs r through bleve's own collector, as the search did
// before it had one of its own.
func bleveSearch(t *testing.T, x *Index, r Request) *bleve.SearchResult {
	t.Helper()
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	q, _, err := buildQuery(r)
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(q, r.Size, (r.Page-1)*r.Size, false)
	switch r.Sort {
	case SortNewest:
		req.SortBy([]string{"-start", "id"})
	case SortOldest:
		req.SortBy([]string{"start", "id"})
	}
	for _, f := range facetFields {
		req.AddFacet(f.Name, bleve.NewFacetRequest(f.Field, facetSize))
	}
	res, err := x.idx.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRankingKeepsTheBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{1, 2, 7, 50} {
		r := &ranking{k: k, better: func(a, b ranked) bool { return a.score > b.score || (a.score == b.score && a.seen < b.seen) }}
		var all []ranked
		for i := range 300 {
			h := ranked{doc: uint64(i), score: float64(rng.IntN(40)), seen: i}
			all = append(all, h)
			r.offer(h)
		}
		slices.SortFunc(all, func(a, b ranked) int {
			if a.score != b.score {
				if a.score > b.score {
					return -1
				}
				return 1
			}
			return a.seen - b.seen
		})
		if got := r.sorted(); !slices.Equal(got, all[:k]) {
			t.Errorf("k=%d: kept %v, want %v", k, got, all[:k])
		}
	}
}

// TestStoredFieldsAcrossSegments: an index written in several batches has
// several segments, some with deleted documents; every hit still shows its
// own title and services.
func TestStoredFieldsAcrossSegments(t *testing.T) {
	docs := variedDocs(60)
	idx, err := bleve.NewUsing("", NewMapping(), "scorch", "scorch", nil)
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < len(docs); start += 20 {
		b := idx.NewBatch()
		for i := start; i < start+20; i++ {
			if err := b.Index(docs[i].ID, toIndexed(&docs[i])); err != nil {
				t.Fatal(err)
			}
		}
		if start == 20 {
			b.Delete(docs[3].ID) // a deleted document in the first segment
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	x, err := newIndex(idx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if x.snap.Segments() < 2 {
		t.Fatalf("%d segments; the test needs several", x.snap.Segments())
	}
	res, err := x.Search(context.Background(), Request{Size: 100, Sort: SortOldest})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	if res.Total != uint64(len(docs)-1) {
		t.Errorf("total = %d, want %d", res.Total, len(docs)-1)
	}
	for _, h := range res.Hits {
		d := byID[h.ID]
		if h.Title != d.Title || !slices.Equal(h.Services, d.Services) || h.URL != "/"+d.URL {
			t.Errorf("%s: title %q services %v url %q, want %q %v %q", h.ID, h.Title, h.Services, h.URL, d.Title, d.Services, "/"+d.URL)
		}
	}
}

// TestSnippetsNeedOnlyTheTextTheyShow: cutting the stored texts short at
// snippetLimit gives the same passages as the whole texts.
func TestSnippetsNeedOnlyTheTextTheyShow(t *testing.T) {
	docs := variedDocs(200)
	long := strings.Repeat("filler words without the term. ", 40)
	for i := range docs[:50] {
		docs[i].Body = long + docs[i].Body + long + "timeout at the very end. " + long
	}
	x := memIndex(t, docs)
	byID := map[string]Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	for _, q := range []string{"timeout", "retry storm", `"replication lag"`, "", "services:parsoid", "filler"} {
		res, err := x.Search(context.Background(), Request{Query: q, Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		_, words, _ := buildQuery(Request{Query: q})
		var top []ranked
		for _, h := range res.Hits {
			for n, row := range x.table.rows {
				if row.id == h.ID {
					top = append(top, ranked{doc: uint64(n)})
				}
			}
		}
		spans, err := x.locate(context.Background(), words, top)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range res.Hits {
			d := byID[h.ID]
			var want []string
			for _, p := range passages([]string{d.Summary, d.Impact, d.Body}, spans[top[i].doc], 3) {
				want = append(want, p.HTML())
			}
			if !slices.Equal(h.Fragments, want) {
				t.Errorf("%q, %s:\n got %q\nwant %q", q, h.ID, h.Fragments, want)
			}
		}
	}
}
