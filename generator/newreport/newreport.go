// Package newreport writes the text of a new incident report from a
// template: the built-in one, or a team's own.
//
// A template is a report with placeholders, which Fill replaces:
//
//	{{id}}         the report's id: the date and the slug of the name, "2026-02-23 ml-serve"
//	{{slug}}       the id as it appears in the file name and the address, "2026-02-23-ml-serve"
//	{{name}}       the name as given, "ml-serve"
//	{{title}}      the title, quoted for YAML and TOML; a TODO when none is given
//	{{date}}       the day it started, "2026-02-23"
//	{{year}}       its year, "2026"
//	{{scorecard}}  one line per question of the site's rubric, "  few_paged:  # Were fewer…?",
//	               to put on the line after "scorecard:" in YAML front matter
//
// Spaces inside the braces are allowed ({{ id }}). A placeholder Fill does
// not know stays as it is, and 'incidents check' flags it.
package newreport

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

//go:embed incident.md
var defaultTemplate string

// Default returns the built-in template: front matter with every field of
// the content model, each explained, and the sections of a report.
func Default() string { return defaultTemplate }

// TemplatePath is where, inside a content folder, a team keeps its own
// template.
const TemplatePath = "templates/incident.md"

// UntitledTitle is the title of a report created without one.
const UntitledTitle = "TODO: what failed, and for whom, in one line"

// Values are what the placeholders stand for.
type Values struct {
	Name   string    // the short name given, such as "ml-serve"
	Title  string    // empty for UntitledTitle
	Date   time.Time // the day the incident started
	Rubric []siteconfig.Question
}

// ID is the new report's id: the date, a space and the name as a slug,
// like the ids of the existing reports ("2026-02-23 ml-serve"). It is ""
// when the name has no letters or digits.
func (v Values) ID() string {
	name := incident.Slugify(v.Name)
	if name == "" {
		return ""
	}
	return v.Date.Format(time.DateOnly) + " " + name
}

// Path is where the report goes inside the content folder:
// incidents/YEAR/SLUG.md.
func (v Values) Path() string {
	return path.Join("incidents", v.Date.Format("2006"), incident.Slugify(v.ID())+".md")
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}`)

// Fill replaces the placeholders of tmpl with v. It returns the names of
// the placeholders it does not know, which it leaves in place.
func Fill(tmpl string, v Values) (text string, unknown []string) {
	title := v.Title
	if strings.TrimSpace(title) == "" {
		title = UntitledTitle
	}
	values := map[string]string{
		"id":        v.ID(),
		"slug":      incident.Slugify(v.ID()),
		"name":      v.Name,
		"title":     quote(strings.Join(strings.Fields(title), " ")),
		"date":      v.Date.Format(time.DateOnly),
		"year":      v.Date.Format("2006"),
		"scorecard": scorecard(v.Rubric),
	}
	text = placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if s, ok := values[name]; ok {
			return s
		}
		unknown = append(unknown, m)
		return m
	})
	return text, unknown
}

// quote makes s a double-quoted string, which YAML and TOML read alike.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // a string always encodes
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// scorecard lists the rubric's keys with empty answers and the questions
// as comments, aligned.
func scorecard(rubric []siteconfig.Question) string {
	width := 0
	for _, q := range rubric {
		width = max(width, len(q.Key))
	}
	lines := make([]string, len(rubric))
	for i, q := range rubric {
		lines[i] = fmt.Sprintf("  %-*s  # %s", width+1, q.Key+":", strings.Join(strings.Fields(q.Question), " "))
	}
	return strings.Join(lines, "\n")
}
