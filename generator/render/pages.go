package render

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// base is the data every page template receives.
type base struct {
	Site        *siteconfig.Site
	Title       string
	Description string
	Path        string // this page's URL path
	Feed        string // a feed for this page, if any
	Nav         []navItem
	Version     string
	// Assets, Header and Footer are the "assets", "header" and "footer"
	// layouts, executed once per build or per section.
	Assets, Header, Footer template.HTML
}

type navItem struct {
	Label, URL string
	Current    bool
}

type homePage struct {
	base
	Count           int
	YearSpan        string
	TotalDuration   time.Duration
	ServiceCount    int
	Latest          []*incident.Incident
	TopServices     []*archive.Term
	OpenActions     []openAction
	OpenActionCount int
	// OldestFirst says OpenActions are the oldest open items (with
	// tasks.json) rather than the most recent reports'.
	OldestFirst bool
	TasksSynced string  // the day of the sync that wrote tasks.json; "" when not known
	Month       summary // this month's trend summary
}

type openAction struct {
	Item     incident.Actionable
	Incident *incident.Incident
	// Since is when the item was opened: its task's creation time, or
	// the report's start (with tasks.json only).
	Since time.Time
}

// trackedOpenActions are the action items open as tasks.json tells it,
// oldest first, at most limit of them, and how many there are: an item
// with a task the file knows is open when the tracker says so, whatever
// the report says; an item without one (or with a task the file does not
// hold) when the report says so. An item's age runs from its task's
// creation, else from the report's start.
func (s *site) trackedOpenActions(limit int) ([]openAction, int) {
	var out []openAction
	for _, in := range s.arc.Incidents {
		for _, a := range in.Actionables {
			since := in.Start
			t := s.arc.Tasks.Find(a.Task)
			switch {
			case t != nil && t.State != tasks.Unknown:
				if t.State != tasks.Open {
					continue
				}
				if !t.Created.IsZero() {
					since = t.Created
				}
			case a.Status != "open":
				continue
			}
			out = append(out, openAction{Item: a, Incident: in, Since: since})
		}
	}
	slices.SortStableFunc(out, func(a, b openAction) int { return a.Since.Compare(b.Since) })
	return out[:min(limit, len(out))], len(out)
}

type listPage struct {
	base
	Heading string
	Year    int // 0 on the page of all years
	Years   []*archive.Year
	// YearCounts: the navigation shows each year's count (on the pages
	// of all reports; see yearCountsShown).
	YearCounts    bool
	Incidents     []*incident.Incident // this page's rows
	Total         int                  // reports in the whole list
	TotalDuration time.Duration        // of the whole list
	paging
	Newer, Older string // the URLs of the pages before and after (Prev and Next); "" at the ends
}

// paging places one page of a paged list: the lists of reports, the
// term pages, the taxonomy indexes and the lists of /repeats/.
type paging struct {
	// Page and Pages number this page of the list, from 1; First and Last
	// are the positions of its first and last item in the whole list.
	Page, Pages, First, Last int
	// PageLinks lead to the first and last pages and to those near this
	// one, with a gap (an entry without a URL) for the pages between, so
	// that the navigation stays short however long the list; empty when
	// the list has one page.
	PageLinks []pageLink
	// Prev and Next are the URLs of the pages before and after; "" at the
	// ends. PrevLabel and NextLabel name them: "Newer" and "Older" on
	// lists of reports, "Previous" and "Next" on others.
	Prev, Next           string
	PrevLabel, NextLabel string
}

// pageLink is one entry of a list's page navigation; one without a URL
// stands for the pages left out between two links.
type pageLink struct {
	Label, URL string
	Current    bool
}

// listPageSize is the number of rows, unless Options.ListPageSize says
// otherwise, on each page of a list of reports
// (/incidents/, the year pages and the term pages) and of terms (the
// taxonomy indexes). At 2,000 reports the list of all of them was one
// 1 MB table, 106,000 px tall; 200 rows is a page that loads at once and
// sorts without a pause, and still holds a year of most archives. The
// first page keeps the list's URL (/incidents/), the others follow at
// page/2/, page/3/ …, newest first, as readers of paged archives expect;
// incidents.json holds the whole list for anything that wants it in one
// piece.
const listPageSize = 200

// pageLinkSpan is how many pages either side of the current one the page
// navigation links, besides the first and the last.
const pageLinkSpan = 3

