package mdimport

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping("map.yaml", []byte(`# a comment
Start_Time: start
uuid: ignore
url: keep
state:
  to: status
  values: {Published: final, "investigating": draft, retracted: ignore}
product:
  to: services
  values: {Web App: mediawiki-appservers}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{Source: "Start_Time", Target: "start", Line: 2},
		{Source: "uuid", Target: Ignore, Line: 3},
		{Source: "url", Target: Keep, Line: 4},
		{Source: "state", Target: "status", Line: 5, Values: map[string]string{"published": "final", "investigating": "draft", "retracted": Ignore}},
		{Source: "product", Target: "services", Line: 8, Values: map[string]string{"web app": "mediawiki-appservers"}},
	}
	got := m.Rules()
	if len(got) != len(want) {
		t.Fatalf("got %d rules %v; want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].String() != want[i].String() || got[i].Line != want[i].Line || len(got[i].Values) != len(want[i].Values) {
			t.Errorf("rule %d = %+v; want %+v", i, got[i], want[i])
		}
		for k, v := range want[i].Values {
			if got[i].Values[k] != v {
				t.Errorf("rule %s: value %q maps to %q; want %q", want[i].Source, k, got[i].Values[k], v)
			}
		}
	}
	// Source keys are matched without case; keys of ours map to themselves.
	for key, target := range map[string]string{"start_time": "start", "START_TIME": "start", "title": "title", "services": "services"} {
		if r, ok := m.rule(key); !ok || r.Target != target {
			t.Errorf("rule(%q) = %v, %v; want target %q", key, r, ok, target)
		}
	}
	if r, ok := m.rule("author"); ok {
		t.Errorf("rule(author) = %v; want none", r)
	}
	// A value map matches without case, and yes/no meet true/false.
	r, _ := m.rule("state")
	for in, want := range map[string]string{"PUBLISHED": "final", " investigating ": "draft", "retracted": Ignore, "scheduled": "scheduled"} {
		if got, _ := r.mapValue(in); got != want {
			t.Errorf("mapValue(%q) = %q; want %q", in, got, want)
		}
	}
	b, err := ParseMapping("b.yaml", []byte("resolved: {to: status, values: {\"true\": final, \"false\": draft}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := b.rule("resolved")
	for in, want := range map[string]string{"yes": "final", "no": "draft", "True": "final", "maybe": "maybe"} {
		if got, _ := rb.mapValue(in); got != want {
			t.Errorf("resolved: mapValue(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestParseMappingErrors checks that a bad mapping file is refused with
// every problem named by file, line and key, at once.
func TestParseMappingErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string // each a line of the error, in order
	}{
		{"unknown target", "start_time: strat\nend_time: end\n",
			[]string{`map.yaml:1: start_time: "strat" is not a key of ours (did you mean "start"?)`}},
		{"several problems at once", "a: start\nb: finish\nc: servces\n",
			[]string{`map.yaml:2: b: "finish" is not a key of ours`, `map.yaml:3: c: "servces" is not a key of ours (did you mean "services"?)`}},
		{"not a target", "points: scorecard\n",
			[]string{`map.yaml:1: points: cannot be mapped to "scorecard"`}},
		{"imported_from is ours to write", "url: imported_from\n",
			[]string{`map.yaml:1: url: cannot be mapped to "imported_from"`}},
		{"empty target", "severity:\n",
			[]string{`map.yaml:1: severity: has no target`}},
		{"enum value not ours", "state:\n  to: status\n  values:\n    resolved: done\n",
			[]string{`map.yaml:4: state.values.resolved: "done" is not a value of status; write one of draft, review, final, or ignore`}},
		{"values with ignore", "uuid:\n  to: ignore\n  values: {a: b}\n",
			[]string{`map.yaml:3: uuid.values: a value map means nothing for "ignore"`}},
		{"unknown key in a rule", "state:\n  to: status\n  vals: {a: final}\n",
			[]string{`map.yaml:3: state.vals: unknown key; a rule with values has only "to" and "values" (did you mean "values"?)`}},
		{"no to", "state:\n  values: {a: final}\n",
			[]string{`map.yaml:1: state: says no target`}},
		{"list target", "tags: [causes, services]\n",
			[]string{`map.yaml:1: tags: expected our key (such as start) or {to: our_key, values: {...}}, got a list`}},
		{"same key twice in other case", "Date: start\ndate: end\n",
			[]string{`map.yaml:2: date: the source key "Date" is already mapped at line 1`}},
		{"same key twice", "date: start\ndate: end\n",
			[]string{`map.yaml:2: date: key is already defined at line 1`}},
		{"value mapped twice", "state:\n  to: status\n  values: {Done: final, done: final}\n",
			[]string{`map.yaml:3: state.values.done: the source value "done" is already mapped`}},
		{"empty file", "# nothing yet\n",
			[]string{`map.yaml:1: the mapping maps no keys`}},
		{"not YAML", "start_time: [start\n",
			[]string{`map.yaml:`, `is not valid YAML`}},
		{"not a mapping", "- start\n- end\n",
			[]string{`map.yaml:1: the file must be a set of key: value lines, not a list`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMapping("map.yaml", []byte(tc.text))
			if err == nil {
				t.Fatalf("no error; got %v", m.Rules())
			}
			var me *MappingError
			if !errors.As(err, &me) || len(me.Diagnostics) == 0 {
				t.Fatalf("error %T %v; want a *MappingError with diagnostics", err, err)
			}
			msg := err.Error()
			rest := msg
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error:\n%s\nwant, in order:\n%s", msg, strings.Join(tc.want, "\n"))
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
