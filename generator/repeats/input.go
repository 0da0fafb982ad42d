package repeats

import (
	"slices"

	"github.com/incidents-archive/incidents/generator/incident"
)

// FromIncident makes the detection input of a parsed report, given its
// body as plain text (the Summary section and the rest, as package
// markdown gives them), what it quotes as code, and the task ids its
// prose names. Its text is the title, the impact and those.
func FromIncident(in *incident.Incident, summary, body string, quoted, proseTasks []string) Report {
	r := Report{
		ID:          in.ID,
		Start:       in.Start,
		Services:    in.Services,
		Causes:      in.Causes,
		Trigger:     in.Trigger,
		FailureMode: in.FailureMode,
		RepeatOf:    in.RepeatOf,
		Related:     in.Related,
		Text:        []string{in.Title, in.Impact, summary, body},
		Quoted:      quoted,
	}
	if in.Task != "" {
		r.Tasks = append(r.Tasks, in.Task)
	}
	for _, a := range in.Actionables {
		if a.Task != "" {
			r.Tasks = append(r.Tasks, a.Task)
		}
	}
	for _, t := range proseTasks {
		if !slices.Contains(r.Tasks, t) {
			r.Tasks = append(r.Tasks, t)
		}
	}
	return r
}
