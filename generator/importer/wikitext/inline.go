package wikitext

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ictx is where inline text is converted.
type ictx struct {
	cell    bool // in a table cell, heading or footnote: line breaks as spaces
	noLinks bool // in a link's text: links become their text
	plain   bool // plain text for a code span: no Markdown, no escaping
}

// maxInlineDepth bounds the nesting of inline conversions.
const maxInlineDepth = 8

// brMark stands for a <br> in inline output until the block that holds
// it decides what it becomes: a hard line break, or nothing at its end.
const brMark = "\x01"

// pieceKind says what a piece of inline output is.
type pieceKind uint8

const (
	pText  pieceKind = iota // escaped prose
	pRaw                    // Markdown markup
	pQuote                  // a run of apostrophes, not yet resolved
	pOpen                   // an emphasis opener
	pClose                  // an emphasis closer
	pLine                   // a line break in the source
	pBr                     // a <br>
)

type piece struct {
	kind pieceKind
	s    string
	n    int  // pQuote: the run's length
	x1   byte // pQuote: the byte before the run, and the one before it
	x2   byte
}

// inline converts text with no block structure to Markdown inline text.
// Line breaks become spaces (the block converter gives each line its own
// call); a <br> becomes brMark.
func (c *converter) inline(s string, x ictx) string {
	if s == "" {
		return ""
	}
	// Links in link text, tags in tags and references in references
	// convert their insides with another call: past a few levels, which no
	// page needs, the text is kept as it is, so that the work stays
	// linear in the size of the page.
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxInlineDepth {
		c.warn("markup", "markup nested too deep was kept as text")
		return strings.ReplaceAll(c.text(s, x), "\n", " ")
	}
	if !strings.ContainsAny(s, "'[{<&\n:") {
		return c.text(s, x) // prose with nothing to convert: the usual line
	}
	ps := c.pieces(s, x)
	if !x.plain {
		ps = resolveQuotes(ps)
		ps = tidyEmphasis(ps)
	}
	var b strings.Builder
	for _, p := range ps {
		switch p.kind {
		case pText:
			b.WriteString(p.s)
		case pRaw:
			b.WriteString(p.s)
		case pOpen, pClose:
			if !x.plain {
				b.WriteString(p.s)
			}
		case pLine:
			b.WriteByte(' ')
		case pBr:
			if x.cell || x.plain {
				b.WriteByte(' ')
			} else {
				b.WriteString(brMark)
			}
		}
	}
	return b.String()
}

// plain converts wikitext to plain text: markup removed, links as their
// text, entities decoded.
func (c *converter) plain(s string) string { return c.inline(s, ictx{plain: true, cell: true}) }

var (
	bareURL  = regexp.MustCompile(`^(?i:https?|ftp)://[^\s\[\]<>"{}|\x00-\x1f]+`)
	extURL   = regexp.MustCompile(`^(?i:https?://|ftp://|ftps://|irc://|ircs://|mailto:|news:|//)[^\s\[\]<>"\x00-\x1f]+`)
	taskURL  = regexp.MustCompile(`^(?i)https?://phabricator\.[a-z0-9.-]+/(T\d{1,9})(?:[#?][^\s]*)?/?$`)
	entityRe = regexp.MustCompile(`^&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});`)
)

