package markdown

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// FuzzRender renders any Markdown with the task and incident-id links on,
// as the archive does: only what CheckLimits accepts. It never panics or
// fails, gives the same HTML and plain text twice, the plain text is
// well formed (badPlainText), and the HTML holds no element, event
// handler or URL that could run script, since raw HTML is escaped. And
// checking and rendering one input takes less than renderBound.
//
// The seeds include every pathological shape (testdata/fuzz/FuzzRender
// holds small ones for the fuzzer to grow; the large ones are made here,
// too large to keep as files), each of which goldmark alone takes minutes
// over.
func FuzzRender(f *testing.F) {
	for _, size := range []int{512, 256 << 10} {
		for _, p := range testutil.PathologicalMarkdown(size) {
			f.Add(p.Body)
		}
	}
	for _, s := range []string{
		"## Summary\n\nFiled as T418722; like 2017-11-20 ores and 2026-02-23 ml-serve-eqiad.\n",
		"[a link](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](  javascript:x) [d](java\tscript:x)\n",
		"<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n",
		"![img](javascript:alert(3)) <javascript:alert(4)> [ref]\n\n[ref]: javascript:alert(5)\n",
		"[x](data:text/html;base64,PHNjcmlwdD4=) [y](vbscript:msgbox)\n",
		"| a | b |\n|---|---|\n| T1 | 2026-02-23 ml-serve |\n",
		"- [ ] task T2\n- [x] done\n\nfootnote[^1]\n\n[^1]: T3\n",
		"`T4` **2017-11-20 ores** _T5_ [T6](https://x/) ~~T7~~\n",
		"# Summary\n# Summary\n## scorecard\n",
		"2026-02-23 2026-02-23 ml-serve-eqiad-x T99999999999\n",
	} {
		f.Add(s)
	}
	r := newTestRenderer(false)
	f.Fuzz(func(t *testing.T, src string) {
		start := cpuTime()
		if checkNesting([]byte(src)) == nil && withinWholeBound([]byte(src)) {
			if err := checkInline([]byte(src)); err != nil {
				t.Fatalf("the whole-text bound accepts what the block-by-block check refuses (%v):\n%q", err, src)
			}
		}
		if CheckLimits([]byte(src), 1) != nil {
			if took := cpuTime() - start; took > renderBound {
				t.Fatalf("CheckLimits took %v of CPU over %d bytes", took, len(src))
			}
			return
		}
		res, err := r.Render([]byte(src))
		if took := cpuTime() - start; took > renderBound {
			t.Fatalf("rendering %d bytes took %v of CPU", len(src), took)
		}
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		again, err := r.Render([]byte(src))
		if err != nil || !bytes.Equal(res.HTML, again.HTML) || res.Plain != again.Plain {
			t.Fatalf("two renders differ")
		}
		if bad := badPlainText(res.Plain); bad != "" {
			t.Fatalf("plain text of %q: %s: %+v", src, bad, res.Plain)
		}
		// A cache of bodies keyed on the ids of the dates MentionDates
		// finds must see every report the body mentions.
		dates := MentionDates([]byte(src))
		for _, id := range res.Mentions {
			if d, ok := IDDate(id); !ok || !slices.Contains(dates, d) {
				t.Fatalf("%q mentions %s, whose date is not among %q", src, id, dates)
			}
		}
		doc, err := html.Parse(bytes.NewReader(res.HTML))
		if err != nil {
			t.Fatalf("output does not parse: %v", err)
		}
		if bad := scriptable(doc); bad != "" {
			t.Fatalf("%s in the output of %q:\n%s", bad, src, res.HTML)
		}
	})
}

// badPlainText says what is wrong with a document's plain text, or "":
// no blank lines at either end, never two in a row, and no line ending
// in a space.
func badPlainText(p PlainText) string {
	for _, s := range []string{p.Summary, p.Rest} {
		switch {
		case s != strings.TrimSpace(s):
			return "space at an end"
		case strings.Contains(s, "\n\n\n"):
			return "two blank lines in a row"
		case strings.Contains(s, " \n") || strings.Contains(s, "\t\n"):
			return "a line ends in a space"
		}
	}
	return ""
}

// renderBound is how much CPU time (cpuTime) checking and rendering one
// fuzz input may take.
// A seed of 256 KB takes at most a few hundred milliseconds, an input at
// the limits under a second; goldmark alone takes minutes over the
// largest seeds. Ten seconds is about ten times the worst healthy case,
// for a loaded 2-core machine.
const renderBound = 10 * time.Second

// scriptable names the first element, attribute or URL in n that could
// run script, or returns "".
func scriptable(n *html.Node) string {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "script", "iframe", "object", "embed", "svg", "math", "style", "form", "base", "meta", "link":
			return "<" + n.Data + "> element"
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				return "event handler " + a.Key
			}
			if a.Key == "href" || a.Key == "src" {
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1 // browsers skip these inside a scheme
					}
					return r
				}, a.Val))
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(v, scheme) {
						return scheme + " URL"
					}
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if bad := scriptable(c); bad != "" {
			return bad
		}
	}
	return ""
}
