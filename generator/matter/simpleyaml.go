package matter

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// parseSimpleYAML parses the plain shape that nearly all front matter has,
// several times faster than a general YAML parser: block mappings and
// block sequences nested by indentation, whose values are plain scalars,
// simple quoted strings or one-line flow sequences of plain scalars. It
// returns the same node tree yaml.v3 would, tags and positions included;
// TestSimpleYAMLAgreesWithYAMLv3 and FuzzSimpleYAML hold it to that.
//
// Block scalars (| and >, with - or default chomping) are read when their
// lines share one indentation without blank lines. Anything outside that
// shape (comments, anchors, aliases, tags, other block scalars,
// multi-line plain values, flow mappings, escapes, tabs, several
// documents) makes it give up with ok false, and the caller parses the
// text with a full YAML parser instead. It never reports errors: those come from the full
// parser, with its messages and positions.
func parseSimpleYAML(raw []byte) (root *yaml.Node, ok bool) {
	if bytes.ContainsAny(raw, "\t\r{}") || !printable(raw) {
		return nil, false
	}
	p := simpleParser{}
	pieces := strings.Split(string(raw), "\n")
	p.unterminated = len(pieces) // the last line has no line break
	for i, text := range pieces {
		content := strings.TrimLeft(text, " ")
		if strings.TrimRight(content, " ") == "" {
			if text != "" {
				p.spaceLines = true
			}
			continue
		}
		if strings.HasPrefix(text, "---") || strings.HasPrefix(text, "...") {
			return nil, false
		}
		trimmed := strings.TrimRight(content, " ")
		p.lines = append(p.lines, simpleLine{number: i + 1, indent: len(text) - len(content), text: trimmed, trailing: len(trimmed) < len(content)})
	}
	if len(p.lines) == 0 || p.lines[0].indent != 0 {
		return nil, false
	}
	root, ok = p.mapping(0)
	if !ok || p.next != len(p.lines) {
		return nil, false
	}
	return root, true
}

type simpleLine struct {
	number   int    // 1-based line number
	indent   int    // leading spaces
	text     string // the line without its indentation and trailing spaces
	trailing bool   // it had trailing spaces
}

type simpleParser struct {
	lines []simpleLine
	next  int // index of the next unread line
	depth int // nesting of the block being read
	// unterminated is the number of the text's last line when it does not
	// end with a line break.
	unterminated int
	// spaceLines: some line holds only spaces, which a block scalar may
	// take as content.
	spaceLines bool
}

// maxSimpleDepth is deeper than any front matter needs and than the
// depth front matter may have at all (see checkDepth); deeper text goes
// to the full parser, which reports it.
const maxSimpleDepth = 64

// mapping reads the block mapping whose keys sit at indent, starting at
// the next line.
func (p *simpleParser) mapping(indent int) (*yaml.Node, bool) {
	if p.depth++; p.depth > maxSimpleDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	first := p.lines[p.next]
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: first.number, Column: indent + 1}
	for p.next < len(p.lines) && p.lines[p.next].indent == indent {
		l := p.lines[p.next]
		if strings.HasPrefix(l.text, "-") && (len(l.text) == 1 || l.text[1] == ' ') {
			break // a sequence at the parent's indent ends this mapping
		}
		key, rest, ok := splitKey(l.text)
		if !ok {
			return nil, false
		}
		k, ok := plainScalar(key, l.number, indent+1, false)
		if !ok {
			return nil, false
		}
		p.next++
		var v *yaml.Node
		switch {
		case rest == "" && p.startsBlock(indent):
			v, ok = p.nested(indent)
		case rest == "":
			// "key:" alone is a null, placed just after the colon.
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: l.number, Column: indent + len(key) + 2}
		case rest == "|" || rest == "|-" || rest == ">" || rest == ">-":
			v, ok = p.blockScalar(rest, indent, l.number, indent+len(l.text)-len(rest)+1)
		default:
			v, ok = inlineValue(rest, l.number, indent+len(l.text)-len(rest)+1)
		}
		if !ok {
			return nil, false
		}
		m.Content = append(m.Content, k, v)
	}
	if p.next < len(p.lines) && p.lines[p.next].indent > indent {
		return nil, false // a continuation line or a stray indent
	}
	return m, true
}

// blockScalar reads the lines of a literal (|) or folded (>) block scalar
// that is a mapping value, with clip or strip (-) chomping, when they are
// the simple kind: one indentation, no blank or trailing-space lines
// inside. line and col are those of the indicator.
func (p *simpleParser) blockScalar(indicator string, parent, line, col int) (*yaml.Node, bool) {
	if p.spaceLines {
		return nil, false
	}
	var parts []string
	indent := -1
	last := line
	for p.next < len(p.lines) && p.lines[p.next].indent > parent {
		l := p.lines[p.next]
		if indent < 0 {
			indent = l.indent
		}
		if l.indent != indent || l.trailing || l.number != last+1 {
			return nil, false // more indentation, trailing spaces or a blank line: folding rules
		}
		parts = append(parts, l.text)
		last = l.number
		p.next++
	}
	if len(parts) == 0 {
		return nil, false
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Line: line, Column: col}
	sep := "\n"
	n.Style = yaml.LiteralStyle
	if indicator[0] == '>' {
		sep, n.Style = " ", yaml.FoldedStyle
	}
	n.Value = strings.Join(parts, sep)
	if !strings.HasSuffix(indicator, "-") && last != p.unterminated {
		n.Value += "\n" // clip: the last line break stays, if there is one
	}
	return n, true
}

// startsBlock reports whether the next line starts the block value of a
// key at indent.
func (p *simpleParser) startsBlock(indent int) bool {
	if p.next == len(p.lines) {
		return false
	}
	l := p.lines[p.next]
	return l.indent > indent || (l.indent == indent && isItem(l.text))
}

func isItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

// nested reads the block value of a key at indent whose line ends with
// the colon: a mapping or sequence indented further, or a sequence at the
// same indent.
func (p *simpleParser) nested(indent int) (*yaml.Node, bool) {
	l := p.lines[p.next]
	switch {
	case isItem(l.text):
		return p.sequence(l.indent)
	case l.indent > indent:
		return p.mapping(l.indent)
	}
	return nil, false
}

// sequence reads the block sequence whose dashes sit at indent.
func (p *simpleParser) sequence(indent int) (*yaml.Node, bool) {
	if p.depth++; p.depth > maxSimpleDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	first := p.lines[p.next]
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: first.number, Column: indent + 1}
	for p.next < len(p.lines) && p.lines[p.next].indent == indent {
		l := p.lines[p.next]
		if !isItem(l.text) {
			break
		}
		if l.text == "-" {
			// An empty item is a null, placed just after the dash.
			p.next++
			if p.next < len(p.lines) && p.lines[p.next].indent > indent {
				return nil, false // its value is on the lines below
			}
			s.Content = append(s.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: l.number, Column: indent + 2})
			continue
		}
		item := strings.TrimLeft(l.text[2:], " ")
		col := indent + len(l.text) - len(item) // 0-based column of the item
		if _, _, isMap := splitKey(item); isMap {
			// "- key: value" starts a mapping whose keys sit at col: read
			// it as if its first line were indented that far.
			p.lines[p.next] = simpleLine{number: l.number, indent: col, text: item}
			m, ok := p.mapping(col)
			if !ok {
				return nil, false
			}
			s.Content = append(s.Content, m)
			continue
		}
		v, ok := inlineValue(item, l.number, col+1)
		if !ok {
			return nil, false
		}
		p.next++
		s.Content = append(s.Content, v)
	}
	if p.next < len(p.lines) && p.lines[p.next].indent > indent {
		return nil, false
	}
	return s, true
}

// splitKey splits "key: value" (or "key:") at the first colon that ends
// the key. Keys must be plain words.
func splitKey(text string) (key, rest string, ok bool) {
	i := strings.IndexByte(text, ':')
	if i <= 0 || i > 1000 { // libyaml allows implicit keys of up to 1024 characters
		return "", "", false
	}
	key = text[:i]
	for _, c := range []byte(key) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return "", "", false
		}
	}
	rest = text[i+1:]
	if rest != "" && rest[0] != ' ' {
		return "", "", false
	}
	return key, strings.TrimLeft(rest, " "), true
}

// inlineValue reads a value written on its key's line, starting at the
// 1-based column col.
func inlineValue(text string, line, col int) (*yaml.Node, bool) {
	switch text[0] {
	case '[':
		return flowSequence(text, line, col)
	case '"':
		if len(text) < 2 || text[len(text)-1] != '"' || strings.ContainsAny(text[1:len(text)-1], `"\`) {
			return nil, false
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Tag: "!!str", Value: text[1 : len(text)-1], Line: line, Column: col}, true
	case '\'':
		if len(text) < 2 || text[len(text)-1] != '\'' || strings.Contains(text[1:len(text)-1], "'") {
			return nil, false
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Style: yaml.SingleQuotedStyle, Tag: "!!str", Value: text[1 : len(text)-1], Line: line, Column: col}, true
	}
	return plainScalar(text, line, col, false)
}

// flowSequence reads "[a, b, c]" of plain scalars on one line.
func flowSequence(text string, line, col int) (*yaml.Node, bool) {
	if text[len(text)-1] != ']' {
		return nil, false
	}
	s := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Tag: "!!seq", Line: line, Column: col}
	inner := text[1 : len(text)-1]
	if strings.Trim(inner, " ") == "" { // YAML's blanks are spaces, not U+00A0 and the like
		return s, true
	}
	offset := 1 // characters of text before inner
	for _, item := range strings.Split(inner, ",") {
		trimmed := strings.TrimLeft(item, " ")
		lead := len(item) - len(trimmed)
		trimmed = strings.TrimRight(trimmed, " ")
		if trimmed == "" {
			return nil, false
		}
		v, ok := plainScalar(trimmed, line, col+offset+lead, true)
		if !ok {
			return nil, false
		}
		s.Content = append(s.Content, v)
		offset += utf8.RuneCountInString(item) + 1
	}
	return s, true
}

// plainScalar checks that text is an unquoted scalar with no characters
// that YAML would read as structure, and resolves its tag as yaml.v3 does.
func plainScalar(text string, line, col int, inFlow bool) (*yaml.Node, bool) {
	if text == "" || strings.ContainsRune("?:,[]{}#&*!|>'\"%@`", rune(text[0])) {
		return nil, false
	}
	if text[0] == '-' && (len(text) == 1 || text[1] == ' ') {
		return nil, false // "- " starts a sequence item
	}
	if strings.Contains(text, ": ") || strings.HasSuffix(text, ":") || strings.Contains(text, " #") {
		return nil, false
	}
	if inFlow && strings.ContainsAny(text, ",[]{}:?") {
		return nil, false
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: text, Line: line, Column: col}
	n.Tag = n.ShortTag()
	return n, true
}

// printable reports whether raw is UTF-8 made only of the characters YAML
// allows in a document, less those that libyaml-derived parsers read as
// line breaks or byte-order marks.
func printable(raw []byte) bool {
	for len(raw) > 0 {
		c := raw[0]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false
			}
			raw = raw[1:]
			continue
		}
		r, size := utf8.DecodeRune(raw)
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0xa0, // C1 controls and NEL
			r == 0x2028, r == 0x2029, r == 0xfeff,
			r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
			return false
		}
		raw = raw[size:]
	}
	return true
}
