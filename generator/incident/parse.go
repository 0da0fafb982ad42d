package incident

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/matter"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Keys lists every front-matter key of a report, for did-you-mean.
var Keys = []string{
	"id", "title", "status", "task", "start", "end", "detected", "detection",
	"paged", "paged_after_hours", "responders", "coordinators", "services",
	"sites", "slos", "impact", "requests_failed", "trigger", "causes",
	"failure_mode", "related", "repeat_of", "actionables", "scorecard",
	"imported_from",
}

// ImportKeys are the keys of Keys that only 'incidents import' writes: a
// new report's template leaves them out.
var ImportKeys = []string{"imported_from"}

var actionableKeys = []string{"title", "task", "owner", "status"}

// TaskPattern matches a tracking-task id such as T418722.
var TaskPattern = regexp.MustCompile(`^T[0-9]{1,9}$`)

// Parse decodes the report in data, read from path. Every problem is added
// to diags. It returns nil only when the file cannot be read as a report at
// all (no front matter, bad syntax, or no usable id).
func Parse(path string, data []byte, site *siteconfig.Site, diags *diag.List) *Incident {
	doc, d := matter.Split(path, data)
	if d != nil {
		diags.Add(*d)
		return nil
	}
	return Decode(path, doc, site, diags)
}

// Decode turns a split document into an Incident.
func Decode(path string, doc *matter.Document, site *siteconfig.Site, diags *diag.List) *Incident {
	in := &Incident{
		Path:     path,
		Status:   Final,
		Body:     bytes.Clone(doc.Body), // not the whole file's buffer
		BodyLine: doc.BodyLine,
	}
	fields := doc.Fields()
	in.lines = make([]keyLine, 0, len(fields)+1)
	in.lines = append(in.lines, keyLine{"", doc.StartLine})
	dec := &matter.Decoder{Path: path, Diags: diags}
	for _, f := range fields {
		if f.Key != "" && in.has(f.Key) {
			// TOML and YAML both reject duplicate keys, so this is unreachable
			// today; keep the first if a parser ever lets one through.
			continue
		}
		in.setLine(f.Key, f.Line)
		before := diags.Len()
		in.decodeField(dec, site, f)
		if diags.Len() > before {
			in.bad = append(in.bad, f.Key)
		}
	}
	in.check(dec)
	in.checkBody(dec)
	in.compute()
	if in.ID == "" {
		return nil
	}
	return in
}

