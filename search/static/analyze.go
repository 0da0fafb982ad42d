package static

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/compound"
)

// Analyzer is the analyzer that the bleve mapping (search.NewMapping)
// gives its text fields, taken from the mapping itself, so that the
// static index holds exactly the terms the server-side index holds: today
// compound.AnalyzerName, bleve's English analyzer (Unicode word
// segmentation, possessive stripping, lower case, English stop words and
// the Porter stemmer) plus compound names such as svc-0947 kept whole and
// unstemmed. The browser's copy, in layouts/static/search.js, is kept
// equal to it by FuzzAnalyzer.
//
// A large archive repeats the same few thousand words millions of times,
// and running bleve's analyzer on every one of them took three times as
// long as the rest of the static index. So an Analyzer remembers what it
// found: the terms of each piece of text between ASCII white space (a
// chunk, such as "svc-0947," or "timeout."), and the term of each word.
// That gives the analyzer's own terms because white space always ends a
// word in valid UTF-8 (Unicode's word boundaries break around it, and a
// compound is joined by a single hyphen, dot or slash), and because every filter
// works on one token at a time. FuzzAnalyzer checks it against the whole
// analyzer on any text. An Analyzer is not safe for concurrent use; make
// one per goroutine.
type Analyzer struct {
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter
	whole     analysis.Analyzer   // used when the analyzer is not a tokenizer and filters
	chunks    map[string][]string // chunk → its terms
	cache     map[string]string   // word → term; "" when filtered out
	names     map[string]string   // the same for compounds
}

// maxChunks bounds the chunks an Analyzer remembers (some 100 bytes
// each): past it, it forgets them all and starts again. The text of the
// 10,000-report synthetic archive has 11,188 distinct chunks.
const maxChunks = 1 << 16

// NewAnalyzer returns the analyzer of the mapping's text fields.
func NewAnalyzer() (*Analyzer, error) {
	a, err := mappingAnalyzer()
	if err != nil {
		return nil, err
	}
	an := &Analyzer{chunks: map[string][]string{}, cache: map[string]string{}, names: map[string]string{}}
	if d, ok := a.(*analysis.DefaultAnalyzer); ok && d.CharFilters == nil {
		an.tokenizer, an.filters = d.Tokenizer, d.TokenFilters
	} else {
		an.whole = a
	}
	return an, nil
}

// mappingAnalyzer is the analyzer bleve builds from the mapping for its
// text fields, which must all have the same one: the static index keeps
// one list of terms for them all.
func mappingAnalyzer() (analysis.Analyzer, error) {
	m := search.NewMapping()
	name := m.AnalyzerNameForPath(Fields[0].Name)
	for _, f := range append(fieldNames(), "names") {
		if other := m.AnalyzerNameForPath(f); other != name {
			return nil, fmt.Errorf("the bleve mapping analyses %s with %q and %s with %q; the static index needs one analyzer", Fields[0].Name, name, f, other)
		}
	}
	a := m.AnalyzerNamed(name)
	if a == nil {
		return nil, fmt.Errorf("the bleve mapping has no analyzer %q", name)
	}
	return a, nil
}

func fieldNames() []string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = f.Name
	}
	return names
}

// StopWords returns the stop-word list of "en", sorted, for the browser's
// copy of the analyzer. (bleve's stop filter does not list its words; the
// tests check that the mapping's analyzer drops exactly these.)
func StopWords() ([]string, error) {
	m, err := registry.NewCache().TokenMapNamed(en.StopName)
	if err != nil {
		return nil, fmt.Errorf("bleve stop words %q: %w", en.StopName, err)
	}
	words := make([]string, 0, len(m))
	for w := range m {
		words = append(words, w)
	}
	sort.Strings(words)
	return words, nil
}

// Terms calls yield with each term of text, in order: a compound comes
// just before its first part, as the tokenizer puts it.
func (a *Analyzer) Terms(text string, yield func(term string)) {
	if text == "" {
		return
	}
	if a.whole != nil {
		for _, tok := range a.whole.Analyze([]byte(text)) {
			yield(string(tok.Term))
		}
		return
	}
	if !utf8.ValidString(text) {
		// bleve's segmenter does not always break words at white space
		// next to bytes that are not UTF-8.
		for _, tok := range a.tokenizer.Tokenize([]byte(text)) {
			a.word(tok.Term, tok.KeyWord, yield)
		}
		return
	}
	for start := 0; start < len(text); {
		for start < len(text) && isSpace(text[start]) {
			start++
		}
		end := start
		for end < len(text) && !isSpace(text[end]) {
			end++
		}
		if end > start {
			for _, t := range a.chunk(text[start:end]) {
				yield(t)
			}
		}
		start = end
	}
}

// isSpace reports whether c is ASCII white space, around which Unicode
// always breaks words.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// chunk returns the terms of a piece of text without white space.
func (a *Analyzer) chunk(c string) []string {
	if terms, ok := a.chunks[c]; ok {
		return terms
	}
	var terms []string
	for _, tok := range a.tokenizer.Tokenize([]byte(c)) {
		a.word(tok.Term, tok.KeyWord, func(t string) { terms = append(terms, t) })
	}
	if len(a.chunks) >= maxChunks {
		clear(a.chunks)
	}
	a.chunks[strings.Clone(c)] = terms // a copy: c holds on to the whole text
	return terms
}

// QueryTerms calls yield with the terms the search page looks up for text
// typed as one word of a query: a compound name (svc-0947) stands for
// itself, not for its parts.
func (a *Analyzer) QueryTerms(text string, yield func(term string)) {
	if a.whole != nil {
		for _, tok := range compound.WholeNames(a.whole.Analyze([]byte(text))) {
			yield(string(tok.Term))
		}
		return
	}
	for _, tok := range compound.WholeNames(a.tokenizer.Tokenize([]byte(text))) {
		a.word(tok.Term, tok.KeyWord, yield)
	}
}

// word yields the term of one token, filtered through the cache.
func (a *Analyzer) word(surface []byte, name bool, yield func(string)) {
	cache := a.cache
	if name {
		cache = a.names
	}
	term, ok := cache[string(surface)]
	if !ok {
		term = a.filter(surface, name)
		cache[string(surface)] = term
	}
	if term != "" {
		yield(term)
	}
}

// filter runs the token filters on one token, as Analyze would; name
// marks a compound, which the stemmer leaves alone.
func (a *Analyzer) filter(surface []byte, name bool) string {
	tok := &analysis.Token{Term: append([]byte(nil), surface...), Position: 1, Type: analysis.AlphaNumeric, KeyWord: name}
	stream := analysis.TokenStream{tok}
	for _, f := range a.filters {
		stream = f.Filter(stream)
	}
	if len(stream) == 0 {
		return ""
	}
	return string(stream[0].Term)
}

// Analyze returns the terms of text, for tests and tools.
func (a *Analyzer) Analyze(text string) []string {
	var out []string
	a.Terms(text, func(t string) { out = append(out, t) })
	return out
}
