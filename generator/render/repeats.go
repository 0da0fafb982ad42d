package render

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// What repeat detection found is shown in three places: on each incident
// page (its possible repeats, similar earlier reports, the later reports
// that repeat it and its recurrence chain), on /repeats/ (every chain and
// the repeat rates) and beside the scorecard (the answers the archive can
// compute). Package analysis computes; this file only formats. The lists
// grow with the archive, so, as in html.go, they are written in Go and
// placed by the layouts with {{.Repeat.Blocks}}, {{.ChainList}} and the
// Rows of {{.Services}} and {{.Causes}}; the data behind them is on the page too, for
// layouts with markup of their own.

// repeatLine is one earlier or later report in a repeat block.
type repeatLine struct {
	In        *incident.Incident
	URL       string
	Candidate repeats.Candidate
	Score     string // "0.87"
	Reasons   string // "shared services: ores; causes: ...; matching terms: ..."
}

func (s *site) repeatLine(in *incident.Incident, c repeats.Candidate) repeatLine {
	return repeatLine{In: in, URL: s.incidentURL(in), Candidate: c, Score: scoreText(c.Score), Reasons: reasonText(c.Why)}
}

func (s *site) repeatLines(cs []repeats.Candidate) []repeatLine {
	out := make([]repeatLine, 0, len(cs))
	for _, c := range cs {
		if in, ok := s.rep.Incident(c.ID); ok {
			out = append(out, s.repeatLine(in, c))
		}
	}
	return out
}

// reasonText says in words what two reports share.
func reasonText(w repeats.Reasons) string {
	parts := w.Links()
	if len(w.Services) > 0 {
		p := "shared services: " + strings.Join(w.Services, ", ")
		if w.SamePrimary {
			p += " (the same one failed)"
		}
		if names := w.ServiceNames(); len(names) > 0 {
			p += "; the service named in the text by " + strings.Join(names, "; ")
		}
		parts = append(parts, p)
	}
	if len(w.Causes) > 0 {
		parts = append(parts, "causes: "+strings.Join(w.Causes, ", "))
	}
	if w.Trigger != "" {
		parts = append(parts, "trigger: "+w.Trigger)
	}
	if w.FailureMode != "" {
		parts = append(parts, "failure mode: "+w.FailureMode)
	}
	if len(w.Terms) > 0 {
		parts = append(parts, "matching terms: "+strings.Join(w.Terms, ", "))
	}
	return strings.Join(parts, "; ")
}

// repeatData is the repeat part of an incident page.
type repeatData struct {
	PossibleRepeats []repeatLine // likely repeats, best first
	SimilarEarlier  []repeatLine // similar but not likely repeats, best first
	CalledUnrelated []repeatLine // earlier reports the text calls unrelated
	RecurredLater   []repeatLine // later reports that likely repeat this one, oldest first
	Chain           *analysis.Chain
	ChainEarlier    []analysis.Earlier // the chain's reports before this one, with their action items
	// ChainURL is the list of all chains, /repeats/. The page of the list
	// that holds a chain moves as chains are added: the report links to
	// the list's first page.
	ChainURL string
	// ChainPage is the first of the chain's own pages when the chain is
	// too long to list whole here (more than chainHead+chainTail reports),
	// and "" otherwise: the page then lists the chain's oldest and newest
	// reports and the chainAround either side of this one.
	ChainPage string
	Blocks    template.HTML // all of the above, as the built-in layout shows them
}

func (s *site) repeatData(in *incident.Incident) repeatData {
	var d repeatData
	d.PossibleRepeats = s.repeatLines(s.rep.Likely(in))
	d.SimilarEarlier = s.repeatLines(s.rep.Similar(in))
	d.CalledUnrelated = s.repeatLines(s.rep.CalledUnrelated(in))
	for _, r := range s.rep.RecurredLater(in) {
		d.RecurredLater = append(d.RecurredLater, s.repeatLine(r.Incident, *r.Candidate))
	}
	if d.Chain = s.rep.ChainOf(in); d.Chain != nil {
		d.ChainEarlier = s.rep.EarlierInChain(in)
		d.ChainURL = s.root + "repeats/"
		if longChain(d.Chain) {
			d.ChainPage = s.root + chainDir(d.Chain)
		}
	}
	if len(d.PossibleRepeats)+len(d.SimilarEarlier)+len(d.CalledUnrelated)+len(d.RecurredLater) > 0 || d.Chain != nil {
		d.Blocks = s.repeatBlocks(in, &d)
	}
	return d
}

