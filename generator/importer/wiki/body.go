package wiki

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"

	"github.com/incidents-archive/incidents/generator/importer/wikitext"
)

// section is one headed part of a page.
type section struct {
	level int
	title string
	// headStart and headEnd delimit the heading's line, with its line
	// break; end is where the section ends: the next heading of the same
	// or a higher level, or the end of the page.
	headStart, headEnd, end int
}

var headingLine = regexp.MustCompile(`(?m)^(={1,6})[ \t]*(.+?)[ \t]*(={1,6})[ \t]*(?:<!--.*?-->[ \t]*)*$`)

// sections lists the page's headings, in order. Lines inside template
// calls and tables are not headings.
func sections(src string) []section {
	var skip [][2]int
	for _, t := range wikitext.Templates(src) {
		skip = append(skip, [2]int{t.Start, t.End})
	}
	for _, t := range wikitext.Tables(src) {
		skip = append(skip, [2]int{t.Start, t.End})
	}
	sort.Slice(skip, func(i, j int) bool { return skip[i][0] < skip[j][0] })
	// reach[i] is the furthest end of the spans up to i, so that a binary
	// search finds whether any span covers an offset.
	reach := make([]int, len(skip))
	for i, s := range skip {
		reach[i] = s[1]
		if i > 0 {
			reach[i] = max(reach[i], reach[i-1])
		}
	}
	inside := func(at int) bool {
		// The last span starting at or before at.
		i := sort.Search(len(skip), func(i int) bool { return skip[i][0] > at }) - 1
		return i >= 0 && reach[i] > at
	}
	var out []section
	for _, m := range headingLine.FindAllStringSubmatchIndex(src, -1) {
		if inside(m[0]) {
			continue
		}
		level := min(m[3]-m[2], m[7]-m[6])
		end := m[1]
		if end < len(src) {
			end++ // the line break
		}
		out = append(out, section{level: level, title: src[m[4]:m[5]], headStart: m[0], headEnd: end})
	}
	for i := range out {
		out[i].end = len(src)
		for _, next := range out[i+1:] {
			if next.level <= out[i].level {
				out[i].end = next.headStart
				break
			}
		}
	}
	return out
}

// findSection returns the first section whose title, lower-cased and
// without punctuation, is one of names.
func findSection(secs []section, names ...string) (section, bool) {
	for _, s := range secs {
		t := strings.Join(nonWord.Split(strings.ToLower(s.title), -1), " ")
		t = strings.TrimSpace(t)
		for _, n := range names {
			if t == n {
				return s, true
			}
		}
	}
	return section{}, false
}

// edit replaces src[start:end] with repl.
type edit struct {
	start, end int
	repl       string
}

// remove drops src[start:end] from the body, with its line when nothing
// else is on it.
func (c *converter) remove(start, end int) {
	ls := strings.LastIndexByte(c.src[:start], '\n') + 1
	le := strings.IndexByte(c.src[end:], '\n')
	if le < 0 {
		le = len(c.src)
	} else {
		le += end
	}
	if strings.TrimSpace(c.src[ls:start]) == "" && strings.TrimSpace(c.src[end:le]) == "" {
		start, end = ls, min(le+1, len(c.src))
	}
	c.edits = append(c.edits, edit{start, end, ""})
}

// replace puts repl in place of src[start:end] in the body; an empty repl
// removes it as remove does.
func (c *converter) replace(start, end int, repl string) {
	if repl == "" {
		c.remove(start, end)
		return
	}
	c.edits = append(c.edits, edit{start, end, repl})
}

// applyEdits returns src[from:to] with the edits inside it made. Edits
// that overlap one made before are skipped.
func applyEdits(src string, edits []edit, from, to int) string {
	sorted := append([]edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].start < sorted[j].start })
	var b strings.Builder
	at := from
	for _, e := range sorted {
		if e.start < at || e.end > to {
			continue
		}
		b.WriteString(src[at:e.start])
		b.WriteString(e.repl)
		at = e.end
	}
	b.WriteString(src[at:to])
	return b.String()
}

