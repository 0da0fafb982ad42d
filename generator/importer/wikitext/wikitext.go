// Package wikitext converts MediaWiki wikitext to CommonMark/GFM, and
// finds the templates and tables in it.
//
// Its API, which package wiki builds on, is stable:
//
//	func Templates(src string) []Template // top-level {{…}} calls
//	func Tables(src string) []Table       // top-level {| … |} tables
//	func Convert(src string, opt Options) (md string, warnings []importer.Warning)
//
// Templates and Tables parse without converting: values and cell texts are
// the source's wikitext, for the caller to read or Convert.
package wikitext

// Options are what a conversion needs to know beyond the text.
type Options struct {
	// WikiURL is where pages of the wiki live, ending in "/": a link to a
	// page that is not an imported report becomes WikiURL + the title
	// (spaces as underscores, escaped).
	WikiURL string
	// Incident resolves the title of a linked page to the id of an
	// imported report; ok is false when the page is not one. A link to a
	// report becomes the report's id, which the archive links.
	Incident func(title string) (id string, ok bool)
}
