// Package markdown renders report and page bodies to HTML, and gives
// their plain text from the same parse.
//
// One goldmark instance is built per build, with GitHub-flavoured Markdown,
// footnotes and heading anchors, and shared by all workers. After parsing,
// the syntax tree is rewritten before rendering: task ids such as T418722
// become links through the site's task URL, and incident ids named in
// prose ("2026-02-23 ml-serve") become links to those reports. Text inside
// links and code is left alone. Raw HTML is shown as text unless the site
// allows it. The walk that rewrites the tree also collects its plain text
// (see PlainText), so that search and repeat detection read the words the
// page shows, parsed once.
package markdown

import (
	"bytes"
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a Renderer.
type Options struct {
	// UnsafeHTML passes raw HTML in Markdown through instead of escaping it.
	UnsafeHTML bool
	// TaskURL turns a task id into a URL; nil leaves task ids as text.
	// An id it gives no URL for ("") is found, but stays text.
	TaskURL func(task string) string
	// TaskKind is the kind of the site's tracker (site.yaml tracker.kind):
	// besides T418722, which every kind has, prose names Jira keys
	// (OPS-123) with "jira", and #123 and owner/repo#123 with "github".
	TaskKind string
	// TaskProjects, for "jira", are the project keys whose issue keys
	// prose may name (OPS, INFRA); empty means any key that is not the
	// name of a standard or an encoding (UTF-8, SHA-256, ISO-8601, …).
	TaskProjects []string
	// TaskState gives the state of a task to show beside its link, as a
	// small badge: its label ("resolved 2024-05-03") and CSS class
	// ("resolved"); ok false shows none. Nil shows no badges.
	TaskState func(task string) (label, class string, ok bool)
	// IncidentIDs are the ids that prose may mention. Only ids that begin
	// with a date (YYYY-MM-DD) are recognised in prose, so that an id made of
	// ordinary words never turns ordinary words into links.
	IncidentIDs []string
	// IncidentURL gives the permalink of a mentioned id; ok is false for a
	// report that is not published, which then stays plain text.
	IncidentURL func(id string) (url string, ok bool)
	// ReservedIDs are element ids the page around the document uses; a
	// heading that would get one gets a numbered id instead ("scorecard-1").
	ReservedIDs []string
}

// Renderer converts Markdown to HTML. It is safe for concurrent use.
type Renderer struct {
	md        goldmark.Markdown
	opts      Options
	idsByDate map[string][]string
}

// Heading is an entry of a document's table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Result is a rendered document.
type Result struct {
	HTML []byte
	// TOC lists the level 2 and 3 headings.
	TOC []Heading
	// Anchors holds every heading id, for checking links to sections.
	Anchors map[string]bool
	// Mentions are the incident ids named in the prose, in order of first
	// mention, whether or not they were linked.
	Mentions []string
	// Tasks are the task ids named in the prose, in order of first
	// mention (only with Options.TaskURL, which tells task ids apart).
	Tasks []string
	// Plain is the document as plain text.
	Plain PlainText
	// Quoted is the text of the document's code spans and of each line
	// of its code blocks, as written, in order: the commands, log lines
	// and error messages a report quotes (those of 8 to 300 bytes, at
	// most 200).
	Quoted []string
}

// New builds the renderer once for a build.
func New(opts Options) *Renderer {
	r := &Renderer{opts: opts, idsByDate: map[string][]string{}}
	for _, id := range opts.IncidentIDs {
		if len(id) > 10 && isDate(id[:10]) {
			r.idsByDate[id[:10]] = append(r.idsByDate[id[:10]], id)
		}
	}
	for _, ids := range r.idsByDate {
		// Longest first, so "2026-02-23 ml-serve-eqiad" wins over "2026-02-23 ml-serve".
		sort.Slice(ids, func(i, j int) bool {
			if len(ids[i]) != len(ids[j]) {
				return len(ids[i]) > len(ids[j])
			}
			return ids[i] < ids[j]
		})
	}
	rendererOpts := []renderer.Option{gmhtml.WithXHTML()}
	if opts.UnsafeHTML {
		rendererOpts = append(rendererOpts, gmhtml.WithUnsafe())
	} else {
		rendererOpts = append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(escapedHTML{}, 100)))
	}
	r.md = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return r
}

