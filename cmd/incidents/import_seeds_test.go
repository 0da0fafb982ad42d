package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// TestImportSeedsRoundTrip imports the three reports of the bundled
// archive, written as wiki pages in the layout of the real ones (the wiki
// importer's fixtures, in our words), into an archive with the bundled
// site.yaml, with the command a team would run. The reports it writes
// must build, and must agree with the bundled reports on what the wiki
// pages hold: id, task, start, end, paged, coordinators, responders,
// related reports, every scorecard answer and the action items' tasks.
// Fields the wiki has no place for (trigger, causes, failure mode...) are
// not compared.
func TestImportSeedsRoundTrip(t *testing.T) {
	seeds, err := filepath.Glob(filepath.Join("..", "..", "generator", "importer", "wiki", "testdata", "seeds", "*.wiki"))
	if err != nil || len(seeds) != 3 {
		t.Fatalf("want the three seed pages, found %v (%v)", seeds, err)
	}
	siteYAML, err := os.ReadFile(filepath.Join("..", "..", "content", "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := writeContent(t, map[string]string{"content/site.yaml": string(siteYAML)})
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(filepath.Join(content, "incidents"), 0o755); err != nil {
		t.Fatal(err)
	}
	checkRun(t, append([]string{"import", "wiki", "-s", content, "--wiki-url", "https://wiki.example.org/wiki/"}, seeds...), 0,
		[]string{"imported                         3   new 3"}, nil)
	checkRun(t, []string{"build", "-s", content, "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, "cache"), "--drafts"}, 0, []string{"Built 3 reports"}, nil)

	var diags diag.List
	site := siteconfig.Parse("site.yaml", siteYAML, &diags)
	read := func(root string) map[string]*incident.Incident {
		t.Helper()
		out := map[string]*incident.Incident{}
		err := filepath.WalkDir(filepath.Join(root, "incidents"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			in := incident.Parse(p, data, site, &diags)
			out[in.ID] = in
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	bundled, imported := read(filepath.Join("..", "..", "content")), read(content)
	if diags.HasErrors() {
		t.Fatalf("reading the reports:\n%v", diags.All())
	}
	if len(imported) != 3 {
		t.Fatalf("imported %d reports, want 3", len(imported))
	}
	for id, got := range imported {
		want, ok := bundled[id]
		if !ok {
			t.Errorf("imported %q, which is no id of the bundled archive", id)
			continue
		}
		check := func(field string, got, want any) {
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %s: imported %v, bundled %v", id, field, got, want)
			}
		}
		check("task", got.Task, want.Task)
		check("start", got.Start.Format(time.RFC3339), want.Start.Format(time.RFC3339))
		check("end", got.End.Format(time.RFC3339), want.End.Format(time.RFC3339))
		check("paged", deref(got.Paged), deref(want.Paged))
		check("coordinators", got.Coordinators, want.Coordinators)
		check("responders", sorted(got.Responders), sorted(want.Responders))
		check("related", got.Related, want.Related)
		answers := func(in *incident.Incident) map[string]string {
			m := map[string]string{}
			for _, a := range in.Scorecard {
				m[a.Key] = a.Answer
			}
			return m
		}
		check("scorecard", answers(got), answers(want))
		tasks := func(in *incident.Incident) []string {
			var out []string
			for _, a := range in.Actionables {
				if a.Task != "" {
					out = append(out, a.Task)
				}
			}
			return sorted(out)
		}
		check("action items' tasks", tasks(got), tasks(want))
		if !strings.HasPrefix(got.ImportedFrom, filepath.Join("..", "..", "generator")) {
			t.Errorf("%s: imported_from %q does not name the page's file", id, got.ImportedFrom)
		}
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
