package search

import (
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/incidents-archive/incidents/search/compound"
)

// MappingVersion names the mapping and the shape of indexed documents. An
// index written under another version is rebuilt from scratch.
const MappingVersion = "incidents-search-4"

// textField is a text field and the boost of a match in it.
type textField struct {
	Name  string
	Boost float64
	Store bool // whether hits show it: all but names
}

// Text fields searched by words without a field name, with their boosts:
// a word in the title says more than the same word deep in the timeline.
//
// names holds the report's services and causes analysed as text, so that
// a word or name typed without a field (parsoid, svc-0947, retry-storm)
// also finds the reports that list it, exactly as the static index does;
// field queries (services:parsoid) and filters match the keyword fields.
var textFields = []textField{
	{"title", 3, true},
	{"impact", 1.5, true},
	{"summary", 1.5, true},
	{"body", 1, true},
	{"names", 3, false},
}

// TextFieldBoost is the boost of a match in the text field named name (0
// for any other field), for the static index to weigh its terms alike.
func TextFieldBoost(name string) float64 {
	for _, f := range textFields {
		if f.Name == name {
			return f.Boost
		}
	}
	return 0
}

// keywordFields hold exact values: a query matches them whole
// (services:parsoid), and facets count them.
var keywordFields = []string{"id", "task", "services", "causes", "sites", "trigger", "failure_mode", "status", "responders", "year"}

// NewMapping is the index mapping: lean, because every indexed field and
// every stored byte costs build time. Text is analysed once per field with
// the English analyzer plus compound names such as svc-0947 as single
// terms (package compound), with no _all field, and with word positions
// so that phrases can be searched; only what a result line and its
// snippet need is stored.
func NewMapping() mapping.IndexMapping {
	keywordField := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	textMapping := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = compound.AnalyzerName
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = true // word positions, for phrases
		f.DocValues = false
		return f
	}
	dateField := func() *mapping.FieldMapping {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = true
		f.IncludeInAll = false
		return f
	}
	numberField := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	for _, name := range keywordFields {
		store := name == "id" || name == "services"
		doc.AddFieldMappingsAt(name, keywordField(store))
	}
	doc.AddFieldMappingsAt("url", func() *mapping.FieldMapping {
		f := keywordField(true)
		f.Index = false
		f.DocValues = false
		return f
	}())
	doc.AddFieldMappingsAt("start", dateField())
	doc.AddFieldMappingsAt("end", dateField())
	for _, name := range []string{"duration_minutes", "score", "paged"} {
		doc.AddFieldMappingsAt(name, numberField())
	}
	for _, f := range textFields {
		doc.AddFieldMappingsAt(f.Name, textMapping(f.Store))
	}

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.DefaultField = "body"
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.TypeField = "" // every document has the one mapping
	return m
}

// indexed is the value handed to bleve for one report: the fields of the
// mapping, nothing else.
type indexed struct {
	ID              string     `json:"id"`
	Task            string     `json:"task,omitempty"`
	Services        []string   `json:"services,omitempty"`
	Causes          []string   `json:"causes,omitempty"`
	Sites           []string   `json:"sites,omitempty"`
	Trigger         string     `json:"trigger,omitempty"`
	FailureMode     string     `json:"failure_mode,omitempty"`
	Status          string     `json:"status"`
	Responders      []string   `json:"responders,omitempty"`
	Year            string     `json:"year"`
	URL             string     `json:"url"`
	Start           time.Time  `json:"start"`
	End             *time.Time `json:"end,omitempty"`
	DurationMinutes *float64   `json:"duration_minutes,omitempty"`
	Score           *float64   `json:"score,omitempty"`
	Paged           *float64   `json:"paged,omitempty"`
	Title           string     `json:"title"`
	Impact          string     `json:"impact,omitempty"`
	Summary         string     `json:"summary,omitempty"`
	Body            string     `json:"body,omitempty"`
	Names           []string   `json:"names,omitempty"`
}

func toIndexed(d *Document) indexed {
	v := indexed{
		ID: d.ID, Task: d.Task, Services: d.Services, Causes: d.Causes, Sites: d.Sites,
		Trigger: d.Trigger, FailureMode: d.FailureMode, Status: d.Status, Responders: d.Responders,
		Year: strconv.Itoa(d.Year), URL: d.URL, Start: d.Start,
		DurationMinutes: d.DurationMinutes, Score: d.Score, Paged: d.Paged,
		Title: d.Title, Impact: d.Impact, Summary: d.Summary, Body: d.Body,
		Names: d.Names(),
	}
	if !d.End.IsZero() {
		end := d.End
		v.End = &end
	}
	return v
}
