package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAppendSentence(t *testing.T) {
	const want = "The build benchmark changed this report in run 3, and the page must say so.\n"
	for _, tc := range []struct{ name, in, out string }{
		{"ends with a newline", "---\nid: x\n---\nBody.\n", "---\nid: x\n---\nBody.\n\n" + want},
		{"ends without one", "---\nid: x\n---\nBody.", "---\nid: x\n---\nBody.\n\n" + want},
		{"ends with a blank line", "Body.\n\n", "Body.\n\n" + want},
		{"empty", "", want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := make([]byte, len(tc.in), len(tc.in)+100)
			copy(in, tc.in)
			got := appendSentence(in, 3)
			if string(got) != tc.out {
				t.Errorf("appendSentence(%q) = %q, want %q", tc.in, got, tc.out)
			}
			if string(in[:len(tc.in)]) != tc.in || string(in[:cap(in)][len(tc.in):len(tc.in)+1]) != "\x00" {
				t.Errorf("appendSentence wrote into its argument's spare capacity")
			}
		})
	}
	if bytes.Equal(appendSentence([]byte("a\n"), 1), appendSentence([]byte("a\n"), 2)) {
		t.Errorf("two runs appended the same sentence; each run's change must be new")
	}
}

func TestEditOrder(t *testing.T) {
	got := editOrder(100, 10, 1)
	if len(got) != 10 {
		t.Fatalf("editOrder(100, 10, 1) has %d reports, want 10", len(got))
	}
	seen := map[int]bool{}
	for _, i := range got {
		if i < 0 || i >= 100 || seen[i] {
			t.Errorf("editOrder(100, 10, 1) = %v: %d repeated or out of range", got, i)
		}
		seen[i] = true
	}
	if again := editOrder(100, 10, 1); !slices.Equal(got, again) {
		t.Errorf("editOrder is not the same for a seed: %v then %v", got, again)
	}
	if other := editOrder(100, 10, 2); slices.Equal(got, other) {
		t.Errorf("seeds 1 and 2 picked the same reports %v", got)
	}
	// More runs than reports: every report once before any twice.
	cyc := editOrder(3, 7, 1)
	for i := 3; i < 7; i++ {
		if cyc[i] != cyc[i-3] {
			t.Errorf("editOrder(3, 7, 1) = %v, want a cycle of 3", cyc)
		}
	}
	if s := slices.Sorted(slices.Values(cyc[:3])); !slices.Equal(s, []int{0, 1, 2}) {
		t.Errorf("editOrder(3, 7, 1) = %v, want each of 0, 1, 2 in the first three", cyc)
	}
}

func TestParseChanged(t *testing.T) {
	for _, tc := range []struct {
		name, out      string
		changed, files int
		err            bool
	}{
		{name: "build", out: "Built 10000 reports into 25403 pages (397.1 MB, 12 of 36012 files changed) in 2.1s → /tmp/w/public\n",
			changed: 12, files: 36012},
		{name: "pages kept", out: "Built 10000 reports into 15706 pages (308.1 MB, 11 of 25863 files changed; 20878 unchanged kept without rendering) in 3.2s → /tmp/w/public\n",
			changed: 11, files: 25863},
		{name: "drafts and a second line", out: "Built 4 reports (1 draft left out: --drafts to include it) into 9 pages (1.0 MB, 0 of 20 files changed) in 31ms → public\nSearch index 1 indexed, 0 removed, 3 unchanged in 5ms → .cache/search\n",
			changed: 0, files: 20},
		{name: "no summary", out: "nothing here\n", err: true},
		{name: "a warning that looks alike", out: "x.md: warning: Built 3 of 4 files changed) in 1s → \n", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed, files, err := parseChanged(tc.out)
			if (err != nil) != tc.err {
				t.Fatalf("parseChanged: error %v, want error %v", err, tc.err)
			}
			if changed != tc.changed || files != tc.files {
				t.Errorf("parseChanged = %d of %d, want %d of %d", changed, files, tc.changed, tc.files)
			}
		})
	}
}

