package render

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/chart"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/trends"
)

// The trend figures are shown in four places: /trends/ (a summary of this
// month, quarter and year, then a chart, a table and a CSV file for each
// figure), /trends.json (every figure), the home page (this month's
// summary) and the service and cause pages (reports per year and the
// median time to resolve). Package trends computes them once per build,
// in the analysis stage (package facts); this file only formats.

// chartMonths is how many months the monthly charts and tables show; the
// CSV files and trends.json hold every month.
const chartMonths = 24

// summary is one period's answers to the review questions, for the
// "trend-summary" layout.
type summary struct {
	Heading         string // "This month"
	Label           string // "March 2026"
	Incidents       int
	Duration        string // total, "" when no report has an end
	DurationReports int
	Ongoing         int // reports without an end, left out of the duration
	Paged           string
	PagedAfterHours string
	PagedReports    int // reports recording paged_after_hours
	RequestsFailed  string
	RequestsReports int
	MedianTTR       string // "" when no report has an end
	TrendsURL       string
	// Empty says a period without incidents in words, "No incidents this
	// month", shown once instead of a row of cards of zeros; "" when the
	// period has some.
	Empty string
}

func (s *site) summary(heading string, p *trends.Period) summary {
	f := p.Figures
	d := summary{Heading: heading, Label: p.Label, Incidents: f.Incidents, DurationReports: f.Duration.Reports,
		Ongoing: f.Incidents - f.Duration.Reports, PagedReports: f.PagedAfterHours.Reports, RequestsReports: f.RequestsFailed.Reports,
		Paged: thousands(f.Paged.Value), PagedAfterHours: thousands(f.PagedAfterHours.Value), RequestsFailed: thousands(f.RequestsFailed.Value),
		TrendsURL: s.root + "trends/"}
	if f.Incidents == 0 {
		d.Empty = "No incidents " + strings.ToLower(heading)
	}
	if f.Duration.Reports > 0 {
		d.Duration = formatDuration(f.Duration.Sum)
	}
	if f.TTR.Reports > 0 {
		d.MedianTTR = formatDuration(f.TTR.Median)
	}
	return d
}

// trendsPage is /trends/.
type trendsPage struct {
	base
	Zone     string // the time zone periods are read in
	Now      string // the build's date, in that zone
	Summary  []summary
	Periods  []figure // by year, by quarter
	Figures  []figure // by month
	Shares   []figure // breakdowns and scorecard questions
	JSONURL  string
	Coverage string // a note on reports that lack fields
	Months   int    // how many months the monthly charts show
	Top      int    // how many terms a breakdown ranks
}

// figure is one chart with its table and its CSV file.
type figure struct {
	ID, Title string
	Note      string // what is counted, and over how many reports
	Chart     template.HTML
	Rest      string // what the chart leaves out, in words; "" for nothing
	Table     template.HTML
	CSV       string // URL of the CSV file, "" for none
}

// dataTable builds an HTML table and the CSV file beside it.
type dataTable struct {
	head []string
	num  []bool
	rows [][]template.HTML
	csv  [][]string
}

func newTable(head ...string) *dataTable {
	t := &dataTable{head: head, num: make([]bool, len(head))}
	for i := 1; i < len(head); i++ {
		t.num[i] = true
	}
	return t
}

// row adds a line to the HTML table; cells are escaped text unless they
// are template.HTML.
func (t *dataTable) row(cells ...any) {
	r := make([]template.HTML, len(cells))
	for i, c := range cells {
		switch c := c.(type) {
		case template.HTML:
			r[i] = c
		case string:
			r[i] = template.HTML(template.HTMLEscapeString(c))
		case int:
			r[i] = template.HTML(thousands(int64(c)))
		case int64:
			r[i] = template.HTML(thousands(c))
		default:
			r[i] = template.HTML(template.HTMLEscapeString(fmt.Sprint(c)))
		}
	}
	t.rows = append(t.rows, r)
}