// Render converts src. goldmark has no way to stop a parse, and some
// inputs take it time growing with the square of their size: src must
// have passed CheckLimits, as every report and page has once loaded.
func (r *Renderer) Render(src []byte) (*Result, error) {
	doc, res := r.parse(src)
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		return nil, fmt.Errorf("rendering markdown: %w", err)
	}
	res.HTML = bytes.Clone(buf.Bytes()) // exact size: thousands of these stay in memory
	return res, nil
}

// Parse is Render without the HTML, for a reader that shows no page: the
// Result holds the rest, the plain text included, as Render gives it.
func (r *Renderer) Parse(src []byte) *Result {
	_, res := r.parse(src)
	return res
}

// parse parses src and rewrites the tree, collecting all of the Result
// but the HTML.
func (r *Renderer) parse(src []byte) (ast.Node, *Result) {
	pc := parser.NewContext()
	for _, id := range r.opts.ReservedIDs {
		pc.IDs().Put([]byte(id))
	}
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	res := &Result{Anchors: map[string]bool{}}
	r.rewrite(doc, src, res)
	return doc, res
}

// rewrite collects headings and plain text, and links task and incident
// ids in place.
func (r *Renderer) rewrite(doc ast.Node, src []byte, res *Result) {
	var texts []*ast.Text
	seen := map[string]bool{}
	plain := newPlainWriter(src)
	inside := 0 // links, code spans, raw HTML and images: their text is left alone
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		plain.visit(n, entering)
		switch n := n.(type) {
		case *ast.Link, *ast.AutoLink, *ast.CodeSpan, *ast.RawHTML, *ast.Image:
			if entering {
				inside++
			} else {
				inside--
			}
		case *ast.Heading:
			if !entering {
				break
			}
			if id, ok := n.AttributeString("id"); ok {
				idStr := string(id.([]byte))
				res.Anchors[idStr] = true
				if n.Level == 2 || n.Level == 3 {
					res.TOC = append(res.TOC, Heading{Level: n.Level, ID: idStr, Text: plainText(n, src)})
				}
			}
		case *ast.Text:
			if entering && inside == 0 {
				texts = append(texts, n)
			}
		}
		return ast.WalkContinue, nil
	})
	res.Plain = plain.result()
	res.Quoted = plain.quoted
	// The inline parser splits text at characters that might start an
	// autolink, such as spaces, so an id can span several sibling nodes.
	// Join runs of adjacent text before searching it.
	for i := 0; i < len(texts); {
		j := i + 1
		for j < len(texts) && joinable(texts[j-1], texts[j]) {
			j++
		}
		r.linkText(texts[i:j], src, res, seen)
		i = j
	}
}

// joinable reports whether b directly continues a in the same line of text.
func joinable(a, b *ast.Text) bool {
	return ast.Node(b) == a.NextSibling() && a.Segment.Stop == b.Segment.Start &&
		!a.SoftLineBreak() && !a.HardLineBreak() && !a.IsRaw() && !b.IsRaw()
}

// match is a span of a text segment to turn into a link.
type match struct {
	start, stop int // offsets into the source
	url         string
	class       string
	// A task's badge, when badge is set: its label and state class.
	label, state string
	badge        bool
}

