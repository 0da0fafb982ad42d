package repeats

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func day(n int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

// Texts of two different failures and of filler that every report has.
const (
	leak    = "Memory leak after the release: pods were OOM-killed every few minutes and the canary missed it."
	leak2   = "After a release the pods leaked memory and were OOM-killed; the canary did not catch the leak."
	dns     = "A typo in the zone file removed the records; resolvers cached the negative answer."
	filler  = "The on-call engineer was paged, acknowledged the alert and declared the incident."
	filler2 = "Responders joined the call; the coordinator kept the status document current."
)

// archive builds reports: each is (id, day, services, text, extra).
func report(id string, d int, services []string, text string, extra ...func(*Report)) Report {
	r := Report{ID: id, Start: day(d), Services: services, Text: []string{text, filler, filler2}}
	for _, f := range extra {
		f(&r)
	}
	return r
}

// background is unrelated reports, so that word rarity means something.
func background(n int) []Report {
	var out []Report
	topics := []string{"disk filled with logs on the database host", "a certificate expired at midnight",
		"the load balancer dropped health checks", "a schema migration locked the table", "the cache stampede overloaded the backend"}
	for i := 0; i < n; i++ {
		out = append(out, report(fmt.Sprintf("bg-%02d", i), i-400, []string{fmt.Sprintf("svc-%d", i%7)}, topics[i%len(topics)]))
	}
	return out
}

func find(cands []Candidate, id string) (Candidate, bool) {
	for _, c := range cands {
		if c.ID == id {
			return c, true
		}
	}
	return Candidate{}, false
}

func TestSignals(t *testing.T) {
	tests := []struct {
		name     string
		earlier  Report
		later    Report
		found    bool // among the candidates at all
		likely   bool
		contains string // in the explanation
	}{
		{"same failure, same service", report("a", 1, []string{"mediawiki", "ores"}, leak), report("b", 9, []string{"mediawiki", "ores"}, leak2),
			true, true, "the same one failed"},
		{"same failure, another service", report("a", 1, []string{"parsoid"}, leak), report("b", 9, []string{"restbase"}, leak2),
			true, false, "no shared service"},
		{"same service, another failure", report("a", 1, []string{"mediawiki"}, dns), report("b", 9, []string{"mediawiki"}, leak2),
			false, false, ""},
		{"later reports are never candidates", report("a", 9, []string{"mediawiki"}, leak), report("b", 1, []string{"mediawiki"}, leak2),
			false, false, ""},
		{"repeat_of decides", report("a", 1, []string{"dns"}, dns), report("b", 9, []string{"mediawiki"}, leak, func(r *Report) { r.RepeatOf = []string{"a"} }),
			true, true, "names a in repeat_of"},
		{"related adds", report("a", 1, []string{"parsoid"}, leak), report("b", 9, []string{"restbase"}, leak2, func(r *Report) { r.Related = []string{"a"} }),
			true, false, "listed as related"},
		{"a shared task adds", report("a", 1, []string{"parsoid"}, leak, func(r *Report) { r.Tasks = []string{"T1"} }), report("b", 9, []string{"restbase"}, leak2, func(r *Report) { r.Tasks = []string{"T1"} }),
			true, false, "same task T1"},
		{"shared causes, trigger and failure mode count", report("a", 1, []string{"mediawiki"}, leak, func(r *Report) {
			r.Causes, r.Trigger, r.FailureMode = []string{"memory-leak"}, "deploy", "degraded"
		}), report("b", 9, []string{"mediawiki"}, leak2, func(r *Report) { r.Causes, r.Trigger, r.FailureMode = []string{"memory-leak"}, "deploy", "degraded" }),
			true, true, "causes [memory-leak], trigger deploy, failure mode degraded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reports := append(background(60), tt.earlier, tt.later)
			got := Detect(reports, DefaultConfig())
			c, ok := find(got[len(reports)-1], tt.earlier.ID)
			if ok != tt.found {
				t.Fatalf("found = %v, want %v; candidates %+v", ok, tt.found, got[len(reports)-1])
			}
			if !ok {
				return
			}
			if c.Likely != tt.likely {
				t.Errorf("likely = %v (score %.3f), want %v: %s", c.Likely, c.Score, tt.likely, c.Explain())
			}
			if !strings.Contains(c.Explain(), tt.contains) {
				t.Errorf("explanation %q lacks %q", c.Explain(), tt.contains)
			}
		})
	}
}

func TestThresholds(t *testing.T) {
	reports := append(background(60),
		report("a", 1, []string{"parsoid"}, leak),
		report("b", 9, []string{"restbase"}, leak2))
	for _, tt := range []struct {
		likely, similar float64
		wantFound       bool
		wantLikely      bool
	}{
		{0.5, 0.2, true, false},
		{0.2, 0.1, true, true},
		{0.99, 0.95, false, false},
	} {
		cfg := DefaultConfig()
		cfg.Likely, cfg.Similar = tt.likely, tt.similar
		c, ok := find(Detect(reports, cfg)[len(reports)-1], "a")
		if ok != tt.wantFound || c.Likely != tt.wantLikely {
			t.Errorf("likely %.2f similar %.2f: found %v likely %v (score %.3f)", tt.likely, tt.similar, ok, c.Likely, c.Score)
		}
	}
}

