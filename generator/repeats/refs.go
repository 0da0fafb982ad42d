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

// sentences splits text at the ends of sentences and lines.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		end := c == '\n' || (c == '.' || c == '?' || c == '!' || c == ';') && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n')
		if end {
			if s := strings.TrimSpace(text[start : i+1]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// referrer finds the earlier reports that a report's text names.
type referrer struct {
	byFirst map[string][]int // an id's first word → report indexes
	ids     []string
	byDay   map[string][]int // "2006-01-02" → reports that started that day
}

func newReferrer(reports []Report) *referrer {
	r := &referrer{byFirst: map[string][]int{}, byDay: map[string][]int{}}
	for i, rep := range reports {
		r.ids = append(r.ids, rep.ID)
		first, _, _ := strings.Cut(rep.ID, " ")
		r.byFirst[first] = append(r.byFirst[first], i)
		day := rep.Start.UTC().Format(time.DateOnly)
		r.byDay[day] = append(r.byDay[day], i)
	}
	return r
}

var dayPattern = regexp.MustCompile(`\b(?:(\d{4})-(\d{2})-(\d{2})|(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December),? (\d{4})|(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}),? (\d{4}))\b`)

// references are the reports that text names, other than self, each once
// (the strongest stance wins: unrelated over same over named).
func (r *referrer) references(self int, texts []string) []reference {
	var out []reference
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
	for _, text := range texts {
		if !strings.ContainsAny(text, "0123456789") {
			continue
		}
		ss := sentences(text)
		for k, s := range ss {
			next := ""
			if k+1 < len(ss) {
				next = ss[k+1]
			}
			named := false
			for i := 0; i < len(s); i++ {
				if i > 0 && s[i-1] != ' ' && s[i-1] != '(' && s[i-1] != '[' && s[i-1] != '"' {
					continue
				}
				end := strings.IndexAny(s[i:], " ,;:)]\"")
				if end < 0 {
					end = len(s) - i
				}
				first := strings.TrimRight(s[i:i+end], ".?!")
				for _, doc := range r.byFirst[first] {
					id := r.ids[doc]
					if doc == self || !strings.HasPrefix(s[i:], id) {
						continue
					}
					if after := i + len(id); after < len(s) && isWordByte(s[after]) {
						continue
					}
					stance, phrase := stanceOf(s, next)
					add(reference{doc: doc, stance: stance, phrase: phrase})
					named = true
				}
			}
			if named || !strings.ContainsAny(s, "0123456789") {
				continue
			}
			// A day named in a sentence that says it was the same.
			stance, phrase := stanceOf(s, next)
			if stance != Same {
				continue
			}
			for _, m := range dayPattern.FindAllStringSubmatch(s, -1) {
				day, ok := parseDay(m)
				if !ok {
					continue
				}
				for _, doc := range r.byDay[day] {
					if doc != self {
						add(reference{doc: doc, stance: Same, byDate: true, phrase: phrase})
					}
				}
			}
		}
	}
	return out
}

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
