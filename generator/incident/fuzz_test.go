package incident

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// FuzzSlugify holds every slug to the form that is safe as one path
// segment and in a URL (see checkSlug), and checks that Slugify is stable
// (the same input gives the same slug), idempotent (a slug is its own
// slug), and that SlugOr never gives an empty or unsafe slug either.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{
		"2026-02-23 ml-serve", "mysql-s1.eqiad", "Müller", "../../etc/passwd", `..\..\windows`,
		"\u202egnp.exe", "a\x00b", strings.Repeat("long words ", 20), "ßŁ", "---", "", "日本語",
		"障害 東京", "مرحبا بالعالم", "नमस्ते दुनिया", "🔥🔥", "👩\u200d💻", "ｶﾞｷﾞ", "Ёлка й", "ΟΔΟΣ",
		"a\u200bb", "\u0301x", strings.Repeat("𠀀", 100), strings.Repeat("क्षि", 40), "ﬁ½²", "1️⃣",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slugify(s)
		checkSlug(t, s, got)
		if again := Slugify(s); again != got {
			t.Fatalf("Slugify(%q) gave %q, then %q", s, got, again)
		}
		if again := Slugify(got); again != got {
			t.Fatalf("Slugify(%q) = %q, but Slugify(%q) = %q", s, got, got, again)
		}
		or := SlugOr("id", s)
		if or == "" {
			t.Fatalf("SlugOr(id, %q) is empty", s)
		}
		checkSlug(t, s, or)
		if got != "" && or != got {
			t.Fatalf("SlugOr(id, %q) = %q, but Slugify gives %q", s, or, got)
		}
		if again := Slugify(or); again != or {
			t.Fatalf("SlugOr(id, %q) = %q, whose slug is %q", s, or, again)
		}
	})
}

// checkSlug fails unless slug is a safe path segment: valid UTF-8 in NFC,
// within the bounds, only letters, marks (after a letter) and digits with
// single inner hyphens; so no "/", "\\", ".", control, format or
// invisible character, and never "." or "..".
func checkSlug(t *testing.T, in, slug string) {
	t.Helper()
	if slug == "" {
		return
	}
	if !utf8.ValidString(slug) || !norm.NFC.IsNormalString(slug) {
		t.Fatalf("Slugify(%q) = %q, not valid UTF-8 in NFC", in, slug)
	}
	if len(slug) > MaxSlugBytes || utf8.RuneCountInString(slug) > MaxSlugChars {
		t.Fatalf("Slugify(%q) = %q: %d bytes, %d characters, more than %d or %d", in, slug, len(slug), utf8.RuneCountInString(slug), MaxSlugBytes, MaxSlugChars)
	}
	if strings.HasPrefix(slug, "-") || strings.HasSuffix(slug, "-") || strings.Contains(slug, "--") {
		t.Fatalf("Slugify(%q) = %q: a hyphen at an end or doubled", in, slug)
	}
	prev := '-'
	for _, r := range slug {
		switch {
		case r == '-', unicode.IsLetter(r), unicode.IsDigit(r):
		case unicode.Is(unicode.M, r) && prev != '-':
		default:
			t.Fatalf("Slugify(%q) = %q holds %U", in, slug, r)
		}
		if invisible(r) || unicode.IsControl(r) || r > unicode.MaxRune {
			t.Fatalf("Slugify(%q) = %q holds the invisible %U", in, slug, r)
		}
		if r < utf8.RuneSelf && !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			t.Fatalf("Slugify(%q) = %q holds the ASCII %q", in, slug, r)
		}
		prev = r
	}
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
