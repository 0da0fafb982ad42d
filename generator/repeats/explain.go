package repeats

import (
	"fmt"
	"strings"
)

// Class names a candidate's class as pages and the command line show it.
func (c Candidate) Class() string {
	if c.Likely {
		return "likely repeat"
	}
	return "similar"
}

// Explain says in one line why c scored what it did, signal by signal, in
// the terms of Config.
func (c Candidate) Explain() string {
	w := c.Why
	var parts []string
	if w.Link == "repeat_of" {
		return fmt.Sprintf("score %.2f: the report names %s in repeat_of", c.Score, c.ID)
	}
	parts = append(parts, fmt.Sprintf("text %.2f", w.Text))
	if len(w.Terms) > 0 {
		parts[0] += " [" + strings.Join(w.Terms, " ") + "]"
	}
	if len(w.Causes) > 0 {
		parts = append(parts, "causes ["+strings.Join(w.Causes, " ")+"]")
	}
	if w.Trigger != "" {
		parts = append(parts, "trigger "+w.Trigger)
	}
	if w.FailureMode != "" {
		parts = append(parts, "failure mode "+w.FailureMode)
	}
	services := "no shared service"
	if len(w.Services) > 0 {
		services = "services [" + strings.Join(w.Services, " ") + "]"
		if w.SamePrimary {
			services += ", the same one failed"
		}
	}
	line := fmt.Sprintf("score %.2f = service factor %.2f (%s) × (%s)", c.Score, w.ServiceFactor, services, strings.Join(parts, ", "))
	switch {
	case w.Link == "related":
		line += " + 0.15 listed as related"
	case strings.HasPrefix(w.Link, "task "):
		line += " + 0.10 shared " + w.Link
	}
	return line
}
