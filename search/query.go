package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/incidents-archive/incidents/search/internal/blevex"
)

// Limits that keep any one query's work bounded.
const (
	// MaxQueryLength is the longest query accepted, in bytes.
	MaxQueryLength = 512
	// MaxSize is the most hits one page may ask for.
	MaxSize = 100
	// DefaultSize is the page size when none is asked for.
	DefaultSize = 20
	// maxExpansion is the most terms one wildcard, regexp, fuzzy or prefix
	// query may expand to in one field: the query fails early with an
	// error past it (see package blevex, which bounds the expansions).
	maxExpansion = 1024
	// maxPages bounds deep paging: bleve must rank from+size hits.
	maxPages = 100
)

// Request is one search: a query in bleve's query-string syntax, filters,
// an order and a page.
type Request struct {
	Query    string    `json:"q,omitempty"`
	Services []string  `json:"service,omitempty"` // every one must match
	Causes   []string  `json:"cause,omitempty"`
	Sites    []string  `json:"site,omitempty"`
	Year     int       `json:"year,omitempty"`
	Since    time.Time `json:"since,omitzero"` // start at or after
	Until    time.Time `json:"until,omitzero"` // start before
	Sort     string    `json:"sort,omitempty"` // relevance (default), newest or oldest
	Page     int       `json:"page,omitempty"` // from 1
	Size     int       `json:"size,omitempty"`
	// NoFacets skips counting the facets, the costliest part of a search,
	// for callers that already have them, such as a page of more results.
	NoFacets bool `json:"no_facets,omitempty"`
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
)

// Response is a page of results. Its JSON form is what /api/search and
// incidents search --json print.
type Response struct {
	Query  string                  `json:"query"`
	Total  uint64                  `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Page   int                     `json:"page"`
	Size   int                     `json:"size"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
}

// Hit is one matching report.
type Hit struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Start    time.Time `json:"start"`
	Services []string  `json:"services"`
	URL      string    `json:"url"`
	Score    float64   `json:"score"`
	// Snippet is the best passage, as HTML: escaped text with the matching
	// words in <mark>; Fragments holds up to three such passages.
	Snippet   string   `json:"snippet"`
	Fragments []string `json:"fragments"`
	// Passage is Snippet as plain pieces, for terminals.
	Passage Passage `json:"-"`
}

// FacetCount is how many hits have one value of a field.
type FacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// facetFields are counted for every search: the response key and the
// indexed field.
var facetFields = [...]struct{ Name, Field string }{
	{"services", "services"},
	{"causes", "causes"},
	{"sites", "sites"},
	{"years", "year"},
}

const facetSize = 30

// QueryError is a request that cannot be run as written; its message says
// what to change. The server answers it with 400.
type QueryError struct{ Message string }

func (e *QueryError) Error() string { return e.Message }

func queryErrorf(format string, args ...any) error {
	return &QueryError{Message: fmt.Sprintf(format, args...)}
}

// fieldNames maps the names a person may type before a colon to indexed
// fields: both the singular and the plural of the list fields.
var fieldNames = map[string]string{
	"id": "id", "task": "task", "service": "services", "services": "services",
	"cause": "causes", "causes": "causes", "site": "sites", "sites": "sites",
	"trigger": "trigger", "failure_mode": "failure_mode", "status": "status",
	"responder": "responders", "responders": "responders", "year": "year",
	"start": "start", "end": "end", "duration": "duration_minutes", "duration_minutes": "duration_minutes",
	"score": "score", "paged": "paged", "title": "title", "impact": "impact",
	"summary": "summary", "body": "body",
}

