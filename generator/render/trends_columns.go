package render

import (
	"math"
	"strconv"
	"time"

	"github.com/incidents-archive/incidents/generator/trends"
)

// Each trend figure's numbers are shown three ways: as a table on
// /trends/, as a CSV file beside it and in /trends.json. Each number is
// defined once, as a measure: its key in trends.json, its unit (how it is
// written in each place) and how it is read from the figures. A figure
// lists its columns once, as a table of measures with the CSV file's name
// and the HTML table's header for each; the HTML table and the CSV file
// are written from that table, and trends.json from the same measures in
// the order of jsonLayout (which differs from the tables': trends.json
// gives each sum beside the number of reports it covers). So the three
// cannot disagree on what a column holds or how it is written, and
// TestTrendColumnsAgree checks that they do not.

// value is one number of one period (or one scorecard question), with
// how many reports it covers. Which field holds the number depends on the
// unit.
type value struct {
	n       int64         // unitCount
	d       time.Duration // unitTotal, unitMinutes, unitDays
	x       float64       // unitRate, unitMean
	reports int           // reports covered; 0 writes "–", "" or null (not for counts and totals)
}

// unit says how a value is written in the table, the CSV file,
// trends.json and a chart.
type unit int

const (
	// unitCount is a count of reports, people or requests: "1,234" in the
	// table, an integer elsewhere.
	unitCount unit = iota
	// unitTotal is a sum of durations: a duration in the table ("–" when
	// no report has one), whole minutes in the CSV file and trends.json
	// (0 when no report has one), hours on a chart.
	unitTotal
	// unitMinutes is a median or a percentile of durations: a duration in
	// the table, whole minutes in the CSV file, minutes to a tenth in
	// trends.json, hours on a chart.
	unitMinutes
	// unitDays is an age: a duration in the table, days to a tenth in the
	// CSV file and trends.json.
	unitDays
	// unitRate is a share: "25%" in the table, 0.2500 in the CSV file,
	// 0.25 in trends.json, 25 on a chart.
	unitRate
	// unitMean is a mean: to a tenth in the table and trends.json, to four
	// decimals in the CSV file.
	unitMean
)

// html is a table cell's text, "–" for none.
func (u unit) html(v value) string {
	switch u {
	case unitCount:
		return thousands(v.n)
	case unitTotal, unitMinutes, unitDays:
		return durationCell(v.d, v.reports)
	case unitRate:
		return percent(v.x, v.reports)
	default:
		return meanText(v.x, v.reports)
	}
}

// csv is a CSV cell, "" for none.
func (u unit) csv(v value) string {
	switch u {
	case unitCount:
		return i64(v.n)
	case unitTotal:
		return i64(minutes(v.d))
	case unitMinutes:
		return minutesText(v.d, v.reports)
	case unitDays:
		if v.reports == 0 {
			return ""
		}
		return strconv.FormatFloat(v.d.Hours()/24, 'f', 1, 64)
	default:
		return ratioText(v.x, v.reports)
	}
}

// json is the value trends.json holds, a nil pointer (null) for none.
func (u unit) json(v value) any {
	switch u {
	case unitCount:
		return v.n
	case unitTotal:
		return minutes(v.d)
	case unitMinutes:
		return round(v.d.Minutes(), v.reports)
	case unitDays:
		return round(v.d.Hours()/24, v.reports)
	case unitRate:
		return rate(v.x, v.reports)
	default:
		return round(v.x, v.reports)
	}
}

// chart is the value on a chart's scale, NaN for none.
func (u unit) chart(v value) float64 {
	switch u {
	case unitCount:
		return float64(v.n)
	case unitTotal:
		return v.d.Hours()
	case unitMinutes:
		return hours(v.d, v.reports)
	case unitDays:
		if v.reports == 0 {
			return math.NaN()
		}
		return v.d.Hours() / 24
	case unitRate:
		if v.reports == 0 {
			return math.NaN()
		}
		return 100 * v.x
	default:
		if v.reports == 0 {
			return math.NaN()
		}
		return v.x
	}
}

// measure is one number of a row of type T (a period's figures, a
// scorecard question): its key in trends.json, its unit and how to read
// it.
type measure[T any] struct {
	jsonKey string
	unit    unit
	get     func(*T) value
}

func (m measure[T]) html(r *T) string   { return m.unit.html(m.get(r)) }
func (m measure[T]) csv(r *T) string    { return m.unit.csv(m.get(r)) }
func (m measure[T]) json(r *T) any      { return m.unit.json(m.get(r)) }
func (m measure[T]) chart(r *T) float64 { return m.unit.chart(m.get(r)) }

// column is a measure as one figure shows it: a column of its CSV file
// and, unless head is "", of its HTML table.
type column[T any] struct {
	key  string // the CSV file's header
	head string // the HTML table's header; "" for the CSV file only
	measure[T]
}

// table is a figure's columns after the row's label (the month, the
// year, the question).
type table[T any] []column[T]

// heads are the HTML table's headers.
func (t table[T]) heads() []string {
	var out []string
	for _, c := range t {
		if c.head != "" {
			out = append(out, c.head)
		}
	}
	return out
}

// keys are the CSV file's headers.
func (t table[T]) keys() []string {
	out := make([]string, len(t))
	for i, c := range t {
		out[i] = c.key
	}
	return out
}

// cells are a row of the HTML table, for dataTable.row.
func (t table[T]) cells(r *T) []any {
	var out []any
	for _, c := range t {
		if c.head != "" {
			out = append(out, c.html(r))
		}
	}
	return out
}

// line is a line of the CSV file.
func (t table[T]) line(r *T) []string {
	out := make([]string, len(t))
	for i, c := range t {
		out[i] = c.csv(r)
	}
	return out
}

// appendJSON appends the row's measures to o, in table order, as fields
// of a trends.json object.
func (t table[T]) appendJSON(o jsonObject, r *T) jsonObject {
	for _, c := range t {
		o = append(o, jsonField{c.jsonKey, c.json(r)})
	}
	return o
}

// The measures of a period's figures.
type figureMeasure = measure[trends.Figures]

var (
	incidentCount = figureMeasure{jsonKey: "incidents", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Incidents)} }}

	durationSum = figureMeasure{jsonKey: "duration_minutes", unit: unitTotal,
		get: func(f *trends.Figures) value { return value{d: f.Duration.Sum, reports: f.Duration.Reports} }}
	durationReports = figureMeasure{jsonKey: "duration_reports", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Duration.Reports)} }}

	ttdMedian, ttdP90, ttdReports = spreadMeasures("median_ttd_minutes", "p90_ttd_minutes", "ttd_reports",
		func(f *trends.Figures) trends.Spread { return f.TTD })
	ttrMedian, ttrP90, ttrReports = spreadMeasures("median_ttr_minutes", "p90_ttr_minutes", "ttr_reports",
		func(f *trends.Figures) trends.Spread { return f.TTR })

	pagedSum, pagedReports = sumMeasures("paged", "paged_reports",
		func(f *trends.Figures) trends.Sum { return f.Paged })
	afterHoursSum, afterHoursReports = sumMeasures("paged_after_hours", "paged_after_hours_reports",
		func(f *trends.Figures) trends.Sum { return f.PagedAfterHours })
	requestsFailedSum, requestsFailedReports = sumMeasures("requests_failed", "requests_failed_reports",
		func(f *trends.Figures) trends.Sum { return f.RequestsFailed })

	likelyRepeats = figureMeasure{jsonKey: "likely_repeats", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Repeats.Count)} }}
	repeatReports = figureMeasure{jsonKey: "repeat_reports", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Repeats.Reports)} }}
	repeatRate = figureMeasure{jsonKey: "repeat_rate", unit: unitRate,
		get: func(f *trends.Figures) value { return value{x: f.Repeats.Rate(), reports: f.Repeats.Reports} }}

	// The scorecard's and the action items' keys are those of their own
	// objects in trends.json ("scorecard", "action_items").
	meanScore = figureMeasure{jsonKey: "mean_score", unit: unitMean,
		get: func(f *trends.Figures) value { return value{x: f.Scorecard.MeanScore, reports: f.Scorecard.Reports} }}
	meanAnswered = figureMeasure{jsonKey: "mean_answered", unit: unitMean,
		get: func(f *trends.Figures) value { return value{x: f.Scorecard.MeanAnswered, reports: f.Scorecard.Reports} }}
	scorecardReports = figureMeasure{jsonKey: "reports", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Scorecard.Reports)} }}

	actionsOpened = figureMeasure{jsonKey: "opened", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Actions.Opened)} }}
	actionsDone = figureMeasure{jsonKey: "done", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Actions.Done)} }}
	actionsDeclined = figureMeasure{jsonKey: "declined", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Actions.Declined)} }}
	actionsOpen = figureMeasure{jsonKey: "open", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Actions.Open)} }}
	actionsOpenAge = figureMeasure{jsonKey: "median_open_age_days", unit: unitDays,
		get: func(f *trends.Figures) value { return value{d: f.Actions.MedianOpenAge, reports: f.Actions.Open} }}
	actionsReports = figureMeasure{jsonKey: "reports", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(f.Actions.Reports)} }}

	// The action items by the tracker (content/tasks.json), in the
	// action items' object too; only with the file.
	tasksTracked = figureMeasure{jsonKey: "tracked", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(tracker(f).Tracked)} }}
	tasksStillOpen = figureMeasure{jsonKey: "still_open", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(tracker(f).StillOpen)} }}
	tasksOpenAge = figureMeasure{jsonKey: "median_task_age_days", unit: unitDays,
		get: func(f *trends.Figures) value {
			a := tracker(f).OpenAge
			return value{d: a.Median, reports: a.Reports}
		}}
	tasksClosed = figureMeasure{jsonKey: "tasks_closed", unit: unitCount,
		get: func(f *trends.Figures) value { return value{n: int64(tracker(f).ToClose.Reports)} }}
	tasksToClose = figureMeasure{jsonKey: "median_days_to_close", unit: unitDays,
		get: func(f *trends.Figures) value {
			c := tracker(f).ToClose
			return value{d: c.Median, reports: c.Reports}
		}}
	tasksToCloseP90 = figureMeasure{jsonKey: "p90_days_to_close", unit: unitDays,
		get: func(f *trends.Figures) value {
			c := tracker(f).ToClose
			return value{d: c.P90, reports: c.Reports}
		}}
)

// tracker is f's figures by the tracker, zero without tasks.json.
func tracker(f *trends.Figures) trends.Tracker {
	if f.Tracker == nil {
		return trends.Tracker{}
	}
	return *f.Tracker
}

// spreadMeasures are the median, 90th percentile and coverage of a
// spread of durations.
func spreadMeasures(median, p90, reports string, get func(f *trends.Figures) trends.Spread) (figureMeasure, figureMeasure, figureMeasure) {
	return figureMeasure{jsonKey: median, unit: unitMinutes, get: func(f *trends.Figures) value {
			sp := get(f)
			return value{d: sp.Median, reports: sp.Reports}
		}},
		figureMeasure{jsonKey: p90, unit: unitMinutes, get: func(f *trends.Figures) value {
			sp := get(f)
			return value{d: sp.P90, reports: sp.Reports}
		}},
		figureMeasure{jsonKey: reports, unit: unitCount, get: func(f *trends.Figures) value {
			return value{n: int64(get(f).Reports)}
		}}
}

// sumMeasures are a sum of counts and its coverage.
func sumMeasures(sum, reports string, get func(f *trends.Figures) trends.Sum) (figureMeasure, figureMeasure) {
	return figureMeasure{jsonKey: sum, unit: unitCount, get: func(f *trends.Figures) value { return value{n: get(f).Value} }},
		figureMeasure{jsonKey: reports, unit: unitCount, get: func(f *trends.Figures) value { return value{n: int64(get(f).Reports)} }}
}

// col is a column the CSV file names as trends.json does; colAs one it
// names key.
func col[T any](head string, m measure[T]) column[T] { return column[T]{m.jsonKey, head, m} }