// pieces splits s into pieces of output, converting links, templates,
// tags and entities on the way; apostrophe runs are left for
// resolveQuotes.
func (c *converter) pieces(s string, x ictx) []piece {
	scan := scanBraces(s)
	calls := map[int]Template{}
	for _, t := range scan.templates {
		calls[t.Start] = t
	}
	spanEnd := map[int]int{}
	for _, sp := range scan.spans {
		spanEnd[sp[0]] = sp[1]
	}
	linkEnds := matchLinks(s, spanEnd)
	var ps []piece
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			ps = append(ps, piece{kind: pText, s: c.text(text.String(), x)})
			text.Reset()
		}
	}
	emit := func(kind pieceKind, s string) {
		flush()
		ps = append(ps, piece{kind: kind, s: s})
	}
	var closer tagCloser
	// The next "]" and line break at or after i, found again only once i
	// passes them: a line of many "[" with no "]" is read once.
	nextClose, nextLine := -1, -1
	next := func(at *int, i int, b byte) int {
		if *at < i && *at != len(s) {
			if k := strings.IndexByte(s[i:], b); k >= 0 {
				*at = i + k
			} else {
				*at = len(s)
			}
		}
		if *at == len(s) {
			return -1
		}
		return *at - i
	}
	for i := 0; i < len(s); {
		if t, ok := calls[i]; ok {
			out, isText := c.template(t, s[t.Start:t.End], x)
			if isText {
				text.WriteString(out)
			} else {
				emit(pRaw, out)
			}
			i = t.End
			continue
		}
		if end, ok := spanEnd[i]; ok {
			emit(pRaw, c.opaque(s[i:end], x))
			i = end
			continue
		}
		ch := s[i]
		switch {
		case ch == '\n':
			emit(pLine, "")
			i++
		case ch == '\'' && i+1 < len(s) && s[i+1] == '\'':
			n := run(s, i, '\'')
			p := piece{kind: pQuote, n: n}
			if i > 0 {
				p.x1 = s[i-1]
			}
			if i > 1 {
				p.x2 = s[i-2]
			}
			flush()
			ps = append(ps, p)
			i += n
		case ch == '[' && i+1 < len(s) && s[i+1] == '[':
			end, ok := linkEnds[i]
			if !ok {
				text.WriteString("[[")
				i += 2
				continue
			}
			trail := linkTrail(s[end:])
			emit(pRaw, c.internalLink(s[i+2:end-2], trail, x))
			i = end + len(trail)
		case ch == '[':
			m := extURL.FindString(s[i+1:])
			close := next(&nextClose, i, ']')
			nl := next(&nextLine, i, '\n')
			if m == "" || close < 0 || (nl >= 0 && nl < close) || i+1+len(m) > i+close {
				text.WriteByte('[')
				i++
				continue
			}
			label := s[i+1+len(m) : i+close]
			emit(pRaw, c.externalLink(m, label, x))
			i += close + 1
		case (ch == 'h' || ch == 'H' || ch == 'f' || ch == 'F') && (i == 0 || !isAlnum(s[i-1])):
			m := bareURL.FindString(s[i:])
			if m == "" {
				text.WriteByte(ch)
				i++
				continue
			}
			if q := strings.Index(m, "''"); q >= 0 {
				m = m[:q]
			}
			m = trimURLEnd(m)
			emit(pRaw, c.bareLink(m, x))
			i += len(m)
		case ch == '<':
			i = c.tag(s, i, x, &closer, &ps, flush, &text)
		case ch == '&':
			if m := entityRe.FindString(s[i:]); m != "" {
				text.WriteString(m) // decoded with the text around it
				i += len(m)
				continue
			}
			text.WriteByte('&')
			i++
		default:
			text.WriteByte(ch)
			i++
		}
	}
	flush()
	return ps
}

// text converts a run of prose: entities decoded, Markdown escaped.
func (c *converter) text(s string, x ictx) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if x.plain {
		return s
	}
	return escapeText(s)
}

// trimURLEnd drops the punctuation MediaWiki leaves out of the end of a
// bare URL, and a ")" that closes nothing in it.
func trimURLEnd(u string) string {
	for u != "" {
		last := u[len(u)-1]
		if strings.IndexByte(".,;:!?'", last) >= 0 {
			u = u[:len(u)-1]
			continue
		}
		if last == ')' && strings.Count(u, "(") < strings.Count(u, ")") {
			u = u[:len(u)-1]
			continue
		}
		break
	}
	return u
}

