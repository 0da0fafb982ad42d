package analysis

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// fixture is a small archive, newest first as the archive holds it:
//
//	a (day 1) ← b (day 5) ← d (day 9): a chain of three
//	c (day 7) ← e (day 11): a chain of two, more recent
//	f (day 12): similar to a only
//	g (day 13): alone
func fixture() ([]*incident.Incident, [][]repeats.Candidate) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	mk := func(id string, d int, services ...string) *incident.Incident {
		return &incident.Incident{ID: id, Slug: id, Start: day(d), Services: services}
	}
	a := mk("a", 1, "api")
	a.Actionables = []incident.Actionable{{Title: "Fix it", Task: "T1", Status: "open"}, {Title: "Doc it", Task: "T2", Status: "done"}, {Title: "Maybe", Status: "declined"}}
	a.Causes = []string{"retry-storm"}
	b := mk("b", 5, "api", "db")
	b.Causes = []string{"retry-storm"}
	b.Actionables = []incident.Actionable{{Title: "Cap retries", Status: "open"}}
	c := mk("c", 7, "db")
	d := mk("d", 9, "api")
	e := mk("e", 11, "db")
	f := mk("f", 12, "web")
	g := mk("g", 13, "web")
	likely := func(id string, score float64) repeats.Candidate {
		return repeats.Candidate{ID: id, Score: score, Likely: true}
	}
	similar := func(id string, score float64) repeats.Candidate {
		return repeats.Candidate{ID: id, Score: score}
	}
	ins := []*incident.Incident{g, f, e, d, c, b, a}
	cands := [][]repeats.Candidate{
		nil,                 // g
		{similar("a", 0.3)}, // f
		{likely("c", 0.9)},  // e
		{likely("b", 0.8), likely("a", 0.6), similar("c", 0.2)}, // d
		nil,                // c
		{likely("a", 0.7)}, // b
		nil,                // a
	}
	return ins, cands
}

func ids(ins []*incident.Incident) string {
	var s []string
	for _, in := range ins {
		s = append(s, in.ID)
	}
	return strings.Join(s, " ")
}

func candIDs(cs []repeats.Candidate) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.ID)
	}
	return strings.Join(s, " ")
}

func TestIndex(t *testing.T) {
	ins, cands := fixture()
	x := New(ins, cands, DefaultConfig())
	get := func(id string) *incident.Incident {
		in, ok := x.Incident(id)
		if !ok {
			t.Fatalf("no %s", id)
		}
		return in
	}
	tests := []struct {
		id                      string
		likely, similar, recurs string
		chain                   string // the chain's reports, oldest first
		earlier                 string
	}{
		{id: "a", recurs: "b d", chain: "a b d"},
		{id: "b", likely: "a", recurs: "d", chain: "a b d", earlier: "a"},
		{id: "c", recurs: "e", chain: "c e"},
		{id: "d", likely: "b a", similar: "c", chain: "a b d", earlier: "a b"},
		{id: "e", likely: "c", chain: "c e", earlier: "c"},
		{id: "f", similar: "a"},
		{id: "g"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			in := get(tt.id)
			if got := candIDs(x.Likely(in)); got != tt.likely {
				t.Errorf("Likely = %q, want %q", got, tt.likely)
			}
			if got := candIDs(x.Similar(in)); got != tt.similar {
				t.Errorf("Similar = %q, want %q", got, tt.similar)
			}
			var later []string
			for _, r := range x.RecurredLater(in) {
				later = append(later, r.Incident.ID)
				if r.Candidate.ID != tt.id || !r.Candidate.Likely {
					t.Errorf("recurrence %s carries candidate %+v", r.Incident.ID, *r.Candidate)
				}
				// The later report's own candidate, not a copy of it.
				own := false
				list := cands[slices.Index(ins, r.Incident)]
				for k := range list {
					own = own || &list[k] == r.Candidate
				}
				if !own {
					t.Errorf("recurrence %s carries a copy of its candidate, not the list's", r.Incident.ID)
				}
			}
			if got := strings.Join(later, " "); got != tt.recurs {
				t.Errorf("RecurredLater = %q, want %q", got, tt.recurs)
			}
			chain := ""
			if c := x.ChainOf(in); c != nil {
				chain = ids(c.Incidents)
			}
			if chain != tt.chain {
				t.Errorf("chain = %q, want %q", chain, tt.chain)
			}
			var earlier []string
			for _, e := range x.EarlierInChain(in) {
				earlier = append(earlier, e.Incident.ID)
			}
			if got := strings.Join(earlier, " "); got != tt.earlier {
				t.Errorf("EarlierInChain = %q, want %q", got, tt.earlier)
			}
			if got := x.HasLikely(in); got != (tt.likely != "") {
				t.Errorf("HasLikely = %v", got)
			}
		})
	}
	var chains []string
	for _, c := range x.Chains() {
		chains = append(chains, c.ID+":"+ids(c.Incidents))
	}
	if got, want := strings.Join(chains, " | "), "a:a b d | c:c e"; got != want {
		t.Errorf("Chains = %q, want %q (longest first)", got, want)
	}
	// Items of a, seen from d: one open, two closed.
	e := x.EarlierInChain(get("d"))[0]
	if len(e.Open) != 1 || e.Open[0].Task != "T1" || len(e.Closed) != 2 {
		t.Errorf("a's items seen from d: open %v, closed %v", e.Open, e.Closed)
	}
}

