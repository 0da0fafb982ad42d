package search

import (
	"context"
	"runtime"
	"slices"
	"strings"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/incidents-archive/incidents/search/internal/blevex"
)

// ranked is a hit while a search collects them.
type ranked struct {
	doc   uint64 // internal document number: the row in the table
	score float64
	seen  int // order of arrival, which breaks ties in score as bleve does
}

// ranking keeps the best k hits seen so far in a binary heap whose root
// is the worst of them. (container/heap would box every hit offered.)
type ranking struct {
	k      int
	better func(a, b ranked) bool
	items  []ranked
}

func (r *ranking) offer(h ranked) {
	if len(r.items) < r.k {
		r.items = append(r.items, h)
		for i := len(r.items) - 1; i > 0; {
			parent := (i - 1) / 2
			if !r.better(r.items[parent], r.items[i]) {
				break
			}
			r.items[i], r.items[parent] = r.items[parent], r.items[i]
			i = parent
		}
		return
	}
	if !r.better(h, r.items[0]) {
		return
	}
	r.items[0] = h
	for i := 0; ; {
		worst, l, rt := i, 2*i+1, 2*i+2
		if l < len(r.items) && r.better(r.items[worst], r.items[l]) {
			worst = l
		}
		if rt < len(r.items) && r.better(r.items[worst], r.items[rt]) {
			worst = rt
		}
		if worst == i {
			return
		}
		r.items[i], r.items[worst] = r.items[worst], r.items[i]
		i = worst
	}
}

// sorted returns the kept hits, best first.
func (r *ranking) sorted() []ranked {
	out := slices.Clone(r.items)
	slices.SortFunc(out, func(a, b ranked) int {
		switch {
		case r.better(a, b):
			return -1
		case r.better(b, a):
			return 1
		}
		return 0
	})
	return out
}

// order returns how sort ranks two hits: by score, ties in the order
// bleve found them; or by start, ties by id.
func (t *facetTable) order(sort string) func(a, b ranked) bool {
	switch sort {
	case SortNewest, SortOldest:
		newest := sort == SortNewest
		return func(a, b ranked) bool {
			sa, sb := t.rows[a.doc].start, t.rows[b.doc].start
			if sa != sb {
				return (sa > sb) == newest
			}
			return strings.Compare(t.rows[a.doc].id, t.rows[b.doc].id) < 0
		}
	}
	return func(a, b ranked) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		return a.seen < b.seen
	}
}

// collected is what one pass over a query's matches found.
type collected struct {
	total  uint64
	top    []ranked // the page asked for, best first
	facets *facetCounter
}

// checkEvery is how many hits a search handles between looks at its
// deadline.
const checkEvery = 512

// collect runs q over the snapshot: it counts every match, counts facets
// when asked, and keeps the hits of the page asked for.
func (x *Index) collect(ctx context.Context, q query.Query, r Request) (*collected, error) {
	opts := bsearch.SearcherOptions{}
	if r.Sort != SortRelevance {
		opts.Score = "none" // the order does not need it
	}
	var s bsearch.Searcher
	if _, all := q.(*query.MatchAllQuery); all {
		// Every document, from the table: bleve's match-all reader starts
		// a goroutine and waits for it.
		s = blevex.DocList(x.table.live)
	} else {
		var err error
		if s, err = q.Searcher(blevex.WithPatterns(ctx), x.snap.Reader, x.idx.Mapping(), opts); err != nil {
			return nil, err
		}
	}
	defer s.Close()
	from := (r.Page - 1) * r.Size
	rank := &ranking{k: from + r.Size, better: x.table.order(r.Sort)}
	out := &collected{}
	if !r.NoFacets {
		out.facets = x.table.counter()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := x.table.rows
	n := 0
	err := blevex.Each(x.snap.Reader, s, func(doc uint64, dm *bsearch.DocumentMatch) error {
		seen := n
		if n++; seen > 0 && seen%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Let other searches run: without it a long search holds its
			// CPU for the scheduler's whole time slice, and short ones
			// queue behind it.
			runtime.Gosched()
		}
		if doc >= uint64(len(rows)) || rows[doc].id == "" {
			return nil // not in the table: cannot happen in a snapshot that does not change
		}
		out.total++
		if out.facets != nil {
			out.facets.add(&rows[doc])
		}
		rank.offer(ranked{doc: doc, score: dm.Score, seen: seen})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if top := rank.sorted(); from < len(top) {
		out.top = top[from:]
	}
	return out, nil
}

// snippetFields are the stored texts snippets are cut from, in the order
// they are preferred.
var snippetFields = [...]string{"summary", "impact", "body"}

// locate finds where words occur in the snippet fields of docs: a query
// for the words restricted to those documents, with the term vectors the
// index keeps, so the cost is in the few hits shown, not in the archive.
func (x *Index) locate(ctx context.Context, words []string, docs []ranked) (map[uint64][][]span, error) {
	if len(words) == 0 || len(docs) == 0 {
		return nil, nil
	}
	nums := make([]uint64, len(docs))
	for i, d := range docs {
		nums[i] = d.doc
	}
	slices.Sort(nums)
	alts := make([]query.Query, 0, len(words)*len(snippetFields))
	for _, w := range words {
		for _, f := range snippetFields {
			if strings.ContainsAny(w, " \t") || isCompound(w) {
				// A phrase, or a name such as svc-0947, is marked where
				// it stands whole, as it was searched.
				alts = append(alts, &blevex.PhraseQuery{Phrase: w, Field: f, Boost: 1})
				continue
			}
			m := query.NewMatchQuery(w)
			m.SetField(f)
			alts = append(alts, m)
		}
	}
	opts := bsearch.SearcherOptions{Score: "none", IncludeTermVectors: true}
	r := x.snap.Reader
	matching, err := query.NewDisjunctionQuery(alts).Searcher(ctx, r, x.idx.Mapping(), opts)
	if err != nil {
		return nil, err
	}
	// The documents are given by number, not through bleve's DocIDQuery,
	// whose reader starts a goroutine per segment and waits for it: on a
	// busy server that wait was the longest part of some searches.
	s, err := searcher.NewConjunctionSearcher(ctx, r, []bsearch.Searcher{blevex.DocList(nums), matching}, opts)
	if err != nil {
		matching.Close()
		return nil, err
	}
	defer s.Close()
	out := make(map[uint64][][]span, len(docs))
	err = blevex.Each(r, s, func(doc uint64, dm *bsearch.DocumentMatch) error {
		found := make([][]span, len(snippetFields))
		for _, l := range dm.FieldTermLocations {
			for k, f := range snippetFields {
				if l.Field == f {
					found[k] = append(found[k], span{int(l.Location.Start), int(l.Location.End)})
				}
			}
		}
		for k := range found {
			slices.SortFunc(found[k], func(a, b span) int { return a.start - b.start })
			found[k] = slices.Compact(found[k])
		}
		out[doc] = found
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
