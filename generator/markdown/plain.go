package markdown

import (
	"bufio"
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"
)

// PlainText is a document's words without their markup, for the search
// indexes and repeat detection. It comes from the syntax tree the HTML is
// rendered from, so it holds what a reader of the page sees: the text of
// links and images, code as written, table cells separated by spaces;
// not link targets, list and quote markers, task boxes, footnote numbers
// or HTML tags (the text between tags stays). Each line of prose stays a
// line, and a blank line in the source between two blocks stays one, so
// that a search snippet can stop at a line's end.
type PlainText struct {
	// Summary is the text under a level-one or level-two heading named
	// "Summary" (in any case), up to the next heading of those levels;
	// the heading itself is left out.
	Summary string
	// Rest is everything else, headings included.
	Rest string
}

// plainWriter collects a document's plain text during the walk of its
// syntax tree (see Renderer.rewrite).
type plainWriter struct {
	src       []byte
	summary   []byte
	rest      []byte
	out       *[]byte // summary or rest
	blank     bool    // a blank line is due before the next text
	space     bool    // a space is due before the next text, if it does not start with one
	mute      bool    // inside a Summary heading, whose text is not kept
	codeSpans int     // how many code spans the walk is inside
	// quoted collects the code spans and the lines of code blocks (see
	// Result.Quoted); quoteFrom is where the open code span's text starts
	// in *out.
	quoted    []string
	quoteFrom int
}

// The quoted text kept of a document: at most maxQuoted strings of
// minQuote to maxQuote bytes. Shorter ones are words (`df`), longer ones
// are dumps, not messages.
const (
	maxQuoted = 200
	minQuote  = 8
	maxQuote  = 300
)

// quote keeps b, a code span or a line of a code block, as quoted text.
func (p *plainWriter) quote(b []byte) {
	b = bytes.TrimSpace(b)
	if len(b) >= minQuote && len(b) <= maxQuote && len(p.quoted) < maxQuoted {
		p.quoted = append(p.quoted, string(b))
	}
}

func newPlainWriter(src []byte) *plainWriter {
	p := &plainWriter{src: src}
	p.out = &p.rest
	return p
}

// result returns the text collected, without blank lines at either end.
func (p *plainWriter) result() PlainText {
	return PlainText{Summary: string(bytes.TrimSpace(p.summary)), Rest: string(bytes.TrimSpace(p.rest))}
}

// visit takes one step of the walk.
func (p *plainWriter) visit(n ast.Node, entering bool) {
	switch n := n.(type) {
	case *ast.Document:
	case *ast.Heading:
		if entering {
			p.block(n)
			if n.Level <= 2 {
				p.mute = strings.EqualFold(plainText(n, p.src), "summary")
				p.section(p.mute)
			}
			return
		}
		p.mute = false
		p.endLine()
	case *east.TableCell:
		if entering && n.PreviousSibling() != nil {
			p.space = true
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		if entering {
			p.block(n)
			p.lines(n)
		}
	case *ast.HTMLBlock:
		if entering {
			p.block(n)
			p.htmlBlock(n)
		}
	case *ast.Text:
		if !entering || p.mute {
			return
		}
		v := n.Segment.Value(p.src)
		switch {
		case p.codeSpans > 0:
			// As the page shows a code span: a line break inside is a space.
			if len(v) > 0 && v[len(v)-1] == '\n' {
				p.write(v[:len(v)-1])
				p.space = true
			} else {
				p.write(v)
			}
		case n.IsRaw():
			p.write(v)
		default:
			p.write(shown(v))
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			p.endLine()
		}
	case *ast.String:
		if entering && !p.mute {
			p.write(n.Value)
		}
	case *ast.CodeSpan:
		if entering {
			p.codeSpans++
			if p.codeSpans == 1 {
				p.quoteFrom = len(*p.out)
			}
		} else {
			p.codeSpans--
			if p.codeSpans == 0 && !p.mute && p.quoteFrom <= len(*p.out) {
				p.quote((*p.out)[p.quoteFrom:])
			}
		}
	case *ast.AutoLink:
		if entering && !p.mute {
			p.write(n.Label(p.src))
		}
	case *ast.RawHTML:
		// A tag inside a line: drop it, but keep the words on either side
		// apart ("a<br>b").
		p.space = true
	case *east.FootnoteList:
		if entering {
			p.endLine()
			p.blank = true
		}
	default:
		// Other blocks (paragraphs, lists and their items, quotes, tables
		// and their rows) each start a line; inline nodes (emphasis,
		// links, images) hold text nodes, kept; the rest (task boxes,
		// footnote numbers, thematic breaks) has no text.
		if n.Type() == ast.TypeBlock {
			if entering {
				p.block(n)
			} else {
				p.endLine()
			}
		}
	}
}

// block starts a block: on a line of its own, after a blank line if the
// source has one before it.
func (p *plainWriter) block(n ast.Node) {
	p.endLine()
	if p.blankBefore(n) {
		p.blank = true
	}
}

// blankBefore reports whether the line before block n in the source is
// blank, or holds nothing but quote markers. (goldmark's
// HasBlankPreviousLines says so of a block after fenced code too.)
func (p *plainWriter) blankBefore(n ast.Node) bool {
	start, ok := firstOffset(n)
	if !ok {
		return false
	}
	line := bytes.LastIndexByte(p.src[:start], '\n') + 1 // the start of n's first line
	if _, fenced := n.(*ast.FencedCodeBlock); fenced && line > 0 {
		line = bytes.LastIndexByte(p.src[:line-1], '\n') + 1 // the opening fence's
	}
	if line == 0 {
		return false // the first line
	}
	prev := p.src[bytes.LastIndexByte(p.src[:line-1], '\n')+1 : line-1]
	return len(bytes.Trim(prev, " \t\r>")) == 0
}

// firstOffset is where in the source the first text of n is.
func firstOffset(n ast.Node) (int, bool) {
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start, true
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start, true
		}
	}
	return 0, false
}