func TestChainOrder(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	mk := func(id string, d int) *incident.Incident { return &incident.Incident{ID: id, Slug: id, Start: day(d)} }
	// Two chains of two: the one whose latest report is newer comes first,
	// whatever the order of their oldest reports.
	old1, new1, old2, new2 := mk("old1", 1), mk("new1", 20), mk("old2", 5), mk("new2", 10)
	ins := []*incident.Incident{new1, new2, old2, old1}
	cands := [][]repeats.Candidate{{{ID: "old1", Likely: true}}, {{ID: "old2", Likely: true}}, nil, nil}
	x := New(ins, cands, DefaultConfig())
	var got []string
	for _, c := range x.Chains() {
		got = append(got, c.ID)
	}
	if !slices.Equal(got, []string{"old1", "old2"}) {
		t.Errorf("chains = %v, want old1 (latest day 20) before old2 (latest day 10)", got)
	}
	if !x.Chains()[0].Latest().Equal(day(20)) {
		t.Errorf("Latest = %v", x.Chains()[0].Latest())
	}
}

func TestNoDetection(t *testing.T) {
	ins, _ := fixture()
	x := New(ins, nil, DefaultConfig())
	if len(x.Chains()) != 0 || x.HasLikely(ins[0]) || x.ChainOf(ins[0]) != nil {
		t.Error("an index without candidates has chains or repeats")
	}
	// A report the index does not hold has nothing.
	other := &incident.Incident{ID: "zz"}
	if x.Likely(other) != nil || x.RecurredLater(other) != nil || x.EarlierInChain(other) != nil {
		t.Error("unknown report has results")
	}
}

func TestRates(t *testing.T) {
	ins, cands := fixture()
	x := New(ins, cands, DefaultConfig())
	tests := []struct {
		name   string
		values func(*incident.Incident) []string
		want   []Rate
	}{
		{"services", Services, []Rate{
			{Name: "api", Reports: 3, Repeats: 2},
			{Name: "db", Reports: 3, Repeats: 2},
			{Name: "web", Reports: 2, Repeats: 0},
		}},
		{"causes", Causes, []Rate{{Name: "retry-storm", Reports: 2, Repeats: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := x.Rates(tt.values)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Rates = %+v, want %+v", got, tt.want)
			}
		})
	}
	if s := (Rate{Reports: 4, Repeats: 1}).Share(); s != 0.25 {
		t.Errorf("Share = %v", s)
	}
	if s := (Rate{}).Share(); s != 0 {
		t.Errorf("Share of nothing = %v", s)
	}
}