// listPath returns the URL path, under the site root, of page n (from 1)
// of the list whose first page is at dir ("incidents/", "years/2024/").
func listPath(dir string, n int) string {
	if n <= 1 {
		return dir
	}
	return dir + "page/" + strconv.Itoa(n) + "/"
}

// listPageCount is how many pages a list of n items takes, size a page:
// one at least, so that an empty archive still has its /incidents/ page.
func listPageCount(n, size int) int { return max(1, (n+size-1)/size) }

// pageSpan is the part of a list of total items that page n (from 1)
// shows, size a page: items [from, to).
func pageSpan(n, total, size int) (from, to int) {
	return min(total, (n-1)*size), min(total, n*size)
}

// paging places page n of pages of the list whose first page is at dir
// (under the site root), which holds total items, size a page.
func (s *site) paging(dir string, n, pages, total, size int) paging {
	from, to := pageSpan(n, total, size)
	p := paging{Page: n, Pages: pages, First: from + 1, Last: to, PrevLabel: "Previous", NextLabel: "Next"}
	if pages <= 1 {
		return p
	}
	link := func(i int) {
		p.PageLinks = append(p.PageLinks, pageLink{Label: strconv.Itoa(i), URL: s.root + listPath(dir, i), Current: i == n})
	}
	lo, hi := max(2, n-pageLinkSpan), min(pages-1, n+pageLinkSpan)
	link(1)
	if lo > 2 {
		p.PageLinks = append(p.PageLinks, pageLink{Label: "…"})
	}
	for i := lo; i <= hi; i++ {
		link(i)
	}
	if hi < pages-1 {
		p.PageLinks = append(p.PageLinks, pageLink{Label: "…"})
	}
	link(pages)
	if n > 1 {
		p.Prev = s.root + listPath(dir, n-1)
	}
	if n < pages {
		p.Next = s.root + listPath(dir, n+1)
	}
	return p
}

// pageTitle is the title of page n of pages of a list headed heading.
func pageTitle(heading string, n, pages int) string {
	if pages > 1 {
		return fmt.Sprintf("%s, page %d of %d", heading, n, pages)
	}
	return heading
}

// incidentPage carries a report and its values formatted for display, so
// that the template, executed ten thousand times in a large archive, prints
// fields instead of calling functions.
type incidentPage struct {
	base
	In                          *incident.Incident
	NotFinal, InReview, IsDraft bool
	Start, End, Detected        timeText
	Duration, TTD               string // "" when unknown
	Paged                       string // "3 (1 after hours)"; "" when not recorded
	RequestsFailed              string
	ResponderCount              int
	Responders, Coordinators    template.HTML // links to responder pages
	SLOs                        string
	TaskURL                     string
	TaskBadge                   template.HTML // the task's state from tasks.json, after its link; "" without
	Body                        template.HTML
	TOC                         []markdown.Heading
	TOCItems                    template.HTML // the <li> items of TOC and the sections after the body
	Taxa                        []taxonLinks
	Actions                     []actionRow   // the action items, for layouts with markup of their own
	ActionRows                  template.HTML // the same as <tr> rows with every column
	ActionTable                 template.HTML // the same as a table without empty columns, as the built-in layout shows it
	// ActionsInBody says the body's own list of follow-ups named the same
	// items and the table took its place there (see actionables.go), so
	// that the layout shows no second one.
	ActionsInBody bool
	Scorecard     []scoreGroup
	RubricSize    int
	Repeat        repeatData // possible repeats, recurrences and the chain
	Check         checkData  // the scorecard against the archive
	Related       []*incident.Incident
	RepeatOf      []*incident.Incident
	ReferencedBy  []*incident.Incident
	Older, Newer  *incident.Incident
}

// rowData is the data of the "incident-row" layout.
type rowData struct {
	In       *incident.Incident
	URL      string
	Start    timeText
	Date     string
	Services template.HTML
	Duration string // "" while ongoing
	Minutes  int64
}

func (s *site) newRow(in *incident.Incident) rowData {
	r := rowData{In: in, URL: s.incidentURL(in), Start: newTimeText(in.Start), Date: formatDate(in.Start), Services: s.joinTermLinks("services", in.Services)}
	if in.HasEnd() {
		r.Duration, r.Minutes = formatDuration(in.Duration), minutes(in.Duration)
	}
	return r
}

