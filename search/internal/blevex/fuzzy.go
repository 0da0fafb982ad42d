package blevex

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// FuzzyQuery matches the words of Field within Fuzziness edits of Term
// (whose first Prefix bytes must match exactly), scored as bleve's
// FuzzyQuery scores them: each word's matches weigh 1/(1+edits). It fails
// with ErrTooManyWords when more than MaxWords words are that close:
// bleve would bound them only through a global.
type FuzzyQuery struct {
	Term      string
	Fuzziness int
	Prefix    int
	Field     string
	Boost     float64
	MaxWords  int
}

// Searcher lists the close words once and searches them.
func (q *FuzzyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	field := q.Field
	if field == "" {
		field = m.DefaultSearchField()
	}
	if q.Fuzziness < 0 || q.Fuzziness > searcher.MaxFuzziness {
		return nil, fmt.Errorf("fuzziness %d is outside 0 to %d", q.Fuzziness, searcher.MaxFuzziness)
	}
	if q.Fuzziness == 0 {
		return searcher.NewTermSearcher(ctx, r, q.Term, field, q.Boost, opts)
	}
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, fmt.Errorf("search index: a %T cannot match fuzzy terms here", r)
	}
	// The prefix ends at a character boundary at or after Prefix bytes.
	prefix := q.Term
	for i := range q.Term {
		if i >= q.Prefix {
			prefix = q.Term[:i]
			break
		}
	}
	dict, _, err := fr.FieldDictFuzzyAutomaton(field, q.Term, q.Fuzziness, prefix)
	if err != nil {
		return nil, err
	}
	var words []string
	var edits []uint8
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, err
		}
		if e == nil {
			break
		}
		if len(words) == q.MaxWords {
			dict.Close()
			return nil, ErrTooManyWords
		}
		words = append(words, e.Term)
		edits = append(edits, e.EditDistance)
	}
	if err := dict.Close(); err != nil {
		return nil, err
	}
	if len(words) == 0 || (len(words) == 1 && words[0] == q.Term) {
		return searcher.NewTermSearcher(ctx, r, q.Term, field, q.Boost, opts)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, words, field, q.Boost, edits, opts, true)
}

// FuzzyMatchQuery is bleve's MatchQuery with a fuzziness: the text is
// analysed with the field's analyzer and any of its words, within
// Fuzziness edits, matches. Each word is a FuzzyQuery bounded by MaxWords.
type FuzzyMatchQuery struct {
	Match     string
	Fuzziness int
	Prefix    int
	Field     string
	Boost     float64
	MaxWords  int
}

// Searcher analyses the text and searches any of its words.
func (q *FuzzyMatchQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	field := q.Field
	if field == "" {
		field = m.DefaultSearchField()
	}
	analyzer := m.AnalyzerNamed(m.AnalyzerNameForPath(field))
	if analyzer == nil {
		return nil, fmt.Errorf("no analyzer for the field %q", field)
	}
	tokens := analyzer.Analyze([]byte(q.Match))
	if len(tokens) == 0 {
		return query.NewMatchNoneQuery().Searcher(ctx, r, m, opts)
	}
	words := make([]query.Query, len(tokens))
	for i, t := range tokens {
		words[i] = &FuzzyQuery{Term: string(t.Term), Fuzziness: q.Fuzziness, Prefix: q.Prefix, Field: field, Boost: q.Boost, MaxWords: q.MaxWords}
	}
	any := query.NewDisjunctionQuery(words)
	any.SetMin(1)
	any.SetBoost(q.Boost)
	return any.Searcher(ctx, r, m, opts)
}
