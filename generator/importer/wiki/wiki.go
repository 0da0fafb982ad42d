// Package wiki turns one incident report kept as a MediaWiki page into an
// importer.Report: the id from the page title, the status template, the
// "Incident scorecard" template's metadata, the scorecard table's answers
// keyed by the site's rubric, services guessed from the site's catalogue,
// and the body converted by package wikitext.
package wiki

import (
	"regexp"
	"strings"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/importer/mediawiki"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Options are what converting a page needs beyond the page.
type Options struct {
	// Site gives the scorecard rubric and the service catalogue.
	Site *siteconfig.Site
	// WikiURL is where pages of the wiki live, ending in "/" (see
	// wikitext.Options).
	WikiURL string
	// Incident resolves the title of a linked page to the id of an
	// imported report (see wikitext.Options).
	Incident func(title string) (id string, ok bool)
}

// Convert reads one page. (Placeholder: being written.)
func Convert(p mediawiki.Page, opt Options) *importer.Report {
	id, _ := IDFromTitle(p.Title)
	return &importer.Report{ID: id, Body: p.Text}
}

var (
	newTitle = regexp.MustCompile(`^(?:[^/]*/)?(\d{4}-\d{2}-\d{2})[ _]+(.+)$`)
	oldTitle = regexp.MustCompile(`^(?:[^/]*/)?(\d{4})(\d{2})(\d{2})[-_ ]+(.+)$`)
)

// IDFromTitle is the report id a page title gives:
// "Incidents/2025-03-31 sessionstore unavailability" gives "2025-03-31
// sessionstore unavailability", and an older page's "Incident
// documentation/20190101-Name" gives "2019-01-01 Name". ok is false for a
// title that names no date.
func IDFromTitle(title string) (id string, ok bool) {
	title = strings.TrimSpace(strings.ReplaceAll(title, "_", " "))
	if m := newTitle.FindStringSubmatch(title); m != nil {
		return m[1] + " " + strings.TrimSpace(m[2]), true
	}
	if m := oldTitle.FindStringSubmatch(title); m != nil {
		return m[1] + "-" + m[2] + "-" + m[3] + " " + strings.TrimSpace(m[4]), true
	}
	return "", false
}
