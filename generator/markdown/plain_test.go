package markdown

import (
	"reflect"
	"slices"
	"testing"
)

// TestPlainText: the plain text comes from the tree the HTML is rendered
// from, so it holds the words the page shows, in its lines.
func TestPlainText(t *testing.T) {
	tests := []struct {
		name, md, summary, rest string
	}{
		{"sections", "## Summary\n\nThe **API** failed.\n\n## Timeline\n\n- 10:00 *paged*\n- 10:05 fixed\n", "The API failed.", "Timeline\n\n10:00 paged\n10:05 fixed"},
		{"no summary", "Some text.\n", "", "Some text."},
		{"the summary ends at the next section", "# Summary\nA\n### Detail\nB\n## Impact\nC\n", "A\nDetail\nB", "Impact\nC"},
		{"two summaries", "## Summary\nA\n## Other\nB\n## summary\nC\n", "A\nC", "Other\nB"},
		{"a summary heading with markup", "## **Summary**\n\nbold\n", "bold", ""},
		{"a setext summary", "Summary\n=======\n\nin it\n\nRest\n----\n\nnot\n", "in it", "Rest\n\nnot"},
		{"a summary of more words is not the summary", "## Summary of the day\n\ntext\n", "", "Summary of the day\n\ntext"},
		{"emphasis", "*one* **two** _three_ __four__ ~~five~~ ***six***\n", "", "one two three four five six"},
		{"links and images keep their text", "See [the task](https://x/T1) and ![graph](g.png) and <https://example.org>.\n", "", "See the task and graph and https://example.org."},
		{"reference links", "See [the task][t].\n\n[t]: https://x/T1\n", "", "See the task."},
		{"bare urls", "Look at www.example.org/x now.\n", "", "Look at www.example.org/x now."},
		{"code is kept, fences go", "```go\nif err != nil {\n\n\treturn err\n}\n```\nUse `retry_count`.\n", "", "if err != nil {\n\n\treturn err\n}\nUse retry_count."},
		{"indented code keeps its indentation", "    first\n      second\n\nnext\n", "", "first\n  second\n\nnext"},
		{"a code span across lines", "`code\nspan` here\n", "", "code span here"},
		{"markup inside code stays", "`*a* [b](c)`\n", "", "*a* [b](c)"},
		{"tables", "| a | b |\n|---|:-:|\n| x | *y* |\n", "", "a b\nx y"},
		{"quotes, numbers and task boxes", "> quoted\n1. first\n- [x] done\n", "", "quoted\nfirst\ndone"},
		{"loose lists keep their blank lines", "- a\n\n- b\n\n  more b\n", "", "a\n\nb\n\nmore b"},
		{"snake_case stays", "the _config_ of max_conns\n", "", "the config of max_conns"},
		{"an asterisk that is not emphasis stays", "the revscoring-* servers\n", "", "the revscoring-* servers"},
		{"inline html goes, its words stay apart", "a<br>b and <span>c</span>d\n", "", "a b and c d"},
		{"html blocks keep their text", "<div>\n<p>inside <b>bold</b></p>\n<!-- a comment -->\n</div>\n\nafter\n", "", "inside bold\n\nafter"},
		{"footnotes keep their text, not their numbers", "a[^1] b\n\n[^1]: note\n", "", "a b\n\nnote"},
		{"escapes and references as shown", "Fish &amp; chips \\*not emphasis\\* &#x41; &copy;\n", "", "Fish & chips *not emphasis* A ©"},
		{"lines are kept", "line one  \nline two\\\nline three\nline four\n", "", "line one\nline two\nline three\nline four"},
		{"thematic breaks go", "above\n\n***\n\nbelow\n", "", "above\n\nbelow"},
		{"linked ids keep their text", "Like 2017-11-20 ores, see T418722.\n", "", "Like 2017-11-20 ores, see T418722."},
		{"only one blank line", "a\n\n\n\nb\n", "", "a\n\nb"},
	}
	r := newTestRenderer(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Render([]byte(tt.md))
			if err != nil {
				t.Fatal(err)
			}
			if res.Plain.Summary != tt.summary || res.Plain.Rest != tt.rest {
				t.Errorf("got summary %q rest %q\nwant summary %q rest %q", res.Plain.Summary, res.Plain.Rest, tt.summary, tt.rest)
			}
		})
	}
}