// timeText is a time for a <time> element; both are "" when unknown.
type timeText struct{ ISO, Text string }

func newTimeText(t time.Time) timeText {
	return timeText{ISO: formatISO(t), Text: formatDateTime(t)}
}

// taxonLinks is one taxonomy's terms on a report, as links.
type taxonLinks struct {
	Title string
	Links template.HTML
}

type actionRow struct {
	Title, Owner, Task, TaskURL, Status string
	// From tasks.json, when it knows the task: the badge of its state,
	// where the tracker contradicts Status ("the tracker says resolved on
	// 2024-05-03"), and its dates and age ("opened 2024-04-01, open for
	// 12 days"); empty otherwise.
	TaskBadge template.HTML
	Disagrees string
	Dates     string
}

// taxonomyPage is one page of a taxonomy's index (/services/), most
// incidents first.
type taxonomyPage struct {
	base
	Tax   *archive.Taxonomy
	Guide *archive.Page
	Terms []*archive.Term // this page's rows; Tax.Terms holds them all
	paging
}

// termPage is one page of a term's reports (/services/x/, then
// /services/x/page/2/ …). Term, Trend and the figures the layout shows
// from them describe every report of the term, on every page; the
// built-in layout shows them on the first.
type termPage struct {
	base
	Tax       *archive.Taxonomy
	Term      *archive.Term
	Guide     *archive.Page
	GuideURL  string
	Service   *siteconfig.Service
	Trend     *termTrend           // services and causes only
	Incidents []*incident.Incident // this page's rows, newest first
	URL       string               // the term's first page
	paging
}

// searchPage is the /search/ page; API is the server's search API, or ""
// for a page that searches the static index in the browser.
type searchPage struct {
	base
	API string
}

type freePage struct {
	base
	Page      *archive.Page
	Body      template.HTML
	TOC       []markdown.Heading
	Describes *archive.Taxonomy
}

// URLs. Every link inside the site goes through these. A slug may hold
// letters of any script ("2026-03-01-障害"); its folder is named in UTF-8
// and its URL percent-encodes it, as browsers send it and show it decoded.
// Letters, digits and hyphens are all a slug holds, so an ASCII slug's URL
// is the slug itself.

func (s *site) incidentURL(in *incident.Incident) string { return s.root + in.URLPath() }

func (s *site) termURL(kind, name string) string {
	if t := s.arc.Taxonomy(kind); t != nil {
		if term, ok := t.Term(name); ok {
			return s.termPath(kind, term)
		}
	}
	return s.root + kind + "/"
}

// termName is the name the term of name is shown by (see archive.Term).
func (s *site) termName(kind, name string) string {
	if t := s.arc.Taxonomy(kind); t != nil {
		return t.TermName(name)
	}
	return name
}

func (s *site) termPath(kind string, term *archive.Term) string {
	return s.root + kind + "/" + url.PathEscape(term.Slug) + "/"
}

func (s *site) yearURL(y int) string { return s.root + "years/" + strconv.Itoa(y) + "/" }

func (s *site) pageURL(p *archive.Page) string { return s.root + url.PathEscape(p.Slug) + "/" }

// escapePath percent-encodes each segment of a file's path under the
// output folder, for the sitemap.
func escapePath(rel string) string {
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.Join(segs, "/")
}

// taskURL links a task id through site.yaml's task_url; "" when there is
// no task_url or the value is not a task id.
func (s *site) taskURL(task string) string { return incident.TaskLink(s.arc.Site, task) }

// taskBadge is the state of task as tasks.json has it, as a badge to
// follow its link: ` <span class="task-state resolved">resolved
// 2024-05-03</span>`; "" without tasks.json or when it does not hold
// the task.
func (s *site) taskBadge(task string) template.HTML {
	return badge(s.arc.Tasks.Find(task))
}

// badge is taskBadge of task t; "" for nil.
func badge(t *tasks.Task) template.HTML {
	if t == nil {
		return ""
	}
	label, class := t.Label()
	return template.HTML(` <span class="task-state ` + template.HTMLEscapeString(class) + `">` + template.HTMLEscapeString(label) + `</span>`)
}

// actionRow is action item a as the report's table shows it.
func (s *site) actionRow(a incident.Actionable) actionRow {
	r := actionRow{Title: a.Title, Owner: a.Owner, Task: a.Task, TaskURL: s.taskURL(a.Task), Status: a.Status}
	if t := s.arc.Tasks.Find(a.Task); t != nil {
		r.TaskBadge = badge(t)
		r.Disagrees = tasks.Disagreement(a.Status, *t)
		r.Dates = t.Dates(s.day)
	}
	return r
}

