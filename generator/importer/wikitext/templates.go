package wikitext

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Template is one template call, "{{Name|a|key = value}}", as the source
// wrote it.
type Template struct {
	// Name is the template's name as MediaWiki resolves it: comments
	// removed, white space trimmed, underscores and runs of spaces as one
	// space, a "Template:" prefix removed, and the first letter upper case
	// ("{{incident_scorecard" and "{{Incident scorecard" are both
	// "Incident scorecard"). A parser function keeps its colon and its
	// first argument in the name ("#if:x"), as MediaWiki splits it.
	Name string
	// Params are the parameters in source order. A named one ("key =
	// value") has its name and value trimmed; a positional one is named by
	// its position among the positional ones, "1", "2", …, and its value is
	// trimmed too (MediaWiki keeps a positional value's white space; no
	// template a report uses depends on it). Values are raw wikitext with
	// HTML comments removed: links, nested templates and tags are kept for
	// the caller to convert.
	Params []Param
	// Start and End are the byte offsets of the call in src: src[Start:End]
	// is "{{…}}".
	Start, End int
}

// Param is one parameter of a template call.
type Param struct {
	Name  string
	Value string
}

// Param returns the value of the parameter named name (a positional one by
// its number, "1"), the last one when it is given twice, as MediaWiki does.
func (t Template) Param(name string) (value string, ok bool) {
	for i := len(t.Params) - 1; i >= 0; i-- {
		if t.Params[i].Name == name {
			return t.Params[i].Value, true
		}
	}
	return "", false
}

// Templates returns the top-level template calls in src, in order: calls
// nested in another call's parameters are not listed (parse the parameter's
// value for them). Brace matching follows MediaWiki's preprocessor: nested
// "{{…}}" and "{{{…}}}", and "[[…]]" links, are matched so that their "|"
// do not split the call's parameters; HTML comments, <nowiki>, <pre>,
// <syntaxhighlight>, <source>, <math> and <ref> are opaque; a "{{" that is
// never closed is text. Its work is linear in the size of src.
func Templates(src string) []Template {
	return scanBraces(src).templates
}

// frame is one open "{{", "{{{" or "[[" while braces are matched.
type frame struct {
	kind  byte // 't' template, 'p' template parameter "{{{", 'l' link
	start int  // offset of the opening braces
	bars  []int
	eqs   []int // offset of the first top-level "=" after each bar, or -1
}

// braceScan is the result of matching the braces of one text.
type braceScan struct {
	templates []Template
	// spans are the offsets of every closed top-level template call and
	// opaque region (comment, extension tag), in order, for the table and
	// line scanners, which do not look inside them.
	spans [][2]int
}

// opaqueTags are the tags whose content the preprocessor does not read.
var opaqueTags = []string{"nowiki", "pre", "syntaxhighlight", "source", "math", "ref", "references", "score", "graph", "timeline"}

// opaqueEnd returns the end of an opaque region starting at i in src (an
// HTML comment or an opaque tag with its content), or -1 when there is none
// there. An unclosed comment runs to the end of src, as MediaWiki reads it;
// an unclosed tag is not opaque.
func opaqueEnd(src string, i int, closer *tagCloser) int {
	if src[i] != '<' {
		return -1
	}
	if strings.HasPrefix(src[i:], "<!--") {
		if j := strings.Index(src[i+4:], "-->"); j >= 0 {
			return i + 4 + j + 3
		}
		return len(src)
	}
	name, selfClosing, end := tagAt(src, i)
	if name == "" || end < 0 {
		return -1
	}
	for _, t := range opaqueTags {
		if name == t {
			if selfClosing {
				return end
			}
			if c := closer.find(src, end, name); c >= 0 {
				return c
			}
			return -1
		}
	}
	return -1
}

// tagAt reads an opening tag "<name attrs>" or "<name attrs/>" at i, and
// returns its lower-case name and the offset after it; name is "" when
// there is none.
func tagAt(src string, i int) (name string, selfClosing bool, end int) {
	j := i + 1
	for j < len(src) && (isASCIILetter(src[j]) || (j > i+1 && src[j] >= '0' && src[j] <= '9')) {
		j++
	}
	if j == i+1 || j >= len(src) {
		return "", false, -1
	}
	if c := src[j]; c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\n' {
		return "", false, -1
	}
	// A "<" before the ">" means there is no tag here; stopping at it
	// keeps a page of unclosed "<name " from being read to its end once
	// for each.
	k := strings.IndexAny(src[j:], "<>")
	if k < 0 || src[j+k] == '<' {
		return "", false, -1
	}
	end = j + k + 1
	return strings.ToLower(src[i+1 : j]), src[end-2] == '/', end
}

// closeTag returns the offset after the first "</name>" (any case, spaces
// allowed before ">") at or after from, or -1.
func closeTag(src string, from int, name string) int {
	for from < len(src) {
		k := strings.Index(src[from:], "</")
		if k < 0 {
			return -1
		}
		p := from + k + 2
		if len(src)-p >= len(name) && strings.EqualFold(src[p:p+len(name)], name) {
			q := p + len(name)
			for q < len(src) && (src[q] == ' ' || src[q] == '\t' || src[q] == '\n') {
				q++
			}
			if q < len(src) && src[q] == '>' {
				return q + 1
			}
		}
		from = p
	}
	return -1
}

// tagCloser finds closing tags in one text with closeTag, remembering
// where a search failed: a "</name>" missing after one offset is missing
// after every later one, so a text of many unclosed tags of one name is
// read once, not once for each. Its zero value is ready to use, for one
// text only.
type tagCloser struct {
	missing map[string]int // name → an offset with no "</name>" after it
}

