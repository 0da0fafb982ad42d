package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/search"
)

// TestPrintHitsEscapesControlCharacters: a report's title, services and
// text reach the terminal without their escape sequences and direction
// controls, while the emphasis of the matches, which is ours, stays.
func TestPrintHitsEscapesControlCharacters(t *testing.T) {
	res := &search.Response{Total: 1, Hits: []search.Hit{{
		ID: "2026-01-01 a", Title: "A\x1b]0;owned\x07", Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Services: []string{"svc\u202e"},
		Passage:  search.Passage{{Text: "The \x1b[2J"}, {Text: "retry", Match: true}, {Text: " storm"}},
	}}}
	var out, errOut bytes.Buffer
	printHits(&env{stdout: &out, stderr: &errOut, stdoutTerminal: true}, res)
	got := out.String()
	for _, want := range []string{`2026-01-01  A\u001b]0;owned\u0007` + "\n", `2026-01-01 a · svc\u202e` + "\n", `The \u001b[2J` + "\x1b[1mretry\x1b[0m storm\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%q", want, got)
		}
	}
	if n := strings.Count(got, "\x1b"); n != 2 {
		t.Errorf("%d escape characters in the output, want the 2 of the emphasis:\n%q", n, got)
	}
}