// absolute turns a root-relative URL into one under the base URL, for
// feeds and the sitemap.
func (s *site) absolute(p string) string {
	return strings.TrimSuffix(s.absBase, "/") + strings.TrimPrefix(p, strings.TrimSuffix(s.root, "/"))
}

func (s *site) funcs() template.FuncMap {
	return template.FuncMap{
		"root":        func() string { return s.root },
		"asset":       func(name string) string { return s.root + "static/" + name },
		"incidentURL": s.incidentURL,
		"termURL":     s.termURL,
		"taxonomyURL": func(kind string) string { return s.root + kind + "/" },
		"yearURL":     s.yearURL,
		"pageURL":     s.pageURL,
		"taskURL":     s.taskURL,
		"taskBadge":   s.taskBadge,
		"date":        formatDate,
		"datetime":    formatDateTime,
		"iso":         formatISO,
		"duration":    formatDuration,
		"minutes":     minutes,
		"thousands":   thousands,
		"join":        strings.Join,
		"lower":       strings.ToLower,
		"title":       title,
		"last":        func(ins []*incident.Incident) *incident.Incident { return ins[len(ins)-1] },
		"termLinks":   s.joinTermLinks,
		"row":         s.row,
		"count":       countNoun,
		"verb":        verb,
	}
}

func (s *site) base(title, p, section string) base {
	c, ok := s.chrome[section]
	if !ok {
		c = s.chrome[""] // a section without a menu entry: nothing is current
	}
	return base{Site: s.arc.Site, Title: title, Path: p, Version: s.opts.Version, Nav: c.nav, Assets: s.assets, Header: c.header, Footer: c.footer}
}

// chrome is the part of a page shared by a whole section.
type chrome struct {
	nav            []navItem
	header, footer template.HTML
}

// navItems is the navigation with the item for section (a URL) marked
// current; "" marks none.
func (s *site) navItems(section string) []navItem {
	items := []navItem{
		{Label: "Incidents", URL: s.root + "incidents/"},
		{Label: "Services", URL: s.root + "services/"},
		{Label: "Causes", URL: s.root + "causes/"},
		{Label: "Failure modes", URL: s.root + "failure-modes/"},
		{Label: "Repeats", URL: s.root + "repeats/"},
		{Label: "Trends", URL: s.root + "trends/"},
	}
	for _, pg := range s.arc.Pages {
		if pg.Describes != "" {
			continue // reached from its taxonomy's pages
		}
		items = append(items, navItem{Label: pg.Title, URL: s.pageURL(pg)})
	}
	for i := range items {
		items[i].Current = items[i].URL == section
	}
	return items
}