// taskAt returns the end of the task id that starts at value[i], or i
// when none does (value[i-1], if any, is not a word byte): T and 3–9
// digits, and the forms of Options.TaskKind.
func (r *Renderer) taskAt(value []byte, i int) int {
	digits := func(j, least int) int {
		k := j
		for k < len(value) && k-j < 10 && value[k] >= '0' && value[k] <= '9' {
			k++
		}
		if k-j < least || k-j > 9 || k < len(value) && isWordByte(value[k]) {
			return -1
		}
		return k
	}
	c := value[i]
	if c == 'T' {
		if k := digits(i+1, 3); k > 0 {
			return k
		}
	}
	switch r.opts.TaskKind {
	case "jira":
		// KEY-123: an upper-case letter, then upper-case letters, digits
		// or underscores, a hyphen and the number.
		if c < 'A' || c > 'Z' {
			return i
		}
		j := i + 1
		for j < len(value) && j-i <= 50 && (value[j] >= 'A' && value[j] <= 'Z' || value[j] >= '0' && value[j] <= '9' || value[j] == '_') {
			j++
		}
		if j-i < 2 || j >= len(value) || value[j] != '-' || !r.jiraProject(string(value[i:j])) {
			return i
		}
		if k := digits(j+1, 1); k > 0 {
			return k
		}
	case "github":
		// #123, or owner/repo#123.
		if c == '#' {
			if k := digits(i+1, 1); k > 0 {
				return k
			}
			return i
		}
		j := i
		for j < len(value) && j-i < 39 && (isWordByte(value[j]) && value[j] != '_' || value[j] == '-') {
			j++
		}
		if j == i || j >= len(value) || value[j] != '/' {
			return i
		}
		k := j + 1
		for k < len(value) && k-j <= 100 && (isWordByte(value[k]) || value[k] == '-' || value[k] == '.') {
			k++
		}
		if k == j+1 || k >= len(value) || value[k] != '#' {
			return i
		}
		if e := digits(k+1, 1); e > 0 {
			return e
		}
	}
	return i
}

// linkText links the ids found in a run of adjacent text nodes, replacing
// the run with text and link nodes.
func (r *Renderer) linkText(run []*ast.Text, src []byte, res *Result, seen map[string]bool) {
	t := run[len(run)-1] // carries the run's line break
	seg := text.NewSegment(run[0].Segment.Start, t.Segment.Stop)
	value := src[seg.Start:seg.Stop]
	var found []match
	for i := 0; i < len(value); i++ {
		c := value[i]
		if i > 0 && isWordByte(value[i-1]) {
			continue
		}
		switch {
		case r.opts.TaskURL != nil && r.taskAt(value, i) > i:
			j := r.taskAt(value, i)
			task := string(value[i:j])
			if !seen["\x00"+task] {
				seen["\x00"+task] = true
				res.Tasks = append(res.Tasks, task)
			}
			if u := r.opts.TaskURL(task); u != "" {
				m := match{start: seg.Start + i, stop: seg.Start + j, url: u, class: "task"}
				if r.opts.TaskState != nil {
					m.label, m.state, m.badge = r.opts.TaskState(task)
				}
				found = append(found, m)
			}
			i = j - 1
		case c >= '0' && c <= '9' && i+10 < len(value) && isDate(string(value[i:i+10])):
			for _, id := range r.idsByDate[string(value[i:i+10])] {
				end := i + len(id)
				if end > len(value) || string(value[i:end]) != id || (end < len(value) && isIDByte(value[end])) {
					continue
				}
				if !seen[id] {
					seen[id] = true
					res.Mentions = append(res.Mentions, id)
				}
				if url, ok := r.opts.IncidentURL(id); ok {
					found = append(found, match{start: seg.Start + i, stop: seg.Start + end, url: url, class: "incident-ref"})
				}
				i = end - 1
				break
			}
		}
	}
	if len(found) == 0 {
		return
	}
	parent := t.Parent()
	for _, n := range run[:len(run)-1] {
		parent.RemoveChild(parent, n)
	}
	pos := seg.Start
	var last ast.Node = t
	insert := func(n ast.Node) {
		parent.InsertAfter(parent, last, n)
		last = n
	}
	for _, m := range found {
		if m.start > pos {
			insert(ast.NewTextSegment(text.NewSegment(pos, m.start)))
		}
		link := ast.NewLink()
		link.Destination = []byte(m.url)
		link.SetAttributeString("class", []byte(m.class))
		link.AppendChild(link, ast.NewTextSegment(text.NewSegment(m.start, m.stop)))
		insert(link)
		if m.badge {
			badge := ast.NewString([]byte(` <span class="task-state ` + html.EscapeString(m.state) + `">` + html.EscapeString(m.label) + `</span>`))
			badge.SetCode(true) // written as is: the HTML above, escaped
			insert(badge)
		}
		pos = m.stop
	}
	var tail *ast.Text
	if pos < seg.Stop {
		tail = ast.NewTextSegment(text.NewSegment(pos, seg.Stop))
		insert(tail)
	}
	// The line break that ended the original text must follow its last piece.
	if tail != nil {
		tail.SetSoftLineBreak(t.SoftLineBreak())
		tail.SetHardLineBreak(t.HardLineBreak())
	} else if t.SoftLineBreak() || t.HardLineBreak() {
		br := ast.NewTextSegment(text.NewSegment(seg.Stop, seg.Stop))
		br.SetSoftLineBreak(t.SoftLineBreak())
		br.SetHardLineBreak(t.HardLineBreak())
		insert(br)
	}
	parent.RemoveChild(parent, t)
}

