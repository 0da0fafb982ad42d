package render

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/layouts"
)

// TestRefusesFactsItCannotRender: facts without the bodies' HTML (NoHTML,
// or a render before) or without the trends when lists are asked for give
// an error, never a page with an empty body or a panic.
func TestRefusesFactsItCannotRender(t *testing.T) {
	ctx := context.Background()
	files := fstest.MapFS{
		"site.yaml":      {Data: []byte("title: T\n")},
		"incidents/a.md": {Data: []byte("---\nid: 2024-01-01 a\ntitle: A\nstart: 2024-01-01 03:00\n---\n## Summary\n\nThe body of a.\n")},
		"incidents/b.md": {Data: []byte("---\nid: 2024-02-01 b\ntitle: B\nstart: 2024-02-01 03:00\n---\n## Summary\n\nThe body of b.\n")},
	}
	arc, diags, err := archive.Load(ctx, files, archive.Options{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %v", err, diags.All())
	}
	opts := Options{BaseURL: "/", Layouts: layouts.FS, Workers: 1}
	compute := func(fo facts.Options) *facts.Facts {
		fo.Root, fo.ReservedIDs = "/", ReservedIDs()
		f, err := facts.Compute(ctx, arc, fo)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	one := Selection{Reports: arc.Incidents[:1]}
	lists := Selection{Reports: arc.Incidents[:1], Lists: true}
	rendered := compute(facts.Options{})
	if pages, err := Pages(ctx, rendered, opts, one); err != nil || !strings.Contains(string(pages["incidents/"+arc.Incidents[0].Slug+"/index.html"]), "The body of ") {
		t.Fatalf("the first render: %v, %d pages", err, len(pages))
	}
	tests := []struct {
		name string
		run  func() error
		want string // in the error; "" for none
	}{
		{"NoHTML, a page", func() error { _, err := Pages(ctx, compute(facts.Options{NoHTML: true}), opts, one); return err }, "no HTML"},
		{"NoHTML, the site", func() error { _, err := Render(ctx, compute(facts.Options{NoHTML: true}), nil, opts); return err }, "no HTML"},
		{"rendered before", func() error { _, err := Pages(ctx, rendered, opts, one); return err }, "already rendered"},
		{"NoTrends, the lists", func() error { _, err := Pages(ctx, compute(facts.Options{NoTrends: true}), opts, lists); return err }, "no trends"},
		{"NoTrends, the site", func() error { _, err := Render(ctx, compute(facts.Options{NoTrends: true}), nil, opts); return err }, "no trends"},
		{"NoTrends, a page", func() error { _, err := Pages(ctx, compute(facts.Options{NoTrends: true}), opts, one); return err }, ""},
		{"a report not in the archive", func() error {
			_, err := Pages(ctx, compute(facts.Options{}), opts, Selection{Reports: []*incident.Incident{{ID: "2024-03-01 c", Slug: "2024-03-01-c"}}})
			return err
		}, "not in the archive"},
	}
	for _, tt := range tests {
		err := tt.run()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}
