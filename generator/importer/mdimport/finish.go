package mdimport

import (
	"strconv"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
)

// finish completes the report: a title and an id in every case, values
// the build would refuse together (an end before the start) moved to
// "Imported metadata", and a report without a start made a draft.
func (c *converter) finish() {
	r := c.r
	_, name := nameParts(c.path)
	if r.Title == "" {
		if words := titleFromName(name); words != "" && !opaqueName.MatchString(name) {
			r.Title = words
			c.warn("title", kindGuessed, "no title in the front matter and no level-1 heading at the top; the title %q comes from the file name: check it", words)
		} else {
			r.Title = "Imported report " + r.SourceHash[:8]
			c.warn("title", kindMissing, "no title in the front matter, no level-1 heading at the top and none in the file name; write one")
			r.Status = "draft"
		}
	}

	for _, key := range []string{"end", "detected"} {
		p := c.timeField(key)
		if !p.IsZero() && !r.Start.IsZero() && p.Before(r.Start) {
			c.keepOrigin(key, p.Format(time.RFC3339))
			c.warn(key, kindConflict, "%s (%s, from %s) is before the start (%s); it is kept under \"Imported metadata\"", key, p.Format(time.RFC3339), c.from[key], r.Start.Format(time.RFC3339))
			*p = time.Time{}
		}
	}
	if r.Paged != nil && r.PagedAfterHours != nil && *r.PagedAfterHours > *r.Paged {
		c.keepOrigin("paged_after_hours", strconv.FormatInt(*r.PagedAfterHours, 10))
		c.warn("paged_after_hours", kindConflict, "%d people paged after hours is more than the %d paged; it is kept under \"Imported metadata\"", *r.PagedAfterHours, *r.Paged)
		r.PagedAfterHours = nil
	}

	if r.ID == "" {
		r.ID = c.makeID(name)
	}
	for i, id := range r.RepeatOf {
		if id == r.ID {
			r.RepeatOf = append(r.RepeatOf[:i], r.RepeatOf[i+1:]...)
			c.keep("repeat_of", id)
			c.warn("repeat_of", kindConflict, "the report names itself as one it repeats; that is kept under \"Imported metadata\"")
			break
		}
	}

	if r.Start.IsZero() {
		was := r.Status
		r.Status = "draft"
		msg := "no start was found: not in the front matter (map the key that holds it to start), not on a Date: or Start: line near the top, and not in the file name (2024-01-05-name.md); imported as a draft: add start"
		if was != "" && was != "draft" {
			msg += " and set status back to " + was
		}
		c.warn("start", kindMissing, "%s", msg)
	}
}

// makeID is the date of the start and a short name: the file name's (after
// its date), unless that is a number or a hash, else the title's. Without
// a start the id is the name alone (the report is a draft).
func (c *converter) makeID(fileName string) string {
	name := incident.Slugify(fileName)
	if name == "" || opaqueName.MatchString(fileName) {
		name = incident.SlugOr("report", c.r.Title)
	}
	if c.r.Start.IsZero() {
		return name
	}
	return c.r.Start.UTC().Format(time.DateOnly) + " " + name
}

// keepOrigin keeps the value that set our key under "Imported metadata",
// as the source wrote it where that is known.
func (c *converter) keepOrigin(key, value string) {
	if o, ok := c.origin[key]; ok {
		c.keep(o.Name, o.Value)
		return
	}
	c.keep(key, value)
}

// titleFromName makes words of a file name: hyphens and underscores are
// spaces, and control characters (which no title may hold) are dropped.
func titleFromName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '_':
			return ' '
		case isControl(r):
			return -1
		}
		return r
	}, name)
	return collapseSpace(name)
}
