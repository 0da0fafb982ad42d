package repeats

import (
	"encoding/binary"
	"regexp"
	"slices"
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
	byDate bool // named by its day, not its id
	// shared: by its day, which other reports started on too.
	shared bool
	phrase string // the words that gave the stance
}

// sameWords, anywhere in the sentence that names an incident, say that it
// was the same failure. Phrases common in reports for other reasons ("to
// prevent recurrence", "the same error appeared", "once again") are left
// out.
var sameWords = []string{
	"previous incarnation", "same failure", "same thing happened", "same issue", "same problem",
	"same bad state", "same state as", "same root cause", "same cause", "same bug", "same incident",
	"same outage", "almost identical", "nearly identical", "identical to", "happened again",
	"occurred again", "a recurrence of", "recurrence of", "recurred", "repeat of", "second occurrence",
	"another occurrence", "earlier occurrence", "previous occurrence", "seen before", "like the one",
}

// nearWords say it only just before the name ("likely (at least) similar
// to 2024-05-02 sessionstore"): elsewhere in the sentence they are about
// something else ("a dashboard similar to the one made after …").
var nearWords = []string{"similar to", "same as", "like"}

// nearGap is how many words may stand between a nearWord and the name.
const nearGap = 2

// unrelatedWords, anywhere in the sentence, say that the named incident
// was not the same failure; they win over sameWords ("it is not related
// to X, though the same thing happened").
var unrelatedWords = []string{
	"unrelated", "not related", "nothing to do with", "no relation", "not connected", "not the same",
	"not a repeat", "different cause", "different root cause", "different issue", "different problem",
	"different failure", "ruled out", "not caused by",
}

// denials open a sentence that answers a question before it in the
// negative ("Was this a repeat of X? It was not.").
var denials = []string{"it was not", "it wasn't", "no"}

// sameStems are parts of sameWords and nearWords, one of which every
// sentence that says "the same" holds, lowercased: a cheap test before
// reading it.
var sameStems = []string{"same", "similar", "identical", "incarnation", "recur", "repeat", "occurrence", "before", "again", "like"}

// maySaySame reports whether s, lowercased, may hold one of sameWords or
// nearWords.
func maySaySame(s string) bool {
	for _, stem := range sameStems {
		if strings.Contains(s, stem) {
			return true
		}
	}
	return false
}

// sentenceStance is what a sentence says of the incidents it names,
// wherever they stand in it, and the sentence after it: lowercased.
func sentenceStance(s, next string) (Stance, string) {
	for _, w := range unrelatedWords {
		if containsWords(s, w) {
			return Unrelated, w
		}
	}
	// A question answered in the negative: "Was this a repeat of X? It
	// was not: the cause was different."
	if strings.HasSuffix(s, "?") || containsWords(s, "whether") {
		for _, w := range denials {
			if strings.HasPrefix(next, w) && (len(next) == len(w) || !isWordByte(next[len(w)])) {
				return Unrelated, w
			}
		}
	}
	if !maySaySame(s) {
		return Names, ""
	}
	for _, w := range sameWords {
		if containsWords(s, w) {
			return Same, w
		}
	}
	return Names, ""
}

// nearStance is Same when one of nearWords stands just before position
// at of s, lowercased.
func nearStance(s string, at int) (Stance, string) {
	before := s[:at]
	for _, w := range nearWords {
		i := strings.LastIndex(before, w)
		if i < 0 || i > 0 && isWordByte(before[i-1]) {
			continue
		}
		gap := before[i+len(w):]
		if gap != "" && isWordByte(gap[0]) {
			continue // "likely", not "like"
		}
		if words := strings.FieldsFunc(gap, func(r rune) bool { return r < 0x80 && !isWordByte(byte(r)) }); len(words) <= nearGap {
			return Same, w
		}
	}
	return Names, ""
}

