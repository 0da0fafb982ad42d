package repeats

import (
	"slices"
	"strings"
	"unicode"

	porter "github.com/blevesearch/go-porterstemmer"
)

// Tokens splits text into the words detection compares: lowercased,
// stemmed (Porter), without stop words, numbers or one-letter words.
// Hyphenated names such as svc-1400 or ml-serve stay whole: they name
// things.
func Tokens(text string) []string { return slices.Clone(newTokenizer(nil).tokens(text)) }

// word is what the tokenizer made of one word as written.
type word struct {
	stem string // the term, or "" when the word is none
	svc  int32  // the service the word names, or -1
	name bool   // the term is a name (of an alert, a host, a command), not prose
}

// tokenizer remembers what it made of the words it has seen: an
// archive's vocabulary is small, and stemming and matching host names are
// most of the cost of tokenising.
type tokenizer struct {
	cat   *catalogue // nil: no service is recognised
	words map[string]word
	buf   []string // reused by tokens
	// mentions are the services named in the texts of the last call to
	// tokens, in order, with the text each was in.
	mentions []mention
	// surface, when not nil, keeps for each stem the word to show for it:
	// the shortest, then first in order, of the words that gave it.
	surface map[string]string
	// names, when not nil, collects the stems that are names.
	names map[string]bool
}

type mention struct {
	svc  int32
	part int
	word string // as written, lowercased
}

func newTokenizer(cat *catalogue) *tokenizer {
	return &tokenizer{cat: cat, words: map[string]word{}}
}

// tokens returns the words of the texts, read one after the other, in a
// slice that the next call reuses.
func (t *tokenizer) tokens(texts ...string) []string {
	out := t.buf[:0]
	t.mentions = t.mentions[:0]
	for k, text := range texts {
		out = t.appendTokens(out, text, k)
	}
	t.buf = out
	return out
}

// read makes a word of w, as written.
func (t *tokenizer) read(w string) word {
	lower := strings.ToLower(w)
	isName := strings.ContainsAny(lower, "-0123456789") || hasHump(w)
	if t.cat != nil {
		if svc, ok := t.cat.service(lower); ok {
			return word{svc: svc}
		}
		if isName {
			if svc, rest, ok := t.cat.qualified(w); ok {
				if len(rest) < 2 || stopWords[rest] || isNumber(rest) {
					rest = ""
				}
				return word{stem: rest, svc: svc, name: rest != ""}
			}
		}
	}
	switch {
	case stopWords[lower]:
		return word{svc: -1}
	case isName:
		return word{stem: lower, svc: -1, name: true}
	}
	return word{stem: porter.StemString(lower), svc: -1}
}

// hasHump reports whether w has an upper-case letter after a lower-case
// one, as camel-case names do (PoolExhausted).
func hasHump(w string) bool {
	lower := false
	for _, r := range w {
		if unicode.IsUpper(r) && lower {
			return true
		}
		lower = unicode.IsLower(r)
	}
	return false
}

// appendTokens appends the words of text, the part-th text, to out.
func (t *tokenizer) appendTokens(out []string, text string, part int) []string {
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.Trim(text[start:end], "-")
		start = -1
		if len(w) < 2 || isNumber(w) {
			return
		}
		info, ok := t.words[w]
		if !ok {
			info = t.read(w)
			t.words[w] = info
			if info.stem != "" {
				if t.surface != nil {
					t.keepSurface(info.stem, strings.ToLower(w))
				}
				if t.names != nil && info.name {
					t.names[info.stem] = true
				}
			}
		}
		if info.svc >= 0 {
			t.mentions = append(t.mentions, mention{info.svc, part, strings.ToLower(w)})
		}
		if info.stem != "" {
			out = append(out, info.stem)
		}
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || (r == '-' && start >= 0) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return out
}

func (t *tokenizer) keepSurface(stem, word string) {
	if old, ok := t.surface[stem]; !ok || len(word) < len(old) || (len(word) == len(old) && word < old) {
		t.surface[stem] = word
	}
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) && r != '-' {
			return false
		}
	}
	return true
}

// stopWords are English words too common to tell reports apart, and the
// words every incident report uses, its section headings among them.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at be
		because been before being below between both but by can could did do does doing down during each
		few for from further had has have having he her here hers him his how if in into is it its itself
		just me more most my no nor not now of off on once only or other our out over own same she should
		so some such than that the their them then there these they this those through to too under until
		up very was we were what when where which while who whom why will with would you your
		incident incidents report utc am pm
		summary timeline detection conclusion conclusions actionable actionables action items
		went well poorly lucky scorecard`) {
		m[w] = true
	}
	return m
}()