// fragment executes one named template of the layouts into HTML, for the
// parts of pages that are executed once and reused. Every page set holds
// base.html and partials.html, so any set will do.
func (s *site) fragment(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := s.tmpl["page"].ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("layout fragment %q: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}

// prepareChrome executes the header and footer once for each section, the
// head's links once, each term's link once and each scorecard line without
// a note once, for reuse on every page.
func (s *site) prepareChrome() error {
	var err error
	s.chrome = map[string]chrome{}
	sections := []string{""}
	for _, it := range s.navItems("") {
		sections = append(sections, it.URL)
	}
	for _, sec := range sections {
		b := base{Site: s.arc.Site, Version: s.opts.Version, Nav: s.navItems(sec)}
		c := chrome{nav: b.Nav}
		if c.header, err = s.fragment("header", b); err != nil {
			return err
		}
		if c.footer, err = s.fragment("footer", b); err != nil {
			return err
		}
		s.chrome[sec] = c
	}
	if s.assets, err = s.fragment("assets", base{Site: s.arc.Site, Version: s.opts.Version}); err != nil {
		return err
	}
	if err := s.prepareScoreRows(); err != nil {
		return err
	}
	s.termLinks = map[string]map[string]template.HTML{}
	for _, tax := range s.arc.Taxonomies {
		links := make(map[string]template.HTML, len(tax.Terms))
		for _, term := range tax.Terms {
			// A report's page links the term by the spelling it uses.
			for _, name := range term.Spellings {
				data := struct{ URL, Name string }{s.termPath(tax.Kind, term), name}
				if links[name], err = s.fragment("term-link", data); err != nil {
					return err
				}
			}
		}
		s.termLinks[tax.Kind] = links
	}
	return nil
}

// joinTermLinks returns the cached links of names, comma-separated.
func (s *site) joinTermLinks(kind string, names []string) template.HTML {
	links := s.termLinks[kind]
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		if l, ok := links[n]; ok {
			b.WriteString(string(l))
		} else {
			b.WriteString(template.HTMLEscapeString(n))
		}
	}
	return template.HTML(b.String())
}

// jobs lists every file of the site, and the folders they go in, parents
// before children.
func (s *site) jobs() ([]job, []string) {
	arc := s.arc
	var jobs []job
	dirs := []string{"incidents", "years", "search", "repeats", "trends"}
	// Incident pages first: each frees its body's HTML once written, so the
	// jobs that build large files in memory (the lists, incidents.json) run
	// when the heap is smallest.
	for _, in := range arc.Incidents {
		jobs = append(jobs, s.incidentJob(in))
		dirs = append(dirs, "incidents/"+in.Slug)
	}
	jobs = append(jobs, s.homeJob(), s.notFoundJob(), s.searchJob(), s.feedJob(), s.jsonJob())
	jobs = append(jobs, s.repeatsJobs()...)
	// The folders of a list's later pages (incidents/page/2/) are left to
	// the write of their page: dirs are made in parallel, one level below
	// a top folder at most.
	jobs = append(jobs, s.listJobs(nil)...)
	jobs = append(jobs, s.trendsJobs()...)
	for _, y := range arc.Years {
		jobs = append(jobs, s.listJobs(y)...)
		dirs = append(dirs, "years/"+strconv.Itoa(y.Year))
	}
	for _, t := range arc.Taxonomies {
		jobs = append(jobs, s.taxonomyJobs(t)...)
		dirs = append(dirs, t.Kind)
		for _, term := range t.Terms {
			jobs = append(jobs, s.termJobs(t, term)...)
			jobs = append(jobs, s.termFeedJob(t, term))
			dirs = append(dirs, t.Kind+"/"+term.Slug)
		}
	}
	for _, p := range arc.Pages {
		jobs = append(jobs, s.pageJob(p))
		dirs = append(dirs, p.Slug)
	}
	return jobs, dirs
}

func (s *site) homeJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		arc := s.arc
		d := homePage{
			base:          s.base("", s.root, ""),
			Count:         len(arc.Incidents),
			TotalDuration: archive.TotalDuration(arc.Incidents),
			Month:         s.summary("This month", s.trends.ThisMonth()),
		}
		d.Description = plural.Count(len(arc.Incidents), "incident report")
		if n := len(arc.Years); n > 0 {
			d.YearSpan = strconv.Itoa(arc.Years[n-1].Year) + "–" + strconv.Itoa(arc.Years[0].Year)
			if n == 1 || arc.Years[0].Year == arc.Years[n-1].Year {
				d.YearSpan = strconv.Itoa(arc.Years[0].Year)
			}
		} else {
			d.YearSpan = "none"
		}
		d.Latest = arc.Incidents[:min(10, len(arc.Incidents))]
		if t := arc.Taxonomy("services"); t != nil {
			d.ServiceCount = len(t.Terms)
			d.TopServices = t.Terms[:min(10, len(t.Terms))]
		}
		if arc.Tasks != nil {
			d.OpenActions, d.OpenActionCount = s.trackedOpenActions(25)
			d.OldestFirst = true
			if !arc.Tasks.Synced.IsZero() {
				d.TasksSynced = arc.Tasks.Synced.UTC().Format("2006-01-02")
			}
		} else {
			for _, in := range arc.Incidents {
				for _, a := range in.OpenActionables() {
					d.OpenActionCount++
					if len(d.OpenActions) < 25 {
						d.OpenActions = append(d.OpenActions, openAction{Item: a, Incident: in})
					}
				}
			}
		}
		return "index.html", s.execute(buf, "home", d)
	}
}