// stanceOf reads what sentence, and the sentence after it, say of the
// incident named at position at of sentence (-1 when it is named by its
// day).
func stanceOf(sentence, next string, at int) (Stance, string) {
	s, n := strings.ToLower(sentence), strings.ToLower(next)
	stance, phrase := sentenceStance(s, n)
	if stance == Names && at >= 0 {
		return nearStance(s, at)
	}
	return stance, phrase
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

// continuesID reports whether text, just after an id found at its end,
// goes on with more of a name: a letter or digit, or a hyphen, underscore
// or dot followed by one ("2024-06-10 api" in "2024-06-10 api-gateway").
func continuesID(text string, after int) bool {
	if after >= len(text) {
		return false
	}
	switch c := text[after]; {
	case isWordByte(c):
		return true
	case c == '-' || c == '_' || c == '.':
		return after+1 < len(text) && isWordByte(text[after+1])
	}
	return false
}

// sentence is one sentence of a text, found once however many names it
// holds, and read only when needed.
type sentence struct {
	text     string
	from, to int // text[from:to] holds it
	read     bool
	lower    string // lowercased and trimmed
	offset   int    // where lower starts in text
	stance   Stance // what it says wherever the names stand
	phrase   string
}

// sentenceAt finds the sentence of text around position i.
func sentenceAt(text string, i int) sentence {
	from := i
	for from > 0 && !endsSentence(text, from-1) {
		from--
	}
	to := i
	for to < len(text) && !endsSentence(text, to) {
		to++
	}
	return sentence{text: text, from: from, to: min(to+1, len(text))}
}

// mayBeSame is a cheap test, before reading it: whether the sentence
// may say "the same" (sameStems without their first letter, which may be
// upper case).
func (s *sentence) mayBeSame() bool {
	raw := s.text[s.from:s.to]
	for _, stem := range sameStems {
		if strings.Contains(raw, stem[1:]) {
			return true
		}
	}
	return false
}

// readStance reads what the sentence, and the one after it, say.
func (s *sentence) readStance() {
	if s.read {
		return
	}
	s.read = true
	raw := s.text[s.from:s.to]
	trimmed := strings.TrimLeft(raw, " \t\n")
	s.offset = s.from + len(raw) - len(trimmed)
	s.lower = strings.ToLower(strings.TrimRight(trimmed, " \t\n"))
	n := s.to
	for n < len(s.text) && !endsSentence(s.text, n) {
		n++
	}
	var next string
	if s.to < len(s.text) {
		next = strings.ToLower(strings.TrimSpace(s.text[s.to:min(n+1, len(s.text))]))
	}
	s.stance, s.phrase = sentenceStance(s.lower, next)
}

// endsSentence reports whether text[i] ends a sentence or a line. A
// semicolon does not: its clauses are about the same thing ("X also
// involved the cache; it is not related to this incident").
func endsSentence(text string, i int) bool {
	switch text[i] {
	case '\n':
		return true
	case '.', '?', '!':
		return i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n'
	}
	return false
}

// referrer finds the earlier reports that a report's text names.
type referrer struct {
	byFirst  map[string][]int // an id's first word → report indexes, longest id first
	initial  [256]bool        // the first bytes of ids
	starts   [256]bool        // those and the first digits of years
	maxFirst int              // the length of the longest first word
	ids      []string
	byDay    map[string][]int // "2006-01-02" → reports that started that day
	days     []string         // each report's start day
	nextDays []string         // and the day after it
}

func newReferrer(reports []Report) *referrer {
	r := &referrer{byFirst: map[string][]int{}, byDay: map[string][]int{}}
	for i, rep := range reports {
		r.ids = append(r.ids, rep.ID)
		day := rep.Start.UTC().Format(time.DateOnly)
		r.days = append(r.days, day)
		r.nextDays = append(r.nextDays, rep.Start.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
		r.byDay[day] = append(r.byDay[day], i)
		first, ok := firstWord(rep.ID)
		if !ok {
			continue
		}
		r.byFirst[first] = append(r.byFirst[first], i)
		r.initial[first[0]] = true
		r.maxFirst = max(r.maxFirst, len(first))
	}
	r.starts = r.initial
	r.starts['1'], r.starts['2'] = true, true
	for _, docs := range r.byFirst {
		slices.SortFunc(docs, func(a, b int) int {
			if la, lb := len(r.ids[a]), len(r.ids[b]); la != lb {
				return lb - la
			}
			return strings.Compare(r.ids[a], r.ids[b])
		})
	}
	return r
}

// firstWord returns the first word of id, under which the referrer looks
// it up (referrer.byFirst), and false for an id it does not look for
// (distinctive).
func firstWord(id string) (string, bool) {
	if !distinctive(id) {
		return "", false
	}
	first, _, _ := strings.Cut(id, " ")
	return first, true
}

// distinctive reports whether id, found in prose, names the report rather
// than being a word of the sentence: ids are dated (2026-02-23 ml-serve)
// or numbered (INC-1234); an id such as "outage" is not looked for.
func distinctive(id string) bool {
	return strings.ContainsAny(id, "0123456789") || len(id) >= 12
}

var dayPattern = regexp.MustCompile(`\b(?:(\d{4})-(\d{2})-(\d{2})|(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December),? (\d{4})|(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}),? (\d{4}))\b`)

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

// refScanner reads one report's texts for the reports they name, word by
// word, as the tokenizer walks them (see tokenizer.appendTerms).
type refScanner struct {
	r    *referrer
	self int
	out  []reference
	// track: keep in looks the lookHash of each first word of ids and
	// each day the text looked up, whatever was found.
	track      bool
	looks      []uint32
	text       string
	cur        sentence // the sentence last found
	dayChecked int      // the end of the last sentence looked at for days
}

func (r *referrer) scanner(self int) *refScanner { return &refScanner{r: r, self: self} }

// start starts reading text.
func (sc *refScanner) start(text string) {
	sc.text, sc.cur, sc.dayChecked = text, sentence{to: -1}, -1
}

// add keeps ref, or the stronger of it and the one kept for its report
// (unrelated over same over named, and by id over by day).
func (sc *refScanner) add(ref reference) {
	for k := range sc.out {
		if sc.out[k].doc == ref.doc {
			if old := sc.out[k]; ref.stance > old.stance || ref.stance == old.stance && old.byDate && !ref.byDate {
				sc.out[k] = ref
			}
			return
		}
	}
	sc.out = append(sc.out, ref)
}

func (sc *refScanner) sentence(i int) *sentence {
	if i >= sc.cur.to || i < sc.cur.from {
		sc.cur = sentenceAt(sc.text, i)
	}
	return &sc.cur
}

// word looks at the word that starts at position i of the text: an id
// there is a reference, and word returns where it ends, for its words to
// be skipped (they are not words of the failure); a year there may be in
// a sentence that names a day. Otherwise it returns i.
func (sc *refScanner) word(i int) int {
	r, text := sc.r, sc.text
	c := text[i]
	if r.initial[c] {
		// An id's first word is at most maxFirst long: the search for
		// its end stops there.
		window := text[i:min(len(text), i+r.maxFirst+1)]
		end := strings.IndexAny(window, " ,;:)]\"\n")
		if end < 0 {
			end = len(window)
		}
		first := strings.TrimRight(window[:end], ".?!")
		if sc.track {
			sc.looks = append(sc.looks, lookHash(lookFirst, first))
		}
		for _, doc := range r.byFirst[first] {
			id := r.ids[doc]
			if !strings.HasPrefix(text[i:], id) || continuesID(text, i+len(id)) {
				continue
			}
			// The longest id that matches here is the one named.
			if doc != sc.self {
				s := sc.sentence(i)
				s.readStance()
				stance, phrase := s.stance, s.phrase
				if stance == Names {
					stance, phrase = nearStance(s.lower, i-s.offset)
				}
				sc.add(reference{doc: doc, stance: stance, phrase: phrase})
			}
			return i + len(id)
		}
	}
	// A day named in a sentence that says it was the same.
	if i > sc.dayChecked && isYear(text, i) {
		s := sc.sentence(i)
		sc.dayChecked = s.to
		if !s.mayBeSame() {
			return i
		}
		if s.readStance(); s.stance != Same {
			return i
		}
		for _, m := range dayPattern.FindAllStringSubmatch(text[s.from:s.to], -1) {
			day, ok := parseDay(m)
			// The report's own day is the timeline's, not a reference:
			// "2024-01-02 14:05 the same error".
			if !ok || day == r.days[sc.self] || day == r.nextDays[sc.self] {
				continue
			}
			if sc.track {
				sc.looks = append(sc.looks, lookHash(lookDay, day))
			}
			docs := r.byDay[day]
			for _, doc := range docs {
				if doc != sc.self {
					sc.add(reference{doc: doc, stance: Same, byDate: true, shared: len(docs) > 1, phrase: s.phrase})
				}
			}
		}
	}
	return i
}

// The kinds of lookHash.
const (
	lookFirst = 'f' // a first word of ids (referrer.byFirst)
	lookDay   = 'd' // a day (referrer.byDay)
)

// lookHash is the 32-bit FNV-1a hash of kind and key, as a text keeps
// what it looked up in the referrer (refScanner.looks): two keys may
// share a hash, which only makes a text be read again for nothing.
func lookHash(kind byte, key string) uint32 {
	h := (2166136261 ^ uint32(kind)) * 16777619
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	return h
}

// packedLooks returns looks sorted, each once, as little-endian uint32s.
func packedLooks(looks []uint32) []byte {
	if len(looks) == 0 {
		return nil
	}
	slices.Sort(looks)
	looks = slices.Compact(looks)
	out := make([]byte, 0, 4*len(looks))
	for _, h := range looks {
		out = binary.LittleEndian.AppendUint32(out, h)
	}
	return out
}

// references are the reports that texts name, other than self, each once,
// and where the texts name them by id, in order: what the tokenizer finds
// with a scanner, for reading on its own.
func (r *referrer) references(self int, texts []string) (out []reference, spans []span) {
	sc := r.scanner(self)
	for k, text := range texts {
		sc.start(text)
		for i := 0; i < len(text); i++ {
			// Most bytes can start neither an id nor a year.
			if !r.starts[text[i]] || i > 0 && isWordByte(text[i-1]) {
				continue
			}
			if end := sc.word(i); end > i {
				spans = append(spans, span{k, i, end})
				i = end - 1
			}
		}
	}
	return sc.out, spans
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