// TestPlainTextWithUnsafeHTML: whether the page runs raw HTML or shows it,
// its plain text is the same.
func TestPlainTextWithUnsafeHTML(t *testing.T) {
	md := []byte("## Summary\n\nA <b>bold</b> move.\n\n<div>\nblock text\n</div>\n")
	safe, err := newTestRenderer(false).Render(md)
	if err != nil {
		t.Fatal(err)
	}
	unsafe, err := newTestRenderer(true).Render(md)
	if err != nil {
		t.Fatal(err)
	}
	if safe.Plain != unsafe.Plain {
		t.Errorf("safe %+v, unsafe %+v", safe.Plain, unsafe.Plain)
	}
	if want := (PlainText{Summary: "A bold move.\n\nblock text"}); safe.Plain != want {
		t.Errorf("got %+v, want %+v", safe.Plain, want)
	}
}

// FuzzPlainText renders small Markdown documents of every shape, to find
// one whose plain text is malformed (see badPlainText) or panics. (FuzzRender
// checks the same of its seeds, but its large seeds keep it from fuzzing
// on a small machine.)
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{
		"## Summary\n\nThe **API** failed.\n\n## Timeline\n\n- 10:00 *paged*\n- 10:05 fixed\n",
		"Summary\n=======\n\nin it\n\n---\n\n> quote\n>\n> more\n",
		"| a | b |\n|---|:-:|\n| x | *y* |\n\n    code\n\n```\nfenced\n\n```\n",
		"<div>\n<p>inside <b>bold</b></p>\n</div>\n\na<br>b[^1]\n\n[^1]: note\n",
		"Fish &amp; chips \\*not\\* `a\nb` <https://x.example/> www.example.org ![i](x)\n",
		"- [ ] task T2\n- [x] done\n\n1. one\n2. two\n   - nested 2017-11-20 ores\n",
	} {
		f.Add(s)
	}
	r := newTestRenderer(false)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 || CheckLimits([]byte(src), 1) != nil {
			return
		}
		res, err := r.Render([]byte(src))
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if bad := badPlainText(res.Plain); bad != "" {
			t.Fatalf("plain text of %q: %s: %+v", src, bad, res.Plain)
		}
	})
}

// TestParseIsRenderWithoutHTML: what Parse gives is what Render gives,
// but the HTML.
func TestParseIsRenderWithoutHTML(t *testing.T) {
	r := newTestRenderer(false)
	src := []byte("## Summary\n\nLike 2017-11-20 ores, see T418722.\n\n## Timeline\n\n- 10:00 *paged*\n\n### Detail\n\ntext\n")
	rendered, err := r.Render(src)
	if err != nil {
		t.Fatal(err)
	}
	parsed := r.Parse(src)
	if parsed.HTML != nil || len(rendered.HTML) == 0 {
		t.Fatalf("Parse gave HTML %q, Render %q", parsed.HTML, rendered.HTML)
	}
	rendered.HTML = nil
	if !reflect.DeepEqual(parsed, rendered) {
		t.Errorf("Parse gave %+v, Render %+v", parsed, rendered)
	}
}

func TestQuoted(t *testing.T) {
	src := "## Summary\n\nThe logs said `ERR max number of clients reached (4242)` twice; `df` was fine.\n\n" +
		"```\n2024-01-02T10:00:00Z db1001 ERROR lost quorum: 1 of 3 members reachable\n\nok\n```\n\n# `heading code span`\n"
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ERR max number of clients reached (4242)", "2024-01-02T10:00:00Z db1001 ERROR lost quorum: 1 of 3 members reachable", "heading code span"}
	if !slices.Equal(res.Quoted, want) {
		t.Errorf("Quoted = %q\nwant     %q", res.Quoted, want)
	}
}
