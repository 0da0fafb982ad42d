package markdown

import (
	"regexp"
	"strings"
)

// PlainSections turns a report's Markdown body into plain text for
// indexing and snippets, split into its Summary section (the text under a
// level-one or level-two heading named "Summary") and everything else.
//
// It removes markup rather than rendering: headings, list and quote
// markers, emphasis, code fences and backticks, table rules and pipes, and
// link targets go; the words, code included, stay. Lines are kept, so a
// snippet can stop at a line's end.
func PlainSections(md []byte) (summary, rest string) {
	var sum, body strings.Builder
	out := &body
	fence := ""
	for line := range strings.Lines(string(md)) {
		line = strings.TrimRight(line, " \t\r\n")
		trimmed := strings.TrimLeft(line, " \t")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
				continue
			}
			out.WriteString(line)
			out.WriteByte('\n')
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		if level, text := heading(trimmed); level > 0 {
			if level <= 2 {
				out = &body
				if strings.EqualFold(strings.TrimSpace(text), "summary") {
					out = &sum
					continue
				}
			}
			out.WriteString(inline(text))
			out.WriteByte('\n')
			continue
		}
		if trimmed != "" && strings.Trim(trimmed, "|:- \t") == "" && tableRule.MatchString(trimmed) {
			continue
		}
		text := inline(stripBlockPrefix(trimmed))
		if strings.TrimSpace(text) == "" {
			if out.Len() > 0 && !strings.HasSuffix(out.String(), "\n\n") {
				out.WriteByte('\n')
			}
			continue
		}
		out.WriteString(text)
		out.WriteByte('\n')
	}
	return strings.TrimSpace(sum.String()), strings.TrimSpace(body.String())
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

var (
	// tableRule is a table's header separator: |---|:--:|
	tableRule = regexp.MustCompile(`^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$`)
	images    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	links     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	refLinks  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	footnotes = regexp.MustCompile(`\[\^[^\]]+\]:?`)
	htmlTags  = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	autolinks = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	emphasis  = strings.NewReplacer("**", "", "__", "", "~~", "", "`", "", "|", " ")
)

// stripBlockPrefix removes the markers at the start of a line: quotes,
// list bullets and numbers, and a task box after them.
func stripBlockPrefix(s string) string {
	for {
		switch {
		case strings.HasPrefix(s, ">"):
			s = strings.TrimLeft(s[1:], " \t")
			continue
		case len(s) > 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'):
			s = strings.TrimLeft(s[2:], " \t")
			continue
		}
		digits := 0
		for digits < len(s) && digits < 9 && s[digits] >= '0' && s[digits] <= '9' {
			digits++
		}
		if digits > 0 && digits+1 < len(s) && (s[digits] == '.' || s[digits] == ')') && (s[digits+1] == ' ' || s[digits+1] == '\t') {
			s = strings.TrimLeft(s[digits+2:], " \t")
			continue
		}
		break
	}
	if len(s) > 3 && s[0] == '[' && (s[1] == ' ' || s[1] == 'x' || s[1] == 'X') && s[2] == ']' && (s[3] == ' ' || s[3] == '\t') {
		s = strings.TrimLeft(s[4:], " \t")
	}
	return s
}

// inline removes inline markup from one line of text.
func inline(s string) string {
	if !strings.ContainsAny(s, "[]*_~`|<") {
		return s
	}
	s = images.ReplaceAllString(s, "$1")
	s = links.ReplaceAllString(s, "$1")
	s = refLinks.ReplaceAllString(s, "$1")
	s = footnotes.ReplaceAllString(s, "")
	s = autolinks.ReplaceAllString(s, "$1")
	s = htmlTags.ReplaceAllString(s, " ")
	s = emphasis.Replace(s)
	s = singleEmphasis(s)
	return strings.Join(strings.Fields(s), " ")
}

// singleEmphasis drops "*" and "_" that open or close emphasis: those next
// to a word on one side and a space or the line's edge on the other. An
// underscore inside a word (snake_case) stays.
func singleEmphasis(s string) string {
	if !strings.ContainsAny(s, "*_") {
		return s
	}
	b := []byte(s)
	out := make([]byte, 0, len(b))
	for i, c := range b {
		if c == '*' || c == '_' {
			before := i == 0 || b[i-1] == ' ' || b[i-1] == '('
			after := i == len(b)-1 || b[i+1] == ' ' || b[i+1] == ')' || b[i+1] == '.' || b[i+1] == ',' || b[i+1] == ':'
			if before || after || c == '*' {
				continue
			}
		}
		out = append(out, c)
	}
	return string(out)
}
