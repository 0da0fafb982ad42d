package trends

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
)

// report builds a report starting at start (RFC 3339) that lasted the
// given minutes (negative: no end), with its other fields set by opts.
func report(id, start string, minutes int, opts ...func(*incident.Incident)) *incident.Incident {
	s, err := time.Parse(time.RFC3339, start)
	if err != nil {
		panic(err)
	}
	r := &incident.Incident{ID: id, Start: s}
	if minutes >= 0 {
		r.End = s.Add(time.Duration(minutes) * time.Minute)
		r.Duration = r.End.Sub(r.Start)
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

func detectedAfter(m int) func(*incident.Incident) {
	return func(r *incident.Incident) {
		r.Detected = r.Start.Add(time.Duration(m) * time.Minute)
		r.TTD = r.Detected.Sub(r.Start)
	}
}

func paged(n, after int64) func(*incident.Incident) {
	return func(r *incident.Incident) { r.Paged, r.PagedAfterHours = &n, &after }
}

func failed(n int64) func(*incident.Incident) {
	return func(r *incident.Incident) { r.RequestsFailed = &n }
}

func services(names ...string) func(*incident.Incident) {
	return func(r *incident.Incident) { r.Services = names }
}

func actions(states ...string) func(*incident.Incident) {
	return func(r *incident.Incident) {
		for i, s := range states {
			r.Actionables = append(r.Actionables, incident.Actionable{Title: fmt.Sprint(i), Status: s})
		}
	}
}

func scorecard(answers ...string) func(*incident.Incident) {
	return func(r *incident.Incident) {
		for i, a := range answers {
			r.Scorecard = append(r.Scorecard, incident.ScoredAnswer{Key: fmt.Sprintf("q%d", i+1), Answer: a})
			if a == incident.Yes || a == incident.No {
				r.Score.Answered++
			}
			if a == incident.Yes {
				r.Score.Yes++
			}
		}
	}
}

var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func keys(ps []Period) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key)
	}
	return out
}

func TestPeriodsRunWithoutGaps(t *testing.T) {
	tr := Compute(Input{Now: now, Incidents: []*incident.Incident{
		report("a", "2025-11-20T10:00:00Z", 30),
		report("b", "2026-01-05T10:00:00Z", 30),
	}})
	if got, want := keys(tr.Months), []string{"2025-11", "2025-12", "2026-01", "2026-02", "2026-03"}; !slices.Equal(got, want) {
		t.Errorf("months = %v, want %v", got, want)
	}
	if got, want := keys(tr.Quarters), []string{"2025-Q4", "2026-Q1"}; !slices.Equal(got, want) {
		t.Errorf("quarters = %v, want %v", got, want)
	}
	if got, want := keys(tr.Years), []string{"2025", "2026"}; !slices.Equal(got, want) {
		t.Errorf("years = %v, want %v", got, want)
	}
	counts := []int{}
	for _, m := range tr.Months {
		counts = append(counts, m.Incidents)
	}
	if want := []int{1, 0, 1, 0, 0}; !slices.Equal(counts, want) {
		t.Errorf("monthly incidents = %v, want %v (empty months kept at zero)", counts, want)
	}
	if m := tr.ThisMonth(); m.Key != "2026-03" || m.Label != "March 2026" || m.Incidents != 0 {
		t.Errorf("this month = %s %q with %d incidents", m.Key, m.Label, m.Incidents)
	}
	if q := tr.ThisQuarter(); q.Key != "2026-Q1" || q.Label != "Q1 2026" || q.Incidents != 1 {
		t.Errorf("this quarter = %s %q with %d incidents", q.Key, q.Label, q.Incidents)
	}
	if y := tr.ThisYear(); y.Key != "2026" || y.Incidents != 1 {
		t.Errorf("this year = %s with %d incidents", y.Key, y.Incidents)
	}
	if tr.All.Incidents != 2 {
		t.Errorf("all incidents = %d", tr.All.Incidents)
	}
}

