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
func Tokens(text string) []string { return slices.Clone(newTokenizer().tokens(text)) }

// tokenizer remembers the stems of the words it has seen: an archive's
// vocabulary is small, and stemming is most of the cost of tokenising.
type tokenizer struct {
	stems map[string]string
	buf   []string // reused by tokens
	// surface, when not nil, keeps for each stem the word to show for it:
	// the shortest, then first in order, of the words that gave it.
	surface map[string]string
}

func newTokenizer() *tokenizer { return &tokenizer{stems: map[string]string{}} }

// tokens returns the words of the texts, read one after the other, in a
// slice that the next call reuses.
func (t *tokenizer) tokens(texts ...string) []string {
	out := t.buf[:0]
	for _, text := range texts {
		out = t.appendTokens(out, text)
	}
	t.buf = out
	return out
}

// appendTokens appends the words of text to out.
func (t *tokenizer) appendTokens(out []string, text string) []string {
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
		if stem, ok := t.stems[w]; ok {
			if stem != "" {
				out = append(out, stem)
			}
			return
		}
		stem := strings.ToLower(w)
		switch {
		case stopWords[stem]:
			stem = ""
		case !strings.ContainsAny(stem, "-0123456789"):
			stem = porter.StemString(stem)
		}
		t.stems[w] = stem
		if stem != "" {
			out = append(out, stem)
			if t.surface != nil {
				t.keepSurface(stem, strings.ToLower(w))
			}
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
