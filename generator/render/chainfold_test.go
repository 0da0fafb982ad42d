package render

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/layouts"
)

// TestLongChainFoldKeyed: a report page's repeat section leaves out its
// recurrence chain when every other report of the chain is listed above
// it (fold, repeats.go repeatBlocks), which depends on every member of the
// chain; the key of a report page of a long chain holds only
// the chain's length, its oldest and newest reports and the part around the
// report (chainWindow). A member outside that part that is replaced by
// another (detection's lists of other reports move when a report far away
// is edited) keeps the key and changes the page: the published page is
// kept, stale, unless a long chain is never folded (it is shown around
// the report instead).
func TestLongChainFoldKeyed(t *testing.T) {
	const n = 30 // chain reports r00 … r29; the page is r15's
	id := func(k int) string {
		return time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*k).Format("2006-01-02") + fmt.Sprintf(" flood-%02d", k)
	}
	const xID = "2023-01-10 other"
	files := func(xTitle string) fstest.MapFS {
		fs := fstest.MapFS{"site.yaml": {Data: []byte("title: Fold\n")}}
		for k := range n {
			fs[fmt.Sprintf("incidents/r%02d.md", k)] = &fstest.MapFile{Data: []byte("---\nid: " + id(k) + "\ntitle: Flood " + fmt.Sprint(k) + "\nstart: " + id(k)[:10] + " 09:00\n---\nText.\n")}
		}
		fs["incidents/x.md"] = &fstest.MapFile{Data: []byte("---\nid: " + xID + "\ntitle: " + xTitle + "\nstart: 2023-01-10 09:00\n---\nText.\n")}
		return fs
	}
	likely := func(ids ...string) []repeats.Candidate {
		var out []repeats.Candidate
		for _, i := range ids {
			out = append(out, repeats.Candidate{ID: i, Score: 0.9, Likely: true})
		}
		return out
	}
	// lists gives each report's candidates; r02's list is what differs.
	lists := func(r02 []repeats.Candidate) map[string][]repeats.Candidate {
		m := map[string][]repeats.Candidate{}
		var in []repeats.Candidate
		for k := 14; k >= 0; k-- {
			c := repeats.Candidate{ID: id(k), Score: 0.9, Likely: true}
			if k == 1 {
				c.Score, c.Likely = 0.5, false // similar, not a likely repeat
			}
			in = append(in, c)
		}
		m[id(15)] = in
		for k := 16; k < n; k++ {
			m[id(k)] = likely(id(15))
		}
		m[id(2)] = r02
		return m
	}
	page := func(xTitle string, r02 []repeats.Candidate) (PageKey, string, int) {
		arc, diags, err := archive.Load(context.Background(), files(xTitle), archive.Options{})
		if err != nil || diags.HasErrors() {
			t.Fatalf("loading: %v %v", err, diags.Errors())
		}
		m := lists(r02)
		cands := make([][]repeats.Candidate, len(arc.Incidents))
		for i, in := range arc.Incidents {
			cands[i] = m[in.ID]
		}
		s := keyedSite(t, arc, cands, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
		in, _ := arc.Incident(id(15))
		key, ok := s.incidentPageKey(in, incidentPagePath(in))
		if !ok {
			t.Fatal("no key")
		}
		return key, string(s.repeatData(in).Blocks), len(s.rep.ChainOf(in).Incidents)
	}
	type build struct {
		name   string
		xTitle string              // the other report's title: the edit
		r02    []repeats.Candidate // r02's list: r01, then the edited other report
	}
	for _, tc := range []struct{ before, after build }{
		{build{"r02 repeats r01", "Other", likely(id(1))}, build{"r02 repeats the edited other report", "Other, edited", likely(xID)}},
	} {
		k1, b1, n1 := page(tc.before.xTitle, tc.before.r02)
		k2, b2, n2 := page(tc.after.xTitle, tc.after.r02)
		t.Logf("chain lengths %d and %d", n1, n2)
		if k1 == k2 && b1 != b2 {
			t.Errorf("%s -> %s: r15's page key is the same, but its repeat section differs (the published page is kept, stale): chain listed before %v, after %v",
				tc.before.name, tc.after.name, strings.Contains(b1, "Recurrence chain"), strings.Contains(b2, "Recurrence chain"))
		}
	}
}

// keyedSite is the site of arc with the possible repeats cands (by
// report, as arc.Incidents holds them) and page keys on, for tests of
// the keys: detection does not run, so that the tests choose what names
// what.
func keyedSite(t testing.TB, arc *archive.Archive, cands [][]repeats.Candidate, now time.Time) *site {
	t.Helper()
	f, err := facts.Compute(context.Background(), arc, facts.Options{Root: "/", ReservedIDs: ReservedIDs(), Repeats: cands, NoTrends: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	s := &site{arc: arc, facts: f, opts: Options{BaseURL: "/", Layouts: layouts.FS, Workers: 1, Reuse: &Reuse{Global: "g"}}, root: "/", absBase: "/"}
	if err := s.prepare(); err != nil {
		t.Fatal(err)
	}
	return s
}