// matchLinks returns, for each "[[" in s that is closed on its line, the
// offset after its "]]", counting nested links (a File caption may hold
// some) and skipping calls and opaque regions, in one pass.
func matchLinks(s string, spanEnd map[int]int) map[int]int {
	ends := map[int]int{}
	var open []int
	for j := 0; j < len(s); {
		if e, ok := spanEnd[j]; ok {
			j = e
			continue
		}
		switch {
		case s[j] == '\n':
			open = open[:0]
			j++
		case strings.HasPrefix(s[j:], "[["):
			open = append(open, j)
			j += 2
		case strings.HasPrefix(s[j:], "]]") && len(open) > 0:
			ends[open[len(open)-1]] = j + 2
			open = open[:len(open)-1]
			j += 2
		default:
			j++
		}
	}
	return ends
}

// linkTrail returns the letters after a link that MediaWiki shows as part
// of it ("[[server]]s").
func linkTrail(s string) string {
	j := 0
	for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
		j++
	}
	return s[:j]
}

// opaque converts a comment or an opaque tag met in inline text.
func (c *converter) opaque(s string, x ictx) string {
	if strings.HasPrefix(s, "<!--") {
		return ""
	}
	name, selfClosing, end := tagAt(s, 0)
	attrs := s[1+len(name) : end-1]
	content := ""
	if !selfClosing {
		if k := strings.LastIndex(s, "</"); k >= end {
			content = s[end:k]
		}
	}
	switch name {
	case "nowiki":
		if x.plain {
			return html.UnescapeString(content)
		}
		return escapeText(html.UnescapeString(content))
	case "references":
		if content != "" {
			c.listDefinedRefs(content)
		}
		return ""
	case "ref":
		if x.plain {
			return ""
		}
		return c.ref(attrs, content, selfClosing)
	case "pre", "syntaxhighlight", "source":
		code := html.UnescapeString(content)
		if name != "pre" {
			code = content
		}
		if x.plain {
			return code
		}
		if strings.Contains(strings.Trim(code, "\n"), "\n") && !x.cell {
			c.warn("code", "a multi-line <"+name+"> inside a line was put on one line as code")
		}
		return codeSpan(code, x.cell)
	default: // math, score, graph, timeline
		if x.plain {
			return content
		}
		c.warn("tag", "<"+name+"> kept as code")
		return codeSpan(content, x.cell)
	}
}

// tag converts the tag (or the "<" that is not one) at s[i], and returns
// where to go on.
func (c *converter) tag(s string, i int, x ictx, closer *tagCloser, ps *[]piece, flush func(), text *strings.Builder) int {
	emit := func(kind pieceKind, out string) {
		flush()
		*ps = append(*ps, piece{kind: kind, s: out})
	}
	closing := strings.HasPrefix(s[i:], "</")
	at := i
	if closing {
		at = i + 1
	}
	name, selfClosing, end := tagAt(s, at)
	if name == "" {
		text.WriteByte('<')
		return i + 1
	}
	if closing {
		if name == "br" {
			emit(pBr, "")
			return end
		}
		if knownTags[name] {
			return end // the end of an element whose start was dropped
		}
		text.WriteByte('<')
		return i + 1
	}
	switch name {
	case "br":
		emit(pBr, "")
		return end
	case "hr", "wbr", "references":
		return end
	}
	if !knownTags[name] {
		text.WriteByte('<')
		return i + 1
	}
	wrap, ok := wrappers[name]
	if !ok || selfClosing {
		return end // a tag of no meaning in Markdown: keep its content
	}
	k := closer.find(s, end, name)
	if k < 0 {
		return end
	}
	inner := s[end : end+strings.LastIndex(s[end:k], "</")]
	switch wrap {
	case "`":
		if x.plain {
			emit(pText, c.plain(inner))
		} else {
			emit(pRaw, codeSpan(c.plain(inner), x.cell))
		}
	default:
		out := c.inline(inner, x)
		if x.plain {
			emit(pText, out)
			break
		}
		if trim(out) == "" {
			emit(pText, out)
			break
		}
		lead := out[:len(out)-len(strings.TrimLeftFunc(out, isSpace))]
		tail := out[len(strings.TrimRightFunc(out, isSpace)):]
		emit(pText, lead)
		emit(pRaw, wrap+trim(out)+wrap)
		emit(pText, tail)
	}
	return k
}

