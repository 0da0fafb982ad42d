// Package mediawiki reads wiki pages from a MediaWiki site: from an XML
// export (Special:Export), from files of raw wikitext, or from the site's
// Action API. It knows nothing of what the pages say.
package mediawiki

import "time"

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
	// Text is the revision's wikitext.
	Text string
	// Redirect is the target title when the page is a redirect.
	Redirect string
}
