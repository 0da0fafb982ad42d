package generator

import (
	"maps"
	"math"
	"reflect"
	"strings"
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

// TestDiagnosticsSize: the size diagnosticsSize gives holds what
// appendDiagnostics writes, whatever the lengths and lines, so that the
// stamp's buffer is allocated once.
func TestDiagnosticsSize(t *testing.T) {
	long := strings.Repeat("é", 70_000)
	for _, list := range [][]diag.Diagnostic{
		nil,
		{},
		codecWarnings,
		{{Severity: diag.Warning, Path: long, Line: math.MaxInt32, Field: long, Message: long},
			{Severity: diag.Error, Path: long, Line: -1, Message: long[:300]}},
	} {
		if got, want := len(appendDiagnostics(nil, list)), diagnosticsSize(list); got > want {
			t.Errorf("%d diagnostics: appendDiagnostics wrote %d bytes, diagnosticsSize said %d at most", len(list), got, want)
		}
	}
	st := siteStamp{Manifest: strings.Repeat("f", 64), Warnings: codecWarnings, Zone: "Europe/Berlin", Day: "2026-12-03"}
	if b := st.appendBinary(nil); len(b) > cap(b) || cap(b) > 2*len(b)+1024 {
		t.Errorf("the stamp took %d bytes of a buffer of %d: not allocated once for its size", len(b), cap(b))
	}
}

// TestPageKeysRoundTrip: the pages' keys read back as written, and a cut
// entry is refused whole rather than read as fewer pages.
func TestPageKeysRoundTrip(t *testing.T) {
	keys := map[string]render.PageKey{
		"index.html":                               {1, 2, 3},
		"incidents/2024-01-01-db/index.html":       {4},
		"incidents.json#2024-01-01-db":             {},
		"services/mediawiki-api/page/2/index.html": {15: 9},
	}
	data := appendPageKeys(nil, keys)
	got, err := decodePageKeys(data)
	if err != nil || !maps.Equal(got, keys) {
		t.Fatalf("read back %v, %v; want %v", got, err, keys)
	}
	for n := range len(data) {
		if got, err := decodePageKeys(data[:n]); err == nil {
			t.Errorf("the first %d of %d bytes read as %d keys", n, len(data), len(got))
		}
	}
}
