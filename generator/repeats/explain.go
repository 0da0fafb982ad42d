package repeats

import (
	"fmt"
	"strings"
)

// Class names a candidate's class as pages and the command line show it.
func (c Candidate) Class() string {
	switch {
	case c.Why.Unrelated():
		return "called unrelated"
	case c.Likely:
		return "likely repeat"
	}
	return "similar"
}

// Links says in words what the authors wrote that links the two reports,
// strongest first: "named in repeat_of", `says "previous incarnation"`,
// "links to it", "listed as related", "same task T123", and for a
// candidate the text calls unrelated, `called unrelated ("not related")`.
func (w Reasons) Links() []string {
	var out []string
	if w.Link == "repeat_of" {
		out = append(out, "named in repeat_of")
	}
	who := "this report"
	if w.ReferenceBack {
		who = "the earlier report"
	}
	switch w.Reference {
	case "unrelated":
		out = append(out, fmt.Sprintf("called unrelated by %s (%q)", who, w.Phrase))
	case "same":
		out = append(out, fmt.Sprintf("%s names the other and says %q", who, w.Phrase))
	case "day":
		out = append(out, fmt.Sprintf("%s names the other's day and says %q", who, w.Phrase))
	case "names":
		if w.ReferenceBack {
			out = append(out, "linked from it")
		} else {
			out = append(out, "links to it")
		}
	}
	if w.Link == "related" {
		out = append(out, "listed as related")
	}
	if len(w.Tasks) > 0 {
		out = append(out, "same task "+strings.Join(w.Tasks[:min(3, len(w.Tasks))], ", "))
	}
	return out
}

// ServiceNames says, for a report whose metadata names no service, which
// words of its text named the one it was matched on: "sessionstore1001,
// sessionstore1003 ↔ sessionstore". One line per report, this one's
// first.
func (w Reasons) ServiceNames() []string {
	var out []string
	for k, words := range [][]string{w.ServiceWords, w.EarlierServiceWords} {
		if len(words) == 0 {
			continue
		}
		var svc string
		if len(w.Services) > 0 {
			svc = " ↔ " + w.Services[0]
		}
		who := "this report: "
		if k == 1 {
			who = "the earlier report: "
		}
		out = append(out, who+strings.Join(words, ", ")+svc)
	}
	return out
}

// Explain says in one line why c scored what it did, signal by signal, in
// the terms of Config.
func (c Candidate) Explain() string {
	w := c.Why
	var parts []string
	if w.Link == "repeat_of" {
		return fmt.Sprintf("score %.2f: the report names %s in repeat_of", c.Score, c.ID)
	}
	parts = append(parts, fmt.Sprintf("text %.2f (similarity %.2f)", w.TextScore, w.Text))
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
	switch {
	case len(w.Services) > 0:
		services = "services [" + strings.Join(w.Services, " ") + "]"
		if w.SamePrimary {
			services += ", the same one failed"
		}
		if names := w.ServiceNames(); len(names) > 0 {
			services += "; named in the text by " + strings.Join(names, "; ")
		}
	case w.NoServices:
		services = "no service known for one of them"
	}
	line := fmt.Sprintf("score %.2f = service factor %.2f (%s) × (%s)", c.Score, w.ServiceFactor, services, strings.Join(parts, ", "))
	if links := w.Links(); len(links) > 0 {
		if w.Bonus > 0 {
			line += fmt.Sprintf(" + %.2f: ", w.Bonus)
		} else {
			line += "; "
		}
		line += strings.Join(links, "; ")
	}
	switch w.Raised {
	case "linked":
		line += "; raised to the likely threshold: linked, and on the same service"
	case "said":
		line += "; raised to the likely threshold: the text says it was the same"
	}
	if w.Unrelated() {
		line += "; never a likely repeat"
	}
	return line
}