func (t *dataTable) html(caption string) template.HTML {
	var b htmlBuilder
	b.raw("<div class=\"table-wrap\">\n<table class=\"trend-table\">\n<caption>")
	b.text(caption)
	b.raw("</caption>\n<thead><tr>")
	for i, h := range t.head {
		if t.num[i] {
			b.raw(`<th scope="col" class="num">`)
		} else {
			b.raw(`<th scope="col">`)
		}
		b.text(h)
		b.raw("</th>")
	}
	b.raw("</tr></thead>\n<tbody>\n")
	for _, r := range t.rows {
		b.raw("<tr>")
		for i, c := range r {
			switch {
			case i == 0:
				b.raw(`<th scope="row">`)
			case t.num[i]:
				b.raw(`<td class="num">`)
			default:
				b.raw("<td>")
			}
			b.raw(string(c))
			if i == 0 {
				b.raw("</th>")
			} else {
				b.raw("</td>")
			}
		}
		b.raw("</tr>\n")
	}
	b.raw("</tbody>\n</table>\n</div>\n")
	return b.html()
}

// csvLine adds a line to the CSV file.
func (t *dataTable) csvLine(cells ...string) { t.csv = append(t.csv, cells) }

// csvFile writes the CSV lines under header, quoting where RFC 4180 asks.
// A cell that a spreadsheet would take for a formula (=, +, -, @ first)
// gets a leading apostrophe, so that a term's name stays a name.
func csvFile(header []string, lines [][]string) []byte {
	var b bytes.Buffer
	for _, l := range append([][]string{header}, lines...) {
		for i, c := range l {
			if i > 0 {
				b.WriteByte(',')
			}
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				c = "'" + c
			}
			if strings.ContainsAny(c, ",\"\r\n") {
				b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// window is the months the monthly charts show: the last chartMonths up
// to this month.
func (s *site) window() []trends.Period {
	ms := s.trends.Months
	end := 0
	for i := range ms {
		if ms[i].Key == s.trends.ThisMonth().Key {
			end = i + 1
		}
	}
	return ms[max(0, end-chartMonths):end]
}

// monthly describes one figure shown by month: its series for the chart
// and its columns for the table and the CSV file.
type monthly struct {
	id, title, desc string
	yLabel          string // the chart's unit
	series          []series
	columns         table[trends.Figures]
	note            string
}

// series is one series of a chart: its name in the legend and what it
// shows.
type series struct {
	name string
	figureMeasure
}

// whole says whether every series is a count, so that the chart's axis
// has whole numbers only.
func (m *monthly) whole() bool {
	for _, sr := range m.series {
		if sr.unit != unitCount {
			return false
		}
	}
	return true
}

func (s *site) monthlyFigure(m monthly) (figure, []byte) {
	win := s.window()
	c := chart.Bars{Title: m.title, XLabel: "month (" + s.zone() + ")", YLabel: m.yLabel, Whole: m.whole()}
	series := make([]chart.Series, len(m.series))
	for i, sr := range m.series {
		series[i].Name = sr.name
	}
	t := newTable(append([]string{"Month"}, m.columns.heads()...)...)
	for i := range win {
		p := &win[i]
		c.Categories = append(c.Categories, p.Key)
		for j, sr := range m.series {
			series[j].Values = append(series[j].Values, sr.chart(&p.Figures))
		}
	}
	for i := len(win) - 1; i >= 0; i-- {
		t.row(append([]any{win[i].Label}, m.columns.cells(&win[i].Figures)...)...)
	}
	c.Series = series
	c.Desc = m.desc + " " + describeSeries(c.Categories, series)
	for _, p := range s.trends.Months {
		t.csvLine(append([]string{p.Key}, m.columns.line(&p.Figures)...)...)
	}
	f := figure{ID: m.id, Title: m.title, Note: m.note, Chart: template.HTML(c.SVG()), CSV: s.root + "trends/" + m.id + ".csv"}
	f.Table = t.html(m.title + ", by month")
	return f, csvFile(append([]string{"month"}, m.columns.keys()...), t.csv)
}

// describeSeries is a chart's data in words, for its text alternative.
func describeSeries(cats []string, series []chart.Series) string {
	if len(cats) == 0 {
		return "No data."
	}
	var b strings.Builder
	for i, c := range cats {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c + ":")
		for j, s := range series {
			if j > 0 {
				b.WriteByte(',')
			}
			if s.Name != "" && len(series) > 1 {
				b.WriteString(" " + s.Name)
			}
			if v := s.Values[i]; math.IsNaN(v) {
				b.WriteString(" none")
			} else {
				b.WriteString(" " + chart.Compact(v))
			}
		}
	}
	return b.String() + "."
}

func (s *site) zone() string {
	if l := s.trends.Location; l != nil {
		return l.String()
	}
	return "UTC"
}

// hours is a duration in hours for a chart, NaN when nothing is covered.
func hours(d time.Duration, covered int) float64 {
	if covered == 0 {
		return math.NaN()
	}
	return d.Hours()
}

func minutesText(d time.Duration, covered int) string {
	if covered == 0 {
		return ""
	}
	return strconv.FormatInt(minutes(d), 10)
}

func durationCell(d time.Duration, covered int) string {
	if covered == 0 {
		return "–"
	}
	return formatDuration(d)
}

func percent(r float64, covered int) string {
	if covered == 0 {
		return "–"
	}
	return strconv.FormatFloat(100*r, 'f', 0, 64) + "%"
}

func ratioText(r float64, covered int) string {
	if covered == 0 {
		return ""
	}
	return strconv.FormatFloat(r, 'f', 4, 64)
}

func meanText(v float64, covered int) string {
	if covered == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func itoa(n int) string { return strconv.Itoa(n) }

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// spreadFigure is the monthly figure of a median and a p90.
func spreadFigure(id, title, what string, median, p90, reports figureMeasure) monthly {
	return monthly{
		id: id, title: title, yLabel: "hours",
		desc:    fmt.Sprintf("Median and 90th percentile of %s per month, in hours.", what),
		note:    fmt.Sprintf("%s, over the reports that record it; medians and percentiles, not means, because a few long incidents would swamp a mean.", title),
		series:  []series{{"median", median}, {"90th percentile", p90}},
		columns: table[trends.Figures]{colAs("median_minutes", "Median", median), colAs("p90_minutes", "90th percentile", p90), colAs("reports", "Reports", reports)},
	}
}

// monthlyFigures lists the figures shown by month; tracked adds the action
// items' figure by the tracker, for an archive with tasks.json.
func monthlyFigures(tracked bool) []monthly {
	ms := []monthly{
		{
			id: "incidents", title: "Incidents", yLabel: "incidents",
			desc:    "Incidents that started in each month.",
			note:    "Every report counts, with or without the other fields.",
			series:  []series{{"incidents", incidentCount}},
			columns: table[trends.Figures]{col("Incidents", incidentCount)},
		},
		{
			id: "duration", title: "Total duration", yLabel: "hours",
			desc:    "The summed duration of the incidents of each month, in hours.",
			note:    "The sum of end − start over the reports with an end; reports without one (ongoing, or not written down) are left out.",
			series:  []series{{"total duration", durationSum}},
			columns: table[trends.Figures]{col("Total duration", durationSum), colAs("reports", "Reports with an end", durationReports), col("Incidents", incidentCount)},
		},
		spreadFigure("time-to-detect", "Time to detect", "the time from start to detection", ttdMedian, ttdP90, ttdReports),
		spreadFigure("time-to-resolve", "Time to resolve", "the time from start to end", ttrMedian, ttrP90, ttrReports),
		{
			id: "paged", title: "People paged", yLabel: "people",
			desc:   "People paged in each month, and of them those paged outside working hours.",
			note:   "The sums of paged and paged_after_hours over the reports that record them.",
			series: []series{{"paged", pagedSum}, {"after hours", afterHoursSum}},
			columns: table[trends.Figures]{col("Paged", pagedSum), col("After hours", afterHoursSum),
				col("Reports recording paged", pagedReports), col("Reports recording after hours", afterHoursReports)},
		},
		{
			id: "requests-failed", title: "Requests failed", yLabel: "requests",
			desc:    "Requests that failed because of the incidents of each month.",
			note:    "The sum of requests_failed over the reports that record it.",
			series:  []series{{"requests failed", requestsFailedSum}},
			columns: table[trends.Figures]{col("Requests failed", requestsFailedSum), colAs("reports", "Reports", requestsFailedReports)},
		},
		{
			id: "repeat-rate", title: "Repeat rate", yLabel: "% of reports",
			desc:    "The share of each month's reports that are likely repeats of an earlier report, in percent.",
			note:    "Reports with a likely repeat, as repeat detection found (see Repeats), as a share of the month's reports.",
			series:  []series{{"repeat rate", repeatRate}},
			columns: table[trends.Figures]{col("Likely repeats", likelyRepeats), colAs("reports", "Reports", repeatReports), colAs("rate", "Rate", repeatRate)},
		},
		{
			id: "scorecard", title: "Scorecard score", yLabel: "yes answers",
			desc:    "The mean scorecard score (yes answers) of each month's reports, beside the mean number of questions answered yes or no.",
			note:    "Means over the reports that answered at least one question yes or no.",
			series:  []series{{"mean score", meanScore}, {"mean answered", meanAnswered}},
			columns: table[trends.Figures]{col("Mean score", meanScore), col("Mean answered", meanAnswered), col("Reports", scorecardReports)},
		},
		{
			id: "action-items", title: "Action items", yLabel: "items",
			desc:   "Action items of each month's reports: how many were written, how many are done and how many are still open.",
			note:   "Items carry no dates: an item counts in the month of its report, and the age of an open item runs from its report's start to this build.",
			series: []series{{"opened", actionsOpened}, {"done", actionsDone}, {"still open", actionsOpen}},
			columns: table[trends.Figures]{col("Opened", actionsOpened), col("Done", actionsDone), col("Declined", actionsDeclined),
				col("Still open", actionsOpen), col("Median age of open items", actionsOpenAge), col("Reports with items", actionsReports)},
		},
	}
	if !tracked {
		return ms
	}
	ms[len(ms)-1].note += " The tracker's states and dates are in the next figure."
	return append(ms, monthly{
		id: "time-to-close", title: "Time to close action items", yLabel: "days",
		desc: "Median and 90th percentile of the time from a task's creation to its closing, for the tasks action items name, by the month they were closed, in days.",
		note: "From the tracker's record of the tasks (content/tasks.json): each resolved or declined task that an action item names counts once, in the month it was closed. " +
			"Still open and the age of open tasks are the items of each month's reports, as above: by the tracker's state where it knows the task, by the item's status otherwise; " +
			"the age runs from the task's creation to this build.",
		series: []series{{"median", tasksToClose}, {"90th percentile", tasksToCloseP90}},
		columns: table[trends.Figures]{col("Tasks closed", tasksClosed), col("Median time to close", tasksToClose), col("90th percentile", tasksToCloseP90),
			col("Items the tracker knows", tasksTracked), col("Still open", tasksStillOpen), col("Median age of open tasks", tasksOpenAge)},
	})
}

// serviceTasksFigure is the time to close of the tasks of each service's
// reports, over the whole archive: the TopN services with most closed
// tasks in the table and chart, every service in the CSV file.
func (s *site) serviceTasksFigure() (figure, []byte) {
	const id = "time-to-close-by-service"
	all := s.trends.TasksByService
	t := newTable(append([]string{"Service"}, serviceTaskColumns.heads()...)...)
	c := chart.HBars{Title: "Median time to close by service", Unit: "days"}
	var words []string
	for i := range all {
		sv := &all[i]
		t.csvLine(append([]string{sv.Name}, serviceTaskColumns.line(sv)...)...)
		if i >= trends.TopN {
			continue
		}
		t.row(append([]any{s.joinTermLinks("services", []string{sv.Name})}, serviceTaskColumns.cells(sv)...)...)
		if sv.ToClose.Reports > 0 {
			c.Labels = append(c.Labels, sv.Name)
			c.Values = append(c.Values, serviceToClose.chart(sv))
			words = append(words, sv.Name+": "+chart.Compact(c.Values[len(c.Values)-1]))
		}
	}
	rest := ""
	if n := len(all) - trends.TopN; n > 0 {
		rest = fmt.Sprintf("And %s other %s; the CSV file holds every one.", thousands(int64(n)), plural.Noun(n, "service"))
	}
	c.Desc = "The median days from creation to closing of the tasks each service's reports name. " + strings.Join(words, "; ") + "."
	if len(words) == 0 {
		c.Desc = "No task named by a service's report has been closed."
	}
	fig := figure{ID: id, Title: "Time to close by service", Chart: template.HTML(c.SVG()), Rest: rest, Table: t.html("Time to close action items by service, all years"), CSV: s.root + "trends/" + id + ".csv",
		Note: "The resolved and declined tasks that the action items of each service's reports name, from creation to closing, and those still open, by the tracker (content/tasks.json, synced " +
			s.trends.TasksSynced.UTC().Format("2006-01-02") + "); a task of reports of two services counts for both. The services with most closed tasks first."}
	return fig, csvFile(append([]string{"service"}, serviceTaskColumns.keys()...), t.csv)
}

// periodFigure is the table of headline figures by year or by quarter,
// with a chart of incidents, for the periods ps; its CSV file holds every
// period of all.
func (s *site) periodFigure(id, title, unit string, ps, all []trends.Period) (figure, []byte) {
	t := newTable(append([]string{unit}, periodColumns.heads()...)...)
	c := chart.Bars{Title: "Incidents by " + strings.ToLower(unit), XLabel: strings.ToLower(unit) + " (" + s.zone() + ")", YLabel: "incidents", Whole: true, Series: []chart.Series{{Name: "incidents"}}}
	for i := len(ps) - 1; i >= 0; i-- {
		t.row(append([]any{ps[i].Label}, periodColumns.cells(&ps[i].Figures)...)...)
	}
	for _, p := range ps {
		c.Categories = append(c.Categories, p.Key)
		c.Series[0].Values = append(c.Series[0].Values, incidentCount.chart(&p.Figures))
	}
	for _, p := range all {
		t.csvLine(append([]string{p.Key}, periodColumns.line(&p.Figures)...)...)
	}
	c.Desc = "Incidents that started in each " + strings.ToLower(unit) + ". " + describeSeries(c.Categories, c.Series)
	fig := figure{ID: id, Title: title, Chart: template.HTML(c.SVG()), Table: t.html(title), CSV: s.root + "trends/" + id + ".csv",
		Note: "The headline figures of every " + strings.ToLower(unit) + ", each over the reports that record it."}
	return fig, csvFile(append([]string{strings.ToLower(unit)}, periodColumns.keys()...), t.csv)
}

// othersLabel names the row that counts the n terms outside the top ten,
// in words no term is spelt with.
func othersLabel(n int) string {
	if n == 1 {
		return "(1 other)"
	}
	return fmt.Sprintf("(%d others)", n)
}

// othersText says in words what a top-ten chart leaves out: "And 1,051
// other services, named 4,937 times in all, none more than 17 times." It is
// shown under the chart, not as a bar: on the chart's scale the sum of a
// thousand small counts would shrink the ten bars to slivers.
func othersText(terms, count int, singular, plural string, most int) string {
	if terms == 1 {
		return fmt.Sprintf("And 1 other %s, named %s.", singular, times(count))
	}
	return fmt.Sprintf("And %s other %s, named %s in all, none more than %s.", thousands(int64(terms)), plural, times(count), times(most))
}

// times writes a count of mentions: "once", "twice", "4,937 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return thousands(int64(n)) + " times"
}

// breakdownFigure ranks the terms of one field over the whole archive,
// beside this year's counts; its CSV file holds every year's top terms.
func (s *site) breakdownFigure(id, title, kind, label string, get func(f *trends.Figures) trends.Breakdown) (figure, []byte) {
	all := get(&s.trends.All)
	year := get(&s.trends.ThisYear().Figures)
	thisYear := map[string]int{}
	for _, c := range year.Top {
		thisYear[c.Name] = c.Count
	}
	t := newTable(label, "Reports", "Share", s.trends.ThisYear().Label+" (top "+itoa(trends.TopN)+")")
	c := chart.HBars{Title: title, Unit: "reports", Whole: true}
	for _, n := range all.Top {
		y := "–"
		if v, ok := thisYear[n.Name]; ok {
			y = itoa(v)
		}
		t.row(s.joinTermLinks(kind, []string{n.Name}), n.Count, percent(share(n.Count, all.Reports), all.Reports), y)
		c.Labels = append(c.Labels, n.Name)
		c.Values = append(c.Values, float64(n.Count))
	}
	rest := ""
	if all.OtherTerms > 0 {
		// Not "other": that is a trigger of its own, and may be a cause.
		t.row(othersLabel(all.OtherTerms), all.Other, "", "")
		// The rest is no bar: their sum would dwarf the ten on one scale.
		rest = othersText(all.OtherTerms, all.Other, strings.ToLower(label), strings.ToLower(title), all.Top[len(all.Top)-1].Count)
	}
	var words []string
	for i, l := range c.Labels {
		words = append(words, l+": "+chart.Compact(c.Values[i]))
	}
	c.Desc = fmt.Sprintf("The %s most often named, over all %s that %s one. %s.", strings.ToLower(title), plural.Count(all.Reports, "report"), verb(all.Reports, "names", "name"), strings.Join(words, "; "))
	if rest != "" {
		c.Desc += " " + rest
	}
	if len(words) == 0 {
		c.Desc = "No report names one."
	}
	for _, p := range s.trends.Years {
		b := get(&p.Figures)
		for _, n := range b.Top {
			t.csvLine(p.Key, n.Name, itoa(n.Count))
		}
		if b.OtherTerms > 0 {
			t.csvLine(p.Key, othersLabel(b.OtherTerms), itoa(b.Other))
		}
	}
	fig := figure{ID: id, Title: title, Chart: template.HTML(c.SVG()), Rest: rest, Table: t.html(title + ", all years"), CSV: s.root + "trends/" + id + ".csv",
		Note: fmt.Sprintf("%s of the %s that %s at least one; a report naming two counts for both. The rest are counted together.", title, plural.Count(all.Reports, "report"), verb(all.Reports, "names", "name"))}
	return fig, csvFile([]string{"year", strings.ToLower(label), "reports"}, t.csv)
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// questionFigure is the yes-rate of each scorecard question.
func (s *site) questionFigure() (figure, []byte) {
	const id = "scorecard-questions"
	all := s.trends.All.Scorecard.Questions
	year := s.trends.ThisYear().Scorecard.Questions
	t := newTable(append(append([]string{"Question"}, questionColumns.heads()...), s.trends.ThisYear().Label)...)
	c := chart.HBars{Title: "Yes-rate per scorecard question", Unit: "% answered yes", Max: 100, Format: func(v float64) string { return chart.Compact(v) + "%" }}
	var words []string
	for i := range all {
		q := &all[i]
		label := q.Key
		if text, ok := s.questions[q.Key]; ok {
			label = text
		}
		t.row(append(append([]any{label}, questionColumns.cells(q)...), questionRate.html(&year[i]))...)
		c.Labels = append(c.Labels, q.Key)
		c.Values = append(c.Values, 100*q.Rate())
		words = append(words, fmt.Sprintf("%s: %s", q.Key, questionRate.html(q)))
	}
	c.Desc = "The share of yes among the yes and no answers to each question, over all years. " + strings.Join(words, "; ") + "."
	for _, p := range s.trends.Years {
		for i := range p.Scorecard.Questions {
			q := &p.Scorecard.Questions[i]
			t.csvLine(append([]string{p.Key, q.Key}, questionColumns.line(q)...)...)
		}
	}
	fig := figure{ID: id, Title: "Scorecard questions", Chart: template.HTML(c.SVG()), Table: t.html("Yes-rate per scorecard question"), CSV: s.root + "trends/" + id + ".csv",
		Note: "Yes as a share of the yes and no answers; n/a and unanswered questions do not count."}
	return fig, csvFile(append([]string{"year", "question"}, questionColumns.keys()...), t.csv)
}

// trendsJobs writes /trends/ and its CSV files, and /trends.json.
func (s *site) trendsJobs() []job {
	return []job{func(buf *bytes.Buffer) (string, error) {
		d, csvs := s.trendsPage()
		for id, data := range csvs {
			if err := s.write("trends/"+id+".csv", data); err != nil {
				return "", err
			}
		}
		return "trends/index.html", s.execute(buf, "trends", d)
	}, s.trendsJSONJob()}
}

// trendsPage is the data of /trends/ and its CSV files by figure id.
func (s *site) trendsPage() (trendsPage, map[string][]byte) {
	d := trendsPage{base: s.base("Trends", s.root+"trends/", s.root+"trends/"), Zone: s.zone(), JSONURL: s.root + "trends.json"}
	d.Description = "Incidents, durations, paging, failed requests and repeats by month, quarter and year"
	d.Now = s.trends.Now.Format("2006-01-02")
	d.Months, d.Top = chartMonths, trends.TopN
	d.Summary = []summary{
		s.summary("This month", s.trends.ThisMonth()),
		s.summary("This quarter", s.trends.ThisQuarter()),
		s.summary("This year", s.trends.ThisYear()),
	}
	csvs := map[string][]byte{}
	add := func(list *[]figure, f figure, data []byte) {
		*list = append(*list, f)
		csvs[f.ID] = data
	}
	f, data := s.periodFigure("by-year", "By year", "Year", s.trends.Years, s.trends.Years)
	add(&d.Periods, f, data)
	// The table and chart show the last eight quarters; the CSV file
	// holds every one.
	qs := s.trends.Quarters
	f, data = s.periodFigure("by-quarter", "By quarter", "Quarter", qs[max(0, len(qs)-8):], qs)
	add(&d.Periods, f, data)
	tracked := s.trends.All.Tracker != nil
	for _, m := range monthlyFigures(tracked) {
		f, data := s.monthlyFigure(m)
		add(&d.Figures, f, data)
	}
	for _, b := range []struct {
		id, title, kind, label string
		get                    func(f *trends.Figures) trends.Breakdown
	}{
		{"services", "Services", "services", "Service", func(f *trends.Figures) trends.Breakdown { return f.Services }},
		{"causes", "Causes", "causes", "Cause", func(f *trends.Figures) trends.Breakdown { return f.Causes }},
		{"triggers", "Triggers", "triggers", "Trigger", func(f *trends.Figures) trends.Breakdown { return f.Triggers }},
		{"failure-modes", "Failure modes", "failure-modes", "Failure mode", func(f *trends.Figures) trends.Breakdown { return f.FailureModes }},
		{"sites", "Sites", "sites", "Site", func(f *trends.Figures) trends.Breakdown { return f.Sites }},
	} {
		f, data := s.breakdownFigure(b.id, b.title, b.kind, b.label, b.get)
		add(&d.Shares, f, data)
	}
	f, data = s.questionFigure()
	add(&d.Shares, f, data)
	if tracked {
		f, data = s.serviceTasksFigure()
		add(&d.Shares, f, data)
	}
	return d, csvs
}

// termTrend is the small trend on a service's or cause's page.
type termTrend struct {
	// Sparkline is spark drawn (drawn): only for a page being rendered,
	// so that the keys of the pages kept, and the thousands of terms
	// waiting for their pages, do not hold the drawing.
	Sparkline   template.HTML
	spark       chart.Sparkline
	First, Last string // the years the sparkline spans
	Reports     int    // reports in those years
	MedianTTR   string // "" when no report has an end
	TTRReports  int
	URL         string // the taxonomy's breakdown on /trends/
}

func (s *site) termTrend(t *archive.Taxonomy, term *archive.Term) *termTrend {
	if t.Kind != "services" && t.Kind != "causes" {
		return nil
	}
	tt := s.trends.Term(term.Incidents)
	d := &termTrend{Reports: len(term.Incidents), TTRReports: tt.TTR.Reports, URL: s.root + "trends/#" + t.Kind}
	if tt.TTR.Reports > 0 {
		d.MedianTTR = formatDuration(tt.TTR.Median)
	}
	sp := chart.Sparkline{Title: "Reports per year"}
	var words []string
	for _, y := range tt.Years {
		sp.Values = append(sp.Values, float64(y.Reports))
		if y.Reports > 0 {
			words = append(words, y.Year+": "+itoa(y.Reports))
		}
	}
	if n := len(tt.Years); n > 0 {
		d.First, d.Last = tt.Years[0].Year, tt.Years[n-1].Year
	}
	sp.Desc = fmt.Sprintf("Reports per year from %s to %s; years not listed have none. %s.", d.First, d.Last, strings.Join(words, ", "))
	d.spark = sp
	return d
}

// drawn returns tr with its sparkline drawn; nil for nil.
func (tr *termTrend) drawn() *termTrend {
	if tr == nil {
		return nil
	}
	d := *tr
	d.Sparkline = template.HTML(tr.spark.SVG())
	return &d
}
