package wikitext

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"
)

// maxFuzzInput is the largest input FuzzConvert holds to the renderer's
// limits. The converter keeps nesting and footnotes within them at any
// size; the inline work bound (markdown.MaxInlineWork) grows with the
// square of the emphasis marks in one paragraph, which a page of 16 KB
// cannot reach.
const maxFuzzInput = 16 << 10

// FuzzConvert checks, for any input: Convert does not panic; it gives the
// same output twice; the output is empty or ends with one newline, holds
// none of the converter's internal marks, renders without raw HTML, and
// (for inputs up to maxFuzzInput) passes markdown.CheckLimits; and an
// input of plain words, with no markup at all, keeps its words in order.
func FuzzConvert(f *testing.F) {
	pages, _ := filepath.Glob("testdata/*.wiki")
	for _, p := range pages {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"", "'''", "{{", "[[", "{|", "{|\n|", "<ref>", "<ref name=a/>", "* # : ;", "== ==",
		"{{a|{{b|[[c|d]]}}}}", "{|\n{|\n{|\n|}\n|}", "<pre>\n</pre>", "<nowiki>", "&#0;", "\u00a0*",
		strings.Repeat("*", 100) + "x", strings.Repeat(":", 100) + "x", strings.Repeat("{|\n| a\n", 40),
		strings.Repeat("<ref>x</ref>", 500), "'''''a''b'''c''''", "[http://a b]", "<code>`</code>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		md, warnings := Convert(src, testOpt)
		md2, _ := Convert(src, testOpt)
		if md != md2 {
			t.Fatalf("two conversions differ:\n%q\n%q", md, md2)
		}
		if md != "" && (!strings.HasSuffix(md, "\n") || strings.HasSuffix(md, "\n\n")) {
			t.Errorf("output does not end with exactly one newline: %q", md)
		}
		if strings.ContainsAny(md, brMark+"\x00") {
			t.Errorf("output holds an internal mark: %q", md)
		}
		for _, w := range warnings {
			if w.Kind == "" || w.Message == "" {
				t.Errorf("empty warning: %+v", w)
			}
		}
		if len(src) <= maxFuzzInput {
			checkMarkdown(t, md)
		}
		if plainWords(src) {
			if got, want := strings.Fields(md), strings.Fields(src); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("plain words changed:\n got %q\nwant %q", got, want)
			}
		}
	})
}

// plainWords reports text that is only letters, digits, spaces and line
// breaks, with no line starting with a space: nothing wikitext or
// Markdown reads as markup.
func plainWords(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\n' && !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return !strings.HasPrefix(s, " ") && !strings.Contains(s, "\n ")
}

// TestPathologicalInputs converts inputs that once took the converter
// seconds to minutes (nested tables re-read at every level, nested links
// converted within one another, unclosed links, tags and link heads each
// scanned to the end of the text) and checks that the work stays linear:
// each input is converted at two sizes, n and 4n repeats of its pattern,
// and the larger may take at most 10 times the user CPU time of the
// smaller (linear work takes 4 times, quadratic 16). A ratio, unlike a
// bound in seconds, holds on a machine of any speed or load. Each size is
// timed three times and the fastest kept, so that a collection or a
// moment off the CPU in one run does not count, and a pair over the ratio
// is measured again, three times in all at most; the 20 ms of slack is
// for inputs converted in a millisecond, where the clock's grain is the
// difference.
// The nested tables took 8 minutes before their first fix, and 24 times
// as long for 4 times the input before their second.
func TestPathologicalInputs(t *testing.T) {
	const (
		maxRatio = 10
		slack    = 20 * time.Millisecond
	)
	type pattern struct {
		head, unit, tail, foot string // head + unit×n + tail×n + foot
		n                      int
	}
	cases := map[string]pattern{
		"unclosed links":      {unit: "[[a|", n: 4000},
		"nested links":        {unit: "[[x|", tail: "]]", n: 2000},
		"nested file links":   {unit: "[[File:a|", tail: "]]", n: 1500},
		"nested tables":       {unit: "{|\n", n: 5000},
		"tables in cells":     {unit: "{|\n|a\n", n: 2000},
		"unclosed templates":  {unit: "{{a|", n: 4000},
		"nested strike":       {unit: "<s>", tail: "</s>", n: 8000},
		"unclosed tags":       {unit: "<s>a", n: 8000},
		"unended tags":        {unit: "<s a ", n: 8000},
		"nested refs":         {unit: "<ref>a", tail: "</ref>", n: 8000},
		"many refs":           {unit: "<ref>x</ref>", n: 1300},
		"deep list":           {unit: "*", n: 16000},
		"many list lines":     {unit: "**********\n", n: 1500},
		"big table":           {head: "{|\n", unit: "| a || b\n|-\n", foot: "|}", n: 1500},
		"apostrophes":         {unit: "'''a", n: 4000},
		"unclosed comments":   {unit: "<!--", n: 4000},
		"definition terms":    {unit: ";a:", n: 5000},
		"external link heads": {unit: "[http://a ", n: 6400},
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			src := func(n int) string {
				return p.head + strings.Repeat(p.unit, n) + strings.Repeat(p.tail, n) + p.foot
			}
			small, large := src(p.n), src(4*p.n)
			// User CPU time, not wall time, nor system time: other work
			// on the machine stretches the wall clock, and page faults
			// (a larger input grows the heap) the system's share, not the
			// converter's work. Each run starts from a collected heap.
			fastest := func(s string) (time.Duration, string) {
				best := time.Duration(math.MaxInt64)
				var md string
				for range 3 {
					runtime.GC()
					start := userTime()
					md, _ = Convert(s, testOpt)
					best = min(best, userTime()-start)
				}
				return best, md
			}
			// Quadratic work is over the ratio every time; a machine
			// busy enough to stretch one measurement is rarely so three
			// times over (under two builds of 100,000 reports beside it,
			// one pair once measured 15.5 times).
			var ts, tl time.Duration
			var md string
			for range 3 {
				ts, _ = fastest(small)
				tl, md = fastest(large)
				if tl <= maxRatio*ts+slack {
					break
				}
			}
			if tl > maxRatio*ts+slack {
				t.Errorf("%d bytes took %v of CPU, %d bytes %v: %.1f times as long for 4 times the input",
					len(small), ts, len(large), tl, float64(tl)/float64(max(ts, 1)))
			}
			checkMarkdown(t, md)
		})
	}
}

// userTime is the user CPU time the process has used so far.
func userTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano())
}
