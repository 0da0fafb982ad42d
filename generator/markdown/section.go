package markdown

import (
	"iter"
	"strings"
)

// Line is one line of a Markdown body.
type Line struct {
	N    int    // the line's number, from 1
	Text string // the line, with its line ending
	Code bool   // inside fenced code, or one of its fences
}

// Lines yields the lines of md, saying which belong to fenced code.
func Lines(md []byte) iter.Seq[Line] {
	return func(yield func(Line) bool) {
		fence, n := "", 0
		for text := range strings.Lines(string(md)) {
			n++
			trimmed := strings.TrimLeft(text, " \t")
			code := fence != ""
			switch {
			case fence != "" && strings.HasPrefix(trimmed, fence):
				fence = ""
			case fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
				fence, code = trimmed[:3], true
			}
			if !yield(Line{N: n, Text: text, Code: code}) {
				return
			}
		}
	}
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
// without case. Headings inside fenced code do not count.
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
			if !found && level > 0 && strings.EqualFold(head, title) {
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
