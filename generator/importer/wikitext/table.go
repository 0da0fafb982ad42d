package wikitext

import (
	"fmt"
	"strings"
)

// Bounds on the grid a table's spans may make: a span past them is cut.
const (
	maxColumns = 64
	maxSpan    = 64
)

// table converts one table: a GFM table, or a list of rows when a cell
// holds block content. src is the text the table was found in, for the
// code block a table nested too deep is kept in.
func (c *converter) table(t Table, src string, nest int) string {
	if nest >= maxNest {
		c.warn("table", "tables nested too deep were kept as wikitext in a code block")
		return codeBlock(src[t.Start:t.End], "wikitext")
	}
	var parts []string
	if t.Prelude != "" {
		parts = append(parts, c.blocks(t.Prelude, nest+1))
	}
	if t.Caption != "" {
		if cap := trim(c.inline(t.Caption, ictx{cell: true})); cap != "" {
			parts = append(parts, "**"+cap+"**")
		}
	}
	grid := layout(t)
	if len(grid) == 0 {
		return strings.Join(parts, "\n\n")
	}
	header := 0
	if allHeaders(grid[0]) {
		header = 1
	}
	if blockCells(grid) {
		c.warn("table", "a table with lists, paragraphs, code or tables in its cells was written as a list of rows")
		parts = append(parts, c.rowList(grid, header, nest))
	} else {
		parts = append(parts, c.gfmTable(grid, header))
	}
	return strings.Join(parts, "\n\n")
}

// layout places the cells of t on a grid, as their spans say: a cell
// spanning several positions is at the first, the others are nil.
func layout(t Table) [][]*Cell {
	var grid [][]*Cell
	taken := map[[2]int]bool{}
	width := 0
	for r := range t.Rows {
		var row []*Cell
		col := 0
		for i := range t.Rows[r].Cells {
			cell := &t.Rows[r].Cells[i]
			for taken[[2]int{r, col}] {
				col++
			}
			if col >= maxColumns {
				break
			}
			for len(row) < col {
				row = append(row, nil)
			}
			row = append(row, cell)
			cs, rs := min(cell.Colspan, maxSpan), min(cell.Rowspan, maxSpan, len(t.Rows)-r)
			for dr := 0; dr < rs; dr++ {
				for dc := 0; dc < cs && col+dc < maxColumns; dc++ {
					if dr > 0 || dc > 0 {
						taken[[2]int{r + dr, col + dc}] = true
					}
				}
			}
			col += cs
			for len(row) < min(col, maxColumns) {
				row = append(row, nil)
			}
		}
		for taken[[2]int{r, len(row)}] && len(row) < maxColumns {
			row = append(row, nil)
		}
		width = max(width, len(row))
		grid = append(grid, row)
	}
	for r := range grid {
		for len(grid[r]) < width {
			grid[r] = append(grid[r], nil)
		}
	}
	// Drop rows with no cells (a "|-" at the end, or before the first).
	out := grid[:0]
	for _, row := range grid {
		for _, cell := range row {
			if cell != nil {
				out = append(out, row)
				break
			}
		}
	}
	return out
}

func allHeaders(row []*Cell) bool {
	n := 0
	for _, c := range row {
		if c != nil {
			if !c.Header {
				return false
			}
			n++
		}
	}
	return n > 0
}

// blockCells reports whether a cell holds block content.
func blockCells(grid [][]*Cell) bool {
	for _, row := range grid {
		for _, c := range row {
			if c != nil && isBlock(c.Text) {
				return true
			}
		}
	}
	return false
}

// isBlock reports whether cell text holds more than one paragraph: list
// lines, a blank line between paragraphs, a nested table, preformatted
// lines, a heading, or multi-line code.
func isBlock(s string) bool {
	lines := logicalLines(s, scanBraces(s).spans)
	blank := false
	for i, l := range lines {
		t := l.text
		if trim(t) == "" {
			blank = true
			continue
		}
		if i > 0 && (blank || strings.IndexByte("*#:;= ", t[0]) >= 0 || strings.HasPrefix(l.trimmed(), "{|") || strings.HasPrefix(t, "----")) {
			return true
		}
		if strings.HasPrefix(l.trimmed(), "{|") {
			return true
		}
		for _, sp := range l.spans {
			name, _, _ := tagAt(t[sp[0]:sp[1]], 0)
			if (name == "pre" || name == "syntaxhighlight" || name == "source") && strings.Contains(strings.Trim(t[sp[0]:sp[1]], "\n"), "\n") {
				return true
			}
		}
	}
	return false
}

// cellText converts a cell for a GFM table: inline, one line.
func (c *converter) cellText(cell *Cell, bold bool) string {
	if cell == nil {
		return ""
	}
	s := trim(c.inline(cell.Text, ictx{cell: true}))
	if bold && s != "" {
		s = "**" + s + "**"
	}
	return s
}

// gfmTable writes the grid as a GFM table; its first header rows are the
// table's header (an empty one when it has none).
func (c *converter) gfmTable(grid [][]*Cell, header int) string {
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for _, s := range cells {
			if s == "" {
				b.WriteString(" |")
				continue
			}
			b.WriteString(" " + s + " |")
		}
		b.WriteString("\n")
	}
	width := len(grid[0])
	head := make([]string, width)
	if header == 1 {
		for i, cell := range grid[0] {
			head[i] = c.cellText(cell, false)
		}
	}
	row(head)
	b.WriteString("|" + strings.Repeat(" --- |", width) + "\n")
	for _, r := range grid[header:] {
		cells := make([]string, width)
		for i, cell := range r {
			cells[i] = c.cellText(cell, cell != nil && cell.Header)
		}
		row(cells)
	}
	return strings.TrimRight(b.String(), "\n")
}

// rowList writes the grid as a list, an item for each row holding the
// "Header: value" of each cell.
func (c *converter) rowList(grid [][]*Cell, header, nest int) string {
	width := len(grid[0])
	names := make([]string, width)
	if header == 1 {
		for i, cell := range grid[0] {
			if cell != nil {
				names[i] = trim(c.inline(cell.Text, ictx{cell: true}))
			}
		}
	} else {
		for i := range names {
			names[i] = fmt.Sprintf("Column %d", i+1)
		}
	}
	var items []string
	for _, r := range grid[header:] {
		var parts []string
		for i, cell := range r {
			if cell == nil {
				continue
			}
			val := strings.TrimSpace(c.blocks(cell.Text, nest+1))
			if val == "" {
				continue
			}
			name := names[i]
			switch {
			case name == "":
				parts = append(parts, val)
			case !strings.Contains(val, "\n") && !startsBlock(val):
				parts = append(parts, "**"+name+":** "+val)
			default:
				parts = append(parts, "**"+name+":**\n\n"+val)
			}
		}
		if len(parts) == 0 {
			continue
		}
		body := strings.Join(parts, "\n\n")
		items = append(items, "- "+strings.ReplaceAll(body, "\n", "\n  "))
	}
	out := strings.Join(items, "\n\n")
	// Blank lines inside items carry the indent: trim it.
	return strings.ReplaceAll(out, "\n  \n", "\n\n")
}

// startsBlock reports whether a line of Markdown starts a block other
// than a paragraph.
func startsBlock(s string) bool {
	if s == "" {
		return false
	}
	for _, p := range []string{"#", ">", "|", "- ", "* ", "+ ", "```", "~~~"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return escapeLineStart(s) != s
}
