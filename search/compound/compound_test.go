package compound

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// TestTokenizer checks which runs of words become compounds, and that a
// compound comes before its first part, at its position, as a keyword.
func TestTokenizer(t *testing.T) {
	long := "a-" + strings.Repeat("b", MaxBytes-4) + "-c" // MaxBytes long
	tests := []struct {
		text string
		want string // tokens as term@position, compounds in brackets
	}{
		{"", ""},
		{"plain words only", "plain@1 words@2 only@3"},
		{"svc-0947 failed", "[svc-0947]@1 svc@1 0947@2 failed@3"},
		{"then mediawiki-api.", "then@1 [mediawiki-api]@2 mediawiki@2 api@3"},
		{"db1001.eqiad.wmnet", "[db1001.eqiad.wmnet]@1 db1001@1 eqiad.wmnet@2"},
		{"/srv/mediawiki/php", "[srv/mediawiki/php]@1 [srv/mediawiki]@1 srv@1 [mediawiki/php]@2 mediawiki@2 php@3"},
		{"svc-0947.eqiad.wmnet", "[svc-0947.eqiad.wmnet]@1 [svc-0947]@1 svc@1 [0947.eqiad.wmnet]@2 0947@2 eqiad.wmnet@3"},
		{"a-b-c-d-e", "[a-b-c-d-e]@1 [a-b-c-d]@1 [a-b-c]@1 [a-b]@1 a@1 [b-c-d-e]@2 [b-c-d]@2 [b-c]@2 b@2 [c-d-e]@3 [c-d]@3 c@3 [d-e]@4 d@4 e@5"},
		{"a-b c-d", "[a-b]@1 a@1 b@2 [c-d]@3 c@3 d@4"},
		{"a--b a- b a -b a_b", "a@1 b@2 a@3 b@4 a@5 b@6 a_b@7"},
		{"a-b,c-d", "[a-b]@1 a@1 b@2 [c-d]@3 c@3 d@4"},
		{"Санкт-Петербург", "[Санкт-Петербург]@1 Санкт@1 Петербург@2"},
		// The whole run up to MaxBytes; past it, the shorter runs inside.
		{long, "[" + long + "]@1 [" + long[:len(long)-2] + "]@1 a@1 [" + long[2:] + "]@2 " + long[2:len(long)-2] + "@2 c@3"},
		{long + "x", "[" + long[:len(long)-2] + "]@1 a@1 [" + long[2:] + "x]@2 " + long[2:len(long)-2] + "@2 cx@3"},
	}
	tok := Tokenizer{Words: unicode.NewUnicodeTokenizer()}
	for _, tt := range tests {
		var got []string
		for _, tk := range tok.Tokenize([]byte(tt.text)) {
			s := string(tk.Term)
			if tk.KeyWord {
				s = "[" + s + "]"
			}
			if s != "["+tt.text[tk.Start:tk.End]+"]" && s != tt.text[tk.Start:tk.End] {
				t.Errorf("%q: token %q at bytes %d–%d, which hold %q", tt.text, s, tk.Start, tk.End, tt.text[tk.Start:tk.End])
			}
			got = append(got, fmt.Sprintf("%s@%d", s, tk.Position))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("Tokenize(%q)\n got %s\nwant %s", tt.text, g, tt.want)
		}
	}
}

// TestAnalyzer checks the registered analyzer: compounds are lower-cased
// and lose a possessive, but are not stemmed, while their parts are.
func TestAnalyzer(t *testing.T) {
	a, err := registry.NewCache().AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range a.Analyze([]byte("The Parsoid-Servers' caches and ml-serving's queues")) {
		got = append(got, string(tk.Term))
	}
	want := "parsoid-servers parsoid server cach ml-serving ml serv queue"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("Analyze = %q, want %q", g, want)
	}
}

func TestWholeNames(t *testing.T) {
	a, err := registry.NewCache().AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ text, want string }{
		{"svc-0947", "svc-0947"},
		{"svc-0947.eqiad.wmnet", "svc-0947.eqiad.wmnet"},
		{"later svc-0947 failed on-call", "later svc-0947 fail on-call"},
		{"x--y", "x y"},
		{"parsoid's", "parsoid"},
	} {
		var got []string
		for _, tk := range WholeNames(a.Analyze([]byte(tt.text))) {
			got = append(got, string(tk.Term))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("WholeNames(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}