// TestDeterministic: the same archive gives the same lists, whatever the
// order of the input and the number of CPUs.
func TestDeterministic(t *testing.T) {
	reports := append(background(80),
		report("a", 1, []string{"mediawiki"}, leak),
		report("b", 5, []string{"mediawiki"}, leak2),
		report("c", 9, []string{"mediawiki"}, leak))
	first := Detect(reports, DefaultConfig())
	reversed := make([]Report, len(reports))
	for i, r := range reports {
		reversed[len(reports)-1-i] = r
	}
	for run := 0; run < 5; run++ {
		got := Detect(reversed, DefaultConfig())
		for i := range reports {
			if !reflect.DeepEqual(first[i], got[len(reports)-1-i]) {
				t.Fatalf("run %d: %s differs:\n%+v\n%+v", run, reports[i].ID, first[i], got[len(reports)-1-i])
			}
		}
	}
}

func TestExplanationGolden(t *testing.T) {
	reports := append(background(60),
		report("2024-01-02 a", 1, []string{"mediawiki", "ores"}, leak, func(r *Report) { r.Causes, r.Trigger = []string{"memory-leak"}, "deploy" }),
		report("2024-01-05 c", 4, []string{"restbase"}, leak2, func(r *Report) { r.Tasks = []string{"T7"} }),
		report("2024-01-07 d", 6, nil, leak+" mw1001 and mw1002 ran out of memory; MediawikiMemoryHigh fired."),
		report("2024-01-08 e", 7, []string{"ores"}, dns),
		report("2024-01-10 b", 9, []string{"mediawiki", "ores"}, leak2+" A previous incarnation of this was 2024-01-08 e. Despite the same pods, this has nothing to do with 2024-01-07 d.", func(r *Report) {
			r.Causes, r.Trigger, r.Tasks = []string{"memory-leak", "canary"}, "deploy", []string{"T7"}
		}))
	cfg := DefaultConfig()
	cfg.Catalogue = []Service{{Name: "mediawiki", Hosts: []string{`mw\d+`}}}
	var b strings.Builder
	for _, c := range Detect(reports, cfg)[len(reports)-1] {
		fmt.Fprintf(&b, "%s (%s): %s\n", c.ID, c.Class(), c.Explain())
	}
	golden := filepath.Join("testdata", "explain.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(b.String()), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("explanations differ from %s (go test -update to accept):\n%s", golden, b.String())
	}
}

func TestTokens(t *testing.T) {
	got := strings.Join(Tokens("The pods were OOM-killed at 10:05; svc-1400 and ML-serve retried 3 times."), " ")
	if want := "pod oom-killed svc-1400 ml-serve retri time"; got != want {
		t.Errorf("Tokens = %q, want %q", got, want)
	}
}

// TestTokensOfParts: a report's text in parts reads as the parts one
// after the other, and no word runs from one part into the next.
func TestTokensOfParts(t *testing.T) {
	tok := newTokenizer(nil)
	var stems []string
	for _, id := range tok.terms("Pods were OOM", "killed; svc", "-1400 retried") {
		stems = append(stems, tok.stems[id])
	}
	got := strings.Join(stems, " ")
	if want := "pod oom kill svc retri"; got != want { // not svc-1400
		t.Errorf("tokens = %q, want %q", got, want)
	}
}

// TestOldRecurrenceOnTheSameService: the posting budget keeps the latest
// postings of common words, and a large archive's are all recent; a
// recurrence years after its original, on the same failed service, is
// still found through that service's own index.
func TestOldRecurrenceOnTheSameService(t *testing.T) {
	cfg := DefaultConfig()
	cfg.PostingBudget = 40
	cfg.ServiceRecent = 3
	reports := []Report{report("original", 0, []string{"mediawiki"}, leak)}
	// The same words on other services, after the original: they fill
	// the budget.
	for k := range 120 {
		reports = append(reports, report(fmt.Sprintf("elsewhere-%03d", k), 10+k, []string{fmt.Sprintf("svc-%d", k%40)}, leak))
	}
	// Other failures of the same service, so that the original is not
	// among its latest reports.
	for k := range 10 {
		reports = append(reports, report(fmt.Sprintf("dns-%02d", k), 200+k, []string{"mediawiki"}, dns))
	}
	reports = append(reports, report("recurrence", 2000, []string{"mediawiki"}, leak2))
	cands := Detect(reports, cfg)[len(reports)-1]
	if len(cands) == 0 || cands[0].ID != "original" || !cands[0].Likely {
		t.Fatalf("want the original first, as a likely repeat; got %+v", cands)
	}
}

// TestSortSplit: sorting in parts (by radix) and merging sorts as
// slices.Sort does, small values and large, few and many.
func TestSortSplit(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	tests := []struct {
		name  string
		value func() uint64
	}{
		{"small", func() uint64 { return uint64(rng.Intn(1000)) }},
		{"term and service", func() uint64 { return uint64(rng.Intn(1<<20))<<32 | uint64(rng.Intn(300)) }},
		{"any", rng.Uint64},
		{"one value", func() uint64 { return 7 << 40 }},
	}
	for _, tc := range tests {
		for _, n := range []int{0, 10, 1 << 12, 1 << 16, 1<<17 + 5} {
			for _, workers := range []int{1, 2, 3, 8} {
				s := make([]uint64, n)
				for k := range s {
					s[k] = tc.value()
				}
				want := slices.Sorted(slices.Values(s))
				if got := sortSplit(s, workers); !slices.Equal(got, want) {
					t.Errorf("%s: %d values on %d workers: not sorted as slices.Sort does", tc.name, n, workers)
				}
			}
		}
	}
}
