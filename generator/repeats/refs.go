package repeats

import (
	"regexp"
	"strings"
	"time"
)

// Stance is what a report's text says of an earlier report it names.
type Stance int8

// The stances, from the words around the name.
const (
	Names     Stance = iota // named, no more said
	Same                    // named as the same failure, or like it
	Unrelated               // named to say it is not
)

// A reference is an earlier report that a report's text names: by its id,
// or by the day it happened in a sentence that says it was the same.
type reference struct {
	doc    int // report index
	stance Stance
	byDate bool   // named by its day, not its id
	phrase string // the words that gave the stance
}

// sameWords say that a named incident was the same failure, or like it.
var sameWords = []string{
	"previous incarnation", "similar to", "similar issue", "similar incident", "similar outage",
	"same failure", "same thing", "same issue", "same problem", "same state", "same bad state",
	"same root cause", "same cause", "same bug", "same incident", "same outage", "same error",
	"almost identical", "identical to", "nearly identical", "happened again", "occurred again",
	"recurrence", "recurred", "repeat of", "second occurrence", "another occurrence",
	"earlier occurrence", "previous occurrence", "seen before", "as before", "once again",
	"like the one", "same as",
}

// unrelatedWords say that a named incident was not the same failure; they
// win over sameWords ("it was not a repeat of").
var unrelatedWords = []string{
	"unrelated", "not related", "nothing to do with", "no relation", "not connected", "not the same",
	"not a repeat", "different cause", "different root cause", "different issue", "different problem",
	"different failure", "ruled out", "not caused by",
}

// denials open a sentence that answers the one before it in the negative.
var denials = []string{"it was not", "it wasn't", "it is not", "it isn't", "no,", "no:", "no.", "not so"}

// sameStems are parts of sameWords, one of which every sentence that says
// "the same" holds, whatever its case: a cheap test before reading it.
var sameStems = []string{"ame", "imilar", "dentical", "ncarnation", "ecur", "epeat", "ccurrence", "efore", "gain", "like"}

// maySaySame reports whether s may hold one of sameWords.
func maySaySame(s string) bool {
	for _, stem := range sameStems {
		if strings.Contains(s, stem) {
			return true
		}
	}
	return false
}

// stanceOf reads the stance of a sentence naming an incident, and the
// sentence after it, which often answers it ("Was this a repeat of X? It
// was not.").
func stanceOf(sentence, next string) (Stance, string) {
	s := strings.ToLower(sentence)
	n := strings.ToLower(next)
	for _, w := range unrelatedWords {
		if containsWords(s, w) {
			return Unrelated, w
		}
	}
	// The next sentence only denies: "It was not: the cause was
	// different."
	for _, w := range denials {
		if strings.HasPrefix(n, w) {
			return Unrelated, strings.TrimRight(w, ",:.")
		}
	}
	for _, w := range sameWords {
		if containsWords(s, w) {
			return Same, w
		}
	}
	return Names, ""
}

