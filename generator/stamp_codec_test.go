package generator

import (
	"reflect"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/render"
)

var codecWarnings = []diag.Diagnostic{
	{Severity: diag.Warning, Path: "content/incidents/2024/a.md", Line: 3, Field: "services", Message: "unknown service \"api\""},
	{Severity: diag.Warning, Path: "content/incidents/2024/a.md", Line: 0, Field: "", Message: "no Timeline section"},
	{Severity: diag.Error, Path: "content/site.yaml", Line: 12, Field: "base_url", Message: "not a URL"},
}

// TestSiteStampRoundTrip: the stamp reads back as it was written, and any
// cut of it is refused rather than read as another stamp.
func TestSiteStampRoundTrip(t *testing.T) {
	for _, st := range []siteStamp{
		{},
		{Manifest: "ab12", Reports: 10000, Pages: 15706, Files: 28390, Bytes: 321_000_000, Warnings: codecWarnings,
			Drafts: 2, Indexed: 9998, Zone: "Europe/Berlin", Day: "2026-12-03"},
	} {
		data := st.appendBinary(nil)
		got, err := decodeSiteStamp(data)
		if err != nil {
			t.Fatalf("decodeSiteStamp: %v", err)
		}
		if !reflect.DeepEqual(got, st) {
			t.Errorf("read back %+v, want %+v", got, st)
		}
		for n := range len(data) {
			if _, err := decodeSiteStamp(data[:n]); err == nil {
				t.Errorf("the first %d of %d bytes read as a stamp", n, len(data))
			}
		}
	}
}

// TestLintFindingsRoundTrip: the linter's entry reads back as written,
// reports without findings included, and a cut entry is refused.
func TestLintFindingsRoundTrip(t *testing.T) {
	in := lintFindings{
		render.PageKey{1}:    codecWarnings[:2],
		render.PageKey{2}:    nil,
		render.PageKey{3, 4}: codecWarnings[2:],
	}
	data := in.appendBinary(nil)
	got, err := decodeLintFindings(data)
	if err != nil {
		t.Fatalf("decodeLintFindings: %v", err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("read back %v, want %v", got, in)
	}
	for n := range len(data) {
		if _, err := decodeLintFindings(data[:n]); err == nil {
			t.Errorf("the first %d of %d bytes read as findings", n, len(data))
		}
	}
}
