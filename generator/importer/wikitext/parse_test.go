package wikitext

import (
	"reflect"
	"strings"
	"testing"
)

func TestTemplates(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []Template
	}{
		{"positional", "see {{Phabricator|T123}} now",
			[]Template{{Name: "Phabricator", Params: []Param{{"1", "T123"}}, Start: 4, End: 24}}},
		{"name normalized", "{{ incident_scorecard }}",
			[]Template{{Name: "Incident scorecard", Start: 0, End: 24}}},
		{"template prefix", "{{template:PhabT|1}}",
			[]Template{{Name: "PhabT", Params: []Param{{"1", "1"}}, Start: 0, End: 20}}},
		{"named and positional in order", "{{X| a |k = v v | b}}",
			[]Template{{Name: "X", Params: []Param{{"1", "a"}, {"k", "v v"}, {"2", "b"}}, Start: 0, End: 21}}},
		{"link pipe does not split", "{{X|who=[[User:Ann|Ann]], [[User:Bo|Bo]]}}",
			[]Template{{Name: "X", Params: []Param{{"who", "[[User:Ann|Ann]], [[User:Bo|Bo]]"}}, Start: 0, End: 42}}},
		{"nested template kept whole", "{{X|a={{Y|1|2}}|b}}",
			[]Template{{Name: "X", Params: []Param{{"a", "{{Y|1|2}}"}, {"1", "b"}}, Start: 0, End: 19}}},
		{"equals only first splits", "{{X|url=https://a/?b=c}}",
			[]Template{{Name: "X", Params: []Param{{"url", "https://a/?b=c"}}, Start: 0, End: 24}}},
		{"equals in nested call not a name", "{{X|{{Y|a=b}}}}",
			[]Template{{Name: "X", Params: []Param{{"1", "{{Y|a=b}}"}}, Start: 0, End: 15}}},
		{"comment removed and its pipe ignored", "{{X|a=1<!-- |b=2 -->|c=3}}",
			[]Template{{Name: "X", Params: []Param{{"a", "1"}, {"c", "3"}}, Start: 0, End: 26}}},
		{"nowiki opaque", "{{X|a=<nowiki>|}}</nowiki>}}",
			[]Template{{Name: "X", Params: []Param{{"a", "<nowiki>|}}</nowiki>"}}, Start: 0, End: 28}}},
		{"ref opaque", "{{X|a=<ref>b|c</ref>}}",
			[]Template{{Name: "X", Params: []Param{{"a", "<ref>b|c</ref>"}}, Start: 0, End: 22}}},
		{"multi-line scorecard", "{{Incident scorecard\n| task = T9\n| paged-num = 6 + 3\n| start =\n}}",
			[]Template{{Name: "Incident scorecard", Params: []Param{{"task", "T9"}, {"paged-num", "6 + 3"}, {"start", ""}}, Start: 0, End: 65}}},
		{"unclosed is text, inner stands", "{{X|{{Y}} and more",
			[]Template{{Name: "Y", Start: 4, End: 9}}},
		{"mismatched closer is text", "{{X|[[a}}", nil},
		{"template parameter braces", "{{X|{{{1|d}}}}}",
			[]Template{{Name: "X", Params: []Param{{"1", "{{{1|d}}}"}}, Start: 0, End: 15}}},
		{"two in a row", "{{A}}{{B|x}}",
			[]Template{{Name: "A", Start: 0, End: 5}, {Name: "B", Params: []Param{{"1", "x"}}, Start: 5, End: 12}}},
		{"inside comment not a call", "<!-- {{A}} -->", nil},
		{"unicode first letter", "{{éclair}}", []Template{{Name: "Éclair", Start: 0, End: 11}}},
		{"parser function", "{{#if: x | y }}",
			[]Template{{Name: "#if: x", Params: []Param{{"1", "y"}}, Start: 0, End: 15}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Templates(c.src)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Templates(%q)\n got %+v\nwant %+v", c.src, got, c.want)
			}
			for _, tm := range got {
				if !strings.HasPrefix(c.src[tm.Start:tm.End], "{{") || !strings.HasSuffix(c.src[tm.Start:tm.End], "}}") {
					t.Errorf("offsets %d:%d do not span a call: %q", tm.Start, tm.End, c.src[tm.Start:tm.End])
				}
			}
		})
	}
}

func TestTemplateParam(t *testing.T) {
	tm := Templates("{{X|a=1|b|a=2}}")[0]
	if v, ok := tm.Param("a"); !ok || v != "2" {
		t.Errorf(`Param("a") = %q, %v; want the last, "2"`, v, ok)
	}
	if v, ok := tm.Param("1"); !ok || v != "b" {
		t.Errorf(`Param("1") = %q, %v; want "b"`, v, ok)
	}
	if _, ok := tm.Param("z"); ok {
		t.Error(`Param("z") found a parameter that is not there`)
	}
}

