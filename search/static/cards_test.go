package static

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/search"
)

// plainCardText is cardText as its doc comment defines it, on the whole
// text at once.
func plainCardText(d *search.Document) string {
	text := strings.TrimSpace(d.Impact)
	if s := strings.TrimSpace(d.Summary); s != "" {
		if text != "" {
			text += " "
		}
		text += s
	}
	if text == "" {
		text = d.Body
	}
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= CardText {
		return text
	}
	r = r[:CardText]
	cut := len(r)
	for i := len(r) - 1; i > CardText*3/4; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return string(r[:cut]) + "…"
}

// TestCardText: the card text read a rune at a time is the text its
// definition gives, for texts of every length around CardText, with
// white space of every kind, several bytes a character and bytes that
// are not UTF-8.
func TestCardText(t *testing.T) {
	pieces := []string{"a", "word", "longerword", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "é", "日本", "\xff", "\xe2\x82", "…", "svc-0947"}
	rng := rand.New(rand.NewPCG(3, 4))
	text := func() string {
		var b strings.Builder
		for n := rng.IntN(2 * CardText / 3); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	docs := []search.Document{
		{},
		{Impact: "  ", Summary: "\t", Body: "  body only  "},
		{Impact: "Impact.", Summary: "Summary."},
		{Impact: strings.Repeat("x", CardText)},
		{Impact: strings.Repeat("x", CardText) + " "},
		{Impact: strings.Repeat("x", CardText-1), Summary: "y"},
		{Impact: strings.Repeat("x", CardText), Summary: "y"},
		{Impact: strings.Repeat("ab ", CardText)},
		{Body: strings.Repeat("日本 ", CardText)},
	}
	for range 5000 {
		d := search.Document{Impact: text(), Summary: text(), Body: text() + text()}
		if rng.IntN(3) == 0 {
			d.Impact, d.Summary = strings.Repeat(" ", rng.IntN(2)), ""
		}
		docs = append(docs, d)
	}
	for _, d := range docs {
		if got, want := cardText(&d), plainCardText(&d); got != want {
			t.Errorf("card text of %q, %q, %q:\n got %q\nwant %q", d.Impact, d.Summary, d.Body, got, want)
		}
	}
}

func BenchmarkCardText(b *testing.B) {
	d := &search.Document{Impact: "Users saw errors on svc-0912 for 1400 minutes.", Summary: strings.Repeat("Cache hit ratio on svc-0912 dropped from 95% to 51% within minutes. ", 8)}
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			cardText(d)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			plainCardText(d)
		}
	})
}

// TestAppendJSONString: strings of every kind of character, control
// characters, HTML's, separators and bytes that are not UTF-8 among them,
// are encoded as json.Marshal encodes them.
func TestAppendJSONString(t *testing.T) {
	pieces := []string{"a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "'", "\x00", "\x01", "\x1f", "\x7f", "\b", "\f", "\n", "\r", "\t",
		"é", "日本", "\u2028", "\u2029", "\u2027", "\ufffd", "\xff", "\xe2\x80", "\xed\xa0\x80", "🙂", "\u00a0"}
	rng := rand.New(rand.NewPCG(5, 6))
	texts := []string{""}
	for _, p := range pieces {
		texts = append(texts, p)
	}
	for range 5000 {
		var b strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("%q encodes as %s, want %s", s, got[1:], want)
		}
	}
}