func (in *Incident) decodeField(dec *matter.Decoder, site *siteconfig.Site, f matter.Field) {
	v := f.Value
	switch f.Key {
	case "id":
		in.ID = collapseSpace(dec.String(f.Key, v))
	case "title":
		in.Title = collapseSpace(dec.String(f.Key, v))
	case "status":
		s := strings.ToLower(dec.String(f.Key, v))
		if s == "in-review" || s == "in review" {
			s = string(Review)
		}
		if s != "" {
			in.Status = Status(s)
			checkEnum(dec, f, s, Statuses)
		}
	case "task":
		in.Task = dec.String(f.Key, v)
		checkTask(dec, site, f.Line, f.Key, in.Task)
	case "start":
		if matter.IsScalar(v) && strings.TrimSpace(v.Value) == "" {
			dec.Diags.Errorf(dec.Path, f.Line, f.Key, "is empty; the start time is required")
			break
		}
		in.Start, _ = dec.Time(f.Key, v)
	case "end":
		in.End, _ = dec.Time(f.Key, v)
	case "detected":
		in.Detected, _ = dec.Time(f.Key, v)
	case "detection":
		in.Detection = strings.ToLower(dec.String(f.Key, v))
		checkEnum(dec, f, in.Detection, Detections)
	case "paged":
		in.Paged = intPtr(dec.IntUpTo(f.Key, v, MaxPaged))
	case "paged_after_hours":
		in.PagedAfterHours = intPtr(dec.IntUpTo(f.Key, v, MaxPaged))
	case "responders":
		in.Responders = dedupe(dec.Strings(f.Key, v))
	case "coordinators":
		in.Coordinators = dedupe(dec.Strings(f.Key, v))
	case "services":
		var out []string
		for _, s := range dec.Strings(f.Key, v) {
			if site.InCatalogue(s) {
				out = append(out, site.CanonicalService(s))
			} else {
				// Like sites and causes, names outside the catalogue are
				// compared without case: "Parsoid" and "parsoid" are one.
				out = append(out, strings.ToLower(s))
			}
		}
		in.Services = dedupe(out)
	case "sites":
		in.Sites = dedupe(lowerAll(dec.Strings(f.Key, v)))
	case "slos":
		in.SLOs = dedupe(dec.Strings(f.Key, v))
	case "impact":
		in.Impact = strings.TrimSpace(dec.String(f.Key, v))
	case "requests_failed":
		in.RequestsFailed = intPtr(dec.IntUpTo(f.Key, v, MaxRequestsFailed))
	case "trigger":
		in.Trigger = strings.ToLower(dec.String(f.Key, v))
		checkEnum(dec, f, in.Trigger, Triggers)
	case "causes":
		in.Causes = dedupe(lowerAll(dec.Strings(f.Key, v)))
	case "failure_mode":
		in.FailureMode = strings.ToLower(dec.String(f.Key, v))
		checkEnum(dec, f, in.FailureMode, FailureModes)
	case "related":
		in.Related = dedupe(collapseAll(dec.Strings(f.Key, v)))
	case "repeat_of":
		in.RepeatOf = dedupe(collapseAll(dec.Strings(f.Key, v)))
	case "actionables":
		in.decodeActionables(dec, site, f)
	case "scorecard":
		in.decodeScorecard(dec, site, f)
	case "imported_from":
		in.ImportedFrom = strings.TrimSpace(dec.String(f.Key, v))
	default:
		if hint, ok := foreignKeys[strings.ToLower(f.Key)]; ok {
			// Reported by check: as a warning, or folded into the one
			// error of a file written for another tool.
			in.foreign = append(in.foreign, foreignKey{key: f.Key, line: f.Line, hint: hint})
			break
		}
		dec.Diags.Warnf(dec.Path, f.Line, f.Key, "unknown key%s", diag.DidYouMean(f.Key, Keys))
	}
}

// foreignKey is a front-matter key that other site generators (Hugo,
// Jekyll and the like) use, with what to write instead.
type foreignKey struct {
	key  string
	line int
	hint string
}

// foreignKeys maps keys of other tools' front matter to a hint.
var foreignKeys = map[string]string{
	"date": "use start", "lastmod": "use end",
	"tags": "use causes or services", "categories": "use causes or services", "keywords": "use causes or services",
	"draft": "use status: draft", "published": "use status",
	"author": "use responders", "authors": "use responders",
	"description": "use impact", "summary": "use impact", "excerpt": "use impact",
	"layout": "not used", "permalink": "not used", "slug": "not used", "url": "not used", "aliases": "not used", "weight": "not used",
}

func (in *Incident) decodeActionables(dec *matter.Decoder, site *siteconfig.Site, f matter.Field) {
	items := dec.Sequence(f.Key, f.Value)
	for i, item := range items {
		field := fmt.Sprintf("%s[%d]", f.Key, i+1)
		a := Actionable{Status: "open", Line: item.Line}
		if matter.IsScalar(item) {
			// A bare line of text is an action item with only a title.
			a.Title = dec.String(field, item)
		} else {
			for _, p := range dec.Mapping(field, item) {
				pf := field + "." + p.Key
				switch p.Key {
				case "title":
					a.Title = dec.String(pf, p.Value)
				case "task":
					a.Task = dec.String(pf, p.Value)
					checkTask(dec, site, p.Line, pf, a.Task)
				case "owner":
					a.Owner = dec.String(pf, p.Value)
				case "status":
					if s := strings.ToLower(dec.String(pf, p.Value)); s != "" {
						a.Status = s
						if k := slices.Index(ActionStatuses, s); k >= 0 {
							a.Status = ActionStatuses[k] // one string for every report
						}
						checkEnum(dec, matter.Field{Key: pf, Line: p.Line, Value: p.Value}, s, ActionStatuses)
					}
				default:
					dec.Diags.Warnf(dec.Path, p.Line, pf, "unknown key%s", diag.DidYouMean(p.Key, actionableKeys))
				}
			}
		}
		if a.Title == "" {
			dec.Diags.Errorf(dec.Path, item.Line, field+".title", "every action item needs a title")
			continue
		}
		if in.Actionables == nil {
			in.Actionables = make([]Actionable, 0, len(items))
		}
		in.Actionables = append(in.Actionables, a)
	}
}

