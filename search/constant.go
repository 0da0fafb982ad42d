package search

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// constantScoreQuery matches what its inner query matches and gives every
// hit the same score, its boost, as Lucene scores wildcard and range
// queries by default. How often each of hundreds of expanded words occurs
// says little about relevance, and not scoring them lets bleve union their
// postings as bitmaps instead of merging them hit by hit: on 10,000
// reports a prefix query such as re* went from about 30 ms to a few.
type constantScoreQuery struct {
	inner query.Query
	boost float64
}

// Searcher runs the inner query without scores.
func (q *constantScoreQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	inner := opts
	inner.Score = "none"
	var s bsearch.Searcher
	var err error
	switch p := q.inner.(type) {
	case *query.RegexpQuery:
		s, err = patternSearcher(ctx, r, m, p.FieldVal, strings.TrimPrefix(p.Regexp, "^"), inner)
	case *query.WildcardQuery:
		s, err = patternSearcher(ctx, r, m, p.FieldVal, wildcardToRegexp.Replace(p.Wildcard), inner)
	case *query.PrefixQuery:
		// As a pattern, so that it is walked over the segments here
		// rather than through bleve's dictionary reader, which starts a
		// goroutine per segment for each field.
		s, err = patternSearcher(ctx, r, m, p.FieldVal, regexp.QuoteMeta(p.Prefix)+".*", inner)
	default:
		s, err = q.inner.Searcher(ctx, r, m, inner)
	}
	if err != nil {
		return nil, err
	}
	return &constantSearcher{Searcher: s, boost: q.boost, norm: 1, scored: opts.Score != "none"}, nil
}

// wildcardToRegexp turns a wildcard into a regular expression as bleve's
// WildcardQuery does.
var wildcardToRegexp = strings.NewReplacer(
	"+", `\+`, "(", `\(`, ")", `\)`, "^", `\^`, "$", `\$`, ".", `\.`,
	"{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`, `|`, `\|`, `\`, `\\`,
	"*", ".*", "?", ".")

// patternSearcher matches the words of field that match pattern, a
// regular expression. bleve bounds such an expansion by
// searcher.DisjunctionMaxClauseCount only when the words are scored:
// unscored, it unions any number of them. This lists them itself and
// stops at the bound.
func patternSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, field, pattern string, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if field == "" {
		field = m.DefaultSearchField()
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search index: a %T cannot match regular expressions here", r)
	}
	c := compilePattern(ctx, pattern)
	if c.err != nil {
		return nil, badPattern(pattern, c.err)
	}
	terms, err := segmentWords(ctx, snap, field, c)
	if err != nil {
		return nil, err
	}
	return searcher.NewMultiTermSearcher(ctx, r, terms, field, 1, opts, true)
}

// badPattern is the error for a pattern that does not compile: bleve's
// regular expressions have no anchors or other zero-width assertions, for
// one.
func badPattern(pattern string, err error) error {
	return queryErrorf("cannot use the regular expression /%s/: %v", pattern, err)
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

// constantScored wraps the queries whose words are expanded from a
// pattern or a range.
func constantScored(q query.Query) query.Query {
	switch q.(type) {
	case *query.PrefixQuery, *query.WildcardQuery, *query.RegexpQuery,
		*query.NumericRangeQuery, *query.DateRangeQuery, *query.TermRangeQuery:
		boost := 1.0
		if b, ok := q.(query.BoostableQuery); ok {
			boost = b.Boost()
		}
		return &constantScoreQuery{inner: q, boost: boost}
	}
	return q
}
