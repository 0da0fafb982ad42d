package static

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// TestAnalyzerMatchesBleve checks that the cached analysis gives what the
// mapping's whole analyzer gives.
func TestAnalyzerMatchesBleve(t *testing.T) {
	fast, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	whole, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	whole.whole = wholeAnalyzer(t)
	texts := []string{
		"The DNS servers' caches were flushing; connections timed out.",
		"Retries from the API gateway multiplied the load on mediawiki-api (5XX errors).",
		"Café naïve résumé — Größe ΣΊΣΥΦΟΣ Москва 東京タワー ひらがな",
		"She's the operator's operator; they're running 10,000 queries at 3.5 qps.",
		"svc-0947 and svc-1107 failed; db1001.eqiad.wmnet, /srv/mediawiki/php-1.42 and the on-call's pager-duty.",
		"a-b-c - d--e f- -g h/i.j 2024-05-10 mediawiki-api's x.y.",
		"Große-Störung im rack-Ω3; Москва-1",
		strings.Repeat("a-", 60) + "end " + strings.Repeat("b.1", 30),
	}
	texts = append(texts, randomTexts(3, 16)...)
	for _, text := range texts {
		// Twice, so that the second run reads the cache.
		for range 2 {
			if got, want := fast.Analyze(text), whole.Analyze(text); !slices.Equal(got, want) {
				t.Errorf("Analyze(%q) = %q, want %q", text, got, want)
			}
		}
	}
	if got := strings.Join(fast.Analyze("The caches were flushing"), " "); got != "cach flush" {
		t.Errorf("Analyze = %q, want %q", got, "cach flush")
	}
}

// TestStopWords: the list handed to the browser is sorted, and it is the
// mapping analyzer's: each of its words is dropped (but those with an
// apostrophe, such as "let's", which lose their possessive before the
// stop filter sees them), and some words that are not in it are kept.
func TestStopWords(t *testing.T) {
	words, err := StopWords()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"the", "and", "of", "were"} {
		if !slices.Contains(words, w) {
			t.Errorf("stop words lack %q", w)
		}
	}
	if !slices.IsSorted(words) {
		t.Error("stop words are not sorted")
	}
	whole := wholeAnalyzer(t)
	for _, w := range words {
		if terms := whole.Analyze([]byte(w)); len(terms) != 0 && !strings.Contains(w, "'") {
			t.Errorf("the mapping's analyzer keeps the stop word %q as %q", w, terms[0].Term)
		}
	}
	for _, w := range []string{"cache", "timeout", "then", "was", "on-call"} {
		if len(whole.Analyze([]byte(w))) == 0 && !slices.Contains(words, w) {
			t.Errorf("the mapping's analyzer drops %q, which the stop words lack", w)
		}
	}
}

// randomTexts returns 20,000 strings of up to maxLen characters, each one
// of those that make or break words and compounds, from the given seed.
func randomTexts(seed uint64, maxLen int) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	const alphabet = "aZy09_:.',; -/\"\n"
	out := make([]string, 0, 20000)
	for range 20000 {
		b := make([]byte, 1+rng.IntN(maxLen))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		out = append(out, string(b))
	}
	return out
}

// wholeAnalyzer is the analyzer bleve builds from the mapping, run whole.
func wholeAnalyzer(t testing.TB) analysis.Analyzer {
	t.Helper()
	a, err := mappingAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	return a
}
