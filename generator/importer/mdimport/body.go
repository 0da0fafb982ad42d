package mdimport

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/importer"
)

// What the body gives when the front matter does not: the title from the
// first heading, if it is of level 1, and labelled lines near the top
// (before the first other heading, within maxLabelLines lines): "Date:
// 2024-01-05", "**Start:** 10:00 UTC", "- Duration: 45 minutes". A
// labelled line that is read is removed from the body (its value is now
// in the front matter); one whose value is not understood stays where it
// is, with a warning. Only fields still missing are taken, so a labelled
// line never overrides the front matter.

// maxLabelLines bounds how far from the top labelled lines are looked for.
const maxLabelLines = 40

// labels maps the labels people write (lower case, without a trailing
// "(UTC)") to what they give.
var labels = map[string]string{
	"date": "date", "incident date": "date", "date of incident": "date", "day": "date",
	"start": "start", "started": "start", "start time": "start", "started at": "start", "start date": "start",
	"began": "start", "incident start": "start", "outage start": "start", "impact start": "start",
	"end": "end", "ended": "end", "end time": "end", "ended at": "end", "end date": "end",
	"resolved at": "end", "incident end": "end", "outage end": "end", "impact end": "end",
	"duration": "duration", "length": "duration", "total duration": "duration", "outage duration": "duration",
	"detected": "detected", "detected at": "detected", "detection time": "detected", "time detected": "detected",
	"impact":   "impact",
	"services": "services", "service": "services", "affected services": "services", "services affected": "services",
	"task": "task", "ticket": "task", "tracking task": "task",
	"responders":  "responders",
	"coordinator": "coordinators", "coordinators": "coordinators", "incident commander": "coordinators", "incident coordinator": "coordinators",
}

