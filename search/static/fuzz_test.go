package static

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAnalyzer keeps the two analyzers equal: the Go one, which the
// static index is written with and which is the bleve mapping's own (run
// whole, and through the Analyzer's caches), and the browser's copy in
// layouts/static/search.js, run in Node, which analyses the queries typed
// on a static site. It also checks that a query word's terms are among
// the text's.
//
// search.js follows Unicode's word boundaries as far as the scripts
// reports are written in need them, not for every script: it is compared
// on the text with every other character turned into a space (see
// typed). Texts that are not valid UTF-8, which a page cannot hold, are
// compared in Go only.
func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{
		"svc-0947 failed", "db1001.eqiad.wmnet", "a-b-c - d--e", "/srv/mediawiki/php-1.42/", "on-call's pager",
		"Санкт-Петербург-2", "x.y. .z -w", "v1.2.3-rc1", "O'Reilly's cache", "",
		"The DNS servers' caches were flushing; connections timed out.",
		"Café naïve résumé — Größe ΣΊΣΥΦΟΣ Москва 東京タワー ひらがな",
		"She's the operator's operator; they're running 10,000 queries at 3.5 qps.",
		"relational conditional rational valency hesitanci digitizer conformabli radicalli differentli vileli analogousli",
		"vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti",
		"triplicate formative formalize electriciti electrical hopeful goodness revival allowance inference airliner",
		"gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate",
		"angulariti homologous effective bowdlerize probate rate cease controll roll generalizations oscillators",
		"caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping",
		"tanned falling hissing fizzed failing filing happy sky",
	} {
		f.Add(s)
	}
	fast, err := NewAnalyzer()
	if err != nil {
		f.Fatal(err)
	}
	whole := &Analyzer{whole: wholeAnalyzer(f)}
	js := startJS(f)
	f.Fuzz(func(t *testing.T, text string) {
		want := whole.Analyze(text)
		if got := fast.Analyze(text); !slices.Equal(got, want) {
			t.Fatalf("Analyze(%q) = %q, the mapping's whole analyzer gives %q", text, got, want)
		}
		fast.QueryTerms(text, func(term string) {
			if !slices.Contains(want, term) {
				t.Fatalf("QueryTerms(%q) gives %q, which the text's terms %q lack", text, term, want)
			}
		})
		if js == nil || !utf8.ValidString(text) {
			return
		}
		text = typed(text)
		want = whole.Analyze(text)
		got, err := js.Analyze(text)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("search.js analyses %q as %q, the mapping's analyzer as %q", text, got, want)
		}
	})
}

// typed keeps the characters of s that search.js is written for, and
// turns every other into a space: ASCII, the Latin letters of Latin-1 and
// Latin Extended-A and -B, Greek, Cyrillic, combining diacritical marks,
// the punctuation of typed prose (quotation marks, dashes, ellipsis,
// middle dot), CJK ideographs, hiragana and katakana.
func typed(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x80,
			0xC0 <= r && r <= 0x24F && r != 0xD7 && r != 0xF7,
			0x300 <= r && r <= 0x36F,
			0x370 <= r && r <= 0x3FF,
			0x400 <= r && r <= 0x4FF,
			r == 0xB7, r == 0x2013, r == 0x2014, r == 0x2018, r == 0x2019, r == 0x201C, r == 0x201D, r == 0x2026,
			0x3041 <= r && r <= 0x30FF,
			0x4E00 <= r && r <= 0x9FFF:
			return r
		}
		return ' '
	}, s)
}
