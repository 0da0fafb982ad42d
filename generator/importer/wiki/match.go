package wiki

import (
	"regexp"
	"sort"
	"strings"

	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// minSimilarity is the least similarity (see similarity) at which a
// scorecard question is taken to be a rubric question. The rewordings in
// TestMatchQuestions score 0.6 and more against their rubric question,
// while two different questions of the bundled rubric score at most 0.44
// against each other (see TestRubricQuestionsAreApart).
const minSimilarity = 0.5

// stopWords carry no meaning for telling the rubric's questions apart.
// "not" is not one: it can turn a question around.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "in": true, "on": true,
	"for": true, "and": true, "or": true, "with": true, "by": true, "at": true, "from": true,
	"is": true, "are": true, "was": true, "were": true, "be": true, "been": true, "do": true,
	"did": true, "does": true, "this": true, "that": true, "there": true, "any": true,
	"so": true, "as": true, "than": true, "then": true, "your": true, "our": true, "we": true,
	"it": true, "its": true, "who": true, "which": true, "would": true, "have": true, "has": true,
	"had": true, "all": true, "if": true, "enough": true, "sufficiently": true,
}

var (
	nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)
	// A question often goes on with guidance for the answer: "Answer
	// 'no' if engineers were paged after business hours."
	answerGuidance = regexp.MustCompile(`(?i)\?\s*(?:answer|if|note|\().*$`)
)

// questionTokens are the meaningful words of a question, stemmed.
func questionTokens(q string) []string {
	q = answerGuidance.ReplaceAllString(q, "?")
	var out []string
	for _, w := range nonWord.Split(strings.ToLower(q), -1) {
		if w == "" || stopWords[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// stem strips the common English endings, so that "responders",
// "responding" and "respond" are one word.
func stem(w string) string {
	for _, suf := range []string{"ers", "ing", "ed", "er", "es", "ly", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}

// tokensMatch says two stemmed words are one: equal, or one containing
// the other when both are long enough not to match by chance
// ("wikimediastatus" holds "status").
func tokensMatch(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) < 5 || len(b) < 5 {
		return false
	}
	return strings.Contains(a, b) || strings.Contains(b, a)
}

// similarity of two questions is the Dice coefficient of their
// meaningful words: 1 for the same words, 0 for none in common.
func similarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	used := make([]bool, len(b))
	common := 0
	for _, x := range a {
		for j, y := range b {
			if !used[j] && tokensMatch(x, y) {
				used[j] = true
				common++
				break
			}
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// questionMatch is a scorecard row matched to a rubric question.
type questionMatch struct {
	row int
	key string
	// inverted says the row asks the opposite of the rubric's question
	// (see polarity), so its answer must be turned around.
	inverted bool
}

// matchQuestions matches the questions of a scorecard table to the
// rubric, one row to one key, the most similar pairs first. Rows whose
// best match is below minSimilarity stay unmatched (their index is
// absent from the result).
func matchQuestions(questions []string, rubric []siteconfig.Question) map[int]questionMatch {
	type pair struct {
		row, q int
		score  float64
	}
	rubricTokens := make([][]string, len(rubric))
	for i, q := range rubric {
		rubricTokens[i] = questionTokens(q.Question)
	}
	var pairs []pair
	for r, question := range questions {
		toks := questionTokens(question)
		for i := range rubric {
			if s := similarity(toks, rubricTokens[i]); s >= minSimilarity {
				pairs = append(pairs, pair{r, i, s})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].score > pairs[j].score })
	out := map[int]questionMatch{}
	taken := map[int]bool{}
	for _, p := range pairs {
		if _, done := out[p.row]; done || taken[p.q] {
			continue
		}
		taken[p.q] = true
		out[p.row] = questionMatch{
			row:      p.row,
			key:      rubric[p.q].Key,
			inverted: polarity(questions[p.row]) != polarity(rubric[p.q].Question),
		}
	}
	return out
}

var (
	repeatWord   = regexp.MustCompile(`(?i)\brepeat`)
	notRepeating = regexp.MustCompile(`(?i)\bnot\b|\bdifferent\b|\bnew\b|\bdistinct\b`)
)

// polarity tells the two ways of asking about repeats apart: "Is this
// incident different enough from earlier ones not to be a repeat?"
// (yes: not a repeat) and "Is this incident a repeat of an earlier one?"
// (yes: a repeat). It is +1 for the first, -1 for the second, and +1 for
// every question that is not about repeats. A row is inverted only when
// its polarity differs from the rubric question's, so an answer is never
// turned around twice: the wiki's "sufficiently different … (not a
// repeat)?" and the rubric's not_a_repeat ask the same way round.
func polarity(q string) int {
	if repeatWord.MatchString(q) && !notRepeating.MatchString(q) {
		return -1
	}
	return 1
}

// invertAnswer turns yes into no and no into yes.
func invertAnswer(a string) string {
	switch a {
	case answerYes:
		return answerNo
	case answerNo:
		return answerYes
	}
	return a
}
