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
		{"more after the title", "## Timeline (UTC)\nA\n", "timeline", true, 1, "A\n"},
		{"a colon after the title", "## Timeline: 23 February\nA\n", "timeline", true, 1, "A\n"},
		{"a longer word is another title", "## Timelines of others\nA\n", "timeline", false, 0, ""},
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
	tests := []struct {
		name, md string
		code     string // the numbers of the lines of fenced code
	}{
		{"backticks and tildes", "a\n```go\n## x\n```\n~~~\nb\n~~~\nc", "2 3 4 5 6 7"},
		{"an info string does not close", "```\n```go\nx\n```\nafter\n", "1 2 3 4"},
		{"a shorter fence does not close", "````\n```\nx\n````\nafter\n", "1 2 3 4"},
		{"a longer fence closes", "```\nx\n`````\nafter\n", "1 2 3"},
		{"the other character does not close", "~~~\n```\nx\n~~~\nafter\n", "1 2 3 4"},
		{"spaces after a closing fence", "```\nx\n```  \nafter\n", "1 2 3"},
		{"a backtick in the info string is no fence", "```a`b\nafter\n", ""},
		{"two backticks are no fence", "``\nafter\n", ""},
		{"never closed", "```\nx\n", "1 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for l := range Lines([]byte(tt.md)) {
				if l.Code {
					got = append(got, fmt.Sprintf("%d", l.N))
				}
			}
			if strings.Join(got, " ") != tt.code {
				t.Errorf("code lines %v, want %s", got, tt.code)
			}
		})
	}
}
