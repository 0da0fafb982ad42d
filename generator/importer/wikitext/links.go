package wikitext

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// interwiki are the link prefixes of Wikimedia wikis that reports use,
// and where they lead. "wikitech" leads to Options.WikiURL.
var interwiki = map[string]string{
	"phab": "https://phabricator.wikimedia.org/", "phabricator": "https://phabricator.wikimedia.org/",
	"wikipedia": "https://en.wikipedia.org/wiki/", "w": "https://en.wikipedia.org/wiki/", "en": "https://en.wikipedia.org/wiki/",
	"mw": "https://www.mediawiki.org/wiki/", "mediawikiwiki": "https://www.mediawiki.org/wiki/",
	"meta": "https://meta.wikimedia.org/wiki/", "m": "https://meta.wikimedia.org/wiki/",
	"commons":  "https://commons.wikimedia.org/wiki/",
	"wikidata": "https://www.wikidata.org/wiki/", "d": "https://www.wikidata.org/wiki/",
	"foundation": "https://foundation.wikimedia.org/wiki/", "wmf": "https://foundation.wikimedia.org/wiki/",
	"wikt": "https://en.wiktionary.org/wiki/", "wiktionary": "https://en.wiktionary.org/wiki/",
	"gerrit":   "https://gerrit.wikimedia.org/r/",
	"gitlab":   "https://gitlab.wikimedia.org/",
	"wikitech": "",
}

// wikiInterwiki are the interwiki prefixes whose targets are page titles
// (escaped as titles), as opposed to paths (phab, gerrit, gitlab).
var pathInterwiki = map[string]bool{"phab": true, "phabricator": true, "gerrit": true, "gitlab": true}

var (
	taskID   = regexp.MustCompile(`^[Tt]?(\d{1,9})$`)
	langCode = regexp.MustCompile(`^[a-z]{2,3}(?:-[a-z]+)?$`)
)

// internalLink converts "[[inner]]" and its trail.
func (c *converter) internalLink(inner, trail string, x ictx) string {
	target, label, hasLabel := splitPipe(inner)
	target = trim(html.UnescapeString(stripComments(target)))
	colon := strings.HasPrefix(target, ":")
	target = trim(strings.TrimPrefix(target, ":"))
	ns, rest := "", target
	if k := strings.IndexByte(target, ':'); k > 0 {
		ns, rest = strings.ToLower(trim(target[:k])), trim(target[k+1:])
	}
	if !colon {
		switch ns {
		case "file", "image", "media":
			return c.image(rest, label, x)
		case "category":
			return trail
		}
	}
	text := func(fallback string) string {
		if hasLabel && trim(label) != "" {
			return c.inline(label, ictx{noLinks: true, cell: true, plain: x.plain}) + trail
		}
		if x.plain {
			return fallback + trail
		}
		return escapeText(fallback) + trail
	}
	if base, ok := interwiki[ns]; ok {
		if ns == "phab" || ns == "phabricator" {
			if m := taskID.FindStringSubmatch(rest); m != nil && (rest[0] == 'T' || rest[0] == 't') {
				return withTask(c.plain(label), text(""), "T"+m[1])
			}
		}
		if base == "" { // this wiki
			return c.pageLink(rest, text, x)
		}
		page := rest
		if !pathInterwiki[ns] {
			if k := strings.IndexByte(rest, ':'); k > 0 && langCode.MatchString(rest[:k]) && strings.Contains(base, "en.") {
				base = strings.Replace(base, "en.", rest[:k]+".", 1)
				page = trim(rest[k+1:])
			}
			page = titleURL(page)
		}
		out := text(rest)
		if x.plain || x.noLinks {
			return out
		}
		return "[" + out + "](" + destination(base+page) + ")"
	}
	return c.pageLink(target, text, x)
}

// pageLink links a page of this wiki: an imported report by its id, a
// section of this page by its anchor, any other page by its URL.
func (c *converter) pageLink(target string, text func(string) string, x ictx) string {
	title, frag, _ := strings.Cut(target, "#")
	title = normalizeTitle(title)
	if title == "" {
		if frag == "" {
			return text("")
		}
		out := text(trim(frag))
		if x.plain || x.noLinks {
			return out
		}
		return "[" + out + "](#" + destination(slug(frag)) + ")"
	}
	if c.opt.Incident != nil {
		if id, ok := c.opt.Incident(title); ok {
			shown := text("")
			if x.plain {
				return withID(shown, id, title)
			}
			return withID(shown, escapeText(id), title)
		}
	}
	shown := text(target)
	if x.plain || x.noLinks {
		return shown
	}
	if c.opt.WikiURL == "" {
		c.warn("link", "links to wiki pages were kept as text: no wiki URL was given")
		return shown
	}
	u := c.wikiURL + titleURL(title)
	if frag != "" {
		u += "#" + fragmentURL(frag)
	}
	return "[" + shown + "](" + destination(u) + ")"
}