// knownTags are the HTML tags MediaWiki allows; others are text.
var knownTags = map[string]bool{}

// wrappers are the tags with a Markdown form: the marks around their
// content ("`" for code, which is made a code span).
var wrappers = map[string]string{
	"s": "~~", "del": "~~", "strike": "~~",
	"b": "**", "strong": "**", "i": "*", "em": "*", "var": "*", "cite": "*",
	"code": "`", "tt": "`", "kbd": "`", "samp": "`",
}

func init() {
	for _, t := range strings.Fields(`abbr b bdi bdo big blockquote br caption center cite code data dd del dfn div dl dt em font h1 h2 h3 h4 h5 h6 hr i ins kbd li mark ol p q rb rp rt rtc ruby s samp small span strike strong sub sup table td th time tr tt u ul var wbr poem references gallery`) {
		knownTags[t] = true
	}
}

// resolveQuotes turns the runs of apostrophes into emphasis, line by line,
// as MediaWiki's doQuotes does.
func resolveQuotes(ps []piece) []piece {
	out := make([]piece, 0, len(ps))
	start := 0
	for i := 0; i <= len(ps); i++ {
		if i == len(ps) || ps[i].kind == pLine {
			out = append(out, quoteLine(ps[start:i])...)
			if i < len(ps) {
				out = append(out, ps[i])
			}
			start = i + 1
		}
	}
	return out
}

// quoteLine resolves the apostrophe runs of one line.
func quoteLine(line []piece) []piece {
	var runs []int
	italics, bolds := 0, 0
	for i := range line {
		if line[i].kind != pQuote {
			continue
		}
		runs = append(runs, i)
		switch n := line[i].n; {
		case n == 2:
			italics++
		case n == 3:
			bolds++
		case n == 4:
			bolds++
		default:
			italics++
			bolds++
		}
	}
	if len(runs) == 0 {
		return line
	}
	// Surplus apostrophes are text: one of four, all but five of more.
	extra := make(map[int]string)
	for _, i := range runs {
		if n := line[i].n; n == 4 {
			extra[i], line[i].n = "'", 3
		} else if n > 5 {
			extra[i], line[i].n = strings.Repeat("'", n-5), 5
		}
	}
	if italics%2 == 1 && bolds%2 == 1 {
		single, multi, space := -1, -1, -1
		for _, i := range runs {
			if line[i].n != 3 {
				continue
			}
			x1, x2 := line[i].x1, line[i].x2
			if extra[i] != "" {
				x1, x2 = '\'', x1
			}
			if x1 == ' ' {
				if space < 0 {
					space = i
				}
			} else if x2 == ' ' {
				single = i
				break
			} else if multi < 0 {
				multi = i
			}
		}
		pick := single
		if pick < 0 {
			pick = multi
		}
		if pick < 0 {
			pick = space
		}
		if pick >= 0 {
			extra[pick] += "'"
			line[pick].n = 2
		}
	}
	const b, it = "**", "*"
	var out []piece
	open := func(m string) { out = append(out, piece{kind: pOpen, s: m}) }
	shut := func(m string) { out = append(out, piece{kind: pClose, s: m}) }
	state, both := "", -1
	for i, p := range line {
		if p.kind != pQuote {
			out = append(out, p)
			continue
		}
		if e := extra[i]; e != "" {
			out = append(out, piece{kind: pText, s: e})
		}
		// A run of five met with nothing open waits to see which closes first.
		openBoth := func(first, second string) {
			out[both] = piece{kind: pOpen, s: first}
			out = append(out[:both+1], append([]piece{{kind: pOpen, s: second}}, out[both+1:]...)...)
		}
		switch p.n {
		case 2:
			switch state {
			case "i":
				shut(it)
				state = ""
			case "bi":
				shut(it)
				state = "b"
			case "ib":
				shut(b)
				shut(it)
				open(b)
				state = "b"
			case "both":
				openBoth(b, it)
				shut(it)
				state = "b"
			default:
				open(it)
				state += "i"
			}
		case 3:
			switch state {
			case "b":
				shut(b)
				state = ""
			case "bi":
				shut(it)
				shut(b)
				open(it)
				state = "i"
			case "ib":
				shut(b)
				state = "i"
			case "both":
				openBoth(it, b)
				shut(b)
				state = "i"
			default:
				open(b)
				state += "b"
			}
		default:
			switch state {
			case "b":
				shut(b)
				open(it)
				state = "i"
			case "i":
				shut(it)
				open(b)
				state = "b"
			case "bi":
				shut(it)
				shut(b)
				state = ""
			case "ib":
				shut(b)
				shut(it)
				state = ""
			case "both":
				openBoth(it, b)
				shut(b)
				shut(it)
				state = ""
			default:
				both = len(out)
				out = append(out, piece{kind: pRaw})
				state = "both"
			}
		}
	}
	switch state {
	case "b":
		shut(b)
	case "i":
		shut(it)
	case "bi":
		shut(it)
		shut(b)
	case "ib":
		shut(b)
		shut(it)
	case "both":
		out[both] = piece{kind: pOpen, s: b}
		out = append(out[:both+1], append([]piece{{kind: pOpen, s: it}}, out[both+1:]...)...)
		shut(it)
		shut(b)
	}
	return out
}

