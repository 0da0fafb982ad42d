package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestIndexTime(t *testing.T) {
	for _, tc := range []struct {
		out, what string
		d         time.Duration
		err       bool
	}{
		{out: "Built 3 reports into 9 pages (1.0 MB, 2 of 20 files changed) in 1ms → public\nSearch index 1 indexed, 0 removed, 9999 unchanged in 652ms → .cache/search\n",
			what: "1 indexed, 0 removed, 9999 unchanged", d: 652 * time.Millisecond},
		{out: "Search index built from scratch with 10000 reports in 9.4s → /tmp/x/cache/search\n",
			what: "built from scratch with 10000 reports", d: 9400 * time.Millisecond},
		{out: "Search index left as it is: --no-search-index → x\n", err: true},
		{out: "", err: true},
	} {
		what, d, err := indexTime(tc.out)
		if (err != nil) != tc.err || what != tc.what || d != tc.d {
			t.Errorf("indexTime(%q) = %q, %v, %v; want %q, %v, error %v", tc.out, what, d, err, tc.what, tc.d, tc.err)
		}
	}
}

func TestSpread(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want spread
	}{
		{nil, spread{}},
		{[]float64{5}, spread{5, 5, 5}},
		{[]float64{3, 1, 2}, spread{1, 2, 3}},
		{[]float64{4, 1, 3, 2}, spread{1, 2.5, 4}},
	} {
		if got := spreadOf(tc.in); got != tc.want {
			t.Errorf("spreadOf(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	if got := fmtS(spread{1.234, 2, 30.5}); got != "  1.23 /   2.00 /  30.50 s" {
		t.Errorf("fmtS = %q", got)
	}
	if got := fmtMB(spread{1024, 2048, 102400}); got != "   1 /    2 /  100 MB" {
		t.Errorf("fmtMB = %q", got)
	}
	if got := fmtX(spread{1.1, 1.58, 2}); got != "1.58× (1.10–2.00)" {
		t.Errorf("fmtX = %q", got)
	}
	if got := secs([]time.Duration{time.Second, 1500 * time.Millisecond}); !slices.Equal(got, []float64{1, 1.5}) {
		t.Errorf("secs = %v", got)
	}
}

func TestPercentile(t *testing.T) {
	var p phase
	if p.pct(0.5) != 0 {
		t.Errorf("pct of no requests = %v, want 0", p.pct(0.5))
	}
	for i := 1; i <= 100; i++ {
		p.lat = append(p.lat, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := p.pct(tc.q); got != tc.want {
			t.Errorf("pct(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	p.status = map[int]int{200: 5, 400: 1, 503: 2, statusDeadline: 1, 500: 3, 0: 4}
	if got := p.other(); got != 7 {
		t.Errorf("other() = %d, want 7 (500s and transport errors)", got)
	}
}

func TestPick(t *testing.T) {
	skip := func(s string) bool { return strings.HasPrefix(s, "x") }
	got := pick(3, skip, []string{"a", "xb", "a", "c"}, []string{"d", "e"})
	if want := []string{"a", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("pick = %q, want %q", got, want)
	}
	if got := pick(5, nil, []string{"a"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("pick of too few = %q", got)
	}
}

func TestQuery(t *testing.T) {
	v := q("retry storm", "sort", "newest", "services", "svc-0001")
	if v.Get("q") != "retry storm" || v.Get("size") != "10" || v.Get("sort") != "newest" || v.Get("services") != "svc-0001" {
		t.Errorf("q = %v", v)
	}
}

func TestAppendSentenceAndReportFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "incidents", "2020", "a.md")
	if err := os.MkdirAll(filepath.Dir(a), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a, []byte("---\nid: a\n---\nBody."), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := reportFiles(dir)
	if err != nil || !slices.Equal(files, []string{a}) {
		t.Fatalf("reportFiles = %q, %v", files, err)
	}
	if err := appendSentence(a, 1); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(a)
	if !strings.HasPrefix(string(b), "---\nid: a\n---\nBody.\n\n") || !strings.Contains(string(b), "(2)") {
		t.Errorf("after appendSentence: %q", b)
	}
	if _, err := reportFiles(t.TempDir()); err == nil {
		t.Errorf("reportFiles of an empty folder: no error")
	}
}

func TestGzipSize(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte(strings.Repeat("abc", 1000)), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("x"), 0o644)
	files, raw, gz, err := gzipSize(dir)
	if err != nil || files != 2 || raw != 3001 || gz <= 0 || gz >= raw {
		t.Errorf("gzipSize = %d files, %d raw, %d gzipped, %v", files, raw, gz, err)
	}
	if _, _, _, err := gzipSize(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("gzipSize of a missing folder: no error")
	}
}
