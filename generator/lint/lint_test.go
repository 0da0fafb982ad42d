package lint

import (
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

const catalogue = `
services:
  mediawiki-api: {aliases: [mw-api]}
  parsoid: {}
`

// earlier is a report before the one under test, with an open action item.
const earlier = "---\nid: 2026-01-01 old\ntitle: Old\nstart: 2026-01-01\nservices: [parsoid]\nactionables:\n  - {title: Add a limit, task: T5, status: open}\n---\n"

func TestReport(t *testing.T) {
	tests := []struct {
		name   string
		site   string // site.yaml; empty for the defaults
		report string // the front matter's lines between id/title/start and the closing ---, then the body
		body   string
		likely bool // repeat detection found the earlier report a likely repeat
		want   []string
	}{
		{name: "a finished report has nothing to say", site: catalogue,
			report: "services: [mw-api, Parsoid]\ntask: T1\nactionables:\n  - {title: Fix, owner: ana}\n  - {title: Test, task: T2}\nscorecard:\n  task_exists: yes\n",
			body:   "## Timeline\n\n- 10:05 paged\n"},
		{name: "markers and placeholders in values",
			report: "impact: TBD\nresponders: [ana, FIXME]\nactionables:\n  - {title: \"{{action}}\", owner: TODO}\nscorecard:\n  task_exists: {answer: no, note: TODO ask}\n",
			want: []string{
				`r.md:5: warning: impact: still holds template text (TBD): "TBD"`,
				`r.md:6: warning: responders: still holds template text (FIXME): "FIXME"`,
				`r.md:8: warning: actionables[1].owner: still holds template text (TODO): "TODO"`,
				`r.md:8: warning: actionables[1].title: still holds template text ({{action}}): "{{action}}"`,
				`r.md:10: warning: scorecard.task_exists.note: still holds template text (TODO): "TODO ask"`,
			}},
		{name: "markers in the body, one warning a line",
			body: "## Summary\n\nTODO: say what happened, in a long sentence that goes on and on and on.\nTodo and todos are words.\n{{ name }} here\n",
			want: []string{
				`r.md:8: warning: template text left in place (TODO): "TODO: say what happened, in a long sentence that goes on an…"`,
				`r.md:10: warning: template text left in place ({{ name }}): "{{ name }} here"`,
			}},
		{name: "a marker inside a word is not one", body: "TODOS and XTBD and FIXMEs\n"},
		{name: "fenced code is quoted, not template text", body: "```\n// TODO: free the buffer\n```\n"},
		{name: "a fence with an info string inside fenced code does not close it", body: "```\n```go\n// TODO: quoted\n```\nTODO: write this\n",
			want: []string{`r.md:10: warning: template text left in place (TODO): "TODO: write this"`}},
		{name: "services outside the catalogue", site: catalogue,
			report: "services: [mw-apii, parsiod, search]\n",
			want: []string{
				`r.md:5: warning: services: "mw-apii" is not in the service catalogue of site.yaml (did you mean "mw-api", an alias of "mediawiki-api"?)`,
				`r.md:5: warning: services: "parsiod" is not in the service catalogue of site.yaml (did you mean "parsoid"?)`,
				`r.md:5: warning: services: "search" is not in the service catalogue of site.yaml; add it to the services of site.yaml if it is new`,
			}},
		{name: "no catalogue, no service warnings", report: "services: [anything]\n"},
		{name: "a timeline without times",
			body: "## Summary\nAt 10:00 it broke.\n\n## Timeline\n\n- the morning: paged\n- 2026-01-02: fixed\n- 99:99 nothing\n\n## Detection\n\nat 11:00\n",
			want: []string{`r.md:9: warning: the Timeline has no times: start each entry with one, such as "14:05" or "2026-02-23 14:05" (UTC unless it says otherwise)`}},
		{name: "a time in a subsection counts", body: "## Timeline\n### Day one\n- 9:05 paged\n"},
		{name: "an ISO time counts", body: "## Timeline\n- 2026-01-02T09:05Z paged\n"},
		{name: "no timeline section, no warning", body: "Prose only.\n"},
		{name: "action items without an owner or a task",
			report: "actionables:\n  - Write a runbook\n  - {title: Alert on it, owner: \"\"}\n  - {title: Fix, owner: ana}\n",
			want: []string{
				`r.md:6: warning: actionables[1]: "Write a runbook" has neither an owner nor a task; name who will do it, or the task that tracks it`,
				`r.md:7: warning: actionables[2]: "Alert on it" has neither an owner nor a task; name who will do it, or the task that tracks it`,
			}},
		{name: "scorecard answers against the archive",
			report: "paged: 7\ntask: T3\nscorecard:\n  few_paged: yes\n  task_exists: {answer: no, note: x}\n  runbook_used: yes\n  not_a_repeat: n/a\n",
			want: []string{
				`r.md:8: warning: scorecard.few_paged: answered yes, but the archive shows no: 7 people paged`,
				`r.md:9: warning: scorecard.task_exists: answered no, but the archive shows yes: task T3`,
			}},
		{name: "a likely repeat not recorded", likely: true,
			report: "repeat_of: []\nscorecard:\n  not_a_repeat: yes\n",
			want: []string{
				`r.md:5: warning: repeat_of: likely a repeat of "2026-01-01 old" (score 0.80); add it to repeat_of if it is one, or to related and say in the report what differs ('incidents repeats' shows the evidence)`,
				`r.md:7: warning: scorecard.not_a_repeat: answered yes, but the archive shows no: likely repeat of 2026-01-01 old (score 0.80)`,
			}},
		{name: "a likely repeat in repeat_of", likely: true, report: "repeat_of: [2026-01-01 old]\n"},
		{name: "a likely repeat in related", likely: true, report: "related: [2026-01-01 old]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d diag.List
			site := siteconfig.Default()
			if tt.site != "" {
				site = siteconfig.Parse("site.yaml", []byte(tt.site), &d)
			}
			old := incident.Parse("old.md", []byte(earlier), site, &d)
			in := incident.Parse("r.md", []byte("---\nid: 2026-02-01 r\ntitle: R\nstart: 2026-02-01 10:00\n"+tt.report+"---\n"+tt.body), site, &d)
			if d.Len() > 0 || in == nil {
				t.Fatalf("the test's content has problems: %v", d.All())
			}
			ins := []*incident.Incident{in, old}
			cands := make([][]repeats.Candidate, 2)
			if tt.likely {
				cands[0] = []repeats.Candidate{{ID: old.ID, Score: 0.8, Likely: true}}
			}
			x := analysis.New(ins, cands, analysis.DefaultConfig())
			New(site, x).Report(in, &d)
			var got []string
			for _, g := range d.All() {
				got = append(got, g.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestArchiveWithoutAnalysis(t *testing.T) {
	var d diag.List
	site := siteconfig.Default()
	in := incident.Parse("r.md", []byte("---\nid: x\ntitle: TODO\nstart: 2026-01-01\npaged: 9\nscorecard:\n  few_paged: yes\n---\n"), site, &d)
	Archive([]*incident.Incident{in}, site, nil, &d)
	if got := d.All(); len(got) != 1 || got[0].Field != "title" {
		t.Errorf("want only the title's warning without an analysis index, got %v", got)
	}
}
