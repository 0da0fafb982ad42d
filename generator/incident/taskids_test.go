package incident

import (
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

func TestIsTaskID(t *testing.T) {
	tests := []struct {
		id                       string
		none, phab, jira, github bool
	}{
		{"T418722", true, true, true, true},
		{"T1", true, true, true, true},
		{"T1234567890", false, false, false, false},
		{"OPS-123", false, false, true, false},
		{"A1_B-9", false, false, true, false},
		{"ops-123", false, false, false, false},
		{"OPS-", false, false, false, false},
		{"#123", false, false, false, true},
		{"wikimedia/ores#123", false, false, false, true},
		{"#", false, false, false, false},
		{"/ores#1", false, false, false, false},
		{"a b#1", false, false, false, false},
	}
	for _, tt := range tests {
		for kind, want := range map[string]bool{"": tt.none, "phabricator": tt.phab, "jira": tt.jira, "github": tt.github} {
			if got := IsTaskID(kind, tt.id); got != want {
				t.Errorf("IsTaskID(%q, %q) = %v; want %v", kind, tt.id, got, want)
			}
		}
	}
}

func TestTaskLink(t *testing.T) {
	tests := []struct {
		site, task, want string
	}{
		{"task_url: https://t.example/{task}\n", "T12", "https://t.example/T12"},
		{"task_url: https://t.example/{task}\n", "OPS-1", ""},
		{"task_url: https://jira.example/browse/{task}\ntracker: {kind: jira, url: https://jira.example}\n", "OPS-1", "https://jira.example/browse/OPS-1"},
		{"task_url: https://jira.example/browse/{task}\ntracker: {kind: jira, url: https://jira.example}\n", "T5", "https://jira.example/browse/T5"},
		{"tracker: {kind: github, project: wikimedia/ores}\n", "#12", "https://github.com/wikimedia/ores/issues/12"},
		{"tracker: {kind: github, project: wikimedia/ores}\n", "acme/tool#3", "https://github.com/acme/tool/issues/3"},
		{"tracker: {kind: github, project: wikimedia/ores}\n", "T5", ""}, // no task_url
		{"tracker: {kind: github, url: https://git.example.org/api/v3, project: ops/infra}\n", "#9", "https://git.example.org/ops/infra/issues/9"},
		{"task_url: https://t.example/{task}\ntracker: {kind: github}\n", "#9", ""}, // no project for a bare #9
		{"task_url: https://t.example/{task}\ntracker: {kind: github}\n", "T9", "https://t.example/T9"},
		{"task_url: https://t.example/{task}\n", "#9", ""},
	}
	for _, tt := range tests {
		var diags diag.List
		site := siteconfig.Parse("site.yaml", []byte(tt.site), &diags)
		if len(diags.Errors()) > 0 {
			t.Fatalf("%s: %v", tt.site, diags.All())
		}
		if got := TaskLink(site, tt.task); got != tt.want {
			t.Errorf("%s: TaskLink(%q) = %q; want %q", strings.TrimSpace(tt.site), tt.task, got, tt.want)
		}
	}
}

// TestTaskFormsWarn: task: accepts the forms of the site's tracker, and
// warns about the others, naming the forms.
func TestTaskFormsWarn(t *testing.T) {
	report := "---\nid: 2024-01-01 x\ntitle: X\nstart: 2024-01-01\ntask: %s\nactionables:\n  - {title: Y, task: %s, owner: z}\n---\nText.\n"
	tests := []struct {
		site, task string
		warn       string
	}{
		{"", "T1", ""},
		{"", "OPS-1", `"OPS-1" does not look like a task id such as T418722`},
		{"tracker: {kind: jira, url: https://jira.example}\n", "OPS-1", ""},
		{"tracker: {kind: jira, url: https://jira.example}\n", "#1", `"#1" does not look like a task id such as OPS-123 or T418722`},
		{"tracker: {kind: github, project: a/b}\n", "#1", ""},
		{"tracker: {kind: github, project: a/b}\n", "a/b#1", ""},
		{"tracker: {kind: github, project: a/b}\n", "T7", ""},
		{"tracker: {kind: phabricator, url: https://phab.example}\n", "#1", `"#1" does not look like a task id such as T418722`},
	}
	for _, tt := range tests {
		var diags diag.List
		site := siteconfig.Parse("site.yaml", []byte(tt.site), &diags)
		quoted := tt.task
		if strings.ContainsAny(quoted, "#") {
			quoted = `"` + quoted + `"`
		}
		in := Parse("x.md", []byte(strings.ReplaceAll(report, "%s", quoted)), site, &diags)
		if in == nil {
			t.Fatalf("%s %s: %v", tt.site, tt.task, diags.All())
		}
		var got []string
		for _, d := range diags.Warnings() {
			got = append(got, d.Field+": "+d.Message)
		}
		if tt.warn == "" {
			if len(got) > 0 {
				t.Errorf("%s task %s: warnings %v", tt.site, tt.task, got)
			}
			continue
		}
		if len(got) != 2 || !strings.Contains(got[0], tt.warn) || !strings.HasPrefix(got[1], "actionables[1].task: ") {
			t.Errorf("%s task %s: warnings %v; want two with %s", tt.site, tt.task, got, tt.warn)
		}
	}
}
