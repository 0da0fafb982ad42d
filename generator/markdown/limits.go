package markdown

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Limits on the work of rendering one document.
//
// goldmark (v1.8.7) takes time that grows with the square of some inputs,
// and has no way to stop a parse once begun: a 160 KB line of "[a](" takes
// many seconds, a list nested 1,000 deep minutes. The costly constructs
// fall in three kinds, and CheckLimits bounds each before goldmark sees the
// text:
//
//   - Nesting: every open list item, block quote or footnote re-reads each
//     line it holds, so a line costs its length times the depth. The
//     depth is bounded by MaxNesting.
//   - Inline work within one paragraph: each "]" copies its label and walks
//     the nodes since its "[" and every line after it; each "](" scans its
//     destination to the next space (or ">"); a possible link title scans
//     to the paragraph's end for its closing quote; each emphasis mark
//     ("*", "_", "~") that closes nothing walks back over every mark before
//     it. CheckLimits adds an upper bound of these steps, paragraph by
//     paragraph, and refuses a document whose total passes MaxInlineWork.
//   - Footnotes: goldmark matches references to definitions pairwise, so
//     their number is bounded by MaxFootnotes.
//
// The limits are far above what a report writes (lists nested 3 or 4
// deep, a few dozen links and emphases per paragraph, a few footnotes),
// and a document at the limits renders in about a second. Fenced and
// indented code and HTML blocks are not inline-parsed by goldmark and do
// not count, so a long log in a code block is always fine.
const (
	// MaxNesting is the deepest that lists, block quotes and footnote
	// definitions may be nested in one another.
	MaxNesting = 32
	// MaxFootnotes is the most footnote references and definitions, "[^…]",
	// a document may hold.
	MaxFootnotes = 1000
	// MaxInlineWork bounds the steps, as counted by CheckLimits, that
	// goldmark's inline parser may take over a whole document. At the
	// limit the worst input found renders in about half a second of CPU;
	// a 4 MB document of ordinary prose and lists needs a few percent of
	// it.
	MaxInlineWork = 1_000_000_000
)

// LimitError is a document over one of the limits above.
type LimitError struct {
	// Line is where the limit was passed, numbered as CheckLimits was told.
	Line int
	// Msg says which limit, and what to change.
	Msg string
	// From is the first line of the paragraph that passed the limit,
	// counted from 1, while Msg has a verb for it; 0 if none.
	From int
}

func (e *LimitError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// CheckLimits reports whether rendering md stays within the limits above,
// or returns where it would not. Lines are numbered from firstLine, the
// line of its file md begins on (1 for a whole file). Its own work is
// linear in the size of md: a scan of each line's block markers, a scan of
// the whole text as one paragraph (enough for nearly every document: see
// withinWholeBound), and only when that bound is passed goldmark's block
// parser (linear once the nesting is bounded, and run without the inline
// parsers and the paragraph transformers that are not) and a scan of each
// paragraph.
func CheckLimits(md []byte, firstLine int) *LimitError {
	err := checkNesting(md)
	if err == nil && !withinWholeBound(md) {
		err = checkInline(md)
	}
	if err != nil {
		err.Line += firstLine - 1
		if err.From > 0 {
			err.Msg = fmt.Sprintf(err.Msg, err.From+firstLine-1)
		}
	}
	return err
}

// checkNesting bounds the number of containers (list items, block quotes,
// footnote definitions) open at each line, without parsing: the
// containers a line continues are at most those open before it and at
// most half its leading white space (a list item's content is indented
// by at least two columns, a footnote's by four); each ">" continues or
// opens one block quote; those it opens besides are at most its list and
// footnote markers; and a lazy continuation line keeps all open.
func checkNesting(md []byte) *LimitError {
	open, n := 0, 0
	prevBlank := true
	for line := range bytes.Lines(md) {
		n++
		quotes, markers, cols, blank := blockPrefix(line)
		if blank {
			// Containers may go on after a blank line, but the next line
			// cannot be a lazy continuation.
			prevBlank = true
			continue
		}
		now := min(open, cols/2) + quotes + markers
		if !prevBlank {
			now = max(now, open)
		}
		open, prevBlank = now, false
		if open > MaxNesting {
			return &LimitError{Line: n, Msg: fmt.Sprintf("lists, block quotes or footnotes are nested more than %d deep here, too deep to render in bounded time", MaxNesting)}
		}
	}
	return nil
}

// blockPrefix reads the markers at the start of a line: block quote
// markers, list markers ("-", "*", "+", "1.", "1)") and footnote labels
// ("[^note]:"), and counts in columns the white space that could continue
// an open list item or footnote: not the one space a ">" may take, and
// none after a list or footnote marker, whose white space belongs to the
// container it opens.
func blockPrefix(line []byte) (quotes, markers, cols int, blank bool) {
	i := 0
	for i < len(line) {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			if markers == 0 && c == ' ' {
				cols++
			} else if markers == 0 {
				cols += 4 // a tab is at most 4 columns
			}
			i++
		case c == '\r' || c == '\n':
			i++
		case c == '>':
			quotes++
			i++
			if i < len(line) && line[i] == ' ' {
				i++
			}
		case c == '-' || c == '*' || c == '+':
			if !markerEnds(line, i+1) {
				return quotes, markers, cols, false
			}
			markers++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 10 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j-i > 9 || j == len(line) || (line[j] != '.' && line[j] != ')') || !markerEnds(line, j+1) {
				return quotes, markers, cols, false
			}
			markers++
			i = j + 1
		case c == '[' && i+1 < len(line) && line[i+1] == '^':
			j := bytes.IndexByte(line[i:], ']')
			if j < 0 || i+j+1 >= len(line) || line[i+j+1] != ':' {
				return quotes, markers, cols, false
			}
			markers++
			i += j + 2
		default:
			return quotes, markers, cols, false
		}
	}
	return quotes, markers, cols, quotes == 0 && markers == 0
}

