package analysis

import (
	"fmt"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// Config holds the thresholds of the computed scorecard answers. Start from
// DefaultConfig.
type Config struct {
	// FewPaged is the most people paged that still counts as few: the
	// default rubric asks "were fewer than five people paged?".
	FewPaged int64
	// Previous is how many of the incidents just before a report
	// responders_differ compares its responders with.
	Previous int
	// Tasks is what the tracker last said of the tasks the reports name
	// (content/tasks.json), nil without it. With it, task_queue_clear and
	// the recurrence chains' action items go by the tasks' dates.
	Tasks *tasks.File
}

// DefaultConfig follows the questions of the default rubric.
func DefaultConfig() Config { return Config{FewPaged: 4, Previous: 5} }

// The scorecard questions the archive can answer from what it holds.
const (
	NotARepeat          = "not_a_repeat"
	RespondersDiffer    = "responders_differ"
	FewPaged            = "few_paged"
	TaskExists          = "task_exists"
	ActionablesAssigned = "actionables_assigned"
	TaskQueueClear      = "task_queue_clear"
)

// Computable lists the rubric keys that Checks can answer, in the order of
// the default rubric.
var Computable = []string{RespondersDiffer, FewPaged, TaskExists, ActionablesAssigned, NotARepeat, TaskQueueClear}

// Check is the archive's answer to one scorecard question of one report,
// beside the report's own.
type Check struct {
	Key string
	// Computed is the archive's answer, yes or no.
	Computed string
	// Rule explains Computed in words that are the same for every report
	// with this answer (see Config.Rule); Detail gives this report's facts.
	Rule, Detail string
	// Reported is the report's own answer: yes, no, n/a or "" (none).
	Reported string
	// Disagrees is set when the report answered yes or no, and not what
	// the archive computed.
	Disagrees bool
}

// Rule says how the archive arrives at answer for the question key; "" for
// an answer it never computes.
func (c Config) Rule(key, answer string) string {
	yes := answer == incident.Yes
	switch key {
	case NotARepeat:
		if yes {
			return "Repeat detection found no likely repeat among the earlier reports."
		}
		return "Repeat detection found a likely repeat of an earlier report (see Possible repeat of)."
	case RespondersDiffer:
		if yes {
			return fmt.Sprintf("Fewer than half of the responders responded to any of the %d incidents before this one.", c.Previous)
		}
		return fmt.Sprintf("Half or more of the responders also responded to one of the %d incidents before this one.", c.Previous)
	case FewPaged:
		if yes {
			return fmt.Sprintf("%d or fewer people were paged; the archive counts at most %d as few.", c.FewPaged, c.FewPaged)
		}
		return fmt.Sprintf("More than %d people were paged; the archive counts at most %d as few.", c.FewPaged, c.FewPaged)
	case TaskExists:
		if yes {
			return "The report names a task."
		}
		return "The report names no task."
	case ActionablesAssigned:
		if yes {
			return "Every action item has an owner."
		}
		return "At least one action item has no owner."
	case TaskQueueClear:
		if c.Tasks != nil {
			if yes {
				return "Every action item of the earlier reports this one likely repeats whose task the tracker knows was closed before this began, or opened after; none of the others is still open."
			}
			return "An earlier report that this one likely repeats had an action item open when this began: by the tracker's dates, or, for an item whose task the tracker does not know, still open now."
		}
		if yes {
			return ""
		}
		return "An earlier report that this one likely repeats still has open action items."
	}
	return ""
}

// Checks returns the archive's answers to the questions of rubric (keys, in
// order) that it can answer for in, with in's own answers beside them.
// Questions the archive cannot answer for this report are left out: a
// report without responders, a paged count or action items, and
// task_queue_clear unless it is "no".
func (x *Index) Checks(in *incident.Incident, rubric []string) []Check {
	var out []Check
	for _, key := range rubric {
		answer, detail := x.compute(in, key)
		if answer == "" {
			continue
		}
		c := Check{Key: key, Computed: answer, Rule: x.cfg.Rule(key, answer), Detail: detail}
		if a, ok := in.Answer(key); ok {
			c.Reported = a.Answer
		}
		c.Disagrees = (c.Reported == incident.Yes || c.Reported == incident.No) && c.Reported != c.Computed
		out = append(out, c)
	}
	return out
}

// Disagreements counts the checks whose answers disagree.
func Disagreements(checks []Check) int {
	n := 0
	for _, c := range checks {
		if c.Disagrees {
			n++
		}
	}
	return n
}

func yesNo(b bool) string {
	if b {
		return incident.Yes
	}
	return incident.No
}

// compute answers one question; "" when the archive cannot tell.
func (x *Index) compute(in *incident.Incident, key string) (answer, detail string) {
	switch key {
	case NotARepeat:
		likely := x.Likely(in)
		if len(likely) == 0 {
			return incident.Yes, "no likely repeat detected"
		}
		parts := make([]string, len(likely))
		for i, c := range likely {
			parts[i] = fmt.Sprintf("%s (score %.2f)", c.ID, c.Score)
		}
		return incident.No, "likely repeat of " + strings.Join(parts, ", ")
	case RespondersDiffer:
		return x.respondersDiffer(in)
	case FewPaged:
		if in.Paged == nil {
			return "", ""
		}
		return yesNo(*in.Paged <= x.cfg.FewPaged), plural.Count(int(*in.Paged), "person") + " paged"
	case TaskExists:
		if in.Task == "" {
			return incident.No, "no task recorded"
		}
		return incident.Yes, "task " + in.Task
	case ActionablesAssigned:
		if len(in.Actionables) == 0 {
			return "", ""
		}
		missing := 0
		for _, a := range in.Actionables {
			if strings.TrimSpace(a.Owner) == "" {
				missing++
			}
		}
		if missing == 0 {
			if len(in.Actionables) == 1 {
				return incident.Yes, "the one action item has an owner"
			}
			return incident.Yes, allHaveOwners(len(in.Actionables))
		}
		return incident.No, fmt.Sprintf("%d of %s %s no owner", missing, plural.Count(len(in.Actionables), "action item"), hasHave(missing))
	case TaskQueueClear:
		return x.taskQueueClear(in)
	}
	return "", ""
}

// taskQueueClear answers task_queue_clear: no when an earlier report that
// in likely repeats had an action item open when in began. An item whose
// task the tracker knows goes by the task's dates (tasks.Task.OpenAt);
// any other goes by its status, and then only an item still open says
// anything. Yes needs at least one item the tracker knows, and all of
// them closed by then (or opened after).
func (x *Index) taskQueueClear(in *incident.Incident) (string, string) {
	var open, closed []string
	for _, c := range x.Likely(in) {
		k := x.byID[c.ID]
		e := x.incidents[k]
		for j, a := range e.Actionables {
			it, wasOpen := x.item(k, j, in.Start)
			name := ItemName(a) + " of " + e.ID
			if it.Tracked != nil {
				name += " (" + TaskDates(*it.Tracked, in.Start) + ")"
			}
			switch {
			case wasOpen:
				open = append(open, name)
			case it.Tracked != nil:
				closed = append(closed, name)
			}
		}
	}
	switch {
	case len(open) > 0:
		return incident.No, "still open: " + strings.Join(open, ", ")
	case len(closed) > 0:
		return incident.Yes, "none open when this began: " + strings.Join(closed, ", ")
	}
	return "", ""
}

// TaskDates says when task t was opened and closed, measured against the
// start of a later report, at: "opened 2024-03-02, still open", "closed
// 2024-05-20", "opened 2024-03-02, closed 2024-06-03, after this began",
// "opened 2024-07-01, after this began". Dates are UTC days.
func TaskDates(t tasks.Task, at time.Time) string {
	var parts []string
	if !t.Created.IsZero() {
		opened := "opened " + day(t.Created)
		if !t.Created.Before(at) {
			return opened + ", after this began"
		}
		parts = append(parts, opened)
	}
	switch {
	case !t.IsClosed():
		parts = append(parts, "still open")
	case t.Closed.After(at):
		parts = append(parts, "closed "+day(t.Closed)+", after this began")
	default:
		parts = append(parts, "closed "+day(t.Closed))
	}
	return strings.Join(parts, ", ")
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// respondersDiffer compares in's responders with those of the incidents
// just before it. It cannot tell when in records no responders, or none of
// those incidents does. Names are compared without case or surrounding
// space. It runs for every incident page, so it works on the lists as they
// are rather than building sets.
func (x *Index) respondersDiffer(in *incident.Incident) (string, string) {
	var mine []string // distinct names
	for _, r := range in.Responders {
		if r = strings.TrimSpace(r); r != "" && !containsName(mine, r) {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		return "", ""
	}
	prev := x.previous(in, x.cfg.Previous)
	recorded := false
	for _, p := range prev {
		recorded = recorded || len(p.Responders) > 0
	}
	if !recorded {
		return "", ""
	}
	var again []string
	for _, r := range mine {
		for _, p := range prev {
			if containsName(p.Responders, r) {
				again = append(again, r)
				break
			}
		}
	}
	detail := fmt.Sprintf("%d of %s also responded to one of the %d incidents before", len(again), plural.Count(len(mine), "responder"), len(prev))
	if len(again) > 0 {
		detail += " (" + strings.Join(again, ", ") + ")"
	}
	return yesNo(2*len(again) < len(mine)), detail
}

func containsName(list []string, name string) bool {
	for _, n := range list {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			return true
		}
	}
	return false
}

// ItemName names an action item by its task, or else its title.
func ItemName(a incident.Actionable) string {
	if a.Task != "" {
		return a.Task
	}
	return "“" + a.Title + "”"
}

// allHaveOwners says that the n action items of a report have an owner.
func allHaveOwners(n int) string {
	if n == 1 {
		return "its one action item has an owner"
	}
	return fmt.Sprintf("all %d action items have an owner", n)
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