// cellTexts flattens a table to its rows' cell texts, "!" marking headers.
func cellTexts(tab Table) [][]string {
	var out [][]string
	for _, r := range tab.Rows {
		var row []string
		for _, c := range r.Cells {
			s := c.Text
			if c.Header {
				s = "!" + s
			}
			row = append(row, s)
		}
		out = append(out, row)
	}
	return out
}

func TestTables(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		caption string
		rows    [][]string
	}{
		{"header and data rows", "{| class=\"wikitable\"\n! A !! B\n|-\n| 1 || 2\n|-\n| 3\n| 4\n|}",
			"", [][]string{{"!A", "!B"}, {"1", "2"}, {"3", "4"}}},
		{"caption", "{|\n|+ The caption\n|-\n| x\n|}", "The caption", [][]string{{"x"}}},
		{"attributes stripped", "{|\n|-\n| style=\"color:red\" | red || colspan=2 | wide\n|}",
			"", [][]string{{"red", "wide"}}},
		{"link pipe is not an attribute bar", "{|\n| [[File:Edit rate.png|thumb|A caption]]\n|}",
			"", [][]string{{"[[File:Edit rate.png|thumb|A caption]]"}}},
		{"link before a bar keeps the text", "{|\n| [[a]] | b\n|}", "", [][]string{{"[[a]] | b"}}},
		{"multi-line cell", "{|\n| first line\n* item\n* item two\n| next\n|}",
			"", [][]string{{"first line\n* item\n* item two", "next"}}},
		{"header line with data separator", "{|\n! Q || A\n|}", "", [][]string{{"!Q", "!A"}}},
		{"nested table in a cell", "{|\n| outer\n{|\n| inner\n|}\n| after\n|}",
			"", [][]string{{"outer\n{|\n| inner\n|}", "after"}}},
		{"template with line-start bars is one cell", "{|\n| {{X\n| a = 1\n}} || b\n|}",
			"", [][]string{{"{{X\n| a = 1\n}}", "b"}}},
		{"indented table", ": {|\n| a\n|}", "", [][]string{{"a"}}},
		{"unclosed table runs to the end", "{|\n| a\n| b", "", [][]string{{"a", "b"}}},
		{"pipes in nowiki stay", "{|\n| <nowiki>a || b</nowiki>\n|}", "", [][]string{{"<nowiki>a || b</nowiki>"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tabs := Tables(c.src)
			if len(tabs) != 1 {
				t.Fatalf("Tables(%q) found %d tables, want 1", c.src, len(tabs))
			}
			tab := tabs[0]
			if tab.Caption != c.caption {
				t.Errorf("caption %q, want %q", tab.Caption, c.caption)
			}
			if got := cellTexts(tab); !reflect.DeepEqual(got, c.rows) {
				t.Errorf("rows\n got %q\nwant %q", got, c.rows)
			}
			if s := c.src[tab.Start:tab.End]; !strings.HasPrefix(s, "{|") {
				t.Errorf("offsets %d:%d give %q", tab.Start, tab.End, s)
			}
		})
	}
}

func TestTableSpansAndOffsets(t *testing.T) {
	src := "intro\n{| class=\"wikitable\"\n|-\n| rowspan=\"2\" | a || colspan=3 | b\n|}\nafter\n{|\n| c\n|}"
	tabs := Tables(src)
	if len(tabs) != 2 {
		t.Fatalf("found %d tables, want 2", len(tabs))
	}
	if got := src[tabs[0].Start:tabs[0].End]; !strings.HasPrefix(got, "{| class") || !strings.HasSuffix(got, "|}") {
		t.Errorf("first table spans %q", got)
	}
	if tabs[0].Attrs != `class="wikitable"` {
		t.Errorf("attrs %q", tabs[0].Attrs)
	}
	cells := tabs[0].Rows[len(tabs[0].Rows)-1].Cells
	if cells[0].Rowspan != 2 || cells[0].Colspan != 1 || cells[1].Colspan != 3 {
		t.Errorf("spans: %+v", cells)
	}
	if cells[0].Attrs != `rowspan="2"` {
		t.Errorf("cell attrs %q", cells[0].Attrs)
	}
	if src[cells[1].Start:cells[1].Start+2] != "||" {
		t.Errorf("second cell's Start does not point at its marker: %q", src[cells[1].Start:])
	}
	if got := src[tabs[1].Start:tabs[1].End]; got != "{|\n| c\n|}" {
		t.Errorf("second table spans %q", got)
	}
}