// markerEnds reports whether a list marker ending before i is followed by
// white space or the end of the line, as a list marker must be.
func markerEnds(line []byte, i int) bool {
	return i >= len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'
}

// blockParser parses blocks only: goldmark's block parsers and the
// footnote definitions of the renderer's configuration, with no inline
// parsers, so the paragraphs come out as goldmark will inline-parse them.
// The link reference definitions, which goldmark reads out of
// paragraphs with a transformer whose own work is quadratic, are left in
// the paragraphs, where the inline bound counts them.
func blockParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(append(parser.DefaultBlockParsers(),
			util.Prioritized(extension.NewFootnoteBlockParser(), 999))...),
	)
}

// checkInline adds up the inline bound of every paragraph and heading
// (every block goldmark inline-parses), and counts footnotes.
func checkInline(md []byte) *LimitError {
	doc := blockParser().Parse(text.NewReader(md))
	lines := lineStarts(md)
	lineOf := func(offset int) int { return sort.SearchInts(lines, offset+1) }
	var total int64
	footnotes := 0
	var scan inlineScan
	var found *LimitError
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Kind() == east.KindFootnote {
			footnotes++
		}
		if n.Type() != ast.TypeBlock || n.IsRaw() || n.Lines().Len() == 0 {
			return ast.WalkContinue, nil
		}
		segs := n.Lines()
		scan.reset()
		for i := 0; i < segs.Len(); i++ {
			seg := segs.At(i)
			total += scan.line(md[seg.Start:seg.Stop])
			footnotes += scan.footnotes
			scan.footnotes = 0
			if total > MaxInlineWork {
				found = &LimitError{Line: lineOf(seg.Start), Msg: scan.tooDense(), From: lineOf(segs.At(0).Start)}
				return ast.WalkStop, nil
			}
			if footnotes > MaxFootnotes {
				found = &LimitError{Line: lineOf(seg.Start), Msg: fmt.Sprintf("has more than %d footnote references and definitions; a document may have at most %d", MaxFootnotes, MaxFootnotes)}
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	if found == nil && footnotes > MaxFootnotes {
		// Only definitions past the limit: they are counted as blocks.
		found = &LimitError{Line: 1, Msg: fmt.Sprintf("has more than %d footnote references and definitions; a document may have at most %d", MaxFootnotes, MaxFootnotes)}
	}
	return found
}

// withinWholeBound reports whether md, scanned as if all its lines were
// one paragraph, stays within MaxInlineWork and MaxFootnotes. Every
// block that goldmark inline-parses is made of parts of md's lines, in
// order, each with no more than its container markers taken off the
// front, and every cost inlineScan counts only grows as text is added: so
// the bound over the whole document is at least the sum of the bounds of
// its blocks, and a document within it is within the limits. That spares
// nearly every real report checkInline's block parse, which costs about
// a third of a render; FuzzRender checks that the two never disagree.
func withinWholeBound(md []byte) bool {
	var scan inlineScan
	var total int64
	footnotes := 0
	for line := range bytes.Lines(md) {
		total += scan.line(line)
		footnotes += scan.footnotes
		scan.footnotes = 0
		if total > MaxInlineWork || footnotes > MaxFootnotes {
			return false
		}
	}
	return true
}

// lineStarts returns the offset of the start of each line of md.
func lineStarts(md []byte) []int {
	starts := []int{0}
	for i, c := range md {
		if c == '\n' && i+1 < len(md) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// inlineScan bounds the inline parser's work on one paragraph, a line at a
// time. Each cost that is a product (brackets times lines, titles times
// bytes, marks times marks) is added as its factors grow, so the total
// after any line is the bound for the paragraph up to that line.
type inlineScan struct {
	lines, size int64
	brackets    int64   // "]" that close a "[": each re-reads the lines after it
	titles      int64   // places a link title might start: each may scan to the paragraph's end
	marks       int64   // runs of "*", "_" or "~"
	open        []int64 // offsets of the "[" not yet closed
	footnotes   int     // "[^" seen in the last line
	skip        []int32 // reused per line: the offset of the next white space, and of the next ">"
	angle       []int32
}

func (s *inlineScan) reset() {
	open, skip, angle := s.open[:0], s.skip, s.angle
	*s = inlineScan{open: open, skip: skip, angle: angle}
}

// line adds one line of the paragraph and returns the work it adds.
func (s *inlineScan) line(l []byte) int64 {
	s.lines++
	work := s.brackets + s.titles*int64(len(l)) + 1
	s.nextStops(l)
	for i := 0; i < len(l); i++ {
		switch c := l[i]; c {
		case '[':
			if i+1 < len(l) && l[i+1] == '^' {
				s.footnotes++
			}
			s.open = append(s.open, s.size+int64(i))
		case ']':
			if len(s.open) == 0 {
				continue
			}
			// The label is copied and its nodes walked; the lines after it
			// are read again, counted as they come.
			work += s.size + int64(i) - s.open[len(s.open)-1] + s.lines
			s.open = s.open[:len(s.open)-1]
			s.brackets++
			if i+1 < len(l) && l[i+1] == '(' {
				work += s.destination(l, i+2)
			}
		case '*', '_', '~':
			if i > 0 && l[i-1] == c {
				continue
			}
			// A closer that finds no opener walks back over every mark.
			work += 2*s.marks + 1
			s.marks++
		}
	}
	s.size += int64(len(l))
	return work
}

// destination returns the bound of scanning a link destination that
// starts at i, and counts a possible title after it.
func (s *inlineScan) destination(l []byte, i int) int64 {
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	end := len(l)
	if i < len(l) && l[i] == '<' {
		end = int(s.angle[i])
	} else if i < len(l) {
		end = int(s.skip[i])
	}
	cost := int64(end - i + 1)
	j := end
	for j < len(l) && (l[j] == ' ' || l[j] == '\t' || l[j] == '>') {
		j++
	}
	if j >= len(l) || l[j] == '\r' || l[j] == '\n' || l[j] == '"' || l[j] == '\'' || l[j] == '(' {
		// A title, or a destination on the next line, may read to the
		// paragraph's end: the bytes so far now, those to come as they come.
		s.titles++
		cost += s.size + int64(len(l))
	}
	return cost
}

// nextStops fills skip and angle for l: for each offset, where the next
// white space, and the next ">", is (len(l) when there is none).
func (s *inlineScan) nextStops(l []byte) {
	if cap(s.skip) < len(l) {
		s.skip = make([]int32, len(l))
		s.angle = make([]int32, len(l))
	}
	s.skip, s.angle = s.skip[:len(l)], s.angle[:len(l)]
	ws, gt := int32(len(l)), int32(len(l))
	for i := len(l) - 1; i >= 0; i-- {
		switch l[i] {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			ws = int32(i)
		case '>':
			gt = int32(i)
		}
		s.skip[i], s.angle[i] = ws, gt
	}
}

// tooDense explains a paragraph that took the work past the limit.
// Its "%d" is for the paragraph's first line.
func (s *inlineScan) tooDense() string {
	what := fmt.Sprintf("%d links or brackets", s.brackets+int64(len(s.open)))
	if s.marks*s.marks > s.brackets*s.lines {
		what = fmt.Sprintf("%d emphasis marks (*, _, ~)", s.marks)
	}
	lines := "1 line"
	if s.lines != 1 {
		lines = fmt.Sprintf("%d lines", s.lines)
	}
	return "the paragraph from line %d holds " + what + " in " + lines + ", too many to render in bounded time; split it with blank lines, or put it in a fenced code block if it is not prose"
}