func TestCheckChanged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changed int
		ok      bool
	}{
		{caseNoChange, 0, true},
		{caseNoChange, 1, false},
		{caseOneChange, 0, false},
		{caseOneChange, 25, true},
		{caseCold, 0, true},
		{caseCold, 100, true},
	} {
		err := checkChanged(tc.name, sample{changed: tc.changed, files: 100})
		if (err == nil) != tc.ok {
			t.Errorf("checkChanged(%q, %d changed) = %v, want ok %v", tc.name, tc.changed, err, tc.ok)
		}
	}
}

func TestParseLoadAvg(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1.27 1.92 1.29 3/106 22112\n", "1.27 1.92 1.29"},
		{"0.00 0.01 0.05 1/80 7", "0.00 0.01 0.05"},
		{"1.27 1.92", ""},
		{"high 1.92 1.29 3/106 22112", ""},
	} {
		got, err := parseLoadAvg(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("parseLoadAvg(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want spread
	}{
		{nil, spread{}},
		{[]float64{2}, spread{2, 2, 2}},
		{[]float64{3, 1, 2}, spread{2, 1, 3}},
		{[]float64{4, 1, 3, 2}, spread{2.5, 1, 4}},
	} {
		if got := spreadOf(tc.in); got != tc.want {
			t.Errorf("spreadOf(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestFormatSummary(t *testing.T) {
	s := func(wall, cpu float64, mb int64, changed int) sample {
		return sample{wall: time.Duration(wall * float64(time.Second)), cpu: time.Duration(cpu * float64(time.Second)), rss: mb << 10, changed: changed, files: 36012}
	}
	pairs := []pair{
		{build: s(10, 20, 400, 30), floor: s(5, 10, 100, 0)},
		{build: s(12, 22, 380, 25), floor: s(8, 11, 100, 0), buildFirst: true},
	}
	got := formatSummary(caseOneChange, summarize(pairs))
	want := []string{
		"one change  wall  build   11.00 s  floor    6.50 s  build/floor 1.75× (1.50–2.00)",
		"one change  CPU   build   21.00 s  floor   10.50 s  build/floor 2.00× (2.00–2.00)",
		"one change  RSS   build    390 MB  floor    100 MB  build/floor 3.90× (3.80–4.00)",
		"one change  files changed by the build: 25–30 of 36012",
	}
	if !slices.Equal(got, want) {
		t.Errorf("formatSummary =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	one := formatSummary(caseCold, summarize(pairs[:1]))
	if !strings.HasSuffix(one[0], "build/floor 2.00×") || !strings.HasSuffix(one[3], ": 30 of 36012") {
		t.Errorf("one pair: want no range, got\n%s", strings.Join(one, "\n"))
	}
	for _, name := range cases {
		for _, l := range formatSummary(name, summarize(pairs)) {
			if !strings.HasPrefix(l, name+" ") {
				t.Errorf("line %q does not name its case %q first", l, name)
			}
		}
	}
}

func TestFormatRun(t *testing.T) {
	p := pair{
		build:      sample{wall: 1500 * time.Millisecond, cpu: 3 * time.Second, rss: 300 << 10, changed: 0, files: 9},
		floor:      sample{wall: time.Second, cpu: 2 * time.Second, rss: 100 << 10},
		buildFirst: true,
	}
	got := formatRun(caseNoChange, 2, 3, p)
	want := "no change   pair 2/3, build first: build 1.50 s wall, 3.00 s CPU, 300 MB (0 of 9 files changed) | floor 1.00 s wall, 2.00 s CPU, 100 MB | build/floor wall 1.50×, CPU 1.50×"
	if got != want {
		t.Errorf("formatRun =\n%s\nwant\n%s", got, want)
	}
}

func TestFormatMachine(t *testing.T) {
	got := formatMachine(machine{
		cores: 2, loadStart: "1.27 1.92 1.29", loadEnd: "2.00 1.95 1.40",
		date:      time.Date(2026, 12, 2, 12, 30, 0, 0, time.UTC),
		goVersion: "go1.26.8", incidents: "incidents d2b1da8 (go1.26.8)",
		n: 10000, seed: 1, runs: 3,
	})
	want := "machine: 2 cores; load average 1.27 1.92 1.29 at start, 2.00 1.95 1.40 at end; 2026-12-02 12:30 UTC; go1.26.8, incidents d2b1da8 (go1.26.8); 10000 reports (gencorpus.py seed 1), 3 pair(s) per case"
	if got != want {
		t.Errorf("formatMachine =\n%s\nwant\n%s", got, want)
	}
}

func TestReportFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"incidents/2021/b.md", "incidents/2020/a.md", "incidents/2020/notes.txt", "pages/about.md"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := reportFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "incidents/2020/a.md"), filepath.Join(dir, "incidents/2021/b.md")}
	if !slices.Equal(got, want) {
		t.Errorf("reportFiles = %q, want %q", got, want)
	}
	if _, err := reportFiles(t.TempDir()); err == nil {
		t.Errorf("reportFiles of an empty folder: no error")
	}
}

// TestMeasure runs this test binary as a child that prints a build's
// summary line, and checks what measure reads of it.
func TestMeasure(t *testing.T) {
	if os.Getenv("BENCHBUILD_CHILD") != "" {
		fmt.Println("Built 3 reports into 9 pages (1.0 MB, 2 of 20 files changed) in 1ms → public")
		if os.Getenv("BENCHBUILD_CHILD") == "fail" {
			fmt.Fprintln(os.Stderr, "the child failed on purpose")
			os.Exit(3)
		}
		os.Exit(0)
	}
	t.Setenv("BENCHBUILD_CHILD", "ok")
	s, out, err := measure(os.Args[0], "-test.run=^TestMeasure$")
	if err != nil {
		t.Fatal(err)
	}
	if s.wall <= 0 || s.rss <= 0 {
		t.Errorf("measure = %+v, want a wall time and a peak memory", s)
	}
	if c, f, err := parseChanged(out); err != nil || c != 2 || f != 20 {
		t.Errorf("the child's output gave %d of %d, %v", c, f, err)
	}
	t.Setenv("BENCHBUILD_CHILD", "fail")
	if _, _, err := measure(os.Args[0], "-test.run=^TestMeasure$"); err == nil || !strings.Contains(err.Error(), "failed on purpose") {
		t.Errorf("a failing child: error %v, want one with its standard error", err)
	}
}

func TestParseCases(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"cold", []string{caseCold}, false},
		{"no change, cold", []string{caseCold, caseNoChange}, false},
		{strings.Join(cases, ","), cases, false},
		{"cold,warm", nil, true},
		{"", nil, true},
	} {
		got, err := parseCases(tc.in)
		if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
			t.Errorf("parseCases(%q) = %q, %v; want %q, error %t", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestMeasureOutput(t *testing.T) {
	dir := t.TempDir()
	files := map[string]int{
		"index.html":             10,
		"incidents/a/index.html": 300,
		"incidents.json":         5000, // larger, but not a page
		".manifest":              7000, // hidden: not the site's
		".spare/big.html":        9000,
	}
	for name, size := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := measureOutput(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := outputSize{files: 3, bytes: 5310, largestHTML: "incidents/a/index.html", largestSize: 300}
	if got != want {
		t.Errorf("measureOutput = %+v, want %+v", got, want)
	}
	line := formatOutput(got, outputSize{files: 1, bytes: 2655})
	if !strings.Contains(line, "build/floor 2.00× bytes") || !strings.Contains(line, "incidents/a/index.html, 0 KB") {
		t.Errorf("formatOutput = %q", line)
	}
}

func TestAddedReport(t *testing.T) {
	src := "---\nid: 2019-05-29 scraper-traffic\ntitle: svc overload\nstart: 2019-05-29 17:09:56\nend: 2019-05-30 03:09:56\ndetected: 2019-05-29 21:56:56\n---\nstart: of the body stays\n"
	start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	got, id, err := addedReport([]byte(src), start, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := "---\nid: 2026-12-02 bench-added-3\ntitle: svc overload\nstart: 2026-12-02 08:00:00\nend: 2026-12-02 18:00:00\ndetected: 2026-12-02 12:47:00\n---\nstart: of the body stays\n"
	if string(got) != want || id != "2026-12-02 bench-added-3" {
		t.Errorf("added report %q (id %q), want\n%q", got, id, want)
	}
	if _, _, err := addedReport([]byte("---\nid: x\n---\n"), start, 1); err == nil {
		t.Error("a report without a start was copied")
	}
	if s, ok := reportStart([]byte(src)); !ok || !s.Equal(time.Date(2019, 5, 29, 17, 9, 56, 0, time.UTC)) {
		t.Errorf("reportStart = %v, %v", s, ok)
	}
}
