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
// with terms nobody types. A longer run is still found by its parts.
const MaxBytes = 100

// Joiner reports whether c joins two words into a compound.
func Joiner(c byte) bool { return c == '-' || c == '.' || c == '/' }

// Joined reports whether the word that starts at start continues a
// compound whose previous word ends at prevEnd in text: exactly one
// joiner lies between them.
func Joined[T ~string | ~[]byte](text T, prevEnd, start int) bool {
	return start == prevEnd+1 && prevEnd < len(text) && Joiner(text[prevEnd])
}

// Compound is one compound: the number of its first word among the text's
// words, and its byte offsets in the text (End excluded).
type Compound struct{ First, Start, End int }

// Runs finds compounds in one pass over a text's words. The zero value is
// ready to use; Add each word in order, then call End.
type Runs struct {
	words int // words added
	run   Compound
	parts int // words in run
}

// Add adds the next word, at bytes start to end, and whether Joined holds
// between it and the previous word. When the word ends a compound, Add
// returns that compound.
func (r *Runs) Add(start, end int, joined bool) (Compound, bool) {
	defer func() { r.words++ }()
	if joined && r.parts > 0 {
		r.run.End = end
		r.parts++
		return Compound{}, false
	}
	c, ok := r.End()
	r.run = Compound{First: r.words, Start: start, End: end}
	r.parts = 1
	return c, ok
}

// End returns the compound the last words formed, if they formed one, and
// starts afresh.
func (r *Runs) End() (Compound, bool) {
	c, parts := r.run, r.parts
	r.parts = 0
	return c, parts >= 2 && c.End-c.Start <= MaxBytes
}

// Tokenizer adds the compounds of a text to the words another tokenizer
// finds in it: each compound comes just before its first part, at the
// same position, marked as a keyword so that no stemmer changes it (a
// name is not an English word).
type Tokenizer struct {
	Words analysis.Tokenizer
}

// Tokenize implements analysis.Tokenizer.
func (t Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	words := t.Words.Tokenize(input)
	var runs Runs
	var found []Compound
	for i, w := range words {
		joined := i > 0 && Joined(input, words[i-1].End, w.Start)
		if c, ok := runs.Add(w.Start, w.End, joined); ok {
			found = append(found, c)
		}
	}
	if c, ok := runs.End(); ok {
		found = append(found, c)
	}
	if len(found) == 0 {
		return words
	}
	out := make(analysis.TokenStream, 0, len(words)+len(found))
	for i, w := range words {
		for len(found) > 0 && found[0].First == i {
			c := found[0]
			found = found[1:]
			out = append(out, &analysis.Token{
				// A copy: filters may change a term in place, and the
				// parts' terms share the input's bytes.
				Term:     append([]byte(nil), input[c.Start:c.End]...),
				Start:    c.Start,
				End:      c.End,
				Position: w.Position,
				Type:     analysis.AlphaNumeric,
				KeyWord:  true,
			})
		}
		out = append(out, w)
	}
	return out
}

// WholeNames keeps of a token stream that Tokenizer began (and filters may
// have thinned) the compounds and the words outside them, dropping the
// words that are parts of a compound: what a name typed in a query stands
// for. It reuses the stream's array.
func WholeNames(tokens analysis.TokenStream) analysis.TokenStream {
	kept := tokens[:0]
	nameEnd := -1
	for _, t := range tokens {
		if t.KeyWord {
			nameEnd = t.End
		} else if t.End <= nameEnd {
			continue // a part of the name before it
		}
		kept = append(kept, t)
	}
	return kept
}
