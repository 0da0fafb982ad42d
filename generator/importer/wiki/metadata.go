package wiki

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/importer/wikitext"
	"github.com/incidents-archive/incidents/generator/incident"
)

// Statuses, as the content model spells them.
const (
	statusDraft  = "draft"
	statusReview = "review"
	statusFinal  = "final"
)

// statusWords maps what status templates say to a status.
var statusWords = map[string]string{
	"draft": statusDraft, "review": statusReview, "in-review": statusReview,
	"in review": statusReview, "inreview": statusReview, "reviewed": statusFinal,
	"final": statusFinal, "done": statusFinal, "complete": statusFinal, "published": statusFinal,
}

// readStatus reads the status template: "{{irdoc|status=draft}}" (draft,
// review, in-review, final), or an older "{{irdoc-draft}}",
// "{{irdoc-review}}". A page without one is final. A status the template
// spells in a way not known is taken as draft, the cautious reading: the
// report is shown as unfinished until a person says otherwise.
func (c *converter) readStatus() {
	found := false
	for _, t := range wikitext.Templates(c.src) {
		name := strings.ToLower(t.Name)
		if name != "irdoc" && !strings.HasPrefix(name, "irdoc-") && !strings.HasPrefix(name, "irdoc ") {
			continue
		}
		c.remove(t.Start, t.End)
		if found {
			c.warn("status", KindDuplicateMarkup, "the page has more than one status template; the first is used")
			continue
		}
		found = true
		word := strings.TrimSpace(strings.TrimLeft(name[len("irdoc"):], "- "))
		if word == "" {
			word, _ = t.Param("status")
			if word == "" {
				word, _ = t.Param("1")
			}
		}
		word = strings.ToLower(cleanValue(word))
		if word == "" {
			continue // {{irdoc}} alone says nothing: final
		}
		st, ok := statusWords[word]
		if !ok {
			c.r.Status = statusDraft
			c.keep("status", word)
			c.warn("status", KindNotUnderstood, fmt.Sprintf("status %q is not draft, review or final; imported as a draft", word))
			continue
		}
		c.r.Status = st
	}
}

// metadataTemplate is the name of the template that holds a report's
// metadata, as wikitext.Template.Name spells it.
const metadataTemplate = "incident scorecard"

