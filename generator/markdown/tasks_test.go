package markdown

import (
	"strings"
	"testing"
)

// TestTaskForms: the task id forms of each tracker kind are found in
// prose (and only for that kind), and each link is followed by its
// state's badge when TaskState knows the task.
func TestTaskForms(t *testing.T) {
	states := map[string][2]string{"T418722": {"resolved 2024-05-03", "resolved"}, "OPS-12": {"open", "open"}, "#7": {"unknown to the tracker", "unknown"}}
	tests := []struct {
		kind     string
		in       string
		contains []string
		absent   []string
		tasks    string
	}{
		{"", "T418722 and OPS-12 and #7.", []string{
			`<a href="/t/T418722" class="task">T418722</a> <span class="task-state resolved">resolved 2024-05-03</span> and OPS-12 and #7.`,
		}, nil, "T418722"},
		{"phabricator", "Fixed in T1234; #1 stays text.", []string{`<a href="/t/T1234" class="task">T1234</a>; #1 stays text.`}, []string{"task-state"}, "T1234"},
		{"jira", "See OPS-12, T418722 and A1B_2-9; not ops-12, OPS-, -12 or XOPS-12x.", []string{
			`<a href="/t/OPS-12" class="task">OPS-12</a> <span class="task-state open">open</span>,`,
			`<a href="/t/T418722" class="task">T418722</a> <span class="task-state resolved">`,
			`<a href="/t/A1B_2-9" class="task">A1B_2-9</a>;`,
			"not ops-12, OPS-, -12 or XOPS-12x.",
		}, nil, "OPS-12 T418722 A1B_2-9"},
		{"jira", "UTF-8, SHA-256, ISO-8601 and CVE-2024-1234 are not tasks; OPS-12 is.", []string{
			"UTF-8, SHA-256, ISO-8601 and CVE-2024-1234 are not tasks; ",
			`<a href="/t/OPS-12" class="task">OPS-12</a>`,
		}, nil, "OPS-12"},
		{"github", "Tracked in #7 and wikimedia/ores#123 (and T1234); not a#1, #x or C#9.", []string{
			`<a href="/t/#7" class="task">#7</a> <span class="task-state unknown">unknown to the tracker</span> and `,
			`<a href="/t/wikimedia/ores#123" class="task">wikimedia/ores#123</a> (`,
			`<a href="/t/T1234" class="task">T1234</a>)`,
			"not a#1, #x or C#9.",
		}, nil, "#7 wikimedia/ores#123 T1234"},
	}
	// With the projects named, only their keys.
	r := New(Options{TaskURL: func(task string) string { return "/t/" + task }, TaskKind: "jira", TaskProjects: []string{"INFRA"}})
	if res, err := r.Render([]byte("INFRA-3, OPS-12 and UTF-8.")); err != nil || strings.Join(res.Tasks, " ") != "INFRA-3" {
		t.Errorf("with the project INFRA, prose names %q (%v)", res.Tasks, err)
	}
	for _, tt := range tests {
		r := New(Options{
			TaskURL:  func(task string) string { return "/t/" + task },
			TaskKind: tt.kind,
			TaskState: func(task string) (string, string, bool) {
				s, ok := states[task]
				return s[0], s[1], ok
			},
		})
		res, err := r.Render([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		html := string(res.HTML)
		for _, want := range tt.contains {
			if !strings.Contains(html, want) {
				t.Errorf("%s: %q renders as\n%s\nwithout %s", tt.kind, tt.in, html, want)
			}
		}
		for _, bad := range tt.absent {
			if strings.Contains(html, bad) {
				t.Errorf("%s: %q renders with %s:\n%s", tt.kind, tt.in, bad, html)
			}
		}
		if got := strings.Join(res.Tasks, " "); got != tt.tasks {
			t.Errorf("%s: Tasks = %q; want %q", tt.kind, got, tt.tasks)
		}
		if strings.Contains(res.Plain.Summary+res.Plain.Rest, "task-state") || strings.Contains(res.Plain.Summary+res.Plain.Rest, "resolved 2024") {
			t.Errorf("%s: the badge is in the plain text: %+v", tt.kind, res.Plain)
		}
	}
}