// blank says wikitext shows nothing: only white space and comments.
func blank(s string) bool {
	s = htmlComment.ReplaceAllString(s, "")
	return strings.TrimSpace(pageFurniture.ReplaceAllString(s, "")) == ""
}

// pageFurniture is what pages end with that is no section's content: the
// footnotes' place (<references/>, {{reflist}}), categories and magic
// words. A scorecard section that holds only these loses its heading,
// which would otherwise stand empty in the body, next to the scorecard
// the site shows; the footnotes still come out at the end.
var pageFurniture = regexp.MustCompile(`(?i)<references\s*/>|<references\s*>\s*</references\s*>|\{\{\s*reflist\s*(?:\|[^{}]*)?\}\}|\[\[\s*category\s*:[^\]]*\]\]|__[A-Z]+__`)

// convertBody converts what is left of the page to Markdown. A section
// whose content all went to the front matter (the scorecard, the action
// items) loses its heading too, since the site shows those itself.
func (c *converter) convertBody(secs []section) {
	for _, s := range c.emptied {
		if blank(applyEdits(c.src, c.edits, s.headEnd, s.end)) {
			c.edits = append(c.edits, edit{s.headStart, s.headEnd, ""})
		}
	}
	body := applyEdits(c.src, c.edits, 0, len(c.src))
	md, warns := wikitext.Convert(body, c.textOptions())
	c.r.Warnings = append(c.r.Warnings, warns...)
	md = strings.TrimSpace(md)
	if md != "" {
		md += "\n"
	}
	c.r.Body = md
}

// textOptions are the options of every wikitext conversion of the page.
func (c *converter) textOptions() wikitext.Options {
	return wikitext.Options{WikiURL: c.opt.WikiURL, Incident: c.incident}
}

// incidentPrefixes are the title prefixes of incident report pages.
var incidentPrefixes = []string{"incidents/", "incident documentation/", "incident_documentation/"}

// incident resolves a linked page's title to a report id: through
// Options.Incident when it is set (the importer knows which pages it
// imports), otherwise from the title itself when it is an incident
// report's ("Incidents/…", "Incident documentation/…").
func (c *converter) incident(title string) (string, bool) {
	if c.opt.Incident != nil {
		return c.opt.Incident(title)
	}
	low := strings.ToLower(strings.TrimSpace(title))
	for _, p := range incidentPrefixes {
		if strings.HasPrefix(low, p) {
			return IDFromTitle(title)
		}
	}
	return "", false
}

var wikiLink = regexp.MustCompile(`\[\[\s*:?([^\]\[|#]+?)\s*(?:#[^\]\[|]*)?(?:\|[^\]\[]*)?\]\]`)

// readRelated lists the reports the page links to as related, once each
// and not the report itself.
func (c *converter) readRelated() {
	seen := map[string]bool{c.r.ID: true}
	for _, m := range wikiLink.FindAllStringSubmatch(c.src, -1) {
		id, ok := c.incident(strings.ReplaceAll(m[1], "_", " "))
		if ok && id != "" && !seen[id] {
			seen[id] = true
			c.r.Related = append(c.r.Related, id)
		}
	}
}

var (
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]*)\]\(<?([^)>\s]*)>?(?:\s+"[^"]*")?\)`)
	mdAutolink  = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	mdStrong    = regexp.MustCompile(`\*\*(.+?)\*\*|__(.+?)__`)
	mdEmphasis  = regexp.MustCompile(`(^|[^\p{L}\p{N}\\*])\*([^*\s](?:[^*]*[^*\s])?)\*`)
	mdEscape    = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
	mdListStart = regexp.MustCompile(`(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+`)
	mdHeading   = regexp.MustCompile(`(?m)^#{1,6}[ \t]+`)
)

