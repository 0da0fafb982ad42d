package markdown

import (
	"fmt"
	"strings"
	"testing"
)

func TestFindSection(t *testing.T) {
	tests := []struct {
		name, md, title string
		found           bool
		line            int
		text            string
	}{
		{"level two", "## Summary\nA\n\n## Timeline\n- 10:00 x\n## Detection\nB\n", "timeline", true, 4, "- 10:00 x\n"},
		{"subsections belong to it", "## Timeline\nA\n### Day two\nB\n# Next\n", "Timeline", true, 1, "A\n### Day two\nB\n"},
		{"runs to the end", "text\n\n### Timeline\nA\nB", "timeline", true, 3, "A\nB"},
		{"heading in a fence is not one", "```\n## Timeline\n```\nA\n", "timeline", false, 0, ""},
		{"a fence inside the section", "## Timeline\n```\n## Not a heading\n```\nA\n## End\n", "timeline", true, 1, "```\n## Not a heading\n```\nA\n"},
		{"closing hashes", "## Timeline ##\nA\n", "timeline", true, 1, "A\n"},
		{"missing", "## Summary\nA\n", "timeline", false, 0, ""},
		{"not a heading without a space", "##Timeline\nA\n", "timeline", false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sec, ok := FindSection([]byte(tt.md), tt.title)
			if ok != tt.found || sec.Line != tt.line || sec.Text != tt.text {
				t.Errorf("got %v line %d text %q, want %v line %d text %q", ok, sec.Line, sec.Text, tt.found, tt.line, tt.text)
			}
		})
	}
}

func TestLines(t *testing.T) {
	md := "a\n```go\n## x\n```\n~~~\nb\n~~~\nc"
	var got []string
	for l := range Lines([]byte(md)) {
		if l.Code {
			got = append(got, fmt.Sprintf("%d", l.N))
		}
	}
	if want := "2 3 4 5 6 7"; strings.Join(got, " ") != want {
		t.Errorf("code lines %v, want %s", got, want)
	}
}