// section makes the following text the summary's or the rest's.
func (p *plainWriter) section(summary bool) {
	out := &p.rest
	if summary {
		out = &p.summary
	}
	if out != p.out {
		p.endLine()
		p.out = out
		p.blank = false // the blank line before the heading ends the other section
	}
}

// write adds text to the current line; at the start of a line, without
// the spaces it starts with.
func (p *plainWriter) write(b []byte) { p.put(b, false) }

// put adds text to the current line, verbatim or not.
func (p *plainWriter) put(b []byte, verbatim bool) {
	out := *p.out
	if len(out) == 0 || out[len(out)-1] == '\n' {
		if !verbatim {
			b = bytes.TrimLeft(b, " \t")
		}
		if len(b) == 0 {
			return
		}
		if p.blank && len(out) > 0 && !bytes.HasSuffix(out, []byte("\n\n")) {
			out = append(out, '\n')
		}
		p.blank = false
	} else if len(b) == 0 {
		return
	} else if p.space && !isSpace(out[len(out)-1]) && !isSpace(b[0]) {
		out = append(out, ' ')
	}
	p.space = false
	*p.out = append(out, b...)
}

// endLine ends the current line, if it has any text.
func (p *plainWriter) endLine() {
	out := bytes.TrimRight(*p.out, " \t")
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	*p.out = out
	p.space = false
}

// lines writes the lines of a code block as they are.
func (p *plainWriter) lines(n ast.Node) {
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := bytes.TrimRight(seg.Value(p.src), " \t\r\n")
		if len(line) == 0 {
			p.blank = true
			continue
		}
		p.put(line, true)
		p.endLine()
		p.quote(line)
	}
}

// htmlBlock writes the text between the tags of an HTML block, a line for
// each line of it; tags, comments and declarations go.
func (p *plainWriter) htmlBlock(n *ast.HTMLBlock) {
	var src bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		src.Write(segValue(lines.At(i), p.src))
	}
	if n.HasClosure() {
		src.Write(segValue(n.ClosureLine, p.src))
	}
	z := xhtml.NewTokenizer(&src)
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			p.endLine()
			return
		case xhtml.TextToken:
			for i, line := range bytes.Split(z.Text(), []byte("\n")) {
				if i > 0 {
					p.endLine()
				}
				p.write(line)
			}
		default:
			p.space = true
		}
	}
}

// shown is text as the page shows it: backslash escapes and character
// references resolved, as goldmark's HTML writer resolves them.
func shown(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, 0) < 0 {
		return v
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	gmhtml.DefaultWriter.Write(w, v)
	_ = w.Flush()
	return []byte(html.UnescapeString(buf.String()))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }
