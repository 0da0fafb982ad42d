// Package trends computes the archive's figures per month, quarter and
// year: how many incidents, how long they lasted, how fast they were
// detected and resolved, how many people were paged (and how many of them
// after hours), how many requests failed, what was hit and why, how the
// scorecards read, what became of the action items and how often incidents
// repeated.
//
// Decisions the figures rest on:
//
//   - A report belongs to the month, quarter and year its start falls in,
//     read in one time zone: the working_hours timezone of site.yaml, the
//     zone the team works in (UTC when it is not set). A report that
//     started at 23:30 UTC on 31 January belongs to February in Berlin.
//     The year lists of the site use UTC, so near New Year the two may
//     differ by a report.
//   - Durations are heavy-tailed, so they are summarised by medians and
//     90th percentiles, never means. Percentiles interpolate linearly
//     between the closest ranks (the median of 10 and 20 minutes is 15).
//   - Time to resolve is end − start, the report's duration; time to
//     detect is detected − start.
//   - Reports count where they can: a report without end counts as an
//     incident, in its paging and its causes, but not in the total
//     duration or the time to resolve. Every figure says how many reports
//     it covers.
//   - Action items carry no dates. An item is counted as opened in the
//     period of its report; the age of an item still open is the time
//     from its report's start to Now. With the tracker's record of the
//     tasks (content/tasks.json, Input.Tasks) the figures of Tracker
//     come from the tasks' states and dates (see tasks.go).
//   - The repeat rate is the share of a period's reports that have a
//     likely repeat of an earlier report, as repeat detection found.
//   - Sums saturate: a total beyond what an int64 (or a time.Duration,
//     about 292 years) holds stays at the largest value instead of
//     wrapping to a negative one. Parsing bounds each report's numbers
//     (package incident), so only an archive of many huge values gets
//     there.
//
// The package is pure: no I/O, no templates, and no clock of its own (the
// caller says what time it is), so the same input gives the same output.
package trends

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/internal/saturate"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// TopN is how many terms a breakdown names before grouping the rest as
// "other".
const TopN = 10

// Input is what Compute needs.
type Input struct {
	// Incidents are the archive's reports, in any order.
	Incidents []*incident.Incident
	// Likely says, aligned with Incidents, which reports have a likely
	// repeat; nil when repeat detection did not run, and then the repeat
	// rate covers no report.
	Likely []bool
	// Location is the time zone that decides a report's month; nil means
	// UTC.
	Location *time.Location
	// Now is the time of the build: it decides the current month, quarter
	// and year, how far the periods run, and the age of open action items.
	Now time.Time
	// Questions are the scorecard's keys, in the rubric's order.
	Questions []string
	// TermName, when set, gives the name a term of a taxonomy ("services",
	// "causes", "triggers", "failure-modes", "sites") is shown by, so that
	// the spellings of one term ("zürich", "zurich") count as one.
	TermName func(kind, name string) string
	// Tasks is the tracker's record of the tasks the reports name
	// (content/tasks.json); nil without it, and then every Figures'
	// Tracker and the Trends' TasksByService are nil.
	Tasks *tasks.File
}

// Trends holds every figure of an archive.
type Trends struct {
	Location *time.Location
	Now      time.Time // in Location
	// Months, Quarters and Years run without gaps, oldest first, from the
	// period of the first report to the period of Now (or of the last
	// report, when that is later). Empty archives have only Now's.
	Months, Quarters, Years []Period
	// All covers the whole archive.
	All Figures
	// Questions are the scorecard keys the figures follow.
	Questions []string
	// TasksByService is the time to close of the tasks of each service's
	// reports over the whole archive; nil without Input.Tasks. TasksSynced
	// is when the tracker was asked.
	TasksByService []ServiceTasks
	TasksSynced    time.Time

	// The indexes of Now's periods.
	thisMonth, thisQuarter, thisYear int
}

// Period is one month, quarter or year and its figures.
type Period struct {
	Key   string    // "2026-02", "2026-Q1" or "2026"
	Label string    // "February 2026", "Q1 2026" or "2026"
	Start time.Time // first instant, in the Trends' Location
	End   time.Time // first instant of the next period
	Figures
}

// Figures are the figures of one set of reports. Each carries the number
// of reports it covers.
type Figures struct {
	Incidents       int    // reports that started in the period
	Duration        Total  // summed end − start of the reports with an end
	TTD             Spread // detected − start
	TTR             Spread // end − start
	Paged           Sum    // people paged
	PagedAfterHours Sum    // people paged outside working hours
	RequestsFailed  Sum    // requests that failed
	Services        Breakdown
	Causes          Breakdown
	Triggers        Breakdown
	FailureModes    Breakdown
	Sites           Breakdown
	Scorecard       Scorecard
	Actions         Actions
	// Tracker is the action items by the tracker's record of their tasks;
	// nil without Input.Tasks.
	Tracker *Tracker
	Repeats Ratio // reports with a likely repeat
}

// Total is a sum of durations over the reports that have one; it
// saturates at the largest time.Duration.
type Total struct {
	Sum     time.Duration
	Reports int
}

// Sum is a sum of counts over the reports that record one; it saturates
// at the largest int64.
type Sum struct {
	Value   int64
	Reports int
}

// Spread is the median and 90th percentile of durations; both are zero
// when Reports is.
type Spread struct {
	Median, P90 time.Duration
	Reports     int
}

// Breakdown counts the reports naming each term of one field, such as
// services: the TopN terms most named, and the rest together. A report
// naming two services counts once for each.
type Breakdown struct {
	Top []Count
	// Other is the sum of the counts of the terms not in Top, and
	// OtherTerms how many such terms there are.
	Other, OtherTerms int
	// Reports is how many reports name at least one term.
	Reports int
}

// Count is how many reports name one term.
type Count struct {
	Name  string
	Count int
}

// Scorecard summarises the scorecard answers.
type Scorecard struct {
	// MeanScore is the mean number of yes answers and MeanAnswered the
	// mean number of questions answered yes or no, over the Reports that
	// answered at least one question yes or no.
	MeanScore, MeanAnswered float64
	Reports                 int
	// Questions follow the rubric's order.
	Questions []QuestionRate
}

// QuestionRate is how often one question was answered yes.
type QuestionRate struct {
	Key      string
	Yes      int
	Answered int // yes or no; n/a does not count
}

// Rate is Yes as a share of Answered, 0 when nothing was answered.
func (q QuestionRate) Rate() float64 { return share(q.Yes, q.Answered) }

// Actions counts the action items of the reports of a period.
type Actions struct {
	Opened, Done, Declined, Open int
	// MedianOpenAge is the median age of the items still open: the time
	// from their report's start to Now.
	MedianOpenAge time.Duration
	// Reports is how many reports have action items.
	Reports int
}

// Ratio is how many of Reports have something.
type Ratio struct {
	Count, Reports int
}

