package diag

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
)

func TestSuggest(t *testing.T) {
	keys := []string{"services", "causes", "status", "start", "failure_mode", "responders"}
	tests := map[string]string{
		"service":      "services",
		"Servcies":     "services",
		"stat":         "start",
		"failure-mode": "failure_mode",
		"responder":    "responders",
		"colour":       "",
		"":             "",
	}
	for in, want := range tests {
		if got := Suggest(in, keys); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestListSortsAndCounts(t *testing.T) {
	var l List
	l.Warnf("b.md", 3, "x", "later")
	l.Errorf("a.md", 9, "end", "before start")
	l.Errorf("a.md", 2, "id", "missing")
	if !l.HasErrors() || len(l.Errors()) != 2 || len(l.Warnings()) != 1 {
		t.Fatalf("counts wrong: %v", l.All())
	}
	var got []string
	for _, d := range l.All() {
		got = append(got, d.String())
	}
	want := []string{"a.md:2: id: missing", "a.md:9: end: before start", "b.md:3: warning: x: later"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("diagnostic %d = %q, want %q", i, got[i], want[i])
		}
	}
	e := &ContentError{Diagnostics: l.All()}
	if e.Error() != "content has 2 errors" {
		t.Errorf("ContentError = %q", e.Error())
	}
	if (Diagnostic{Path: "site.yaml", Message: "m"}).String() != "site.yaml: m" {
		t.Error("a diagnostic without line or field must not print empty parts")
	}
}

// TestStringEscapesControls: what a file holds reaches a terminal only as
// printable text on one line.
func TestStringEscapesControls(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Path: "a.md", Line: 4, Field: "\x1b[2Jkey", Message: "unknown key"}, `a.md:4: \u001b[2Jkey: unknown key`},
		{Diagnostic{Path: "a.md", Line: 1, Message: "two\nlines\tand a tab"}, "a.md:1: two\\u000alines\tand a tab"},
		{Diagnostic{Path: "b\u202e.md", Severity: Warning, Message: "x\u0085"}, `b\u202e.md: warning: x\u0085`},
		{Diagnostic{Path: "ü.md", Line: 2, Field: "title", Message: "is empty"}, "ü.md:2: title: is empty"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// TestFilterSortsAsAll: Warnings and Errors give what All gives of their
// severity, in All's order, ties kept in the order they were recorded.
func TestFilterSortsAsAll(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var l List
	for range 2000 {
		l.Add(Diagnostic{Severity: []Severity{Error, Warning}[r.Intn(2)], Path: fmt.Sprintf("r%d.md", r.Intn(40)), Line: r.Intn(5),
			Field: []string{"", "start", "services"}[r.Intn(3)], Message: fmt.Sprintf("m%d", r.Intn(3))})
	}
	for _, s := range []Severity{Error, Warning} {
		var want []Diagnostic
		for _, d := range l.All() {
			if d.Severity == s {
				want = append(want, d)
			}
		}
		got := l.filter(s)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("severity %v: %d diagnostics, not in All's order (%d)", s, len(got), len(want))
		}
	}
	var empty List
	if empty.Warnings() != nil || empty.Errors() != nil {
		t.Error("an empty list gave diagnostics")
	}
}

// BenchmarkWarnings sorts 500,000 warnings gathered as a build of 100,000
// reports gathers them: the decoders' findings by worker, each worker's in
// file order, then the linter's in file order.
func BenchmarkWarnings(b *testing.B) {
	var l List
	r := rand.New(rand.NewSource(1))
	for w := range 4 {
		for i := w; i < 100000; i += 4 {
			p := fmt.Sprintf("content/incidents/%d/report-%06d.md", 2010+i/7000, i)
			for k := range 2 {
				l.Warnf(p, 3+k, "field", "message number %d about something", r.Intn(20))
			}
		}
	}
	for i := range 100000 {
		p := fmt.Sprintf("content/incidents/%d/report-%06d.md", 2010+i/7000, i)
		for k := range 3 {
			l.Warnf(p, 10*k, "", "lint message number %d about something", r.Intn(20))
		}
	}
	for b.Loop() {
		l.Warnings()
	}
}
