package static

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/incidents-archive/incidents/search/compound"
)

// Analyzer is the analyzer the bleve mapping gives every text field
// (compound.AnalyzerName: bleve's English analyzer, that is Unicode word
// segmentation, possessive stripping, lower case, English stop words and
// the Porter stemmer, plus compound names such as svc-0947 kept whole and
// unstemmed), so that the static index holds exactly the terms the
// server-side index holds.
//
// Every filter works on one token at a time, so an Analyzer runs the
// tokenizer on the text and looks each token up in a cache of filtered
// terms, running the filters only on words it has not seen: a large
// archive repeats the same few thousand words millions of times. An
// Analyzer is not safe for concurrent use; make one per goroutine.
type Analyzer struct {
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter
	whole     analysis.Analyzer // used when the analyzer is not a DefaultAnalyzer
	cache     map[string]string // surface form → term; "" when filtered out
	names     map[string]string // the same for compounds
}

// NewAnalyzer returns the mapping's analyzer.
func NewAnalyzer() (*Analyzer, error) {
	a, err := registry.NewCache().AnalyzerNamed(compound.AnalyzerName)
	if err != nil {
		return nil, fmt.Errorf("bleve analyzer %q: %w", compound.AnalyzerName, err)
	}
	an := &Analyzer{cache: map[string]string{}, names: map[string]string{}}
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
	if !isASCII(text) {
		for _, tok := range a.tokenizer.Tokenize([]byte(text)) {
			a.word(tok.Term, tok.KeyWord, yield)
		}
		return
	}
	// The words of a run wait in run until it ends, since the compounds
	// they make come before them.
	var run []compound.Span
	flush := func() {
		compound.Run(run, func(_ int, w compound.Span, name bool) {
			a.word([]byte(text[w.Start:w.End]), name, yield)
		})
		run = run[:0]
	}
	asciiWords(text, func(start, end int) {
		if len(run) > 0 && !compound.Joined(text, run[len(run)-1].End, start) {
			flush()
		}
		run = append(run, compound.Span{Start: start, End: end})
	})
	flush()
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiWords calls yield with the byte offsets of each word of s, which must be ASCII, exactly
// as bleve's Unicode tokenizer (github.com/blevesearch/segment, Unicode
// word boundaries) would cut it, several times faster; the tests compare
// the two. In ASCII the boundary rules come down to this: a word is a run
// of letters, digits and underscores, which may also hold a single ':',
// '.' or '\” between two letters, and a single ',', ';', '.' or '\”
// between two digits. Everything else separates words.
func asciiWords(s string, yield func(start, end int)) {
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
			yield(start, i)
			start = -1
		}
	}
	if start >= 0 {
		yield(start, len(s))
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func wordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

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
