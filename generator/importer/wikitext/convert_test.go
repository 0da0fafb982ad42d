package wikitext

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/incidents-archive/incidents/generator/markdown"
)

// testOpt resolves two report titles, as an import of an archive would.
var testOpt = Options{
	WikiURL: "https://wiki.example.org/wiki/",
	Incident: func(title string) (string, bool) {
		switch title {
		case "Incidents/2022-09-15 sessionstore quorum issues":
			return "2022-09-15 sessionstore quorum issues", true
		case "Incident documentation/20190101-Cache flood":
			return "2019-01-01 Cache flood", true
		}
		return "", false
	},
}

// checkMarkdown fails t unless md is within the renderer's limits,
// renders, and holds no raw HTML (which the archive would show escaped).
func checkMarkdown(t testing.TB, md string) {
	t.Helper()
	if err := markdown.CheckLimits([]byte(md), 1); err != nil {
		t.Fatalf("output over the Markdown limits: %v\n%s", err, md)
	}
	if _, err := markdown.New(markdown.Options{}).Render([]byte(md)); err != nil {
		t.Fatalf("output does not render: %v", err)
	}
	doc := gfm.Parser().Parse(text.NewReader([]byte(md)))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindRawHTML || n.Kind() == ast.KindHTMLBlock) {
			t.Errorf("output holds raw HTML: %q\n%s", n.Text([]byte(md)), md)
		}
		return ast.WalkContinue, nil
	})
}

var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))