// plain converts a wikitext value to the plain text a front-matter field
// holds (the site shows impact and titles as text): converted by package
// wikitext, then without Markdown's markup, links shown as their text (and
// their address, for a link to another site), on one line. The
// conversion's warnings are added, naming field.
func (c *converter) plain(field, v string) string {
	// Bold and italic mean nothing in plain text.
	md, warns := wikitext.Convert(boldItalic.ReplaceAllString(v, ""), c.textOptions())
	for _, w := range warns {
		if w.Field == "" {
			w.Field = field
		}
		c.r.Warnings = append(c.r.Warnings, w)
	}
	return mdToPlain(md)
}

// mdToPlain removes Markdown's markup from md.
func mdToPlain(md string) string {
	md = mdImage.ReplaceAllString(md, "$1")
	md = mdLink.ReplaceAllStringFunc(md, func(s string) string {
		m := mdLink.FindStringSubmatch(s)
		text, url := m[1], m[2]
		if (strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://")) && text != url && !strings.Contains(text, url) {
			if text == "" {
				return url
			}
			return fmt.Sprintf("%s (%s)", text, url)
		}
		return text
	})
	md = mdAutolink.ReplaceAllString(md, "$1")
	md = mdStrong.ReplaceAllString(md, "$1$2")
	md = mdEmphasis.ReplaceAllString(md, "$1$2")
	md = mdListStart.ReplaceAllString(md, "")
	md = mdHeading.ReplaceAllString(md, "")
	md = strings.ReplaceAll(md, "`", "")
	md = mdEscape.ReplaceAllString(md, "$1")
	md = html.UnescapeString(md)
	return strings.Join(strings.Fields(md), " ")
}

var (
	bareURL     = regexp.MustCompile(`https?://\S+`)
	extLinkText = regexp.MustCompile(`\[(?:https?:)?//\S+\s*([^\]]*)\]`)
)

// searchText is wikitext reduced to the words a reader sees, for guessing
// services and matching questions: links to other incidents, link
// targets, addresses, template calls and bold or italic quotes are not
// read, so a link to another incident's page does not name its services
// here.
func (c *converter) searchText(s string) string {
	s = htmlComment.ReplaceAllString(s, "")
	s = wikiLink.ReplaceAllStringFunc(s, func(l string) string {
		m := wikiLink.FindStringSubmatch(l)
		if _, ok := c.incident(strings.ReplaceAll(m[1], "_", " ")); ok {
			return " "
		}
		return l
	})
	s = otherLink.ReplaceAllString(s, "$1")
	s = extLinkText.ReplaceAllString(s, "$1")
	s = bareURL.ReplaceAllString(s, " ")
	var b strings.Builder
	at := 0
	for _, t := range wikitext.Templates(s) {
		b.WriteString(s[at:t.Start])
		b.WriteByte(' ')
		at = t.End
	}
	b.WriteString(s[at:])
	s = b.String()
	return boldItalic.ReplaceAllString(s, "")
}

// guessServices sets the services named in the title, the impact and the
// summary (the "Summary" section, or the text before the first heading),
// from the site's catalogue, with a warning to confirm them.
func (c *converter) guessServices(secs []section) {
	var summary string
	if s, ok := findSection(secs, "summary"); ok {
		summary = applyEdits(c.src, c.edits, s.headEnd, s.end)
	} else if len(secs) > 0 {
		summary = applyEdits(c.src, c.edits, 0, secs[0].headStart)
	} else {
		summary = applyEdits(c.src, c.edits, 0, len(c.src))
	}
	found := guessServices(c.site, c.r.Title, c.searchText(c.rawImpact), c.searchText(summary))
	if len(found) == 0 {
		return
	}
	c.r.Services = found
	c.r.ServicesGuessed = true
	c.warn("services", KindGuessed, fmt.Sprintf("services %s were guessed from the site's catalogue (named in the title, impact or summary); confirm them", strings.Join(found, ", ")))
}