// shown returns the reports the repeat section lists as possible repeats,
// similar earlier reports or later recurrences.
func (d *repeatData) shown() map[*incident.Incident]bool {
	out := map[*incident.Incident]bool{}
	for _, list := range [][]repeatLine{d.PossibleRepeats, d.SimilarEarlier, d.RecurredLater} {
		for _, l := range list {
			out[l.In] = true
		}
	}
	return out
}

// repeatBlocks writes the inside of an incident page's repeat section.
func (s *site) repeatBlocks(in *incident.Incident, d *repeatData) template.HTML {
	var b htmlBuilder
	b.Grow(512 * (1 + len(d.PossibleRepeats) + len(d.SimilarEarlier) + len(d.CalledUnrelated) + len(d.RecurredLater)))
	earlier := map[*incident.Incident]analysis.Earlier{}
	for _, e := range d.ChainEarlier {
		earlier[e.Incident] = e
	}
	// A chain whose other reports are all listed above says nothing new
	// but their action items' states: those go with their lines, and the
	// chain is not listed a second time.
	shown := d.shown()
	// A long chain is shown around this report (chainAround), and its
	// page's key holds only that part: whether every member is listed
	// above must not decide what the page shows.
	fold := d.Chain != nil && !longChain(d.Chain)
	if fold {
		for _, c := range d.Chain.Incidents {
			if c != in && !shown[c] {
				fold = false
			}
		}
	}
	list := func(heading, class string, lines []repeatLine) {
		if len(lines) == 0 {
			return
		}
		b.raw("<h3>" + heading + "</h3>\n<ul class=\"repeat-list " + class + "\">\n")
		for _, l := range lines {
			b.raw("<li>")
			datedLink(&b, l.In, l.URL)
			// Candidate.Explain's arithmetic is left to `incidents repeats`:
			// as a tooltip it weighed a kilobyte on every page.
			b.raw(` <span class="score">score `)
			b.text(l.Score)
			b.raw(`</span>`)
			if l.Reasons != "" {
				b.raw(`<br><span class="reasons">`)
				b.text(l.Reasons)
				b.raw(`</span>`)
			}
			if e, ok := earlier[l.In]; ok && fold {
				s.itemStates(&b, e)
			}
			b.raw("</li>\n")
		}
		b.raw("</ul>\n")
	}
	list("Possible repeat of", "likely", d.PossibleRepeats)
	list("Similar earlier incidents", "similar", d.SimilarEarlier)
	list("Similar, but called unrelated", "unrelated", d.CalledUnrelated)
	list("Recurred later as", "later", d.RecurredLater)
	if d.Chain != nil && !fold {
		s.chainAround(&b, in, d, earlier)
	}
	b.raw(`<p class="more"><a href="`)
	b.text(s.root + "repeats/")
	b.raw(`">All recurrence chains and repeat rates</a></p>` + "\n")
	return b.html()
}

