package wiki

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/incidents-archive/incidents/generator/incident"
)

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?(?:-->|$)`)
	nowikiTag   = regexp.MustCompile(`(?i)</?nowiki\s*/?>`)
	spaces      = regexp.MustCompile(`[ \t]+`)
)

// blanks are the spellings of a space that mean nothing more.
var blanks = strings.NewReplacer("&nbsp;", " ", "&#160;", " ", "\u00a0", " ", "\u202f", " ", "\r", "")

// cleanValue removes what a template value holds but never means: HTML
// comments, nowiki tags, non-breaking spaces (as entities or literal),
// runs of blanks and the blanks around the value. Line breaks stay: they
// separate several values.
func cleanValue(v string) string {
	v = htmlComment.ReplaceAllString(v, "")
	v = nowikiTag.ReplaceAllString(v, "")
	v = blanks.Replace(v)
	v = spaces.ReplaceAllString(v, " ")
	return strings.TrimSpace(v)
}

// unknownValues mean "not known" wherever a metadata value is expected.
var unknownValues = map[string]bool{
	"?": true, "??": true, "???": true, "unknown": true, "unclear": true, "tbd": true,
	"tbc": true, "n/a": true, "na": true, "-": true, "–": true, "—": true, "...": true, "…": true,
}

// isUnknown says the value is empty or only says it is not known.
func isUnknown(v string) bool {
	v = strings.ToLower(strings.TrimRight(cleanValue(v), "."))
	return v == "" || unknownValues[v]
}

// count is what a count value ("paged-num", "responders-num") says.
type count struct {
	n  int64
	ok bool // a number was found
	// exact says the value is the number and nothing more: otherwise the
	// original should be kept where a person can read it.
	exact bool
	// names are the people listed with the number: "9: (round 1) alice,
	// bob" lists alice and bob.
	names []string
}

var (
	plainNumber = regexp.MustCompile(`^\d{1,7}$`)
	sumOfCounts = regexp.MustCompile(`^\d{1,7}(?:\s*\+\s*\d{1,7})+$`)
	leadNumber  = regexp.MustCompile(`^(?:~|≈|about|approx\.?|approximately|around|roughly|circa|ca\.?|at least|over|more than|>|>=|<|≥)?\s*(\d{1,7})\s*\+?`)
	numberWords = map[string]int64{
		"zero": 0, "none": 0, "nobody": 0, "no one": 0, "noone": 0, "no": 0,
		"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
		"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	}
)

// parseCount reads a count of people as tired people write it: "35",
// "none", "6 + 3" (two rounds of paging: the sum, 9), "35 (batphone)"
// (35, with a remark), "9: (round 1) alice, bob" (9, and the names),
// "about 10". "batphone" alone names no number: ok is false.
func parseCount(v string) count {
	v = cleanValue(v)
	low := strings.ToLower(strings.TrimRight(v, ". "))
	if n, ok := numberWords[low]; ok {
		return count{n: n, ok: true, exact: true}
	}
	if plainNumber.MatchString(low) {
		n, _ := strconv.ParseInt(low, 10, 64)
		return count{n: n, ok: true, exact: true}
	}
	if sumOfCounts.MatchString(low) {
		var sum int64
		for _, part := range strings.Split(low, "+") {
			n, _ := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			sum += n
		}
		return count{n: sum, ok: true}
	}
	if m := leadNumber.FindStringSubmatch(low); m != nil {
		rest := strings.TrimSpace(v[len(m[0]):])
		if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return count{} // more digits than any count of people
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		c := count{n: n, ok: true}
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "–") {
			c.names, _ = parseNames(strings.TrimLeft(rest, ":-– "))
		}
		return c
	}
	return count{}
}

var (
	userLink     = regexp.MustCompile(`(?i)\[\[\s*(?:user|user talk|u)\s*:\s*([^|\]]*?)\s*(?:\|\s*([^\]]*?)\s*)?\]\]`)
	userTemplate = regexp.MustCompile(`(?i)\{\{\s*(?:u|user|ping|noping|userlink|np)\s*\|\s*([^|}]*?)\s*(?:\|[^}]*)?\}\}`)
	otherLink    = regexp.MustCompile(`\[\[(?:[^|\]]*\|)?([^\]]*)\]\]`)
	extLink      = regexp.MustCompile(`\[(?:https?:)?//[^\s\]]+\s*([^\]]*)\]`)
	parenthetic  = regexp.MustCompile(`\([^()]*\)`)
	boldItalic   = regexp.MustCompile(`'{2,}`)
	nameSep      = regexp.MustCompile(`(?i)\s*(?:,|;|\n|<br\s*/?>|\s&\s|\band\b|/|\s\+\s)\s*`)
	roundMarker  = regexp.MustCompile(`(?i)^\(?\s*(?:round|wave|shift)\s*\d*\s*\)?$`)
)

