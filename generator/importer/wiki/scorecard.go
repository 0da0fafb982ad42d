package wiki

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/importer/wikitext"
)

// minMatchedRows is how many rows of a table outside a "Scorecard"
// section must match rubric questions for the table to be taken as the
// scorecard.
const minMatchedRows = 3

// scoreRow is one question row of a scorecard table, as wikitext.
type scoreRow struct {
	question, answer, notes string
	total                   bool // the handwritten total at the bottom
}

// readScorecard finds the scorecard table (the first table in the
// "Scorecard" section, or else the first table with several rubric
// questions), reads its answers into the front matter, and removes it from
// the body: the site shows the scorecard from the front matter, notes
// included. Questions not matched to the rubric, answers not understood
// and notes of unanswered questions are kept under Imported metadata. An
// older scorecard that gives points (0 to 5) instead of yes and no stays
// in the body as it is, with a warning.
func (c *converter) readScorecard(secs []section) {
	sec, hasSec := findSection(secs, "scorecard", "incident scorecard")
	for _, t := range wikitext.Tables(c.src) {
		inSec := hasSec && t.Start >= sec.headEnd && t.Start < sec.end
		rows := c.scoreRows(t)
		questions := make([]string, len(rows))
		for i, r := range rows {
			if !r.total {
				questions[i] = c.searchText(r.question)
			}
		}
		matches := matchQuestions(questions, c.site.Scorecard)
		if !inSec && len(matches) < minMatchedRows {
			continue
		}
		if pointsScorecard(t, rows) {
			c.warn("scorecard", KindOldScorecard, "the scorecard gives points instead of yes or no answers; it is kept in the body as a table, and the report has no scorecard answers")
			return
		}
		c.convertScorecard(rows, matches)
		c.remove(t.Start, t.End)
		if inSec {
			c.emptied = append(c.emptied, sec)
		}
		return
	}
}

// scoreRows reads a table's question rows: a group cell ("People",
// "Process", "Tooling": the rubric's groups) and the header row are left
// out; the question is the first cell left, the answer the next, and the
// notes the rest.
func (c *converter) scoreRows(t wikitext.Table) []scoreRow {
	groups := map[string]bool{"people": true, "process": true, "tooling": true}
	for _, q := range c.site.Scorecard {
		groups[strings.ToLower(q.Group)] = true
	}
	var out []scoreRow
	for _, row := range t.Rows {
		var cells []string
		for _, cell := range row.Cells {
			cells = append(cells, cell.Text)
		}
		if len(cells) > 0 && groups[strings.ToLower(strings.TrimSpace(c.searchText(cells[0])))] {
			cells = cells[1:]
		}
		if len(cells) == 0 {
			continue
		}
		q := strings.ToLower(strings.TrimSpace(c.searchText(cells[0])))
		if q == "" || q == "question" || q == "questions" {
			continue // the header row, or an empty one
		}
		r := scoreRow{question: cells[0]}
		if len(cells) > 1 {
			r.answer = cells[1]
		}
		var notes []string
		for _, n := range cells[min(2, len(cells)):] {
			if !blank(n) {
				notes = append(notes, n)
			}
		}
		r.notes = strings.Join(notes, "\n")
		r.total = strings.HasPrefix(q, "total")
		out = append(out, r)
	}
	return out
}

var points = regexp.MustCompile(`(?i)^\s*\d+(?:\s*/\s*\d+)?\s*(?:points?|pts)?\s*$`)

// pointsScorecard says the table is an older scorecard that scores each
// question with points (0 to 5) rather than yes or no: its header speaks
// of points, or most of its answers are numbers.
func pointsScorecard(t wikitext.Table, rows []scoreRow) bool {
	for _, row := range t.Rows {
		for _, cell := range row.Cells {
			if h := strings.ToLower(cell.Text); cell.Header && (strings.Contains(h, "points") || strings.Contains(h, "0-5") || strings.Contains(h, "0–5") || strings.Contains(h, "/5")) {
				return true
			}
		}
	}
	answered, numeric := 0, 0
	for _, r := range rows {
		if r.total || blank(r.answer) {
			continue
		}
		answered++
		if points.MatchString(cleanValue(r.answer)) {
			numeric++
		}
	}
	return answered > 0 && 2*numeric > answered
}