func (in *Incident) decodeScorecard(dec *matter.Decoder, site *siteconfig.Site, f matter.Field) {
	rubric := site.ScorecardKeys()
	answers := dec.Mapping(f.Key, f.Value)
	for _, p := range answers {
		field := f.Key + "." + p.Key
		var raw, note string
		if matter.IsScalar(p.Value) {
			raw = dec.String(field, p.Value)
		} else {
			for _, q := range dec.Mapping(field, p.Value) {
				switch q.Key {
				case "answer":
					raw = dec.String(field+".answer", q.Value)
				case "note":
					note = dec.String(field+".note", q.Value)
				default:
					dec.Diags.Warnf(dec.Path, q.Line, field+"."+q.Key, "unknown key%s", diag.DidYouMean(q.Key, []string{"answer", "note"}))
				}
			}
		}
		q := slices.Index(rubric, p.Key)
		if q < 0 {
			dec.Diags.Warnf(dec.Path, p.Line, field, "not a question of the scorecard rubric in site.yaml%s", diag.DidYouMean(p.Key, rubric))
			continue
		}
		ans, ok := normalizeAnswer(raw)
		if !ok {
			dec.Diags.Errorf(dec.Path, p.Value.Line, field, "answer %q is not one of yes, no, n/a", raw)
			continue
		}
		if ans == "" {
			continue // left blank: not answered yet
		}
		if in.Scorecard == nil {
			// Sized once: every report of an archive keeps its answers.
			in.Scorecard = make([]ScoredAnswer, 0, len(answers))
		}
		// The rubric's own string, shared by every report, not the
		// report's copy of it.
		in.Scorecard = append(in.Scorecard, ScoredAnswer{Key: rubric[q], Answer: ans, Note: note, Line: p.Line})
	}
	// Keep the rubric's order whatever order the report used.
	slices.SortStableFunc(in.Scorecard, func(a, b ScoredAnswer) int {
		return slices.Index(rubric, a.Key) - slices.Index(rubric, b.Key)
	})
}

func normalizeAnswer(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", true
	case "yes", "y", "true":
		return Yes, true
	case "no", "n", "false":
		return No, true
	case "n/a", "na", "not applicable":
		return NA, true
	}
	return "", false
}

