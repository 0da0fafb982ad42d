// Package search indexes incident reports with bleve and answers queries
// over that index, for the command line and for the server's /api/search.
//
// The index lives in the cache folder, never in the published site. It is
// built from Documents, one per report, which the static index for hosted
// sites (package search/static) reads too, so that both index the same
// text. The build makes them from the facts of its analysis stage (see
// generator.Documents).
package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// Document is one report as the indexes see it. Its JSON form is also
// what the content hash covers, so a change to anything indexed, such as
// a service renamed through an alias, re-indexes the report.
type Document struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	URL         string    `json:"url"` // relative to the site root: "incidents/<slug>/"
	Start       time.Time `json:"start"`
	End         time.Time `json:"end,omitzero"`
	Year        int       `json:"year"`
	Status      string    `json:"status"`
	Task        string    `json:"task,omitempty"`
	Trigger     string    `json:"trigger,omitempty"`
	FailureMode string    `json:"failure_mode,omitempty"`
	// Terms by the name their page shows (archive.Term): a term spelled
	// two ways ("zürich", "zurich") is one facet value, which filters
	// every report of the term.
	Services   []string `json:"services,omitempty"`
	Causes     []string `json:"causes,omitempty"`
	Sites      []string `json:"sites,omitempty"`
	Responders []string `json:"responders,omitempty"` // responders and coordinators
	// Spellings are the other spellings of the report's services and
	// causes, searched as text with them (see Names).
	Spellings []string `json:"spellings,omitempty"`
	// Numbers; nil when the report does not record them.
	DurationMinutes *float64 `json:"duration_minutes,omitempty"`
	Score           *float64 `json:"score,omitempty"` // yes answers
	Paged           *float64 `json:"paged,omitempty"`
	// Text, as plain text without Markdown markup.
	Impact  string `json:"impact,omitempty"`
	Summary string `json:"summary,omitempty"` // the body's Summary section
	Body    string `json:"body,omitempty"`    // the rest of the body
}

// Names are the services and causes the report lists, in every spelling:
// searched as text, so that a word or name typed without a field
// (parsoid, svc-0947, zurich) finds the reports that list it whether or
// not their text says it.
func (d *Document) Names() []string {
	return append(append(slices.Clip(d.Services), d.Causes...), d.Spellings...)
}

// Hash is the content hash of everything the indexes hold of d.
func (d *Document) Hash() string {
	b, _ := json.Marshal(d) // a Document always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