func TestEmptyArchive(t *testing.T) {
	tr := Compute(Input{Now: now})
	if got := keys(tr.Months); !slices.Equal(got, []string{"2026-03"}) {
		t.Errorf("months = %v, want only the current one", got)
	}
	m := tr.ThisMonth()
	if m.Incidents != 0 || m.Duration.Reports != 0 || m.TTR.Reports != 0 || m.Repeats.Reports != 0 || len(m.Services.Top) != 0 {
		t.Errorf("empty month has figures: %+v", m.Figures)
	}
}

func TestReportsInTheFutureExtendThePeriods(t *testing.T) {
	tr := Compute(Input{Now: now, Incidents: []*incident.Incident{report("a", "2026-05-02T10:00:00Z", 5)}})
	if got := keys(tr.Months); !slices.Equal(got, []string{"2026-03", "2026-04", "2026-05"}) {
		t.Errorf("months = %v", got)
	}
	if tr.ThisMonth().Key != "2026-03" {
		t.Errorf("this month = %s", tr.ThisMonth().Key)
	}
}

// TestTimeZones checks that a report near a month's edge lands in the
// month of the zone the figures are read in.
func TestTimeZones(t *testing.T) {
	berlin := time.FixedZone("UTC+1", 3600)
	pacific := time.FixedZone("UTC-8", -8*3600)
	tests := []struct {
		name    string
		start   string
		loc     *time.Location
		month   string
		quarter string
		year    string
	}{
		{"UTC, last minutes of January", "2026-01-31T23:30:00Z", nil, "2026-01", "2026-Q1", "2026"},
		{"east of UTC, already February", "2026-01-31T23:30:00Z", berlin, "2026-02", "2026-Q1", "2026"},
		{"east of UTC, already the new year", "2025-12-31T23:30:00Z", berlin, "2026-01", "2026-Q1", "2026"},
		{"UTC, still the old year", "2025-12-31T23:30:00Z", time.UTC, "2025-12", "2025-Q4", "2025"},
		{"west of UTC, still March", "2026-04-01T03:00:00Z", pacific, "2026-03", "2026-Q1", "2026"},
		{"an offset in the report does not matter", "2026-03-01T00:30:00+01:00", time.UTC, "2026-02", "2026-Q1", "2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := Compute(Input{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Location: tt.loc, Incidents: []*incident.Incident{report("a", tt.start, 10)}})
			for _, c := range []struct {
				what string
				ps   []Period
				want string
			}{{"month", tr.Months, tt.month}, {"quarter", tr.Quarters, tt.quarter}, {"year", tr.Years, tt.year}} {
				var got []string
				for _, p := range c.ps {
					if p.Incidents > 0 {
						got = append(got, p.Key)
					}
				}
				if !slices.Equal(got, []string{c.want}) {
					t.Errorf("%s = %v, want %s", c.what, got, c.want)
				}
			}
		})
	}
}