// Normalize checks r against the limits and fills in defaults.
func (r *Request) Normalize() error {
	r.Query = strings.TrimSpace(r.Query)
	if len(r.Query) > MaxQueryLength {
		return queryErrorf("the query is %d characters long; the limit is %d", len(r.Query), MaxQueryLength)
	}
	switch r.Sort {
	case "":
		r.Sort = SortRelevance
	case SortRelevance, SortNewest, SortOldest:
	default:
		return queryErrorf("sort must be relevance, newest or oldest, not %q", r.Sort)
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.Size < 1 || r.Size > MaxSize {
		return queryErrorf("size must be between 1 and %d", MaxSize)
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 || r.Page > maxPages {
		return queryErrorf("page must be between 1 and %d", maxPages)
	}
	for _, list := range [][]string{r.Services, r.Causes, r.Sites} {
		if len(list) > 10 {
			return queryErrorf("at most 10 values per filter")
		}
	}
	return nil
}

// Search runs r. Errors of type *QueryError are the request's fault.
func (x *Index) Search(ctx context.Context, r Request) (*Response, error) {
	if err := r.Normalize(); err != nil {
		return nil, err
	}
	q, words, err := buildQuery(r)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	found, err := x.collect(ctx, q, r)
	if err != nil {
		return nil, searchError(err)
	}
	spans, err := x.locate(ctx, words, found.top)
	if err != nil {
		return nil, searchError(err)
	}
	out := &Response{
		Query:  r.Query,
		Total:  found.total,
		Page:   r.Page,
		Size:   r.Size,
		Hits:   make([]Hit, 0, len(found.top)),
		Facets: map[string][]FacetCount{},
	}
	for _, h := range found.top {
		hit, err := x.hit(h, spans[h.doc])
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, hit)
	}
	if found.facets != nil {
		for i, f := range facetFields {
			counts := found.facets.top(i, facetSize)
			if f.Name == "years" {
				slices.SortFunc(counts, func(a, b FacetCount) int { return strings.Compare(b.Term, a.Term) })
			}
			out.Facets[f.Name] = counts
		}
		x.table.release(found.facets)
	}
	out.TookMS = float64(time.Since(started).Microseconds()) / 1000
	return out, nil
}

// errTooManyWords is the error for a term that expands past maxExpansion.
func errTooManyWords() error {
	return queryErrorf("the query matches too many different words (over %d for one wildcard, regular expression or fuzzy term); make it more specific", maxExpansion)
}

// searchError turns bleve's errors into ones a person can act on.
func searchError(err error) error {
	var bad *blevex.PatternError
	switch {
	case errors.Is(err, blevex.ErrTooManyWords):
		return errTooManyWords()
	case errors.As(err, &bad):
		return queryErrorf("%s", bad.Error())
	case strings.Contains(err.Error(), "invalid/unsupported date range"):
		// A date that bleve cannot turn into nanoseconds (before 1677 or
		// after 2262), as in start:>"0000-01-01".
		return queryErrorf("a date in the query is out of range; write dates between 1970 and 2200, such as start:>\"2024-01-01\"")
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the search took too long and was stopped: %w", err)
	}
	return err
}

// hit loads what a result line shows of one hit from its stored fields,
// with snippets around the matches found by locate.
func (x *Index) hit(h ranked, matches [][]span) (Hit, error) {
	row := &x.table.rows[h.doc]
	hit := Hit{ID: row.id, Score: h.score, Start: time.Unix(0, row.start).UTC(), Services: []string{}, Fragments: []string{}}
	texts := make([]string, len(snippetFields))
	err := x.snap.VisitStored(h.doc, row.id, func(name string, value []byte) {
		switch name {
		case "title":
			hit.Title = string(value)
		case "url":
			hit.URL = "/" + string(value)
		case "services":
			hit.Services = append(hit.Services, string(value))
		default:
			for k, sf := range snippetFields {
				if name == sf {
					texts[k] = string(value[:snippetLimit(value, matches, k)])
				}
			}
		}
	})
	if err != nil {
		return hit, fmt.Errorf("search index: reading %s: %w (run incidents build: it checks the index and rebuilds it if it is damaged)", row.id, err)
	}
	ps := passages(texts, matches, 3)
	for _, p := range ps {
		hit.Fragments = append(hit.Fragments, p.HTML())
	}
	if len(ps) > 0 {
		hit.Snippet = hit.Fragments[0]
		hit.Passage = ps[0]
	}
	return hit, nil
}

// snippetLimit is how much of text k of a hit passages can use: up to a
// passage past its last match, and at least the opening it falls back to.
// Copying no more keeps long bodies out of a search's garbage.
func snippetLimit(text []byte, matches [][]span, k int) int {
	limit := passageWidth + 1
	if k < len(matches) && len(matches[k]) > 0 {
		limit = max(limit, matches[k][len(matches[k])-1].end+passageWidth+1)
	}
	return min(limit, len(text))
}

// buildQuery turns a request into a bleve query and the words to mark in
// snippets.
func buildQuery(r Request) (query.Query, []string, error) {
	var parts []query.Query
	var words []string
	if r.Query != "" && r.Query != "*" {
		q, err := query.NewQueryStringQuery(r.Query).Parse()
		if err != nil {
			return nil, nil, queryErrorf("cannot read the query %q: %s. Words are matched anywhere; use field:value (services:parsoid), \"a phrase\", +required, -excluded, start:>\"2024-01-01\"", r.Query, strings.TrimPrefix(err.Error(), "parse error: "))
		}
		if q, err = rewrite(q, &words); err != nil {
			return nil, nil, err
		}
		parts = append(parts, q)
	}
	term := func(field, value string) query.Query {
		t := query.NewTermQuery(value)
		t.SetField(field)
		return t
	}
	for _, s := range r.Services {
		parts = append(parts, term("services", s))
	}
	for _, s := range r.Causes {
		parts = append(parts, term("causes", s))
	}
	for _, s := range r.Sites {
		parts = append(parts, term("sites", s))
	}
	if r.Year != 0 {
		parts = append(parts, term("year", strconv.Itoa(r.Year)))
	}
	if !r.Since.IsZero() || !r.Until.IsZero() {
		yes, no := true, false
		d := query.NewDateRangeInclusiveQuery(r.Since, r.Until, &yes, &no)
		d.SetField("start")
		parts = append(parts, leaf(d))
	}
	switch len(parts) {
	case 0:
		return query.NewMatchAllQuery(), words, nil
	case 1:
		return parts[0], words, nil
	}
	return query.NewConjunctionQuery(parts), words, nil
}

// maxFuzziness is the most edits bleve's fuzzy search allows
// (searcher.MaxFuzziness).
const maxFuzziness = 2

// rewrite points the parts of a parsed query-string query that name no
// field at every text field, with its boost, maps the field names people
// type to indexed ones, and collects the words to highlight.
func rewrite(q query.Query, words *[]string) (query.Query, error) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		for _, sub := range []*query.Query{&q.Must, &q.Should, &q.MustNot, &q.Filter} {
			if *sub == nil {
				continue
			}
			marked := words
			if sub == &q.MustNot {
				// What a query excludes is not a match to mark: with
				// -services:parsoid, "Parsoid" in a hit's text is not why
				// it was found.
				marked = new([]string)
			}
			r, err := rewrite(*sub, marked)
			if err != nil {
				return nil, err
			}
			*sub = r
		}
		return q, nil
	case *query.ConjunctionQuery:
		return q, rewriteAll(q.Conjuncts, words)
	case *query.DisjunctionQuery:
		return q, rewriteAll(q.Disjuncts, words)
	case *query.NumericRangeQuery:
		if q.FieldVal == "" {
			// A bare number is read as a word and as a number; a number
			// means nothing without a field.
			return query.NewMatchNoneQuery(), nil
		}
	}
	f, ok := q.(query.FieldableQuery)
	if !ok {
		return q, nil
	}
	fuzziness := 0
	switch m := q.(type) {
	case *query.MatchQuery:
		fuzziness = m.Fuzziness
	case *query.FuzzyQuery:
		fuzziness = m.Fuzziness
	}
	// The fuzzy searchers refuse these with a plain error, which the
	// server would answer with 500.
	if fuzziness > maxFuzziness {
		return nil, queryErrorf("word~%d allows %d edits; the most is %d (word~1 or word~2)", fuzziness, fuzziness, maxFuzziness)
	}
	if fuzziness < 0 {
		return nil, queryErrorf("word~%d: the number of edits cannot be negative (word~1 or word~2)", fuzziness)
	}
	switch m := q.(type) {
	case *query.MatchQuery:
		*words = append(*words, m.Match)
	case *query.MatchPhraseQuery:
		*words = append(*words, m.MatchPhrase)
	}
	if name := f.Field(); name != "" {
		field, ok := fieldNames[name]
		if !ok {
			return nil, queryErrorf("there is no field %q; fields are %s", name, strings.Join(fieldList(), ", "))
		}
		f.SetField(field)
		if isTextField(field) {
			q = namePhrase(q) // title:svc-0947 is the name in the title
		}
		return leaf(q), nil
	}
	q = namePhrase(q)
	alts := make([]query.Query, 0, len(textFields))
	for _, tf := range textFields {
		alt := copyQuery(q)
		alt.(query.FieldableQuery).SetField(tf.Name)
		if b, ok := alt.(query.BoostableQuery); ok {
			b.SetBoost(b.Boost() * tf.Boost)
		}
		alts = append(alts, leaf(alt))
	}
	return query.NewDisjunctionQuery(alts), nil
}

