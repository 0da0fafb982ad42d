package static

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer is bleve's English analyzer ("en": Unicode word segmentation,
// possessive stripping, lower case, English stop words, Porter stemmer),
// the one the bleve mapping gives every text field, so that the static
// index holds exactly the terms the server-side index holds.
//
// Every filter of "en" works on one token at a time, so an Analyzer runs
// the tokenizer on the text and looks each token up in a cache of filtered
// terms, running the filters only on words it has not seen: a large
// archive repeats the same few thousand words millions of times. An
// Analyzer is not safe for concurrent use; make one per goroutine.
type Analyzer struct {
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter
	whole     analysis.Analyzer // used when "en" is not a DefaultAnalyzer
	cache     map[string]string // surface form → term; "" when filtered out
}

// NewAnalyzer returns bleve's "en" analyzer.
func NewAnalyzer() (*Analyzer, error) {
	a, err := registry.NewCache().AnalyzerNamed(en.AnalyzerName)
	if err != nil {
		return nil, fmt.Errorf("bleve analyzer %q: %w", en.AnalyzerName, err)
	}
	an := &Analyzer{cache: map[string]string{}}
	if d, ok := a.(*analysis.DefaultAnalyzer); ok && d.CharFilters == nil {
		an.tokenizer, an.filters = d.Tokenizer, d.TokenFilters
	} else {
		an.whole = a
	}
	return an, nil
}

// StopWords returns the stop-word list of "en", sorted, for the browser's
// copy of the analyzer.
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

// Terms calls yield with each term of text, in order.
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
	word := func(w []byte) {
		term, ok := a.cache[string(w)]
		if !ok {
			term = a.filter(w)
			a.cache[string(w)] = term
		}
		if term != "" {
			yield(term)
		}
	}
	if isASCII(text) {
		asciiWords(text, func(w string) { word([]byte(w)) })
		return
	}
	for _, tok := range a.tokenizer.Tokenize([]byte(text)) {
		word(tok.Term)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiWords calls yield with each word of s, which must be ASCII, exactly
// as bleve's Unicode tokenizer (github.com/blevesearch/segment, Unicode
// word boundaries) would cut it, several times faster; the tests compare
// the two. In ASCII the boundary rules come down to this: a word is a run
// of letters, digits and underscores, which may also hold a single ':',
// '.' or '\” between two letters, and a single ',', ';', '.' or '\”
// between two digits. Everything else separates words.
func asciiWords(s string, yield func(string)) {
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if wordByte(c) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i+1 < len(s) {
			prev, next := s[i-1], s[i+1]
			if (isLetter(prev) && isLetter(next) && (c == ':' || c == '.' || c == '\'')) ||
				(isDigit(prev) && isDigit(next) && (c == ',' || c == ';' || c == '.' || c == '\'')) {
				continue
			}
		}
		if start >= 0 {
			yield(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		yield(s[start:])
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func wordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// filter runs the token filters on one token, as Analyze would.
func (a *Analyzer) filter(surface []byte) string {
	tok := &analysis.Token{Term: append([]byte(nil), surface...), Position: 1, Type: analysis.AlphaNumeric}
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
