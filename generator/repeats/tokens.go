package repeats

import (
	"strings"
	"unicode"
	"unicode/utf8"

	porter "github.com/blevesearch/go-porterstemmer"
)

// Tokens splits text into the words detection compares: lowercased,
// stemmed (Porter), without stop words, numbers or one-letter words.
// Hyphenated names such as svc-1400 or ml-serve stay whole: they name
// things.
func Tokens(text string) []string {
	t := newTokenizer(nil)
	var out []string
	for _, id := range t.terms(text) {
		out = append(out, t.stems[id])
	}
	return out
}

// word is what the tokenizer made of one word as written.
type word struct {
	term  int32  // the term's id in the tokenizer, or -1 when the word is none
	svc   int32  // the service the word names, or -1
	lower string // the word lowercased, when it names a service
	// shown and name are what the word gave its term: the word shown for
	// it, and whether it is a name.
	shown string
	name  bool
}

// tokenizer turns texts into term ids. It remembers what it made of the
// words it has seen: an archive's vocabulary is small, and stemming and
// matching host names are most of the cost of tokenising. Its term ids
// are its own; several tokenizers' terms are merged by their stems.
type tokenizer struct {
	cat   *catalogue // nil: no service is recognised
	words map[string]word
	// stems are the terms by id, names tells which are names (of an
	// alert, a host, a command) rather than prose, and surface is the
	// word shown for each: the shortest, then first in order, of the
	// words that gave it.
	stems   []string
	names   []bool
	surface []string
	ids     map[string]int32 // stem → term id
	buf     []int32          // reused by terms
	// mentions are the services named in the texts of the last call to
	// terms, in order, with the text each was in.
	mentions []mention
	// With track set, the tokenizer also notes what each report's own
	// words gave each of its terms (note), and forms are, by term, those
	// it has seen: the word shown and whether it is a name, each the
	// shortest and any of one report's words (see formOf).
	track bool
	cur   int32   // the report being read, from 1
	seen  []int32 // by term: the last report that had it
	rshow []string
	rname []bool
	forms [][]form
}

// form is what one report's words gave a term: the word shown for it (the
// shortest, then first in order) and whether one of them is a name.
type form struct {
	shown string
	name  bool
}

type mention struct {
	svc  int32
	part int
	word string // as written, lowercased
}

func newTokenizer(cat *catalogue) *tokenizer {
	return &tokenizer{cat: cat, words: map[string]word{}, ids: map[string]int32{}}
}

// terms returns the term ids of the texts' words, read one after the
// other, in a slice that the next call reuses.
func (t *tokenizer) terms(texts ...string) []int32 { return t.termsScanning(texts, nil) }

// termsScanning is terms, with refs (when not nil) reading the texts for
// the reports they name as it goes: the words of an id it finds are
// skipped.
func (t *tokenizer) termsScanning(texts []string, refs *refScanner) []int32 {
	if t.track {
		t.cur++
	}
	out := t.buf[:0]
	t.mentions = t.mentions[:0]
	for k, text := range texts {
		if refs != nil {
			refs.start(text)
		}
		out = t.appendTerms(out, text, k, refs)
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
			return word{term: -1, svc: svc, lower: lower}
		}
		if isName {
			if svc, rest, ok := t.cat.qualified(w); ok {
				if len(rest) < 2 || stopWords[rest] || isNumber(rest) {
					return word{term: -1, svc: svc, lower: lower}
				}
				return word{term: t.intern(rest, rest, true), svc: svc, lower: lower, shown: rest, name: true}
			}
		}
	}
	switch {
	case stopWords[lower]:
		return word{term: -1, svc: -1}
	case isName:
		return word{term: t.intern(lower, lower, true), svc: -1, shown: lower, name: true}
	}
	return word{term: t.intern(porter.StemString(lower), lower, false), svc: -1, shown: lower}
}

// note notes, with track set, that a word of the report being read gave
// term id the word shown and name.
func (t *tokenizer) note(id int32, shown string, name bool) {
	if int(id) >= len(t.seen) {
		grow := int(id) + 1 - len(t.seen) + 1024
		t.seen = append(t.seen, make([]int32, grow)...)
		t.rshow = append(t.rshow, make([]string, grow)...)
		t.rname = append(t.rname, make([]bool, grow)...)
	}
	if t.seen[id] != t.cur {
		t.seen[id], t.rshow[id], t.rname[id] = t.cur, shown, name
		return
	}
	if old := t.rshow[id]; len(shown) < len(old) || len(shown) == len(old) && shown < old {
		t.rshow[id] = shown
	}
	t.rname[id] = t.rname[id] || name
}

// formOf returns which of term id's forms the report being read gave
// it, adding it to them when it is new.
func (t *tokenizer) formOf(id int32) int32 {
	for len(t.forms) <= int(id) {
		t.forms = append(t.forms, nil)
	}
	f := form{t.rshow[id], t.rname[id]}
	for k, g := range t.forms[id] {
		if g == f {
			return int32(k)
		}
	}
	t.forms[id] = append(t.forms[id], f)
	return int32(len(t.forms[id]) - 1)
}

// intern returns the id of stem, shown as shown.
func (t *tokenizer) intern(stem, shown string, name bool) int32 {
	id, ok := t.ids[stem]
	if !ok {
		id = int32(len(t.stems))
		t.ids[stem] = id
		t.stems = append(t.stems, stem)
		t.names = append(t.names, name)
		t.surface = append(t.surface, shown)
		return id
	}
	if old := t.surface[id]; len(shown) < len(old) || len(shown) == len(old) && shown < old {
		t.surface[id] = shown
	}
	t.names[id] = t.names[id] || name
	return id
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

// wordByte tells, for each ASCII byte, whether it is a letter or a digit.
var wordByte = func() (t [128]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

// appendTerms appends the term ids of text, the part-th text, to out;
// refs, when not nil, looks at each word that may start a report's id or
// a year as it starts.
func (t *tokenizer) appendTerms(out []int32, text string, part int, refs *refScanner) []int32 {
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
		}
		if info.svc >= 0 {
			t.mentions = append(t.mentions, mention{info.svc, part, info.lower})
		}
		if info.term >= 0 {
			out = append(out, info.term)
			if t.track {
				t.note(info.term, info.shown, info.name)
			}
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		var in bool
		size := 1
		if c < utf8.RuneSelf {
			in = wordByte[c] || c == '-' && start >= 0
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			in = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if in {
			if start < 0 {
				if refs != nil && refs.r.starts[c] && (i == 0 || !isWordByte(text[i-1])) {
					if end := refs.word(i); end > i {
						i = end // an id: its words are not the failure's
						continue
					}
				}
				start = i
			}
		} else {
			flush(i)
		}
		i += size
	}
	flush(len(text))
	return out
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
