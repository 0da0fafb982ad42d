package static

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/incidents-archive/incidents/search/compound"
)

// TestASCIIWordsMatchSegment checks the ASCII fast path against bleve's
// Unicode tokenizer on hand-picked cases and on random strings made of the
// characters the word-boundary rules treat specially.
func TestASCIIWordsMatchSegment(t *testing.T) {
	cases := []string{
		"", "a", "don't", "O'Reilly's cache", "example.com", "a.b.c", "a..b", "a.", ".a", "v1.2.3", "1,000,000",
		"1.5x", "x1.5", "a:b", "a:1", "1:2", "1;2", "a;b", "snake_case", "_", "__init__", "a_.b", "a'b'c", "5XX errors",
		"mediawiki-api", "e-mail", "T123456", "2024-05-10 14:00", "rate: 3/s", "'quoted'", "\"double\"", "a\r\nb", "a\tb\fc\vd",
	}
	cases = append(cases, randomTexts(1, 12)...)
	tok := unicode.NewUnicodeTokenizer()
	for _, c := range cases {
		var want, got []string
		for _, tk := range tok.Tokenize([]byte(c)) {
			want = append(want, string(tk.Term))
		}
		asciiWords(c, func(start, end int) { got = append(got, c[start:end]) })
		if !slices.Equal(got, want) {
			t.Errorf("asciiWords(%q) = %q, bleve's tokenizer gives %q", c, got, want)
		}
	}
}

// TestAnalyzerMatchesBleve checks that the cached analysis, with its
// ASCII fast path, gives what the mapping's whole analyzer gives.
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

func wholeAnalyzer(t testing.TB) analysis.Analyzer {
	t.Helper()
	a, err := registry.NewCache().AnalyzerNamed(compound.AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