// listJobs returns a job for each page of the list of all reports (y nil)
// or of one year's, listPageSize rows a page.
func (s *site) listJobs(y *archive.Year) []job {
	heading, dir, ins, year := "All incidents", "incidents/", s.arc.Incidents, 0
	if y != nil {
		heading, dir, ins, year = fmt.Sprintf("Incidents in %d", y.Year), "years/"+strconv.Itoa(y.Year)+"/", y.Incidents, y.Year
	}
	total := archive.TotalDuration(ins) // once, for every page
	pages := listPageCount(len(ins), s.pageSize)
	jobs := make([]job, pages)
	for i := range jobs {
		n := i + 1
		jobs[i] = func(buf *bytes.Buffer) (string, error) {
			rel := listPath(dir, n)
			d := listPage{
				base:    s.base(pageTitle(heading, n, pages), s.root+rel, s.root+"incidents/"),
				Heading: heading, Year: year, Years: s.arc.Years, YearCounts: yearCountsShown(year),
				Total: len(ins), TotalDuration: total,
				paging: s.paging(dir, n, pages, len(ins), s.pageSize),
			}
			d.Incidents = ins[d.First-1 : d.Last]
			d.Newer, d.Older = d.Prev, d.Next
			d.PrevLabel, d.NextLabel = "Newer", "Older"
			return rel + "index.html", s.execute(buf, "incidents", d)
		}
	}
	// A page shows its own rows, the list's count and total duration,
	// and the years; the pages of all reports, every year's count.
	for i := range jobs {
		from, to := pageSpan(i+1, len(ins), s.pageSize)
		jobs[i] = s.keyed(listPath(dir, i+1)+"index.html", "incidents.html", func(k *keyWriter) {
			k.int(i + 1)
			k.int(pages)
			k.int(len(ins))
			k.int(int(total))
			k.fieldsOf(ins[from:to])
			k.int(len(s.arc.Years))
			counts := yearCountsShown(year)
			for _, y := range s.arc.Years { // the navigation
				k.int(y.Year)
				if counts {
					k.int(len(y.Incidents))
				}
			}
		}, nil, jobs[i])
	}
	return jobs
}

// yearCountsShown tells whether the pages of a list of reports (all of
// them for year 0, else one year's) show each year's count in their
// navigation: those of all reports only. A report added then changes the
// pages of its own year and of the whole list (every one of which shows
// the list's count already), not every page of every year (some 500
// pages at 100,000 reports), whose own count is in its heading.
func yearCountsShown(year int) bool { return year == 0 }

// incidentPagePath is the file of in's page in the site.
func incidentPagePath(in *incident.Incident) string { return "incidents/" + in.Slug + "/index.html" }

