package trends

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
)

// TestSumsSaturate: a total too large for its type stays at the largest
// value instead of wrapping to a negative one (the case: paged
// 9223372036854775807 in one report and 1 in another once summed to
// -9223372036854775808), and large sums that fit are exact.
func TestSumsSaturate(t *testing.T) {
	now, _ := time.Parse(time.RFC3339, "2026-06-01T00:00:00Z")
	const maxDuration = time.Duration(math.MaxInt64)
	// Two reports lasting 200 years each: each fits in a time.Duration
	// (about 292 years), their sum does not.
	long := func(id string) *incident.Incident {
		r := report(id, "1975-01-01T00:00:00Z", 0)
		r.End = r.Start.AddDate(200, 0, 0)
		r.Duration = r.End.Sub(r.Start)
		return r
	}
	tests := []struct {
		name    string
		reports func() []*incident.Incident
		check   func(t *testing.T, f Figures)
	}{
		{"counts past int64", func() []*incident.Incident {
			return []*incident.Incident{
				report("a", "2026-01-05T00:00:00Z", 10, paged(math.MaxInt64, math.MaxInt64), failed(math.MaxInt64)),
				report("b", "2026-01-06T00:00:00Z", 10, paged(1, 1), failed(1)),
			}
		}, func(t *testing.T, f Figures) {
			want := Sum{math.MaxInt64, 2}
			if f.Paged != want || f.PagedAfterHours != want || f.RequestsFailed != want {
				t.Errorf("paged %+v, after hours %+v, failed %+v; want %+v for each", f.Paged, f.PagedAfterHours, f.RequestsFailed, want)
			}
		}},
		{"durations past 292 years", func() []*incident.Incident {
			return []*incident.Incident{long("a"), long("b")}
		}, func(t *testing.T, f Figures) {
			if f.Duration != (Total{maxDuration, 2}) {
				t.Errorf("duration %+v, want %v over 2 reports", f.Duration, maxDuration)
			}
		}},
		{"100,000 large but valid reports sum exactly", func() []*incident.Incident {
			rs := make([]*incident.Incident, 100_000)
			for i := range rs {
				// The most paged and the most failed requests a report may
				// give, each lasting a day: 8.64e18 ns in all, just inside
				// a time.Duration.
				rs[i] = report(fmt.Sprint(i), "2026-01-05T00:00:00Z", 24*60, paged(1_000_000, 1_000_000), failed(10_000_000_000_000))
			}
			return rs
		}, func(t *testing.T, f Figures) {
			if want := (Sum{100_000 * 1_000_000, 100_000}); f.Paged != want || f.PagedAfterHours != want {
				t.Errorf("paged %+v, after hours %+v; want %+v", f.Paged, f.PagedAfterHours, want)
			}
			if want := (Sum{1_000_000_000_000_000_000, 100_000}); f.RequestsFailed != want {
				t.Errorf("failed %+v, want %+v", f.RequestsFailed, want)
			}
			if want := (Total{100_000 * 24 * time.Hour, 100_000}); f.Duration != want {
				t.Errorf("duration %+v, want %+v", f.Duration, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := Compute(Input{Incidents: tt.reports(), Now: now})
			tt.check(t, tr.All)
			for _, y := range tr.Years {
				if y.Duration.Sum < 0 || y.Paged.Value < 0 || y.RequestsFailed.Value < 0 {
					t.Errorf("%s: a negative sum: %+v", y.Key, y.Figures)
				}
			}
		})
	}
}
