package wikitext

import (
	"os"
	"path/filepath"
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
// converted within one another, unclosed links each scanned to the end of
// the line) and checks each stays fast and within the renderer's limits.
// Each takes well under half a second on a loaded 2-core machine; the
// bound is several times that, to catch a return of the quadratic (or
// worse) work without failing on a slow machine: before the fixes the
// nested tables took 8 minutes and the nested links 4 s. The bound is on
// the process's CPU time (the subtests run one at a time).
func TestPathologicalInputs(t *testing.T) {
	const bound = 3 * time.Second
	cases := map[string]string{
		"unclosed links":      strings.Repeat("[[a|", 4000),
		"nested links":        strings.Repeat("[[x|", 2000) + strings.Repeat("]]", 2000),
		"nested file links":   strings.Repeat("[[File:a|", 1500) + strings.Repeat("]]", 1500),
		"nested tables":       strings.Repeat("{|\n", 5000),
		"tables in cells":     strings.Repeat("{|\n|a\n", 2000),
		"unclosed templates":  strings.Repeat("{{a|", 4000),
		"nested strike":       strings.Repeat("<s>", 2000) + strings.Repeat("</s>", 2000),
		"nested refs":         strings.Repeat("<ref>a", 2000) + strings.Repeat("</ref>", 2000),
		"many refs":           strings.Repeat("<ref>x</ref>", 1300),
		"deep list":           strings.Repeat("*", 16000),
		"many list lines":     strings.Repeat("**********\n", 1500),
		"big table":           "{|\n" + strings.Repeat("| a || b\n|-\n", 1500) + "|}",
		"apostrophes":         strings.Repeat("'''a", 4000),
		"unclosed comments":   strings.Repeat("<!--", 4000),
		"definition terms":    strings.Repeat(";a:", 5000),
		"external link heads": strings.Repeat("[http://a ", 1600),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			// CPU time, not wall time: other builds sharing the machine
			// stretch the wall clock several times over, not the work.
			start := cpuTime()
			md, _ := Convert(src, testOpt)
			if d := cpuTime() - start; d > bound {
				t.Errorf("took %v of CPU for %d bytes", d, len(src))
			}
			checkMarkdown(t, md)
		})
	}
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
