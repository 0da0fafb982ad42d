// Package wiki turns one incident report kept as a MediaWiki page into an
// importer.Report: the id from the page title, the status template, the
// "Incident scorecard" template's metadata, the scorecard table's answers
// keyed by the site's rubric, services guessed from the site's catalogue,
// and the body converted by package wikitext.
//
// Every value is read tolerantly (see the parse functions), and nothing is
// dropped: a value that is not understood, or understood only in part,
// goes to Report.Unmapped as the page wrote it, with a Warning naming the
// field. The warnings' kinds, which the import's summary counts, are the
// Kind constants below.
package wiki

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

// Kinds of warnings, as the import's summary table groups them.
const (
	KindNotUnderstood   = "value not understood"
	KindPartly          = "value partly understood"
	KindGuessed         = "guessed"
	KindMissing         = "required field missing"
	KindQuestion        = "scorecard question not matched"
	KindOldScorecard    = "old scorecard kept as text"
	KindTotal           = "scorecard total differs"
	KindInverted        = "scorecard answer inverted"
	KindRedirect        = "redirect page"
	KindDuplicateMarkup = "duplicate template"
)

// Convert reads one page into a Report. It never fails: what it cannot
// read is in the Report's Unmapped values and Warnings, and a Report
// without an id or a start names that in a warning of kind KindMissing
// (the writer then makes it a draft that lists its problems).
func Convert(p mediawiki.Page, opt Options) *importer.Report {
	c := newConverter(p, opt)
	c.run()
	return c.r
}

// converter holds the state of one page's conversion.
type converter struct {
	page mediawiki.Page
	opt  Options
	site *siteconfig.Site
	src  string
	r    *importer.Report
	// day is the date the title gives, for times without a date; zero
	// when the title gives none.
	day time.Time
	// edits are the changes to src before it becomes the body: the
	// metadata template, the status template, the scorecard table and the
	// action items the front matter holds are removed.
	edits []edit
	// emptied are sections whose only content the conversion moved to
	// the front matter: their heading goes too, when nothing else is left.
	emptied []section
	// windows is a sentence about several incident windows, for the body.
	windows string
	// rawImpact is the impact as the page wrote it, for guessing services
	// from what a reader sees of it (not from the ids of linked reports,
	// which the converted impact names).
	rawImpact string
}

func newConverter(p mediawiki.Page, opt Options) *converter {
	site := opt.Site
	if site == nil {
		site = siteconfig.Default()
	}
	src := strings.ReplaceAll(p.Text, "\r\n", "\n")
	sum := sha256.Sum256([]byte(p.Text))
	return &converter{
		page: p, opt: opt, site: site, src: src,
		r: &importer.Report{
			ImportedFrom: importedFrom(p),
			SourceHash:   hex.EncodeToString(sum[:]),
			Status:       statusFinal,
		},
	}
}

// importedFrom names the page as the report's imported_from key records
// it: the title and revision, or the file it was read from.
func importedFrom(p mediawiki.Page) string {
	switch {
	case p.RevisionID > 0:
		return fmt.Sprintf("wiki: %s @ %d", p.Title, p.RevisionID)
	case p.Source != "":
		return p.Source
	}
	return "wiki: " + p.Title
}

func (c *converter) run() {
	c.identify()
	if c.page.Redirect != "" {
		c.warn("", KindRedirect, fmt.Sprintf("the page is a redirect to %q; import that page instead", c.page.Redirect))
	}
	secs := sections(c.src)
	c.readStatus()
	c.readMetadata(secs)
	c.readScorecard(secs)
	c.readActionables(secs)
	c.readRelated()
	c.guessServices(secs)
	c.convertBody(secs)
	c.checkRequired()
}

// warn adds a warning.
func (c *converter) warn(field, kind, msg string) {
	c.r.Warnings = append(c.r.Warnings, importer.Warning{Field: field, Kind: kind, Message: msg})
}

// keep records a source value as the page wrote it, for the "Imported
// metadata" list.
func (c *converter) keep(name, value string) {
	c.r.Unmapped = append(c.r.Unmapped, importer.Field{Name: name, Value: strings.TrimSpace(value)})
}

// notUnderstood keeps a value nothing could be read from, and warns.
func (c *converter) notUnderstood(field, value, what string) {
	c.keep(field, value)
	c.warn(field, KindNotUnderstood, fmt.Sprintf("%q is not %s; kept under Imported metadata", oneLine(value), what))
}

// partly keeps a value that was read only in part, and warns.
func (c *converter) partly(field, value, read string) {
	c.keep(field, value)
	c.warn(field, KindPartly, fmt.Sprintf("read %s from %q; the value as written is kept under Imported metadata", read, oneLine(value)))
}

// oneLine shortens a value for a warning message.
func oneLine(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	return truncateRunes(v, 80)
}

// identify sets the id and title from the page title.
func (c *converter) identify() {
	title := strings.Join(strings.Fields(strings.ReplaceAll(c.page.Title, "_", " ")), " ")
	if id, ok := IDFromTitle(title); ok {
		c.r.ID = id
		c.day, _ = time.Parse("2006-01-02", id[:10])
		c.r.Title = titleFromID(id)
		return
	}
	name := title
	if i := strings.LastIndexByte(title, '/'); i >= 0 && i+1 < len(title) {
		name = title[i+1:]
	}
	c.r.ID = truncateRunes(name, maxIDLen)
	c.r.Title = truncateRunes(name, maxTitleLen)
	if c.r.Title == "" {
		c.r.Title = "Untitled wiki page"
	}
	if c.r.ID == "" {
		c.warn("id", KindMissing, "the page has no title to make an id from")
		return
	}
	c.warn("id", KindNotUnderstood, fmt.Sprintf("the title %q names no date (\"Incidents/2025-03-31 name\"); the id is its last part", c.page.Title))
}

// maxTitleLen is the longest title the archive accepts (see package
// incident).
const maxTitleLen = 300

// titleFromID is the title a report gets: the name part of its id, as the
// wiki's list of incidents shows it ("sessionstore unavailability"). The
// name keeps its case, since it is often a service's name; a page with
// only a date in its title gets "Incident on 2025-03-31".
//
// The name is what a reader of the old wiki knows the report by; the
// first sentence of the summary would be longer and is usually not a
// title at all.
func titleFromID(id string) string {
	if name := strings.TrimSpace(id[10:]); name != "" {
		return truncateRunes(name, maxTitleLen)
	}
	return "Incident on " + id[:10]
}

// checkRequired warns about the fields every report needs.
func (c *converter) checkRequired() {
	if c.r.Start.IsZero() {
		c.warn("start", KindMissing, "no start time was found (the Incident scorecard template's start); the report needs one")
	}
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
