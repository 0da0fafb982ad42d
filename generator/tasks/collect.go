package tasks

import (
	"slices"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
)

// Referenced are the task ids the reports name, in their order (CompareIDs):
// each report's task, its action items' tasks, and the ids its prose
// names (prose(i), for ins[i]; nil for none).
func Referenced(ins []*incident.Incident, prose func(i int) []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for i, in := range ins {
		add(in.Task)
		for _, a := range in.Actionables {
			add(a.Task)
		}
		if prose != nil {
			for _, id := range prose(i) {
				add(id)
			}
		}
	}
	slices.SortFunc(out, CompareIDs)
	return out
}

// Offline is tasks.json as the reports alone tell it, for an archive
// without a tracker: each task is created when the first report naming it
// started, and is in the state the latest action item with it says (done
// is resolved, declined declined, anything else open; a task named only
// as a report's task or in prose is open). Closing times are not known.
func Offline(ins []*incident.Incident, prose func(i int) []string, now time.Time) *File {
	f := &File{Synced: now.UTC(), Tracker: "offline"}
	byID := map[string]int{}
	type said struct {
		at    time.Time
		state string
	}
	latest := map[string]said{}
	for _, id := range Referenced(ins, prose) {
		byID[id] = len(f.Tasks)
		f.Tasks = append(f.Tasks, Task{ID: id, State: Open})
	}
	note := func(id string, start time.Time, state string) {
		i, ok := byID[id]
		if !ok {
			return
		}
		t := &f.Tasks[i]
		if t.Created.IsZero() || start.Before(t.Created) {
			t.Created = start.UTC()
		}
		if state == "" {
			return
		}
		if l, ok := latest[id]; !ok || !start.Before(l.at) {
			latest[id] = said{start, state}
		}
	}
	for i, in := range ins {
		note(in.Task, in.Start, "")
		for _, a := range in.Actionables {
			switch a.Status {
			case "done":
				note(a.Task, in.Start, Resolved)
			case "declined":
				note(a.Task, in.Start, Declined)
			default:
				note(a.Task, in.Start, Open)
			}
		}
		if prose != nil {
			for _, id := range prose(i) {
				note(id, in.Start, "")
			}
		}
	}
	for id, l := range latest {
		f.Tasks[byID[id]].State = l.state
	}
	f.Sort()
	return f
}
