// Package compound finds the names people write as one word made of
// several: svc-0947, mediawiki-api, db1001.eqiad, /srv/mediawiki. Unicode
// word segmentation cuts each of them into its parts, so a search for the
// name would otherwise match every report that mentions "svc" or "api".
// A compound is a run of two or more words, each separated from the next
// by a single hyphen, dot or slash and nothing else.
//
// The index keeps a compound as one more term, beside its parts and at
// the position of its first part, so that the name can be searched as a
// single term and phrases still see the parts. The browser's copy of the
// analyzer (layouts/static/search.js) applies the same rule.
package compound

import (
	"github.com/blevesearch/bleve/v2/analysis"
)

// MaxBytes is the longest compound kept, in bytes: service and host names
// are well under it, while a long path or URL would only bloat the index
// with terms nobody types.
const MaxBytes = 100

// MaxParts is the most words of a compound found inside a longer run:
// svc-0947 in svc-0947.eqiad.wmnet or in /srv/svc-0947/conf. The whole
// run is a compound too, whatever its number of words. A name of more
// words than this, written inside a longer run, is found by its parts.
const MaxParts = 4

// Joiner reports whether c joins two words into a compound.
func Joiner(c byte) bool { return c == '-' || c == '.' || c == '/' }

// Joined reports whether the word that starts at start continues a
// compound whose previous word ends at prevEnd in text: exactly one
// joiner lies between them.
func Joined[T ~string | ~[]byte](text T, prevEnd, start int) bool {
	return start == prevEnd+1 && prevEnd < len(text) && Joiner(text[prevEnd])
}

// Span is where a word or a compound is in a text: byte offsets, End
// excluded.
type Span struct{ Start, End int }

// Run calls yield, in order, with the words of one run (each joined to the
// next, see Joined) and the compounds they make: before each word, the
// compounds that begin with it, longest first. Those are the whole run,
// when it begins there, and every shorter run of 2 to MaxParts words, all
// of at most MaxBytes. first is the number of the compound's first word,
// or the word's, in words.
func Run(words []Span, yield func(first int, s Span, name bool)) {
	name := func(i, parts int) {
		s := Span{words[i].Start, words[i+parts-1].End}
		if s.End-s.Start <= MaxBytes {
			yield(i, s, true)
		}
	}
	for i, w := range words {
		if i == 0 && len(words) > MaxParts {
			name(0, len(words)) // the whole run, longer than the names inside it
		}
		for parts := min(len(words)-i, MaxParts); parts >= 2; parts-- {
			name(i, parts)
		}
		yield(i, w, false)
	}
}

// Tokenizer adds the compounds of a text to the words another tokenizer
// finds in it (see Run): each compound comes just before its first word,
// at the same position, marked as a keyword so that no stemmer changes
// it (a name is not an English word).
type Tokenizer struct {
	Words analysis.Tokenizer
}

// Tokenize implements analysis.Tokenizer.
func (t Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	words := t.Words.Tokenize(input)
	joins := false
	for i := 1; i < len(words) && !joins; i++ {
		joins = Joined(input, words[i-1].End, words[i].Start)
	}
	if !joins {
		return words
	}
	out := make(analysis.TokenStream, 0, 2*len(words))
	var run []Span
	flush := func(from int) {
		Run(run, func(first int, s Span, name bool) {
			w := words[from+first]
			if !name {
				out = append(out, w)
				return
			}
			out = append(out, &analysis.Token{
				// A copy: filters may change a term in place, and the
				// words' terms share the input's bytes.
				Term:     append([]byte(nil), input[s.Start:s.End]...),
				Start:    s.Start,
				End:      s.End,
				Position: w.Position,
				Type:     analysis.AlphaNumeric,
				KeyWord:  true,
			})
		})
		run = run[:0]
	}
	from := 0
	for i, w := range words {
		if i > 0 && !Joined(input, words[i-1].End, w.Start) {
			flush(from)
			from = i
		}
		run = append(run, Span{w.Start, w.End})
	}
	flush(from)
	return out
}

// WholeNames keeps of a token stream that Tokenizer began (and filters may
// have thinned) the longest compounds and the words outside them, dropping
// the words and shorter compounds inside a compound: what a name typed in
// a query stands for. It reuses the stream's array.
func WholeNames(tokens analysis.TokenStream) analysis.TokenStream {
	kept := tokens[:0]
	nameEnd := -1
	for _, t := range tokens {
		if t.End <= nameEnd {
			continue // inside the name before it
		}
		if t.KeyWord {
			nameEnd = t.End
		}
		kept = append(kept, t)
	}
	return kept
}
