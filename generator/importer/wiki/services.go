package wiki

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// guessServices lists the catalogue's services whose name or an alias
// appears in one of texts as a whole word, ignoring case, in the
// catalogue's order. Only the catalogue is searched: a name the site does
// not know is never guessed. A word joined to another by a hyphen or a
// dot ("parsoid-related", "mw-api-ro", "db.example") is not a whole word,
// so a longer name is not taken for a shorter one.
func guessServices(site *siteconfig.Site, texts ...string) []string {
	if site == nil || len(site.Services) == 0 {
		return nil
	}
	low := strings.ToLower(strings.Join(texts, "\n"))
	var out []string
	for _, svc := range site.Services {
		names := append([]string{svc.Name}, svc.Aliases...)
		for _, n := range names {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" && containsWord(low, n) {
				out = append(out, svc.Name)
				break
			}
		}
	}
	return out
}

// containsWord says w occurs in s with no word character joined to it
// on either side.
func containsWord(s, w string) bool {
	for from := 0; from <= len(s)-len(w); {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(w)
		if !joinedBefore(s, i) && !joinedAfter(s, end) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// joinedBefore says the text before i continues the word starting at i:
// a word character, or a hyphen or dot right after one.
func joinedBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, size := utf8.DecodeLastRuneInString(s[:i])
	if isWordRune(r) {
		return true
	}
	if r == '-' || r == '.' {
		p, _ := utf8.DecodeLastRuneInString(s[:i-size])
		return i-size > 0 && isWordRune(p)
	}
	return false
}

// joinedAfter says the text from end continues the word ending there: a
// word character, or a hyphen or dot followed by one (a sentence's full
// stop is not).
func joinedAfter(s string, end int) bool {
	if end >= len(s) {
		return false
	}
	r, size := utf8.DecodeRuneInString(s[end:])
	if isWordRune(r) {
		return true
	}
	if r == '-' || r == '.' {
		n, _ := utf8.DecodeRuneInString(s[end+size:])
		return end+size < len(s) && isWordRune(n)
	}
	return false
}
