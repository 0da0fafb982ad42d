package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// long80 is an id of exactly 80 characters, the most a permalink keeps.
var long80 = "2026-01-01-" + strings.Repeat("x", 69)

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
			name: "long ids alike in their first 80 characters",
			files: fstest.MapFS{
				"incidents/a.md": report(long80+" database failover", "A", "2026-01-01"),
				"incidents/b.md": report(long80+" network partition", "B", "2026-01-02"),
			},
			want: []string{`content/incidents/b.md:2: id: "` + long80 + ` network partition" gives the same permalink /incidents/` + long80 + `/ as "` + long80 +
				` database failover" in content/incidents/a.md:2: a permalink keeps only the first 80 characters (at most 120 bytes) of an id, and these ids collide there; shorten one of them, or make them differ near the start`},
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
				`content/incidents/c.md:4: start: cannot read "someday" as a date; write YYYY-MM-DD, or YYYY-MM-DD hh:mm or hh:mm:ss such as 2026-02-23 17:20, in UTC unless an offset follows (Z, +01:00, +0100, +01 or UTC); RFC 3339 (2026-02-23T17:20:00+01:00) works too`,
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

// TestTermSlugsAreStable: a term's permalink is the slug of its name
// alone. Spellings that slugify alike share one page; adding an older
// report with another spelling, and a newer one, moves no page; only the
// name the page shows may change, and it depends on the counts of the
// spellings, not on the order of the reports.
func TestTermSlugsAreStable(t *testing.T) {
	files := fstest.MapFS{
		"incidents/a.md": report("2020-01-01 a", "A", "2020-01-01", "responders: [Jose Garcia, 田中]", "services: [Parsoid]", "sites: [zurich]"),
		"incidents/b.md": report("2021-01-01 b", "B", "2021-01-01", "responders: [Jose Garcia, 山田, Ana Berg]", "services: [parsoid]"),
		"incidents/c.md": report("2021-06-01 c", "C", "2021-06-01", "responders: [ana berg, 🔥]"),
	}
	a, diags := load(t, files, Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	before := termSlugs(a)
	want := map[string]string{
		"responders/Jose Garcia": "jose-garcia", "responders/Ana Berg": "ana-berg", "responders/ana berg": "ana-berg",
		"responders/田中": "田中", "responders/山田": "山田", "responders/🔥": "term-" + hash8("🔥"),
		"services/parsoid": "parsoid", "sites/zurich": "zurich",
	}
	for name, slug := range want {
		if before[name] != slug {
			t.Errorf("%s has the slug %q, want %q", name, before[name], slug)
		}
	}
	if n := len(a.Taxonomy("services").Terms); n != 1 {
		t.Errorf("Parsoid and parsoid are one service, got %d terms", n)
	}
	ana, _ := a.Taxonomy("responders").Term("ana berg")
	if ana.Name != "Ana Berg" || strings.Join(ana.OtherSpellings(), "|") != "ana berg" || len(ana.Incidents) != 2 {
		t.Errorf("Ana Berg and ana berg are one term shown as Ana Berg: %q, also %q, %d reports", ana.Name, ana.OtherSpellings(), len(ana.Incidents))
	}

	// An older report spells him José García, a newer one too; a report
	// lists both spellings of Zürich.
	files["incidents/0.md"] = report("2019-01-01 old", "Old", "2019-01-01", "responders: [José García]", "sites: [zürich]")
	files["incidents/d.md"] = report("2022-01-01 d", "D", "2022-01-01", "responders: [José García, Ana Berg]", "sites: [zürich, zurich]")
	a2, diags := load(t, files, Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	after := termSlugs(a2)
	for name, slug := range before {
		if after[name] != slug {
			t.Errorf("%s moved from %s to %s", name, slug, after[name])
		}
	}
	resp := a2.Taxonomy("responders")
	jose, _ := resp.Term("José García")
	if other, _ := resp.Term("Jose Garcia"); other != jose {
		t.Fatalf("José García and Jose Garcia are two terms")
	}
	// Two reports each: the accented spelling is shown.
	if jose.Slug != "jose-garcia" || jose.Name != "José García" || strings.Join(jose.Spellings, "|") != "José García|Jose Garcia" || len(jose.Incidents) != 4 {
		t.Errorf("José García: slug %q, name %q, spellings %q, %d reports", jose.Slug, jose.Name, jose.Spellings, len(jose.Incidents))
	}
	zurich, _ := a2.Taxonomy("sites").Term("zurich")
	if zurich.Name != "zürich" || len(zurich.Incidents) != 3 {
		t.Errorf("zurich: name %q, %d reports; want zürich, 3 (the report that lists both counts once)", zurich.Name, len(zurich.Incidents))
	}
	for _, tax := range a2.Taxonomies {
		seen := map[string]bool{}
		for _, term := range tax.Terms {
			if seen[term.Slug] {
				t.Errorf("%s: two terms have the slug %s", tax.Kind, term.Slug)
			}
			seen[term.Slug] = true
		}
	}
}

// termSlugs maps "kind/spelling" to the slug of its term's page.
func termSlugs(a *Archive) map[string]string {
	out := map[string]string{}
	for _, tax := range a.Taxonomies {
		for _, term := range tax.Terms {
			for _, name := range term.Spellings {
				out[tax.Kind+"/"+name] = term.Slug
			}
		}
	}
	return out
}

func hash8(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// TestWithReport: a report joins a copy of the archive, or takes the
// place of the one with its id, in order and in every index; the archive
// itself is left as it was.
func TestWithReport(t *testing.T) {
	a, diags := load(t, fstest.MapFS{
		"incidents/a.md": report("2024-01-01 a", "A", "2024-01-01", "services: [x]"),
		"incidents/b.md": report("2024-03-01 b", "B", "2024-03-01", "services: [x]", "related: [2024-01-01 a]"),
	}, Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	other, _ := load(t, fstest.MapFS{
		"incidents/c.md": report("2024-02-01 c", "C", "2024-02-01", "services: [x, y]", "related: [2024-01-01 a]"),
		"incidents/b.md": report("2024-03-01 b", "B again", "2024-04-01", "services: [z]"),
	}, Options{})
	c, b2 := other.Incidents[1], other.Incidents[0]
	order := func(x *Archive) string {
		var ids []string
		for _, in := range x.Incidents {
			ids = append(ids, in.ID)
		}
		return strings.Join(ids, ", ")
	}
	added := a.WithReport(c)
	if got := order(added); got != "2024-03-01 b, 2024-02-01 c, 2024-01-01 a" {
		t.Errorf("with c added: %s", got)
	}
	if got, ok := added.Incident("2024-02-01 c"); !ok || got != c || len(added.RelatedBy("2024-01-01 a")) != 2 || len(added.Taxonomy("services").Terms) != 2 {
		t.Errorf("c is not in every index of the copy")
	}
	replaced := a.WithReport(b2)
	if got := order(replaced); got != "2024-03-01 b, 2024-01-01 a" || replaced.Incidents[0] != b2 || len(replaced.RelatedBy("2024-01-01 a")) != 0 {
		t.Errorf("with b replaced: %s", got)
	}
	if got := order(a); got != "2024-03-01 b, 2024-01-01 a" || len(a.RelatedBy("2024-01-01 a")) != 1 || a.Incidents[0].Title != "B" {
		t.Errorf("the archive changed: %s", got)
	}
}
