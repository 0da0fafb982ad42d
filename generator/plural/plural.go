// Package plural writes a count with its noun, "1 report", "2 reports",
// so that no message or page says "1 reports" or "over 1 reports". Every
// count printed beside a noun, in messages and in the layouts (through the
// template function "count"), goes through it.
package plural

import (
	"strconv"
	"strings"
)

// Count writes n and the noun in the number n asks for: "1 report",
// "0 reports", "2 warnings", "3 entries", "2 people". noun is singular; it
// may be several words, of which the last is made plural ("incident
// report"). Negative counts are written as they are, in the plural.
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun)
}

// Noun is noun in the number n asks for, without the count: the
// singular for 1, the plural otherwise ("0 reports", as English has it).
func Noun(n int, noun string) string {
	if n == 1 || n == -1 {
		return noun
	}
	return Of(noun)
}

// irregular holds the plurals that the rules of Of get wrong, among the
// nouns the archive counts.
var irregular = map[string]string{
	"person": "people",
	"child":  "children",
	"series": "series",
	"data":   "data",
}

// Of is the plural of the singular noun, by the rules of English spelling
// for regular nouns (report → reports, entry → entries, match →
// matches, day → days) and the few irregular nouns above. Only the last
// word of a phrase is changed.
func Of(noun string) string {
	head, last := "", noun
	if i := strings.LastIndexByte(noun, ' '); i >= 0 {
		head, last = noun[:i+1], noun[i+1:]
	}
	if p, ok := irregular[strings.ToLower(last)]; ok {
		if last != "" && last[0] >= 'A' && last[0] <= 'Z' {
			p = strings.ToUpper(p[:1]) + p[1:]
		}
		return head + p
	}
	lower := strings.ToLower(last)
	switch {
	case lower == "":
		return noun
	case strings.HasSuffix(lower, "s"), strings.HasSuffix(lower, "x"), strings.HasSuffix(lower, "z"),
		strings.HasSuffix(lower, "ch"), strings.HasSuffix(lower, "sh"):
		return head + last + "es"
	case len(lower) > 1 && lower[len(lower)-1] == 'y' && !strings.ContainsRune("aeiou", rune(lower[len(lower)-2])):
		return head + last[:len(last)-1] + "ies"
	}
	return head + last + "s"
}