// leaf returns the query the search runs for one leaf of a parsed query,
// package blevex's where it has one (see there for why): the words that a
// pattern or a range expands to are scored alike and bounded in number,
// a phrase is checked on the term locations, and a fuzzy word's
// expansion is bounded.
func leaf(q query.Query) query.Query {
	switch l := q.(type) {
	case *query.PrefixQuery, *query.WildcardQuery, *query.RegexpQuery,
		*query.NumericRangeQuery, *query.DateRangeQuery, *query.TermRangeQuery:
		boost := 1.0
		if b, ok := q.(query.BoostableQuery); ok {
			boost = b.Boost()
		}
		return &blevex.ConstantScoreQuery{Inner: q, Boost: boost, MaxWords: maxExpansion}
	case *query.MatchPhraseQuery:
		if l.Fuzziness == 0 && l.Analyzer == "" && l.FieldVal != "" {
			return &blevex.PhraseQuery{Phrase: l.MatchPhrase, Field: l.FieldVal, Boost: l.Boost()}
		}
	case *query.MatchQuery:
		if l.Fuzziness > 0 && l.Analyzer == "" && l.Operator == query.MatchQueryOperatorOr {
			return &blevex.FuzzyMatchQuery{Match: l.Match, Fuzziness: l.Fuzziness, Prefix: l.Prefix, Field: l.FieldVal, Boost: l.Boost(), MaxWords: maxExpansion}
		}
	case *query.FuzzyQuery:
		return &blevex.FuzzyQuery{Term: l.Term, Fuzziness: l.Fuzziness, Prefix: l.Prefix, Field: l.FieldVal, Boost: l.Boost(), MaxWords: maxExpansion}
	}
	return q
}

