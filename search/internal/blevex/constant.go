package blevex

import (
	"context"
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// ConstantScoreQuery matches what Inner matches and gives every hit the
// same score, Boost, as Lucene scores wildcard and range queries by
// default. How often each of hundreds of expanded words occurs says
// little about relevance, and not scoring them lets bleve union their
// postings as bitmaps instead of merging them hit by hit: on 10,000
// reports a prefix query such as re* went from about 30 ms to a few.
//
// A prefix, wildcard or regular expression Inner is expanded by
// PatternWords, at most MaxWords words per field.
type ConstantScoreQuery struct {
	Inner    query.Query
	Boost    float64
	MaxWords int
}

// Searcher runs the inner query without scores.
func (q *ConstantScoreQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	inner := opts
	inner.Score = "none"
	var s bsearch.Searcher
	var err error
	switch p := q.Inner.(type) {
	case *query.RegexpQuery:
		s, err = q.patternSearcher(ctx, r, m, p.FieldVal, strings.TrimPrefix(p.Regexp, "^"), inner)
	case *query.WildcardQuery:
		s, err = q.patternSearcher(ctx, r, m, p.FieldVal, wildcardToRegexp.Replace(p.Wildcard), inner)
	case *query.PrefixQuery:
		// As a pattern, so that it is walked over the segments here
		// rather than through bleve's dictionary reader, which starts a
		// goroutine per segment for each field.
		s, err = q.patternSearcher(ctx, r, m, p.FieldVal, regexp.QuoteMeta(p.Prefix)+".*", inner)
	default:
		s, err = q.Inner.Searcher(ctx, r, m, inner)
	}
	if err != nil {
		return nil, err
	}
	return &constantSearcher{Searcher: s, boost: q.Boost, norm: 1, scored: opts.Score != "none"}, nil
}

// wildcardToRegexp turns a wildcard into a regular expression as bleve's
// WildcardQuery does.
var wildcardToRegexp = strings.NewReplacer(
	"+", `\+`, "(", `\(`, ")", `\)`, "^", `\^`, "$", `\$`, ".", `\.`,
	"{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`, `|`, `\|`, `\`, `\\`,
	"*", ".*", "?", ".")

// patternSearcher matches the words of field that match pattern. bleve
// bounds such an expansion only through a global, and only when the words
// are scored: unscored, it unions any number of them.
func (q *ConstantScoreQuery) patternSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, field, pattern string, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if field == "" {
		field = m.DefaultSearchField()
	}
	terms, err := PatternWords(ctx, r, field, pattern, q.MaxWords)
	if err != nil {
		return nil, err
	}
	return searcher.NewMultiTermSearcher(ctx, r, terms, field, 1, opts, true)
}

// constantSearcher sets each hit's score to its boost times the query
// norm that the enclosing searcher hands down.
type constantSearcher struct {
	bsearch.Searcher
	boost, norm float64
	scored      bool
}

func (s *constantSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.scoreHit(s.Searcher.Next(ctx))
}

func (s *constantSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.scoreHit(s.Searcher.Advance(ctx, id))
}

func (s *constantSearcher) scoreHit(dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if dm != nil && s.scored {
		dm.Score = s.boost * s.norm
	}
	return dm, err
}

// Weight is the searcher's share of the query norm, as for bleve's own
// constant scorer.
func (s *constantSearcher) Weight() float64 { return s.boost * s.boost }

// SetQueryNorm takes the enclosing query's norm.
func (s *constantSearcher) SetQueryNorm(n float64) { s.norm = n }