// notJira are words written before a hyphen and a number in prose that
// are not Jira projects: standards, encodings, algorithms.
var notJira = map[string]bool{
	"UTF": true, "SHA": true, "ISO": true, "RFC": true, "CVE": true, "AES": true, "MD": true, "TLS": true,
	"SSL": true, "HTTP": true, "IPV": true, "IEEE": true, "ECMA": true, "UTC": true, "GMT": true, "PEP": true,
	"ES": true, "WCAG": true, "CWE": true, "GHSA": true, "RSA": true, "ECDSA": true, "HMAC": true, "CRC": true,
	"DDR": true, "PCIE": true, "USB": true, "COVID": true, "SQL": true, "TCP": true, "UDP": true, "DNS": true,
}

// jiraProject reports whether key may be a Jira project's key in prose.
func (r *Renderer) jiraProject(key string) bool {
	if len(r.opts.TaskProjects) > 0 {
		return slices.Contains(r.opts.TaskProjects, key)
	}
	return !notJira[key]
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isIDByte reports whether c could continue an id, so that an id is not
// found inside a longer one.
func isIDByte(c byte) bool { return isWordByte(c) || c == '-' }

func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range []byte(s) {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// escapedHTML renders raw HTML in Markdown as visible, escaped text, so a
// report that mentions <br> or pastes an error page shows what was written
// and can run nothing.
type escapedHTML struct{}

func (escapedHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

func renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := node.(*ast.RawHTML).Segments
		for i := 0; i < segs.Len(); i++ {
			_, _ = w.WriteString(html.EscapeString(string(segValue(segs.At(i), src))))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if entering {
		_, _ = w.WriteString("<pre class=\"raw-html\"><code>")
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			_, _ = w.WriteString(html.EscapeString(string(segValue(lines.At(i), src))))
		}
		if n.HasClosure() {
			_, _ = w.WriteString(html.EscapeString(string(n.ClosureLine.Value(src))))
		}
		_, _ = w.WriteString("</code></pre>\n")
	}
	return ast.WalkSkipChildren, nil
}

func segValue(s text.Segment, src []byte) []byte { return s.Value(src) }

// IDDate is the date (YYYY-MM-DD) that id begins with, and whether prose
// may mention id at all: only ids that begin with a date are recognised
// (Options.IncidentIDs).
func IDDate(id string) (string, bool) {
	if len(id) > 10 && isDate(id[:10]) {
		return id[:10], true
	}
	return "", false
}

// MentionDates returns the distinct dates in src, in the order they first
// appear, at which a mention of a report could begin. The ids are matched
// in the source's bytes of the text (Renderer.linkText), and each begins
// with its date (IDDate): a document's HTML depends on the ids of these
// dates and of no others, which lets a cache of rendered documents keep
// one across the addition of a report it cannot mention.
func MentionDates(src []byte) []string {
	var dates []string
	var seen map[string]bool
	// From one hyphen to the next (IndexByte is fast over long prose): a
	// date's first hyphen is its fifth byte.
	for p := 0; ; {
		k := bytes.IndexByte(src[p:], '-')
		if k < 0 {
			return dates
		}
		p += k + 1
		i := p - 5 // where a date whose first hyphen this is begins
		if i < 0 || i+10 > len(src) || src[i+7] != '-' {
			continue
		}
		if d := string(src[i : i+10]); isDate(d) && !seen[d] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[d] = true
			dates = append(dates, d)
		}
	}
}
