package wikitext

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Table is one "{| … |}" table as the source wrote it.
type Table struct {
	// Attrs are the attributes after "{|" (`class="wikitable"`).
	Attrs string
	// Caption is the "|+" caption's wikitext, trimmed; "" for none.
	Caption string
	// Prelude is text between "{|" and the first row or cell that belongs
	// to neither (MediaWiki shows it before the table); "" for none.
	Prelude string
	Rows    []Row
	// Start and End are byte offsets in src: src[Start:End] runs from "{|"
	// to the end of its "|}" (to the end of src when the table is never
	// closed, which MediaWiki closes there).
	Start, End int
}

// Row is one table row: the cells after a "|-" (or before the first one).
type Row struct {
	Attrs string // after "|-"
	Cells []Cell
}

// Cell is one cell of a row.
type Cell struct {
	// Header is true for a "!" cell (and the cells after "!!" or "||" on
	// its line), false for a "|" one.
	Header bool
	// Attrs are the cell's attributes, `style="…"` in `style="…" | text`
	// (split as MediaWiki does, at the first "|" outside links, unless
	// what is before it holds a link).
	Attrs string
	// Text is the cell's wikitext, trimmed. It may span lines and may hold
	// whole nested tables: call Tables on it for those.
	Text string
	// Rowspan and Colspan are the cell's spans, 1 unless its attributes
	// say otherwise.
	Rowspan, Colspan int
	// Start is the byte offset in src of the cell's marker ("|", "!",
	// "||" or "!!").
	Start int
}

// Tables returns the top-level tables in src, in order. A table starts
// with a line whose first non-blank characters (after any ":" indents) are
// "{|", and ends with a line starting "|}"; tables nested in cells are
// part of the cell's Text. Lines inside template calls, comments and
// opaque tags (<pre>, <nowiki>, …) are not read, so a "|" that starts a
// line inside a template's parameters is not a cell. Its work is linear in
// the size of src.
func Tables(src string) []Table {
	lines := logicalLines(src, scanBraces(src).spans)
	var out []Table
	for i := 0; i < len(lines); {
		if t := lines[i].trimmed(); strings.HasPrefix(t, "{|") {
			tab, next := parseTable(src, lines, i)
			out = append(out, tab)
			i = next
			continue
		}
		i++
	}
	return out
}

// line is one line of src, where a line break inside a template call or
// opaque region does not end a line.
type line struct {
	text  string
	start int
	// spans are the opaque regions and calls that start in the line, as
	// offsets within text.
	spans [][2]int
}

// trimmed returns the line without leading white space and ":" indents.
func (l line) trimmed() string {
	return strings.TrimLeft(l.text, " \t:")
}

// offset is where trimmed() begins within text.
func (l line) offset() int { return len(l.text) - len(l.trimmed()) }

// logicalLines splits src at the line breaks outside spans.
func logicalLines(src string, spans [][2]int) []line {
	var out []line
	start, k := 0, 0
	var cur [][2]int
	for i := 0; i <= len(src); {
		if k < len(spans) && spans[k][0] == i {
			cur = append(cur, [2]int{spans[k][0] - start, spans[k][1] - start})
			i = spans[k][1]
			k++
			continue
		}
		if i == len(src) || src[i] == '\n' {
			out = append(out, line{text: src[start:i], start: start, spans: cur})
			cur = nil
			i++
			start = i
			continue
		}
		i++
	}
	return out
}

// parseTable reads the table that begins on lines[i] of src and returns
// it and the index of the first line after it. Cell texts are slices of
// src, so that a table of many lines (or many nested tables) is read in
// time linear in its size.
func parseTable(src string, lines []line, i int) (Table, int) {
	first := lines[i]
	tab := Table{Start: first.start + first.offset(), Attrs: strings.TrimSpace(first.trimmed()[2:])}
	var cell *Cell
	var from, to int // the bounds in src of the open cell's or caption's text
	inCaption := false
	var prelude strings.Builder
	closeText := func() {
		switch {
		case cell != nil:
			cell.Text = src[from:to]
		case inCaption:
			tab.Caption = src[from:to]
		}
		cell, inCaption = nil, false
	}
	addText := func(start, end int) {
		if cell != nil || inCaption {
			to = end
			return
		}
		prelude.WriteString("\n")
		prelude.WriteString(src[start:end])
	}
	finish := func() {
		closeText()
		tab.Prelude = prelude.String()
		finishTable(&tab)
	}
	j := i + 1
	for ; j < len(lines); j++ {
		l := lines[j]
		t := l.trimmed()
		switch {
		case strings.HasPrefix(t, "{|"):
			next := skipTable(lines, j)
			end := lines[next-1]
			addText(l.start+l.offset(), end.start+len(end.text))
			j = next - 1
		case strings.HasPrefix(t, "|}"):
			tab.End = l.start + l.offset() + 2
			finish()
			return tab, j + 1
		case strings.HasPrefix(t, "|-"):
			closeText()
			tab.Rows = append(tab.Rows, Row{Attrs: strings.TrimSpace(strings.TrimLeft(t[2:], "-"))})
		case strings.HasPrefix(t, "|+"):
			closeText()
			inCaption = true
			from, to = l.start+l.offset()+2, l.start+len(l.text)
		case strings.HasPrefix(t, "|") || strings.HasPrefix(t, "!"):
			closeText()
			if len(tab.Rows) == 0 {
				tab.Rows = append(tab.Rows, Row{})
			}
			row := &tab.Rows[len(tab.Rows)-1]
			header := t[0] == '!'
			parts := splitCells(l, l.offset()+1, header)
			for k, part := range parts {
				c := Cell{Header: header, Start: l.start + part.marker}
				var at int
				c.Attrs, at = splitAttrs(l, part.from, part.to)
				c.Text = l.text[at:part.to]
				row.Cells = append(row.Cells, c)
				if k == len(parts)-1 {
					from, to = l.start+at, l.start+part.to
				}
			}
			cell = &row.Cells[len(row.Cells)-1]
		default:
			addText(l.start, l.start+len(l.text))
		}
	}
	last := lines[len(lines)-1]
	tab.End = last.start + len(last.text)
	finish()
	return tab, j
}

