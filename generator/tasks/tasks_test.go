package tasks

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
)

var (
	t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	h  = time.Hour
)

func TestOpenAt(t *testing.T) {
	tests := []struct {
		name string
		task Task
		at   time.Time
		want bool
	}{
		{"open, created before", Task{State: Open, Created: t0.Add(-h)}, t0, true},
		{"open, created after", Task{State: Open, Created: t0.Add(h)}, t0, false},
		{"open, created at that instant", Task{State: Open, Created: t0}, t0, false},
		{"open, creation unknown", Task{State: Open}, t0, true},
		{"reopened: open, whatever it was before", Task{State: Open, Created: t0.Add(-48 * h)}, t0, true},
		{"resolved after", Task{State: Resolved, Created: t0.Add(-h), Closed: t0.Add(h)}, t0, true},
		{"resolved before", Task{State: Resolved, Created: t0.Add(-2 * h), Closed: t0.Add(-h)}, t0, false},
		{"resolved at that instant", Task{State: Resolved, Created: t0.Add(-h), Closed: t0}, t0, false},
		{"declined after", Task{State: Declined, Created: t0.Add(-h), Closed: t0.Add(h)}, t0, true},
		{"resolved, closing unknown", Task{State: Resolved, Created: t0.Add(-h)}, t0, false},
		{"unknown to the tracker", Task{State: Unknown}, t0, false},
	}
	for _, tt := range tests {
		if got := tt.task.OpenAt(tt.at); got != tt.want {
			t.Errorf("%s: OpenAt = %t, want %t", tt.name, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	now := t0.Add(100 * h)
	tests := []struct {
		task Task
		want time.Duration
		ok   bool
	}{
		{Task{State: Open, Created: t0}, 100 * h, true},
		{Task{State: Resolved, Created: t0, Closed: t0.Add(30 * h)}, 30 * h, true},
		{Task{State: Resolved, Created: t0}, 0, false},
		{Task{State: Open}, 0, false},
		{Task{State: Unknown, Created: t0}, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.task.Age(now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%+v: Age = %v, %t; want %v, %t", tt.task, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWriteRead(t *testing.T) {
	f := &File{Synced: t0, Tracker: "phabricator https://phabricator.example.org", Tasks: []Task{
		{ID: "T10", State: Resolved, Status: "resolved", Title: "Cap the pool", Created: t0.Add(-h), Closed: t0},
		{ID: "T9", State: Open, Title: "Alert on quorum", Assignee: "ana", Created: t0.Add(-2 * h)},
		{ID: "T100", State: Unknown},
	}}
	path := filepath.Join(t.TempDir(), FileName)
	if err := f.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], `{"id":"T9"`) || !strings.HasPrefix(lines[2], `{"id":"T10"`) || !strings.HasPrefix(lines[3], `{"id":"T100"`) {
		t.Fatalf("not one task per line in id order:\n%s", data)
	}
	var diags diag.List
	got, err := Read(path, &diags)
	if err != nil || got == nil || len(diags.All()) > 0 {
		t.Fatal(err, diags.All())
	}
	got.byID.Store(nil)
	f.byID.Store(nil)
	if !reflect.DeepEqual(got, f) {
		t.Errorf("read back %+v\nwant %+v", got, f)
	}
	if task, ok := got.Lookup("T10"); !ok || task.Title != "Cap the pool" {
		t.Errorf("Lookup(T10) = %+v, %t", task, ok)
	}
	if missing, err := Read(filepath.Join(t.TempDir(), FileName), &diags); missing != nil || err != nil || len(diags.All()) > 0 {
		t.Errorf("a missing file: %v, %v; want nil, nil", missing, err)
	}
}

func TestParseErrors(t *testing.T) {
	data := `{"synced":"2024-05-01T12:00:00Z","tracker":"offline","tasks":[
{"id":"T1","state":"open"},
{"id":"T1","state":"done"},
{"id":"T2","state":"resolved","created":"2024-05-02T00:00:00Z","closed":"2024-05-01T00:00:00Z"},
{"id":"T3","state":"open","closed":"2024-05-01T00:00:00Z"}
]}
`
	var diags diag.List
	if f := Parse("tasks.json", []byte(data), &diags); f != nil {
		t.Fatal("no error")
	}
	var all []string
	for _, d := range diags.All() {
		all = append(all, d.String())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		`tasks.json:3: tasks[1].id: "T1" is already tasks[0]`,
		`tasks.json:3: tasks[1].state: "done" is not one of open, resolved, declined, unknown`,
		`tasks.json:4: tasks[2].closed: 2024-05-01T00:00:00Z is before created`,
		`tasks.json:5: tasks[3].closed: a task that is open has no closing time`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	var typ diag.List
	if f := Parse("tasks.json", []byte("{\n\"tasks\": [\n{\"id\": 5}]}"), &typ); f != nil || len(typ.All()) != 1 || !strings.HasPrefix(typ.All()[0].String(), "tasks.json:3: tasks.id: expected a string") {
		t.Errorf("a wrong type: %v", typ.All())
	}
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"T100", "#10", "T9", "T10", "#9", "OPS-2", "OPS-10"}
	f := &File{}
	for _, id := range ids {
		f.Tasks = append(f.Tasks, Task{ID: id})
	}
	f.Sort()
	var got []string
	for _, t := range f.Tasks {
		got = append(got, t.ID)
	}
	if want := []string{"#9", "#10", "OPS-2", "OPS-10", "T9", "T10", "T100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
}

func TestOffline(t *testing.T) {
	ins := []*incident.Incident{
		{ID: "a", Start: t0, Task: "T1", Actionables: []incident.Actionable{{Title: "x", Task: "T2", Status: "open"}}},
		{ID: "b", Start: t0.Add(24 * h), Actionables: []incident.Actionable{{Title: "x", Task: "T2", Status: "done"}, {Title: "y", Task: "T3", Status: "declined"}}},
	}
	prose := func(i int) []string {
		if i == 1 {
			return []string{"T4", "T1"}
		}
		return nil
	}
	f := Offline(ins, prose, t0.Add(48*h))
	want := []Task{
		{ID: "T1", State: Open, Created: t0},
		{ID: "T2", State: Resolved, Created: t0},
		{ID: "T3", State: Declined, Created: t0.Add(24 * h)},
		{ID: "T4", State: Open, Created: t0.Add(24 * h)},
	}
	if !reflect.DeepEqual(f.Tasks, want) || f.Tracker != "offline" {
		t.Errorf("Offline = %+v\nwant %+v", f.Tasks, want)
	}
	if got := Referenced(ins, prose); !reflect.DeepEqual(got, []string{"T1", "T2", "T3", "T4"}) {
		t.Errorf("Referenced = %v", got)
	}
}

// BenchmarkParse reads a tasks.json of 35,000 tasks, about what the
// reports of a 10,000-report archive name.
func BenchmarkParse(b *testing.B) {
	f := &File{Synced: t0, Tracker: "phabricator https://phabricator.example.org"}
	for i := range 35000 {
		task := Task{ID: fmt.Sprintf("T%d", 100000+i), State: Open, Status: "open", Title: fmt.Sprintf("Follow-up number %d of the incident", i),
			Assignee: "someone", URL: fmt.Sprintf("https://phabricator.example.org/T%d", 100000+i), Created: t0.Add(time.Duration(i) * time.Minute)}
		if i%3 == 0 {
			task.State, task.Status, task.Closed = Resolved, "resolved", task.Created.Add(48*h)
		}
		f.Tasks = append(f.Tasks, task)
	}
	data, err := f.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var diags diag.List
		if Parse("tasks.json", data, &diags) == nil {
			b.Fatal(diags.All())
		}
	}
}

// TestLookupConcurrent: a File made by hand is looked up from many
// goroutines at once, as render workers do (go test -race).
func TestLookupConcurrent(t *testing.T) {
	f := &File{Tasks: []Task{{ID: "T1", State: Open}, {ID: "T2", State: Resolved}}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if task, ok := f.Lookup("T2"); !ok || task.State != Resolved {
				t.Errorf("Lookup(T2) = %+v, %t", task, ok)
			}
		}()
	}
	wg.Wait()
}
