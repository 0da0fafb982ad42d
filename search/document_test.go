package search

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/incidents-archive/incidents/generator/archive"
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
	arc, diags, err := archive.Load(context.Background(), files, archive.Options{Label: "content"})
	if err != nil || diags.HasErrors() {
		t.Fatalf("Load: %v %v", err, diags.All())
	}
	docs := Documents(arc)
	for _, d := range docs {
		if !slices.Equal(d.Sites, []string{"zürich"}) {
			t.Errorf("%s: sites %q, want [zürich]", d.ID, d.Sites)
		}
	}
	if u := docs[0].URL; u != "incidents/2025-06-01-%E6%9D%B1%E4%BA%AC/" {
		t.Errorf("the Tokyo report's URL is %q", u)
	}
	x := memIndex(t, docs)
	for _, tt := range []struct {
		req  Request
		want string
	}{
		{Request{Sites: []string{"zürich"}}, "2025-06-01 東京, 2025-01-01 b, 2024-01-01 a"},
		{Request{Query: "dependance"}, "2025-01-01 b, 2024-01-01 a"},
		{Request{Query: "dépendance"}, "2025-01-01 b, 2024-01-01 a"},
	} {
		tt.req.Sort = "newest"
		res, err := x.Search(context.Background(), tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.req, got, tt.want)
		}
		if tt.req.Sites != nil {
			if got := fmt.Sprint(res.Facets["sites"]); got != "[{zürich 3}]" {
				t.Errorf("sites facet %s, want [{zürich 3}]", got)
			}
		}
	}
}
