package main

import (
	"slices"
	"testing"

	"github.com/incidents-archive/incidents/cmd/benchrepeats/realstyle"
	"github.com/incidents-archive/incidents/generator/repeats"
)

func TestSplitInts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"2000,10000", []int{2000, 10000}},
		{"1", []int{1}},
		{"", nil},
		{" 1, 2 ,,3", []int{1, 2, 3}},
		{"10000,", []int{10000}},
	} {
		if got := splitInts(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitInts(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestDetectionOnRealStyle guards the figures the benchmark measures, on
// a small real-style archive: detection as the analysis stage runs it
// finds the planted repeats and calls few false ones likely, with the
// catalogue's services and without any.
func TestDetectionOnRealStyle(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and analyses a 600-report archive")
	}
	dir := t.TempDir()
	if _, err := realstyle.Write(dir, 600, 5); err != nil {
		t.Fatal(err)
	}
	reports, cfg, truth, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	bareReports, bareCfg := withoutServices(reports, cfg)
	for _, tc := range []struct {
		name                            string
		reports                         []repeats.Report
		cfg                             repeats.Config
		recall, precision, likelyRecall float64
	}{
		{"with services", reports, cfg, 0.9, 0.9, 0.75},
		{"without services", bareReports, bareCfg, 0.85, 0.9, 0.3},
	} {
		q := evaluate(tc.reports, repeats.Detect(tc.reports, tc.cfg), truth)
		t.Logf("%s: %v", tc.name, q)
		if q.repeats < 30 {
			t.Fatalf("%s: only %d planted repeats", tc.name, q.repeats)
		}
		if r := ratio(q.found, q.repeats); r < tc.recall {
			t.Errorf("%s: recall@3 %.3f, want at least %.2f", tc.name, r, tc.recall)
		}
		if p := ratio(q.likelyRight, q.likely); p < tc.precision {
			t.Errorf("%s: likely precision %.3f, want at least %.2f", tc.name, p, tc.precision)
		}
		if r := ratio(q.likelyFound, q.repeats); r < tc.likelyRecall {
			t.Errorf("%s: likely recall %.3f, want at least %.2f", tc.name, r, tc.likelyRecall)
		}
	}
}

func TestEvaluate(t *testing.T) {
	reports := []repeats.Report{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	cands := [][]repeats.Candidate{nil, {{ID: "a", Likely: true}}, {{ID: "b", Likely: true}, {ID: "a"}}}
	truth := map[string][]string{"b": {"a"}, "c": {"a"}}
	q := evaluate(reports, cands, truth)
	want := quality{repeats: 2, found: 2, likely: 2, likelyRight: 1, likelyFound: 1}
	if q != want {
		t.Errorf("evaluate = %+v, want %+v", q, want)
	}
}