// paramName normalises a metadata parameter's name: "Paged num",
// "paged_num" and "paged-num" are one.
func paramName(n string) string {
	n = strings.ToLower(strings.TrimSpace(n))
	return strings.Join(strings.FieldsFunc(n, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "-")
}

// readMetadata reads the "Incident scorecard" template, normally under
// the first "== Summary ==" heading (the first such template anywhere is
// used), and removes it from the body; when start or end gave several
// windows, a sentence listing them takes its place.
func (c *converter) readMetadata(secs []section) {
	var meta *wikitext.Template
	for _, t := range wikitext.Templates(c.src) {
		if strings.ToLower(t.Name) != metadataTemplate {
			continue
		}
		if meta != nil {
			c.warn("metadata", KindDuplicateMarkup, "the page has more than one Incident scorecard template; the first is used, the others stay in the body")
			continue
		}
		meta = &t
	}
	if meta == nil {
		c.warn("metadata", KindNotUnderstood, "the page has no Incident scorecard template; its metadata must be filled in by hand")
		return
	}
	var start, end string
	for _, p := range meta.Params {
		v := p.Value
		if isUnknown(v) && cleanValue(v) != "" {
			// "?", "TBD", "unknown": nothing to read, but the author
			// wrote it, and nothing the source says is dropped.
			c.keep(p.Name, cleanValue(v))
		}
		switch paramName(p.Name) {
		case "task", "phabricator", "phab", "ticket":
			c.readTask(p.Name, v)
		case "paged-num", "paged", "people-paged":
			c.readPaged(p.Name, v)
		case "responders-num", "responders", "responder-count":
			c.readResponders(p.Name, v)
		case "coordinators", "coordinator", "ic", "incident-coordinator":
			c.readCoordinators(p.Name, v)
		case "start":
			start = v
		case "end":
			end = v
		case "metrics", "slos", "affected-metrics":
			c.readMetrics(p.Name, v)
		case "impact":
			c.readImpact(p.Name, v)
		case "id", "incident-id":
			if v = cleanValue(v); v != "" && v != c.r.ID {
				c.keep(p.Name, v)
				c.warn(p.Name, KindNotUnderstood, fmt.Sprintf("the template names the incident %q, the page title %q; the title's id is used", oneLine(v), c.r.ID))
			}
		default:
			if !isUnknown(v) {
				c.keep(p.Name, v)
				c.warn(p.Name, KindNotUnderstood, fmt.Sprintf("parameter %q is not one the importer knows; kept under Imported metadata", p.Name))
			}
		}
	}
	c.readTimes(start, end)
	if c.windows != "" {
		// A paragraph of its own, before the summary's first.
		c.replace(meta.Start, meta.End, c.windows+"\n")
	} else {
		c.remove(meta.Start, meta.End)
	}
}

func (c *converter) readTask(field, v string) {
	if isUnknown(v) {
		return
	}
	task, more := parseTask(v)
	switch {
	case task == "":
		c.notUnderstood(field, v, "a task id such as T390513")
	case more:
		c.r.Task = task
		c.partly(field, v, "task "+task)
	default:
		c.r.Task = task
	}
}

func (c *converter) readPaged(field, v string) {
	if isUnknown(v) {
		return
	}
	n := parseCount(v)
	switch {
	case !n.ok:
		c.notUnderstood(field, v, "a number of people paged")
	case n.n > incident.MaxPaged:
		c.notUnderstood(field, v, "a believable number of people paged")
	default:
		c.r.Paged = &n.n
		if !n.exact {
			c.partly(field, v, fmt.Sprintf("%d people paged", n.n))
		}
	}
}

// readResponders reads "responders-num": a count, names, or a count with
// names. The archive has no field for the count alone, so a count is kept
// under Imported metadata (without a warning when it is just a number,
// since nothing was misread); names become the responders.
func (c *converter) readResponders(field, v string) {
	if isUnknown(v) {
		return
	}
	n := parseCount(v)
	if n.ok {
		if len(n.names) > 0 {
			c.r.Responders = n.names
		}
		switch {
		case !n.exact && len(n.names) == 0:
			c.partly(field, v, fmt.Sprintf("%d responders", n.n))
		case !n.exact:
			c.partly(field, v, fmt.Sprintf("the responders %s", strings.Join(n.names, ", ")))
		default:
			c.keep(field, v)
		}
		return
	}
	c.r.Responders = c.readNames(field, v, "responders", "a count or a list of responders")
}

var noOne = regexp.MustCompile(`(?i)^(?:none|nobody|no one|noone|no-one|n/a)\.?$`)

func (c *converter) readCoordinators(field, v string) {
	if isUnknown(v) || noOne.MatchString(cleanValue(v)) {
		return
	}
	c.r.Coordinators = c.readNames(field, v, "coordinators", "a list of coordinators")
}

// readNames reads a list of people ("[[User:A|A]], {{u|B}} and C"); what
// is not understood, wholly or in part, is kept and warned of, wanted
// saying what the value should have been.
func (c *converter) readNames(field, v, who, wanted string) []string {
	names, clean := parseNames(v)
	switch {
	case len(names) == 0:
		c.notUnderstood(field, v, wanted)
		return nil
	case !clean:
		c.partly(field, v, "the "+who+" "+strings.Join(names, ", "))
	}
	return names
}

// noSLOs recognises metrics prose that says no SLO was affected.
var noSLOs = regexp.MustCompile(`(?i)\bno\b[^.]*\bslos?\b|\bslos?\b[^.]*\bnone\b|^\s*(?:none|n/?a)\s*\.?\s*$`)

// readMetrics reads the "metrics" prose. It names metrics in words, not
// SLO ids, so it is always kept under Imported metadata; when it says no
// SLO was affected, slos is set to the empty list, and otherwise a
// warning asks a person to name the SLOs.
func (c *converter) readMetrics(field, v string) {
	if isUnknown(v) {
		return
	}
	c.keep(field, v)
	if noSLOs.MatchString(cleanValue(v)) {
		c.r.SLOs = []string{}
		return
	}
	c.warn(field, KindNotUnderstood, "the affected metrics are prose; kept under Imported metadata (list the affected SLOs under slos)")
}

// readImpact converts the impact to plain text, which the report page
// shows as it is. An impact longer than the archive allows is cut at a
// word, and kept whole under Imported metadata.
func (c *converter) readImpact(field, v string) {
	if isUnknown(v) {
		return
	}
	c.rawImpact = v
	text := c.plain(field, v)
	if text == "" {
		return
	}
	if len([]rune(text)) > incident.MaxImpactLen {
		c.keep(field, v)
		c.warn(field, KindPartly, fmt.Sprintf("the impact is longer than %d characters; it was shortened, and kept whole under Imported metadata", incident.MaxImpactLen))
		text = cutAtWord(text, incident.MaxImpactLen-1) + "…"
	}
	c.r.Impact = text
}

// cutAtWord cuts s to at most n characters, at a space when there is one
// in the last part.
func cutAtWord(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut)
}