// parseNames reads a list of people: wiki user links ("[[User:Foo|Foo]]"),
// user templates ("{{u|Foo}}") or plain names, separated by commas,
// semicolons, line breaks or "and". Parenthetical remarks ("(round 1)",
// "(IC)") are dropped from the names. clean is false when anything but
// markup and round markers was dropped, or a piece was not a name: the
// caller then keeps the original value.
func parseNames(v string) (names []string, clean bool) {
	v = cleanValue(v)
	v = userLink.ReplaceAllStringFunc(v, func(s string) string {
		m := userLink.FindStringSubmatch(s)
		if m[2] != "" {
			return m[2]
		}
		return m[1]
	})
	v = userTemplate.ReplaceAllString(v, "$1")
	v = otherLink.ReplaceAllString(v, "$1")
	v = extLink.ReplaceAllString(v, "$1")
	v = boldItalic.ReplaceAllString(v, "")
	clean = true
	v = parenthetic.ReplaceAllStringFunc(v, func(p string) string {
		if !roundMarker.MatchString(p) {
			clean = false
		}
		return ","
	})
	seen := map[string]bool{}
	for _, piece := range nameSep.Split(v, -1) {
		piece = strings.Trim(piece, " \t*#:-–—.…")
		low := strings.ToLower(piece)
		switch {
		case piece == "":
			continue
		case low == "etc" || roundMarker.MatchString(piece):
			continue
		case unknownValues[low]:
			clean = false
			continue
		case !looksLikeName(piece):
			clean = false
			continue
		}
		if !seen[low] {
			seen[low] = true
			names = append(names, piece)
		}
	}
	return names, clean
}

// looksLikeName says s could be a person's name or user name: it has a
// letter, no markup, and is not too long for the responders list.
func looksLikeName(s string) bool {
	if len([]rune(s)) > incident.MaxNameLen || strings.ContainsAny(s, "[]{}|<>=") {
		return false
	}
	if len(strings.Fields(s)) > 5 {
		return false // a sentence, not a name
	}
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

var (
	phabTemplate = regexp.MustCompile(`(?i)\{\{\s*phab(?:ricator)?t?\s*\|\s*T?(\d{1,9})\s*(?:\|[^}]*)?\}\}`)
	taskRef      = regexp.MustCompile(`\bT(\d{1,9})\b`)
	taskNoise    = regexp.MustCompile(`(?i)\[\[[^\]]*\]\]|\{\{[^}]*\}\}|https?://\S+|\bT\d{1,9}\b|\bphab(?:ricator)?\b|\btasks?\b|[\s,;:()\[\]|.]+`)
)

// parseTask reads a task value: "T390513", "{{Phabricator|T390513}}",
// "{{PhabT|390513}}", "[[phab:T390513|T390513]]" or a tracker URL. It
// returns the first task named and whether the value said more than that
// one task (another task, or words): the caller keeps the original then.
func parseTask(v string) (task string, more bool) {
	v = cleanValue(v)
	v = phabTemplate.ReplaceAllString(v, "T$1")
	tasks := tasksIn(v)
	if len(tasks) == 0 {
		return "", !isUnknown(v)
	}
	rest := taskNoise.ReplaceAllString(v, "")
	return tasks[0], len(tasks) > 1 || rest != ""
}

// tasksIn lists the task ids in s, once each, in order.
func tasksIn(s string) []string {
	s = phabTemplate.ReplaceAllString(s, "T$1")
	var out []string
	seen := map[string]bool{}
	for _, m := range taskRef.FindAllString(s, -1) {
		if incident.TaskPattern.MatchString(m) && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// Answers of the scorecard, as the content model spells them.
const (
	answerYes = "yes"
	answerNo  = "no"
	answerNA  = "n/a"
)

var leadingAnswer = regexp.MustCompile(`(?i)^(yes|no|y|n|n/a)\b[\s,.;:–—-]*(.*)$`)

// parseAnswer reads a scorecard answer: Yes, yes, Y, No, N, N/A (and a
// few more spellings). An empty answer, "?" and the like are not answered:
// answer is "" and ok is true. "Yes, mostly" answers yes with "mostly"
// as extra text, which belongs in the note. ok is false for anything else.
func parseAnswer(v string) (answer, extra string, ok bool) {
	v = boldItalic.ReplaceAllString(cleanValue(v), "")
	low := strings.ToLower(strings.TrimRight(strings.TrimSpace(v), ".!"))
	switch low {
	case "yes", "y", "true", "✓", "✔", "✅", "{{yes}}", "{{y}}", "{{done}}", "{{tick}}":
		return answerYes, "", true
	case "no", "n", "false", "✗", "✘", "❌", "{{no}}", "{{n}}", "{{cross}}", "{{not done}}":
		return answerNo, "", true
	case "n/a", "na", "n.a", "not applicable", "{{n/a}}", "{{na}}":
		return answerNA, "", true
	case "", "?", "??", "unknown", "unsure", "not sure", "tbd", "-", "–", "—":
		return "", "", true
	}
	if m := leadingAnswer.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
		a, _, _ := parseAnswer(m[1])
		return a, strings.TrimSpace(m[2]), true
	}
	return "", "", false
}
