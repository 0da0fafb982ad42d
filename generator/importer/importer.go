// Package importer holds what every importer of another archive's reports
// produces, and writes it into this archive's format.
//
// An importer (package wiki for MediaWiki pages, package mdimport for
// other tools' Markdown) turns one source document into a Report: the front
// matter it understood, the body converted to Markdown, every source value
// it did not understand (never dropped: they end the body under "Imported
// metadata"), and a warning for every guess and every loss. The writer
// (Write, in this package) turns a Report into a report file that the build
// accepts, or into a draft that lists its problems; it records what it
// wrote, so that a second import rewrites only reports whose source changed
// and that no person has edited since.
//
// Data flows one way: source → Report → file. Importers do not write files,
// and the writer does not read sources.
package importer

import "time"

// Report is one report read from another archive, in this archive's terms.
// Zero values are fields the source did not give.
type Report struct {
	// ImportedFrom names the source, as the report's imported_from key
	// records it: "wiki: Incidents/2025-03-31 sessionstore unavailability
	// @ 1234567" (page title and revision id) or the source file's path.
	ImportedFrom string
	// SourceHash identifies the source's content (for example the SHA-256
	// of the page's wikitext, in hex): a second import rewrites a report
	// only when it changed.
	SourceHash string

	ID        string
	Title     string
	Status    string // draft, review or final; empty for final
	Task      string
	Start     time.Time
	End       time.Time // zero: ongoing, or not known
	Detected  time.Time
	Detection string

	Paged           *int64
	PagedAfterHours *int64
	Responders      []string
	Coordinators    []string
	Services        []string
	// ServicesGuessed says that Services were inferred from the site's
	// service catalogue, not stated by the source: they are written with
	// a "# guessed by import" comment for a person to confirm.
	ServicesGuessed bool
	Sites           []string
	SLOs            []string
	Impact          string
	Trigger         string
	Causes          []string
	FailureMode     string
	Related         []string
	RepeatOf        []string
	Actionables     []Actionable
	Scorecard       []Answer

	// Body is the report's text, converted to CommonMark/GFM.
	Body string
	// Unmapped are source values that were not understood. The writer
	// lists them at the end of the body under "Imported metadata", in
	// this order.
	Unmapped []Field
	// Warnings are what a person should look at: guesses, values not
	// understood, constructs converted with a loss.
	Warnings []Warning
}

// Actionable is a follow-up action item.
type Actionable struct {
	Title  string
	Task   string
	Owner  string
	Status string // open, done or declined
}

// Answer is one scorecard answer, keyed by the rubric in site.yaml.
type Answer struct {
	Key    string
	Answer string // yes, no or n/a
	Note   string
}

// Field is one source value as the source wrote it.
type Field struct {
	Name  string // the source's name for it: "paged-num", "company"
	Value string
}

// Warning is one thing a person should check in one imported report.
type Warning struct {
	// Field is the source field or construct it concerns ("paged-num",
	// "scorecard", "table"); empty for the whole report.
	Field string
	// Kind groups warnings for the import's summary table: "value not
	// understood", "guessed", "scorecard question not matched",
	// "construct converted with loss" and the like.
	Kind string
	// Message says what happened and what to check.
	Message string
}