// withID writes a link to a report as its id, the text the link showed
// before it when that is more than the title or the id.
func withID(shown, id, title string) string {
	s := trim(shown)
	if s == "" || s == id || strings.EqualFold(normalizeTitle(s), title) || strings.HasSuffix(title, "/"+s) {
		return id
	}
	return s + " (" + id + ")"
}

// withTask writes a link to a task as its id, the text the link showed
// before it when that is more than the id.
func withTask(plainLabel, shown, task string) string {
	s := trim(plainLabel)
	if s == "" || strings.EqualFold(s, task) || strings.EqualFold(s, "phab:"+task) {
		return task
	}
	return trim(shown) + " (" + task + ")"
}

// normalizeTitle writes a page title as MediaWiki resolves it.
func normalizeTitle(t string) string {
	return upperFirst(strings.Join(strings.Fields(strings.ReplaceAll(t, "_", " ")), " "))
}

// splitPipe splits a link's inside at its first "|" outside nested links
// and calls.
func splitPipe(s string) (target, label string, ok bool) {
	parts := splitTop(s, 2)
	if len(parts) == 1 {
		return s, "", false
	}
	return parts[0], parts[1], true
}

// splitTop splits s at the "|" outside nested links, calls and opaque
// regions, into at most n parts (all of them for n < 0).
func splitTop(s string, n int) []string {
	spans := scanBraces(s).spans
	var parts []string
	from, depth, k := 0, 0, 0
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
		case s[i] == '|' && depth == 0 && (n < 0 || len(parts) < n-1):
			parts = append(parts, s[from:i])
			from = i + 1
			i++
		default:
			i++
		}
	}
	return append(parts, s[from:])
}

var imageOption = regexp.MustCompile(`(?i)^(?:thumb|thumbnail|frame|framed|frameless|border|left|right|center|centre|none|baseline|sub|super|top|text-top|middle|bottom|text-bottom|upright|loop|muted|\d*x?\d+\s*px|(?:upright|link|alt|page|class|lang|thumbtime|start|end)\s*=.*)$`)

// image converts "[[File:name|options|caption]]" into a link to the file's
// page, its text the caption.
func (c *converter) image(name, params string, x ictx) string {
	caption, alt := "", ""
	if params != "" {
		for _, p := range splitTop(params, -1) {
			p = trim(p)
			if strings.HasPrefix(strings.ToLower(p), "alt=") {
				alt = trim(p[4:])
			}
			if p != "" && !imageOption.MatchString(p) {
				caption = p
			}
		}
	}
	if caption == "" {
		caption = alt
	}
	shown := ""
	if caption != "" {
		shown = c.inline(caption, ictx{noLinks: true, cell: true, plain: x.plain})
	}
	if trim(shown) == "" {
		shown = normalizeTitle(name)
		if !x.plain {
			shown = escapeText(shown)
		}
	}
	shown = "Image: " + trim(shown)
	if x.plain || x.noLinks {
		return shown
	}
	if c.opt.WikiURL == "" {
		c.warn("link", "links to wiki pages were kept as text: no wiki URL was given")
		return shown
	}
	return "[" + shown + "](" + destination(c.wikiURL+"File:"+titleURL(name)) + ")"
}

// externalLink converts "[url label]".
func (c *converter) externalLink(u, label string, x ictx) string {
	label = trim(label)
	if m := taskURL.FindStringSubmatch(u); m != nil {
		return withTask(c.plain(label), c.inline(label, ictx{noLinks: true, cell: true, plain: x.plain}), m[1])
	}
	shown := ""
	if label != "" {
		shown = trim(c.inline(label, ictx{noLinks: true, cell: true, plain: x.plain}))
	}
	if x.plain || x.noLinks {
		if shown != "" {
			return shown
		}
		if x.plain {
			return u
		}
		return escapeText(u)
	}
	if strings.HasPrefix(u, "//") {
		u = "https:" + u
	}
	if shown == "" {
		return "<" + destination(u) + ">"
	}
	return "[" + shown + "](" + destination(u) + ")"
}

// bareLink converts a URL written in prose.
func (c *converter) bareLink(u string, x ictx) string {
	if m := taskURL.FindStringSubmatch(u); m != nil {
		return m[1]
	}
	if x.plain {
		return u
	}
	if x.noLinks {
		return escapeText(u)
	}
	return "<" + destination(u) + ">"
}

