package wikitext

import (
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/incidents-archive/incidents/generator/importer"
)

// Limits that keep the Markdown within what the renderer accepts
// (markdown.MaxNesting): list levels deeper than maxListDepth are written
// at that depth, and tables nested deeper than maxNest in one another are
// kept as wikitext in a code block. Both come with a warning.
const (
	maxListDepth = 8
	maxNest      = 16
)

// warnKind is the Kind of every warning Convert gives.
const warnKind = "construct converted with loss"

// converter holds one conversion's state.
type converter struct {
	opt        Options
	wikiURL    string
	warnings   []importer.Warning
	warnIndex  map[string]int
	warnCount  []int
	notes      []note
	noteByName map[string]int
	refMarks   int
	depth      int // of inline conversions within one another
}

// Convert returns src as CommonMark/GFM, with a warning for every construct
// it could convert only with a loss. The Markdown passes
// markdown.CheckLimits and holds no raw HTML.
//
// What it does, construct by construct:
//   - "== X ==" headings keep their level ("==" is "##"); bold, italic and
//     both are resolved line by line as MediaWiki does.
//   - "*", "#" lists, nested and mixed, become "-" and "1." lists; ";" terms
//     become bold lines and ":" indents block quotes, except a ":" right
//     under a list item ("*:", "#:"), which continues the item.
//   - Links to pages: an imported report (opt.Incident) becomes its id as
//     plain text, which the archive links ("text (id)" when the link showed
//     other text); a section of the page its anchor; any other page its URL
//     under opt.WikiURL, escaped as MediaWiki does. Interwiki links to
//     tasks ("phab:T123"), task URLs and task templates become the task id.
//     Images become a link to the file's page, its text the caption.
//   - <code>, <tt>, <kbd> become code spans; <pre>, <syntaxhighlight> and
//     lines that start with a space, fenced code blocks; <nowiki> escaped
//     text; <s>, <del> strikethrough; <br> a hard line break (a space in
//     table cells and headings); <ref> footnotes, numbered in order, named
//     ones reused, the definitions at the end.
//   - HTML comments are dropped without a warning: the wiki never showed
//     them, and in reports they hold the page template's instructions.
//     Magic words (__NOTOC__), {{TOC}}, {{Reflist}}, {{clear}} and the
//     status banner {{irdoc…}} are dropped too. Other HTML tags keep their
//     content. Entities are decoded.
//   - Tables become GFM tables (spanned cells are written once, the other
//     cells they covered left empty), or, when a cell holds lists, several
//     paragraphs, code or a nested table, a list of rows of "Header: value"
//     items, with a warning.
//   - A template with no Markdown form is kept as code, "`{{name|…}}`",
//     with a warning naming it; it is never dropped silently.
//
// Text that Markdown would read as markup is escaped.
func Convert(src string, opt Options) (md string, warnings []importer.Warning) {
	c := &converter{opt: opt, wikiURL: opt.WikiURL, warnIndex: map[string]int{}, noteByName: map[string]int{}}
	if c.wikiURL != "" && !strings.HasSuffix(c.wikiURL, "/") {
		c.wikiURL += "/"
	}
	body := c.blocks(prepare(src), 0)
	if len(c.notes) > 0 {
		body += "\n\n" + c.footnotes()
	}
	body = strings.TrimSpace(body)
	if body != "" {
		body += "\n"
	}
	for i, n := range c.warnCount {
		if n > 1 {
			c.warnings[i].Message += fmt.Sprintf(" (%d times)", n)
		}
	}
	return body, c.warnings
}

// warn records a warning once per message, counting repeats.
func (c *converter) warn(field, msg string) {
	if i, ok := c.warnIndex[msg]; ok {
		c.warnCount[i]++
		return
	}
	c.warnIndex[msg] = len(c.warnings)
	c.warnings = append(c.warnings, importer.Warning{Field: field, Kind: warnKind, Message: msg})
	c.warnCount = append(c.warnCount, 1)
}

var magicWord = regexp.MustCompile(`(?i)__(?:NOTOC|TOC|FORCETOC|NOEDITSECTION|NEWSECTIONLINK|NONEWSECTIONLINK|NOGALLERY|HIDDENCAT|INDEX|NOINDEX|STATICREDIRECT|DISAMBIG|EXPECTUNUSEDCATEGORY|NOTITLECONVERT|NOTC|NOCONTENTCONVERT|NOCC)__`)

