package analysis

import (
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
)

func TestChecks(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	paged := func(n int64) *int64 { return &n }
	// Six earlier reports; only the five latest count for responders.
	var earlier []*incident.Incident
	for d, who := range []string{"Zoe", "Ana", "Ben", "Cy", "Dee", "Eve"} {
		earlier = append(earlier, &incident.Incident{ID: "e" + who, Slug: "e" + who, Start: day(d + 1), Responders: []string{who}})
	}
	earlier[0].Actionables = []incident.Actionable{{Title: "Fix", Task: "T9", Status: "open"}}
	quiet := &incident.Incident{ID: "quiet", Slug: "quiet", Start: day(30)} // later: not among the previous

	tests := []struct {
		name     string
		in       incident.Incident
		likely   []string // ids of likely repeats among the earlier reports
		checks   string   // key=computed per check, in rubric order
		disagree string   // keys that disagree
		detail   map[string]string
	}{
		{
			name:   "all known, all agree",
			in:     incident.Incident{Responders: []string{"Fay", "Gus", "ana"}, Paged: paged(4), Task: "T1", Actionables: []incident.Actionable{{Title: "x", Owner: "o"}}},
			checks: "responders_differ=yes few_paged=yes task_exists=yes actionables_assigned=yes not_a_repeat=yes",
			detail: map[string]string{RespondersDiffer: "1 of 3 responders also responded to one of the 5 incidents before (ana)", FewPaged: "4 people paged", ActionablesAssigned: "the one action item has an owner"},
		},
		{
			name:   "the responders of the sixth report back do not count",
			in:     incident.Incident{Responders: []string{"Zoe"}},
			checks: "responders_differ=yes task_exists=no not_a_repeat=yes",
		},
		{
			name:   "half the responders again is not different",
			in:     incident.Incident{Responders: []string{"Ana", "Fay", "Ana "}, Paged: paged(5)},
			checks: "responders_differ=no few_paged=no task_exists=no not_a_repeat=yes",
			detail: map[string]string{RespondersDiffer: "1 of 2 responders also responded to one of the 5 incidents before (Ana)"},
		},
		{
			name:     "a repeat of a report with an open item",
			in:       incident.Incident{Actionables: []incident.Actionable{{Title: "x"}, {Title: "y", Owner: "o"}}},
			likely:   []string{"eZoe"},
			checks:   "task_exists=no actionables_assigned=no not_a_repeat=no task_queue_clear=no",
			disagree: "not_a_repeat task_queue_clear",
			detail:   map[string]string{TaskQueueClear: "still open: T9 of eZoe", NotARepeat: "likely repeat of eZoe (score 0.90)", ActionablesAssigned: "1 of 2 action items has no owner"},
		},
		{
			name:     "a repeat of a report without open items leaves task_queue_clear unknown",
			in:       incident.Incident{},
			likely:   []string{"eAna"},
			checks:   "task_exists=no not_a_repeat=no",
			disagree: "not_a_repeat",
		},
	}
	rubric := []string{"responders_differ", "runbook_used", "few_paged", "task_exists", "actionables_assigned", "not_a_repeat", "task_queue_clear"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.ID, in.Slug, in.Start = "this", "this", day(20)
			in.Scorecard = []incident.ScoredAnswer{{Key: NotARepeat, Answer: "yes"}, {Key: TaskQueueClear, Answer: "yes"}, {Key: TaskExists, Answer: "n/a"}}
			ins := []*incident.Incident{quiet, &in}
			cands := [][]repeats.Candidate{nil, nil}
			for i := len(earlier) - 1; i >= 0; i-- {
				ins = append(ins, earlier[i])
				cands = append(cands, nil)
			}
			for _, id := range tt.likely {
				cands[1] = append(cands[1], repeats.Candidate{ID: id, Score: 0.9, Likely: true})
			}
			x := New(ins, cands, DefaultConfig())
			checks := x.Checks(&in, rubric)
			var got, disagree []string
			for _, c := range checks {
				got = append(got, c.Key+"="+c.Computed)
				if c.Disagrees {
					disagree = append(disagree, c.Key)
				}
				if c.Rule == "" || c.Rule != DefaultConfig().Rule(c.Key, c.Computed) {
					t.Errorf("%s: rule %q", c.Key, c.Rule)
				}
				if want, ok := tt.detail[c.Key]; ok && c.Detail != want {
					t.Errorf("%s: detail %q, want %q", c.Key, c.Detail, want)
				}
			}
			if g := strings.Join(got, " "); g != tt.checks {
				t.Errorf("checks = %q\nwant     %q", g, tt.checks)
			}
			if g := strings.Join(disagree, " "); g != tt.disagree {
				t.Errorf("disagreements = %q, want %q", g, tt.disagree)
			}
			if n := Disagreements(checks); n != len(disagree) {
				t.Errorf("Disagreements = %d", n)
			}
		})
	}
}

func TestChecksOnlyForTheRubric(t *testing.T) {
	in := &incident.Incident{ID: "x", Task: "T1"}
	x := New([]*incident.Incident{in}, nil, DefaultConfig())
	if got := x.Checks(in, []string{"my_own_question"}); len(got) != 0 {
		t.Errorf("a rubric without computable keys got %v", got)
	}
	if got := x.Checks(in, []string{TaskExists}); len(got) != 1 || got[0].Computed != "yes" || got[0].Disagrees {
		t.Errorf("task_exists: %+v", got)
	}
}

func TestRules(t *testing.T) {
	cfg := Config{FewPaged: 3, Previous: 5}
	for _, key := range Computable {
		for _, a := range []string{"yes", "no"} {
			r := cfg.Rule(key, a)
			if r == "" && !(key == TaskQueueClear && a == "yes") {
				t.Errorf("no rule for %s=%s", key, a)
			}
		}
	}
	if r := cfg.Rule(FewPaged, "yes"); !strings.Contains(r, "at most 3") {
		t.Errorf("few_paged rule ignores the threshold: %q", r)
	}
	if r := cfg.Rule("runbook_used", "yes"); r != "" {
		t.Errorf("rule for a question the archive cannot answer: %q", r)
	}
}
