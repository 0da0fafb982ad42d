// Package analysis relates the reports of an archive through what repeat
// detection found, and checks reports' own scorecard answers against what
// the archive shows.
//
// Its input is the archive's reports and, aligned with them, each report's
// candidates from package repeats (earlier reports, best first). From them
// it derives:
//
//   - the likely repeats and the merely similar reports of each report;
//   - the reverse index, "recurred later as": the later reports that have
//     a report as a likely candidate;
//   - recurrence chains: the connected groups of reports joined by likely
//     repeats, in either direction;
//   - the state of the action items of the earlier reports in a chain;
//   - repeat rates: the share of a service's (or cause's) reports that
//     have a likely repeat;
//   - computed scorecard answers (see Check).
//
// Action items carry no dates of their own: an item still open now was open
// when a later report recurred, while a done item may have been closed
// before or after. Where the tracker's record of an item's task is known
// (Config.Tasks, content/tasks.json), its creation and closing times say
// whether it was open when a later report began. The package says only
// what is known.
//
// The package is pure: no I/O, no templates; the same input always gives the
// same output.
package analysis

import (
	"slices"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// Index relates an archive's reports through their likely repeats. Build
// it with New; it is read-only afterwards and safe for concurrent use.
type Index struct {
	cfg        Config
	incidents  []*incident.Incident
	candidates [][]repeats.Candidate
	pos        map[*incident.Incident]int // index in incidents
	byID       map[string]int
	order      []int // indexes in chronological order
	rank       []int // chronological rank by index
	later      [][]Recurrence
	chains     []*Chain
	chainOf    []*Chain
	// tracked holds, by report and action item, the tracker's record of
	// the item's task (see Tracked), nil where it cannot tell; nil
	// without Config.Tasks. Looked up once, since every page of a chain
	// reads the items of the earlier reports again.
	tracked [][]*tasks.Task
}

// Recurrence is a later report that has a report as a likely candidate,
// with that candidate: its score and reasons.
type Recurrence struct {
	Incident *incident.Incident
	// Candidate is the later report's candidate, in the lists New was
	// given, not a copy: at 100,000 reports the copies took 59 MB.
	Candidate *repeats.Candidate
}

// Chain is a group of reports connected by likely repeats.
type Chain struct {
	// ID names the chain for anchors: the slug of its oldest report.
	ID string
	// Incidents are the reports of the chain, oldest first.
	Incidents []*incident.Incident
}

// Latest is when the chain's newest report started.
func (c *Chain) Latest() time.Time { return c.Incidents[len(c.Incidents)-1].Start }

// New indexes ins, whose candidates (from repeats.Detect, in the same order)
// are cands; cands may be nil when detection did not run. The index
// points into cands (see Recurrence): they must not change while it is
// in use.
func New(ins []*incident.Incident, cands [][]repeats.Candidate, cfg Config) *Index {
	x := &Index{
		cfg:        cfg,
		incidents:  ins,
		candidates: make([][]repeats.Candidate, len(ins)),
		pos:        make(map[*incident.Incident]int, len(ins)),
		byID:       make(map[string]int, len(ins)),
		later:      make([][]Recurrence, len(ins)),
		chainOf:    make([]*Chain, len(ins)),
	}
	copy(x.candidates, cands)
	for i, in := range ins {
		x.pos[in] = i
		x.byID[in.ID] = i
	}
	x.track()
	x.order = make([]int, len(ins))
	for i := range x.order {
		x.order[i] = i
	}
	slices.SortStableFunc(x.order, func(a, b int) int { return compareChrono(ins[a], ins[b]) })
	x.rank = make([]int, len(ins))
	for r, i := range x.order {
		x.rank[i] = r
	}
	// The reverse index and the chains, from likely candidates only.
	parent := make([]int, len(ins))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, i := range x.order {
		for k := range x.candidates[i] {
			c := &x.candidates[i][k]
			j, ok := x.byID[c.ID]
			if !c.Likely || !ok || j == i {
				continue
			}
			x.later[j] = append(x.later[j], Recurrence{Incident: ins[i], Candidate: c})
			if a, b := find(i), find(j); a != b {
				parent[a] = b
			}
		}
	}
	groups := map[int]*Chain{}
	for _, i := range x.order { // oldest first, so each chain's list is too
		root := find(i)
		if root == i && len(x.later[i]) == 0 && !x.hasLikely(i) {
			continue // alone
		}
		c := groups[root]
		if c == nil {
			c = &Chain{ID: ins[i].Slug}
			groups[root] = c
			x.chains = append(x.chains, c)
		}
		c.Incidents = append(c.Incidents, ins[i])
		x.chainOf[i] = c
	}
	slices.SortStableFunc(x.chains, func(a, b *Chain) int {
		if len(a.Incidents) != len(b.Incidents) {
			return len(b.Incidents) - len(a.Incidents)
		}
		return compareChrono(b.Incidents[len(b.Incidents)-1], a.Incidents[len(a.Incidents)-1])
	})
	return x
}

// compareChrono orders reports by start, then id, as detection does.
func compareChrono(a, b *incident.Incident) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (x *Index) hasLikely(i int) bool {
	return LikelyAmong(x.candidates[i], func(id string) bool { _, ok := x.byID[id]; return ok })
}

// LikelyAmong reports whether cands hold a likely repeat that is one of
// the reports known says exist: HasLikely, for a caller that needs the
// answer before the Index is built.
func LikelyAmong(cands []repeats.Candidate, known func(id string) bool) bool {
	for _, c := range cands {
		if c.Likely && known(c.ID) {
			return true
		}
	}
	return false
}

// index returns in's position, or -1 for a report the index does not hold.
func (x *Index) index(in *incident.Incident) int {
	if i, ok := x.pos[in]; ok {
		return i
	}
	return -1
}

// Incident returns the indexed report with the id.
func (x *Index) Incident(id string) (*incident.Incident, bool) {
	if i, ok := x.byID[id]; ok {
		return x.incidents[i], true
	}
	return nil, false
}

// Likely returns in's likely repeats (earlier reports), best first.
func (x *Index) Likely(in *incident.Incident) []repeats.Candidate {
	return x.filter(in, "likely repeat")
}

// Similar returns the earlier reports similar to in but not likely
// repeats, best first.
func (x *Index) Similar(in *incident.Incident) []repeats.Candidate {
	return x.filter(in, "similar")
}

// CalledUnrelated returns the earlier reports that one of the two reports
// names only to say it is not the same failure.
func (x *Index) CalledUnrelated(in *incident.Incident) []repeats.Candidate {
	return x.filter(in, "called unrelated")
}

func (x *Index) filter(in *incident.Incident, class string) []repeats.Candidate {
	i := x.index(in)
	if i < 0 {
		return nil
	}
	var out []repeats.Candidate
	for _, c := range x.candidates[i] {
		if _, ok := x.byID[c.ID]; ok && c.Class() == class {
			out = append(out, c)
		}
	}
	return out
}

// RecurredLater returns the later reports that have in as a likely
// candidate, oldest first.
func (x *Index) RecurredLater(in *incident.Incident) []Recurrence {
	if i := x.index(in); i >= 0 {
		return x.later[i]
	}
	return nil
}

// Chains returns the recurrence chains, longest first, then the one whose
// latest report is the most recent.
func (x *Index) Chains() []*Chain { return x.chains }

// ChainOf returns the chain in belongs to, or nil.
func (x *Index) ChainOf(in *incident.Incident) *Chain {
	if i := x.index(in); i >= 0 {
		return x.chainOf[i]
	}
	return nil
}

// HasLikely reports whether in has a likely repeat.
func (x *Index) HasLikely(in *incident.Incident) bool {
	i := x.index(in)
	return i >= 0 && x.hasLikely(i)
}

// IsOpen reports whether an action item is still open: any status but done
// and declined, which are the content model's closed states.
func IsOpen(a incident.Actionable) bool {
	return a.Status != "done" && a.Status != "declined"
}

// Earlier is a report of in's chain that started before it, with its action
// items as they stood when in began.
type Earlier struct {
	Incident *incident.Incident
	// Later is when the later report began: the instant Open and Closed
	// are measured at.
	Later time.Time
	// Open are the action items that were open when the later report
	// began: by the tracker's dates where it knows the item's task, or
	// else because the item is still open now. Closed are the others: by
	// the tracker, closed before the later report began (or opened after
	// it); without it, done or declined at a time the archive does not
	// know.
	Open, Closed []Item
}

// Item is an action item with the tracker's record of its task, when the
// archive has one.
type Item struct {
	incident.Actionable
	// Tracked is the tracker's record of the item's task, with dates that
	// decide whether it was open at an instant; nil for an item without a
	// task, without tasks.json, or when the record cannot tell (see
	// Tracked). It is the Index's own: read it, never change it.
	Tracked *tasks.Task
}

// Tracked returns the tracker's record of a's task when it can tell
// whether the task was open at any instant: the task is in f, the tracker
// knows it, and a closed task has a closing time. It is nil otherwise,
// and points into f.
func Tracked(f *tasks.File, a incident.Actionable) *tasks.Task {
	t := f.Find(a.Task)
	if t == nil || t.State == tasks.Unknown || (t.IsClosed() && t.Closed.IsZero()) {
		return nil
	}
	return t
}

// track looks up the tracker's record of every action item's task.
func (x *Index) track() {
	f := x.cfg.Tasks
	if f == nil {
		return
	}
	x.tracked = make([][]*tasks.Task, len(x.incidents))
	for i, in := range x.incidents {
		for j, a := range in.Actionables {
			if t := Tracked(f, a); t != nil {
				if x.tracked[i] == nil {
					x.tracked[i] = make([]*tasks.Task, len(in.Actionables))
				}
				x.tracked[i][j] = t
			}
		}
	}
}

// item is the j-th action item of in, the i-th report, with its tracker's
// record, and whether it was open at instant at: by the tracker's dates
// when known, or else by its status.
func (x *Index) item(i, j int, at time.Time) (Item, bool) {
	a := x.incidents[i].Actionables[j]
	if x.tracked != nil && x.tracked[i] != nil {
		if t := x.tracked[i][j]; t != nil {
			return Item{Actionable: a, Tracked: t}, t.OpenAt(at)
		}
	}
	return Item{Actionable: a}, IsOpen(a)
}

// EarlierInChain returns the reports of in's chain that started before it,
// oldest first, with their action items as they stood when in began.
func (x *Index) EarlierInChain(in *incident.Incident) []Earlier {
	c := x.ChainOf(in)
	if c == nil {
		return nil
	}
	var out []Earlier
	for _, e := range c.Incidents {
		if compareChrono(e, in) >= 0 {
			break
		}
		out = append(out, x.earlier(x.pos[e], in.Start))
	}
	return out
}

func (x *Index) earlier(i int, at time.Time) Earlier {
	e := Earlier{Incident: x.incidents[i], Later: at}
	for j := range e.Incident.Actionables {
		if it, open := x.item(i, j, at); open {
			e.Open = append(e.Open, it)
		} else {
			e.Closed = append(e.Closed, it)
		}
	}
	return e
}

// Previous returns the reports that started just before in, nearest
// first, as many as the scorecard's answers compare it with
// (Config.Previous).
func (x *Index) Previous(in *incident.Incident) []*incident.Incident {
	return x.previous(in, x.cfg.Previous)
}

// previous returns up to n reports that started just before in, nearest
// first.
func (x *Index) previous(in *incident.Incident, n int) []*incident.Incident {
	i := x.index(in)
	if i < 0 {
		return nil
	}
	var out []*incident.Incident
	for r := x.rank[i] - 1; r >= 0 && len(out) < n; r-- {
		out = append(out, x.incidents[x.order[r]])
	}
	return out
}
