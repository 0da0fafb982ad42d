package render

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/incidents-archive/incidents/generator/markdown"
)

// The lists on an incident page that grow with the report (its contents,
// its action items and its repeats, in repeats.go) are written here in Go rather than by the layouts:
// executing a template costs about a microsecond per action, and these
// lists were two fifths of an incident page's time. Layouts place them
// with {{.TOCItems}} and {{.ActionRows}}, and a layout that wants other
// markup can still range over .TOC and .In.Actionables itself.

// htmlBuilder writes HTML, escaping every piece of text it is given.
type htmlBuilder struct{ strings.Builder }

// raw writes markup.
func (b *htmlBuilder) raw(s string) { b.WriteString(s) }

// text writes s escaped for element content or a quoted attribute value.
func (b *htmlBuilder) text(s string) { b.WriteString(template.HTMLEscapeString(s)) }

func (b *htmlBuilder) html() template.HTML { return template.HTML(b.String()) }

// tocItems writes the list items of a report's table of contents: its
// headings, then the sections the layout adds after the body.
func tocItems(toc []markdown.Heading, actions, repeats, scorecard bool) template.HTML {
	var b htmlBuilder
	b.Grow(64 * (len(toc) + 2))
	for _, h := range toc {
		b.raw(`<li class="toc-`)
		b.raw(strconv.Itoa(h.Level))
		b.raw(`"><a href="#`)
		b.text(h.ID)
		b.raw(`">`)
		b.text(h.Text)
		b.raw("</a></li>\n")
	}
	if actions {
		b.raw(`<li class="toc-2"><a href="#action-items">Action items</a></li>` + "\n")
	}
	if repeats {
		b.raw(`<li class="toc-2"><a href="#repeats-h">Repeats</a></li>` + "\n")
	}
	if scorecard {
		b.raw(`<li class="toc-2"><a href="#scorecard">Scorecard</a></li>` + "\n")
	}
	return b.html()
}

// actionRows writes the rows of the action-item table. TaskURL is built
// from site.yaml's task_url, which must be an http(s) address, and a
// validated task id.
func actionRows(rows []actionRow) template.HTML {
	var b htmlBuilder
	b.Grow(256 * len(rows))
	for _, a := range rows {
		b.raw("<tr>\n  <td>")
		b.text(a.Title)
		b.raw("</td>\n  <td>")
		if a.Owner != "" {
			b.text(a.Owner)
		} else {
			b.raw(`<span class="warn">unassigned</span>`)
		}
		b.raw("</td>\n  <td>")
		if a.TaskURL != "" {
			b.raw(`<a class="task" href="`)
			b.text(a.TaskURL)
			b.raw(`">`)
			b.text(a.Task)
			b.raw("</a>")
		} else {
			b.text(a.Task)
		}
		b.raw("</td>\n  <td><span class=\"action action-")
		b.text(a.Status)
		b.raw(`">`)
		b.text(a.Status)
		b.raw("</span></td>\n</tr>\n")
	}
	return b.html()
}
