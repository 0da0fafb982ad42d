package lint

import (
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// TestTrackedTasks: with tasks.json, an action item's status that the
// tracker contradicts is a warning at its status field, and so is a task
// the tracker does not know, at its task field; agreement, tasks the file
// does not hold and an archive without the file are silent.
func TestTrackedTasks(t *testing.T) {
	closed := time.Date(2024, 5, 3, 12, 0, 0, 0, time.UTC)
	file := &tasks.File{Tasks: []tasks.Task{
		{ID: "T1", State: tasks.Open},
		{ID: "T2", State: tasks.Resolved, Closed: closed},
		{ID: "T3", State: tasks.Declined, Closed: closed},
		{ID: "T4", State: tasks.Unknown},
	}}
	tests := []struct {
		name  string
		task  string // the report's task
		items string
		file  *tasks.File
		want  []string
	}{
		{name: "agreeing", task: "T2", file: file,
			items: "  - {title: A, task: T1, owner: o, status: open}\n  - {title: B, task: T2, owner: o, status: done}\n  - {title: C, task: T3, owner: o, status: done}\n  - {title: D, task: T9, owner: o, status: open}\n  - {title: E, owner: o, status: open}\n"},
		{name: "open here, closed there", file: file,
			items: "  - {title: A, task: T1, owner: o}\n  - {title: B, task: T2, owner: o, status: open}\n  - {title: C, task: T3, owner: o}\n",
			want: []string{
				`r.md:8: warning: actionables[2].status: the report says open, but for T2 the tracker says resolved on 2024-05-03; update the status`,
				`r.md:9: warning: actionables[3].status: the report says open, but for T3 the tracker says declined on 2024-05-03; update the status`,
			}},
		{name: "closed here, open there", file: file,
			items: "  - {title: A, task: T1, owner: o, status: done}\n  - {title: B, task: T1, owner: o, status: declined}\n",
			want: []string{
				`r.md:7: warning: actionables[1].status: the report says done, but for T1 the tracker says open; update the status`,
				`r.md:8: warning: actionables[2].status: the report says declined, but for T1 the tracker says open; update the status`,
			}},
		{name: "unknown to the tracker", task: "T4", file: file,
			items: "  - {title: A, task: T4, owner: o, status: open}\n",
			want: []string{
				`r.md:4: warning: task: T4 is unknown to the tracker; check the id`,
				`r.md:7: warning: actionables[1].task: T4 is unknown to the tracker; check the id`,
			}},
		{name: "without tasks.json", task: "T4",
			items: "  - {title: A, task: T4, owner: o, status: open}\n  - {title: B, task: T2, owner: o, status: open}\n"},
	}
	for _, tt := range tests {
		var diags diag.List
		site := siteconfig.Parse("site.yaml", nil, &diags)
		src := "---\nid: 2024-01-01 r\ntitle: R\n"
		if tt.task != "" {
			src += "task: " + tt.task + "\n"
		} else {
			src += "impact: none\n"
		}
		src += "start: 2024-01-01\nactionables:\n" + tt.items + "---\n"
		in := incident.Parse("r.md", []byte(src), site, &diags)
		if in == nil || diags.Len() > 0 {
			t.Fatalf("%s: %v", tt.name, diags.All())
		}
		New(site, nil).WithTasks(tt.file).Report(in, &diags)
		var got []string
		for _, d := range diags.All() {
			got = append(got, d.String())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}
