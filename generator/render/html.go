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

// actionTable writes the table of a report's action items. A column
// every row leaves empty (Task, when no item has a task) is left out; an
// owner that is one short token ("ml-team") is not broken at its hyphen.
func actionTable(rows []actionRow) template.HTML {
	tasks := false
	for _, a := range rows {
		tasks = tasks || a.Task != ""
	}
	var b htmlBuilder
	b.Grow(256 * (len(rows) + 1))
	b.raw("<div class=\"table-wrap\">\n<table class=\"actionables\">\n<thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Owner</th>")
	if tasks {
		b.raw(`<th scope="col">Task</th>`)
	}
	b.raw("<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n")
	b.raw(string(actionRowsWith(rows, tasks)))
	b.raw("</tbody>\n</table>\n</div>\n")
	return b.html()
}

// actionRows writes the rows of the action-item table, with every column.
func actionRows(rows []actionRow) template.HTML { return actionRowsWith(rows, true) }

// actionRowsWith writes the rows of the action-item table, with or
// without the Task column. TaskURL is built from site.yaml's task_url,
// which must be an http(s) address, and a validated task id.
func actionRowsWith(rows []actionRow, tasks bool) template.HTML {
	var b htmlBuilder
	b.Grow(256 * len(rows))
	for _, a := range rows {
		b.raw("<tr>\n  <td>")
		b.text(a.Title)
		b.raw("</td>\n  ")
		if a.Owner != "" {
			if isToken(a.Owner) {
				b.raw(`<td class="owner">`)
			} else {
				b.raw("<td>")
			}
			b.text(a.Owner)
		} else {
			b.raw(`<td><span class="warn">unassigned</span>`)
		}
		b.raw("</td>\n  ")
		if tasks {
			b.raw(`<td class="task">`)
			if a.TaskURL != "" {
				b.raw(`<a class="task" href="`)
				b.text(a.TaskURL)
				b.raw(`">`)
				b.text(a.Task)
				b.raw("</a>")
			} else {
				b.text(a.Task)
			}
			b.raw(string(a.TaskBadge))
			if a.Dates != "" {
				b.raw(`<br><span class="task-dates">`)
				b.text(a.Dates)
				b.raw("</span>")
			}
			b.raw("</td>\n  ")
		}
		b.raw("<td><span class=\"action action-")
		b.text(a.Status)
		b.raw(`">`)
		b.text(a.Status)
		b.raw("</span>")
		if a.Disagrees != "" {
			b.raw(`<br><span class="task-disagrees">`)
			b.text(a.Disagrees)
			b.raw("</span>")
		}
		b.raw("</td>\n</tr>\n")
	}
	return b.html()
}

// isToken reports whether s is one short word, such as a team's handle,
// that reads badly broken across lines.
func isToken(s string) bool {
	return len([]rune(s)) <= 24 && !strings.ContainsAny(s, " \t")
}