// chainAround writes the recurrence chain of in on in's page: the whole
// chain, or of a long one (d.ChainPage set) the oldest and newest reports
// and the chainAround either side of in, numbered as in the whole chain,
// so that a problem that came back thousands of times does not make every
// one of its reports' pages a megabyte. earlier holds the action items of
// the chain's reports before in.
func (s *site) chainAround(b *htmlBuilder, in *incident.Incident, d *repeatData, earlier map[*incident.Incident]analysis.Earlier) {
	members := d.Chain.Incidents
	lo, hi := chainWindow(d.Chain, in) // the members listed besides the first and last
	b.raw("<h3>Recurrence chain</h3>\n")
	if d.ChainPage != "" {
		b.raw(`<p class="muted">`)
		b.text(plural.Count(len(members), "report") + "; listed here the oldest, the newest and the " + strconv.Itoa(chainAround) + " either side of this one. ")
		b.raw(`<a href="`)
		b.text(d.ChainPage)
		b.raw(`">The whole chain</a></p>` + "\n")
	}
	b.raw("<ol class=\"chain\">\n")
	item := func(i int, renumber bool) {
		c := members[i]
		b.raw("<li")
		if c == in {
			b.raw(` aria-current="true"`)
		}
		if renumber {
			b.raw(` value="` + strconv.Itoa(i+1) + `"`)
		}
		b.raw(">")
		if c == in {
			b.raw(`<time datetime="`)
			b.text(formatISO(c.Start))
			b.raw(`">`)
			b.text(formatDate(c.Start))
			b.raw(`</time> <strong>this report</strong></li>` + "\n")
			return
		}
		datedLink(b, c, s.incidentURL(c))
		if e, ok := earlier[c]; ok {
			s.itemStates(b, e)
		}
		b.raw("</li>\n")
	}
	gap := func(n int) {
		b.raw(`<li class="gap">`)
		b.text(plural.Count(n, "more report"))
		b.raw("</li>\n")
	}
	if lo > 0 {
		item(0, false)
		if lo > 1 {
			gap(lo - 1)
		}
	}
	for i := lo; i < hi; i++ {
		item(i, i == lo && lo > 0)
	}
	if last := len(members) - 1; hi <= last {
		if hi < last {
			gap(last - hi)
		}
		item(last, true)
	}
	b.raw("</ol>\n")
}

// itemStates writes what is known of an earlier report's action items when
// a later one recurred. Where the tracker's record of an item's task is
// known, its dates say whether it was open then; otherwise an item open
// now was open then, and when a closed item was closed is not recorded.
func (s *site) itemStates(b *htmlBuilder, e analysis.Earlier) {
	if len(e.Open)+len(e.Closed) == 0 {
		b.raw(` <span class="muted">· no action items</span>`)
		return
	}
	b.raw("\n<ul class=\"item-states\">\n")
	for _, a := range e.Open {
		b.raw(`<li class="item-open">`)
		s.itemName(b, a.Actionable)
		b.raw(" was still open when this recurred")
		// The task's badge says whether and when it was closed since.
		if t := a.Tracked; t != nil && !t.Created.IsZero() {
			b.text(" (opened " + taskDay(t.Created) + ")")
		}
		b.raw("</li>\n")
	}
	for _, a := range e.Closed {
		b.raw(`<li class="item-closed">`)
		s.itemName(b, a.Actionable)
		switch t := a.Tracked; {
		case t == nil:
			b.raw(" is ")
			b.text(a.Status)
			b.raw(` <span class="muted">(when is not recorded)</span>`)
		case t.IsClosed() && (t.Created.IsZero() || t.Created.Before(e.Later)):
			b.text(" was " + closedWord(*t) + " before this recurred")
		default: // opened when this recurred, or after
			b.text(" was opened " + taskDay(t.Created) + ", after this recurred")
		}
		b.raw("</li>\n")
	}
	b.raw("</ul>")
}

// closedWord is how a closed task's chain entry says it was closed.
func closedWord(t tasks.Task) string {
	if t.State == tasks.Declined {
		return "declined"
	}
	return "closed"
}

// taskDay is a task's date as the chain shows it, a UTC day.
func taskDay(t time.Time) string { return t.UTC().Format("2006-01-02") }

func (s *site) itemName(b *htmlBuilder, a incident.Actionable) {
	if u := s.taskURL(a.Task); u != "" {
		b.raw(`<a class="task" href="`)
		b.text(u)
		b.raw(`">`)
		b.text(a.Task)
		b.raw("</a>")
		b.raw(string(s.taskBadge(a.Task)))
		return
	}
	b.text(analysis.ItemName(a))
}

// Scorecard checks.