func colAs[T any](key, head string, m measure[T]) column[T] { return column[T]{key, head, m} }

// periodColumns are the columns of the figures by year and by quarter:
// the headline figures, with the numbers of reports they cover in the CSV
// file only.
var periodColumns = table[trends.Figures]{
	col("Incidents", incidentCount),
	col("Total duration", durationSum), col("", durationReports),
	col("Median time to resolve", ttrMedian), col("", ttrReports),
	col("Paged", pagedSum), col("", pagedReports),
	col("After hours", afterHoursSum), col("", afterHoursReports),
	col("Requests failed", requestsFailedSum), col("", requestsFailedReports),
	col("Repeat rate", repeatRate),
}

// The measures of a scorecard question, and its figure's columns after
// the question.
type questionMeasure = measure[trends.QuestionRate]

var (
	questionYes = questionMeasure{jsonKey: "yes", unit: unitCount,
		get: func(q *trends.QuestionRate) value { return value{n: int64(q.Yes)} }}
	questionAnswered = questionMeasure{jsonKey: "answered", unit: unitCount,
		get: func(q *trends.QuestionRate) value { return value{n: int64(q.Answered)} }}
	questionRate = questionMeasure{jsonKey: "rate", unit: unitRate,
		get: func(q *trends.QuestionRate) value { return value{x: q.Rate(), reports: q.Answered} }}

	questionColumns = table[trends.QuestionRate]{col("Yes", questionYes), col("Answered", questionAnswered), col("Yes-rate", questionRate)}
)

// The measures of a service's tasks, and the columns of their figure
// after the service.
type serviceTaskMeasure = measure[trends.ServiceTasks]

var (
	serviceTasksClosed = serviceTaskMeasure{jsonKey: "tasks_closed", unit: unitCount,
		get: func(s *trends.ServiceTasks) value { return value{n: int64(s.ToClose.Reports)} }}
	serviceToClose = serviceTaskMeasure{jsonKey: "median_days_to_close", unit: unitDays,
		get: func(s *trends.ServiceTasks) value { return value{d: s.ToClose.Median, reports: s.ToClose.Reports} }}
	serviceToCloseP90 = serviceTaskMeasure{jsonKey: "p90_days_to_close", unit: unitDays,
		get: func(s *trends.ServiceTasks) value { return value{d: s.ToClose.P90, reports: s.ToClose.Reports} }}
	serviceTasksOpen = serviceTaskMeasure{jsonKey: "still_open", unit: unitCount,
		get: func(s *trends.ServiceTasks) value { return value{n: int64(s.Open)} }}

	serviceTaskColumns = table[trends.ServiceTasks]{col("Tasks closed", serviceTasksClosed), col("Median time to close", serviceToClose),
		col("90th percentile", serviceToCloseP90), col("Still open", serviceTasksOpen)}
)

// jsonLayout is how trends.json lays out a period's figures: these
// measures first, then the scorecard's and the action items' in objects
// of their own (see newJSONFigures), then the breakdowns. The action
// items' object ends with the tracker's measures (tasks) when the archive
// has tasks.json. Every measure a figure's table shows is in it
// (TestTrendColumnsAgree).
var jsonLayout = struct {
	top, scorecard, actions, tasks []figureMeasure
}{
	top: []figureMeasure{
		incidentCount, durationSum, durationReports,
		pagedSum, pagedReports, afterHoursSum, afterHoursReports,
		requestsFailedSum, requestsFailedReports,
		ttdMedian, ttdP90, ttdReports, ttrMedian, ttrP90, ttrReports,
		likelyRepeats, repeatReports, repeatRate,
	},
	scorecard: []figureMeasure{meanScore, meanAnswered, scorecardReports},
	actions:   []figureMeasure{actionsOpened, actionsDone, actionsDeclined, actionsOpen, actionsOpenAge, actionsReports},
	tasks:     []figureMeasure{tasksTracked, tasksStillOpen, tasksOpenAge, tasksClosed, tasksToClose, tasksToCloseP90},
}
