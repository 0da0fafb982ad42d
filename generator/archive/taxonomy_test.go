package archive

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestUnionStrings: responders and coordinators make one list; a name in
// both is kept once, compared exactly, so that spellings differing only
// in case stay apart for the taxonomy to join.
func TestUnionStrings(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want []string
	}{
		{"no coordinators", []string{"Ana Berg"}, nil, []string{"Ana Berg"}},
		{"no responders", nil, []string{"Ana Berg"}, []string{"Ana Berg"}},
		{"disjoint, in order", []string{"Ana Berg", "Li Wei"}, []string{"Jo Park"}, []string{"Ana Berg", "Li Wei", "Jo Park"}},
		{"the same name once", []string{"Ana Berg", "Li Wei"}, []string{"Li Wei", "Jo Park"}, []string{"Ana Berg", "Li Wei", "Jo Park"}},
		{"case differs: both spellings", []string{"Ana Berg"}, []string{"ana berg"}, []string{"Ana Berg", "ana berg"}},
		{"accent differs: both spellings", []string{"José García"}, []string{"Jose Garcia"}, []string{"José García", "Jose Garcia"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unionStrings(tt.a, tt.b); !slices.Equal(got, tt.want) {
				t.Errorf("unionStrings(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestRespondersJoinedByTerm: a report whose responder and coordinator
// are one person spelled in two cases is one report of one term, and
// each spelling counts as used by it.
func TestRespondersJoinedByTerm(t *testing.T) {
	files := fstest.MapFS{
		"incidents/a.md": report("2020-01-01 a", "A", "2020-01-01", "responders: [Ana Berg]", "coordinators: [ana berg]"),
		"incidents/b.md": report("2021-01-01 b", "B", "2021-01-01", "responders: [ana berg]"),
	}
	a, diags := load(t, files, Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	resp := a.Taxonomy("responders")
	if n := len(resp.Terms); n != 1 {
		t.Fatalf("%d responder terms, want 1", n)
	}
	ana := resp.Terms[0]
	// ana berg: two reports; Ana Berg: one.
	if ana.Name != "ana berg" || strings.Join(ana.Spellings, "|") != "ana berg|Ana Berg" || len(ana.Incidents) != 2 {
		t.Errorf("term %q, spellings %q, %d reports; want ana berg, ana berg|Ana Berg, 2", ana.Name, ana.Spellings, len(ana.Incidents))
	}
}
