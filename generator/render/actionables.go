package render

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
)

// A report often lists its follow-ups twice: as action items in the front
// matter (title, owner, task, status) and as a list under an "Actionables"
// heading in the text. Shown one after the other they read as the same
// list twice. The front matter is the record the archive keeps: it has the
// status, which changes as items close, and the home page and the
// scorecard read it. So when the text's list names the same items, one
// list item per front-matter item, the list gives way to the table, in
// the list's place; any prose around the list (an introduction, ideas not
// filed as tasks) stays. When the lists differ, both are shown, since
// each then says something the other does not.

// actionHeading matches the headings a report's follow-ups go under.
var actionHeading = regexp.MustCompile(`(?i)^\s*(actionables?|action items?|follow[- ]?ups?)\b`)

// taskWord finds task ids in a list item.
var taskWord = regexp.MustCompile(`\bT[0-9]{1,9}\b`)

// actionsInBody returns body with its follow-up list replaced by table,
// and true, when the body has a level-2 section of follow-ups whose first
// list names the same items as the front matter; otherwise body unchanged
// and false.
func actionsInBody(body []byte, toc []markdown.Heading, items []incident.Actionable, table []byte) ([]byte, bool) {
	if len(items) == 0 {
		return body, false
	}
	id := ""
	for _, h := range toc {
		if h.Level == 2 && actionHeading.MatchString(h.Text) {
			id = h.ID
			break
		}
	}
	if id == "" {
		return body, false
	}
	open := []byte(`<h2 id="` + html.EscapeString(id) + `"`)
	start := bytes.Index(body, open)
	if start < 0 {
		return body, false
	}
	// The section runs to the next level-2 heading, or the footnotes.
	headEnd := bytes.Index(body[start:], []byte("</h2>"))
	if headEnd < 0 {
		return body, false
	}
	from := start + headEnd + len("</h2>")
	end := len(body)
	for _, stop := range [][]byte{[]byte("<h2"), []byte(`<div class="footnotes"`), []byte(`<section class="footnotes"`)} {
		if i := bytes.Index(body[from:], stop); i >= 0 && from+i < end {
			end = from + i
		}
	}
	listStart, listEnd, texts := firstList(body[from:end])
	if listStart < 0 || !sameItems(items, texts) {
		return body, false
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(table))
	out.Write(body[:from+listStart])
	out.Write(table)
	out.Write(body[from+listEnd:])
	return out.Bytes(), true
}

// firstList finds the first list at the top level of a section's HTML:
// its byte offsets and the text of each of its items, nested lists
// included. It returns -1 when the section has no list.
func firstList(section []byte) (start, end int, items []string) {
	z := html.NewTokenizer(bytes.NewReader(section))
	depth, pos := 0, 0
	listDepth := -1 // the depth inside the list, while in it
	var cur strings.Builder
	start = -1
	for {
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return -1, -1, nil
		case html.StartTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if listDepth < 0 && depth == 0 && (tag == "ul" || tag == "ol") {
				start, listDepth = pos, depth+1
			} else if listDepth >= 0 && depth == listDepth && tag == "li" {
				cur.Reset()
			}
			if !voidElement(tag) {
				depth++
			}
		case html.EndTagToken:
			depth--
			name, _ := z.TagName()
			if listDepth >= 0 && depth == listDepth && string(name) == "li" {
				items = append(items, cur.String())
			}
			if listDepth >= 0 && depth == listDepth-1 {
				return start, pos + raw, items
			}
		case html.TextToken:
			if listDepth >= 0 {
				cur.Write(z.Text())
				cur.WriteByte(' ')
			}
		}
		pos += raw
	}
}

func voidElement(tag string) bool {
	switch tag {
	case "br", "hr", "img", "input", "wbr", "col", "area", "source", "track", "meta", "link", "base", "embed":
		return true
	}
	return false
}

// sameItems reports whether texts, a list's items, name the front
// matter's items one to one: as many of them, and each item matched by a
// list item of its own that names its task id or shares at least half of
// the words of its title.
func sameItems(items []incident.Actionable, texts []string) bool {
	if len(texts) != len(items) {
		return false
	}
	used := make([]bool, len(texts))
	for _, it := range items {
		found := false
		for i, text := range texts {
			if !used[i] && itemMatches(it, text) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func itemMatches(it incident.Actionable, text string) bool {
	if it.Task != "" {
		for _, t := range taskWord.FindAllString(text, -1) {
			if t == it.Task {
				return true
			}
		}
	}
	want := contentWords(it.Title)
	if len(want) == 0 {
		return false
	}
	have := contentWords(text)
	shared := 0
	for w := range want {
		if have[w] {
			shared++
		}
	}
	return 2*shared >= len(want)
}

// contentWords returns the words of s of three letters or more, lower
// case, without the commonest English words.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '\''
	}) {
		w = strings.Trim(w, ".-'")
		w = strings.TrimSuffix(w, "'s")
		if len([]rune(w)) >= 3 && !stopWords[w] {
			out[w] = true
		}
	}
	return out
}

// stopWords are left out of the comparison: two items sharing "the" and
// "for" are not the same item.
var stopWords = wordSet(`the and for with that this from into onto are was were not but all any can its
	our out has had have who why how what when where which will would should could than then them they
	their there these those also more most some such own each other about after before over under again
	only just very too via per`)

func wordSet(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}
