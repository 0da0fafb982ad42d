package generator

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/internal/wire"
)

// TestShareStrings: lint findings read back from two records say what
// was written, and their strings no longer point into the records: the
// report's path is the report's own, and a message or field that two
// records hold is one string.
func TestShareStrings(t *testing.T) {
	path := "content/incidents/2024/a.md"
	written := []diag.Diagnostic{
		{Severity: diag.Warning, Path: path, Line: 3, Field: "impact", Message: "impact is empty"},
		{Severity: diag.Warning, Path: path, Line: 9, Field: "body", Message: "the timeline has no times"},
		{Severity: diag.Warning, Path: "content/site.yaml", Line: 1, Field: "base_url", Message: "base_url is this machine"},
	}
	shared := map[string]string{}
	read := func() []diag.Diagnostic {
		r := wire.NewStringsReader(appendDiagnostics(nil, written))
		ds := readDiagnostics(r)
		if err := r.Done(); err != nil {
			t.Fatal(err)
		}
		shareStrings(ds, strings.Clone(path), shared) // the report's own string
		return ds
	}
	a, b := read(), read()
	for k := range written {
		if a[k] != written[k] || b[k] != written[k] {
			t.Fatalf("finding %d read back as %+v and %+v, want %+v", k, a[k], b[k], written[k])
		}
		for _, pair := range [][2]string{{a[k].Field, b[k].Field}, {a[k].Message, b[k].Message}, {a[k].Path, b[k].Path}} {
			if k < 2 && pair[0] == a[k].Path {
				continue // the report's path: a different string each call here
			}
			if unsafe.StringData(pair[0]) != unsafe.StringData(pair[1]) {
				t.Errorf("finding %d: %q read from two records is two strings", k, pair[0])
			}
		}
	}
	if unsafe.StringData(a[0].Path) != unsafe.StringData(a[1].Path) {
		t.Error("the report's path is not shared by its findings")
	}
}