// namePhrase returns a word such as svc-0947 or ml-serve as a phrase, and
// any other query as it is. A name is one thing, not two words that may
// appear anywhere, and the phrase finds the name's own term (package
// compound) in the text and in the names of services and causes.
func namePhrase(q query.Query) query.Query {
	m, ok := q.(*query.MatchQuery)
	if !ok || !isCompound(m.Match) {
		return q
	}
	if m.Fuzziness != 0 {
		// svc-0947~1 is the name with an edit or so, not svc~1 or
		// 0947~1: the name's term, as the analyzer keeps it.
		f := query.NewFuzzyQuery(strings.ToLower(trimName(m.Match)))
		f.SetFuzziness(m.Fuzziness)
		f.SetField(m.FieldVal)
		if m.BoostVal != nil {
			f.SetBoost(m.Boost())
		}
		return f
	}
	p := query.NewMatchPhraseQuery(m.Match)
	p.SetField(m.FieldVal)
	if m.BoostVal != nil {
		p.SetBoost(m.Boost())
	}
	return p
}

func isTextField(name string) bool { return TextFieldBoost(name) != 0 }

// isCompound reports whether a word as typed joins several words with
// hyphens, dots, slashes or underscores, as names of services do.
// Punctuation around it does not count: "svc-0947." and "(svc-0947)" are
// the name, as pasted from a sentence.
func isCompound(w string) bool {
	w = trimName(w)
	return w != "" && !strings.ContainsAny(w, " \t") && strings.ContainsAny(w, "-./_")
}

// trimName drops what is neither a letter nor a digit from both ends of w.
func trimName(w string) string {
	return strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func rewriteAll(qs []query.Query, words *[]string) error {
	for i, sub := range qs {
		r, err := rewrite(sub, words)
		if err != nil {
			return err
		}
		qs[i] = r
	}
	return nil
}

// copyQuery copies one of the leaf queries the query-string parser makes.
func copyQuery(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.MatchQuery:
		c := *q
		return &c
	case *query.MatchPhraseQuery:
		c := *q
		return &c
	case *query.FuzzyQuery:
		c := *q
		return &c
	case *query.WildcardQuery:
		c := *q
		return &c
	case *query.RegexpQuery:
		c := *q
		return &c
	case *query.PrefixQuery:
		c := *q
		return &c
	case *query.TermQuery:
		c := *q
		return &c
	}
	return q
}

func fieldList() []string {
	var out []string
	for name := range fieldNames {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