// check validates what involves several fields of one report.
func (in *Incident) check(dec *matter.Decoder) {
	p := dec.Path
	var missing []string
	for _, key := range []string{"id", "title", "start"} {
		if !in.has(key) {
			missing = append(missing, key)
		}
	}
	if slices.Contains(missing, "id") && len(in.foreign) > 0 {
		// Front matter written for another tool: one error that says so,
		// rather than one line per key.
		hints := make([]string, len(in.foreign))
		for i, fk := range in.foreign {
			hints[i] = fk.key + ": " + fk.hint
		}
		dec.Diags.Errorf(p, in.Line(""), "", "required %s missing: this looks like front matter for another tool (%s)",
			plural(missing), strings.Join(hints, "; "))
		return
	}
	for _, key := range missing {
		dec.Diags.Errorf(p, in.Line(key), key, "required field is missing")
	}
	for _, fk := range in.foreign {
		dec.Diags.Warnf(p, fk.line, fk.key, "unknown key; %s", fk.hint)
	}
	if in.has("id") && in.ID == "" && !slices.Contains(in.bad, "id") {
		dec.Diags.Errorf(p, in.Line("id"), "id", "is empty; every report needs a unique id such as \"2026-02-23 ml-serve\"")
	}
	if in.has("title") && in.Title == "" && !slices.Contains(in.bad, "title") {
		dec.Diags.Errorf(p, in.Line("title"), "title", "is empty")
	}
	if in.ID != "" {
		// An id of emoji or symbols alone gets a slug made from its hash.
		in.Slug = SlugOr("id", in.ID)
		if n := utf8.RuneCountInString(in.ID); n > maxIDLen {
			dec.Diags.Errorf(p, in.Line("id"), "id", "is %d characters long; an id may have at most %d", n, maxIDLen)
		}
	}
	in.checkSizes(dec)
	if !in.Start.IsZero() {
		if in.HasEnd() && in.End.Before(in.Start) {
			dec.Diags.Errorf(p, in.Line("end"), "end", "%s is before start %s", fmtTime(in.End), fmtTime(in.Start))
		}
		if !in.Detected.IsZero() && in.Detected.Before(in.Start) {
			dec.Diags.Errorf(p, in.Line("detected"), "detected", "%s is before start %s", fmtTime(in.Detected), fmtTime(in.Start))
		}
	}
	if in.Paged != nil && in.PagedAfterHours != nil && *in.PagedAfterHours > *in.Paged {
		dec.Diags.Errorf(p, in.Line("paged_after_hours"), "paged_after_hours", "%d is more than paged (%d)", *in.PagedAfterHours, *in.Paged)
	}
	for _, id := range in.Related {
		if id == in.ID {
			dec.Diags.Warnf(p, in.Line("related"), "related", "a report need not relate to itself")
		}
	}
	for _, id := range in.RepeatOf {
		if id == in.ID {
			dec.Diags.Errorf(p, in.Line("repeat_of"), "repeat_of", "a report cannot repeat itself")
		}
	}
}

// Limits on what one report may hold. A report's title and impact are
// repeated on the page and in the feed of every term it names, so one
// report with a huge title and thousands of responders would write
// gigabytes; real reports stay far below these.
const (
	MaxTitleLen  = 300  // characters in a title
	MaxImpactLen = 5000 // characters in impact
	MaxListLen   = 500  // values in one list field: a data-centre outage may name a few hundred services
	MaxNameLen   = 200  // characters in one list value (a service, a responder)
	maxIDLen     = 200  // characters in an id
)

// Bounds of the numbers a report gives. The trend pages sum them over
// every report, so a typo of a few digits too many would swamp every
// total (and a number near the int64 limit would overflow it); these are
// far above any real incident yet leave room to sum millions of reports.
const (
	MaxPaged          = 1_000_000             // people paged, and paged after hours
	MaxRequestsFailed = 1_000_000_000_000_000 // requests failed: 10^15
)

// checkSizes holds the report to the limits above.
func (in *Incident) checkSizes(dec *matter.Decoder) {
	p := dec.Path
	long := func(field, s string, limit int, what, more string) {
		if n := utf8.RuneCountInString(s); n > limit {
			dec.Diags.Errorf(p, in.Line(field), field, "is %d characters long; %s may have at most %d%s", n, what, limit, more)
		}
	}
	long("title", in.Title, MaxTitleLen, "a title", "")
	long("impact", in.Impact, MaxImpactLen, "impact", " (the body can say more)")
	lists := []struct {
		field  string
		values []string
	}{
		{"responders", in.Responders}, {"coordinators", in.Coordinators}, {"services", in.Services},
		{"sites", in.Sites}, {"slos", in.SLOs}, {"causes", in.Causes}, {"related", in.Related}, {"repeat_of", in.RepeatOf},
	}
	for _, l := range lists {
		if len(l.values) > MaxListLen {
			dec.Diags.Errorf(p, in.Line(l.field), l.field, "has %d values; a report may list at most %d", len(l.values), MaxListLen)
			continue
		}
		for _, v := range l.values {
			if n := utf8.RuneCountInString(v); n > MaxNameLen {
				dec.Diags.Errorf(p, in.Line(l.field), l.field, "a value is %d characters long; names are at most %d", n, MaxNameLen)
				break
			}
		}
	}
	if len(in.Actionables) > MaxListLen {
		dec.Diags.Errorf(p, in.Line("actionables"), "actionables", "has %d action items; a report may list at most %d", len(in.Actionables), MaxListLen)
	}
}