// render returns md as HTML, as GFM renders it.
func render(t testing.TB, md string) string {
	t.Helper()
	var b bytes.Buffer
	if err := gfm.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestConvert(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		// Headings.
		{"heading levels", "== Summary ==\ntext\n=== Timeline ===", "## Summary\n\ntext\n\n### Timeline\n"},
		{"heading unbalanced keeps extra marks", "=== Odd ==", "## = Odd\n"},
		{"heading with comment after", "== Detection == <!-- how -->", "## Detection\n"},
		{"heading ending in hash", "== Issue # ==", "## Issue \\#\n"},
		// Emphasis.
		{"bold italic both", "'''b''' ''i'' '''''bi'''''", "**b** *i* ***bi***\n"},
		{"outage marker stays bold", "* 02:58 '''OUTAGE BEGINS'''", "- 02:58 **OUTAGE BEGINS**\n"},
		{"space inside bold moved out", "a ''' b ''' c", "a **b** c\n"},
		{"unclosed bold closed at line end", "'''open\nnext", "**open**\nnext\n"},
		{"apostrophe in bold word", "'''l'''avion", "**l**avion\n"},
		{"four apostrophes", "''''x''''", "'**x'**\n"},
		{"bold and italic both odd", "l'''arbre ''x", "l'*arbre* x\n"},
		{"bold left open", "l'''arbre ''x''", "l**arbre *x***\n"},
		// Lists.
		{"bullets nested", "* a\n** b\n* c", "- a\n  - b\n- c\n"},
		{"numbered nested mixed", "# a\n#* b\n# c", "1. a\n   - b\n1. c\n"},
		{"bullet then numbered inside", "* a\n*# b\n*# c", "- a\n  1. b\n  1. c\n"},
		{"numbered continued by colon", "# a\n#: more\n# b", "1. a\n\n   more\n1. b\n"},
		{"definition term and text", "; Term\n: meaning", "**Term**\n> meaning\n"},
		{"definition on one line", "; Impact: users saw errors", "**Impact**\n> users saw errors\n"},
		{"colon replies", ": first\n:: reply\n: again", "> first\n> > reply\n>\n> again\n"},
		{"list item starting with number", "* 1. first", "- 1\\. first\n"},
		{"list after paragraph is separate", "text\n* a\nmore", "text\n\n- a\n\nmore\n"},
		{"nbsp after marker", "*\u00a0item", "- item\n"},
		// Internal links.
		{"page link", "[[Kafka]]", "[Kafka](https://wiki.example.org/wiki/Kafka)\n"},
		{"page link with text", "[[Kafka/Runbook|the runbook]]", "[the runbook](https://wiki.example.org/wiki/Kafka/Runbook)\n"},
		{"page link with section", "[[Kafka#Operations and more|ops]]", "[ops](https://wiki.example.org/wiki/Kafka#Operations_and_more)\n"},
		{"title escaped", "[[service mesh (old)]]", "[service mesh (old)](https://wiki.example.org/wiki/Service_mesh_%28old%29)\n"},
		{"link trail", "[[server]]s", "[servers](https://wiki.example.org/wiki/Server)\n"},
		{"incident link is its id", "see [[Incidents/2022-09-15 sessionstore quorum issues]]", "see 2022-09-15 sessionstore quorum issues\n"},
		{"incident link with underscores", "[[Incidents/2022-09-15_sessionstore_quorum_issues]]", "2022-09-15 sessionstore quorum issues\n"},
		{"incident link with text", "[[Incidents/2022-09-15 sessionstore quorum issues|last year's]]", "last year's (2022-09-15 sessionstore quorum issues)\n"},
		{"old incident title", "[[Incident documentation/20190101-Cache flood]]", "2019-01-01 Cache flood\n"},
		{"section of this page", "[[#Timeline|timeline]]", "[timeline](#timeline)\n"},
		{"category dropped", "text [[Category:Incidents]]", "text\n"},
		{"colon link to category", "[[:Category:Incidents]]", "[Category:Incidents](https://wiki.example.org/wiki/Category:Incidents)\n"},
		// Interwiki.
		{"phab interwiki", "[[phab:T123|T123]]", "T123\n"},
		{"phab interwiki with other text", "[[phab:T123|the task]]", "the task (T123)\n"},
		{"wikipedia", "[[wikipedia:Thundering herd problem|herd]]", "[herd](https://en.wikipedia.org/wiki/Thundering_herd_problem)\n"},
		{"wikipedia no text", "[[w:Quorum]]", "[Quorum](https://en.wikipedia.org/wiki/Quorum)\n"},
		{"wikipedia language", "[[wikipedia:de:Kafka]]", "[de:Kafka](https://de.wikipedia.org/wiki/Kafka)\n"},
		// External links and tasks.
		{"external with text", "[https://grafana.example.org/d/x?a=1&b=2 the board]", "[the board](https://grafana.example.org/d/x?a=1&b=2)\n"},
		{"external without text", "[https://example.org/a]", "<https://example.org/a>\n"},
		{"external with paren", "[https://example.org/a_(b) c]", "[c](https://example.org/a_%28b%29)\n"},
		{"bare URL", "see https://example.org/x_y.", "see <https://example.org/x_y>.\n"},
		{"bare URL in parens", "(https://example.org/x)", "(<https://example.org/x>)\n"},
		{"task templates", "{{Phabricator|T1}} {{PhabT|22}} {{phab|T333}} {{Tracked|T4444|resolved}}", "T1 T22 T333 T4444\n"},
		{"task URL", "https://phabricator.wikimedia.org/T5555", "T5555\n"},
		{"task URL with text", "[https://phabricator.wikimedia.org/T5555 cleanup]", "cleanup (T5555)\n"},
		{"gerrit template", "{{Gerrit|12345}}", "[Gerrit change 12345](https://gerrit.wikimedia.org/r/12345)\n"},
		// Tags.
		{"code", "run <code>kubectl get pods</code>", "run `kubectl get pods`\n"},
		{"code with backticks", "<code>a`b</code>", "``a`b``\n"},
		{"code with markup", "<code>'''x''' [[Y|y]]</code>", "`x y`\n"},
		{"pre block", "<pre>\n$ uptime\n  load: 1 & <2>\n</pre>", "```\n$ uptime\n  load: 1 & <2>\n```\n"},
		{"pre with entities", "<pre>a &lt; b</pre>", "```\na < b\n```\n"},
		{"syntaxhighlight", "<syntaxhighlight lang=\"yaml\">\nkey: 1\n</syntaxhighlight>", "```yaml\nkey: 1\n```\n"},
		{"fence longer than content", "<syntaxhighlight lang=\"md\">\n```\n</syntaxhighlight>", "````md\n```\n````\n"},
		{"leading space preformatted", " line one\n  line two", "```\nline one\n line two\n```\n"},
		{"nowiki", "<nowiki>[[x]] ''y'' *z*</nowiki>", "\\[\\[x\\]\\] ''y'' \\*z\\*\n"},
		{"br hard break", "a<br>b<br/>", "a\\\nb\n"},
		{"br before list marker", "a<br>- b", "a\\\n\\- b\n"},
		{"strikethrough", "<s>old</s> <del>gone</del>", "~~old~~ ~~gone~~\n"},
		{"other tags keep content", "<span style=\"color:red\">red</span> <small>tiny</small>", "red tiny\n"},
		{"unknown tag is text", "a <foo> b", "a \\<foo> b\n"},
		{"comment dropped", "a <!-- hidden\nline --> b", "a  b\n"},
		// Footnotes.
		{"refs", "a<ref>first</ref> b<ref name=\"x\">second</ref> c<ref name=x/>\n<references/>",
			"a[^1] b[^2] c[^2]\n\n[^1]: first\n[^2]: second\n"},
		{"ref reused before defined", "a<ref name=\"y\"/> b<ref name=\"y\">later</ref>", "a[^1] b[^1]\n\n[^1]: later\n"},
		{"list-defined ref", "a<ref name=\"z\"/>\n<references>\n<ref name=\"z\">defined below</ref>\n</references>", "a[^1]\n\n[^1]: defined below\n"},
		// Entities and escaping.
		{"entities", "a&nbsp;b &amp; &lt;c&gt; &eacute; &#42;", "a\u00a0b & \\<c> é \\*\n"},
		{"hash line that is not a heading", "<nowiki>#</nowiki> not a list", "\\# not a list\n"},
		{"numbered text escaped", "2024. was a year", "2024\\. was a year\n"},
		{"emphasis marks escaped", "a*b _c_ snake_case", "a\\*b \\_c\\_ snake_case\n"},
		{"setext underline escaped", "text\n<nowiki>---</nowiki>", "text\n\\---\n"},
		{"pipe escaped", "a | b", "a \\| b\n"},
		// Images.
		{"image with caption", "[[File:Edit rate.png|thumb|300px|Edit rate fell]]", "[Image: Edit rate fell](https://wiki.example.org/wiki/File:Edit_rate.png)\n"},
		{"image without caption", "[[Image:graph.png]]", "[Image: Graph.png](https://wiki.example.org/wiki/File:Graph.png)\n"},
		{"image caption with link", "[[File:A.png|thumb|See [[Kafka]]]]", "[Image: See Kafka](https://wiki.example.org/wiki/File:A.png)\n"},
		// Magic words and page furniture.
		{"magic words dropped", "__NOTOC__\n{{TOC|align=right}}\n{{irdoc|status=draft}}\ntext __TOC__", "text\n"},
		{"horizontal rule", "a\n----\nb", "a\n\n---\n\nb\n"},
		// Tables.
		{"wikitable", "{| class=\"wikitable\"\n! A !! B\n|-\n| 1 || x{{!}}y <nowiki>|</nowiki>\n|-\n| style=\"x\" | 2 || <code>a{{!}}b</code>\n|}",
			"| A | B |\n| --- | --- |\n| 1 | x\\|y \\| |\n| 2 | `a\\|b` |\n"},
		{"bar in a cell splits attributes as MediaWiki does", "{|\n| x|y\n|}", "| |\n| --- |\n| y |\n"},
		{"table without header row", "{|\n| a || b\n|}", "| | |\n| --- | --- |\n| a | b |\n"},
		{"table with row headers and spans", "{|\n! !! Q !! A\n|-\n! rowspan=2 | People\n| q1 || yes\n|-\n| q2 || no\n|-\n| colspan=\"2\" | wide || z\n|}",
			"| | Q | A |\n| --- | --- | --- |\n| **People** | q1 | yes |\n| | q2 | no |\n| wide | | z |\n"},
		{"table caption and file cell", "{|\n|+ Rates\n! Graph\n|-\n| [[File:Edit rate.png|thumb|Edits]]\n|}",
			"**Rates**\n\n| Graph |\n| --- |\n| [Image: Edits](https://wiki.example.org/wiki/File:Edit_rate.png) |\n"},
		{"table br in cell is a space", "{|\n| a<br>b\n|}", "| |\n| --- |\n| a b |\n"},
		{"table with a list in a cell", "{|\n! Step !! Notes\n|-\n| one\n|\n* a\n* b\n|}",
			"- **Step:** one\n\n  **Notes:**\n\n  - a\n  - b\n"},
		{"nested table", "{|\n! Outer\n|-\n|\n{|\n! In\n|-\n| x\n|}\n|}",
			"- **Outer:**\n\n  | In |\n  | --- |\n  | x |\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := Convert(c.src, testOpt)
			if got != c.want {
				t.Errorf("Convert(%q)\n got %q\nwant %q", c.src, got, c.want)
			}
			checkMarkdown(t, got)
		})
	}
}

