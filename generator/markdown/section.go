package markdown

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line is one line of a Markdown body.
type Line struct {
	N    int    // the line's number, from 1
	Text string // the line, with its line ending
	Code bool   // inside fenced code, or one of its fences
}

// Lines yields the lines of md, saying which belong to fenced code. Fences
// are read as CommonMark (and so goldmark) reads them: a fence closes only
// at a line of at least as many of its own characters with nothing after
// them, so a "```go" line or a shorter fence inside a "````" block is code.
func Lines(md []byte) iter.Seq[Line] {
	return func(yield func(Line) bool) {
		var open byte // the fence character while in fenced code
		width, n := 0, 0
		for text := range strings.Lines(string(md)) {
			n++
			trimmed := strings.TrimLeft(text, " \t")
			code := open != 0
			if c, w := fenceRun(trimmed); open != 0 {
				if c == open && w >= width && strings.TrimSpace(trimmed[w:]) == "" {
					open = 0
				}
			} else if w >= 3 && (c == '~' || !strings.ContainsRune(trimmed[w:], '`')) {
				open, width, code = c, w, true
			}
			if !yield(Line{N: n, Text: text, Code: code}) {
				return
			}
		}
	}
}

// fenceRun returns the fence character s starts with, ` or ~, and how
// many of it there are in a row; 0, 0 for any other start.
func fenceRun(s string) (byte, int) {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return 0, 0
	}
	w := 0
	for w < len(s) && s[w] == s[0] {
		w++
	}
	return s[0], w
}

// Section is the part of a Markdown body under one ATX heading ("## Timeline"),
// up to the next heading of the same or a higher level.
type Section struct {
	Level int
	Title string
	// Line is the heading's line, counted from 1 at the start of the body.
	Line int
	// Text is what follows the heading, lines and fenced code included,
	// subsections too.
	Text string
}

// FindSection returns the first section whose heading reads title, compared
// without case, alone or followed by more that is not part of a word
// ("Timeline (UTC)", "Timeline: 23 February"). Headings inside fenced
// code do not count.
func FindSection(md []byte, title string) (Section, bool) {
	var sec Section
	var text strings.Builder
	found := false
	for l := range Lines(md) {
		if !l.Code {
			level, head := heading(strings.TrimSpace(l.Text))
			if found && level > 0 && level <= sec.Level {
				break
			}
			if !found && level > 0 && headingReads(head, title) {
				sec, found = Section{Level: level, Title: head, Line: l.N}, true
				continue
			}
		}
		if found {
			text.WriteString(l.Text)
		}
	}
	sec.Text = text.String()
	return sec, found
}

// heading returns the level and text of an ATX heading line, or 0.
func heading(line string) (int, string) {
	level := 0
	for level < len(line) && line[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(line) && line[level] != ' ') {
		return 0, ""
	}
	return level, strings.TrimRight(strings.TrimSpace(line[level:]), "# ")
}

// headingReads reports whether head is title, or title followed by a
// character that cannot continue its last word.
func headingReads(head, title string) bool {
	if len(head) < len(title) || !strings.EqualFold(head[:len(title)], title) {
		return false
	}
	if len(head) == len(title) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(head[len(title):])
	return !unicode.IsLetter(next) && !unicode.IsDigit(next)
}