// checkBody refuses a body that the Markdown renderer would take
// unbounded time over (see markdown.CheckLimits), and drops it: every later
// stage (rendering, search, repeat detection, lint) reads the body, and
// none may see one the check refused, whatever the build then does with
// the error.
func (in *Incident) checkBody(dec *matter.Decoder) {
	if err := markdown.CheckLimits(in.Body, in.BodyLine); err != nil {
		dec.Diags.Errorf(dec.Path, err.Line, "body", "%s", err.Msg)
		in.Body = nil
	}
}

func (in *Incident) compute() {
	if !in.Start.IsZero() && in.HasEnd() && !in.End.Before(in.Start) {
		in.Duration = in.End.Sub(in.Start)
	}
	if !in.Start.IsZero() && !in.Detected.IsZero() && !in.Detected.Before(in.Start) {
		in.TTD = in.Detected.Sub(in.Start)
	}
	in.Score = Score{}
	for _, a := range in.Scorecard {
		switch a.Answer {
		case Yes:
			in.Score.Yes++
			in.Score.Answered++
		case No:
			in.Score.Answered++
		}
	}
}

func checkEnum(dec *matter.Decoder, f matter.Field, v string, allowed []string) {
	if v == "" || slices.Contains(allowed, v) {
		return
	}
	dec.Diags.Errorf(dec.Path, lineOf(f), f.Key, "%q is not one of %s%s", v, strings.Join(allowed, ", "), diag.DidYouMean(v, allowed))
}

func lineOf(f matter.Field) int {
	if f.Value != nil && f.Value.Line > 0 {
		return f.Value.Line
	}
	return f.Line
}

func checkTask(dec *matter.Decoder, site *siteconfig.Site, line int, field, task string) {
	kind := trackerKind(site)
	if task != "" && !IsTaskID(kind, task) {
		dec.Diags.Warnf(dec.Path, line, field, "%q does not look like a task id such as %s; it will not be linked", task, taskExamples(kind))
	}
}

// plural names a list of keys: "field id is", "fields id, start are".
func plural(keys []string) string {
	if len(keys) == 1 {
		return "field " + keys[0] + " is"
	}
	return "fields " + strings.Join(keys, ", ") + " are"
}

func intPtr(v int64, ok bool) *int64 {
	if !ok {
		return nil
	}
	return &v
}

func fmtTime(t interface{ Format(string) string }) string { return t.Format("2006-01-02 15:04 MST") }

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func collapseAll(in []string) []string {
	for i := range in {
		in[i] = collapseSpace(in[i])
	}
	return in
}

func lowerAll(in []string) []string {
	for i := range in {
		in[i] = strings.ToLower(in[i])
	}
	return in
}

// dedupe drops repeated values, keeping the first occurrence's position.
func dedupe(in []string) []string {
	if len(in) < 2 {
		return in
	}
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// setLine records the line of key, keeping the lines sorted by key. A
// key of the format's own (Keys) is held as the package's string, shared
// by every report, not as the report's copy of it.
func (in *Incident) setLine(key string, line int) {
	i, found := slices.BinarySearchFunc(in.lines, key, func(kl keyLine, key string) int { return strings.Compare(kl.key, key) })
	if found {
		in.lines[i].line = line
		return
	}
	if k := slices.Index(Keys, key); k >= 0 {
		key = Keys[k]
	}
	in.lines = slices.Insert(in.lines, i, keyLine{key, line})
}
