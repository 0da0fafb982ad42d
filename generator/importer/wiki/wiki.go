// Package wiki turns one incident report kept as a MediaWiki page into an
// importer.Report: the id from the page title, the status template, the
// "Incident scorecard" template's metadata, the scorecard table's answers
// keyed by the site's rubric, services guessed from the site's catalogue,
// and the body converted by package wikitext.
package wiki

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	newTitle = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[ _-]+(.*))?$`)
	oldTitle = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:[-_ ]+(.*))?$`)
)

// maxIDLen is the longest id the archive accepts (see package incident).
const maxIDLen = 200

// IDFromTitle is the report id a page title gives:
// "Incidents/2025-03-31 sessionstore unavailability" gives "2025-03-31
// sessionstore unavailability", and an older page's "Incident
// documentation/20190101-Name" gives "2019-01-01 Name". The date may
// follow any "/" of the title (a namespace or a parent page); the name
// keeps its case, with underscores read as spaces and runs of blanks
// collapsed, and is cut short to keep the id within the archive's limit
// on ids. ok is false for a title that names no valid date.
func IDFromTitle(title string) (id string, ok bool) {
	title = strings.Join(strings.Fields(strings.ReplaceAll(title, "_", " ")), " ")
	for start := 0; start <= len(title); {
		rest := title[start:]
		m := newTitle.FindStringSubmatch(rest)
		if m == nil {
			m = oldTitle.FindStringSubmatch(rest)
		}
		if m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			if validDate(y, time.Month(mo), d) {
				id = m[1] + "-" + m[2] + "-" + m[3]
				if name := strings.TrimSpace(m[4]); name != "" {
					id += " " + name
				}
				return truncateRunes(id, maxIDLen), true
			}
		}
		slash := strings.IndexByte(rest, '/')
		if slash < 0 {
			break
		}
		start += slash + 1
	}
	return "", false
}

// truncateRunes cuts s to at most n characters, at a character boundary,
// without blanks at the end.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n]))
}
