package incident

import (
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
)

// parseDiags parses file as r.md and formats its diagnostics of severity
// at least min (diag.Warning for all, diag.Error for errors only).
func parseDiags(t *testing.T, file string, min diag.Severity) []string {
	t.Helper()
	var diags diag.List
	Parse("r.md", []byte(file), testSite(t), &diags)
	var got []string
	for _, d := range diags.All() {
		if d.Severity == diag.Error || min == diag.Warning {
			got = append(got, format(d))
		}
	}
	return got
}

// TestForeignFrontMatter: a report written for another site generator
// gives one error that says what to write instead, not one per key; in a
// report of ours, the same keys are warnings with the same hint.
func TestForeignFrontMatter(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string // formatted diagnostics, in order
	}{
		{"hugo", "---\ntitle: \"Database failover\"\ndate: 2026-01-01T10:00:00Z\ntags: [db]\ndraft: false\n---\nBody\n",
			[]string{"1:: required fields id, start are missing: this looks like front matter for another tool (date: use start; tags: use causes or services; draft: use status: draft)"}},
		{"jekyll", "---\nlayout: post\ntitle: Outage\ndate: 2025-05-05 10:00:00 +0000\nauthor: Jane\n---\n",
			[]string{"1:: required fields id, start are missing: this looks like front matter for another tool (layout: not used; date: use start; author: use responders)"}},
		{"no title either", "---\ndate: 2025-05-05\nDescription: x\n---\n",
			[]string{"1:: required fields id, title, start are missing: this looks like front matter for another tool (date: use start; Description: use impact)"}},
		{"ours, with a foreign key", "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\ntags: [db]\n---\n",
			[]string{"5:tags: warning unknown key; use causes or services"}},
		{"missing id, nothing foreign", "---\ntitle: A\nstart: 2026-01-01\n---\n",
			[]string{"1:id: required field is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseDiags(t, tt.file, diag.Warning)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