// find is closeTag(src, from, name).
func (tc *tagCloser) find(src string, from int, name string) int {
	if m, ok := tc.missing[name]; ok && from >= m {
		return -1
	}
	k := closeTag(src, from, name)
	if k < 0 {
		if tc.missing == nil {
			tc.missing = map[string]int{}
		}
		if m, ok := tc.missing[name]; !ok || from < m {
			tc.missing[name] = from
		}
	}
	return k
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// scanBraces matches the braces of src in one pass with a stack, as
// MediaWiki's preprocessor does: a closer that does not match the frame on
// top of the stack is text, and frames still open at the end are text
// (calls closed inside them stand on their own).
func scanBraces(src string) braceScan {
	if !strings.Contains(src, "{{") && !strings.Contains(src, "[[") && !strings.Contains(src, "<") {
		return braceScan{}
	}
	var stack []frame
	var done []Template
	var opaque [][2]int
	var closer tagCloser
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '<':
			if e := opaqueEnd(src, i, &closer); e > 0 {
				opaque = append(opaque, [2]int{i, e})
				i = e
				continue
			}
			i++
		case c == '{' && i+1 < len(src) && src[i+1] == '{':
			n := run(src, i, '{')
			j := i
			for n >= 2 {
				if n == 3 || n == 5 {
					stack = append(stack, frame{kind: 'p', start: j})
					j, n = j+3, n-3
				} else {
					stack = append(stack, frame{kind: 't', start: j})
					j, n = j+2, n-2
				}
			}
			i = j + n
		case c == '}' && i+1 < len(src) && src[i+1] == '}':
			n := run(src, i, '}')
			j := i
			for n >= 2 && len(stack) > 0 {
				top := &stack[len(stack)-1]
				if top.kind == 'p' && n >= 3 {
					j, n = j+3, n-3
				} else if top.kind == 't' {
					done = append(done, makeTemplate(src, top, j+2))
					j, n = j+2, n-2
				} else {
					break
				}
				stack = stack[:len(stack)-1]
			}
			i = j + n
		case c == '[' && i+1 < len(src) && src[i+1] == '[':
			stack = append(stack, frame{kind: 'l', start: i})
			i += 2
		case c == ']' && i+1 < len(src) && src[i+1] == ']':
			if len(stack) > 0 && stack[len(stack)-1].kind == 'l' {
				stack = stack[:len(stack)-1]
			}
			i += 2
		case c == '|' && len(stack) > 0:
			top := &stack[len(stack)-1]
			top.bars = append(top.bars, i)
			top.eqs = append(top.eqs, -1)
			i++
		case c == '=' && len(stack) > 0:
			top := &stack[len(stack)-1]
			if n := len(top.eqs); n > 0 && top.eqs[n-1] < 0 {
				top.eqs[n-1] = i
			}
			i++
		default:
			i++
		}
	}
	// Calls close inner first: order them by start and keep the outermost.
	sort.Slice(done, func(a, b int) bool { return done[a].Start < done[b].Start })
	var out braceScan
	end := -1
	for _, t := range done {
		if t.Start >= end {
			out.templates = append(out.templates, t)
			end = t.End
		}
	}
	// Merge the opaque regions outside calls with the calls, in order.
	k := 0
	for _, o := range opaque {
		for k < len(out.templates) && out.templates[k].End <= o[0] {
			out.spans = append(out.spans, [2]int{out.templates[k].Start, out.templates[k].End})
			k++
		}
		if k < len(out.templates) && out.templates[k].Start <= o[0] {
			continue // inside a call
		}
		out.spans = append(out.spans, o)
	}
	for ; k < len(out.templates); k++ {
		out.spans = append(out.spans, [2]int{out.templates[k].Start, out.templates[k].End})
	}
	return out
}

// run counts the bytes equal to c from i.
func run(src string, i int, c byte) int {
	j := i
	for j < len(src) && src[j] == c {
		j++
	}
	return j - i
}

// makeTemplate builds the call whose frame f closes at end.
func makeTemplate(src string, f *frame, end int) Template {
	t := Template{Start: f.start, End: end}
	inner := f.start + 2
	bounds := append(append([]int{}, f.bars...), end-2)
	t.Name = normalizeName(stripComments(src[inner:bounds[0]]))
	pos := 0
	for k := 0; k < len(f.bars); k++ {
		from, to := f.bars[k]+1, bounds[k+1]
		if eq := f.eqs[k]; eq >= 0 && eq < to {
			t.Params = append(t.Params, Param{
				Name:  strings.TrimSpace(stripComments(src[from:eq])),
				Value: strings.TrimSpace(stripComments(src[eq+1 : to])),
			})
			continue
		}
		pos++
		t.Params = append(t.Params, Param{Name: strconv.Itoa(pos), Value: strings.TrimSpace(stripComments(src[from:to]))})
	}
	return t
}

// normalizeName resolves a template or page name as MediaWiki does:
// underscores and runs of white space as one space, trimmed, a
// "Template:" prefix removed, the first letter upper case.
func normalizeName(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "_", " ")), " ")
	if len(s) > 9 && strings.EqualFold(s[:9], "template:") {
		s = strings.TrimSpace(s[9:])
	}
	return upperFirst(s)
}

// upperFirst upper-cases the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// stripComments removes HTML comments from s (an unclosed one runs to the
// end).
func stripComments(s string) string {
	if !strings.Contains(s, "<!--") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			return b.String()
		}
		s = s[i+4+j+3:]
	}
}
