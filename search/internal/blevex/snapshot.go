package blevex

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// Snapshot is one unchanging view of an index: the reader bleve's
// searchers take, and, when the index is scorch's, its segments, for
// reading stored fields without copies.
type Snapshot struct {
	Reader index.IndexReader
	// The segments and the number of each one's first document, as
	// scorch numbers them (see DocNum). Empty for another engine's reader.
	segments []*scorch.SegmentSnapshot
	offsets  []uint64
}

// Open takes the current snapshot of idx. Close it when done.
func Open(idx bleve.Index) (*Snapshot, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	return NewSnapshot(r), nil
}

// NewSnapshot wraps a reader. A reader of another engine than scorch's
// works too, reading stored fields through bleve's IndexReader.Document.
func NewSnapshot(r index.IndexReader) *Snapshot {
	s := &Snapshot{Reader: r}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		var running uint64
		for _, seg := range snap.Segments() {
			s.segments = append(s.segments, seg)
			s.offsets = append(s.offsets, running)
			running += seg.Segment().Count() // deleted documents included
		}
	}
	return s
}

// Close releases the reader.
func (s *Snapshot) Close() error { return s.Reader.Close() }

// Segments is the number of segments read directly (0 for a reader of
// another engine).
func (s *Snapshot) Segments() int { return len(s.segments) }

// VisitStored calls visit with each stored field of the document numbered
// doc, whose id is id, but its _id. visit must not keep value: it may be a
// view into the index's buffers. A damaged segment is an error.
func (s *Snapshot) VisitStored(doc uint64, id string, visit func(field string, value []byte)) (err error) {
	defer RecoverDamage(&err)
	if s.segments != nil {
		i := sort.Search(len(s.offsets), func(i int) bool { return s.offsets[i] > doc }) - 1
		if i < 0 {
			return fmt.Errorf("no segment holds document %d", doc)
		}
		return s.segments[i].VisitDocument(doc-s.offsets[i], func(field string, _ byte, value []byte, _ []uint64) bool {
			if field != "_id" {
				visit(field, value)
			}
			return true
		})
	}
	d, err := s.Reader.Document(id)
	if err != nil || d == nil {
		return err
	}
	d.VisitFields(func(f index.Field) { visit(f.Name(), f.Value()) })
	return nil
}

// DocNum is the document number of a match or of a listed document:
// dense from 0 in a snapshot, so that it can index a table.
func DocNum(id index.IndexInternalID) uint64 { return id.Value() }

// RecoverDamage, deferred by a function that has bleve read an index's
// files, turns a panic in that reading into the error *err: bleve v2.6.1
// trusts the lengths and offsets in its files, and a damaged file sends
// it out of range of a slice.
func RecoverDamage(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("the index files are damaged: %v", p)
	}
}

// Each runs s over r to its end and calls fn with the number of each
// document it matches and the match, which fn must not keep: it goes back
// to the pool when fn returns. An error from fn stops the run and is
// returned. s is not closed.
func Each(r index.IndexReader, s bsearch.Searcher, fn func(doc uint64, dm *bsearch.DocumentMatch) error) error {
	ctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       r,
	}
	for {
		dm, err := s.Next(ctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		err = fn(DocNum(dm.IndexInternalID), dm)
		ctx.DocumentMatchPool.Put(dm)
		if err != nil {
			return err
		}
	}
}

// DocList returns a searcher that matches the documents numbered docs,
// which must be sorted, each with the score 1, as bleve's match-all
// scores them. bleve's own ways to the same (its match-all reader, and
// DocIDQuery for chosen documents) start a goroutine per segment and
// wait for it: on a busy server that wait was the longest part of some
// searches.
func DocList(docs []uint64) bsearch.Searcher { return &docListSearcher{docs: docs} }

type docListSearcher struct {
	docs []uint64
	next int
}

func (s *docListSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if s.next >= len(s.docs) {
		return nil, nil
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = index.NewIndexInternalID(dm.IndexInternalID, s.docs[s.next])
	dm.Score = 1
	s.next++
	return dm, nil
}

func (s *docListSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	target := DocNum(id)
	for s.next < len(s.docs) && s.docs[s.next] < target {
		s.next++
	}
	return s.Next(ctx)
}

func (s *docListSearcher) Close() error               { return nil }
func (s *docListSearcher) Weight() float64            { return 1 }
func (s *docListSearcher) SetQueryNorm(float64)       {}
func (s *docListSearcher) Count() uint64              { return uint64(len(s.docs)) }
func (s *docListSearcher) Min() int                   { return 0 }
func (s *docListSearcher) Size() int                  { return 64 + 8*len(s.docs) }
func (s *docListSearcher) DocumentMatchPoolSize() int { return 1 }
