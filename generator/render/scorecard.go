package render

import (
	"html/template"
	"strings"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// A report's scorecard is a table of the rubric's questions, grouped, with
// the report's answers and the archive's own answers beside them. The
// lines without a note are the same on many reports, so they are executed
// once per build (prepareScoreRows) and looked up by key.

// scoreGroup is one group of the rubric on a report's page.
type scoreGroup struct {
	Name string
	Rows []template.HTML // "score-row" executed for each line
}

// scoreRow is the data of the "score-row" layout; Group and Span are set on
// a group's first line, for the row-spanning group heading.
type scoreRow struct {
	Key                           string // rubric key
	Group                         string
	Span                          int
	Question, Answer, Class, Note string
	// Computed is the archive's own answer, "" when it cannot compute
	// one; Rule explains it (the same words for every report); Disagrees
	// flags a yes or no of the report's that differs from it.
	Computed, Rule string
	Disagrees      bool
}

// answers are the cached variants of a scorecard line without a note.
var answers = []string{"", incident.Yes, incident.No, incident.NA}

// scoreRows builds the data of every scorecard line for the rubric, in
// rubric order, grouped, with the given answers (nil: unanswered).
func scoreRows(rubric []siteconfig.Question, answer func(key string) (incident.ScoredAnswer, bool)) [][]scoreRow {
	var groups [][]scoreRow
	var names []string
	index := map[string]int{}
	for _, q := range rubric {
		i, ok := index[q.Group]
		if !ok {
			i = len(groups)
			index[q.Group] = i
			groups = append(groups, nil)
			names = append(names, q.Group)
		}
		row := scoreRow{Key: q.Key, Question: q.Question, Class: "none"}
		if a, ok := answer(q.Key); ok {
			row.Answer, row.Note = a.Answer, a.Note
			row.Class = strings.ReplaceAll(a.Answer, "/", "")
		}
		groups[i] = append(groups[i], row)
	}
	for i := range groups {
		groups[i][0].Group = names[i]
		groups[i][0].Span = len(groups[i])
	}
	return groups
}

// prepareScoreRows executes "score-row" for every question, answer and
// computed answer, without a note, keyed by rubric key and both answers.
// The computed answers' explanations are the same words on every report,
// so that these lines are executed once per build too.
func (s *site) prepareScoreRows() error {
	s.scoreRowCache = map[string]template.HTML{}
	for _, a := range answers {
		groups := scoreRows(s.arc.Site.Scorecard, func(string) (incident.ScoredAnswer, bool) {
			return incident.ScoredAnswer{Answer: a}, a != ""
		})
		for _, g := range groups {
			for _, row := range g {
				for _, computed := range []string{"", incident.Yes, incident.No} {
					if computed != "" {
						if row.Rule = s.checkCfg.Rule(row.Key, computed); row.Rule == "" {
							continue
						}
					}
					row.Computed = computed
					row.Disagrees = disagrees(a, computed)
					html, err := s.fragment("score-row", row)
					if err != nil {
						return err
					}
					s.scoreRowCache[scoreKey(row.Key, a, computed)] = html
				}
			}
		}
	}
	return nil
}

// disagrees reports whether a report's answer contradicts the archive's.
func disagrees(answer, computed string) bool {
	return computed != "" && (answer == incident.Yes || answer == incident.No) && answer != computed
}

// scoreKey identifies a cached scorecard line: rubric keys are unique,
// question texts need not be.
func scoreKey(key, answer, computed string) string { return key + "\x00" + answer + "\x00" + computed }

// scorecard returns a report's scorecard lines, grouped as in the rubric,
// unanswered questions included so that gaps are visible, with the
// archive's own answers of checks beside the report's.
func (s *site) scorecard(in *incident.Incident, checks []analysis.Check) ([]scoreGroup, error) {
	groups := scoreRows(s.arc.Site.Scorecard, in.Answer)
	out := make([]scoreGroup, len(groups))
	for i, g := range groups {
		out[i].Name = g[0].Group
		for _, row := range g {
			for _, c := range checks {
				if c.Key == row.Key {
					row.Computed, row.Rule, row.Disagrees = c.Computed, c.Rule, c.Disagrees
				}
			}
			html, ok := s.scoreRowCache[scoreKey(row.Key, row.Answer, row.Computed)]
			if row.Note != "" || !ok {
				var err error
				if html, err = s.fragment("score-row", row); err != nil {
					return nil, err
				}
			}
			out[i].Rows = append(out[i].Rows, html)
		}
	}
	return out, nil
}
