package importer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// rendered is a report file ready to write.
type rendered struct {
	data []byte
	// draft says the writer made the report a draft; problems say why.
	draft    bool
	problems []string
	// warnings are the writer's own, added to the report's.
	warnings []Warning
	// keys are the front-matter keys written with a value from the
	// source (not one standing in for a missing or refused one).
	keys []string
}

// Kinds of the writer's warnings.
const (
	KindDrafted     = "imported as a draft"
	KindMoved       = "value the build would refuse, kept under Imported metadata"
	KindUnknownLink = "related id not in the archive, kept under Imported metadata"
	KindNotInRubric = "scorecard key not in the rubric, kept under Imported metadata"
)

// idDate matches the date an id starts with.
var idDate = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})\b`)

// placeholderStart stands in for a start the source does not give and
// the id does not name: the build requires one, and a draft with this
// start says so at its top.
var placeholderStart = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// render turns r into a file the build accepts: it validates the file as
// the build will (incident.Parse), and where the build would refuse a
// value it moves the value under Imported metadata, makes the report a
// draft and lists the problem at the top of the body, then validates
// again. known says whether an id names a report of the archive or of
// the import. It fails only when the id itself cannot be used.
func render(r *Report, display string, site *siteconfig.Site, known func(string) bool) (*rendered, error) {
	out := &rendered{}
	rubric := site.ScorecardKeys()
	c := *r // the writer never changes the caller's report
	unmapped := slices.Clone(r.Unmapped)
	note := func(field, kind, format string, args ...any) {
		out.warnings = append(out.warnings, Warning{Field: field, Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	stoodIn := map[string]bool{"status": true, "imported_from": true}
	problem := func(format string, args ...any) {
		out.draft = true
		out.problems = append(out.problems, fmt.Sprintf(format, args...))
	}

	// What the build would only warn about, or refuse, in ways known
	// beforehand: answers to questions the rubric does not ask, and links
	// to reports that do not exist.
	c.Scorecard = nil
	for _, a := range r.Scorecard {
		if slices.Contains(rubric, a.Key) {
			c.Scorecard = append(c.Scorecard, a)
			continue
		}
		unmapped = append(unmapped, Field{Name: "scorecard: " + a.Key, Value: strings.TrimSpace(a.Answer + " " + a.Note)})
		note("scorecard", KindNotInRubric, "%q is not a key of the rubric in site.yaml", a.Key)
	}
	keepKnown := func(field string, ids []string) []string {
		var kept []string
		for _, id := range ids {
			if known(id) {
				kept = append(kept, id)
				continue
			}
			unmapped = append(unmapped, Field{Name: field, Value: id})
			note(field, KindUnknownLink, "no report of the archive or of the import has the id %q", id)
		}
		return kept
	}
	c.Related = keepKnown("related", r.Related)
	c.RepeatOf = keepKnown("repeat_of", r.RepeatOf)

	if st := strings.ToLower(strings.TrimSpace(c.Status)); st != "" && !slices.Contains(incident.Statuses, st) {
		problem("status: %q is not one of %s; the value is kept under Imported metadata", c.Status, strings.Join(incident.Statuses, ", "))
	}
	// The keys the build requires.
	if strings.TrimSpace(c.Title) == "" {
		c.Title, stoodIn["title"] = c.ID, true
		problem("title: the source gives no title; the id stands in for it")
	}
	if c.Start.IsZero() {
		c.Start, stoodIn["start"] = startFromID(c.ID), true
		problem("start: the source gives no start; %s stands in for it", formatTime(c.Start))
	}
	entries := frontMatter(&c, rubric)
	statusKept := false
	// wasStatus is the status the source gives, when the writer makes the
	// report a draft: the notice at its top says to set it back.
	wasStatus := ""
	// draftStatus makes the report a draft, keeping the source's status:
	// a status of the content model in the notice at the top (it was
	// understood, and the person who fixes the report sets it back), any
	// other in Imported metadata.
	draftStatus := func() {
		i := indexOf(entries, "status")
		switch s := strings.TrimSpace(r.Status); {
		case s == "" || strings.EqualFold(s, string(incident.Draft)) || statusKept:
		case s == string(incident.Review) || s == string(incident.Final):
			wasStatus = s
		default:
			unmapped = append(unmapped, Field{Name: "status", Value: s})
			statusKept = true
		}
		entries[i].value, entries[i].plain = " "+string(incident.Draft), string(incident.Draft)
	}
	if out.draft {
		draftStatus()
	}
	body := c.Body
	fenced := false

	for round := 0; ; round++ {
		out.data = renderFile(entries, out.problems, wasStatus, body, unmapped)
		var d diag.List
		incident.Parse(display, out.data, site, &d)
		changed := false
		for _, e := range d.All() {
			key := topKey(e.Field)
			if e.Severity == diag.Warning {
				// A warning does not stop the build; a value the build
				// warns about on its own key (a task that is not a task
				// id) is kept aside so that check stays quiet. Warnings
				// inside the scorecard or the actionables stay with them.
				if i := indexOf(entries, key); i >= 0 && key == e.Field && !slices.Contains([]string{"id", "title", "start", "status"}, key) {
					unmapped = append(unmapped, Field{Name: key, Value: entries[i].plain})
					entries = slices.Delete(entries, i, i+1)
					note(key, KindMoved, "%s", e.Message)
					changed = true
				}
				continue
			}
			switch key {
			case "id":
				return nil, fmt.Errorf("id: %s", e.Message)
			case "", "body":
				if fenced {
					return nil, fmt.Errorf("%s", e)
				}
				body, fenced = fence(body), true
				problem("body: %s; the body is kept as it was written, in a code block", e.Message)
			case "status":
				problem("status: %s; the value is kept under Imported metadata", e.Message)
				draftStatus()
			case "title":
				i := indexOf(entries, "title")
				unmapped = append(unmapped, Field{Name: "title", Value: entries[i].plain})
				entries[i].value, entries[i].plain = " "+yamlString(c.ID), c.ID
				stoodIn["title"] = true
				problem("title: %s; the id stands in for it, and the title is kept under Imported metadata", e.Message)
			case "start":
				i := indexOf(entries, "start")
				unmapped = append(unmapped, Field{Name: "start", Value: entries[i].plain})
				s := formatTime(startFromID(c.ID))
				entries[i].value, entries[i].plain = " "+s, s
				stoodIn["start"] = true
				problem("start: %s; %s stands in for it, and the value is kept under Imported metadata", e.Message, s)
			default:
				i := indexOf(entries, key)
				if i < 0 {
					return nil, fmt.Errorf("%s", e) // not a key the writer wrote: a bug
				}
				unmapped = append(unmapped, Field{Name: key, Value: entries[i].plain})
				entries = slices.Delete(entries, i, i+1)
				problem("%s: %s; the value is kept under Imported metadata", e.Field, e.Message)
			}
			changed = true
		}
		if !changed {
			break
		}
		if round == 3 {
			return nil, fmt.Errorf("the report could not be made valid: %v", d.Errors())
		}
		if out.draft {
			draftStatus()
		}
	}
	if out.draft {
		out.warnings = append(out.warnings, Warning{Kind: KindDrafted, Message: strings.Join(out.problems, "; ")})
	}
	for _, e := range entries {
		if !stoodIn[e.key] {
			out.keys = append(out.keys, e.key)
		}
	}
	return out, nil
}

// startFromID is the day an id names, or the placeholder start.
func startFromID(id string) time.Time {
	if m := idDate.FindString(id); m != "" {
		if t, err := time.Parse(time.DateOnly, m); err == nil && t.Year() >= 1970 && t.Year() <= 2200 {
			return t
		}
	}
	return placeholderStart
}

// topKey is the front-matter key a diagnostic's field names:
// "actionables[2].title" is in actionables.
func topKey(field string) string {
	if i := strings.IndexAny(field, ".["); i >= 0 {
		return field[:i]
	}
	return field
}

func indexOf(entries []entry, key string) int {
	return slices.IndexFunc(entries, func(e entry) bool { return e.key == key })
}

// fence puts s in a fenced code block longer than any run of backticks
// in it, so that Markdown shows it as written.
func fence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + "text\n" + strings.TrimRight(s, "\n") + "\n" + f
}