// skipTable returns the index of the first line after the table that
// begins on lines[i], where parseTable would end it: at the "|}" that
// closes it, or at the end of lines. A table nested in another's text
// is only skipped, not read: the cell or prelude it is in holds it as
// text, and reading it (with its own nested tables) at every level made
// deeply nested tables quadratic.
func skipTable(lines []line, i int) int {
	depth := 0
	for j := i; j < len(lines); j++ {
		switch t := lines[j].trimmed(); {
		case strings.HasPrefix(t, "{|"):
			depth++
		case strings.HasPrefix(t, "|}"):
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(lines)
}

var (
	rowspanAttr = regexp.MustCompile(`(?i)\browspan\s*=\s*["']?\s*(\d+)`)
	colspanAttr = regexp.MustCompile(`(?i)\bcolspan\s*=\s*["']?\s*(\d+)`)
)

// finishTable trims the texts and reads the spans.
func finishTable(t *Table) {
	t.Caption = strings.TrimSpace(t.Caption)
	t.Prelude = strings.TrimSpace(t.Prelude)
	for r := range t.Rows {
		for c := range t.Rows[r].Cells {
			cell := &t.Rows[r].Cells[c]
			cell.Text = strings.TrimSpace(cell.Text)
			cell.Rowspan = spanOf(rowspanAttr, cell.Attrs)
			cell.Colspan = spanOf(colspanAttr, cell.Attrs)
		}
	}
}

func spanOf(re *regexp.Regexp, attrs string) int {
	if m := re.FindStringSubmatch(attrs); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 {
			return min(n, 1000)
		}
	}
	return 1
}

// cellPart is one cell of a line: its marker's offset, and its content's
// bounds, within the line's text.
type cellPart struct{ marker, from, to int }

// splitCells splits the line's text from from at "||" (and "!!" in a header
// line), outside links, calls and opaque regions.
func splitCells(l line, from int, header bool) []cellPart {
	var parts []cellPart
	marker := from - 1
	depth := 0
	s := l.text
	for i := from; i < len(s); {
		if e := spanEnd(l, i); e > 0 {
			i = e
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "[["):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "]]") && depth > 0:
			depth--
			i += 2
		case depth == 0 && (strings.HasPrefix(s[i:], "||") || header && strings.HasPrefix(s[i:], "!!")):
			parts = append(parts, cellPart{marker: marker, from: from, to: i})
			marker, from = i, i+2
			i += 2
		default:
			i++
		}
	}
	return append(parts, cellPart{marker: marker, from: from, to: len(s)})
}

// spanEnd returns the end of the line's span that starts at i, or -1.
func spanEnd(l line, i int) int {
	k := sort.Search(len(l.spans), func(k int) bool { return l.spans[k][0] >= i })
	if k < len(l.spans) && l.spans[k][0] == i {
		return l.spans[k][1]
	}
	return -1
}

// splitAttrs splits a cell's content at its first single "|" outside
// links, calls and opaque regions, as MediaWiki does, unless what is
// before it holds a link; it returns the attributes and where the text
// starts in the line.
func splitAttrs(l line, from, to int) (attrs string, text int) {
	s := l.text
	depth := 0
	for i := from; i < to; {
		if e := spanEnd(l, i); e > 0 {
			i = e
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "[["):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "]]") && depth > 0:
			depth--
			i += 2
		case s[i] == '|' && depth == 0:
			if i+1 < to && s[i+1] == '|' {
				i += 2
				continue
			}
			before := s[from:i]
			if strings.Contains(before, "[[") {
				return "", from
			}
			return strings.TrimSpace(before), i + 1
		default:
			i++
		}
	}
	return "", from
}
