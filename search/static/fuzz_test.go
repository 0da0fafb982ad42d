package static

import (
	"slices"
	"testing"
)

// FuzzAnalyzer checks the cached analysis, with its ASCII fast path and
// its handling of compound names, against the mapping's whole analyzer on
// any text, and that a query word's terms are among the text's.
func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{
		"svc-0947 failed", "db1001.eqiad.wmnet", "a-b-c - d--e", "/srv/mediawiki/php-1.42/", "on-call's pager",
		"Санкт-Петербург-2", "x.y. .z -w", "v1.2.3-rc1", "O'Reilly's cache", "",
	} {
		f.Add(s)
	}
	fast, err := NewAnalyzer()
	if err != nil {
		f.Fatal(err)
	}
	whole, err := NewAnalyzer()
	if err != nil {
		f.Fatal(err)
	}
	whole.whole = wholeAnalyzer(f)
	f.Fuzz(func(t *testing.T, text string) {
		got, want := fast.Analyze(text), whole.Analyze(text)
		if !slices.Equal(got, want) {
			t.Fatalf("Analyze(%q) = %q, the whole analyzer gives %q", text, got, want)
		}
		fast.QueryTerms(text, func(term string) {
			if !slices.Contains(want, term) {
				t.Fatalf("QueryTerms(%q) gives %q, which the text's terms %q lack", text, term, want)
			}
		})
	})
}