func (s *site) incidentJob(in *incident.Incident) job {
	rel := incidentPagePath(in)
	key := func() (PageKey, bool) { return s.incidentPageKey(in, rel) }
	return s.keyedBy(rel, "incident.html", key, func() { s.facts.DropHTML(in) }, func(buf *bytes.Buffer) (string, error) {
		arc := s.arc
		html, toc, err := s.facts.BodyPage(in)
		if err != nil {
			return "", err
		}
		d := incidentPage{
			base:           s.base(in.Title, s.incidentURL(in), s.root+"incidents/"),
			In:             in,
			NotFinal:       in.Status != incident.Final,
			InReview:       in.Status == incident.Review,
			IsDraft:        in.Status == incident.Draft,
			Start:          newTimeText(in.Start),
			End:            newTimeText(in.End),
			Detected:       newTimeText(in.Detected),
			ResponderCount: len(in.Responders),
			Responders:     s.joinTermLinks("responders", in.Responders),
			Coordinators:   s.joinTermLinks("responders", in.Coordinators),
			SLOs:           strings.Join(in.SLOs, ", "),
			Body:           template.HTML(html),
			TOC:            toc,
			RubricSize:     len(arc.Site.Scorecard),
		}
		d.Description = in.Impact
		if in.HasEnd() {
			d.Duration = formatDuration(in.Duration)
		}
		if !in.Detected.IsZero() {
			d.TTD = formatDuration(in.TTD)
		}
		if in.Paged != nil {
			d.Paged = strconv.FormatInt(*in.Paged, 10)
			if in.PagedAfterHours != nil {
				d.Paged += fmt.Sprintf(" (%d after hours)", *in.PagedAfterHours)
			}
		}
		if in.RequestsFailed != nil {
			d.RequestsFailed = thousands(*in.RequestsFailed)
		}
		d.TaskURL = s.taskURL(in.Task)
		if in.Task != "" {
			d.TaskBadge = s.taskBadge(in.Task)
		}
		for _, t := range arc.Taxonomies {
			if t.Kind == "responders" {
				continue // in the metadata table
			}
			if names := t.Values(in); len(names) > 0 {
				d.Taxa = append(d.Taxa, taxonLinks{Title: t.Title, Links: s.joinTermLinks(t.Kind, names)})
			}
		}
		if len(in.Actionables) > 0 {
			rows := make([]actionRow, len(in.Actionables))
			for i, a := range in.Actionables {
				rows[i] = s.actionRow(a)
			}
			d.Actions, d.ActionRows, d.ActionTable = rows, actionRows(rows), actionTable(rows)
			var merged []byte
			if merged, d.ActionsInBody = actionsInBody(html, toc, in.Actionables, []byte(d.ActionTable)); d.ActionsInBody {
				d.Body = template.HTML(merged)
			}
		}
		d.Repeat = s.repeatData(in)
		if len(toc) > 0 {
			d.TOCItems = tocItems(toc, len(in.Actionables) > 0 && !d.ActionsInBody, d.Repeat.Blocks != "", len(in.Scorecard) > 0)
		}
		if len(in.Scorecard) > 0 {
			d.Check = s.checkData(in)
			var err error
			if d.Scorecard, err = s.scorecard(in, d.Check.Checks); err != nil {
				return "", err
			}
		}
		// A report the repeat section shows, with its score and the
		// reasons (which name the link), is not listed again here.
		shown := d.Repeat.shown()
		d.Related = without(s.lookup(in.Related), shown)
		d.RepeatOf = without(s.lookup(in.RepeatOf), shown)
		i, ok := s.facts.Position(in)
		if ok {
			d.ReferencedBy = without(s.facts.ReferencedBy[i], shown)
			if i+1 < len(arc.Incidents) {
				d.Older = arc.Incidents[i+1]
			}
			if i > 0 {
				d.Newer = arc.Incidents[i-1]
			}
		}
		err = s.execute(buf, "incident", d)
		s.facts.DropHTML(in) // written; only this job reads it
		return rel, err
	})
}

// without returns list without the reports in drop.
func without(list []*incident.Incident, drop map[*incident.Incident]bool) []*incident.Incident {
	if len(drop) == 0 {
		return list
	}
	var out []*incident.Incident
	for _, in := range list {
		if !drop[in] {
			out = append(out, in)
		}
	}
	return out
}

// lookup returns the published reports among ids, in the given order.
func (s *site) lookup(ids []string) []*incident.Incident {
	var out []*incident.Incident
	for _, id := range ids {
		if in, ok := s.arc.Incident(id); ok {
			out = append(out, in)
		}
	}
	return out
}

// taxonomyJobs returns a job for each page of t's index, listPageSize
// terms a page, most incidents first as t.Terms holds them.
func (s *site) taxonomyJobs(t *archive.Taxonomy) []job {
	dir := t.Kind + "/"
	pages := listPageCount(len(t.Terms), s.pageSize)
	guide, _ := s.arc.PageDescribing(t.Kind)
	jobs := make([]job, pages)
	for i := range jobs {
		n := i + 1
		rel := listPath(dir, n)
		from, to := pageSpan(n, len(t.Terms), s.pageSize)
		// The page shows how many terms there are and, of its own, each
		// one's count, total duration and latest report's date (their
		// names, spellings and descriptions, and the guide, are every
		// page's inputs: keys.go).
		jobs[i] = s.keyed(rel+"index.html", "taxonomy.html", func(k *keyWriter) {
			k.int(n)
			k.int(len(t.Terms))
			for _, term := range t.Terms[from:to] {
				k.str(term.Slug)
				k.int(len(term.Incidents))
				k.int(int(term.TotalDuration))
				if len(term.Incidents) > 0 {
					latest := term.Incidents[0].Start
					k.str(formatISO(latest))
					k.str(formatDate(latest))
				}
			}
		}, nil, func(buf *bytes.Buffer) (string, error) {
			d := taxonomyPage{base: s.base(pageTitle(t.Title, n, pages), s.root+rel, s.root+dir), Tax: t, Guide: guide,
				paging: s.paging(dir, n, pages, len(t.Terms), s.pageSize)}
			d.Terms = t.Terms[d.First-1 : d.Last]
			return rel + "index.html", s.execute(buf, "taxonomy", d)
		})
	}
	return jobs
}

