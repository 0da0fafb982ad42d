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

// TestNumberBounds: the numbers the trend pages sum are bounded when the
// report is read, so that no sum can overflow, and each problem names
// its line and field, in YAML and in TOML alike.
func TestNumberBounds(t *testing.T) {
	yamlReport := func(fields string) string {
		return "---\nid: a\ntitle: T\nstart: 2026-01-01\n" + fields + "---\nBody\n"
	}
	tomlReport := func(fields string) string {
		return "+++\nid = \"a\"\ntitle = \"T\"\nstart = 2026-01-01\n" + fields + "+++\nBody\n"
	}
	tests := []struct {
		name string
		file string
		want string // the errors, one per line; "" for none
	}{
		{"at the limits", yamlReport("paged: 1000000\npaged_after_hours: 1_000_000\nrequests_failed: 1000000000000000\n"), ""},
		{"one past the limits", yamlReport("paged: 1000001\npaged_after_hours: 1000001\nrequests_failed: 1000000000000001\n"),
			"5:paged: 1000001 is too large; it may be at most 1,000,000\n" +
				"6:paged_after_hours: 1000001 is too large; it may be at most 1,000,000\n" +
				"7:requests_failed: 1000000000000001 is too large; it may be at most 1,000,000,000,000,000"},
		{"the largest int64", yamlReport("paged: 9223372036854775807\n"),
			"5:paged: 9223372036854775807 is too large; it may be at most 1,000,000"},
		{"beyond any int64", yamlReport("requests_failed: 99999999999999999999999\n"),
			"5:requests_failed: 99999999999999999999999 is too large; it may be at most 1,000,000,000,000,000"},
		{"negative", yamlReport("paged: -1\nrequests_failed: -99999999999999999999999\n"),
			"5:paged: must not be negative, got -1\n6:requests_failed: must not be negative, got -99999999999999999999999"},
		{"not a number", yamlReport("paged: many\n"), "5:paged: expected a whole number, got \"many\""},
		{"toml past the limit", tomlReport("paged = 9223372036854775807\nrequests_failed = 1_000_000_000_000_000\n"),
			"5:paged: 9223372036854775807 is too large; it may be at most 1,000,000"},
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
