package repeats

import (
	"strings"
	"testing"
	"time"
)

// Prose of two failures that share few words, so that only what the
// authors wrote can make them repeats.
const (
	quorum = "Two members of the ensemble restarted together and the cluster lost quorum; writes were refused."
	pool   = "Every worker held a connection that never returned to the pool, and requests waited until their deadline."
)

func TestAuthorsSignals(t *testing.T) {
	catalogue := []Service{{Name: "sessionstore", Hosts: []string{`sessionstore\d+`}}, {Name: "api-gateway"}}
	tests := []struct {
		name     string
		earlier  Report
		later    Report
		class    string // "" when not a candidate
		contains string // in the explanation
	}{
		{"a link between reports on the same service is likely",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 sessionstore", 60, []string{"sessionstore"}, pool+" See 2024-01-02 sessionstore for the hosts."),
			"likely repeat", "links to it; raised to the likely threshold: linked, and on the same service"},
		{"a link the earlier report makes counts too",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum+" Updated: see 2024-03-05 sessionstore."),
			report("2024-03-05 sessionstore", 60, []string{"sessionstore"}, pool),
			"likely repeat", "linked from it"},
		{"saying it was the same is likely, whatever the services",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 api-gateway", 60, []string{"api-gateway"}, pool+" A previous incarnation of this occurred in 2024-01-02 sessionstore."),
			"likely repeat", `this report names the other and says "previous incarnation"`},
		{"naming the day and saying it was the same",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 sessionstore", 60, []string{"sessionstore"}, pool+" This looks almost identical to what happened on 2 January 2024."),
			"likely repeat", `names the other's day and says "almost identical"`},
		{"naming the day alone and saying it was the same, whatever the services",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 api-gateway", 60, []string{"api-gateway"}, pool+" This looks almost identical to what happened on 2 January 2024."),
			"likely repeat", "raised to the likely threshold: the text says it was the same"},
		{"a phrase about something else says nothing",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 api-gateway", 60, []string{"api-gateway"}, pool+" To prevent recurrence, the action items of 2024-01-02 sessionstore were finished first."),
			"", ""},
		{"the report's own day in its timeline is no reference",
			report("2024-01-02 sessionstore-cert", 1, []string{"sessionstore"}, "the certificate expired at midnight"),
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum+"\n2024-01-02 14:05 The same thing happened on the second host.",
				func(r *Report) { r.Start = r.Start.Add(14 * time.Hour) }),
			"", ""},
		{"calling it unrelated is never likely",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 sessionstore", 60, []string{"sessionstore"}, quorum+" At first this looked like 2024-01-02 sessionstore, but it turned out to be unrelated."),
			"called unrelated", `called unrelated by this report ("unrelated"); never a likely repeat`},
		{"the same task on the same service is likely",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum, func(r *Report) { r.Tasks = []string{"T4242"} }),
			report("2024-03-05 sessionstore", 60, []string{"sessionstore"}, pool, func(r *Report) { r.Tasks = []string{"T4242"} }),
			"likely repeat", "same task T4242"},
		{"hosts name the service of a report without services",
			report("2024-01-02 sessionstore", 1, []string{"sessionstore"}, quorum),
			report("2024-03-05 quorum", 60, nil, quorum+" sessionstore1001 and sessionstore1003 left the ensemble.", func(r *Report) { r.Related = []string{"2024-01-02 sessionstore"} }),
			"likely repeat", "this report: sessionstore1001, sessionstore1003 ↔ sessionstore"},
		{"without services anywhere, the text still finds it",
			report("2024-01-02 one", 1, nil, quorum),
			report("2024-03-05 two", 60, nil, quorum),
			"similar", "no service known for one of them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Catalogue = catalogue
			// Their own words only, not the filler every other report has.
			tt.earlier.Text, tt.later.Text = tt.earlier.Text[:1], tt.later.Text[:1]
			reports := append(background(60), tt.earlier, tt.later)
			got := Detect(reports, cfg)[len(reports)-1]
			c, found := find(got, tt.earlier.ID)
			if !found {
				if tt.class != "" {
					t.Fatalf("%s not a candidate; candidates %+v", tt.earlier.ID, got)
				}
				return
			}
			if tt.class == "" {
				if c.Likely || c.Why.Reference != "" {
					t.Errorf("%s is a candidate by reference: %s", tt.earlier.ID, c.Explain())
				}
				return
			}
			if c.Class() != tt.class {
				t.Errorf("class %q (score %.3f), want %q: %s", c.Class(), c.Score, tt.class, c.Explain())
			}
			if !strings.Contains(c.Explain(), tt.contains) {
				t.Errorf("explanation %q lacks %q", c.Explain(), tt.contains)
			}
		})
	}
}

// TestUnrelatedListedLast: a candidate the text calls unrelated is listed
// after every other, whatever its score.
func TestUnrelatedListedLast(t *testing.T) {
	reports := append(background(60),
		report("2024-01-02 a", 1, []string{"sessionstore"}, quorum),
		report("2024-01-20 b", 19, []string{"sessionstore"}, quorum+" "+pool),
		report("2024-03-05 c", 60, []string{"sessionstore"}, quorum+" It has nothing to do with 2024-01-02 a."))
	got := Detect(reports, DefaultConfig())[len(reports)-1]
	if len(got) < 2 || got[len(got)-1].ID != "2024-01-02 a" || !got[len(got)-1].Why.Unrelated() || got[len(got)-1].Likely {
		t.Fatalf("candidates %+v: want 2024-01-02 a last, called unrelated, not likely", got)
	}
}

// TestQuotedErrorsAreTerms: two reports in other words that quote the
// same error message (with other numbers) share it as one term.
func TestQuotedErrorsAreTerms(t *testing.T) {
	quoting := func(q string) func(*Report) {
		return func(r *Report) { r.Text, r.Quoted = r.Text[:1], []string{q} }
	}
	reports := append(background(60),
		report("2024-01-02 a", 1, []string{"sessionstore"}, quorum, quoting("ERR max number of clients reached (4242)")),
		report("2024-03-05 b", 60, []string{"sessionstore"}, pool, quoting("ERR max number of clients reached (17)")))
	got := Detect(reports, DefaultConfig())[len(reports)-1]
	c, ok := find(got, "2024-01-02 a")
	if !ok || len(c.Why.Terms) == 0 || c.Why.Terms[0] != "`err max number of clients reached`" {
		t.Fatalf("candidates %+v: want 2024-01-02 a, matched on the quoted error", got)
	}
}
