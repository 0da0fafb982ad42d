package search

import (
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/incidents-archive/incidents/search/internal/blevex"
)

// A search runs bleve's searchers but not its collector. bleve's collector
// reads every hit's doc values to count facets and to sort by date: on
// 10,000 reports that was more than half the cost of a query, and the
// same values were decoded again for every query. Instead, when an index
// is opened, one pass over its doc values fills a table with what
// counting and sorting need; a search then looks hits up in it by
// document number.

// facetTable is, for each document of one index snapshot, its id, its
// start and its facet values, the values interned per facet.
type facetTable struct {
	rows  []tableRow                 // by internal document number
	live  []uint64                   // the numbers of the documents, in order
	terms [len(facetFields)][]string // facet value by interned number
	// counters holds cleared facetCounters for reuse: a search would
	// otherwise allocate a count for each of thousands of services.
	counters sync.Pool
}

// tableRow is one document. Rows of deleted documents stay empty.
type tableRow struct {
	id     string
	start  int64 // Unix nanoseconds
	facets [len(facetFields)][]uint32
}

// buildTable reads the doc values of every live document of r. The table
// is nil when the error is not.
func buildTable(r index.IndexReader) (_ *facetTable, err error) {
	defer blevex.RecoverDamage(&err)
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("search index: listing documents: %w", err)
	}
	defer ids.Close()
	fields := []string{"start"}
	slot := map[string]int{} // facet field → its place in facetFields
	for i, f := range facetFields {
		fields = append(fields, f.Field)
		slot[f.Field] = i
	}
	dv, err := r.DocValueReader(fields)
	if err != nil {
		return nil, fmt.Errorf("search index: reading doc values: %w", err)
	}
	t := &facetTable{}
	interned := [len(facetFields)]map[string]uint32{}
	for i := range interned {
		interned[i] = map[string]uint32{}
	}
	for {
		iid, err := ids.Next()
		if err != nil {
			return nil, fmt.Errorf("search index: listing documents: %w", err)
		}
		if iid == nil {
			break
		}
		n := blevex.DocNum(iid)
		if n >= uint64(len(t.rows)) {
			t.rows = slices.Grow(t.rows, int(n+1)-len(t.rows))[:n+1]
		}
		t.live = append(t.live, n)
		row := &t.rows[n]
		if row.id, err = r.ExternalID(iid); err != nil {
			return nil, fmt.Errorf("search index: document %d: %w", n, err)
		}
		err = dv.VisitDocValues(iid, func(field string, term []byte) {
			if field == "start" {
				pc := numeric.PrefixCoded(term)
				if shift, err := pc.Shift(); err == nil && shift == 0 {
					if v, err := pc.Int64(); err == nil {
						row.start = v
					}
				}
				return
			}
			i, ok := slot[field]
			if !ok {
				return
			}
			id, ok := interned[i][string(term)]
			if !ok {
				id = uint32(len(t.terms[i]))
				s := string(term)
				interned[i][s] = id
				t.terms[i] = append(t.terms[i], s)
			}
			row.facets[i] = append(row.facets[i], id)
		})
		if err != nil {
			return nil, fmt.Errorf("search index: document %s: %w", row.id, err)
		}
	}
	slices.Sort(t.live)
	return t, nil
}

// facetCounter counts one search's hits per facet value.
type facetCounter struct {
	t      *facetTable
	counts [len(facetFields)][]int32
}

// counter returns a facetCounter with every count zero.
func (t *facetTable) counter() *facetCounter {
	if c, ok := t.counters.Get().(*facetCounter); ok {
		return c
	}
	c := &facetCounter{t: t}
	for i := range c.counts {
		c.counts[i] = make([]int32, len(t.terms[i]))
	}
	return c
}

// release clears c for the next search.
func (t *facetTable) release(c *facetCounter) {
	for i := range c.counts {
		clear(c.counts[i])
	}
	t.counters.Put(c)
}

func (c *facetCounter) add(row *tableRow) {
	for i, vals := range row.facets {
		for _, v := range vals {
			c.counts[i][v]++
		}
	}
}

// top returns facet i's n most frequent values, ties in name order, as
// bleve's term facets order them. It keeps the best n as it goes rather
// than sorting every value: a facet can have thousands.
func (c *facetCounter) top(i, n int) []FacetCount {
	terms := c.t.terms[i]
	before := func(a, b FacetCount) bool {
		return a.Count > b.Count || (a.Count == b.Count && a.Term < b.Term)
	}
	best := make([]FacetCount, 0, n+1)
	for v, count := range c.counts[i] {
		if count == 0 || (len(best) == n && int(count) < best[n-1].Count) {
			continue
		}
		f := FacetCount{Term: terms[v], Count: int(count)}
		if len(best) == n && !before(f, best[n-1]) {
			continue
		}
		at := len(best)
		for at > 0 && before(f, best[at-1]) {
			at--
		}
		best = slices.Insert(best, at, f)
		if len(best) > n {
			best = best[:n]
		}
	}
	return best
}
