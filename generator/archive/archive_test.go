package archive

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func report(id, title, start string, extra ...string) *fstest.MapFile {
	fm := "---\nid: " + id + "\ntitle: " + title + "\nstart: " + start + "\n" + strings.Join(extra, "\n")
	if len(extra) > 0 {
		fm += "\n"
	}
	return &fstest.MapFile{Data: []byte(fm + "---\nBody of " + id + ".\n")}
}

func load(t *testing.T, files fstest.MapFS, opts Options) (*Archive, []string) {
	t.Helper()
	if opts.Label == "" {
		opts.Label = "content"
	}
	a, diags, err := Load(context.Background(), files, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var out []string
	for _, d := range diags.All() {
		out = append(out, d.String())
	}
	return a, out
}

func TestLoadChecksAcrossReports(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string // every diagnostic, in order
	}{
		{
			name: "duplicate ids name both files",
			files: fstest.MapFS{
				"incidents/2026/a.md": report("2026-01-01 db", "A", "2026-01-01"),
				"incidents/2026/b.md": report("2026-01-01 db", "B", "2026-01-02"),
			},
			want: []string{`content/incidents/2026/b.md:2: id: "2026-01-01 db" is already used by content/incidents/2026/a.md:2`},
		},
		{
			name: "ids that give the same permalink",
			files: fstest.MapFS{
				"incidents/a.md": report("2026-01-01 DB", "A", "2026-01-01"),
				"incidents/b.md": report("2026-01-01 db", "B", "2026-01-02"),
			},
			want: []string{`content/incidents/b.md:2: id: "2026-01-01 db" gives the same permalink /incidents/2026-01-01-db/ as "2026-01-01 DB" in content/incidents/a.md:2; make the ids differ in letters or digits`},
		},
		{
			name: "references to unknown ids",
			files: fstest.MapFS{
				"incidents/a.md": report("2026-01-01 db", "A", "2026-01-01"),
				"incidents/b.md": report("2026-02-01 db", "B", "2026-02-01", "related: [2026-01-01 bd]", "repeat_of: [2025-01-01 nothing-like-it]"),
			},
			want: []string{
				`content/incidents/b.md:5: related: no report has the id "2026-01-01 bd" (did you mean "2026-01-01 db"?)`,
				`content/incidents/b.md:6: repeat_of: no report has the id "2025-01-01 nothing-like-it"`,
			},
		},
		{
			name: "repeat of a later incident",
			files: fstest.MapFS{
				"incidents/a.md": report("2026-01-01 db", "A", "2026-01-01", "repeat_of: [2026-02-01 db]"),
				"incidents/b.md": report("2026-02-01 db", "B", "2026-02-01"),
			},
			want: []string{`content/incidents/a.md:5: warning: repeat_of: "2026-02-01 db" started after this incident; only earlier incidents can be repeated`},
		},
		{
			name: "every file's problems at once",
			files: fstest.MapFS{
				"incidents/a.md":       {Data: []byte("no front matter\n")},
				"incidents/b.md":       {Data: []byte("")},
				"incidents/c.md":       report("c", "C", "someday"),
				"incidents/.hidden.md": {Data: []byte("ignored")},
				"incidents/notes.txt":  {Data: []byte("ignored")},
			},
			want: []string{
				`content/incidents/a.md:1: no front matter: the file must begin with a line "---" (YAML) or "+++" (TOML)`,
				`content/incidents/b.md: file is empty; a report needs front matter with at least id, title and start`,
				`content/incidents/c.md:4: start: cannot read "someday" as a date; write YYYY-MM-DD hh:mm:ss (UTC), RFC 3339 or YYYY-MM-DD`,
			},
		},
		{
			name: "pages",
			files: fstest.MapFS{
				"incidents/a.md":    report("a", "A", "2026-01-01"),
				"pages/services.md": {Data: []byte("---\ntitle: Services\n---\n")},
				"pages/guide.md":    {Data: []byte("---\ntitle: Guide\ndescribes: failure_mode\n---\n")},
				"pages/other.md":    {Data: []byte("---\ntitle: Other\ndescribes: colours\n---\n")},
				"pages/untitled.md": {Data: []byte("---\nweight: 1\n---\n")},
			},
			want: []string{
				`content/pages/other.md:3: describes: "colours" is not a taxonomy; use one of services, causes, sites, triggers, failure-modes, responders`,
				`content/pages/services.md:1: slug: /services/ is used by the archive itself; rename the file or set another slug`,
				`content/pages/untitled.md:1: title: required field is missing`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := load(t, tt.files, Options{})
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLoadModel(t *testing.T) {
	files := fstest.MapFS{
		"site.yaml":             {Data: []byte("title: Test\nservices:\n  mediawiki-api: {aliases: [mw-api]}\n")},
		"incidents/2024/old.md": report("2024-05-01 api", "Old", "2024-05-01 10:00", "end: 2024-05-01 11:00", "services: [mw-api]", "causes: [retry-storm]"),
		"incidents/2025/mid.md": report("2025-05-01 api", "Mid", "2025-05-01 10:00", "end: 2025-05-01 10:30", "services: [mediawiki-api, parsoid]", "related: [2024-05-01 api]"),
		"incidents/2026/new.md": report("2026-05-01 api", "New", "2026-05-01 10:00", "status: draft", "services: [parsoid]", "repeat_of: [2025-05-01 api]"),
		"pages/guide.md":        {Data: []byte("---\ntitle: Guide\ndescribes: causes\n---\n")},
	}
	t.Run("drafts left out", func(t *testing.T) {
		a, diags := load(t, files, Options{})
		if len(diags) > 0 {
			t.Fatalf("diagnostics: %v", diags)
		}
		if got := ids(a); got != "2025-05-01 api,2024-05-01 api" {
			t.Errorf("incidents = %s", got)
		}
		svc := a.Taxonomy("services")
		if got := len(svc.Terms); got != 2 {
			t.Fatalf("services = %d terms", got)
		}
		api, ok := svc.Term("mediawiki-api")
		if !ok || len(api.Incidents) != 2 || api.TotalDuration.Minutes() != 90 {
			t.Errorf("mediawiki-api term = %+v", api)
		}
		if rb := a.RelatedBy("2024-05-01 api"); len(rb) != 1 || rb[0].ID != "2025-05-01 api" {
			t.Errorf("RelatedBy = %v", rb)
		}
		if len(a.RelatedBy("2025-05-01 api")) != 0 {
			t.Error("a draft's repeat_of must not show when drafts are left out")
		}
		if !a.HasID("2026-05-01 api") {
			t.Error("HasID must know drafts, so that references to them are valid")
		}
		if p, ok := a.PageDescribing("causes"); !ok || p.Title != "Guide" {
			t.Errorf("PageDescribing(causes) = %v, %v", p, ok)
		}
		if got := len(a.Years); got != 2 || a.Years[0].Year != 2025 {
			t.Errorf("years = %+v", a.Years)
		}
	})
	t.Run("drafts included", func(t *testing.T) {
		a, _ := load(t, files, Options{Drafts: true})
		if got := ids(a); got != "2026-05-01 api,2025-05-01 api,2024-05-01 api" {
			t.Errorf("incidents = %s", got)
		}
		if rb := a.RelatedBy("2025-05-01 api"); len(rb) != 1 {
			t.Errorf("RelatedBy = %v", rb)
		}
	})
}

func ids(a *Archive) string {
	var out []string
	for _, in := range a.Incidents {
		out = append(out, in.ID)
	}
	return strings.Join(out, ",")
}

func TestLoadWithoutIncidentsFolder(t *testing.T) {
	_, _, err := Load(context.Background(), fstest.MapFS{"site.yaml": {Data: []byte("title: x\n")}}, Options{Label: "content"})
	if err == nil || !strings.Contains(err.Error(), "no incidents/ folder") {
		t.Fatalf("err = %v, want no incidents/ folder", err)
	}
}

func TestTermSlugsAreStable(t *testing.T) {
	files := fstest.MapFS{
		"incidents/a.md": report("2020-01-01 a", "A", "2020-01-01", "responders: [Ana Berg, 田中]", "services: [Parsoid]"),
		"incidents/b.md": report("2021-01-01 b", "B", "2021-01-01", "responders: [ana berg, 山田]", "services: [parsoid]"),
	}
	a, diags := load(t, files, Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	slugs := map[string]string{}
	for _, term := range a.Taxonomy("responders").Terms {
		slugs[term.Name] = term.Slug
	}
	if slugs["Ana Berg"] != "ana-berg" {
		t.Errorf("the first-seen name keeps the plain slug: %v", slugs)
	}
	if slugs["ana berg"] != "ana-berg-"+nameHash("ana berg") {
		t.Errorf("a later name that slugifies alike gets a suffix from its own name: %v", slugs)
	}
	if slugs["田中"] == slugs["山田"] || !strings.HasPrefix(slugs["田中"], "term-") {
		t.Errorf("names without Latin letters get distinct hashed slugs: %v", slugs)
	}
	if n := len(a.Taxonomy("services").Terms); n != 1 {
		t.Errorf("Parsoid and parsoid are one service, got %d terms", n)
	}
	// Adding a newer report with a colliding name moves nothing.
	files["incidents/c.md"] = report("2022-01-01 c", "C", "2022-01-01", "responders: [ANA BERG]")
	a2, _ := load(t, files, Options{})
	for _, term := range a2.Taxonomy("responders").Terms {
		if old, ok := slugs[term.Name]; ok && old != term.Slug {
			t.Errorf("%s moved from %s to %s", term.Name, old, term.Slug)
		}
	}
}