func TestFigures(t *testing.T) {
	march := func(day int) string { return fmt.Sprintf("2026-03-%02dT10:00:00Z", day) }
	tests := []struct {
		name    string
		reports []*incident.Incident
		likely  []bool
		check   func(t *testing.T, f Figures)
	}{
		{"durations: reports without end count, but not in durations", []*incident.Incident{
			report("a", march(1), 10, detectedAfter(2)),
			report("b", march(2), 20, detectedAfter(4)),
			report("c", march(3), 30),
			report("d", march(4), 240, detectedAfter(60)),
			report("e", march(5), -1, detectedAfter(6)),
		}, nil, func(t *testing.T, f Figures) {
			if f.Incidents != 5 {
				t.Errorf("incidents = %d, want 5", f.Incidents)
			}
			if f.Duration != (Total{Sum: 300 * time.Minute, Reports: 4}) {
				t.Errorf("duration = %+v, want 300m over 4 reports", f.Duration)
			}
			// 10 20 30 240: median between 20 and 30, p90 at rank 2.7.
			if want := (Spread{Median: 25 * time.Minute, P90: 30*time.Minute + 147*time.Minute, Reports: 4}); f.TTR != want {
				t.Errorf("TTR = %+v, want %+v", f.TTR, want)
			}
			// 2 4 6 60: median 5, p90 at rank 2.7 = 6 + 0.7·54.
			if want := (Spread{Median: 5 * time.Minute, P90: 6*time.Minute + 37*time.Minute + 48*time.Second, Reports: 4}); f.TTD != want {
				t.Errorf("TTD = %+v, want %+v", f.TTD, want)
			}
		}},
		{"one report: its own median and p90", []*incident.Incident{report("a", march(1), 45)}, nil, func(t *testing.T, f Figures) {
			if f.TTR != (Spread{Median: 45 * time.Minute, P90: 45 * time.Minute, Reports: 1}) {
				t.Errorf("TTR = %+v", f.TTR)
			}
			if f.TTD.Reports != 0 || f.TTD.Median != 0 {
				t.Errorf("TTD without detected = %+v", f.TTD)
			}
		}},
		{"paging and failed requests count the reports that record them", []*incident.Incident{
			report("a", march(1), 10, paged(5, 2), failed(1000)),
			report("b", march(2), 10, paged(3, 0)),
			report("c", march(3), 10, failed(500)),
			report("d", march(4), 10),
		}, nil, func(t *testing.T, f Figures) {
			if f.Paged != (Sum{8, 2}) || f.PagedAfterHours != (Sum{2, 2}) || f.RequestsFailed != (Sum{1500, 2}) {
				t.Errorf("paged %+v, after hours %+v, failed %+v", f.Paged, f.PagedAfterHours, f.RequestsFailed)
			}
		}},
		{"breakdown: top 10 and the rest as other", func() []*incident.Incident {
			var rs []*incident.Incident
			// svc-00 is named by 12 reports, svc-01 by 11, ..., svc-11 by 1.
			for i := range 12 {
				for j := range 12 - i {
					rs = append(rs, report(fmt.Sprintf("%d-%d", i, j), march(1+j), 5, services(fmt.Sprintf("svc-%02d", i))))
				}
			}
			rs = append(rs, report("none", march(20), 5), report("twice", march(21), 5, services("svc-00", "svc-00", "svc-11")))
			return rs
		}(), nil, func(t *testing.T, f Figures) {
			b := f.Services
			if len(b.Top) != TopN || b.Top[0] != (Count{"svc-00", 13}) || b.Top[9] != (Count{"svc-09", 3}) {
				t.Errorf("top = %v", b.Top)
			}
			// svc-10 (2) and svc-11 (1 + the report naming it with svc-00).
			if b.Other != 4 || b.OtherTerms != 2 {
				t.Errorf("other = %d in %d terms, want 4 in 2", b.Other, b.OtherTerms)
			}
			if b.Reports != 79 {
				t.Errorf("reports naming a service = %d, want 79 (78 + 1, not the one without)", b.Reports)
			}
			if f.Causes.Reports != 0 || len(f.Causes.Top) != 0 {
				t.Errorf("causes = %+v, want none", f.Causes)
			}
		}},
		{"ties in a breakdown go by name", []*incident.Incident{
			report("a", march(1), 5, services("b", "a")),
			report("b", march(2), 5, func(r *incident.Incident) { r.Trigger, r.FailureMode = "deploy", "overload" }),
		}, nil, func(t *testing.T, f Figures) {
			if !slices.Equal(f.Services.Top, []Count{{"a", 1}, {"b", 1}}) {
				t.Errorf("top = %v", f.Services.Top)
			}
			if !slices.Equal(f.Triggers.Top, []Count{{"deploy", 1}}) || f.Triggers.Reports != 1 || f.FailureModes.Reports != 1 {
				t.Errorf("triggers %+v, failure modes %+v", f.Triggers, f.FailureModes)
			}
		}},
		{"scorecard: mean score over reports that answered, yes-rate per question", []*incident.Incident{
			report("a", march(1), 5, scorecard("yes", "no", "yes")),
			report("b", march(2), 5, scorecard("yes", "n/a", "no")),
			report("c", march(3), 5, scorecard("n/a")),
			report("d", march(4), 5),
		}, nil, func(t *testing.T, f Figures) {
			s := f.Scorecard
			if s.Reports != 2 || s.MeanScore != 1.5 || s.MeanAnswered != 2.5 {
				t.Errorf("scorecard = %+v, want mean 1.5 of 2.5 over 2 reports", s)
			}
			want := []QuestionRate{{"q1", 2, 2}, {"q2", 0, 1}, {"q3", 1, 2}}
			if !slices.Equal(s.Questions, want) {
				t.Errorf("questions = %v, want %v", s.Questions, want)
			}
			if s.Questions[2].Rate() != 0.5 || (QuestionRate{}).Rate() != 0 {
				t.Error("Rate is wrong")
			}
		}},
		{"action items: the age of open items runs from their report's start", []*incident.Incident{
			report("a", "2026-03-05T12:00:00Z", 5, actions("open", "done", "declined")),
			report("b", "2026-03-11T12:00:00Z", 5, actions("open", "open")),
			report("c", march(12), 5),
		}, nil, func(t *testing.T, f Figures) {
			a := f.Actions
			if a.Opened != 5 || a.Done != 1 || a.Declined != 1 || a.Open != 3 || a.Reports != 2 {
				t.Errorf("actions = %+v", a)
			}
			// Ages 10, 4 and 4 days at now (15 March, noon).
			if a.MedianOpenAge != 4*24*time.Hour {
				t.Errorf("median open age = %v, want 96h", a.MedianOpenAge)
			}
		}},
		{"repeat rate", []*incident.Incident{
			report("a", march(1), 5), report("b", march(2), 5), report("c", march(3), 5), report("d", march(4), 5),
		}, []bool{false, true, false, true}, func(t *testing.T, f Figures) {
			if f.Repeats != (Ratio{2, 4}) || f.Repeats.Rate() != 0.5 {
				t.Errorf("repeats = %+v", f.Repeats)
			}
		}},
		{"no repeat detection: the repeat rate covers nothing", []*incident.Incident{report("a", march(1), 5)}, nil, func(t *testing.T, f Figures) {
			if f.Repeats != (Ratio{}) || f.Repeats.Rate() != 0 {
				t.Errorf("repeats = %+v", f.Repeats)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := Compute(Input{Now: now, Incidents: tt.reports, Likely: tt.likely, Questions: []string{"q1", "q2", "q3"}})
			// Every report is in March 2026: the month, the quarter, the
			// year and the whole archive agree.
			for _, f := range []Figures{tr.ThisMonth().Figures, tr.ThisQuarter().Figures, tr.ThisYear().Figures, tr.All} {
				tt.check(t, f)
			}
		})
	}
}

func TestTerm(t *testing.T) {
	rs := []*incident.Incident{
		report("a", "2024-05-01T10:00:00Z", 60),
		report("b", "2026-01-01T10:00:00Z", 30),
		report("c", "2026-02-01T10:00:00Z", -1),
		report("d", "2026-02-02T10:00:00Z", 90),
	}
	tr := Compute(Input{Now: now, Incidents: rs})
	tt := tr.Term(rs[1:])
	want := []YearCount{{"2024", 0}, {"2025", 0}, {"2026", 3}}
	if !slices.Equal(tt.Years, want) {
		t.Errorf("years = %v, want %v", tt.Years, want)
	}
	if tt.TTR.Reports != 2 || tt.TTR.Median != time.Hour {
		t.Errorf("TTR = %+v, want a median of 1h over 2 reports", tt.TTR)
	}
	if got := tr.Term(nil); len(got.Years) != 3 || got.TTR.Reports != 0 {
		t.Errorf("term without reports = %+v", got)
	}
}

func BenchmarkCompute(b *testing.B) {
	var rs []*incident.Incident
	start := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	likely := make([]bool, 10000)
	for i := range 10000 {
		r := report(fmt.Sprint(i), start.Add(time.Duration(i)*7*time.Hour).Format(time.RFC3339), 10+i%500,
			detectedAfter(i%60), paged(int64(i%8), int64(i%3)), failed(int64(i*37)),
			services(fmt.Sprintf("svc-%d", i%400), fmt.Sprintf("svc-%d", i%13)),
			actions("open", "done"), scorecard("yes", "no", "n/a"))
		r.Causes = []string{fmt.Sprintf("cause-%d", i%50)}
		rs = append(rs, r)
		likely[i] = i%4 == 0
	}
	b.ReportAllocs()
	for b.Loop() {
		Compute(Input{Now: now, Incidents: rs, Likely: likely, Questions: []string{"q1", "q2", "q3"}})
	}
}

// TestSummerTime: in a zone with summer time the month edges move with
// the offset, so a report is counted in the month its local start falls
// in on either side of a change, and the periods stay whole months.
func TestSummerTime(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err) // Go's own zoneinfo.zip has it where the system has none
	}
	tr := Compute(Input{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Location: berlin, Incidents: []*incident.Incident{
		report("summer, already April", "2026-03-31T22:30:00Z", 5),    // 00:30 CEST
		report("summer, still March", "2026-03-31T21:30:00Z", 5),      // 23:30 CEST
		report("winter, already November", "2026-10-31T23:30:00Z", 5), // 00:30 CET
		report("winter, still October", "2026-10-31T22:30:00Z", 5),    // 23:30 CET
		report("the night of the change", "2026-10-25T00:30:00Z", 5),  // 02:30 CEST, October either way
	}})
	want := map[string]int{"2026-03": 1, "2026-04": 1, "2026-10": 2, "2026-11": 1}
	for _, m := range tr.Months {
		if m.Incidents != want[m.Key] {
			t.Errorf("%s: %d incidents, want %d", m.Key, m.Incidents, want[m.Key])
		}
		if m.Start.Day() != 1 || m.Start.Hour() != 0 || m.End.Day() != 1 || m.End.Hour() != 0 {
			t.Errorf("%s runs from %v to %v, not from midnight on the first to midnight on the first", m.Key, m.Start, m.End)
		}
	}
	if q := tr.Quarters[find(tr.Quarters, time.Date(2026, 10, 1, 0, 0, 0, 0, berlin))]; q.Key != "2026-Q4" || q.Incidents != 3 {
		t.Errorf("%s: %d incidents, want 2026-Q4 with 3", q.Key, q.Incidents)
	}
}

// TestTermNames: with TermName, the spellings of one term count as one in
// the breakdowns, and a report naming both counts once.
func TestTermNames(t *testing.T) {
	ins := []*incident.Incident{
		report("a", "2026-03-01T10:00:00Z", 10, services("zurich-db")),
		report("b", "2026-03-02T10:00:00Z", 10, services("zürich-db")),
		report("c", "2026-03-03T10:00:00Z", 10, services("zürich-db", "zurich-db", "api")),
	}
	name := func(kind, n string) string {
		if kind == "services" && n == "zurich-db" {
			return "zürich-db"
		}
		return n
	}
	tr := Compute(Input{Incidents: ins, Now: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), TermName: name})
	got := tr.ThisMonth().Figures.Services.Top
	if want := []Count{{"zürich-db", 3}, {"api", 1}}; !slices.Equal(got, want) {
		t.Errorf("services = %v, want %v", got, want)
	}
}
