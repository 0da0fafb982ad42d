package render

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

func TestLineID(t *testing.T) {
	for _, tt := range []struct {
		line, want string
		ok         bool
	}{
		{`{"id":"2024-01-01 a","slug":"x"}`, `"2024-01-01 a"`, true},
		{`{"id":"say \"hi\" \\ there","x":1}`, `"say \"hi\" \\ there"`, true},
		{`{"id":"\u003cb\u003e"}`, `"\u003cb\u003e"`, true},
		{`"causes":[{"name":"x"}]`, "", false},
		{`{"id":"unterminated`, "", false},
		{`],"terms":{`, "", false},
	} {
		got, ok := lineID([]byte(tt.line))
		if ok != tt.ok || string(got) != tt.want {
			t.Errorf("lineID(%s) = %s, %v; want %s, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// TestModelLines reads the report lines of an incidents.json in the order
// a later archive asks for them: the next line, a line passed over earlier
// (a report that moved), a report the file does not hold, and a line
// longer than the reader's buffer.
func TestModelLines(t *testing.T) {
	long := strings.Repeat("x", 300)
	line := func(id, rest string) string {
		b, _ := json.Marshal(id)
		return `{"id":` + string(b) + `,"v":"` + rest + `"}`
	}
	file := `{"generator":"incidents test","count":4,"incidents":[` + "\n" +
		line("d", "4") + ",\n" +
		line("c \"quoted\"", "3") + ",\n" +
		line("b", long) + ",\n" +
		line("a", "1") + "\n" +
		`],"terms":{` + "\n" + `"services":[]` + "\n}}\n"
	m := &modelLines{r: bufio.NewReaderSize(strings.NewReader(file), 64), ahead: map[string][]byte{}}
	for _, tt := range []struct {
		id, want string
		ok       bool
	}{
		{"c \"quoted\"", line("c \"quoted\"", "3"), true}, // passes over d
		{"b", line("b", long), true},                      // longer than the buffer
		{"d", line("d", "4"), true},                       // passed over before
		{"new", "", false},                                // reads to the terms
		{"a", "", false},                                  // passed over while looking for new, beyond: held
	} {
		got, ok := m.line(tt.id)
		if tt.id == "a" {
			// "a" was held while looking for "new".
			if !ok || string(got) != line("a", "1") {
				t.Errorf("line(a) = %q, %v after a miss; want the held line", got, ok)
			}
			continue
		}
		if ok != tt.ok || string(got) != tt.want {
			t.Errorf("line(%q) = %q, %v; want %q, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
}
