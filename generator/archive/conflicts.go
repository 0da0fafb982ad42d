package archive

import (
	"slices"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
)

// IDConflicts returns the errors the build would give about the id of
// in, a report not yet in the archive, were it added after reports: its
// id is already used, or it gives the permalink of another report. It
// applies the build's own rule (checkIDs), so that 'incidents new' can
// refuse a report the next build would refuse. reports should hold every
// report, drafts included (Load with Options.Drafts), because drafts
// keep their ids too.
func IDConflicts(reports []*incident.Incident, in *incident.Incident) []diag.Diagnostic {
	var diags diag.List
	(&Archive{}).checkIDs(append(slices.Clip(reports), in), &diags)
	var out []diag.Diagnostic
	for _, d := range diags.All() {
		if d.Path == in.Path && d.Field == "id" && d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}
