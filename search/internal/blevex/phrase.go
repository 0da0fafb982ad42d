package blevex

import (
	"context"
	"runtime"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/incidents-archive/incidents/search/compound"
)

// checkEvery is how many candidates a phrase search checks between
// yielding to other goroutines.
const checkEvery = 512

// PhraseQuery matches the words of a phrase next to each other in one
// field, as bleve's MatchPhraseQuery does, with the same hits and the
// same scores, but checks positions on the word locations as the term
// searchers return them. bleve's phrase searcher first turns every
// candidate's locations into nested maps, which was two thirds of the
// cost of a phrase over 10,000 reports and most of its garbage.
type PhraseQuery struct {
	Phrase string
	Field  string
	Boost  float64
}

// Searcher analyses the phrase with the field's analyzer and runs a
// conjunction of its words that keeps only documents where they stand in
// the phrase's order, at the phrase's distances (a removed stop word
// leaves a gap of one).
func (q *PhraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	analyzer := m.AnalyzerNamed(m.AnalyzerNameForPath(q.Field))
	if analyzer == nil {
		return query.NewMatchNoneQuery().Searcher(ctx, r, m, opts)
	}
	// In a phrase, svc-0947 stands for the name as written, which the
	// index holds as one term; that term is far rarer than its parts
	// ("svc" is in nearly every report), so checking it alone costs little.
	tokens := compound.WholeNames(analyzer.Analyze([]byte(q.Phrase)))
	if len(tokens) == 0 {
		return query.NewMatchNoneQuery().Searcher(ctx, r, m, opts)
	}
	if len(tokens) == 1 {
		// One word, or one name such as svc-0947: its term, scored as the
		// phrase's only word would be.
		return searcher.NewTermSearcher(ctx, r, string(tokens[0].Term), q.Field, q.Boost, opts)
	}
	first := tokens[0].Position
	for _, t := range tokens {
		first = min(first, t.Position)
	}
	words := make([]phraseWord, 0, len(tokens))
	for _, t := range tokens {
		words = append(words, phraseWord{term: string(t.Term), offset: uint64(t.Position - first)})
	}
	inner := opts
	inner.IncludeTermVectors = true
	parts := make([]bsearch.Searcher, 0, len(words))
	closeAll := func() {
		for _, s := range parts {
			s.Close()
		}
	}
	for _, w := range words {
		s, err := searcher.NewTermSearcher(ctx, r, w.term, q.Field, q.Boost, inner)
		if err != nil {
			closeAll()
			return nil, err
		}
		parts = append(parts, s)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, parts, inner)
	if err != nil {
		closeAll()
		return nil, err
	}
	return &phraseSearcher{Searcher: conj, field: q.Field, words: words, keepLocations: opts.IncludeTermVectors}, nil
}

type phraseWord struct {
	term   string
	offset uint64 // position after the phrase's first word
}

// phraseSearcher filters a conjunction of the phrase's words.
type phraseSearcher struct {
	bsearch.Searcher
	field         string
	words         []phraseWord
	keepLocations bool
	starts        []uint64 // scratch: positions of the first word
	at            []uint64 // scratch: positions of one word
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.filter(ctx, dm, err)
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.filter(ctx, dm, err)
}

// filter returns dm if the phrase is in it, else the next match that has
// the phrase.
func (s *phraseSearcher) filter(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for checked := 1; err == nil && dm != nil; dm, err = s.Searcher.Next(ctx) {
		if checked++; checked%checkEvery == 0 {
			runtime.Gosched() // as the search's collector does: a long scan lets other searches run
		}
		if s.matches(dm) {
			if s.keepLocations {
				s.keepPhraseLocations(dm)
			} else {
				dm.FieldTermLocations = dm.FieldTermLocations[:0]
			}
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
	}
	return nil, err
}

// matches reports whether some position of the first word is followed by
// every other word at its offset.
func (s *phraseSearcher) matches(dm *bsearch.DocumentMatch) bool {
	s.starts = s.positions(dm, s.words[0].term, s.starts[:0])
	for _, w := range s.words[1:] {
		if len(s.starts) == 0 {
			return false
		}
		s.at = s.positions(dm, w.term, s.at[:0])
		kept := s.starts[:0]
		for _, p := range s.starts {
			if _, found := slices.BinarySearch(s.at, p+w.offset); found {
				kept = append(kept, p)
			}
		}
		s.starts = kept
	}
	return len(s.starts) > 0
}

// keepPhraseLocations drops the locations of the phrase's words where
// they do not stand in the phrase, as bleve's phrase searcher does: a
// snippet marks the phrase, not each of its words wherever it is.
func (s *phraseSearcher) keepPhraseLocations(dm *bsearch.DocumentMatch) {
	kept := dm.FieldTermLocations[:0]
	for _, l := range dm.FieldTermLocations {
		if l.Field != s.field {
			continue
		}
		for _, w := range s.words {
			if l.Term != w.term || l.Location.Pos < w.offset {
				continue
			}
			if _, found := slices.BinarySearch(s.starts, l.Location.Pos-w.offset); found {
				kept = append(kept, l)
				break
			}
		}
	}
	dm.FieldTermLocations = kept
}

// positions appends the sorted positions of term in the phrase's field.
func (s *phraseSearcher) positions(dm *bsearch.DocumentMatch, term string, dst []uint64) []uint64 {
	for i := range dm.FieldTermLocations {
		l := &dm.FieldTermLocations[i]
		if l.Term == term && l.Field == s.field {
			dst = append(dst, l.Location.Pos)
		}
	}
	slices.Sort(dst)
	return dst
}
