package markdown

import "strings"

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
	found, fence, n := false, "", 0
	for line := range strings.Lines(string(md)) {
		n++
		trimmed := strings.TrimLeft(strings.TrimRight(line, " \t\r\n"), " \t")
		if fence == "" {
			if level, head := heading(trimmed); level > 0 {
				if found && level <= sec.Level {
					break
				}
				if !found && strings.EqualFold(head, title) {
					sec, found = Section{Level: level, Title: head, Line: n}, true
					continue
				}
			}
		}
		switch {
		case fence != "" && strings.HasPrefix(trimmed, fence):
			fence = ""
		case fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:3]
		}
		if found {
			text.WriteString(line)
		}
	}
	sec.Text = text.String()
	return sec, found
}