// Rate is Count as a share of Reports, 0 when Reports is.
func (r Ratio) Rate() float64 { return share(r.Count, r.Reports) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// ThisMonth is the month Now falls in.
func (t *Trends) ThisMonth() *Period { return &t.Months[t.thisMonth] }

// ThisQuarter is the quarter Now falls in.
func (t *Trends) ThisQuarter() *Period { return &t.Quarters[t.thisQuarter] }

// ThisYear is the year Now falls in.
func (t *Trends) ThisYear() *Period { return &t.Years[t.thisYear] }

// Compute works out every figure of the archive.
func Compute(in Input) *Trends {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	t := &Trends{Location: loc, Now: in.Now.In(loc), Questions: in.Questions}
	first, last := t.Now, t.Now
	for _, r := range in.Incidents {
		s := r.Start.In(loc)
		if s.Before(first) {
			first = s
		}
		if s.After(last) {
			last = s
		}
	}
	t.Months = periods(first, last, loc, monthOf, nextMonth, monthKey)
	t.Quarters = periods(first, last, loc, quarterOf, nextQuarter, quarterKey)
	t.Years = periods(first, last, loc, yearOf, nextYear, yearKey)
	t.thisMonth = find(t.Months, t.Now)
	t.thisQuarter = find(t.Quarters, t.Now)
	t.thisYear = find(t.Years, t.Now)

	// Each report's position in the month list; quarters and years follow.
	months := make([][]int, len(t.Months))
	quarters := make([][]int, len(t.Quarters))
	years := make([][]int, len(t.Years))
	all := make([]int, len(in.Incidents))
	for i, r := range in.Incidents {
		s := r.Start.In(loc)
		m := find(t.Months, s)
		months[m] = append(months[m], i)
		q := find(t.Quarters, s)
		quarters[q] = append(quarters[q], i)
		y := find(t.Years, s)
		years[y] = append(years[y], i)
		all[i] = i
	}
	c := newCalc(in, t.Now)
	for i := range t.Months {
		t.Months[i].Figures = c.figures(months[i])
	}
	for i := range t.Quarters {
		t.Quarters[i].Figures = c.figures(quarters[i])
	}
	for i := range t.Years {
		t.Years[i].Figures = c.figures(years[i])
	}
	t.All = c.figures(all)
	if in.Tasks != nil {
		cs := c.closures()
		t.addToClose(cs)
		t.TasksByService = c.byService(cs)
		t.TasksSynced = in.Tasks.Synced
	}
	return t
}

// find returns the index of the period holding instant s; the periods
// cover it.
func find(ps []Period, s time.Time) int {
	return sort.Search(len(ps), func(i int) bool { return ps[i].End.After(s) })
}

func periods(first, last time.Time, loc *time.Location, start func(time.Time, *time.Location) time.Time, next func(time.Time) time.Time, key func(time.Time) (string, string)) []Period {
	var out []Period
	for p := start(first, loc); !p.After(last); p = next(p) {
		k, label := key(p)
		out = append(out, Period{Key: k, Label: label, Start: p, End: next(p)})
	}
	return out
}

func monthOf(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

func quarterOf(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, loc)
}

func yearOf(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
}

func nextMonth(t time.Time) time.Time   { return t.AddDate(0, 1, 0) }
func nextQuarter(t time.Time) time.Time { return t.AddDate(0, 3, 0) }
func nextYear(t time.Time) time.Time    { return t.AddDate(1, 0, 0) }

func monthKey(t time.Time) (string, string) {
	return t.Format("2006-01"), t.Format("January 2006")
}

func quarterKey(t time.Time) (string, string) {
	q := (int(t.Month())-1)/3 + 1
	return fmt.Sprintf("%d-Q%d", t.Year(), q), fmt.Sprintf("Q%d %d", q, t.Year())
}

func yearKey(t time.Time) (string, string) {
	y := t.Format("2006")
	return y, y
}

// calc computes the figures of sets of reports. Terms and scorecard
// answers are turned into numbers once, so that the figures of the many
// periods count with slices and small maps instead of strings.
type calc struct {
	in    Input
	now   time.Time
	names [fields][]string  // term number → name, by field
	terms [][fields][]int32 // by report: its distinct terms of each field
	marks [][]mark          // by report: its yes and no answers
	items [][]itemState     // by report and item, with Input.Tasks
	// tracked are the distinct tasks the tracker knows, with Input.Tasks.
	tracked []trackedTask
}

// fields are the breakdowns' fields: services, causes, triggers, failure
// modes and sites.
const fields = 5

// mark is a yes or no answer to the question with index q.
type mark struct {
	q   int32
	yes bool
}

// fieldKinds are the taxonomies of the breakdowns, in the order of
// Figures' fields.
var fieldKinds = [fields]string{"services", "causes", "triggers", "failure-modes", "sites"}

func newCalc(in Input, now time.Time) *calc {
	c := &calc{in: in, now: now, terms: make([][fields][]int32, len(in.Incidents)), marks: make([][]mark, len(in.Incidents))}
	var ids [fields]map[string]int32
	for k := range ids {
		ids[k] = map[string]int32{}
	}
	question := make(map[string]int32, len(in.Questions))
	for i, k := range in.Questions {
		question[k] = int32(i)
	}
	for i, r := range in.Incidents {
		for k, values := range [fields][]string{r.Services, r.Causes, one(r.Trigger), one(r.FailureMode), r.Sites} {
			if in.TermName != nil {
				named := make([]string, len(values))
				for j, v := range values {
					named[j] = in.TermName(fieldKinds[k], v)
				}
				values = named
			}
			for j, v := range values {
				if v == "" || slices.Contains(values[:j], v) {
					continue
				}
				id, ok := ids[k][v]
				if !ok {
					id = int32(len(c.names[k]))
					ids[k][v] = id
					c.names[k] = append(c.names[k], v)
				}
				c.terms[i][k] = append(c.terms[i][k], id)
			}
		}
		for _, a := range r.Scorecard {
			q, ok := question[a.Key]
			if ok && (a.Answer == incident.Yes || a.Answer == incident.No) {
				c.marks[i] = append(c.marks[i], mark{q: q, yes: a.Answer == incident.Yes})
			}
		}
	}
	if in.Tasks != nil {
		c.trackItems()
	}
	return c
}

func (c *calc) figures(idx []int) Figures {
	f := Figures{Incidents: len(idx)}
	var ttd, ttr, ages, taskAges []time.Duration
	if c.items != nil {
		f.Tracker = &Tracker{}
	}
	var yes, answered int
	f.Scorecard.Questions = make([]QuestionRate, len(c.in.Questions))
	for i, k := range c.in.Questions {
		f.Scorecard.Questions[i].Key = k
	}
	var counts [fields]map[int32]int
	for k := range counts {
		counts[k] = map[int32]int{}
	}
	var reports [fields]int
	for _, i := range idx {
		r := c.in.Incidents[i]
		if r.HasEnd() {
			f.Duration.Sum = saturate.Add(f.Duration.Sum, r.Duration)
			f.Duration.Reports++
			ttr = append(ttr, r.Duration)
		}
		if !r.Detected.IsZero() {
			ttd = append(ttd, r.TTD)
		}
		addSum(&f.Paged, r.Paged)
		addSum(&f.PagedAfterHours, r.PagedAfterHours)
		addSum(&f.RequestsFailed, r.RequestsFailed)
		for k, ids := range c.terms[i] {
			if len(ids) > 0 {
				reports[k]++
			}
			for _, id := range ids {
				counts[k][id]++
			}
		}
		if r.Score.Answered > 0 {
			f.Scorecard.Reports++
			yes = saturate.Add(yes, r.Score.Yes)
			answered = saturate.Add(answered, r.Score.Answered)
		}
		for _, m := range c.marks[i] {
			q := &f.Scorecard.Questions[m.q]
			q.Answered++
			if m.yes {
				q.Yes++
			}
		}
		if len(r.Actionables) > 0 {
			f.Actions.Reports++
		}
		for _, a := range r.Actionables {
			f.Actions.Opened++
			switch a.Status {
			case "done":
				f.Actions.Done++
			case "declined":
				f.Actions.Declined++
			default:
				f.Actions.Open++
				ages = append(ages, max(0, c.now.Sub(r.Start)))
			}
		}
		if f.Tracker != nil {
			for _, st := range c.items[i] {
				if st.tracked {
					f.Tracker.Tracked++
				}
				if st.open {
					f.Tracker.StillOpen++
				}
				if st.hasAge {
					taskAges = append(taskAges, st.age)
				}
			}
		}
		if c.in.Likely != nil {
			f.Repeats.Reports++
			if c.in.Likely[i] {
				f.Repeats.Count++
			}
		}
	}
	f.TTD, f.TTR = spread(ttd), spread(ttr)
	f.Actions.MedianOpenAge = spread(ages).Median
	if f.Tracker != nil {
		f.Tracker.OpenAge = spread(taskAges)
	}
	if n := f.Scorecard.Reports; n > 0 {
		f.Scorecard.MeanScore = float64(yes) / float64(n)
		f.Scorecard.MeanAnswered = float64(answered) / float64(n)
	}
	bs := [fields]*Breakdown{&f.Services, &f.Causes, &f.Triggers, &f.FailureModes, &f.Sites}
	for k, b := range bs {
		*b = breakdown(c.names[k], counts[k], reports[k])
	}
	return f
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func addSum(s *Sum, v *int64) {
	if v != nil {
		s.Value = saturate.Add(s.Value, *v)
		s.Reports++
	}
}

func breakdown(names []string, counts map[int32]int, reports int) Breakdown {
	all := make([]Count, 0, len(counts))
	for id, n := range counts {
		all = append(all, Count{Name: names[id], Count: n})
	}
	slices.SortFunc(all, func(a, b Count) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	b := Breakdown{Reports: reports}
	if len(all) > TopN {
		for _, c := range all[TopN:] {
			b.Other += c.Count
		}
		b.OtherTerms = len(all) - TopN
		all = all[:TopN]
	}
	b.Top = all
	return b
}

// spread sorts ds and returns its median and 90th percentile.
func spread(ds []time.Duration) Spread {
	s := Spread{Reports: len(ds)}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	s.Median, s.P90 = percentile(ds, 0.5), percentile(ds, 0.9)
	return s
}

// percentile interpolates linearly between the closest ranks of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	pos := p * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	// Between sorted[lo] and sorted[hi], so it cannot overflow.
	return sorted[lo] + time.Duration(math.Round(frac*float64(sorted[hi]-sorted[lo])))
}
