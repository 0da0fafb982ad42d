package generator

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/search"
)

// TestDocumentsNameTermsOnce: a site and a cause spelled two ways are one
// term; the documents hold the name its page shows, so that the facet has
// one value that filters the reports of both spellings, and a word in
// either spelling finds them all. An id in Japanese has a percent-encoded
// URL, as the site links it.
func TestDocumentsNameTermsOnce(t *testing.T) {
	report := func(id, start, extra string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitle: Report " + id + "\nstart: " + start + "\n" + extra + "---\nThe body.\n")}
	}
	files := fstest.MapFS{
		"incidents/a.md": report("2024-01-01 a", "2024-01-01", "sites: [zurich]\ncauses: [dependance]\n"),
		"incidents/b.md": report("2025-01-01 b", "2025-01-01", "sites: [Zürich]\ncauses: [Dépendance]\n"),
		"incidents/c.md": report("2025-06-01 東京", "2025-06-01", "sites: [zürich, zurich]\n"),
	}
	ctx := context.Background()
	arc, diags, err := archive.Load(ctx, files, archive.Options{Label: "content"})
	if err != nil || diags.HasErrors() {
		t.Fatalf("Load: %v %v", err, diags.All())
	}
	f, err := facts.Compute(ctx, arc, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs := Documents(f)
	for _, d := range docs {
		if !slices.Equal(d.Sites, []string{"zürich"}) {
			t.Errorf("%s: sites %q, want [zürich]", d.ID, d.Sites)
		}
		if d.Body != "The body." {
			t.Errorf("%s: body %q", d.ID, d.Body)
		}
	}
	if u := docs[0].URL; u != "incidents/2025-06-01-%E6%9D%B1%E4%BA%AC/" {
		t.Errorf("the Tokyo report's URL is %q", u)
	}
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := search.Rebuild(ctx, dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, tt := range []struct {
		req  search.Request
		want string
	}{
		{search.Request{Sites: []string{"zürich"}}, "2025-06-01 東京, 2025-01-01 b, 2024-01-01 a"},
		{search.Request{Query: "dependance"}, "2025-01-01 b, 2024-01-01 a"},
		{search.Request{Query: "dépendance"}, "2025-01-01 b, 2024-01-01 a"},
	} {
		tt.req.Sort = "newest"
		res, err := x.Search(ctx, tt.req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if got := strings.Join(ids, ", "); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.req, got, tt.want)
		}
		if tt.req.Sites != nil {
			if got := fmt.Sprint(res.Facets["sites"]); got != "[{zürich 3}]" {
				t.Errorf("sites facet %s, want [{zürich 3}]", got)
			}
		}
	}
}

// TestDocumentsRespondersOnce: a coordinator who is also a responder,
// spelled in another case, is one responder of the document, by the name
// the responder's page shows.
func TestDocumentsRespondersOnce(t *testing.T) {
	files := fstest.MapFS{
		"incidents/a.md": {Data: []byte("---\nid: 2024-01-01 a\ntitle: A\nstart: 2024-01-01\nresponders: [Ana Berg]\ncoordinators: [ana berg, Ben Costa]\n---\nThe body.\n")},
		"incidents/b.md": {Data: []byte("---\nid: 2024-02-01 b\ntitle: B\nstart: 2024-02-01\ncoordinators: [Ben Costa]\n---\nThe body.\n")},
	}
	ctx := context.Background()
	arc, diags, err := archive.Load(ctx, files, archive.Options{Label: "content"})
	if err != nil || diags.HasErrors() {
		t.Fatalf("Load: %v %v", err, diags.All())
	}
	f, err := facts.Compute(ctx, arc, facts.Options{NoTrends: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"2024-01-01 a": {"Ana Berg", "Ben Costa"}, "2024-02-01 b": {"Ben Costa"}}
	for _, d := range Documents(f) {
		if !slices.Equal(d.Responders, want[d.ID]) {
			t.Errorf("%s: responders %q, want %q", d.ID, d.Responders, want[d.ID])
		}
	}
}
