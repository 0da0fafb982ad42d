package mdimport

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/")

// exampleDir holds the mapping files shipped with the project.
const exampleDir = "../../../docs/examples/import"

// bundledSite is the site.yaml shipped in content/, for its catalogue.
func bundledSite(t testing.TB) *siteconfig.Site {
	t.Helper()
	data, err := os.ReadFile("../../../content/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.List
	site := siteconfig.Parse("content/site.yaml", data, &diags)
	if diags.HasErrors() {
		t.Fatalf("content/site.yaml: %v", diags.Errors())
	}
	return site
}

// TestFixtures converts every fixture under testdata/STYLE/ with its
// mapping and compares the reports with testdata/golden/STYLE/NAME.json.
// The postmortem-collection and status-page styles use the mapping files
// shipped in docs/examples/import/, so the examples cannot rot; plain
// reports have no front matter and no mapping. Run with -update to
// rewrite the golden files, then read the diff.
func TestFixtures(t *testing.T) {
	site := bundledSite(t)
	for _, tc := range []struct{ style, mapping string }{
		{"postmortem-collection", filepath.Join(exampleDir, "postmortem-collection.yaml")},
		{"status-page", filepath.Join(exampleDir, "status-page.yaml")},
		{"plain", ""},
	} {
		t.Run(tc.style, func(t *testing.T) {
			var m *Mapping
			if tc.mapping != "" {
				data, err := os.ReadFile(tc.mapping)
				if err != nil {
					t.Fatal(err)
				}
				if m, err = ParseMapping(tc.mapping, data); err != nil {
					t.Fatalf("the shipped example mapping does not parse:\n%v", err)
				}
			}
			files, _ := filepath.Glob(filepath.Join("testdata", tc.style, "*.md"))
			if len(files) < 3 {
				t.Fatalf("found %d fixtures in testdata/%s; expected several", len(files), tc.style)
			}
			for _, file := range files {
				name := strings.TrimSuffix(filepath.Base(file), ".md")
				t.Run(name, func(t *testing.T) {
					data, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					r := Convert(filepath.ToSlash(file), data, m, Options{Site: site})
					checkInvariants(t, r, site)
					got, err := json.MarshalIndent(r, "", "  ")
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, '\n')
					golden := filepath.Join("testdata", "golden", tc.style, name+".json")
					if *update {
						if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(golden, got, 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (run go test -update to write it)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s differs from %s; got:\n%s", file, golden, got)
					}
				})
			}
		})
	}
}

// checkInvariants asserts what holds for every converted report: it has
// an id, a title and a hash; a report without a start is a draft with a
// warning saying so; every warning has a kind; and the front matter a
// writer would make of it is accepted by the build's parser (a draft
// without a start aside, which the writer must complete).
func checkInvariants(t *testing.T, r *importer.Report, site *siteconfig.Site) {
	t.Helper()
	if r.ID == "" || r.Title == "" || len(r.SourceHash) != 64 || r.ImportedFrom == "" {
		t.Errorf("id %q, title %q, hash %q, imported_from %q: none may be empty", r.ID, r.Title, r.SourceHash, r.ImportedFrom)
	}
	if r.Start.IsZero() {
		if r.Status != "draft" {
			t.Errorf("no start, but status %q; want draft", r.Status)
		}
		if !hasWarning(r, "start", kindMissing) {
			t.Errorf("no start and no warning naming it: %+v", r.Warnings)
		}
		return
	}
	for _, w := range r.Warnings {
		if w.Kind == "" || w.Message == "" {
			t.Errorf("warning without a kind or message: %+v", w)
		}
	}
	var diags diag.List
	text := frontMatterOf(t, r) + r.Body
	in := incident.Parse("import.md", []byte(text), site, &diags)
	if diags.HasErrors() || in == nil {
		t.Errorf("the build would refuse the report:\n%v\n%s", diags.Errors(), text)
	}
}

func hasWarning(r *importer.Report, field, kind string) bool {
	for _, w := range r.Warnings {
		if w.Field == field && w.Kind == kind {
			return true
		}
	}
	return false
}

// frontMatterOf writes a report's front matter as the writer would, for
// the build's parser to check (the writer itself is package importer's).
func frontMatterOf(t *testing.T, r *importer.Report) string {
	t.Helper()
	fm := map[string]any{"id": r.ID, "title": r.Title, "imported_from": r.ImportedFrom}
	put := func(k string, v any, ok bool) {
		if ok {
			fm[k] = v
		}
	}
	ts := func(tm time.Time) string { return tm.Format(time.RFC3339) }
	put("status", r.Status, r.Status != "")
	put("task", r.Task, r.Task != "")
	put("start", ts(r.Start), !r.Start.IsZero())
	put("end", ts(r.End), !r.End.IsZero())
	put("detected", ts(r.Detected), !r.Detected.IsZero())
	put("detection", r.Detection, r.Detection != "")
	put("paged", r.Paged, r.Paged != nil)
	put("paged_after_hours", r.PagedAfterHours, r.PagedAfterHours != nil)
	for k, v := range map[string][]string{"responders": r.Responders, "coordinators": r.Coordinators, "services": r.Services,
		"sites": r.Sites, "slos": r.SLOs, "causes": r.Causes, "related": r.Related, "repeat_of": r.RepeatOf} {
		put(k, v, len(v) > 0)
	}
	put("impact", r.Impact, r.Impact != "")
	put("trigger", r.Trigger, r.Trigger != "")
	put("failure_mode", r.FailureMode, r.FailureMode != "")
	if len(r.Actionables) > 0 {
		var as []map[string]string
		for _, a := range r.Actionables {
			as = append(as, map[string]string{"title": a.Title, "status": a.Status})
		}
		fm["actionables"] = as
	}
	out, err := yaml.Marshal(fm)
	if err != nil {
		t.Fatal(err)
	}
	return "---\n" + string(out) + "---\n"
}
