// Package mediawiki reads wiki pages from a MediaWiki site: from an XML
// export (Special:Export), from files of raw wikitext, or from the site's
// Action API. It knows nothing of what the pages say.
//
// Every source streams: it calls a function with one Page at a time and
// keeps no more than one page (one batch of at most 50 pages for the API)
// in memory. Each source also has a titles-only pass (ExportTitles,
// FileTitles, Client.Titles) that lists the pages it would read without
// their text, so that an importer can learn every title before converting
// links between pages.
//
// A page that cannot be read as wikitext (its text was deleted, the export
// does not hold it, the wiki no longer has it, the file is not UTF-8) is
// still passed on, with Problem saying why and Text empty: an importer
// reports it and goes on with the other pages. Errors are kept for what
// stops the whole reading: a broken export, an unreachable wiki, a path
// that does not exist.
package mediawiki

import "time"

// MaxTextSize is the largest page text read, in bytes: 4 MiB, as much as
// a report file may hold (matter.MaxFileSize). A longer page is passed on
// with a Problem and no text.
const MaxTextSize = 4 << 20

// Page is the last revision of one wiki page.
type Page struct {
	// Title is the page's full title, namespace included:
	// "Incidents/2025-03-31 sessionstore unavailability".
	Title string
	// RevisionID is the revision's id; 0 when the source has none (a file).
	RevisionID int64
	// Timestamp is when the revision was saved; zero when not known.
	Timestamp time.Time
	// Source says where the page was read: the export file, the wikitext
	// file's path, or the API's URL.
	Source string
	// Line is the line of the export where the page's <page> element
	// starts; 0 for other sources.
	Line int
	// Text is the revision's wikitext.
	Text string
	// Redirect is the target title when the page is a redirect (without
	// any #section). A redirect page is not a report: it tells that links
	// to Title mean Redirect. Its Text, when the source gives it, is the
	// "#REDIRECT [[…]]" line.
	Redirect string
	// Problem, when not empty, says why the page has no usable text, in
	// words for the person importing: "the text of revision 812 was
	// deleted", "the page no longer exists on the wiki", "not valid UTF-8
	// (line 3)". Text is then empty and the page is not a report.
	Problem string
}
