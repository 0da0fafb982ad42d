package trends

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/tasks"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// items gives a report action items naming tasks, "T1:open" being task T1
// with status open.
func items(specs ...string) func(*incident.Incident) {
	return func(r *incident.Incident) {
		for _, s := range specs {
			var task, status string
			for i := range s {
				if s[i] == ':' {
					task, status = s[:i], s[i+1:]
				}
			}
			r.Actionables = append(r.Actionables, incident.Actionable{Title: s, Task: task, Status: status})
		}
	}
}

// closed is a resolved task open for days, closed on the day.
func closed(id string, days int, on string) tasks.Task {
	end := day(on)
	return tasks.Task{ID: id, State: tasks.Resolved, Created: end.AddDate(0, 0, -days), Closed: end}
}

func TestTrackerFigures(t *testing.T) {
	file := &tasks.File{Synced: now, Tracker: "test", Tasks: []tasks.Task{
		// Closed in January 2026: 2, 4 and 9 days (odd: median 4).
		closed("T1", 2, "2026-01-10"), closed("T2", 4, "2026-01-11"), closed("T3", 9, "2026-01-12"),
		// Closed in March 2026: 1 and 6 days (even: median 3.5), one declined.
		closed("T4", 1, "2026-03-02"),
		{ID: "T5", State: tasks.Declined, Created: day("2026-02-25"), Closed: day("2026-03-03")},
		// Open: created 5 days before now; reopened (open, created long ago).
		{ID: "T6", State: tasks.Open, Created: now.AddDate(0, 0, -5)},
		{ID: "T7", State: tasks.Open, Created: day("2025-12-15").Add(12 * time.Hour)},
		// Closed without a creation time: no time to close.
		{ID: "T8", State: tasks.Resolved, Closed: day("2026-01-20")},
		// Unknown to the tracker.
		{ID: "T9", State: tasks.Unknown},
	}}
	file.Sort()
	rs := []*incident.Incident{
		// T1 is named twice: it counts once for time to close.
		report("a", "2025-12-20T10:00:00Z", 5, services("api"), items("T1:done", "T2:open", "T7:done", "T1:done")),
		report("b", "2026-01-05T10:00:00Z", 5, services("api", "db"), items("T3:done", "T1:done", "T9:open", "T404:open", ":open")),
		report("c", "2026-02-27T10:00:00Z", 5, services("db"), items("T4:open", "T5:declined", "T6:done", "T8:done", "T9:done")),
	}
	tr := Compute(Input{Now: now, Incidents: rs, Tasks: file})
	month := func(key string) *Period {
		for i := range tr.Months {
			if tr.Months[i].Key == key {
				return &tr.Months[i]
			}
		}
		t.Fatalf("no month %s", key)
		return nil
	}
	d := func(days float64) time.Duration { return time.Duration(math.Round(days * 24 * float64(time.Hour))) }
	tests := []struct {
		month              string
		toClose            Spread
		tracked, stillOpen int
		openAge            Spread
	}{
		// December: T1 T2 T7 T1 all known; T7 reopened, still open; T2
		// is closed by the tracker though the report says open.
		{"2025-12", Spread{}, 4, 1, Spread{Median: d(90), P90: d(90), Reports: 1}},
		// January: closed 2, 4, 9 days: the median of an odd count.
		// Items: T3 T1 known; T9 unknown and T404 not in the file go by
		// their status (open), as does the item without a task.
		{"2026-01", Spread{Median: d(4), P90: d(8), Reports: 3}, 2, 3, Spread{}},
		// February: none closed.
		{"2026-02", Spread{}, 4, 1, Spread{Median: d(5), P90: d(5), Reports: 1}},
		// March: 1 and 6 days: the median of an even count.
		{"2026-03", Spread{Median: d(3.5), P90: d(5.5), Reports: 2}, 0, 0, Spread{}},
	}
	for _, tt := range tests {
		p := month(tt.month)
		if p.Tracker == nil {
			t.Fatalf("%s: no tracker figures", tt.month)
		}
		got := *p.Tracker
		if got.ToClose != tt.toClose {
			t.Errorf("%s: time to close %+v, want %+v", tt.month, got.ToClose, tt.toClose)
		}
		if got.Tracked != tt.tracked || got.StillOpen != tt.stillOpen {
			t.Errorf("%s: tracked %d, still open %d; want %d, %d", tt.month, got.Tracked, got.StillOpen, tt.tracked, tt.stillOpen)
		}
		if got.OpenAge != tt.openAge {
			t.Errorf("%s: open age %+v, want %+v", tt.month, got.OpenAge, tt.openAge)
		}
	}
	if all := tr.All.Tracker.ToClose; all.Reports != 5 || all.Median != d(4) {
		t.Errorf("all: time to close %+v, want median 4 days of 5 tasks", all)
	}
	if q := tr.Quarters[len(tr.Quarters)-1]; q.Tracker.ToClose.Reports != 5 {
		t.Errorf("this quarter: time to close %+v", q.Tracker.ToClose)
	}
	// By service: api names T1, T2, T3 (closed: 2, 4, 9 days) and T7
	// (open); db names T3, T1, T4, T5 (9, 2, 1, 6 days) and T6 (open).
	want := []ServiceTasks{
		{Name: "db", ToClose: Spread{Median: d(4), P90: d(8.1), Reports: 4}, Open: 1},
		{Name: "api", ToClose: Spread{Median: d(4), P90: d(8), Reports: 3}, Open: 1},
	}
	if fmt.Sprint(tr.TasksByService) != fmt.Sprint(want) {
		t.Errorf("by service:\n%+v\nwant\n%+v", tr.TasksByService, want)
	}
	if !tr.TasksSynced.Equal(now) {
		t.Errorf("synced %v", tr.TasksSynced)
	}

	// Without tasks.json, none of it.
	plain := Compute(Input{Now: now, Incidents: rs})
	if plain.All.Tracker != nil || plain.TasksByService != nil || plain.Months[0].Tracker != nil {
		t.Error("tracker figures without tasks.json")
	}
	if plain.All.Actions != tr.All.Actions {
		t.Errorf("the status figures changed with tasks.json: %+v, %+v", plain.All.Actions, tr.All.Actions)
	}
}

