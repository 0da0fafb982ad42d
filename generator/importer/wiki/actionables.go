package wiki

import (
	"regexp"
	"strings"

	"github.com/incidents-archive/incidents/generator/importer"
)

// Action statuses, as the content model spells them.
const (
	actionOpen     = "open"
	actionDone     = "done"
	actionDeclined = "declined"
)

var (
	listItem     = regexp.MustCompile(`^[*#]+`)
	struckItem   = regexp.MustCompile(`(?is)^\s*<(s|del|strike)>(.*)</(?:s|del|strike)>\s*(.*)$`)
	doneMark     = regexp.MustCompile(`(?i)^\s*(?:\{\{\s*(?:done|tick|resolved|fixed|y|yes)\s*\}\}|✓|✔|✅|\[x\]|'''(?:done|resolved|fixed)'''|\((?:done|resolved|fixed)\)|(?:done|resolved|fixed|completed)\b)[\s:.)\-–—]*|\s*(?:\{\{\s*done\s*\}\}|\((?:done|resolved|fixed|completed)\)|\[(?:done|resolved|fixed|completed)\])\s*\.?\s*$`)
	declinedMark = regexp.MustCompile(`(?i)^\s*(?:\{\{\s*(?:declined|not ?done|wontfix|n)\s*\}\}|\((?:declined|won'?t ?fix)\)|(?:declined|won'?t ?fix|wontfix)\b)[\s:.)\-–—]*|\s*(?:\{\{\s*(?:declined|wontfix)\s*\}\}|\((?:declined|won'?t ?fix|wontfix)\))\s*\.?\s*$`)
	leadingTask  = regexp.MustCompile(`(?i)^\s*(?:\{\{\s*phab[^}]*\}\}|\[\[\s*phab:[^\]]*\]\]|\[https?://\S+/T\d+(?:\s[^\]]*)?\]|https?://\S+/T\d+|T\d+)\s*[:\-–—,]?\s*`)
	trailingTask = regexp.MustCompile(`(?i)\s*[-–—:,]?\s*[(\[]?\s*(?:task\s*)?(?:\{\{\s*phab[^}]*\}\}|\[\[\s*phab:[^\]]*\]\]|https?://\S+/T\d+|T\d+)\s*[)\]]?\s*\.?\s*$`)
)

// readActionables reads the top-level items of the "Actionables" section
// into the front matter: the title in plain text, the task the item
// names (T123, {{Phabricator|T123}}, a tracker link), and the status: done
// when the item is struck through (<s>, <del>) or marked done ("Done",
// "{{done}}", "(done)", ✓), declined when marked so, else open.
//
// The site lists a report's action items itself, so an item moved to the
// front matter leaves the body, and the section's heading goes too when
// nothing else is left in it. An item with sub-items stays in the body as
// well: the front matter keeps only its first line, and the sub-items
// are detail a reader needs.
func (c *converter) readActionables(secs []section) {
	sec, ok := findSection(secs, "actionables", "actionable", "action items", "action item", "follow up actions", "follow ups", "followups", "followup actions", "follow up")
	if !ok {
		return
	}
	type item struct {
		start, end int // the item's first line, with its line break
		text       string
		children   bool
	}
	var items []item
	for at := sec.headEnd; at < sec.end; {
		end := strings.IndexByte(c.src[at:sec.end], '\n')
		if end < 0 {
			end = sec.end
		} else {
			end += at + 1
		}
		line := strings.TrimRight(c.src[at:end], "\n")
		marker := listItem.FindString(line)
		switch {
		case marker == "*" || marker == "#":
			items = append(items, item{start: at, end: end, text: line[1:]})
		case marker != "" && len(items) > 0:
			// "**", "*#", "*:" or ":" after an item: its sub-items.
			items[len(items)-1].children = true
		}
		at = end
	}
	for _, it := range items {
		a, ok := c.actionable(it.text)
		if !ok {
			continue
		}
		c.r.Actionables = append(c.r.Actionables, a)
		if !it.children {
			c.edits = append(c.edits, edit{it.start, it.end, ""})
		}
	}
	c.emptied = append(c.emptied, sec)
}

// actionable reads one item's text; ok is false for an item with neither
// words nor a task.
func (c *converter) actionable(text string) (importer.Actionable, bool) {
	a := importer.Actionable{Status: actionOpen}
	if m := struckItem.FindStringSubmatch(text); m != nil {
		a.Status = actionDone
		text = m[2] + " " + m[3]
	}
	if loc := declinedMark.FindStringIndex(text); loc != nil && loc[1] > loc[0] {
		a.Status = actionDeclined
		text = text[:loc[0]] + " " + text[loc[1]:]
	} else if loc := doneMark.FindStringIndex(text); loc != nil && loc[1] > loc[0] {
		a.Status = actionDone
		text = text[:loc[0]] + " " + text[loc[1]:]
	}
	if tasks := tasksIn(text); len(tasks) > 0 {
		a.Task = tasks[0]
	}
	title := leadingTask.ReplaceAllString(text, "")
	title = trailingTask.ReplaceAllString(title, "")
	a.Title = truncateRunes(c.plain("actionables", title), maxTitleLen)
	if a.Title == "" {
		a.Title = a.Task
	}
	return a, a.Title != ""
}
