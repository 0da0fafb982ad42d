package matter

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// simpleYAMLCases are front matters the fast path must accept (and parse
// exactly as yaml.v3 does) or hand to the full parser.
var simpleYAMLCases = []struct {
	name   string
	yaml   string
	accept bool
}{
	{"report", `id: 2019-05-05 mcrouter
title: mcrouter errors
status: final
task: T134713
start: 2019-05-05 00:24:03
end: 2019-05-05T00:39:03Z
paged: 0
responders: [Elif Hart, Xena Berg, Tomas Dahl]
services: [mcrouter, svc-1400]
impact: Internal tooling depending on mcrouter was unavailable.
requests_failed: 1613119
actionables:
  - title: Spread mcrouter across racks in codfw
    task: T254549
    owner: Rui Hart
    status: done
  - title: Test upgrades on staging first
    task: T254552
scorecard:
  responders_differ: no
  few_paged: yes
  not_a_repeat: null
`, true},
	{"sequence at the key's indent", "services:\n- a\n- b\nsites: [eqiad]\n", true},
	{"blank lines and trailing spaces", "\n\nid: x   \n\n\ntitle: y\n", true},
	{"numbers, floats, bools and nulls", "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: ~\ng: 0x1F\nh: 1_000\ni: .inf\nj: yes\nk: on\n", true},
	{"quoted strings", "a: \"x: y\"\nb: 'it is'\nc: \"\"\nd: '123'\n", true},
	{"plain scalars with inner punctuation", "a: 99% of requests failed!\nb: a:b\nc: C# and F#\nd: x*y & z\ne: path/to/file.md\n", true},
	{"non-ASCII in a flow sequence", "responders: [Zoë Ünal, Łukasz Ńowak, 李雷, Ana]\n", true},
	{"empty flow sequence", "related: []\nrepeat_of: [ ]\n", true},
	{"deeper nesting", "a:\n  b:\n    - c: 1\n      d: [x, y]\n    - plain\n  e: f\n", true},
	{"keys that resolve to other tags", "1: a\ntrue: b\n", true},
	{"sequence item mapping with more indent", "a:\n  -   x: 1\n      y: 2\n", true},

	{"comment line", "# a comment\nid: x\n", false},
	{"trailing comment", "id: x # note\n", false},
	{"literal block", "summary: |\n  line one\n  line two\nb: 1\n", true},
	{"folded block, stripped", "impact: >-\n  Users could not save\n  edits: 40% failed.\n\n\nb: [x]\n", true},
	{"block scalars keep what looks like structure", "a: |-\n  - not: a list\n  # not a comment\nb: >\n  x: y\n", true},
	{"a block with a blank line", "a: >\n  one\n\n  two\n", false},
	{"a block with more indentation", "a: |\n  one\n    two\n", false},
	{"a block with trailing spaces", "a: |\n  one  \n  two\n", false},
	{"an empty block", "a: |\nb: 1\n", false},
	{"keep chomping", "a: |+\n  one\n", false},
	{"a block in a sequence", "a:\n  - >-\n    q r\n", false},
	{"multi-line plain scalar", "title: a long\n  title\n", false},
	{"anchor and alias", "a: &x 1\nb: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"flow mapping", "a: {b: c}\n", false},
	{"escape in double quotes", "a: \"x\\ny\"\n", false},
	{"quote inside single quotes", "a: 'it''s'\n", false},
	{"empty values", "a:\nb: 1\nc:   \n\n\nd:\n  e:\n  f: 1\ng:\n  -\n  - 1\n  - h:\n    i: 2\nj:\n", true},
	{"empty item with a value below", "a:\n  -\n    b: 1\n", false},
	{"tab", "a:\t1\n", false},
	{"bad indentation", "a:\n    b: 1\n  c: 2\n", false},
	{"mapping value in a plain scalar", "title: ORES: outage\n", false},
	{"colon in a flow item", "a: [b: c]\n", false},
	{"top-level sequence", "- a\n- b\n", false},
	{"indented first line", "  a: 1\n", false},
	{"document marker", "a: 1\n---\nb: 2\n", false},
	{"directive", "%YAML 1.2\na: 1\n", false},
	{"nested flow sequence", "a: [[b]]\n", false},
	{"trailing text after a quote", "a: \"b\" c\n", false},
	{"empty document", "", false},
	{"no space after the colon", "a:b\n", false},
	{"duplicate keys still parse", "a: 1\na: 2\n", true},
	{"a no-break space in a flow sequence is an item", "a: [\u00a0]\nb: [ \u2003 ]\n", true},
	{"nesting deeper than front matter may go", strings.Repeat("a:\n", 1) + deepMapping(70), false},
}

func TestSimpleYAMLAgreesWithYAMLv3(t *testing.T) {
	for _, tt := range simpleYAMLCases {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseSimpleYAML([]byte(tt.yaml))
			if ok != tt.accept {
				t.Fatalf("accepted = %v, want %v", ok, tt.accept)
			}
			if ok {
				compareWithYAMLv3(t, tt.yaml, got)
			}
		})
	}
}

// FuzzSimpleYAML holds the fast path to yaml.v3 on any input it accepts.
func FuzzSimpleYAML(f *testing.F) {
	for _, tt := range simpleYAMLCases {
		f.Add(tt.yaml)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, ok := parseSimpleYAML([]byte(text))
		if ok {
			compareWithYAMLv3(t, text, got)
		}
	})
}

func compareWithYAMLv3(t *testing.T, text string, got *yaml.Node) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("fast path accepted what yaml.v3 rejects (%v):\n%s", err, text)
	}
	if len(doc.Content) != 1 {
		t.Fatalf("yaml.v3 found %d documents", len(doc.Content))
	}
	if diff := nodeDiff(doc.Content[0], got, "$"); diff != "" {
		t.Fatalf("differs from yaml.v3 at %s\n%s", diff, text)
	}
}

// nodeDiff names the first difference between two trees, or "".
func nodeDiff(want, got *yaml.Node, at string) string {
	describe := func(n *yaml.Node) string {
		return fmt.Sprintf("kind %d style %d tag %q value %q at %d:%d with %d children", n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, len(n.Content))
	}
	if want.Kind != got.Kind || want.Style != got.Style || want.Tag != got.Tag || want.Value != got.Value ||
		want.Line != got.Line || want.Column != got.Column || len(want.Content) != len(got.Content) ||
		want.Anchor != got.Anchor || want.Alias != got.Alias {
		return at + ":\n yaml.v3: " + describe(want) + "\n fast:    " + describe(got)
	}
	for i := range want.Content {
		if d := nodeDiff(want.Content[i], got.Content[i], fmt.Sprintf("%s[%d]", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// BenchmarkFrontMatter compares the fast path with yaml.v3 on a typical
// report's front matter.
func BenchmarkFrontMatter(b *testing.B) {
	text := []byte(simpleYAMLCases[0].yaml)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, ok := parseSimpleYAML(text); !ok {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		for b.Loop() {
			var doc yaml.Node
			if err := yaml.Unmarshal(text, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// deepMapping nests n mappings, each indented one space more.
func deepMapping(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i+1) + "a:\n")
	}
	b.WriteString(strings.Repeat(" ", n+1) + "b: 1\n")
	return b.String()
}