func TestConvertWarnings(t *testing.T) {
	cases := []struct {
		name, src string
		md        string // what the output must hold
		warn      string // what a warning must say; "" for none
	}{
		{"unknown template kept as code and named", "a {{Custom box|x=1}} b", "`{{Custom box|x=1}}`", "{{Custom box}}"},
		{"unknown block template fenced", "{{Incident scorecard\n| task = T1\n}}", "```wikitext\n{{Incident scorecard\n| task = T1\n}}\n```", "{{Incident scorecard}}"},
		{"repeats counted", "{{Foo}} {{Foo}}", "`{{Foo}}` `{{Foo}}`", "(2 times)"},
		{"table with blocks", "{|\n| a\n* b\n|}", "- **Column 1:**", "list of rows"},
		{"missing reference text", "a<ref name=q/>", "[^1]: (the source gives no text", "no text"},
		{"deep list capped", strings.Repeat("*", 12) + " deep", "- deep", "nested more than 8"},
		{"no wiki URL", "[[Kafka]]", "Kafka", "no wiki URL"},
		{"comment needs no warning", "a <!-- b --> c", "a  c", ""},
		{"known templates need no warning", "{{Phabricator|T1}} {{Done}} {{!}}", "T1 Done \\|", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := testOpt
			if c.name == "no wiki URL" {
				opt.WikiURL = ""
			}
			got, warnings := Convert(c.src, opt)
			if !strings.Contains(got, c.md) {
				t.Errorf("output %q does not hold %q", got, c.md)
			}
			var all []string
			for _, w := range warnings {
				if w.Kind == "" || w.Message == "" {
					t.Errorf("warning without kind or message: %+v", w)
				}
				all = append(all, w.Message)
			}
			joined := strings.Join(all, "\n")
			if c.warn == "" && len(warnings) > 0 {
				t.Errorf("unexpected warnings: %s", joined)
			}
			if c.warn != "" && !strings.Contains(joined, c.warn) {
				t.Errorf("warnings %q do not say %q", joined, c.warn)
			}
			checkMarkdown(t, got)
		})
	}
}

