// Package incident defines an incident report as the archive understands
// it, and decodes one report file into it.
//
// A report is a Markdown file whose front matter follows the content model
// (id, title and start required; everything else optional, because the
// oldest reports in real archives have nothing more). Decoding checks every
// field on its own and reports every problem with its file, line and key;
// checks that need the whole archive (duplicate ids, references to other
// reports) belong to package archive.
package incident

import (
	"strings"
	"time"
)

// Status is the editorial state of a report.
type Status string

// The report states. Drafts are left out of the site unless asked for.
const (
	Draft  Status = "draft"
	Review Status = "review"
	Final  Status = "final"
)

// Statuses lists the valid states in order.
var Statuses = []string{string(Draft), string(Review), string(Final)}

// Detections are the ways an incident can be noticed.
var Detections = []string{"automated", "human"}

// Triggers are what set an incident off.
var Triggers = []string{"deploy", "config-change", "upgrade", "traffic", "hardware", "network", "dependency", "expiry", "other"}

// FailureModes are how the system failed, as the incident-response guide
// classifies outages.
var FailureModes = []string{"fast-fail", "overload", "slow-backend", "degraded", "data-loss"}

// ActionStatuses are the states of an action item.
var ActionStatuses = []string{"open", "done", "declined"}

// Answer values of the scorecard.
const (
	Yes = "yes"
	No  = "no"
	NA  = "n/a"
)

// Incident is one report.
type Incident struct {
	ID              string         `json:"id"`
	Slug            string         `json:"slug"`
	Title           string         `json:"title"`
	Status          Status         `json:"status"`
	Task            string         `json:"task,omitempty"`
	Start           time.Time      `json:"start"`
	End             time.Time      `json:"end,omitzero"`
	Detected        time.Time      `json:"detected,omitzero"`
	Detection       string         `json:"detection,omitempty"`
	Paged           *int64         `json:"paged,omitempty"`
	PagedAfterHours *int64         `json:"paged_after_hours,omitempty"`
	Responders      []string       `json:"responders,omitempty"`
	Coordinators    []string       `json:"coordinators,omitempty"`
	Services        []string       `json:"services,omitempty"`
	Sites           []string       `json:"sites,omitempty"`
	SLOs            []string       `json:"slos,omitempty"`
	Impact          string         `json:"impact,omitempty"`
	RequestsFailed  *int64         `json:"requests_failed,omitempty"`
	Trigger         string         `json:"trigger,omitempty"`
	Causes          []string       `json:"causes,omitempty"`
	FailureMode     string         `json:"failure_mode,omitempty"`
	Related         []string       `json:"related,omitempty"`
	RepeatOf        []string       `json:"repeat_of,omitempty"`
	Actionables     []Actionable   `json:"actionables,omitempty"`
	Scorecard       []ScoredAnswer `json:"scorecard,omitempty"`

	// Computed from the fields above.
	Duration time.Duration `json:"-"`
	TTD      time.Duration `json:"-"`
	Score    Score         `json:"score"`

	// Where the report came from: Path as diagnostics name it (with the
	// content folder), File relative to the content folder.
	Path     string `json:"-"`
	File     string `json:"source"`
	Body     []byte `json:"-"`
	BodyLine int    `json:"-"`
	lines    map[string]int
	bad      []string     // keys whose values could not be decoded
	foreign  []foreignKey // keys other site generators use, with hints
}

// Actionable is a follow-up action item.
type Actionable struct {
	Title  string `json:"title"`
	Task   string `json:"task,omitempty"`
	Owner  string `json:"owner,omitempty"`
	Status string `json:"status"`
	// Line is the file line the item starts on.
	Line int `json:"-"`
}

// ScoredAnswer is a report's answer to one scorecard question.
type ScoredAnswer struct {
	Key    string `json:"key"`
	Answer string `json:"answer"` // yes, no or n/a
	Note   string `json:"note,omitempty"`
	// Line is the file line of the answer's key.
	Line int `json:"-"`
}

// Score counts a report's scorecard answers.
type Score struct {
	Yes      int `json:"yes"`
	Answered int `json:"answered"` // yes or no; n/a does not count
}

// HasEnd reports whether the incident has ended.
func (in *Incident) HasEnd() bool { return !in.End.IsZero() }

// Year is the calendar year (UTC) the incident started in.
func (in *Incident) Year() int { return in.Start.Year() }

// Answer returns the report's answer to the scorecard question key.
func (in *Incident) Answer(key string) (ScoredAnswer, bool) {
	for _, a := range in.Scorecard {
		if a.Key == key {
			return a, true
		}
	}
	return ScoredAnswer{}, false
}

// Line returns the file line of a front-matter key, or the line of the
// front matter's opening delimiter when the key is absent.
func (in *Incident) Line(key string) int {
	if l, ok := in.lines[key]; ok {
		return l
	}
	return in.lines[""]
}

// OpenActionables returns the action items still open.
func (in *Incident) OpenActionables() []Actionable {
	var out []Actionable
	for _, a := range in.Actionables {
		if a.Status == "open" {
			out = append(out, a)
		}
	}
	return out
}

// Slugify turns an incident id or a term into the ASCII path segment used
// in permalinks: "2026-02-23 ml-serve" becomes "2026-02-23-ml-serve". The
// result contains only a-z, 0-9 and single hyphens, so it is safe in a path
// and in a URL whatever the input.
func Slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case r == '.' || r == '_' || r == '+':
			// Keep dotted names readable: "mysql-s1.eqiad" → "mysql-s1-eqiad".
			hyphen = true
		default:
			if r > 127 {
				if f, ok := fold[r]; ok {
					if hyphen && b.Len() > 0 {
						b.WriteByte('-')
					}
					hyphen = false
					b.WriteString(f)
					continue
				}
			}
			hyphen = true
		}
		if b.Len() >= maxSlug {
			break
		}
	}
	slug := b.String()
	if len(slug) >= maxSlug {
		// Cut at a word boundary rather than mid-word.
		slug = slug[:maxSlug]
		if i := strings.LastIndexByte(slug, '-'); i > maxSlug/2 {
			slug = slug[:i]
		}
	}
	return strings.TrimRight(slug, "-")
}

// maxSlug bounds a permalink segment; file systems allow 255 bytes.
const maxSlug = 80

// fold transliterates common Latin letters with diacritics, so that
// "Müller" becomes "muller" instead of "m-ller".
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'ł': "l", 'ś': "s",
	'ź': "z", 'ż': "z", 'ć': "c", 'ń': "n", 'ę': "e", 'ą': "a", 'č': "c", 'š': "s",
	'ž': "z", 'ř': "r", 'ğ': "g", 'ı': "i", 'ş': "s",
}
