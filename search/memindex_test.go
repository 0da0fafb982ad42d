package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// newMemIndex is an in-memory scorch index of docs, in one batch. (bleve's
// NewMemOnly uses the older, much slower upsidedown engine.)
func newMemIndex(docs []Document) (*Index, error) {
	idx, err := bleve.NewUsing("", NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	for i := range docs {
		if err := b.Index(docs[i].ID, toIndexed(&docs[i])); err != nil {
			return nil, err
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, err
	}
	return newIndex(idx, "")
}
