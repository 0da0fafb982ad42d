// Package search indexes incident reports with bleve and answers queries
// over that index, for the command line and for the server's /api/search.
//
// The index lives in the cache folder, never in the published site. It is
// built from Documents, one per report, which the static index for hosted
// sites (package search/static) reads too, so that both index the same
// text.
package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
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

// Documents turns every published report of arc into a Document, on all
// CPUs.
func Documents(arc *archive.Archive) []Document {
	docs := make([]Document, len(arc.Incidents))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				docs[i] = FromIncident(arc.Incidents[i])
				docs[i].nameTerms(arc)
			}
		}()
	}
	wg.Wait()
	return docs
}

// FromIncident turns one report into a Document.
func FromIncident(in *incident.Incident) Document {
	d := Document{
		ID:          in.ID,
		Title:       in.Title,
		URL:         "incidents/" + url.PathEscape(in.Slug) + "/", // as the site links it
		Start:       in.Start,
		End:         in.End,
		Year:        in.Year(),
		Status:      string(in.Status),
		Task:        in.Task,
		Trigger:     in.Trigger,
		FailureMode: in.FailureMode,
		Services:    in.Services,
		Causes:      in.Causes,
		Sites:       in.Sites,
		Responders:  union(in.Responders, in.Coordinators),
		Impact:      in.Impact,
	}
	if in.HasEnd() {
		m := in.Duration.Minutes()
		d.DurationMinutes = &m
	}
	if in.Score.Answered > 0 {
		y := float64(in.Score.Yes)
		d.Score = &y
	}
	if in.Paged != nil {
		p := float64(*in.Paged)
		d.Paged = &p
	}
	d.Summary, d.Body = markdown.PlainSections(in.Body)
	return d
}

// nameTerms replaces the report's terms by the names their pages show,
// and lists the other spellings of its services and causes.
func (d *Document) nameTerms(arc *archive.Archive) {
	seen := map[string]bool{}
	for _, f := range []struct {
		kind   string
		values *[]string
	}{{"services", &d.Services}, {"causes", &d.Causes}, {"sites", &d.Sites}, {"responders", &d.Responders}} {
		tax := arc.Taxonomy(f.kind)
		if tax == nil || len(*f.values) == 0 {
			continue
		}
		named := make([]string, 0, len(*f.values))
		for _, v := range *f.values {
			term, ok := tax.Term(v)
			if !ok {
				named = append(named, v)
				continue
			}
			if !slices.Contains(named, term.Name) {
				named = append(named, term.Name)
			}
			if f.kind == "services" || f.kind == "causes" {
				for _, other := range term.OtherSpellings() {
					if !seen[other] {
						seen[other] = true
						d.Spellings = append(d.Spellings, other)
					}
				}
			}
		}
		*f.values = named
	}
}

// Hash is the content hash of everything the indexes hold of d.
func (d *Document) Hash() string {
	b, _ := json.Marshal(d) // a Document always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := append([]string(nil), a...)
	for _, s := range b {
		found := false
		for _, t := range out {
			if strings.EqualFold(s, t) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}
