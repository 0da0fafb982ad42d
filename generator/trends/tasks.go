package trends

import (
	"cmp"
	"slices"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// The action items' figures by the tracker's dates and states, from
// content/tasks.json (Input.Tasks). Without that file they are nil, and
// every other figure is as before.
//
//   - An item is tracked when the tracker knows its task (any state but
//     unknown). A tracked item is still open when its task is open now; an
//     item the tracker does not know is still open by its status, as
//     without the file.
//   - The age of a tracked item still open runs from its task's creation
//     to Now.
//   - Time to close is from a task's creation to its closing, over the
//     resolved and declined tasks that action items name and whose two
//     times are known. A task counts once, however many items name it, in
//     the period its closing falls in (not its report's), and for each
//     service of the reports naming it.

// Tracker are a period's action items as the tracker knows them.
type Tracker struct {
	// Tracked is how many of the period's action items (by their report's
	// start, as Actions counts them) name a task the tracker knows, and
	// StillOpen how many items are open now: by the tracker where it
	// knows the task, by their status otherwise.
	Tracked, StillOpen int
	// OpenAge spreads the ages of the tracked items still open whose task
	// has a creation time, from it to Now.
	OpenAge Spread
	// ToClose spreads the time from creation to closing of the tasks
	// closed in the period.
	ToClose Spread
}

// ServiceTasks is the time to close of the tasks of one service's
// reports, over the whole archive.
type ServiceTasks struct {
	Name string
	// ToClose spreads the time to close of the tasks that its reports'
	// action items name, and Open counts those tasks still open.
	ToClose Spread
	Open    int
}

// itemState is what the tracker says of one action item's task.
type itemState struct {
	tracked bool
	open    bool          // still open now, by the tracker or the status
	age     time.Duration // of a tracked open task with a creation time
	hasAge  bool
}

// trackedTask is a task the tracker knows that action items name, with
// the reports naming it.
type trackedTask struct {
	open            bool
	created, closed time.Time // zero when not known, or still open
	reports         []int
}

// closure is one closed task: when, how long it took, and the reports
// naming it.
type closure struct {
	closed  time.Time
	took    time.Duration
	reports []int
}

// trackItems looks up the task of every action item, once, and lists the
// distinct tasks the tracker knows in the order the reports first name
// them.
func (c *calc) trackItems() {
	f := c.in.Tasks
	c.items = make([][]itemState, len(c.in.Incidents))
	index := make(map[*tasks.Task]int, len(f.Tasks))
	for i, r := range c.in.Incidents {
		if len(r.Actionables) == 0 {
			continue
		}
		c.items[i] = make([]itemState, len(r.Actionables))
		for j, a := range r.Actionables {
			st := itemState{open: a.Status != "done" && a.Status != "declined"}
			if t := known(f, a); t != nil {
				st.tracked, st.open = true, t.State == tasks.Open
				if st.open && !t.Created.IsZero() {
					st.age, st.hasAge = max(0, c.now.Sub(t.Created)), true
				}
				k, seen := index[t]
				if !seen {
					k = len(c.tracked)
					index[t] = k
					tt := trackedTask{open: t.State == tasks.Open, created: t.Created}
					if t.IsClosed() {
						tt.closed = t.Closed
					}
					c.tracked = append(c.tracked, tt)
				}
				if rs := c.tracked[k].reports; len(rs) == 0 || rs[len(rs)-1] != i {
					c.tracked[k].reports = append(c.tracked[k].reports, i)
				}
			}
			c.items[i][j] = st
		}
	}
}

// known is the tracker's record of a's task, when it knows the task;
// nil otherwise.
func known(f *tasks.File, a incident.Actionable) *tasks.Task {
	if t := f.Find(a.Task); t != nil && t.State != tasks.Unknown {
		return t
	}
	return nil
}

// closures are the closed tasks the action items name whose creation and
// closing times are known, each once.
func (c *calc) closures() []closure {
	var out []closure
	for _, t := range c.tracked {
		if !t.created.IsZero() && !t.closed.IsZero() {
			out = append(out, closure{closed: t.closed, took: max(0, t.closed.Sub(t.created)), reports: t.reports})
		}
	}
	return out
}

// addToClose puts each closure's time to close in the period its closing
// falls in, and all of them in All.
func (t *Trends) addToClose(cs []closure) {
	for _, ps := range [][]Period{t.Months, t.Quarters, t.Years} {
		took := make([][]time.Duration, len(ps))
		for _, c := range cs {
			at := c.closed.In(t.Location)
			if p := find(ps, at); p < len(ps) && !ps[p].Start.After(at) {
				took[p] = append(took[p], c.took)
			}
		}
		for i := range ps {
			ps[i].Tracker.ToClose = spread(took[i])
		}
	}
	all := make([]time.Duration, len(cs))
	for i, c := range cs {
		all[i] = c.took
	}
	t.All.Tracker.ToClose = spread(all)
}

// byService is the time to close and the open tasks of each service's
// reports, the services with most closed tasks first, then by name.
func (c *calc) byService(cs []closure) []ServiceTasks {
	const services = 0 // the field of c.terms
	took := map[int32][]time.Duration{}
	open := map[int32]int{}
	named := map[int32]bool{}
	for _, cl := range cs {
		clear(named)
		for _, i := range cl.reports {
			for _, s := range c.terms[i][services] {
				if !named[s] {
					named[s] = true
					took[s] = append(took[s], cl.took)
				}
			}
		}
	}
	// Open tasks, each once per service.
	for _, tt := range c.tracked {
		if !tt.open {
			continue
		}
		clear(named)
		for _, i := range tt.reports {
			for _, s := range c.terms[i][services] {
				if !named[s] {
					named[s] = true
					open[s]++
				}
			}
		}
	}
	out := []ServiceTasks{}
	for id, name := range c.names[services] {
		s := int32(id)
		if len(took[s]) == 0 && open[s] == 0 {
			continue
		}
		out = append(out, ServiceTasks{Name: name, ToClose: spread(took[s]), Open: open[s]})
	}
	slices.SortFunc(out, func(a, b ServiceTasks) int {
		if c := cmp.Compare(b.ToClose.Reports, a.ToClose.Reports); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}
