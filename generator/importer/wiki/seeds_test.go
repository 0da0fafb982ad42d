package wiki

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/importer/mediawiki"
	"github.com/incidents-archive/incidents/generator/incident"
)

// TestSeedsRoundTrip converts the three seed reports, written as wiki
// pages in the real layout (testdata/seeds, in our own words), and
// compares the front matter with the bundled reports of the same
// incidents in content/incidents.
func TestSeedsRoundTrip(t *testing.T) {
	site := bundledSite(t)
	cases := []struct {
		page, title, bundled string
		// allServices: the page names every service of the bundled
		// report, so the guess must find them all.
		allServices bool
	}{
		{"2026-02-23 ml-serve.wiki", "Incidents/2026-02-23 ml-serve", "2026/2026-02-23-ml-serve.md", true},
		{"2017-11-20 ores.wiki", "Incidents/2017-11-20 ores", "2017/2017-11-20-ores.md", false},
		{"20150423-mediawiki-api.wiki", "Incident documentation/20150423-mediawiki-api", "2015/2015-04-23-mediawiki-api.md", false},
	}
	for _, c := range cases {
		t.Run(c.page, func(t *testing.T) {
			path := filepath.Join("..", "..", "..", "content", "incidents", c.bundled)
			var diags diag.List
			want := incident.Parse(path, readFile(t, path), site, &diags)
			if want == nil || diags.HasErrors() {
				t.Fatalf("bundled report %s: %v", path, diags.All())
			}
			p := mediawiki.Page{Title: c.title, Text: string(readFile(t, filepath.Join("testdata", "seeds", c.page)))}
			got := Convert(p, Options{Site: site})

			eq := func(field string, g, w any) {
				t.Helper()
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s: imported %v, bundled %v", field, g, w)
				}
			}
			eq("id", got.ID, want.ID)
			status := got.Status
			eq("status", status, string(want.Status))
			eq("task", got.Task, want.Task)
			eq("start", got.Start, want.Start)
			eq("end", got.End, want.End)
			eq("paged", derefOr(got.Paged, -1), derefOr(want.Paged, -1))
			eq("coordinators", got.Coordinators, want.Coordinators)
			eq("responders", got.Responders, want.Responders)
			eq("impact", got.Impact, want.Impact)
			eq("related", got.Related, want.Related)

			var gotAnswers, wantAnswers [][2]string
			for _, a := range got.Scorecard {
				gotAnswers = append(gotAnswers, [2]string{a.Key, a.Answer})
			}
			for _, a := range want.Scorecard {
				wantAnswers = append(wantAnswers, [2]string{a.Key, a.Answer})
			}
			eq("scorecard", gotAnswers, wantAnswers)

			var gotActions, wantActions [][2]string
			for _, a := range got.Actionables {
				gotActions = append(gotActions, [2]string{a.Task, a.Status})
			}
			for _, a := range want.Actionables {
				wantActions = append(wantActions, [2]string{a.Task, a.Status})
			}
			eq("actionables (task, status)", gotActions, wantActions)

			// Guessed services are a subset of what a person chose: the
			// catalogue is never guessed wrong on these reports.
			for _, s := range got.Services {
				if !slices.Contains(want.Services, s) {
					t.Errorf("guessed service %q is not among the bundled report's %v", s, want.Services)
				}
			}
			if c.allServices {
				g, w := slices.Sorted(slices.Values(got.Services)), slices.Sorted(slices.Values(want.Services))
				eq("services", g, w)
			}
			if len(got.Services) == 0 {
				t.Errorf("no services guessed; the bundled report has %v", want.Services)
			}
		})
	}
}

func derefOr(p *int64, def int64) int64 {
	if p == nil {
		return def
	}
	return *p
}
