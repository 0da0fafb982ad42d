package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/incidents-archive/incidents/generator/trends"
)

// jsonPeriod is one month, quarter or year of /trends.json. Durations are
// in minutes; a median or percentile that covers no report is null, and
// each figure's *_reports says how many reports it covers.
type jsonPeriod struct {
	Month   string `json:"month,omitempty"`
	Quarter string `json:"quarter,omitempty"`
	Year    string `json:"year,omitempty"`
	Start   string `json:"start,omitempty"` // first instant, RFC 3339 in the time zone
	jsonFigures
}

type jsonFigures struct {
	Incidents              int           `json:"incidents"`
	DurationMinutes        int64         `json:"duration_minutes"`
	DurationReports        int           `json:"duration_reports"`
	Paged                  int64         `json:"paged"`
	PagedReports           int           `json:"paged_reports"`
	PagedAfterHours        int64         `json:"paged_after_hours"`
	PagedAfterHoursReports int           `json:"paged_after_hours_reports"`
	RequestsFailed         int64         `json:"requests_failed"`
	RequestsFailedReports  int           `json:"requests_failed_reports"`
	MedianTTDMinutes       *float64      `json:"median_ttd_minutes"`
	P90TTDMinutes          *float64      `json:"p90_ttd_minutes"`
	TTDReports             int           `json:"ttd_reports"`
	MedianTTRMinutes       *float64      `json:"median_ttr_minutes"`
	P90TTRMinutes          *float64      `json:"p90_ttr_minutes"`
	TTRReports             int           `json:"ttr_reports"`
	LikelyRepeats          int           `json:"likely_repeats"`
	RepeatReports          int           `json:"repeat_reports"`
	RepeatRate             *float64      `json:"repeat_rate"`
	Scorecard              jsonScorecard `json:"scorecard"`
	Actions                jsonActions   `json:"action_items"`
	Services               jsonBreakdown `json:"services"`
	Causes                 jsonBreakdown `json:"causes"`
	Triggers               jsonBreakdown `json:"triggers"`
	FailureModes           jsonBreakdown `json:"failure_modes"`
	Sites                  jsonBreakdown `json:"sites"`
}

type jsonScorecard struct {
	MeanScore    *float64       `json:"mean_score"`
	MeanAnswered *float64       `json:"mean_answered"`
	Reports      int            `json:"reports"`
	Questions    []jsonQuestion `json:"questions"`
}

type jsonQuestion struct {
	Key      string   `json:"key"`
	Yes      int      `json:"yes"`
	Answered int      `json:"answered"`
	Rate     *float64 `json:"rate"`
}

type jsonActions struct {
	Opened            int      `json:"opened"`
	Done              int      `json:"done"`
	Declined          int      `json:"declined"`
	Open              int      `json:"open"`
	MedianOpenAgeDays *float64 `json:"median_open_age_days"`
	Reports           int      `json:"reports"`
}

type jsonBreakdown struct {
	Top        []jsonCount `json:"top"`
	Other      int         `json:"other"`
	OtherTerms int         `json:"other_terms"`
	Reports    int         `json:"reports"`
}

type jsonCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// round keeps one decimal, or none for null: nil when nothing is covered.
func round(v float64, covered int) *float64 {
	if covered == 0 {
		return nil
	}
	r := math.Round(v*10) / 10
	return &r
}

func rate(v float64, covered int) *float64 {
	if covered == 0 {
		return nil
	}
	r := math.Round(v*10000) / 10000
	return &r
}

func minutesOf(d time.Duration) float64 { return d.Minutes() }