// prepare normalizes line ends, replaces the bytes the converter uses as
// marks, and removes magic words.
func prepare(src string) string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.NewReplacer("\r", "\n", "\x00", "\uFFFD", brMark, "\uFFFD").Replace(src)
	if strings.Contains(src, "__") {
		src = magicWord.ReplaceAllString(src, "")
	}
	return src
}

// blockWriter collects the Markdown blocks of one text.
type blockWriter struct {
	out  []string
	para []string
	list []string
	pre  []string
	prev string // the list prefix of the last list line
	// prevCont is the continuation indent of the last list line.
	prevCont string
	c        *converter
}

func (w *blockWriter) flush() {
	if len(w.para) > 0 {
		if p := finishInline(strings.Join(w.para, "\n"), ""); p != "" {
			w.out = append(w.out, p)
		}
		w.para = nil
	}
	if len(w.list) > 0 {
		w.out = append(w.out, strings.Join(w.list, "\n"))
		w.list, w.prev, w.prevCont = nil, "", ""
	}
	if len(w.pre) > 0 {
		w.out = append(w.out, codeBlock(strings.Join(w.pre, "\n"), ""))
		w.pre = nil
	}
}

func (w *blockWriter) add(block string) {
	w.flush()
	if block = strings.Trim(block, "\n"); block != "" {
		w.out = append(w.out, block)
	}
}

// paraLine adds a converted line to the paragraph.
func (w *blockWriter) paraLine(s string) {
	if len(w.list) > 0 || len(w.pre) > 0 {
		w.flush()
	}
	if s = strings.TrimRightFunc(trim(s), isSpace); s != "" {
		w.para = append(w.para, escapeLineStart(s))
	}
}

// finishInline turns the <br> marks of converted text into hard line
// breaks, continued with prefix, and drops those at its end.
func finishInline(s, prefix string) string {
	parts := strings.Split(s, brMark)
	var kept []string
	for i, p := range parts {
		if i > 0 {
			p = escapeLineStart(strings.TrimLeftFunc(p, isSpace))
		}
		p = strings.TrimRightFunc(p, isSpace)
		if trim(p) != "" || i == 0 {
			kept = append(kept, p)
		}
	}
	// Every line after the first takes prefix once: the breaks joined in
	// here, and the line ends the parts already hold.
	out := strings.Join(kept, "\\\n")
	return strings.ReplaceAll(out, "\n", "\n"+prefix)
}

var heading = regexp.MustCompile(`^(={1,6})(.+?)(={1,6})[ \t]*$`)

