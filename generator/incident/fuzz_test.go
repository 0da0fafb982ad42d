package incident

import (
	"regexp"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

var slugForm = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)

// FuzzSlugify holds every slug to the form that is safe in a path and a
// URL (a-z, 0-9, single inner hyphens, at most maxSlug bytes), and checks
// that a slug is its own slug.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{
		"2026-02-23 ml-serve", "mysql-s1.eqiad", "Müller", "../../etc/passwd", `..\..\windows`,
		"\u202egnp.exe", "a\x00b", strings.Repeat("long words ", 20), "ßŁ", "---", "", "日本語",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slugify(s)
		if !slugForm.MatchString(got) {
			t.Fatalf("Slugify(%q) = %q, not of the form a-z0-9 with single hyphens", s, got)
		}
		if len(got) > maxSlug {
			t.Fatalf("Slugify(%q) is %d bytes, more than %d", s, len(got), maxSlug)
		}
		if again := Slugify(got); again != got {
			t.Fatalf("Slugify(%q) = %q, but Slugify(%q) = %q", s, got, got, again)
		}
	})
}

// FuzzParse decodes any file as a report: it never panics, every
// diagnostic names the file, and a report it returns has the required
// fields.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\nid: 2026-02-23 ml-serve\ntitle: Istio upgrade\nstart: 2026-02-23 17:20:00\nend: 2026-02-24 12:50\n" +
			"services: [ores, parsoid]\ntrigger: upgrade\nactionables:\n  - {title: Fix, task: T1, owner: x, status: open}\n  - bare line\n" +
			"scorecard:\n  few_paged: yes\n  runbook_used: {answer: no, note: none}\n---\nBody T123 and 2017-11-20 ores.\n",
		"---\ntitle: Hugo post\ndate: 2026-01-01\ntags: [a, b]\ndraft: true\n---\n",
		"+++\nid = \"x\"\ntitle = \"y\"\nstart = 2026-01-01\npaged = -1\n+++\n",
		"---\nid: a\ntitle: b\nstart: 2026-01-01\nend: 2025-01-01\ndetected: 2024-01-01\nstatus: in-review\n---\n",
		"---\nid: &a x\ntitle: *a\nstart: 2026-01-01\nservices: &s [a]\nsites: *s\nscorecard: *s\n---\n",
	} {
		f.Add(s)
	}
	site := siteconfig.Default()
	f.Fuzz(func(t *testing.T, data string) {
		var diags diag.List
		in := Parse("r.md", []byte(data), site, &diags)
		for _, d := range diags.All() {
			if d.Path != "r.md" {
				t.Fatalf("diagnostic for %q: %v", d.Path, d)
			}
		}
		if in != nil && !diags.HasErrors() && (in.ID == "" || in.Title == "" || in.Start.IsZero()) {
			t.Fatalf("report without id, title or start and no error: %+v", in)
		}
	})
}