// template converts a template call; isText says that out is prose to
// escape with the text around it, not Markdown.
func (c *converter) template(t Template, raw string, x ictx) (out string, isText bool) {
	name := strings.ToLower(t.Name)
	switch {
	case name == "!":
		return "|", true
	case name == "=":
		return "=", true
	case dropped[name] || strings.HasPrefix(name, "irdoc"):
		return "", true
	case name == "phabricator" || name == "phab" || name == "phabt" || name == "task" || name == "tracked" || name == "ptask":
		var tasks []string
		for _, p := range t.Params {
			if m := taskID.FindStringSubmatch(p.Value); m != nil && p.Name[0] >= '0' && p.Name[0] <= '9' {
				tasks = append(tasks, "T"+m[1])
				if name == "tracked" {
					break
				}
			}
		}
		if len(tasks) > 0 {
			return strings.Join(tasks, ", "), true
		}
	case name == "gerrit":
		if v, ok := t.Param("1"); ok && trim(v) != "" {
			v = trim(c.plain(v))
			u := "https://gerrit.wikimedia.org/r/" + pathEscape(v)
			if strings.HasPrefix(v, "I") {
				u = "https://gerrit.wikimedia.org/r/q/" + pathEscape(v)
			}
			if x.plain || x.noLinks {
				return "Gerrit change " + v, true
			}
			return "[Gerrit change " + escapeText(v) + "](" + destination(u) + ")", false
		}
	case words[name] != "":
		return words[name], true
	}
	if !x.plain {
		c.warn("template", fmt.Sprintf("template {{%s}} has no Markdown form and was kept as code", t.Name))
		return codeSpan(raw, x.cell), false
	}
	return strings.Join(strings.Fields(raw), " "), true
}

// dropped are templates that draw page furniture, not content: tables of
// contents, float clearing, the reference list (footnotes end the page),
// and the report status banner (irdoc*: package wiki reads the status).
var dropped = map[string]bool{
	"toc": true, "notoc": true, "toc right": true, "toc left": true, "toclimit": true,
	"clear": true, "clr": true, "-": true, "reflist": true, "references": true,
}

// words are templates that stand for a word or a mark.
var words = map[string]string{
	"done": "Done", "yes": "Yes", "no": "No", "n/a": "N/A", "na": "N/A",
	"tick": "✓", "y": "✓", "check": "✓", "checkmark": "✓",
	"cross": "✗", "x": "✗", "n": "✗", "xmark": "✗",
	"nbsp": "\u00a0", "ndash": "–", "mdash": "—", "·": "·", "dot": "·",
}

var refName = regexp.MustCompile(`(?i)\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s/>"']+))`)

// maxNotes bounds the footnotes of one document, within the renderer's
// limit on footnote references and definitions (markdown.MaxFootnotes):
// a reference past it is written in the text instead.
const maxNotes = 400

// note is one footnote.
type note struct {
	text    string
	defined bool
}

// ref converts a <ref> into a footnote reference.
func (c *converter) ref(attrs, content string, selfClosing bool) string {
	name := ""
	if m := refName.FindStringSubmatch(attrs); m != nil {
		name = trim(m[1] + m[2] + m[3])
	}
	n, ok := -1, false
	if name != "" {
		n, ok = c.noteByName[name]
	}
	if !ok {
		if len(c.notes) >= maxNotes || c.refMarks >= 2*maxNotes {
			c.warn("footnote", fmt.Sprintf("more than %d references: the rest were written in the text", maxNotes))
			if selfClosing {
				return ""
			}
			return " (" + c.inline(content, ictx{cell: true}) + ")"
		}
		n = len(c.notes)
		c.notes = append(c.notes, note{})
		if name != "" {
			c.noteByName[name] = n
		}
	}
	if !selfClosing && !c.notes[n].defined {
		c.notes[n].defined = true
		c.notes[n].text = trim(c.inline(content, ictx{cell: true}))
	}
	if c.refMarks >= 2*maxNotes {
		return ""
	}
	c.refMarks++
	return fmt.Sprintf("[^%d]", n+1)
}

// listDefinedRefs reads the <ref name=…> definitions inside <references>.
func (c *converter) listDefinedRefs(s string) {
	for _, sp := range scanBraces(s).spans {
		name, selfClosing, end := tagAt(s, sp[0])
		if name != "ref" || selfClosing || end < 0 {
			continue
		}
		body := s[end:sp[1]]
		if k := strings.LastIndex(body, "</"); k >= 0 {
			body = body[:k]
		}
		m := refName.FindStringSubmatch(s[sp[0]:end])
		if m == nil {
			continue
		}
		key := trim(m[1] + m[2] + m[3])
		if n, ok := c.noteByName[key]; ok && !c.notes[n].defined {
			c.notes[n].defined = true
			c.notes[n].text = trim(c.inline(body, ictx{cell: true}))
		}
	}
}

// footnotes writes the footnote definitions.
func (c *converter) footnotes() string {
	var b strings.Builder
	for i, n := range c.notes {
		text := n.text
		if !n.defined || text == "" {
			text = "(the source gives no text for this reference)"
			c.warn("footnote", "a reference has no text in the source")
		}
		fmt.Fprintf(&b, "[^%d]: %s\n", i+1, strings.ReplaceAll(text, brMark, " "))
	}
	return b.String()
}