// termJobs returns a job for each page of term's reports, listPageSize a
// page, newest first.
func (s *site) termJobs(t *archive.Taxonomy, term *archive.Term) []job {
	dir := t.Kind + "/" + url.PathEscape(term.Slug) + "/"
	file := t.Kind + "/" + term.Slug + "/"
	pages := listPageCount(len(term.Incidents), s.pageSize)
	// What describes the whole term is the same on every page: found once,
	// by the first of its pages to be rendered.
	whole := sync.OnceValue(func() termPage {
		d := termPage{Tax: t, Term: term, Trend: s.termTrend(t, term), URL: s.root + dir}
		d.Description = fmt.Sprintf("%s with %s %s", plural.Count(len(term.Incidents), "incident"), t.Singular, term.Name)
		d.Feed = s.root + dir + "feed.xml"
		if g, ok := s.arc.PageDescribing(t.Kind); ok {
			d.Guide, d.GuideURL = g, s.pageURL(g)
			if b, ok := s.facts.PageBody(g); ok && b.Anchors[term.Slug] {
				d.GuideURL += "#" + term.Slug
			}
		}
		if t.Kind == "services" {
			if svc, ok := s.arc.Site.Service(term.Name); ok {
				d.Service = &svc
			}
		}
		return d
	})
	jobs := make([]job, pages)
	for i := range jobs {
		n := i + 1
		jobs[i] = func(buf *bytes.Buffer) (string, error) {
			d := whole()
			// The built-in layout shows the trend on the first page; a
			// site's own may show it on any. keying is false when the site
			// replaces term.html, base.html or partials.html (and without
			// a cache, where drawing every page costs only the drawing).
			if n == 1 || !s.keying("term.html") {
				d.Trend = d.Trend.drawn()
			}
			b := s.base(pageTitle(term.Name, n, pages), s.root+listPath(dir, n), s.root+t.Kind+"/")
			b.Description, b.Feed = d.Description, d.Feed
			d.base = b
			d.paging = s.paging(dir, n, pages, len(term.Incidents), s.pageSize)
			d.PrevLabel, d.NextLabel = "Newer", "Older"
			d.Incidents = term.Incidents[d.First-1 : d.Last]
			return listPath(file, n) + "index.html", s.execute(buf, "term", d)
		}
		// Every page shows its rows and the term's count; the first, the
		// term's figures (the spellings, guide and service are every
		// page's inputs: keys.go).
		jobs[i] = s.keyed(listPath(file, n)+"index.html", "term.html", func(k *keyWriter) {
			k.int(n)
			k.int(pages)
			k.int(len(term.Incidents))
			from, to := pageSpan(n, len(term.Incidents), s.pageSize)
			k.fieldsOf(term.Incidents[from:to])
			if n == 1 {
				k.int(int(term.TotalDuration))
				k.fields(term.Incidents[len(term.Incidents)-1])
				if tr := whole().Trend; tr != nil {
					// What the sparkline is drawn from.
					k.str(tr.spark.Title)
					k.str(tr.spark.Desc)
					k.int(len(tr.spark.Values))
					for _, v := range tr.spark.Values {
						k.float(v)
					}
					k.str(tr.First + " " + tr.Last + " " + tr.MedianTTR)
					k.int(tr.Reports)
					k.int(tr.TTRReports)
				}
			}
		}, nil, jobs[i])
	}
	return jobs
}

func (s *site) pageJob(p *archive.Page) job {
	return func(buf *bytes.Buffer) (string, error) {
		body, ok := s.facts.PageBody(p)
		if !ok {
			return "", fmt.Errorf("page %s is not in the archive the facts were computed for", p.Slug)
		}
		d := freePage{base: s.base(p.Title, s.pageURL(p), s.pageURL(p)), Page: p, Body: template.HTML(body.HTML), TOC: body.TOC}
		if p.Describes != "" {
			d.Describes = s.arc.Taxonomy(p.Describes)
		}
		return p.Slug + "/index.html", s.execute(buf, "page", d)
	}
}

func (s *site) notFoundJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		return "404.html", s.execute(buf, "404", s.base("Not found", s.root+"404.html", ""))
	}
}

func (s *site) searchJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		d := searchPage{base: s.base("Search", s.root+"search/", ""), API: s.opts.SearchAPI}
		d.Description = "Search the incident reports"
		return "search/index.html", s.execute(buf, "search", d)
	}
}