var (
	// labelLine is "Label: value", in a list item or not, with the label
	// (and perhaps the colon) in bold or italics.
	labelLine  = regexp.MustCompile(`^ {0,3}(?:[-*+]\s+|\d{1,2}[.)]\s+)?(\*\*|__|\*|_)?([A-Za-z][A-Za-z /-]{0,40}?)\s*(?:\(([A-Za-z]{2,5})\))?\s*(?:(?:\*\*|__|\*|_)\s*:|:\s*(?:\*\*|__|\*|_)?)\s*(.*?)\s*$`)
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextH1   = regexp.MustCompile(`^ {0,3}=+[ \t]*$`)
	setextH2   = regexp.MustCompile(`^ {0,3}-+[ \t]*$`)
	fenceOpen  = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// label is one labelled line found near the top.
type label struct {
	what  string // what it gives: "date", "start", a key of ours
	name  string // the label as written, for messages
	value string
	index int // index of the line in the body
	line  int // line in the file
	// more counts the lines after it that continue its paragraph (an
	// impact written over several lines); they go with it.
	more int
}

// fromBody takes what the body gives. firstLine is the file line the body
// begins on. The lines it takes are marked in c.drop; body returns what is
// left once the file name has been read too.
func (c *converter) fromBody(body string, firstLine int) {
	lines := strings.Split(body, "\n")
	c.lines, c.drop = lines, map[int]bool{}
	heading := headings(lines)

	// The title: the first heading, if it is of level 1. It is removed
	// when it gives the title, or repeats the one the front matter gave.
	first := -1
	if len(heading) > 0 && heading[0].level == 1 {
		h := heading[0]
		first = h.index
		switch title := headingText(h.text); {
		case title == "":
		case c.r.Title == "":
			if err := c.takeText("title", "the first heading", title); err == nil {
				c.dropLines(h.index, h.span)
			}
		case strings.EqualFold(collapseSpace(c.r.Title), title):
			c.dropLines(h.index, h.span)
		}
	}

	// Labelled lines: from the top (after the title) to the next heading.
	end := min(len(lines), maxLabelLines)
	for _, h := range heading {
		if h.index != first {
			end = min(end, h.index)
			break
		}
	}
	var found []label
	fenced := fencedLines(lines[:end])
	for i := 0; i < end; i++ {
		if c.drop[i] || fenced[i] {
			continue
		}
		if l, ok := parseLabel(lines[i]); ok {
			l.index, l.line = i, firstLine+i
			for j := i + 1; j < len(lines) && isContinuation(lines[j]); j++ {
				l.more++
			}
			found = append(found, l)
		}
	}
	c.takeLabels(found)
}

func (c *converter) dropLines(from, n int) {
	for i := from; i < from+n; i++ {
		c.drop[i] = true
	}
}

// body is the body without the lines taken into the front matter.
func (c *converter) body() string {
	var out []string
	for i, l := range c.lines {
		if !c.drop[i] {
			out = append(out, l)
		}
	}
	// A title or labels removed from the top leave blank lines there.
	return strings.TrimLeft(strings.Join(out, "\n"), "\n \t")
}

// maxLabelLen bounds the length of a labelled line; longer lines are
// prose, and are not matched at all.
const maxLabelLen = 300

// parseLabel reads a labelled line with a label we know.
func parseLabel(s string) (label, bool) {
	if len(s) > maxLabelLen || !strings.Contains(s, ":") {
		return label{}, false
	}
	m := labelLine.FindStringSubmatch(s)
	if m == nil {
		return label{}, false
	}
	name := strings.ToLower(collapseSpace(strings.ReplaceAll(m[2], "-", " ")))
	what, ok := labels[name]
	if !ok {
		return label{}, false
	}
	value := strings.TrimSpace(strings.TrimSuffix(m[4], `\`))
	value = strings.Trim(value, "`*_")
	value = strings.TrimSpace(value)
	if value == "" {
		return label{}, false
	}
	if zone := m[3]; zone != "" {
		// "Start (UTC): 10:00": the zone is the value's. Another zone
		// name makes the value ambiguous, as it would be written after it.
		value += " " + zone
	}
	return label{what: what, name: strings.TrimSpace(m[2]), value: value}, true
}

// takeLabels sets the fields the labels give that are still missing, and
// marks the lines it read to be dropped from the body. Times of day that
// need a date from the file name, and a duration that needs the start,
// wait in c.pending* for fromFileName.
func (c *converter) takeLabels(found []label) {
	var used []int
	by := map[string]label{}
	for _, l := range found {
		if _, dup := by[l.what]; !dup {
			by[l.what] = l // the first of each: a later one may be prose
		}
	}
	notUnderstood := func(l label, err error) {
		c.warn(l.name, kindNotUnderstood, "line %d: %v; the line is left in the body", l.line, err)
	}
	src := func(l label) string { return fmt.Sprintf("the %s: line (line %d)", l.name, l.line) }

	// The start: a full date-time, or a date and a time of day from
	// different lines (Date: and Start:), or a time of day on the date
	// the file name gives (taken later, in fromFileName).
	if c.r.Start.IsZero() {
		var day time.Time
		var dayLabel *label
		if l, ok := by["date"]; ok {
			if t, err := parseTime(l.value); err != nil {
				notUnderstood(l, err)
			} else {
				day, dayLabel = t, &l
			}
		}
		if l, ok := by["start"]; ok {
			if t, err := parseTime(l.value); err == nil {
				c.r.Start, c.from["start"] = t, src(l)
				used = append(used, l.index)
				if dayLabel != nil && sameDay(t, day) {
					used = append(used, dayLabel.index)
				}
				dayLabel = nil
			} else if d, ok := clockOnly(l.value); ok && dayLabel != nil {
				c.r.Start, c.from["start"] = day.Truncate(24*time.Hour).Add(d), src(*dayLabel)+" and "+src(l)
				used = append(used, l.index, dayLabel.index)
				dayLabel = nil
			} else if ok {
				c.pendingClock = &pendingClock{d: d, label: l}
			} else {
				notUnderstood(l, fmt.Errorf("%q is neither a date nor a time of day", l.value))
			}
		}
		if dayLabel != nil {
			c.r.Start, c.from["start"] = day, src(*dayLabel)
			used = append(used, dayLabel.index)
		}
	}

	// The end: a date-time, a time of day on the start's date, or the
	// start and a duration.
	if c.r.End.IsZero() {
		l, haveEnd := by["end"]
		if haveEnd {
			if t, err := parseTime(l.value); err == nil {
				c.r.End, c.from["end"] = t, src(l)
				c.origin["end"] = importer.Field{Name: l.name, Value: l.value}
				used = append(used, l.index)
			} else if d, ok := clockOnly(l.value); ok {
				c.pendingEnd = &pendingClock{d: d, label: l}
			} else {
				notUnderstood(l, err)
			}
		}
		if dl, ok := by["duration"]; ok && !haveEnd {
			if d, ok := parseDuration(dl.value); ok {
				c.pendingDuration = &pendingDuration{d: d, label: dl}
			} else {
				notUnderstood(dl, fmt.Errorf("%q is not a duration this importer reads (such as 45 minutes, 1h 30m or 1:30)", dl.value))
			}
		}
	}
	if l, ok := by["detected"]; ok && c.r.Detected.IsZero() {
		if t, err := parseTime(l.value); err == nil {
			c.r.Detected, c.from["detected"] = t, src(l)
			c.origin["detected"] = importer.Field{Name: l.name, Value: l.value}
			used = append(used, l.index)
		} else if d, ok := clockOnly(l.value); ok {
			c.pendingDetected = &pendingClock{d: d, label: l}
		} else {
			notUnderstood(l, err)
		}
	}

	// The other labels give keys of ours directly.
	for _, key := range []string{"impact", "task", "services", "responders", "coordinators"} {
		l, ok := by[key]
		if !ok || c.isSet(key) {
			continue
		}
		value := l.value
		if l.more > 0 {
			if key != "impact" {
				// A name or a task does not run on to another line:
				// this is prose that begins with a label.
				continue
			}
			value = strings.Join(append([]string{value}, c.lines[l.index+1:l.index+1+l.more]...), "\n")
		}
		items := []string{value}
		if key != "impact" && key != "task" {
			items = strings.Split(value, ",")
		}
		var err error
		for _, item := range items {
			if e := c.take(key, src(l), item); e != nil && err == nil {
				err = e
			}
		}
		if err != nil {
			notUnderstood(l, err)
			continue
		}
		for i := l.index; i <= l.index+l.more; i++ {
			used = append(used, i)
		}
	}
	for _, i := range used {
		c.drop[i] = true
	}
}

// isSet reports whether a key of ours already has a value.
func (c *converter) isSet(key string) bool {
	switch targets[key].kind {
	case kindList, kindTagList:
		return len(*c.listField(key)) > 0
	case kindText, kindEnum:
		return *c.textField(key) != ""
	}
	return false
}

// isContinuation reports whether a line continues the paragraph of the
// line before it: it is not blank, not a list item, a heading, a quote, a
// fence or another labelled line.
func isContinuation(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" || strings.ContainsAny(t[:1], "-*+#>|`~=") || listItem.MatchString(t) {
		return false
	}
	_, isLabel := parseLabel(l)
	return !isLabel
}

var listItem = regexp.MustCompile(`^\d{1,9}[.)](\s|$)`)

// pendingClock is a time of day from a labelled line, waiting for the
// date it belongs to.
type pendingClock struct {
	d     time.Duration
	label label
}

// pendingDuration is a duration from a labelled line, waiting for the
// start it counts from.
type pendingDuration struct {
	d     time.Duration
	label label
}

func sameDay(a, b time.Time) bool {
	return a.Truncate(24 * time.Hour).Equal(b.Truncate(24 * time.Hour))
}

// heading is one heading of the body.
type heading struct {
	level int
	text  string
	index int // the line it starts on
	span  int // lines it takes: 1, or 2 for a setext heading
}

// headings finds the headings outside fenced code.
func headings(lines []string) []heading {
	var out []heading
	fenced := fencedLines(lines)
	for i, l := range lines {
		if fenced[i] {
			continue
		}
		if !strings.HasPrefix(strings.TrimLeft(l, " "), "#") {
			// Not an ATX heading: skip the regular expression.
		} else if m := atxHeading.FindStringSubmatch(l); m != nil {
			out = append(out, heading{level: len(m[1]), text: m[2], index: i, span: 1})
			continue
		}
		if i+1 < len(lines) && strings.TrimSpace(l) != "" && !fenced[i+1] && (i == 0 || strings.TrimSpace(lines[i-1]) == "") {
			next := strings.TrimSpace(lines[i+1])
			switch {
			case next == "" || (next[0] != '=' && next[0] != '-'):
			case setextH1.MatchString(lines[i+1]):
				out = append(out, heading{level: 1, text: strings.TrimSpace(l), index: i, span: 2})
			case setextH2.MatchString(lines[i+1]) && !labelLine.MatchString(l):
				out = append(out, heading{level: 2, text: strings.TrimSpace(l), index: i, span: 2})
			}
		}
	}
	return out
}

// fencedLines marks the lines inside fenced code blocks, fences included.
func fencedLines(lines []string) []bool {
	out := make([]bool, len(lines))
	fence := ""
	for i, l := range lines {
		if fence != "" {
			out[i] = true
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if m := fenceOpen.FindStringSubmatch(l); m != nil {
			fence, out[i] = m[1], true
		}
	}
	return out
}

// headingText is a heading as a title: links as their text, without
// emphasis or code marks.
func headingText(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
	return collapseSpace(s)
}

// The file name: "2024-01-05-db-outage.md", "2024-01-05 db outage.md",
// "20240105-db-outage.md"; "index.md" and "README.md" take the name of
// their folder.
var (
	datedName   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[-_ .]+(.*))?$`)
	compactName = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:[-_ .]+(.*))?$`)
	opaqueName  = regexp.MustCompile(`(?i)^(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}|\d+)$`)
)

// nameParts splits a file path into the date and the name it gives.
func nameParts(p string) (day time.Time, name string) {
	p = strings.ReplaceAll(p, `\`, "/")
	base := path.Base(p)
	for _, ext := range []string{".markdown", ".mdown", ".md", ".txt"} {
		if strings.HasSuffix(strings.ToLower(base), ext) {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	if l := strings.ToLower(base); l == "index" || l == "_index" || l == "readme" {
		base = path.Base(path.Dir(p))
	}
	name = base
	for _, re := range []*regexp.Regexp{datedName, compactName} {
		if m := re.FindStringSubmatch(base); m != nil {
			if t, err := time.Parse(time.DateOnly, m[1]+"-"+m[2]+"-"+m[3]); err == nil && t.Year() >= 1970 && t.Year() <= 2200 {
				return t, m[4]
			}
		}
	}
	return time.Time{}, name
}

// fromFileName completes the start from the file name's date, and the
// times of day that waited for a date.
func (c *converter) fromFileName() {
	day, _ := nameParts(c.path)
	if c.r.Start.IsZero() && !day.IsZero() {
		if p := c.pendingClock; p != nil {
			c.r.Start, c.from["start"] = day.Add(p.d), fmt.Sprintf("the file name's date and the %s: line (line %d)", p.label.name, p.label.line)
			c.drop[p.label.index] = true
			c.pendingClock = nil
			c.warn("start", kindGuessed, "the date of the start (%s) comes from the file name, the time of day from line %d; check it", day.Format(time.DateOnly), p.label.line)
		} else {
			c.r.Start, c.from["start"] = day, "the file name"
			c.warn("start", kindGuessed, "the start (%s) comes from the file name, without a time of day; check it and add the time", day.Format(time.DateOnly))
		}
	}
	if p := c.pendingClock; p != nil {
		c.warn(p.label.name, kindNotUnderstood, "line %d: %q is a time of day, and no date was found to put it on; the line is left in the body", p.label.line, p.label.value)
	}
	if c.r.Start.IsZero() {
		for _, p := range []*pendingClock{c.pendingEnd, c.pendingDetected} {
			if p != nil {
				c.warn(p.label.name, kindNotUnderstood, "line %d: %q is a time of day, and no start date was found to put it on; the line is left in the body", p.label.line, p.label.value)
			}
		}
		if p := c.pendingDuration; p != nil {
			c.warn(p.label.name, kindNotUnderstood, "line %d: a duration needs a start to count from, and none was found; the line is left in the body", p.label.line)
		}
		return
	}
	startDay := c.r.Start.Truncate(24 * time.Hour)
	if p := c.pendingEnd; p != nil {
		end := startDay.Add(p.d)
		if end.Before(c.r.Start) {
			end = end.Add(24 * time.Hour)
			c.warn("end", kindGuessed, "line %d: the end %q is earlier in the day than the start; taken to be the next day, %s", p.label.line, p.label.value, end.Format(time.DateOnly))
		}
		c.r.End, c.from["end"] = end, fmt.Sprintf("the %s: line (line %d)", p.label.name, p.label.line)
		c.drop[p.label.index] = true
	}
	if p := c.pendingDuration; p != nil && c.r.End.IsZero() {
		c.r.End, c.from["end"] = c.r.Start.Add(p.d), fmt.Sprintf("the start and the %s: line (line %d)", p.label.name, p.label.line)
		c.drop[p.label.index] = true
	}
	if p := c.pendingDetected; p != nil {
		det := startDay.Add(p.d)
		if det.Before(c.r.Start) {
			det = det.Add(24 * time.Hour)
		}
		c.r.Detected, c.from["detected"] = det, fmt.Sprintf("the %s: line (line %d)", p.label.name, p.label.line)
		c.drop[p.label.index] = true
	}
}
