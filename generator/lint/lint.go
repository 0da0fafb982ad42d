// Package lint finds what is probably unfinished or wrong in reports that
// the build accepts. Its findings are warnings: a report may be published
// with them, but a reviewer should look.
//
// It looks for:
//
//   - template text left in place: TODO, FIXME and TBD, and {{placeholders}}
//     that no template filled in;
//   - services that are not in the site.yaml catalogue, with the closest
//     catalogued name (only when the site has a catalogue);
//   - a Timeline section in which no line has a time such as 14:05;
//   - scorecard answers that contradict what the archive computes
//     (package analysis);
//   - a likely repeat (package repeats) that the report records neither in
//     repeat_of nor in related;
//   - action items with neither an owner nor a task;
//   - with content/tasks.json, action items whose status the tracker
//     contradicts (open here, resolved or declined there, or the other
//     way), and tasks the tracker does not know.
//
// The build's own checks (errors, and warnings such as unknown keys) are
// not repeated here. The package is pure: it reads no files.
package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// Archive checks each report of ins. x relates the same reports through
// repeat detection; it may be nil, and then the scorecard and repeat
// checks are skipped.
func Archive(ins []*incident.Incident, site *siteconfig.Site, x *analysis.Index, diags *diag.List) {
	c := New(site, x)
	for _, in := range ins {
		c.Report(in, diags)
	}
}

// Checker checks reports of one archive. It remembers the closest
// catalogued name of each unknown service, so that an archive naming the
// same unknown service a thousand times pays for one search.
type Checker struct {
	site   *siteconfig.Site
	x      *analysis.Index
	rubric []string
	names  []string          // catalogued names and aliases
	hints  map[string]string // unknown service → the end of its message
	tasks  *tasks.File       // tasks.json; nil without it
}

// WithTasks has c check the reports' tasks against f, the archive's
// tasks.json (nil: no checks), and returns c.
func (c *Checker) WithTasks(f *tasks.File) *Checker {
	c.tasks = f
	return c
}

// New returns a Checker for the reports of site; x as for Archive.
func New(site *siteconfig.Site, x *analysis.Index) *Checker {
	c := &Checker{site: site, x: x, rubric: site.ScorecardKeys(), hints: map[string]string{}}
	for _, svc := range site.Services {
		c.names = append(c.names, svc.Name)
		c.names = append(c.names, svc.Aliases...)
	}
	return c
}

// Report checks one report.
func (c *Checker) Report(in *incident.Incident, diags *diag.List) {
	c.ReportWith(in, Body(in), diags)
}

// BodyFindings are what the checks of a report's Markdown body found,
// kept so that the rest of the report can be checked after the body has
// been released (see Body). The zero value found nothing. They depend on
// the report's file alone (its path and bytes), so a build may keep them
// with what decoding the file gave.
type BodyFindings struct {
	// TemplateText is what the check for template text left in the
	// body's lines found, Timeline what the check for a Timeline without
	// times found.
	TemplateText []diag.Diagnostic
	Timeline     []diag.Diagnostic
}

// Body runs the checks that read the Markdown body of in (template text
// left in its lines, a Timeline without times), for ReportWith.
// incidents build runs it before the analysis stage, which then drops
// each body once rendered: at 100,000 reports the Markdown is about
// 270 MB that would otherwise stay in memory to the end of the build for
// these checks alone.
func Body(in *incident.Incident) BodyFindings {
	var b BodyFindings
	var t, l diag.List
	bodyTemplateText(in, &t)
	timeline(in, &l)
	if t.Len() > 0 {
		b.TemplateText = t.Items()
	}
	if l.Len() > 0 {
		b.Timeline = l.Items()
	}
	return b
}

// ReportWith checks one report, with what Body found in its body, in
// the order Report gives.
func (c *Checker) ReportWith(in *incident.Incident, body BodyFindings, diags *diag.List) {
	templateText(in, diags)
	diags.AddAll(body.TemplateText)
	c.services(in, diags)
	diags.AddAll(body.Timeline)
	actionables(in, diags)
	if c.tasks != nil {
		trackedTasks(in, c.tasks, diags)
	}
	if c.x != nil {
		scorecard(in, c.x, c.rubric, diags)
		unrecordedRepeats(in, c.x, diags)
	}
}

var (
	// marker matches what templates and writers leave for later.
	marker = regexp.MustCompile(`\b(TODO|FIXME|TBD)\b`)
	// placeholder matches a template placeholder such as {{title}}.
	placeholder = regexp.MustCompile(`\{\{\s*[A-Za-z_][\w.-]*\s*\}\}`)
	// clockTime matches a time of day such as 9:05 or 14:05, not part of a
	// longer number.
	clockTime = regexp.MustCompile(`(^|[^0-9])([01]?[0-9]|2[0-3]):[0-5][0-9]([^0-9]|$)`)
)

// leftOver returns what marks s as template text, or "". The build runs
// it on every line of every report, so a line is first looked at for the
// words and braces the patterns need, which is far cheaper than running
// them: most lines have neither.
func leftOver(s string) string {
	if strings.Contains(s, "TODO") || strings.Contains(s, "FIXME") || strings.Contains(s, "TBD") {
		if m := marker.FindString(s); m != "" {
			return m
		}
	}
	if !strings.Contains(s, "{{") {
		return ""
	}
	return placeholder.FindString(s)
}