// convertScorecard turns the rows into answers keyed by the rubric.
func (c *converter) convertScorecard(rows []scoreRow, matches map[int]questionMatch) {
	yes := 0
	total := ""
	for i, row := range rows {
		if row.total {
			total = cleanValue(row.answer)
			continue
		}
		question := mdToPlain(c.plainQuiet(row.question))
		answer, extra, ok := parseAnswer(row.answer)
		notes := c.plain("scorecard", row.notes)
		if emptyNote(notes) {
			notes = "" // "N/A", "-", "none": the note column's way of saying nothing
		}
		if extra != "" {
			notes = strings.TrimSpace(c.plain("scorecard", extra) + ". " + notes)
			notes = strings.TrimSuffix(notes, ".")
		}
		if ok && answer == answerYes {
			yes++ // the handwritten total counts the answers as written
		}
		m, matched := matches[i]
		switch {
		case !matched:
			c.keep("scorecard: "+question, describeAnswer(row.answer, notes))
			c.warn("scorecard", KindQuestion, fmt.Sprintf("the question %q matches no question of the rubric in site.yaml; kept with its answer under Imported metadata", oneLine(question)))
			continue
		case !ok:
			c.keep("scorecard: "+question, describeAnswer(row.answer, notes))
			c.warn("scorecard", KindNotUnderstood, fmt.Sprintf("the answer %q to %s is not yes, no or n/a; kept under Imported metadata", oneLine(row.answer), m.key))
			continue
		case answer == "":
			if notes != "" {
				c.keep("scorecard: "+question, describeAnswer(row.answer, notes))
			}
			continue
		}
		if m.inverted && answer != answerNA {
			turned := invertAnswer(answer)
			c.warn("scorecard", KindInverted, fmt.Sprintf("%q asks the other way round from the rubric's %s; the answer %s is recorded as %s", oneLine(question), m.key, answer, turned))
			notes = strings.TrimSpace(fmt.Sprintf("The wiki asked %q and answered %s. %s", question, answer, notes))
			answer = turned
		}
		c.r.Scorecard = append(c.r.Scorecard, importer.Answer{Key: m.key, Answer: answer, Note: notes})
	}
	rubric := make([]string, len(c.site.Scorecard))
	for i, q := range c.site.Scorecard {
		rubric[i] = q.Key
	}
	slices.SortStableFunc(c.r.Scorecard, func(a, b importer.Answer) int {
		return slices.Index(rubric, a.Key) - slices.Index(rubric, b.Key)
	})
	if total == "" {
		return
	}
	n, err := strconv.Atoi(strings.Fields(total)[0])
	if err != nil || n != yes {
		c.keep("scorecard total", total)
		c.warn("scorecard", KindTotal, fmt.Sprintf("the handwritten total %q is not the %d yes answers of the table; the site counts them itself", oneLine(total), yes))
	}
}

// plainQuiet is plain without adding the conversion's warnings, for text
// whose warnings another conversion of the same text reports.
func (c *converter) plainQuiet(v string) string {
	md, _ := wikitext.Convert(v, c.textOptions())
	return md
}

// describeAnswer writes an answer and its notes for Imported metadata.
func describeAnswer(answer, notes string) string {
	answer = cleanValue(answer)
	if answer == "" {
		answer = "(no answer)"
	}
	if notes == "" {
		return answer
	}
	return answer + "; notes: " + notes
}

// emptyNote reports whether a note says only that there is no note, as
// the notes column of a scorecard often does ("N/A", "-", "none").
func emptyNote(s string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(s), ".")) {
	case "", "n/a", "na", "-", "–", "—", "none", "nothing", "no notes":
		return true
	}
	return false
}
