package diag

import "testing"

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
