package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Snippets are cut from the stored text, not by bleve's highlighter,
// around the places the index itself records for the matching words: the
// text fields keep term vectors for phrase queries, so a second, small
// query over just the hits shown (see Index.locate) gives their byte
// offsets without analysing any text again.

// Span is a piece of a passage; Match marks a word the query matched.
type Span struct {
	Text  string
	Match bool
}

// Passage is a piece of a report's text around matching words.
type Passage []Span

// HTML writes the passage escaped, with matches in <mark>.
func (p Passage) HTML() string {
	var b strings.Builder
	for _, s := range p {
		if s.Match {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(s.Text))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(s.Text))
		}
	}
	return b.String()
}

// Text writes the passage with matches between open and close.
func (p Passage) Text(open, close string) string {
	var b strings.Builder
	for _, s := range p {
		if s.Match {
			b.WriteString(open + s.Text + close)
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// passageWidth is about how many characters a passage shows.
const passageWidth = 180

// span is where a matching word is in a text: byte offsets, end excluded.
type span struct{ start, end int }

// passages returns up to n passages from texts, best first: those with
// the most matches, where matches[k] lists the matching words of texts[k]
// in order. Without any match it returns the opening of the first
// non-empty text.
func passages(texts []string, matches [][]span, n int) []Passage {
	type scored struct {
		p     Passage
		score int
	}
	var found []scored
	for k, text := range texts {
		if k >= len(matches) || text == "" {
			continue
		}
		hits := matches[k]
		for i := 0; i < len(hits) && len(found) < 3*n; {
			if hits[i].start < 0 || hits[i].end > len(text) || hits[i].start >= hits[i].end {
				i++ // not in this text: the index and the stored text disagree
				continue
			}
			start := lineStart(text, hits[i].start, passageWidth/3)
			end := lineEnd(text, start+passageWidth)
			var p Passage
			pos := start
			count := 0
			for ; i < len(hits) && hits[i].end <= end; i++ {
				if hits[i].start < pos {
					continue
				}
				p = append(p, Span{Text: text[pos:hits[i].start]}, Span{Text: text[hits[i].start:hits[i].end], Match: true})
				pos = hits[i].end
				count++
			}
			if count == 0 { // a match longer than the passage
				i++
				continue
			}
			p = append(p, Span{Text: text[pos:end]})
			found = append(found, scored{decorate(p, start > 0, end < len(text)), count})
		}
	}
	if len(found) == 0 {
		for _, text := range texts {
			if text != "" {
				end := lineEnd(text, passageWidth)
				return []Passage{decorate(Passage{{Text: text[:end]}}, false, end < len(text))}
			}
		}
		return nil
	}
	// Stable: equal counts keep the order of the fields and the text.
	for i := 1; i < len(found); i++ {
		for j := i; j > 0 && found[j].score > found[j-1].score; j-- {
			found[j], found[j-1] = found[j-1], found[j]
		}
	}
	out := make([]Passage, 0, n)
	for _, f := range found[:min(n, len(found))] {
		out = append(out, f.p)
	}
	return out
}

// decorate folds the passage's line breaks and runs of spaces into single
// spaces and adds ellipses where it was cut from a longer text.
func decorate(p Passage, cutBefore, cutAfter bool) Passage {
	out := make(Passage, 0, len(p)+2)
	if cutBefore {
		out = append(out, Span{Text: "… "})
	}
	for _, s := range p {
		if singleSpaced(s.Text) && (!s.Match || s.Text == " " || (s.Text[0] != ' ' && s.Text[len(s.Text)-1] != ' ')) {
			// The common case, and what the rest would make of it: no
			// copy.
			out = append(out, s)
			continue
		}
		text := strings.Join(strings.Fields(s.Text), " ")
		if text != "" && !s.Match {
			if isSpace(s.Text[0]) {
				text = " " + text
			}
			if isSpace(s.Text[len(s.Text)-1]) {
				text += " "
			}
		} else if text == "" && s.Text != "" {
			text = " "
		}
		if text != "" {
			out = append(out, Span{Text: text, Match: s.Match})
		}
	}
	if cutAfter {
		out = append(out, Span{Text: " …"})
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }

// singleSpaced reports whether s is not empty, has no white space but
// single ASCII spaces, and is not only a space: decorate leaves such text
// as it is.
func singleSpaced(s string) bool {
	if s == "" || s == " " {
		return s == " "
	}
	prevSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
			} else {
				if c <= ' ' || c == 0x7f {
					return false // tabs, line breaks and other controls
				}
				prevSpace = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
		i += n
	}
	return true
}

// lineStart moves back from pos by up to back bytes, stopping after a
// line break or at a word boundary.
func lineStart(text string, pos, back int) int {
	start := max(0, pos-back)
	if i := strings.LastIndexByte(text[start:pos], '\n'); i >= 0 {
		return start + i + 1
	}
	if start == 0 {
		return 0
	}
	if i := strings.IndexByte(text[start:pos], ' '); i >= 0 {
		return start + i + 1
	}
	for start < pos && !utf8.RuneStart(text[start]) {
		start++
	}
	return start
}

// lineEnd returns where a passage ending near pos should end: at a word
// boundary, never inside a character, never past the text.
func lineEnd(text string, pos int) int {
	if pos >= len(text) {
		return len(text)
	}
	if i := strings.LastIndexByte(text[:pos], ' '); i > pos-40 && i > 0 {
		return i
	}
	for pos > 0 && !utf8.RuneStart(text[pos]) {
		pos--
	}
	return pos
}
