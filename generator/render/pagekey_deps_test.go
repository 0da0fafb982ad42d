package render

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// TestReportPageKeyFollowsItsPage edits, one at a time, the report, each
// kind of report its page shows besides it, its possible repeats, a
// later report's and its task, and checks that the page's key changes
// whenever its HTML does: a key that stays while the page changes keeps
// a stale page (see keys.go). The possible repeats are given, not
// detected, so that no report is on the page for a reason other than the
// one each edit tests: the random edits of
// TestIncrementalBuildsMatchCold, in an archive of 60 related reports,
// leave some dependencies untested. Removing any one of incidentKey's
// dependencies fails this test (checked 2026-12-03) but two: the long
// chain's window (TestLongChainFoldKeyed) and the next older report, which
// is always among the reports before it that the scorecard compares with.
func TestReportPageKeyFollowsItsPage(t *testing.T) {
	day := func(d int) string {
		return time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format("2006-01-02")
	}
	// r0 … r11, a week apart, r0 the oldest; the page is r8's. The five
	// before it (r3 … r7) are those its scorecard's answer on responders
	// is compared with, r7 also its older neighbour; r9 is its newer
	// neighbour, r1 the report it names in related, r10 one that names it,
	// r0 its possible repeat; its action item is task T7.
	type report struct {
		title, end, responders, related string
		extra                           string // more front matter
		start                           int    // days after the first report
	}
	base := func() []report {
		rs := make([]report, 12)
		for k := range rs {
			rs[k] = report{title: fmt.Sprintf("Report %d", k), end: "10:00", responders: fmt.Sprintf("[Person %d]", k), start: 7 * k}
		}
		rs[8].related = "[" + day(7) + " r1]"
		rs[10].related = "[" + day(56) + " r8]"
		rs[8].extra = "actionables:\n  - title: Add an alert\n    task: T7\nscorecard:\n  responders_differ: yes\n"
		return rs
	}
	const tasksOpen = `{"synced":"2023-04-01T00:00:00Z","tracker":"offline","tasks":[{"id":"T7","state":"open","created":"2023-03-01T00:00:00Z"}]}`
	const tasksDone = `{"synced":"2023-04-01T00:00:00Z","tracker":"offline","tasks":[{"id":"T7","state":"resolved","created":"2023-03-01T00:00:00Z","closed":"2023-03-20T00:00:00Z"}]}`
	id := func(k int) string { return fmt.Sprintf("%s r%d", day(7*k), k) }
	// state is what the page is made from: the report files, tasks.json
	// and the possible repeats of each report, by its number.
	type state struct {
		rs    []report
		tasks string
		lists map[int][]repeats.Candidate
	}
	page := func(st state) (PageKey, string) {
		t.Helper()
		fs := fstest.MapFS{"site.yaml": {Data: []byte("title: Keys\ntask_url: https://tasks.example.org/{task}\n")}, "tasks.json": {Data: []byte(st.tasks)}}
		for k, r := range st.rs {
			var b strings.Builder
			fmt.Fprintf(&b, "---\nid: %s\ntitle: %s\nstart: %s 09:00\nend: %s %s\nresponders: %s\n", id(k), r.title, day(r.start), day(r.start), r.end, r.responders)
			if r.related != "" {
				fmt.Fprintf(&b, "related: %s\n", r.related)
			}
			b.WriteString(r.extra)
			b.WriteString("---\nThe service failed.\n")
			fs[fmt.Sprintf("incidents/r%d.md", k)] = &fstest.MapFile{Data: []byte(b.String())}
		}
		arc, diags, err := archive.Load(context.Background(), fs, archive.Options{})
		if err != nil || diags.HasErrors() {
			t.Fatalf("loading: %v %v", err, diags.Errors())
		}
		cands := make([][]repeats.Candidate, len(arc.Incidents))
		for i, in := range arc.Incidents {
			for k, list := range st.lists {
				if in.ID == id(k) {
					cands[i] = list
				}
			}
		}
		s := keyedSite(t, arc, cands, time.Date(2023, 4, 2, 12, 0, 0, 0, time.UTC))
		in, _ := arc.Incident(id(8))
		var buf bytes.Buffer
		if _, err := s.incidentJob(in)(&buf); err != nil {
			t.Fatal(err)
		}
		key, ok := s.keys[incidentPagePath(in)]
		if !ok {
			t.Fatal("the page has no key")
		}
		return key, buf.String()
	}
	start := func() state {
		// r0 is r8's possible repeat, not a likely one: a chain would put
		// r8 and r0 in the key a second time.
		return state{rs: base(), tasks: tasksOpen, lists: map[int][]repeats.Candidate{8: {{ID: id(0), Score: 0.5}}}}
	}
	laterRepeat := func(st *state) { st.lists[11] = []repeats.Candidate{{ID: id(8), Score: 0.9, Likely: true}} }
	for _, tc := range []struct {
		name  string
		setup func(*state) // before and after the edit
		edit  func(*state)
	}{
		{"the report's end", nil, func(st *state) { st.rs[8].end = "11:30" }},
		{"the next newer report's date", nil, func(st *state) { st.rs[9].start++ }},
		{"the next older report's date", nil, func(st *state) { st.rs[7].start-- }},
		{"the title of the report it links", nil, func(st *state) { st.rs[1].title = "Renamed 1" }},
		{"the title of a report that links it", nil, func(st *state) { st.rs[10].title = "Renamed 10" }},
		{"its possible repeat's title", nil, func(st *state) { st.rs[0].title = "Renamed 0" }},
		{"its possible repeat's score", nil, func(st *state) { st.lists[8][0].Score = 0.7 }},
		{"a later report's score as its repeat", laterRepeat, func(st *state) { st.lists[11][0].Score = 0.95 }},
		{"the responders of a report before it", nil, func(st *state) { st.rs[5].responders = "[Person 5, Person 8]" }},
		{"its action item's task", nil, func(st *state) { st.tasks = tasksDone }},
	} {
		st := start()
		if tc.setup != nil {
			tc.setup(&st)
		}
		before, beforeHTML := page(st)
		st = start()
		if tc.setup != nil {
			tc.setup(&st)
		}
		tc.edit(&st)
		after, afterHTML := page(st)
		if afterHTML == beforeHTML {
			t.Errorf("%s: the page did not change; the edit tests nothing", tc.name)
			continue
		}
		if after == before {
			t.Errorf("%s: the page changed but its key did not: the published page would be kept, stale", tc.name)
		}
	}
}