// TestConvertRenders checks what the Markdown means, not its spelling:
// the HTML GFM makes of it.
func TestConvertRenders(t *testing.T) {
	cases := []struct {
		name, src string
		html      []string // what the HTML must hold
	}{
		{"bold marker", "'''OUTAGE BEGINS ''' at 02:58", []string{"<strong>OUTAGE BEGINS</strong> at 02:58"}},
		{"nested list", "* a\n** b\n*# c", []string{"<li>a\n<ul>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>"}},
		{"numbering kept across continuation", "# a\n#: more\n# b", []string{"<ol>", "<p>more</p>", "<li>\n<p>b</p>"}},
		{"footnotes", "x<ref>note</ref>\n<references/>", []string{`<sup id="fnref:1">`, "note"}},
		{"table", "{|\n! H\n|-\n| v\n|}", []string{"<th>H</th>", "<td>v</td>"}},
		{"strike", "<s>no</s>", []string{"<del>no</del>"}},
		{"escaped html", "<nowiki><b>x</b></nowiki> 1 < 2", []string{"&lt;b&gt;x&lt;/b&gt; 1 &lt; 2"}},
		{"hard break", "a<br>b", []string{"a<br>\nb"}},
		{"heading", "== Conclusions ==", []string{"<h2>Conclusions</h2>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			md, _ := Convert(c.src, testOpt)
			got := render(t, md)
			for _, want := range c.html {
				if !strings.Contains(got, want) {
					t.Errorf("HTML of %q\n%s\ndoes not hold %q (Markdown %q)", c.src, got, want, md)
				}
			}
		})
	}
}

// A <br> in an indented (":") line continues the same quote, once: the
// prefix was added twice, which made the rest a quote inside the quote
// and left the break's backslash showing.
func TestBreakInIndentedLine(t *testing.T) {
	md, _ := Convert(":Alert fired.<br>It paged the on-call.<br>Then nothing.\n", testOpt)
	checkMarkdown(t, md)
	want := "> Alert fired.\\\n> It paged the on-call.\\\n> Then nothing."
	if strings.TrimSpace(md) != want {
		t.Errorf("got\n%s\nwant\n%s", md, want)
	}
	if html := render(t, md); strings.Count(html, "<blockquote>") != 1 || strings.Contains(html, `\`) {
		t.Errorf("renders as\n%s", html)
	}
	md, _ = Convert("* one<br>two\n", testOpt)
	if want := "- one\\\n  two"; strings.TrimSpace(md) != want {
		t.Errorf("list item: got\n%q\nwant\n%q", md, want)
	}
}