// checkData is the scorecard's comparison with the archive on an incident
// page.
type checkData struct {
	Checks        []analysis.Check
	Disagreements int
	// Summary says how many answers disagree, and how; "" when none do.
	// Note says what the computed answers are and links to the rules on
	// /repeats/.
	Summary, Note template.HTML
}

func (s *site) checkData(in *incident.Incident) checkData {
	d := checkData{Checks: s.rep.Checks(in, s.rubricKeys)}
	if len(d.Checks) == 0 {
		return d
	}
	d.Note = s.checkNote
	d.Disagreements = analysis.Disagreements(d.Checks)
	if d.Disagreements == 0 {
		return d
	}
	var b htmlBuilder
	b.raw(`<div class="notice disagreements"><p><strong>`)
	b.text(plural.Count(d.Disagreements, "answer"))
	if d.Disagreements == 1 {
		b.raw(" disagrees")
	} else {
		b.raw(" disagree")
	}
	b.raw(" with what the archive shows.</strong></p>\n<ul>\n")
	for _, c := range d.Checks {
		if !c.Disagrees {
			continue
		}
		b.raw("<li>")
		b.text(s.questions[c.Key])
		b.raw(" The report says <strong>")
		b.text(c.Reported)
		b.raw("</strong>; the archive shows <strong>")
		b.text(c.Computed)
		b.raw("</strong>: ")
		b.text(c.Detail)
		b.raw(".</li>\n")
	}
	b.raw("</ul></div>\n")
	d.Summary = b.html()
	return d
}

// prepareChecks writes, once per build, the rules of the archive's answers
// to the questions of the rubric that it can compute, for /repeats/, and
// the note that links there from incident pages. The rules are not
// repeated on every incident page: each computed answer carries its rule
// in a tooltip, and disagreeing lines show it.
func (s *site) prepareChecks() {
	s.rubricKeys = s.arc.Site.ScorecardKeys()
	s.questions = make(map[string]string, len(s.arc.Site.Scorecard))
	for _, q := range s.arc.Site.Scorecard {
		s.questions[q.Key] = q.Question
	}
	var b htmlBuilder
	for _, q := range s.arc.Site.Scorecard {
		yes, no := s.checkCfg.Rule(q.Key, incident.Yes), s.checkCfg.Rule(q.Key, incident.No)
		if yes == "" && no == "" {
			continue
		}
		if b.Len() == 0 {
			b.raw("<dl class=\"score-rules\">\n")
		}
		b.raw("<dt>")
		b.text(q.Question)
		b.raw("</dt>\n")
		for _, r := range []struct{ answer, rule string }{{incident.Yes, yes}, {incident.No, no}} {
			if r.rule == "" {
				continue
			}
			b.raw("<dd><strong>" + r.answer + "</strong>: ")
			b.text(r.rule)
			b.raw("</dd>\n")
		}
		if q.Key == analysis.TaskQueueClear {
			b.raw("<dd>Otherwise blank: action items carry no dates, so the archive cannot tell that the queue was clear.</dd>\n")
		}
	}
	if b.Len() == 0 {
		return // the rubric has no question the archive can answer
	}
	b.raw("</dl>\n")
	s.scoreRules = b.html()
	s.checkNote = template.HTML(`<p class="score-note muted">The <em>Archive shows</em> column is computed from the reports, not written by their authors (point at an answer for its rule); a yes or no of the report's that differs is flagged. <a href="` +
		template.HTMLEscapeString(s.root) + `repeats/#scorecard-checks">How the archive computes its answers</a>.</p>` + "\n")
}

// The /repeats/ page.

type repeatsPage struct {
	base
	Detected        bool // whether repeat detection ran
	Likely, Similar string
	// ScoreMeaning says where the figures of Calibration come from, or
	// why they do not apply; Calibration is what the classes were worth
	// on the benchmark archives (repeats.Calibrated), a row per style.
	ScoreMeaning string
	Calibration  []calibrationRow
	Reports      int               // reports in the archive
	WithRepeats  int               // of those, reports with a likely repeat
	Chains       []*analysis.Chain // every chain
	// PageChains are the chains on this page, chainPageSize a page, and
	// ChainList the same as the built-in layout shows them; paging places
	// the page among the pages of chains (/repeats/, /repeats/page/2/ …).
	PageChains []*analysis.Chain
	ChainList  template.HTML
	paging
	// Services and Causes are the highest repeat rates, on the first page
	// only.
	Services rateTable
	Causes   rateTable
	// ScoreRules explains the answers the archive computes for the
	// scorecard questions it can answer; "" when the rubric has none.
	ScoreRules template.HTML
}

