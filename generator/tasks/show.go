package tasks

import (
	"fmt"
	"time"
)

// dateLayout is how pages and warnings write a task's dates: the day, in
// UTC, as tasks.json holds it.
const dateLayout = "2006-01-02"

// Label is how pages show the task's state: "open", "resolved 2024-05-03"
// or "declined 2024-05-03" (without the date when the closing time is not
// known), or "unknown to the tracker". Class is the state, for the
// stylesheet.
func (t Task) Label() (label, class string) {
	switch t.State {
	case Open:
		return "open", Open
	case Resolved, Declined:
		if t.Closed.IsZero() {
			return t.State, t.State
		}
		return t.State + " " + t.Closed.UTC().Format(dateLayout), t.State
	}
	return "unknown to the tracker", Unknown
}

// Label is the label and class of the task with id (see Task.Label); ok
// is false without the file or when the file does not hold the task.
func (f *File) Label(id string) (label, class string, ok bool) {
	t := f.Find(id)
	if t == nil {
		return "", "", false
	}
	label, class = t.Label()
	return label, class, true
}

// Disagreement says how the tracker contradicts what a report says of an
// action item with status (open, done or declined) and task t: "" when
// they agree. A report saying open of a closed task, or done or declined
// of an open one, disagrees; done of a declined task does not (both are
// closed). An unknown task is not a disagreement: see Unknown.
func Disagreement(status string, t Task) string {
	switch {
	case t.State == Unknown:
		return ""
	case status == "open" && t.IsClosed():
		if t.Closed.IsZero() {
			return "the tracker says " + t.State
		}
		return fmt.Sprintf("the tracker says %s on %s", t.State, t.Closed.UTC().Format(dateLayout))
	case (status == "done" || status == "declined") && t.State == Open:
		return "the tracker says open"
	}
	return ""
}

// Dates says when the task was opened and closed and how long it has
// been, or was, open, as of now: "opened 2024-04-01, closed 2024-05-03
// after 32 days", "opened 2024-04-01, open for 12 days"; "" when the
// tracker gave no creation time (or, for a closed task, no closing time).
func (t Task) Dates(now time.Time) string {
	d, ok := t.Age(now)
	if !ok {
		return ""
	}
	opened := "opened " + t.Created.UTC().Format(dateLayout)
	if t.IsClosed() {
		return fmt.Sprintf("%s, %s %s after %s", opened, t.State, t.Closed.UTC().Format(dateLayout), days(d))
	}
	return fmt.Sprintf("%s, open for %s", opened, days(d))
}

// days writes d in whole days, or hours under a day.
func days(d time.Duration) string {
	switch n := int(d / (24 * time.Hour)); {
	case n == 1:
		return "1 day"
	case n > 1:
		return fmt.Sprintf("%d days", n)
	}
	switch h := int(d / time.Hour); h {
	case 1:
		return "1 hour"
	default:
		return fmt.Sprintf("%d hours", h)
	}
}
