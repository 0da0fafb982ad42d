package newreport

import (
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var day = time.Date(2026, 2, 23, 0, 0, 0, 0, time.UTC)

func TestIDAndPath(t *testing.T) {
	tests := []struct{ name, id, path string }{
		{"ml-serve", "2026-02-23 ml-serve", "incidents/2026/2026-02-23-ml-serve.md"},
		{"ML Serve", "2026-02-23 ml-serve", "incidents/2026/2026-02-23-ml-serve.md"},
		{"Müller's DB", "2026-02-23 muller-s-db", "incidents/2026/2026-02-23-muller-s-db.md"},
		{"../../etc", "2026-02-23 etc", "incidents/2026/2026-02-23-etc.md"},
		{"!!!", "", "incidents/2026/.md"},
	}
	for _, tt := range tests {
		v := Values{Name: tt.name, Date: day}
		if v.ID() != tt.id || (tt.id != "" && v.Path() != tt.path) {
			t.Errorf("%q: id %q path %q, want %q %q", tt.name, v.ID(), v.Path(), tt.id, tt.path)
		}
	}
}

func TestFill(t *testing.T) {
	rubric := []siteconfig.Question{{Key: "few_paged", Question: "Fewer than five?"}, {Key: "runbook_used", Question: "A runbook\n  used?"}}
	tests := []struct {
		name, tmpl string
		v          Values
		want       string
		unknown    []string
	}{
		{"every placeholder", "{{id}}|{{slug}}|{{name}}|{{date}}|{{year}}|{{title}}",
			Values{Name: "ML serve", Title: "Istio: \"routes\" lost", Date: day},
			`2026-02-23 ml-serve|2026-02-23-ml-serve|ML serve|2026-02-23|2026|"Istio: \"routes\" lost"`, nil},
		{"spaces in the braces", "{{ id }} {{  year}}", Values{Name: "x", Date: day}, "2026-02-23 x 2026", nil},
		{"no title is a TODO", "title: {{title}}", Values{Name: "x", Date: day}, `title: "TODO: what failed, and for whom, in one line"`, nil},
		{"the title on one line, markup kept", "{{title}}", Values{Name: "x", Title: " a <b>\n b ", Date: day}, `"a <b> b"`, nil},
		{"unknown placeholders stay", "{{owner}} {{id}} {{ team }} {not}", Values{Name: "x", Date: day}, "{{owner}} 2026-02-23 x {{ team }} {not}", []string{"{{owner}}", "{{ team }}"}},
		{"the scorecard", "scorecard:\n{{scorecard}}\n", Values{Name: "x", Date: day, Rubric: rubric},
			"scorecard:\n  few_paged:     # Fewer than five?\n  runbook_used:  # A runbook used?\n", nil},
		{"an empty rubric", "scorecard:\n{{scorecard}}\n", Values{Name: "x", Date: day}, "scorecard:\n\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unknown := Fill(tt.tmpl, tt.v)
			if got != tt.want || !slices.Equal(unknown, tt.unknown) {
				t.Errorf("got %q, unknown %q\nwant %q, unknown %q", got, unknown, tt.want, tt.unknown)
			}
		})
	}
}

// TestDefault checks that the built-in template fills into a report the
// build accepts without a word, that it names every field of the model
// with its allowed values, and the sections; and compares it with a golden
// file.
func TestDefault(t *testing.T) {
	site := siteconfig.Default()
	text, unknown := Fill(Default(), Values{Name: "ml-serve", Date: day, Rubric: site.Scorecard})
	if len(unknown) > 0 {
		t.Errorf("the built-in template has unknown placeholders %q", unknown)
	}
	var d diag.List
	in := incident.Parse("r.md", []byte(text), site, &d)
	if d.Len() > 0 || in == nil {
		t.Fatalf("the new report has problems: %v", d.All())
	}
	if in.ID != "2026-02-23 ml-serve" || in.Status != incident.Draft || !in.Start.Equal(day) || in.Title != UntitledTitle {
		t.Errorf("got id %q status %q start %v title %q", in.ID, in.Status, in.Start, in.Title)
	}
	front, body, _ := strings.Cut(strings.TrimPrefix(text, "---\n"), "\n---\n")
	for _, key := range incident.Keys {
		if slices.Contains(incident.ImportKeys, key) {
			continue // written by 'incidents import' only
		}
		if !strings.Contains(front, "\n"+key+":") {
			t.Errorf("the front matter lacks %s", key)
		}
	}
	for _, key := range site.ScorecardKeys() {
		if !strings.Contains(front, "\n  "+key+": ") {
			t.Errorf("the scorecard lacks %s", key)
		}
	}
	for _, values := range [][]string{incident.Statuses, incident.Detections, incident.Triggers, incident.FailureModes, incident.ActionStatuses} {
		for _, v := range values {
			if !strings.Contains(front, v) {
				t.Errorf("the comments do not name the value %s", v)
			}
		}
	}
	for _, h := range []string{"## Summary", "## Timeline", "## Detection", "## Conclusions", "### What went well?", "### What went poorly?", "### Where did we get lucky?", "## Actionables"} {
		if !strings.Contains(body, "\n"+h+"\n") {
			t.Errorf("the body lacks %q", h)
		}
	}
	testutil.Golden(t, filepath.Join("testdata", "default.golden.md"), []byte(text), *update)
}
