package analysis

import (
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/tasks"
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

func TestTaskQueueClearWithTasks(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := at("2024-07-01T00:00:00Z") // the later report's
	file := &tasks.File{Tracker: "test", Tasks: []tasks.Task{
		{ID: "T1", State: tasks.Open, Created: at("2024-03-02T10:00:00Z")},
		{ID: "T2", State: tasks.Resolved, Created: at("2024-03-02T10:00:00Z"), Closed: start},
		{ID: "T3", State: tasks.Resolved, Created: at("2024-03-02T10:00:00Z"), Closed: at("2024-07-02T08:00:00Z")},
		{ID: "T4", State: tasks.Open, Created: at("2024-07-05T00:00:00Z")},
		{ID: "T5", State: tasks.Open, Created: start},
		{ID: "T6", State: tasks.Open, Created: at("2024-01-01T00:00:00Z")}, // reopened: open, no closing time
		{ID: "T7", State: tasks.Unknown},
		{ID: "T8", State: tasks.Declined, Created: at("2024-03-02T10:00:00Z"), Closed: at("2024-05-20T12:00:00Z")},
		{ID: "T9", State: tasks.Resolved, Created: at("2024-03-02T10:00:00Z")}, // closed, when not known
	}}
	file.Sort()
	item := func(task, status string) incident.Actionable {
		return incident.Actionable{Title: "fix " + task, Task: task, Status: status}
	}
	tests := []struct {
		name         string
		items        []incident.Actionable // of the earlier report
		noTasks      bool                  // build without tasks.json
		answer, want string                // computed answer and detail; "" for none
	}{
		{"open at the start", []incident.Actionable{item("T1", "done")}, false,
			"no", "still open: T1 of e1 (opened 2024-03-02, still open)"},
		{"closed exactly at the start was not open", []incident.Actionable{item("T2", "open")}, false,
			"yes", "none open when this began: T2 of e1 (opened 2024-03-02, closed 2024-07-01)"},
		{"closed after the start", []incident.Actionable{item("T3", "done")}, false,
			"no", "still open: T3 of e1 (opened 2024-03-02, closed 2024-07-02, after this began)"},
		{"created after the start", []incident.Actionable{item("T4", "open")}, false,
			"yes", "none open when this began: T4 of e1 (opened 2024-07-05, after this began)"},
		{"created exactly at the start", []incident.Actionable{item("T5", "open")}, false,
			"yes", "none open when this began: T5 of e1 (opened 2024-07-01, after this began)"},
		{"reopened is open", []incident.Actionable{item("T6", "done")}, false,
			"no", "still open: T6 of e1 (opened 2024-01-01, still open)"},
		{"declined before the start", []incident.Actionable{item("T8", "open")}, false,
			"yes", "none open when this began: T8 of e1 (opened 2024-03-02, closed 2024-05-20)"},
		{"not in tasks.json, open by its status", []incident.Actionable{item("T404", "open")}, false,
			"no", "still open: T404 of e1"},
		{"not in tasks.json, done by its status", []incident.Actionable{item("T404", "done")}, false,
			"", ""},
		{"unknown to the tracker falls back to the status", []incident.Actionable{item("T7", "open")}, false,
			"no", "still open: T7 of e1"},
		{"closed without a closing time falls back to the status", []incident.Actionable{item("T9", "done")}, false,
			"", ""},
		{"an item without a task, still open", []incident.Actionable{item("T8", "done"), item("", "open")}, false,
			"no", "still open: “fix ” of e1"},
		{"an item without a task, done, leaves the tracker's answer", []incident.Actionable{item("T8", "open"), item("", "done")}, false,
			"yes", "none open when this began: T8 of e1 (opened 2024-03-02, closed 2024-05-20)"},
		{"open items listed, closed ones not", []incident.Actionable{item("T2", "done"), item("T1", "open"), item("T3", "open")}, false,
			"no", "still open: T1 of e1 (opened 2024-03-02, still open), T3 of e1 (opened 2024-03-02, closed 2024-07-02, after this began)"},
		{"without tasks.json: by status only", []incident.Actionable{item("T2", "open"), item("T1", "done")}, true,
			"no", "still open: T2 of e1"},
		{"without tasks.json: done leaves it blank", []incident.Actionable{item("T2", "done")}, true,
			"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e1 := &incident.Incident{ID: "e1", Slug: "e1", Start: at("2024-03-01T09:00:00Z"), Actionables: tt.items}
			this := &incident.Incident{ID: "this", Slug: "this", Start: start}
			cands := [][]repeats.Candidate{nil, {{ID: "e1", Score: 0.9, Likely: true}}}
			cfg := DefaultConfig()
			if !tt.noTasks {
				cfg.Tasks = file
			}
			x := New([]*incident.Incident{e1, this}, cands, cfg)
			checks := x.Checks(this, []string{TaskQueueClear})
			var answer, detail string
			if len(checks) == 1 {
				answer, detail = checks[0].Computed, checks[0].Detail
				if checks[0].Rule != cfg.Rule(TaskQueueClear, answer) || checks[0].Rule == "" {
					t.Errorf("rule %q", checks[0].Rule)
				}
			}
			if answer != tt.answer || detail != tt.want {
				t.Errorf("got %s %q\nwant %s %q", answer, detail, tt.answer, tt.want)
			}
			// The chain on the page agrees: the items open when this
			// began are those the answer names.
			earlier := x.EarlierInChain(this)
			if len(earlier) != 1 || !earlier[0].Later.Equal(start) {
				t.Fatalf("earlier in chain: %+v", earlier)
			}
			for _, it := range earlier[0].Open {
				if !strings.Contains(detail, "still open: ") || !strings.Contains(detail, ItemName(it.Actionable)+" of e1") {
					t.Errorf("%s is open in the chain, not in %q", ItemName(it.Actionable), detail)
				}
			}
			for _, it := range earlier[0].Closed {
				if strings.HasPrefix(detail, "still open: ") && strings.Contains(detail, ItemName(it.Actionable)+" of e1") {
					t.Errorf("%s is closed in the chain, open in %q", ItemName(it.Actionable), detail)
				}
				if tt.noTasks && it.Tracked != nil {
					t.Errorf("%s tracked without tasks.json", it.Task)
				}
			}
		})
	}
}

func TestTaskQueueClearRules(t *testing.T) {
	plain := DefaultConfig()
	tracked := DefaultConfig()
	tracked.Tasks = &tasks.File{}
	if plain.Rule(TaskQueueClear, "yes") != "" || tracked.Rule(TaskQueueClear, "yes") == "" {
		t.Error("a yes rule only with tasks.json")
	}
	if plain.Rule(TaskQueueClear, "no") != "An earlier report that this one likely repeats still has open action items." {
		t.Error("the rule without tasks.json changed")
	}
	if !strings.Contains(tracked.Rule(TaskQueueClear, "no"), "tracker") {
		t.Error("the rule with tasks.json does not mention the tracker")
	}
}