// rateTable holds repeat rates of the terms of one taxonomy that have at
// least one likely repeat, highest first: /repeats/ shows the first
// rateRows of them, and, when there are more, the table's own pages
// (/repeats/services/ …) every one, listPageSize a page.
type rateTable struct {
	Label  string          // "Service"
	Rates  []analysis.Rate // the rows shown
	Rows   template.HTML   // Rates as table rows
	Total  int             // terms with a likely repeat, shown or not
	Others int             // terms without a likely repeat, never listed
	URL    string          // the first page of the whole table
}

// ratesPage is one page of a whole table of repeat rates
// (/repeats/services/, /repeats/services/page/2/ …), highest rate first.
type ratesPage struct {
	base
	Heading string // "Repeat rate by service"
	Kind    string // "services"
	Table   rateTable
	paging
}

// chainPageSize is how many recurrence chains each page of them shows;
// rateRows how many rows of each table of repeat rates /repeats/ shows.
// A chain takes about a kilobyte and a row a fifth of one, so /repeats/
// stays near 100 KB however large the archive; its chains are the longest
// and most recent, its rates the highest.
const (
	chainPageSize = 50
	rateRows      = 50
)

// rates are the repeat rates of one taxonomy's terms that have a likely
// repeat, highest first, and how many terms have none.
type rates struct {
	label, kind, heading string
	rates                []analysis.Rate
	others               int
}

func (s *site) rates(label, kind, heading string, values func(*incident.Incident) []string) rates {
	all := s.rep.Rates(values)
	r := rates{label: label, kind: kind, heading: heading, rates: withRepeats(all)}
	r.others = len(all) - len(r.rates)
	return r
}

// table is the part of r from position from to to, as a rateTable.
func (s *site) table(r rates, from, to int) rateTable {
	t := rateTable{Label: r.label, Rates: r.rates[from:to], Total: len(r.rates), Others: r.others, URL: s.root + "repeats/" + r.kind + "/"}
	t.Rows = s.rateRows(r.kind, t.Rates)
	return t
}

// repeatsJobs returns the jobs of the pages of chains (/repeats/ first,
// with the figures over the whole archive) and of the pages of the tables
// of repeat rates.
func (s *site) repeatsJobs() []job {
	// The rates are counted once, by the first job that needs them.
	tables := sync.OnceValue(func() [2]rates {
		return [2]rates{
			s.rates("Service", "services", "Repeat rate by service", analysis.Services),
			s.rates("Cause", "causes", "Repeat rate by cause", analysis.Causes),
		}
	})
	chains := s.rep.Chains()
	pages := listPageCount(len(chains), chainPageSize)
	var jobs []job
	for n := 1; n <= pages; n++ {
		jobs = append(jobs, s.repeatsJob(n, pages, chains, tables))
	}
	jobs = append(jobs, s.chainPagesJobs(chains)...)
	for k := range 2 {
		// How many pages a table takes is known once the rates are
		// counted: one job writes them all.
		jobs = append(jobs, func(buf *bytes.Buffer) (string, error) {
			return "", s.writeRatePages(buf, tables()[k])
		})
	}
	return jobs
}

