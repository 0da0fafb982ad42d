package blevex

import (
	"context"
	"errors"
	"fmt"
	"regexp/syntax"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	vregexp "github.com/blevesearch/vellum/regexp"
)

// ErrTooManyWords is the error of a query whose pattern or fuzzy term
// matches more different words of one field than its bound allows.
var ErrTooManyWords = errors.New("the query matches too many different words")

// PatternError is the error of a regular expression that does not
// compile: bleve's have no anchors or other zero-width assertions, for
// one.
type PatternError struct {
	Pattern string
	Err     error
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("cannot use the regular expression /%s/: %v", e.Pattern, e.Err)
}

func (e *PatternError) Unwrap() error { return e.Err }

// A wildcard or regular expression is matched against the words of each
// of the text fields. bleve compiles the pattern into an automaton again
// for every field, which was a third of the cost of an infix wildcard on
// 10,000 reports; here a search compiles it once and walks each segment's
// dictionary with it.

// compiledPattern is a pattern's automaton and the range of words its
// literal prefix allows.
type compiledPattern struct {
	automaton  *vregexp.Regexp
	begin, end []byte // words from begin (inclusive) to end (exclusive); nil for no bound
	err        error
}

// patterns holds one search's compiled patterns.
type patterns struct {
	mu       sync.Mutex
	compiled map[string]*compiledPattern
}

type patternsKey struct{}

// WithPatterns gives a search a place to keep its compiled patterns: pass
// the context it returns to the searchers of one search.
func WithPatterns(ctx context.Context) context.Context {
	return context.WithValue(ctx, patternsKey{}, &patterns{compiled: map[string]*compiledPattern{}})
}

// compilePattern compiles pattern as scorch does (Perl syntax, vellum's
// automaton, the literal prefix as a range), once per search when ctx
// comes from WithPatterns.
func compilePattern(ctx context.Context, pattern string) *compiledPattern {
	cache, _ := ctx.Value(patternsKey{}).(*patterns)
	if cache != nil {
		cache.mu.Lock()
		defer cache.mu.Unlock()
		if c, ok := cache.compiled[pattern]; ok {
			return c
		}
	}
	c := &compiledPattern{}
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err == nil {
		c.automaton, err = vregexp.NewParsedWithLimit(pattern, parsed, vregexp.DefaultLimit)
	}
	if err != nil {
		c.err = &PatternError{Pattern: pattern, Err: err}
	} else if prog, err := syntax.Compile(parsed.Simplify()); err == nil {
		if prefix, _ := prog.Prefix(); prefix != "" {
			c.begin = []byte(prefix)
			c.end = prefixEnd(c.begin)
		}
	}
	if cache != nil {
		cache.compiled[pattern] = c
	}
	return c
}

// prefixEnd is the first word after every word that starts with prefix,
// or nil when there is none.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// PatternWords lists the distinct words of field in r that match pattern,
// a regular expression matched against whole words, at most max of them
// (ErrTooManyWords past that). r must be a scorch snapshot. A pattern
// that does not compile is a *PatternError.
func PatternWords(ctx context.Context, r index.IndexReader, field, pattern string, max int) ([]string, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search index: a %T cannot match regular expressions here", r)
	}
	c := compilePattern(ctx, pattern)
	if c.err != nil {
		return nil, c.err
	}
	seen := map[string]struct{}{}
	var terms []string
	for _, seg := range snap.Segments() {
		dict, err := seg.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		if dict == nil {
			continue
		}
		it := dict.AutomatonIterator(c.automaton, c.begin, c.end)
		for {
			e, err := it.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			if _, dup := seen[e.Term]; dup {
				continue
			}
			if len(terms) == max {
				return nil, ErrTooManyWords
			}
			if len(terms)%256 == 255 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			seen[e.Term] = struct{}{}
			terms = append(terms, e.Term)
		}
	}
	return terms, nil
}