// tidyEmphasis makes the emphasis marks work in Markdown: white space
// just inside a mark is moved outside it (Markdown does not close "**"
// after a space), and a pair that holds nothing is dropped.
func tidyEmphasis(ps []piece) []piece {
	for i := range ps {
		switch ps[i].kind {
		case pOpen:
			for j := i + 1; j < len(ps) && (ps[j].kind == pText || ps[j].kind == pOpen); j++ {
				if ps[j].kind == pOpen {
					continue
				}
				s := ps[j].s
				t := strings.TrimLeftFunc(s, isSpace)
				if len(t) == len(s) {
					break
				}
				ps[j].s = t
				if !endsWithSpace(ps[:i]) {
					ps[i].s = s[:len(s)-len(t)] + ps[i].s
				}
				if t != "" {
					break
				}
			}
		case pClose:
			for j := i - 1; j >= 0 && (ps[j].kind == pText || ps[j].kind == pClose); j-- {
				if ps[j].kind == pClose {
					continue
				}
				s := ps[j].s
				t := strings.TrimRightFunc(s, isSpace)
				if len(t) == len(s) {
					break
				}
				ps[j].s = t
				if !startsWithSpace(ps[i+1:]) {
					ps[i].s += s[len(t):]
				}
				if t != "" {
					break
				}
			}
		}
	}
	// Drop pairs with nothing between them; a stack of what is kept.
	out := ps[:0:0]
	for _, p := range ps {
		if p.kind == pText && p.s == "" {
			continue
		}
		if p.kind == pClose {
			k := len(out) - 1
			if k >= 0 && out[k].kind == pOpen && trim(out[k].s) == trim(p.s) {
				lead := out[k].s[:len(out[k].s)-len(strings.TrimLeftFunc(out[k].s, isSpace))]
				tail := p.s[len(strings.TrimRightFunc(p.s, isSpace)):]
				out = out[:k]
				if lead+tail != "" {
					out = append(out, piece{kind: pText, s: lead + tail})
				}
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// endsWithSpace reports whether the output of ps ends with white space.
func endsWithSpace(ps []piece) bool {
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].s != "" {
			r, _ := utf8.DecodeLastRuneInString(ps[i].s)
			return isSpace(r)
		}
	}
	return false
}

// startsWithSpace reports whether the output of ps starts with white space.
func startsWithSpace(ps []piece) bool {
	for _, p := range ps {
		if p.s != "" {
			r, _ := utf8.DecodeRuneInString(p.s)
			return isSpace(r)
		}
	}
	return false
}
