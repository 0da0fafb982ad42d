package trends

import (
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
)

// TermTrend is the small trend of one service or cause: its reports per
// year and their time to resolve.
type TermTrend struct {
	// Years holds every year of the Trends, oldest first, so that the
	// trends of different terms line up.
	Years []YearCount
	TTR   Spread
}

// YearCount is how many reports started in one year.
type YearCount struct {
	Year    string
	Reports int
}

// Term computes the trend of the reports naming one term, in the years
// and the time zone of t.
func (t *Trends) Term(ins []*incident.Incident) TermTrend {
	tt := TermTrend{Years: make([]YearCount, len(t.Years))}
	for i, y := range t.Years {
		tt.Years[i].Year = y.Key
	}
	var ttr []time.Duration
	for _, r := range ins {
		if y := find(t.Years, r.Start); y < len(t.Years) && !t.Years[y].Start.After(r.Start) {
			tt.Years[y].Reports++
		}
		if r.HasEnd() {
			ttr = append(ttr, r.Duration)
		}
	}
	tt.TTR = spread(ttr)
	return tt
}