// BenchmarkComputeWithTasks is BenchmarkCompute's archive of 10,000
// reports with three action items each, every one naming its own task, and
// a tasks.json of those 30,000 tasks: compare the two to see what the
// tracker's figures cost.
func BenchmarkComputeWithTasks(b *testing.B) {
	for _, withTasks := range []bool{false, true} {
		b.Run(fmt.Sprintf("tasks=%v", withTasks), func(b *testing.B) {
			rs, file := tasksArchive(10000)
			in := Input{Now: now, Incidents: rs, Questions: []string{"q1", "q2", "q3"}}
			if withTasks {
				in.Tasks = file
			}
			b.ReportAllocs()
			for b.Loop() {
				Compute(in)
			}
		})
	}
}

// tasksArchive is n reports of three action items each, and the tracker's
// record of their tasks: a third open, a third resolved, a sixth declined,
// the rest unknown.
func tasksArchive(n int) ([]*incident.Incident, *tasks.File) {
	start := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	file := &tasks.File{Synced: now, Tracker: "bench"}
	var rs []*incident.Incident
	for i := range n {
		r := report(fmt.Sprint(i), start.Add(time.Duration(i)*7*time.Hour).Format(time.RFC3339), 10+i%500,
			services(fmt.Sprintf("svc-%d", i%400), fmt.Sprintf("svc-%d", i%13)))
		for k := range 3 {
			id := fmt.Sprintf("T%d", 3*i+k)
			r.Actionables = append(r.Actionables, incident.Actionable{Title: id, Task: id, Status: []string{"open", "done", "declined"}[k]})
			created := r.Start.Add(time.Duration(k+1) * time.Hour)
			t := tasks.Task{ID: id, State: tasks.Open, Created: created}
			switch (i + k) % 6 {
			case 0, 1:
				t.State, t.Closed = tasks.Resolved, created.Add(time.Duration(1+(i*k)%900)*time.Hour)
			case 2:
				t.State, t.Closed = tasks.Declined, created.Add(time.Duration(1+(i+k)%300)*time.Hour)
			case 3:
				t = tasks.Task{ID: id, State: tasks.Unknown}
			}
			file.Tasks = append(file.Tasks, t)
		}
		rs = append(rs, r)
	}
	file.Sort()
	return rs, file
}
