package markdown

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// checkBound is how long CheckLimits may take on a document of 1 MB. It
// takes about 0.1 s on a loaded 2-core machine; without the bound the
// renderer takes minutes over these shapes.
const checkBound = 5 * time.Second

// TestCheckLimitsRefuses: every pathological shape is refused, quickly,
// at the line where its limit is passed, and so is each handmade case
// below.
func TestCheckLimitsRefuses(t *testing.T) {
	for _, p := range testutil.PathologicalMarkdown(1 << 20) {
		t.Run(p.Name, func(t *testing.T) {
			start := time.Now()
			err := CheckLimits([]byte(p.Body), 1)
			if took := time.Since(start); took > checkBound {
				t.Errorf("CheckLimits took %v on %d bytes", took, len(p.Body))
			}
			if err == nil {
				t.Fatalf("accepted")
			}
			if lines := strings.Count(p.Body, "\n") + 1; err.Line < 1 || err.Line > lines {
				t.Errorf("line %d is outside the document's %d lines", err.Line, lines)
			}
		})
	}
	tests := []struct {
		name, md  string
		firstLine int
		want      string
	}{
		{
			"a list nested 33 deep, counted from the body's first line",
			nestedList(33), 7,
			"line 39: lists, block quotes or footnotes are nested more than 32 deep here, too deep to render in bounded time",
		},
		{
			"33 block quotes",
			"Intro.\n\n" + strings.Repeat("> ", 33) + "deep\n", 1,
			"line 3: lists, block quotes or footnotes are nested more than 32 deep here, too deep to render in bounded time",
		},
		{
			"unclosed links after a healthy paragraph",
			"Fine text.\n\nMore [text](https://example.org/).\n\n" + strings.Repeat("[a](", 40_000) + "\n", 1,
			`line 5: the paragraph from line 5 holds 40000 links or brackets in 1 line, too many to render in bounded time; split it with blank lines, or put it in a fenced code block if it is not prose`,
		},
		{
			"emphasis marks that close nothing",
			strings.Repeat("a*b_", 40_000), 3,
			`line 3: the paragraph from line 3 holds 80000 emphasis marks (*, _, ~) in 1 line, too many to render in bounded time; split it with blank lines, or put it in a fenced code block if it is not prose`,
		},
		{
			"footnotes",
			strings.Repeat("Text[^a] ", 1001), 1,
			"line 1: has more than 1000 footnote references and definitions; a document may have at most 1000",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckLimits([]byte(tt.md), tt.firstLine)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

// nestedList is a list nested depth deep, one level a line, indented as
// people write it.
func nestedList(depth int) string {
	var b strings.Builder
	for i := range depth {
		fmt.Fprintf(&b, "%s- level %d\n", strings.Repeat("  ", i), i+1)
	}
	return b.String()
}

// TestCheckLimitsAccepts: what real reports write, and much more, is
// within the limits, code blocks of any size above all.
func TestCheckLimitsAccepts(t *testing.T) {
	var log, links, table, footnotes, prose strings.Builder
	log.WriteString("```\n")
	for i := 0; log.Len() < 1<<20; i++ {
		fmt.Fprintf(&log, "2026-02-23T10:%02d:00Z [INFO] worker_%d: *retry* __backoff__ [queue=jobs_%d] <%d>\n", i%60, i, i, i)
	}
	log.WriteString("```\n")
	for i := range 5000 {
		fmt.Fprintf(&links, "- [T%d](https://tasks.example.org/T%d) is *done*, see [the log](https://logs.example.org/%d \"log\")\n", 1000+i, 1000+i, i)
	}
	table.WriteString("| host | state | link |\n|---|---|---|\n")
	for i := range 2000 {
		fmt.Fprintf(&table, "| mw%d | **down** | [graph](https://grafana.example.org/d/x?var-host=mw%d&from=now-6h) |\n", i, i)
	}
	for i := range 400 {
		fmt.Fprintf(&footnotes, "Claim %d.[^c%d]\n\n[^c%d]: Source %d.\n\n", i, i, i, i)
	}
	for prose.Len() < 1<<20 {
		prose.WriteString("The *primary* database [failed over](https://wiki.example.org/Failover) at 10:04; `pc1011` took the writes, and _most_ readers retried (see [T418722] and [the graph][g]).\n\n")
	}
	prose.WriteString("[g]: https://grafana.example.org/\n")
	tests := []struct{ name, md string }{
		{"a list nested 32 deep", nestedList(32)},
		{"32 block quotes", strings.Repeat("> ", 32) + "deep\n"},
		{"lists in quotes, four deep, with code", "> - a\n>   1. b\n>      - c\n>        - d\n>\n>              indented code\n"},
		{"a 1 MB log in a fenced code block", log.String()},
		{"a 1 MB log in an indented code block", "Log:\n\n    " + strings.ReplaceAll(strings.Trim(log.String(), "`\n"), "\n", "\n    ") + "\n"},
		{"5,000 links in one list", links.String()},
		{"a table of 2,000 rows", table.String()},
		{"400 footnotes", footnotes.String()},
		{"1 MB of prose", prose.String()},
		{"a thematic break of stars", strings.Repeat("* ", 30) + "\n\ntext\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckLimits([]byte(tt.md), 1); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
	// And the archive's own reports and pages.
	err := filepath.WalkDir("../../content", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := CheckLimits(data, 1); err != nil {
			t.Errorf("%s: refused: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWithinLimitsRendersInBoundedTime renders, for each pathological
// shape that has a size the limits accept, the largest such input: the
// limits must keep goldmark's work small, not just refuse the examples.
// Each renders in well under a second of CPU (a healthy 4 MB report takes
// about 0.2 s); the bound is ten times that, in CPU time (cpuTime): the
// collector's work on the other CPU counts too.
func TestWithinLimitsRendersInBoundedTime(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a few inputs at the limits")
	}
	const bound = 10 * time.Second
	r := newTestRenderer(false)
	for _, shape := range []struct {
		name string
		body func(n int) string
	}{
		{"unclosed links", func(n int) string { return strings.Repeat("[a](", n) }},
		{"unclosed images", func(n int) string { return strings.Repeat("![a](", n) }},
		{"nested brackets", func(n int) string { return strings.Repeat("[", n) + "a" + strings.Repeat("]", n) + "(b)" }},
		{"unclosed links on many lines", func(n int) string { return strings.Repeat("[a](\n", n) }},
		{"unclosed link titles", func(n int) string { return strings.Repeat("[a](b \"\n", n) }},
		{"reference definitions", func(n int) string { return strings.Repeat("[a]: b '\n", n) }},
		{"emphasis marks", func(n int) string { return strings.Repeat("a*b_", n) }},
		{"block quotes at the deepest", func(n int) string { return strings.Repeat(strings.Repeat("> ", 32)+"x\n", n) }},
	} {
		t.Run(shape.name, func(t *testing.T) {
			n := largestAccepted(shape.body, 4<<20)
			src := []byte(shape.body(n))
			// CPU time, not wall time: other work sharing the machine
			// stretches the wall clock several times over, not the work.
			start := cpuTime()
			if _, err := r.Render(src); err != nil {
				t.Fatal(err)
			}
			if took := cpuTime() - start; took > bound {
				t.Errorf("%d bytes took %v of CPU to render", len(src), took)
			}
		})
	}
}

// largestAccepted is the largest n, up to a body of max bytes, for which
// CheckLimits accepts body(n).
func largestAccepted(body func(int) string, max int) int {
	ok := func(n int) bool {
		s := body(n)
		return len(s) <= max && CheckLimits([]byte(s), 1) == nil
	}
	lo, hi := 1, 2
	for ok(hi) {
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		if m := (lo + hi) / 2; ok(m) {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