// readTimes reads start and end. A time without a date takes the date of
// the page title (with a warning, since it is a guess); an undated end
// takes the start's date, and the next day when it would be earlier than
// the start. Several windows give the first start and the last end, and
// a sentence listing the windows for the body.
func (c *converter) readTimes(start, end string) {
	var starts, ends []window
	if !isUnknown(start) {
		ws, ok := parseWindows(start, c.day)
		if ok {
			starts = ws
			c.r.Start = ws[0].from.t
			if !ws[0].from.dated {
				c.warn("start", KindGuessed, fmt.Sprintf("start %q gives no date; the date %s comes from the page title", oneLine(start), c.day.Format("2006-01-02")))
			}
		} else {
			c.notUnderstood("start", start, "a date and time such as 2025-03-31 02:58")
		}
	}
	endDay := c.day
	if !c.r.Start.IsZero() {
		endDay = dayOf(window{from: moment{t: c.r.Start}})
	}
	if !isUnknown(end) {
		ws, ok := parseWindows(end, endDay)
		if ok {
			ends = ws
		} else {
			c.notUnderstood("end", end, "a date and time such as 2025-03-31 03:40")
		}
	}
	if len(ends) > 0 {
		last := ends[len(ends)-1]
		m := last.from
		if last.to != nil {
			m = *last.to
		}
		if !m.dated && !c.r.Start.IsZero() && m.t.Before(c.r.Start) {
			m.t = m.t.Add(24 * time.Hour)
			c.warn("end", KindGuessed, fmt.Sprintf("end %q gives no date and is earlier in the day than the start; taken as the next day, %s", oneLine(end), m.t.Format("2006-01-02")))
		}
		switch {
		case !c.r.Start.IsZero() && m.t.Before(c.r.Start):
			c.keep("end", end)
			c.warn("end", KindNotUnderstood, fmt.Sprintf("end %s is before start %s; kept under Imported metadata", m.t.Format(timeFormat), c.r.Start.Format(timeFormat)))
		default:
			c.r.End = m.t
			if !m.dated && c.r.Start.IsZero() && !c.day.IsZero() {
				c.warn("end", KindGuessed, fmt.Sprintf("end %q gives no date; the date %s comes from the page title", oneLine(end), c.day.Format("2006-01-02")))
			}
		}
	} else if len(starts) > 0 && starts[len(starts)-1].to != nil {
		// The start gave ranges and there is no end: the last range ends it.
		c.r.End = starts[len(starts)-1].to.t
	}
	c.windows = windowsSentence(starts, ends)
}

// windowsSentence describes several incident windows for the body, as
// wikitext; "" when start and end give one window.
func windowsSentence(starts, ends []window) string {
	ranged := false
	for _, w := range append(append([]window{}, starts...), ends...) {
		if w.to != nil {
			ranged = true
		}
	}
	if len(starts) <= 1 && len(ends) <= 1 && !ranged {
		return ""
	}
	var parts []string
	switch {
	case len(ends) == 0 || (ranged && len(starts) > 0 && allRanged(starts)):
		for _, w := range starts {
			parts = append(parts, formatWindow(w.from.t, toTime(w.to)))
		}
	case len(starts) == len(ends) && !ranged:
		for i, s := range starts {
			e := ends[i].from
			if !e.dated && e.t.Before(s.from.t) {
				e.t = e.t.Add(24 * time.Hour)
			}
			parts = append(parts, formatWindow(s.from.t, &e.t))
		}
	default:
		var ss, es []string
		for _, w := range starts {
			ss = append(ss, formatWindow(w.from.t, toTime(w.to)))
		}
		for _, w := range ends {
			es = append(es, formatWindow(w.from.t, toTime(w.to)))
		}
		return fmt.Sprintf("''The incident's metadata gives several times: started %s; ended %s.''", strings.Join(ss, ", "), strings.Join(es, ", "))
	}
	return fmt.Sprintf("''The incident happened in %d windows (from the page's metadata): %s.''", len(parts), strings.Join(parts, "; "))
}

func allRanged(ws []window) bool {
	for _, w := range ws {
		if w.to == nil {
			return false
		}
	}
	return true
}

func toTime(m *moment) *time.Time {
	if m == nil {
		return nil
	}
	return &m.t
}
