package analysis

import (
	"cmp"
	"slices"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/internal/saturate"
)

// Rate is the repeat rate of one service or cause: how many of the reports
// naming it have a likely repeat of an earlier report.
type Rate struct {
	Name    string
	Reports int // reports naming it
	Repeats int // of those, reports with a likely repeat
}

// Share is Repeats as a fraction of Reports.
func (r Rate) Share() float64 {
	if r.Reports == 0 {
		return 0
	}
	return float64(r.Repeats) / float64(r.Reports)
}

// Rates returns the repeat rate of every value that values gives for the
// reports, such as their services or causes: highest rate first, then
// most repeats, then by name.
func (x *Index) Rates(values func(*incident.Incident) []string) []Rate {
	byName := map[string]*Rate{}
	var out []*Rate
	for i, in := range x.incidents {
		likely := x.hasLikely(i)
		seen := map[string]bool{}
		for _, v := range values(in) {
			if seen[v] {
				continue
			}
			seen[v] = true
			r := byName[v]
			if r == nil {
				r = &Rate{Name: v}
				byName[v] = r
				out = append(out, r)
			}
			r.Reports++
			if likely {
				r.Repeats++
			}
		}
	}
	rates := make([]Rate, len(out))
	for i, r := range out {
		rates[i] = *r
	}
	slices.SortFunc(rates, func(a, b Rate) int {
		// a.Repeats/a.Reports against b.Repeats/b.Reports, exactly
		// while the products fit (report counts are far below √MaxInt).
		if c := cmp.Compare(saturate.Mul(b.Repeats, a.Reports), saturate.Mul(a.Repeats, b.Reports)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Repeats, a.Repeats); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return rates
}

// Services gives a report's services, for Rates.
func Services(in *incident.Incident) []string { return in.Services }

// Causes gives a report's causes, for Rates.
func Causes(in *incident.Incident) []string { return in.Causes }
