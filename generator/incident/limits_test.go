package incident

import (
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
)

// TestSizeLimits: a value at a limit is accepted, one past it is an error
// whose message gives the limit as the most allowed, not as a bound to
// stay under.
func TestSizeLimits(t *testing.T) {
	report := func(id, title, impact string) string {
		return "---\nid: " + id + "\ntitle: " + title + "\nstart: 2026-01-01\nimpact: " + impact + "\n---\nBody\n"
	}
	ok := strings.Repeat("é", MaxTitleLen)
	tests := []struct {
		name string
		file string
		want string // the one error, "" for none
	}{
		{"title at the limit", report("a", ok, "x"), ""},
		{"title past the limit", report("a", ok+"é", "x"), "3:title: is 301 characters long; a title may have at most 300"},
		{"impact at the limit", report("a", "T", strings.Repeat("x", MaxImpactLen)), ""},
		{"impact past the limit", report("a", "T", strings.Repeat("x", MaxImpactLen+1)), "5:impact: is 5001 characters long; impact may have at most 5000 (the body can say more)"},
		{"id at the limit", report(strings.Repeat("a", maxIDLen), "T", "x"), ""},
		{"id past the limit", report(strings.Repeat("a", maxIDLen+1), "T", "x"), "2:id: is 201 characters long; an id may have at most 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseDiags(t, tt.file, diag.Error)
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}
