package repeats

import (
	"strings"

	"github.com/incidents-archive/incidents/generator/incident"
)

// FromIncidents makes the detection input from parsed reports.
func FromIncidents(ins []*incident.Incident) []Report {
	out := make([]Report, len(ins))
	for i, in := range ins {
		r := Report{
			ID:          in.ID,
			Start:       in.Start,
			Services:    in.Services,
			Causes:      in.Causes,
			Trigger:     in.Trigger,
			FailureMode: in.FailureMode,
			RepeatOf:    in.RepeatOf,
			Related:     in.Related,
			// The Markdown as written: the tokenizer skips its markup.
			Text: strings.Join([]string{in.Title, in.Impact, string(in.Body)}, "\n"),
		}
		if in.Task != "" {
			r.Tasks = append(r.Tasks, in.Task)
		}
		for _, a := range in.Actionables {
			if a.Task != "" {
				r.Tasks = append(r.Tasks, a.Task)
			}
		}
		out[i] = r
	}
	return out
}