func newJSONFigures(f *trends.Figures) jsonFigures {
	j := jsonFigures{
		Incidents:       f.Incidents,
		DurationMinutes: minutes(f.Duration.Sum), DurationReports: f.Duration.Reports,
		Paged: f.Paged.Value, PagedReports: f.Paged.Reports,
		PagedAfterHours: f.PagedAfterHours.Value, PagedAfterHoursReports: f.PagedAfterHours.Reports,
		RequestsFailed: f.RequestsFailed.Value, RequestsFailedReports: f.RequestsFailed.Reports,
		MedianTTDMinutes: round(minutesOf(f.TTD.Median), f.TTD.Reports), P90TTDMinutes: round(minutesOf(f.TTD.P90), f.TTD.Reports), TTDReports: f.TTD.Reports,
		MedianTTRMinutes: round(minutesOf(f.TTR.Median), f.TTR.Reports), P90TTRMinutes: round(minutesOf(f.TTR.P90), f.TTR.Reports), TTRReports: f.TTR.Reports,
		LikelyRepeats: f.Repeats.Count, RepeatReports: f.Repeats.Reports, RepeatRate: rate(f.Repeats.Rate(), f.Repeats.Reports),
		Scorecard: jsonScorecard{
			MeanScore:    round(f.Scorecard.MeanScore, f.Scorecard.Reports),
			MeanAnswered: round(f.Scorecard.MeanAnswered, f.Scorecard.Reports),
			Reports:      f.Scorecard.Reports,
			Questions:    []jsonQuestion{},
		},
		Actions: jsonActions{Opened: f.Actions.Opened, Done: f.Actions.Done, Declined: f.Actions.Declined, Open: f.Actions.Open,
			MedianOpenAgeDays: round(f.Actions.MedianOpenAge.Hours()/24, f.Actions.Open), Reports: f.Actions.Reports},
		Services: newJSONBreakdown(f.Services), Causes: newJSONBreakdown(f.Causes), Triggers: newJSONBreakdown(f.Triggers),
		FailureModes: newJSONBreakdown(f.FailureModes), Sites: newJSONBreakdown(f.Sites),
	}
	for _, q := range f.Scorecard.Questions {
		j.Scorecard.Questions = append(j.Scorecard.Questions, jsonQuestion{Key: q.Key, Yes: q.Yes, Answered: q.Answered, Rate: rate(q.Rate(), q.Answered)})
	}
	return j
}

func newJSONBreakdown(b trends.Breakdown) jsonBreakdown {
	j := jsonBreakdown{Top: make([]jsonCount, len(b.Top)), Other: b.Other, OtherTerms: b.OtherTerms, Reports: b.Reports}
	for i, c := range b.Top {
		j.Top[i] = jsonCount(c)
	}
	return j
}

// trendsJSONJob writes /trends.json: every figure of every month, quarter
// and year, and of the whole archive.
func (s *site) trendsJSONJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		t := s.trends
		periods := func(ps []trends.Period, set func(*jsonPeriod, string)) []jsonPeriod {
			out := make([]jsonPeriod, len(ps))
			for i := range ps {
				out[i] = jsonPeriod{Start: ps[i].Start.Format(time.RFC3339), jsonFigures: newJSONFigures(&ps[i].Figures)}
				set(&out[i], ps[i].Key)
			}
			return out
		}
		doc := struct {
			Generator   string       `json:"generator"`
			Generated   string       `json:"generated"` // the build's day
			TimeZone    string       `json:"time_zone"`
			ThisMonth   string       `json:"this_month"`
			ThisQuarter string       `json:"this_quarter"`
			ThisYear    string       `json:"this_year"`
			TopN        int          `json:"top_n"`
			Monthly     []jsonPeriod `json:"monthly"`
			Quarterly   []jsonPeriod `json:"quarterly"`
			Yearly      []jsonPeriod `json:"yearly"`
			All         jsonFigures  `json:"all"`
		}{
			Generator: "incidents " + s.opts.Version, Generated: t.Now.Format("2006-01-02"), TimeZone: s.zone(),
			ThisMonth: t.ThisMonth().Key, ThisQuarter: t.ThisQuarter().Key, ThisYear: t.ThisYear().Key, TopN: trends.TopN,
			Monthly:   periods(t.Months, func(p *jsonPeriod, k string) { p.Month = k }),
			Quarterly: periods(t.Quarters, func(p *jsonPeriod, k string) { p.Quarter = k }),
			Yearly:    periods(t.Years, func(p *jsonPeriod, k string) { p.Year = k }),
			All:       newJSONFigures(&t.All),
		}
		enc := json.NewEncoder(buf)
		if err := enc.Encode(doc); err != nil {
			return "", fmt.Errorf("encoding trends.json: %w", err)
		}
		return "trends.json", nil
	}
}