// templateText warns about each front-matter value that still holds
// template text (bodyTemplateText about the body's lines).
func templateText(in *incident.Incident, diags *diag.List) {
	type value struct {
		field string
		line  int
		text  string
	}
	values := []value{
		{"id", in.Line("id"), in.ID},
		{"title", in.Line("title"), in.Title},
		{"task", in.Line("task"), in.Task},
		{"impact", in.Line("impact"), in.Impact},
	}
	for _, l := range []struct {
		key  string
		list []string
	}{{"responders", in.Responders}, {"coordinators", in.Coordinators}, {"services", in.Services}, {"sites", in.Sites}, {"slos", in.SLOs}, {"causes", in.Causes}} {
		for _, s := range l.list {
			values = append(values, value{l.key, in.Line(l.key), s})
		}
	}
	for i, a := range in.Actionables {
		field := fmt.Sprintf("actionables[%d]", i+1)
		values = append(values, value{field + ".title", a.Line, a.Title}, value{field + ".owner", a.Line, a.Owner}, value{field + ".task", a.Line, a.Task})
	}
	for _, a := range in.Scorecard {
		values = append(values, value{"scorecard." + a.Key + ".note", a.Line, a.Note})
	}
	for _, v := range values {
		if m := leftOver(v.text); m != "" {
			diags.Warnf(in.Path, v.line, v.field, "still holds template text (%s): %s", m, quote(v.text))
		}
	}
}

// bodyTemplateText warns about each line of the body that still holds
// template text.
func bodyTemplateText(in *incident.Incident, diags *diag.List) {
	for l := range markdown.Lines(in.Body) {
		if l.Code {
			continue // quoted logs and configuration have TODOs of their own
		}
		if m := leftOver(l.Text); m != "" {
			diags.Warnf(in.Path, in.BodyLine+l.N-1, "", "template text left in place (%s): %s", m, quote(l.Text))
		}
	}
}

// quote shows at most 60 characters of s, quoted.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:59]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// services warns about services outside the catalogue of a site that has
// one. Catalogued names and aliases were made canonical when the report
// was read; what is left is as the report wrote it, in lower case.
func (c *Checker) services(in *incident.Incident, diags *diag.List) {
	if len(c.site.Services) == 0 {
		return
	}
	for _, s := range in.Services {
		if c.site.InCatalogue(s) {
			continue
		}
		hint, ok := c.hints[s]
		if !ok {
			hint = "; add it to the services of site.yaml if it is new"
			if near := diag.Suggest(s, c.names); near != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", near)
				if canon := c.site.CanonicalService(near); canon != near {
					hint = fmt.Sprintf(" (did you mean %q, an alias of %q?)", near, canon)
				}
			}
			c.hints[s] = hint
		}
		diags.Warnf(in.Path, in.Line("services"), "services", "%q is not in the service catalogue of site.yaml%s", s, hint)
	}
}

// timeline warns when the report has a Timeline section in which no line
// has a time of day.
func timeline(in *incident.Incident, diags *diag.List) {
	sec, ok := markdown.FindSection(in.Body, "timeline")
	if !ok || clockTime.MatchString(sec.Text) {
		return
	}
	diags.Warnf(in.Path, in.BodyLine+sec.Line-1, "", "the Timeline has no times: start each entry with one, such as \"14:05\" or \"2026-02-23 14:05\" (UTC unless it says otherwise)")
}

// actionables warns about action items that name neither who will do them
// nor the task that tracks them.
func actionables(in *incident.Incident, diags *diag.List) {
	for i, a := range in.Actionables {
		if strings.TrimSpace(a.Owner) == "" && strings.TrimSpace(a.Task) == "" {
			diags.Warnf(in.Path, a.Line, fmt.Sprintf("actionables[%d]", i+1), "%s has neither an owner nor a task; name who will do it, or the task that tracks it", quote(a.Title))
		}
	}
}

// trackedTasks warns where tasks.json contradicts the report: an action
// item open in the report whose task is resolved or declined, or done or
// declined whose task is open (at its status field), and a task, the
// report's or an item's, that the tracker does not know.
func trackedTasks(in *incident.Incident, f *tasks.File, diags *diag.List) {
	if t := f.Find(in.Task); t != nil && t.State == tasks.Unknown {
		diags.Warnf(in.Path, in.Line("task"), "task", "%s is unknown to the tracker; check the id", in.Task)
	}
	for i, a := range in.Actionables {
		t := f.Find(a.Task)
		if t == nil {
			continue
		}
		field := fmt.Sprintf("actionables[%d]", i+1)
		if t.State == tasks.Unknown {
			diags.Warnf(in.Path, a.Line, field+".task", "%s is unknown to the tracker; check the id", a.Task)
			continue
		}
		if d := tasks.Disagreement(a.Status, *t); d != "" {
			diags.Warnf(in.Path, a.Line, field+".status", "the report says %s, but for %s %s; update the status", a.Status, a.Task, d)
		}
	}
}

// scorecard warns about each yes or no that differs from what the archive
// computes for the same question.
func scorecard(in *incident.Incident, x *analysis.Index, rubric []string, diags *diag.List) {
	for _, c := range x.Checks(in, rubric) {
		if !c.Disagrees {
			continue
		}
		a, _ := in.Answer(c.Key)
		diags.Warnf(in.Path, a.Line, "scorecard."+c.Key, "answered %s, but the archive shows %s: %s", c.Reported, c.Computed, c.Detail)
	}
}

// unrecordedRepeats warns about each likely repeat that the report lists
// neither in repeat_of (it is a repeat) nor in related (the writer looked,
// and says there how this one differs).
func unrecordedRepeats(in *incident.Incident, x *analysis.Index, diags *diag.List) {
	for _, c := range x.Likely(in) {
		if slices.Contains(in.RepeatOf, c.ID) || slices.Contains(in.Related, c.ID) {
			continue
		}
		diags.Warnf(in.Path, in.Line("repeat_of"), "repeat_of", "likely a repeat of %q (score %.2f); add it to repeat_of if it is one, or to related and say in the report what differs ('incidents repeats' shows the evidence)", c.ID, c.Score)
	}
}
