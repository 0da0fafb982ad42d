package testutil

import (
	"fmt"
	"strings"
)

// Pathological is a Markdown body shaped so that goldmark (v1.8.7) takes
// time growing with the square of its size, or worse.
type Pathological struct {
	Name string
	Body string
}

// PathologicalMarkdown returns each pathological shape known to the
// project, each at about size bytes (at least a few hundred). Without a
// bound, a 160 KB one takes goldmark seconds to minutes.
func PathologicalMarkdown(size int) []Pathological {
	repeat := func(unit string) string { return strings.Repeat(unit, max(1, size/len(unit))) }
	var indented strings.Builder // a list nested by indentation, one level a line
	for i := 0; indented.Len() < size; i++ {
		indented.WriteString(strings.Repeat("  ", i) + "- step\n")
	}
	var footnotes strings.Builder // many definitions, then as many references
	for i := 0; footnotes.Len() < size/2; i++ {
		fmt.Fprintf(&footnotes, "[^n%d]: note\n", i)
	}
	refs := strings.Count(footnotes.String(), "\n")
	footnotes.WriteString("\n")
	for i := 0; i < refs; i++ {
		fmt.Fprintf(&footnotes, "[^n%d] ", i)
	}
	lazy := strings.Repeat(">", 200) + " quoted\n"
	return []Pathological{
		{"unclosed links", repeat("[a](")},
		{"unclosed images", repeat("![a](")},
		{"unclosed links on many lines", repeat("[a](\n")},
		{"unclosed link titles", repeat("[a](b \"\n")},
		{"unclosed angle destinations", repeat("[a](< ")},
		{"nested brackets", strings.Repeat("[", size/2) + "a" + strings.Repeat("]", size/2)},
		{"emphasis marks", repeat("a*b_")},
		{"reference definitions", repeat("[a]: b '\n")},
		{"nested block quotes", repeat("> ") + "deep\n"},
		{"nested lists", indented.String()},
		{"lists on one line", repeat("- ") + "deep\n"},
		{"quotes and lists", repeat("> - ") + "deep\n"},
		{"lazy quote lines", lazy + strings.Repeat("more\n", max(1, (size-len(lazy))/5))},
		{"nested footnotes", repeat("[^a]: ") + "deep\n"},
		{"footnotes", footnotes.String()},
	}
}
