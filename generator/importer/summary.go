package importer

import (
	"fmt"
	"io"
	"sort"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/plural"
)

// Summary counts the results of one import, for the table printed after
// every run, dry or not.
type Summary struct {
	// Read counts the source documents read (pages, files).
	Read     int
	outcomes [Skipped + 1]int
	drafts   int
	imported int
	fields   map[string]int
	kinds    map[string]int
}

// SummaryFields are the front-matter keys whose count the table shows:
// how many imported reports the import understood each of.
var SummaryFields = []string{"task", "start", "end", "detected", "paged", "responders", "coordinators", "services", "impact", "causes", "related", "actionables", "scorecard"}

// Add counts one result.
func (s *Summary) Add(r Result) {
	if s.fields == nil {
		s.fields, s.kinds = map[string]int{}, map[string]int{}
	}
	s.outcomes[r.Outcome]++
	if r.Outcome == New || r.Outcome == Updated || r.Outcome == Unchanged {
		s.imported++
		if r.Draft {
			s.drafts++
		}
		for _, k := range r.Keys {
			s.fields[k]++
		}
	}
	for _, w := range r.Warnings {
		kind := w.Kind
		if kind == "" {
			kind = "other"
		}
		s.kinds[kind]++
	}
}

// AddWarning counts a warning of the import as a whole, not of one
// report.
func (s *Summary) AddWarning(kind string) {
	if s.kinds == nil {
		s.fields, s.kinds = map[string]int{}, map[string]int{}
	}
	s.kinds[kind]++
}

// Count returns how many results had the outcome o.
func (s *Summary) Count(o Outcome) int { return s.outcomes[o] }

// Drafts returns how many imported reports are drafts the writer made.
func (s *Summary) Drafts() int { return s.drafts }

// Lines are what a person should read about one result, one a line:
// "content/incidents/2025/x.md: paged: "batphone" not understood". A
// line names the report file, or the source when there is no file.
func Lines(r Result) []string {
	where := r.Path
	if where == "" || r.Outcome == Skipped {
		where = r.Source
	}
	var out []string
	switch r.Outcome {
	case Edited, Deleted, Refused, Skipped:
		reason := r.Reason
		if r.Outcome == Refused || r.Outcome == Skipped {
			reason = r.Outcome.String() + ": " + reason
			if r.Source != "" && where != r.Source {
				reason += " (from " + r.Source + ")"
			}
		}
		// Nothing was written: the report's warnings do not apply yet.
		return append(out, diag.Printable(where+": "+reason))
	}
	for _, w := range r.Warnings {
		line := where + ": "
		if w.Field != "" {
			line += w.Field + ": "
		}
		out = append(out, diag.Printable(line+w.Message))
	}
	return out
}

// Print writes the table. label names the archive; dry says nothing was
// written.
func (s *Summary) Print(w io.Writer, label string, dry bool) {
	verb := "imported"
	if dry {
		verb = "would import"
	}
	row := func(name string, n int, detail string) {
		fmt.Fprintf(w, "  %-28s %5d%s\n", name, n, detail)
	}
	fmt.Fprintf(w, "Import into %s%s\n", label, map[bool]string{true: " (dry run: nothing written)", false: ""}[dry])
	row("read", s.Read, "")
	row(verb, s.imported, fmt.Sprintf("   new %d, updated %d, unchanged %d", s.outcomes[New], s.outcomes[Updated], s.outcomes[Unchanged]))
	row("  of which drafts", s.drafts, "")
	row("edited by hand, left alone", s.outcomes[Edited], "")
	row("deleted by hand, not redone", s.outcomes[Deleted], "")
	row("refused", s.outcomes[Refused], "")
	row("skipped (not reports)", s.outcomes[Skipped], "")
	if s.imported > 0 {
		fmt.Fprintf(w, "\nFields understood, of %s\n", plural.Count(s.imported, "report"))
		for _, f := range SummaryFields {
			row(f, s.fields[f], "")
		}
	}
	if len(s.kinds) > 0 {
		kinds := make([]string, 0, len(s.kinds))
		for k := range s.kinds {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool {
			a, b := kinds[i], kinds[j]
			if s.kinds[a] != s.kinds[b] {
				return s.kinds[a] > s.kinds[b]
			}
			return a < b
		})
		fmt.Fprintf(w, "\nWarnings by kind\n")
		for _, k := range kinds {
			fmt.Fprintf(w, "  %5d  %s\n", s.kinds[k], diag.Printable(k))
		}
	}
}