// blocks converts wikitext with block structure; nest is the number of
// Markdown containers (list items, quotes) already open around it.
func (c *converter) blocks(src string, nest int) string {
	lines := logicalLines(src, scanBraces(src).spans)
	w := &blockWriter{c: c}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		raw := l.text
		switch {
		case trim(raw) == "":
			w.flush()
		case strings.HasPrefix(l.trimmed(), "{|"):
			tab, next := parseTable(src, lines, i)
			w.add(c.table(tab, src, nest))
			end := lines[next-1]
			if k := tab.End - end.start; k >= 0 && k < len(end.text) && trim(end.text[k:]) != "" {
				w.paraLine(c.inline(end.text[k:], ictx{}))
			}
			i = next - 1
		case raw[0] == '=' && heading.MatchString(strings.TrimRightFunc(stripComments(raw), isSpace)):
			m := heading.FindStringSubmatch(strings.TrimRightFunc(stripComments(raw), isSpace))
			level := min(len(m[1]), len(m[3]))
			text := m[1][level:] + m[2] + m[3][level:]
			out := trim(c.inline(text, ictx{cell: true}))
			if strings.HasSuffix(out, "#") {
				k := len(strings.TrimRight(out, "#"))
				out = out[:k] + `\` + out[k:]
			}
			if out == "" {
				w.flush()
				continue
			}
			w.add(strings.Repeat("#", level) + " " + out)
		case strings.HasPrefix(raw, "----"):
			w.add("---")
			if rest := strings.TrimLeft(raw, "-"); trim(rest) != "" {
				w.paraLine(c.inline(rest, ictx{}))
			}
		case strings.IndexByte("*#:;", raw[0]) >= 0:
			c.listLine(w, l, nest)
		case raw[0] == ' ' && preformatted(l):
			if len(w.para) > 0 || len(w.list) > 0 {
				w.flush()
			}
			w.pre = append(w.pre, c.plain(raw[1:]))
		default:
			c.textLine(w, l, nest)
		}
	}
	w.flush()
	return strings.Join(w.out, "\n\n")
}

// preformatted reports whether a line that starts with a space is
// preformatted text, as MediaWiki reads it: not when it holds only a
// template call, a tag or a table.
func preformatted(l line) bool {
	t := trim(l.text)
	return !strings.HasPrefix(t, "{{") && !strings.HasPrefix(t, "<") && !strings.HasPrefix(t, "{|")
}

// segment is part of a line: text, or a block (code) that stands apart.
type segment struct {
	text  string
	block string
}

// splitBlocks splits a line at its block-level code tags and multi-line
// template calls standing alone.
func (c *converter) splitBlocks(l line) []segment {
	var segs []segment
	from := 0
	for _, sp := range l.spans {
		s := l.text[sp[0]:sp[1]]
		block := ""
		switch {
		case strings.HasPrefix(s, "{{") && strings.Contains(s, "\n") && trim(l.text[:sp[0]]) == "" && trim(l.text[sp[1]:]) == "":
			ts := Templates(s)
			if len(ts) == 1 {
				name := strings.ToLower(ts[0].Name)
				if out, isText := c.template(ts[0], s, ictx{plain: true}); isText && (out == "" || dropped[name] || strings.HasPrefix(name, "irdoc")) {
					block = "\n" // dropped: an empty block
					break
				}
				if !isKnownTemplate(name) {
					c.warn("template", fmt.Sprintf("template {{%s}} has no Markdown form and was kept as code", ts[0].Name))
					block = codeBlock(s, "wikitext")
				}
			}
		case strings.HasPrefix(s, "<"):
			name, _, end := tagAt(s, 0)
			if name != "pre" && name != "syntaxhighlight" && name != "source" {
				continue
			}
			attrs := strings.ToLower(s[1+len(name) : end-1])
			if name != "pre" && strings.Contains(attrs, "inline") {
				continue
			}
			body := s[end:]
			if k := strings.LastIndex(body, "</"); k >= 0 {
				body = body[:k]
			}
			lang := ""
			if m := langAttr.FindStringSubmatch(attrs); m != nil {
				lang = cleanLang(m[1] + m[2] + m[3])
			} else {
				body = unescapeEntities(body)
			}
			if name == "pre" {
				body = stripNowiki(body)
			}
			block = codeBlock(body, lang)
		}
		if block == "" {
			continue
		}
		segs = append(segs, segment{text: l.text[from:sp[0]]}, segment{block: block})
		from = sp[1]
	}
	return append(segs, segment{text: l.text[from:]})
}

var langAttr = regexp.MustCompile(`(?:lang|language)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))`)

// isKnownTemplate reports templates that template converts.
func isKnownTemplate(name string) bool {
	switch name {
	case "phabricator", "phab", "phabt", "task", "tracked", "ptask", "gerrit", "!", "=":
		return true
	}
	return words[name] != "" || dropped[name]
}

// textLine converts a paragraph line.
func (c *converter) textLine(w *blockWriter, l line, nest int) {
	for _, seg := range c.splitBlocks(l) {
		if seg.block != "" {
			w.add(seg.block)
			continue
		}
		if trim(seg.text) != "" {
			w.paraLine(c.inline(seg.text, ictx{}))
		}
	}
}

// listPrefix returns the length of the list prefix of s.
func listPrefix(s string) int {
	j := 0
	for j < len(s) && strings.IndexByte("*#:;", s[j]) >= 0 {
		j++
	}
	return j
}

// listLine converts a line that starts with "*", "#", ":" or ";".
func (c *converter) listLine(w *blockWriter, l line, nest int) {
	if len(w.para) > 0 || len(w.pre) > 0 {
		w.flush()
	}
	j := listPrefix(l.text)
	prefix, content := l.text[:j], l.text[j:]
	limit := max(1, min(maxListDepth, nestingBudget-nest))
	if len(prefix) > limit {
		c.warn("list", fmt.Sprintf("lists nested more than %d deep were written at that depth", limit))
		prefix = prefix[:limit]
	}
	if prefix[len(prefix)-1] == ';' {
		term, def, ok := splitTerm(content)
		c.listItem(w, l, prefix, term, nest)
		if ok {
			c.listItem(w, l, prefix[:len(prefix)-1]+":", def, nest)
		}
		return
	}
	c.listItem(w, l, prefix, content, nest)
}

// nestingBudget is the nesting of Markdown containers the converter
// allows itself, below markdown.MaxNesting (32) with room to spare.
const nestingBudget = 28

// listItem writes one list line's item.
func (c *converter) listItem(w *blockWriter, l line, prefix, content string, nest int) {
	first, cont, para := markers(prefix, w.prev)
	if para && len(w.list) > 0 && strings.HasPrefix(w.prevCont, cont) {
		// A paragraph in containers the last line's text is in, or in
		// some of them: without a break it would continue that text.
		w.list = append(w.list, strings.TrimRight(cont, " "))
	}
	w.prev, w.prevCont = prefix, cont
	// Code blocks in the line go under the item.
	segs := c.splitBlocks(line{text: content, spans: shiftSpans(l.spans, len(l.text)-len(content))})
	text := trim(segs[0].text)
	out := ""
	if text != "" {
		out = c.inline(text, ictx{})
		if prefix[len(prefix)-1] == ';' {
			if t := trim(out); t != "" {
				out = "**" + t + "**"
			}
		}
	}
	out = finishInline(escapeLineStart(trim(out)), cont)
	w.list = append(w.list, strings.TrimRight(first+out, " "))
	for _, seg := range segs[1:] {
		var s string
		if seg.block != "" {
			s = seg.block
		} else if t := trim(seg.text); t != "" {
			s = finishInline(escapeLineStart(trim(c.inline(t, ictx{}))), "")
		}
		if s == "" || s == "\n" {
			continue
		}
		for _, ln := range strings.Split(s, "\n") {
			w.list = append(w.list, strings.TrimRight(cont+ln, " "))
		}
	}
}

// shiftSpans moves a line's spans left by n bytes, dropping those before.
func shiftSpans(spans [][2]int, n int) [][2]int {
	var out [][2]int
	for _, sp := range spans {
		if sp[0] >= n {
			out = append(out, [2]int{sp[0] - n, sp[1] - n})
		}
	}
	return out
}

// markers returns the Markdown that starts a list line with prefix after
// a line with prefix prev: the markers of its first line, the indent of
// its continuation lines, and whether its text is a paragraph of its own
// (a ":" or ";" line) rather than a list item.
//
// As MediaWiki does, the levels the two prefixes share continue, and the
// others open; when the prefix is the shared part (or all of the previous
// one), its last level opens a new item. ";" and ":" are of one kind. A
// "*" is "- ", a "#" is "1. ", a ":" is "> " unless it is right under a
// "*" or "#", where it continues that item, and a ";" is nothing (its
// text is bold).
func markers(prefix, prev string) (first, cont string, para bool) {
	common := 0
	for common < len(prefix) && common < len(prev) && sameKind(prefix[common], prev[common]) {
		common++
	}
	newFrom := common
	if common == len(prefix) {
		newFrom = len(prefix) - 1
	}
	var f, k strings.Builder
	for i := 0; i < len(prefix); i++ {
		var open, keep string
		switch ch := prefix[i]; {
		case ch == '*':
			open, keep = "- ", "  "
		case ch == '#':
			open, keep = "1. ", "   "
		case ch == ':' && i > 0 && (prefix[i-1] == '*' || prefix[i-1] == '#'):
			open, keep = "", ""
		case ch == ':':
			open, keep = "> ", "> "
		}
		if i >= newFrom {
			f.WriteString(open)
		} else {
			f.WriteString(keep)
		}
		k.WriteString(keep)
	}
	last := prefix[len(prefix)-1]
	return f.String(), k.String(), last == ':' || last == ';'
}

func sameKind(a, b byte) bool {
	if a == ';' {
		a = ':'
	}
	if b == ';' {
		b = ':'
	}
	return a == b
}

// splitTerm splits "; term : definition" at the first ":" outside links,
// calls, tags and URLs.
func splitTerm(s string) (term, def string, ok bool) {
	spans := scanBraces(s).spans
	depth, k := 0, 0
	for i := 0; i < len(s); {
		for k < len(spans) && spans[k][0] < i {
			k++
		}
		if k < len(spans) && spans[k][0] == i {
			i = spans[k][1]
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "[["):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "]]") && depth > 0:
			depth--
			i += 2
		case s[i] == '[':
			depth++
			i++
		case s[i] == ']' && depth > 0:
			depth--
			i++
		case s[i] == '<':
			if e := strings.IndexByte(s[i:], '>'); e > 0 {
				i += e + 1
			} else {
				i++
			}
		case s[i] == ':' && depth == 0 && !strings.HasPrefix(s[i:], "://"):
			return s[:i], s[i+1:], true
		default:
			i++
		}
	}
	return s, "", false
}

// unescapeEntities decodes the entities of text shown as it is (pre).
func unescapeEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// stripNowiki removes <nowiki> tags, keeping their content.
func stripNowiki(s string) string {
	r := strings.NewReplacer("<nowiki>", "", "</nowiki>", "", "<nowiki/>", "", "<nowiki />", "")
	return r.Replace(s)
}