// containsWords reports whether s holds phrase as whole words.
func containsWords(s, phrase string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(phrase)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		from = i + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// sentenceAt returns the sentence of text around position i and the one
// after it, split at the ends of sentences and lines.
func sentenceAt(text string, i int) (sentence, next string, end int) {
	from := i
	for from > 0 && !endsSentence(text, from-1) {
		from--
	}
	to := i
	for to < len(text) && !endsSentence(text, to) {
		to++
	}
	sentence = strings.TrimSpace(text[from:min(to+1, len(text))])
	n := to + 1
	for n < len(text) && !endsSentence(text, n) {
		n++
	}
	if to+1 < len(text) {
		next = strings.TrimSpace(text[to+1 : min(n+1, len(text))])
	}
	return sentence, next, to
}

// endsSentence reports whether text[i] ends a sentence or a line.
func endsSentence(text string, i int) bool {
	switch text[i] {
	case '\n':
		return true
	case '.', '?', '!', ';':
		return i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n'
	}
	return false
}

// referrer finds the earlier reports that a report's text names.
type referrer struct {
	byFirst map[string][]int // an id's first word → report indexes
	initial [256]bool        // the first bytes of ids
	ids     []string
	byDay   map[string][]int // "2006-01-02" → reports that started that day
}

func newReferrer(reports []Report) *referrer {
	r := &referrer{byFirst: map[string][]int{}, byDay: map[string][]int{}}
	for i, rep := range reports {
		r.ids = append(r.ids, rep.ID)
		if !distinctive(rep.ID) {
			continue
		}
		first, _, _ := strings.Cut(rep.ID, " ")
		r.byFirst[first] = append(r.byFirst[first], i)
		if first != "" {
			r.initial[first[0]] = true
		}
		day := rep.Start.UTC().Format(time.DateOnly)
		r.byDay[day] = append(r.byDay[day], i)
	}
	return r
}

var dayPattern = regexp.MustCompile(`\b(?:(\d{4})-(\d{2})-(\d{2})|(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December),? (\d{4})|(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}),? (\d{4}))\b`)

// distinctive reports whether id, found in prose, names the report rather
// than being a word of the sentence: ids are dated (2026-02-23 ml-serve)
// or numbered (INC-1234); an id such as "outage" is not looked for.
func distinctive(id string) bool {
	return strings.ContainsAny(id, "0123456789") || len(id) >= 12
}

// isYear reports whether text holds a year (19xx or 20xx) as a word at i.
func isYear(text string, i int) bool {
	if i+4 > len(text) || !(text[i] == '1' && text[i+1] == '9' || text[i] == '2' && text[i+1] == '0') {
		return false
	}
	for k := i + 2; k < i+4; k++ {
		if text[k] < '0' || text[k] > '9' {
			return false
		}
	}
	return i+4 == len(text) || text[i+4] < '0' || text[i+4] > '9'
}

// span is where a text names a report: texts[text][start:end].
type span struct{ text, start, end int }

// references are the reports that texts name, other than self, each once
// (the strongest stance wins: unrelated over same over named), and where
// the texts name them by id, in order: the words of an id are not words
// of the failure.
func (r *referrer) references(self int, texts []string) (out []reference, spans []span) {
	add := func(ref reference) {
		for k := range out {
			if out[k].doc == ref.doc {
				if ref.stance > out[k].stance || out[k].byDate && !ref.byDate {
					out[k] = ref
				}
				return
			}
		}
		out = append(out, ref)
	}
	for k, text := range texts {
		dayChecked := -1 // the end of the last sentence looked at for days
		for i := 0; i < len(text); i++ {
			c := text[i]
			if i > 0 && isWordByte(text[i-1]) {
				continue
			}
			if r.initial[c] {
				end := strings.IndexAny(text[i:], " ,;:)]\"\n")
				if end < 0 {
					end = len(text) - i
				}
				first := strings.TrimRight(text[i:i+end], ".?!")
				for _, doc := range r.byFirst[first] {
					id := r.ids[doc]
					if doc == self || !strings.HasPrefix(text[i:], id) {
						continue
					}
					if after := i + len(id); after < len(text) && isWordByte(text[after]) {
						continue
					}
					if len(spans) == 0 || spans[len(spans)-1].text != k || spans[len(spans)-1].end <= i {
						spans = append(spans, span{k, i, i + len(id)})
					}
					s, next, _ := sentenceAt(text, i)
					stance, phrase := stanceOf(s, next)
					add(reference{doc: doc, stance: stance, phrase: phrase})
				}
			}
			// A day named in a sentence that says it was the same.
			if i > dayChecked && isYear(text, i) {
				s, next, end := sentenceAt(text, i)
				dayChecked = end
				if !maySaySame(s) {
					continue
				}
				if stance, phrase := stanceOf(s, next); stance == Same {
					for _, m := range dayPattern.FindAllStringSubmatch(s, -1) {
						day, ok := parseDay(m)
						if !ok {
							continue
						}
						for _, doc := range r.byDay[day] {
							if doc != self && !mentionsID(s, r.ids[doc]) {
								add(reference{doc: doc, stance: Same, byDate: true, phrase: phrase})
							}
						}
					}
				}
			}
		}
	}
	return out, spans
}

// mentionsID reports whether s names id (then it is a reference by id).
func mentionsID(s, id string) bool { return strings.Contains(s, id) }

func parseDay(m []string) (string, bool) {
	var t time.Time
	var err error
	switch {
	case m[1] != "":
		t, err = time.Parse(time.DateOnly, m[1]+"-"+m[2]+"-"+m[3])
	case m[4] != "":
		t, err = time.Parse("2 January 2006", m[4]+" "+m[5]+" "+m[6])
	default:
		t, err = time.Parse("January 2 2006", m[7]+" "+m[8]+" "+m[9])
	}
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}
