package wikitext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeText escapes the characters of prose that Markdown would read as
// markup: emphasis and strikethrough marks, brackets, backticks, "<",
// backslashes, table bars, and "&" that would start an entity. An "_"
// between two letters or digits is left alone: it cannot open or close
// emphasis there, and ids and names such as "mw_api" stay readable.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "\\`*_[]<>~|&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '[', ']', '<', '~', '|':
			b.WriteByte('\\')
		case '_':
			if i == 0 || i+1 >= len(s) || !isAlnum(s[i-1]) || !isAlnum(s[i+1]) {
				b.WriteByte('\\')
			}
		case '&':
			if i+1 < len(s) && (isAlnum(s[i+1]) || s[i+1] == '#') {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// escapeLineStart escapes what would make the start of a Markdown line a
// block marker: "#" headings, ">" quotes, "-", "+" and "*" bullets, "1." and
// "1)" numbers, "=" and "-" setext underlines. s has been escaped by
// escapeText and has no leading white space.
func escapeLineStart(s string) string {
	if s == "" {
		return s
	}
	switch c := s[0]; {
	case c == '#' || c == '>' || c == '=' || c == '+' || c == '-':
		return `\` + s
	case c >= '0' && c <= '9':
		j := 0
		for j < len(s) && j < 10 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j < len(s) && j <= 9 && (s[j] == '.' || s[j] == ')') {
			return s[:j] + `\` + s[j:]
		}
	}
	return s
}

// codeSpan returns text as a Markdown code span, its fence longer than any
// run of backticks in it; "" for text that is only white space.
func codeSpan(text string, inCell bool) string {
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
	if strings.TrimSpace(text) == "" {
		return ""
	}
	if inCell {
		// GFM splits table cells before it reads code spans.
		text = strings.ReplaceAll(text, "|", `\|`)
	}
	longest, n := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if text[0] == '`' || text[len(text)-1] == '`' || (text[0] == ' ' && text[len(text)-1] == ' ') {
		text = " " + text + " "
	}
	return fence + text + fence
}

// codeBlock returns a fenced code block, its fence longer than any run of
// backticks in the code, with the language given.
func codeBlock(code, lang string) string {
	code = strings.Trim(code, "\n")
	longest, n := 0, 0
	for i := 0; i < len(code); i++ {
		if code[i] == '`' {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + lang + "\n" + code + "\n" + fence
}

// cleanLang keeps the characters of a code block's language that are
// safe in an info string.
func cleanLang(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		if r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '-' || r == '_' || r == '+' || r == '.' || r == '#') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// titleURL escapes a page title as MediaWiki writes it in a URL: white
// space as underscores, the first letter upper case, and everything but
// letters, digits and "-_.~:/,;@$!" percent-encoded (parentheses too, which
// MediaWiki leaves alone but Markdown link destinations do not).
func titleURL(title string) string {
	title = upperFirst(strings.Join(strings.Fields(strings.ReplaceAll(title, "_", " ")), " "))
	return pathEscape(strings.ReplaceAll(title, " ", "_"))
}

// pathEscape percent-encodes every byte but the safe ones above.
func pathEscape(s string) string {
	const safe = "-_.~:/,;@$!"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + hex2(c))
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// fragmentURL escapes a section name as MediaWiki writes it after "#".
func fragmentURL(s string) string {
	return pathEscape(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}

// destination makes a URL safe as a Markdown link destination or
// autolink: no white space, no "<", ">", backslashes, backticks or
// parentheses, which it percent-encodes.
func destination(u string) string {
	if !strings.ContainsAny(u, " \t\n<>\\`()|\"") {
		return u
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if strings.IndexByte(" \t\n<>\\`()|\"", c) >= 0 {
			b.WriteString("%" + hex2(c))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// slug is the anchor goldmark gives a heading: lower case, white space
// as "-", other punctuation dropped.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte('-')
		}
	}
	return b.String()
}

// isSpace reports white space, including the non-breaking space.
func isSpace(r rune) bool { return unicode.IsSpace(r) }

// trim trims white space, including non-breaking spaces.
func trim(s string) string { return strings.TrimFunc(s, isSpace) }