// writeRatePages writes every page of the table of rates r, when
// /repeats/ cannot show all of it.
func (s *site) writeRatePages(buf *bytes.Buffer, r rates) error {
	if len(r.rates) <= rateRows {
		return nil // all on /repeats/
	}
	dir := "repeats/" + r.kind + "/"
	pages := listPageCount(len(r.rates), s.pageSize)
	for n := 1; n <= pages; n++ {
		d := ratesPage{base: s.base(pageTitle(r.heading, n, pages), s.root+listPath(dir, n), s.root+"repeats/"), Heading: r.heading, Kind: r.kind,
			paging: s.paging(dir, n, pages, len(r.rates), s.pageSize)}
		d.Description = "The share of each " + strings.ToLower(r.label) + "'s reports that are likely repeats of an earlier report"
		d.Table = s.table(r, d.First-1, d.Last)
		buf.Reset()
		if err := s.execute(buf, "rates", d); err != nil {
			return err
		}
		if err := s.write(listPath(dir, n)+"index.html", buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// repeatsJob returns the job of page n of pages of the chains: /repeats/
// itself, with the figures over the whole archive, for n = 1.
func (s *site) repeatsJob(n, pages int, chains []*analysis.Chain, tables func() [2]rates) job {
	return func(buf *bytes.Buffer) (string, error) {
		rel := listPath("repeats/", n)
		d := repeatsPage{base: s.base(pageTitle("Repeats", n, pages), s.root+rel, s.root+"repeats/"), Detected: s.facts.Repeats != nil,
			paging: s.paging("repeats/", n, pages, len(chains), chainPageSize)}
		d.Description = "Recurrence chains and repeat rates of the incident reports"
		d.Chains = chains
		d.PageChains = chains[d.First-1 : d.Last]
		d.ChainList = s.chainList(d.PageChains)
		if n == 1 {
			likely, similar := s.thresholds()
			d.Likely, d.Similar = strconv.FormatFloat(likely, 'f', -1, 64), strconv.FormatFloat(similar, 'f', -1, 64)
			d.ScoreMeaning, d.Calibration = scoreMeaning(repeats.Calibrated, s.facts.RepeatConfig)
			d.Reports = len(s.arc.Incidents)
			for _, in := range s.arc.Incidents {
				if s.rep.HasLikely(in) {
					d.WithRepeats++
				}
			}
			t := tables()
			d.Services = s.table(t[0], 0, min(rateRows, len(t[0].rates)))
			d.Causes = s.table(t[1], 0, min(rateRows, len(t[1].rates)))
			d.ScoreRules = s.scoreRules
		}
		return rel + "index.html", s.execute(buf, "repeats", d)
	}
}

// thresholds are repeat detection's, as facts.RepeatConfig sets them.
func (s *site) thresholds() (likely, similar float64) {
	return s.facts.RepeatConfig.Likely, s.facts.RepeatConfig.Similar
}

func withRepeats(rates []analysis.Rate) []analysis.Rate {
	var out []analysis.Rate
	for _, r := range rates {
		if r.Repeats > 0 {
			out = append(out, r)
		}
	}
	return out
}

// chainHead and chainTail are how many of a long chain's oldest and
// newest reports the pages of chains list: a chain is a connected group,
// and a problem that keeps coming back can join thousands of reports. A
// chain longer than the two has pages of its own (chainDir) that list it
// whole, and each of its reports' pages lists the chainAround reports
// either side of it.
const chainHead, chainTail, chainAround = 5, 20, 10

// chainWindow is the part of c, members [lo, hi), that the page of its
// report in lists besides the oldest and the newest: all of a chain that
// is not long, and the chainAround reports either side of in otherwise.
func chainWindow(c *analysis.Chain, in *incident.Incident) (lo, hi int) {
	if !longChain(c) {
		return 0, len(c.Incidents)
	}
	at := slices.Index(c.Incidents, in)
	return max(0, at-chainAround), min(len(c.Incidents), at+chainAround+1)
}

// longChain tells whether c is too long to list whole on /repeats/ and on
// its reports' pages, and has pages of its own.
func longChain(c *analysis.Chain) bool { return len(c.Incidents) > chainHead+chainTail }

// chainDir is the folder, under the site root, of the first of a long
// chain's own pages: named after its oldest report, like its anchor on
// /repeats/.
func chainDir(c *analysis.Chain) string { return "repeats/chains/" + c.ID + "/" }

// chainPage is one page of a long chain's own pages
// (/repeats/chains/ID/, then page/2/ …), oldest report first.
type chainPage struct {
	base
	Chain *analysis.Chain
	// Since and Until are when the chain's oldest and newest reports
	// started.
	Since, Until time.Time
	// List is this page's reports, .First to .Last of the chain, as the
	// built-in layout shows them: a numbered list that starts at .First.
	List template.HTML
	paging
}

// chainPagesJobs returns the jobs of the pages of each long chain.
func (s *site) chainPagesJobs(chains []*analysis.Chain) []job {
	var jobs []job
	for _, c := range chains {
		if !longChain(c) {
			continue
		}
		pages := listPageCount(len(c.Incidents), s.pageSize)
		for n := 1; n <= pages; n++ {
			jobs = append(jobs, s.chainPageJob(c, n, pages))
		}
	}
	return jobs
}

func (s *site) chainPageJob(c *analysis.Chain, n, pages int) job {
	return func(buf *bytes.Buffer) (string, error) {
		dir := chainDir(c)
		rel := listPath(dir, n)
		first, last := c.Incidents[0], c.Incidents[len(c.Incidents)-1]
		heading := "Recurrence chain from " + formatDate(first.Start)
		d := chainPage{base: s.base(pageTitle(heading, n, pages), s.root+rel, s.root+"repeats/"), Chain: c,
			Since: first.Start, Until: last.Start,
			paging: s.paging(dir, n, pages, len(c.Incidents), s.pageSize)}
		d.Description = "Every report of one recurrence chain, oldest first"
		var b htmlBuilder
		b.raw(`<ol class="chain" start="` + strconv.Itoa(d.First) + "\">\n")
		for _, in := range c.Incidents[d.First-1 : d.Last] {
			b.raw("<li>")
			s.chainItem(&b, in)
			b.raw("</li>\n")
		}
		b.raw("</ol>\n")
		d.List = b.html()
		return rel + "index.html", s.execute(buf, "chain", d)
	}
}

// chainList writes each chain as a section with its reports, oldest
// first; of a chain longer than chainHead+chainTail, the oldest chainHead
// and the newest chainTail.
func (s *site) chainList(chains []*analysis.Chain) template.HTML {
	var b htmlBuilder
	b.Grow(160 * 3 * len(chains))
	for _, c := range chains {
		first, last := c.Incidents[0], c.Incidents[len(c.Incidents)-1]
		b.raw(`<section class="chain-group" id="chain-`)
		b.text(c.ID)
		b.raw(`"><h3>`)
		b.text(strconv.Itoa(len(c.Incidents)))
		b.raw(` reports, <time datetime="`)
		b.text(formatISO(first.Start))
		b.raw(`">`)
		b.text(formatDate(first.Start))
		b.raw(`</time> to <time datetime="`)
		b.text(formatISO(last.Start))
		b.raw(`">`)
		b.text(formatDate(last.Start))
		b.raw("</time></h3>\n<ol class=\"chain\">\n")
		skip := max(0, len(c.Incidents)-chainHead-chainTail) // left out in the middle
		for i, in := range c.Incidents {
			switch {
			case skip > 0 && i == chainHead:
				b.raw(`<li class="gap">`)
				b.text(plural.Count(skip, "more report") + " in between: ")
				b.raw(`<a href="`)
				b.text(s.root + chainDir(c))
				b.raw(`">the whole chain</a></li>` + "\n")
				continue
			case skip > 0 && i > chainHead && i < chainHead+skip:
				continue
			case skip > 0 && i == chainHead+skip:
				b.raw(`<li value="` + strconv.Itoa(i+1) + `">`) // numbered as in the whole chain
			default:
				b.raw("<li>")
			}
			s.chainItem(&b, in)
			b.raw("</li>\n")
		}
		b.raw("</ol></section>\n")
	}
	return b.html()
}

// chainItem writes a report as the lists of chains show it: its date and
// title, its services and how many of its action items are open.
func (s *site) chainItem(b *htmlBuilder, in *incident.Incident) {
	datedLink(b, in, s.incidentURL(in))
	if len(in.Services) > 0 {
		b.raw(" · ")
		b.raw(string(s.joinTermLinks("services", in.Services)))
	}
	if open := len(in.OpenActionables()); open > 0 {
		b.raw(` <span class="warn">`)
		b.text(plural.Count(open, "open action item"))
		b.raw("</span>")
	}
}

// rateRows writes the rows of a repeat-rate table; term names link to
// their pages.
func (s *site) rateRows(kind string, rates []analysis.Rate) template.HTML {
	var b htmlBuilder
	b.Grow(200 * len(rates))
	for _, r := range rates {
		b.raw("<tr>\n  <td>")
		b.raw(string(s.joinTermLinks(kind, []string{r.Name})))
		b.raw("</td>\n  <td class=\"num\">")
		b.raw(strconv.Itoa(r.Reports))
		b.raw("</td>\n  <td class=\"num\">")
		b.raw(strconv.Itoa(r.Repeats))
		b.raw(`</td>` + "\n  " + `<td class="num" data-sort="`)
		b.raw(strconv.FormatFloat(r.Share(), 'f', 4, 64))
		b.raw(`">`)
		b.raw(fmt.Sprintf("%.0f%%", 100*r.Share()))
		b.raw("</td>\n</tr>\n")
	}
	return b.html()
}

// datedLink writes a report's start date and its title linked to url, as
// every list of reports on the repeat blocks and /repeats/ shows them.
func datedLink(b *htmlBuilder, in *incident.Incident, url string) {
	b.raw(`<time datetime="`)
	b.text(formatISO(in.Start))
	b.raw(`">`)
	b.text(formatDate(in.Start))
	b.raw(`</time> <a href="`)
	b.text(url)
	b.raw(`">`)
	b.text(in.Title)
	b.raw("</a>")
}

// calibrationRow is what the classes were worth on one style of
// benchmark archive, as shares out of 100.
type calibrationRow struct {
	Archive   string // "shaped like real ones (long, uneven reports, few tags)"
	Precision string // of 100 earlier reports called likely repeats, how many were
	Recall    string // of 100 true repeats, how many had one called likely
}

// scoreMeaning says what a class was worth on the benchmark archives,
// measured with cfg's weights and thresholds: a sentence saying where the
// figures come from, and a row per style. When cfg is not the one
// measured (site.yaml sets its own thresholds), it says that the figures
// do not apply, without rows.
func scoreMeaning(cal repeats.Calibration, cfg repeats.Config) (string, []calibrationRow) {
	if len(cal.Styles) == 0 {
		return "", nil
	}
	if !cal.Applies(cfg) {
		return "This archive sets its own thresholds in site.yaml; the figures measured on the benchmark archives hold for the default ones only.", nil
	}
	per100 := func(f float64) string { return strconv.Itoa(int(math.Round(f * 100))) }
	var rows []calibrationRow
	for _, st := range cal.Styles {
		var what string
		switch st.Style {
		case "real":
			what = "shaped like real ones (long, uneven reports, few tags)"
		case "real, no services":
			what = "the same without services, as imported archives often are"
		case "synthetic":
			what = "simpler synthetic ones"
		default:
			what = st.Style
		}
		rows = append(rows, calibrationRow{Archive: what, Precision: per100(st.Precision()), Recall: per100(st.Recall())})
	}
	sizes := make([]string, len(cal.Sizes))
	for i, n := range cal.Sizes {
		sizes[i] = thousands(int64(n))
	}
	return fmt.Sprintf("What a score is worth, measured on generated archives whose true repeats are known (%s reports, %s, %s). A similar report is worth reading; it is not called a repeat.",
		strings.Join(sizes, " and "), plural.Count(len(cal.Seeds), "seed"), cal.Measured), rows
}

// scoreText is a candidate's score as the pages show it, to two places;
// a page's key holds the same text (keyWriter.candidates), so that a
// score that moves below what is shown keeps the page.
func scoreText(score float64) string { return strconv.FormatFloat(score, 'f', 2, 64) }
