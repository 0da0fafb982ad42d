package generator

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// taskArchive is a small archive with a tasks.json: T100, the first
// report's task, resolved; its action items' T101 resolved (the report
// says open), T102 open (the report says done), T103 declined (as the
// report says), T104 unknown to the tracker, T105 reopened (open again,
// no closing time); the second report's T106, open since before both.
// T999, named in prose, is not in the file.
var taskArchive = map[string]string{
	"site.yaml": "title: Task archive\nbase_url: https://incidents.example.org/\ntask_url: https://tasks.example.org/{task}\n",
	"incidents/2024/a.md": `---
id: 2024-03-01 queue
title: Queue backlog
start: 2024-03-01 10:00
end: 2024-03-01 12:00
task: T100
services: [queue]
actionables:
  - {title: Cap the batch size, task: T101, owner: queue-team, status: open}
  - {title: Alert on backlog, task: T102, owner: queue-team, status: done}
  - {title: Rewrite the queue, task: T103, owner: queue-team, status: declined}
  - {title: Audit the consumers, task: T104, owner: queue-team, status: open}
  - {title: Drain runbook, task: T105, owner: queue-team, status: open}
  - {title: Talk to the vendor, owner: queue-team, status: open}
---
## Summary

The backlog grew until consumers fell behind; see T101, T104 and T999.
`,
	"incidents/2024/b.md": `---
id: 2024-06-01 queue-again
title: Queue backlog again
start: 2024-06-01 10:00
end: 2024-06-01 11:00
services: [queue]
actionables:
  - {title: Partition the queue, task: T106, owner: queue-team, status: open}
---
The backlog grew again.
`,
}

func taskFile(t *testing.T) string {
	t.Helper()
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	f := &tasks.File{Synced: day("2024-06-30"), Tracker: "phabricator https://phabricator.example.org", Tasks: []tasks.Task{
		{ID: "T100", State: tasks.Resolved, Status: "Resolved", Title: "Queue backlog", Assignee: "ana", Created: day("2024-03-01"), Closed: day("2024-03-05")},
		{ID: "T101", State: tasks.Resolved, Created: day("2024-03-01"), Closed: day("2024-04-02")},
		{ID: "T102", State: tasks.Open, Status: "In Progress", Created: day("2024-02-01")},
		{ID: "T103", State: tasks.Declined, Status: "wontfix", Created: day("2024-03-02"), Closed: day("2024-03-03")},
		{ID: "T104", State: tasks.Unknown},
		{ID: "T105", State: tasks.Open, Status: "Reopened", Created: day("2024-02-15")},
		{ID: "T106", State: tasks.Open, Created: day("2024-01-01")},
	}}
	data, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// failingTransport fails the test on any HTTP request: a build reads
// tasks.json and never asks the tracker.
type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("the build made an HTTP request: %s %s", r.Method, r.URL)
	return nil, http.ErrNotSupported
}

func TestSiteShowsTaskStates(t *testing.T) {
	saved := http.DefaultTransport
	http.DefaultTransport = failingTransport{t}
	defer func() { http.DefaultTransport = saved }()

	files := map[string]string{"tasks.json": taskFile(t)}
	for k, v := range taskArchive {
		files[k] = v
	}
	dir := writeArchive(t, files)
	out := filepath.Join(dir, "public")
	now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	cfg := Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test", Now: now}
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkLinks(t, out, "/", 5, 50)

	tests := []struct {
		page     string
		contains []string
		absent   []string
	}{
		{"incidents/2024-03-01-queue/index.html", []string{
			// The report's task, in the metadata table.
			`<a class="task" href="https://tasks.example.org/T100">T100</a> <span class="task-state resolved">resolved 2024-03-05</span></td>`,
			// The action items: badge, dates, and where the tracker
			// disagrees.
			`>T101</a> <span class="task-state resolved">resolved 2024-04-02</span><br><span class="task-dates">opened 2024-03-01, resolved 2024-04-02 after 32 days</span>`,
			`<span class="action action-open">open</span><br><span class="task-disagrees">the tracker says resolved on 2024-04-02</span>`,
			`>T102</a> <span class="task-state open">open</span><br><span class="task-dates">opened 2024-02-01, open for 151 days</span>`,
			`<span class="action action-done">done</span><br><span class="task-disagrees">the tracker says open</span>`,
			`>T103</a> <span class="task-state declined">declined 2024-03-03</span>`,
			`>T104</a> <span class="task-state unknown">unknown to the tracker</span></td>`,
			`>T105</a> <span class="task-state open">open</span>`,
			// Prose: the badge follows the link; T999 is linked, without one.
			`>T101</a> <span class="task-state resolved">resolved 2024-04-02</span>, `,
			`>T104</a> <span class="task-state unknown">unknown to the tracker</span> and `,
			`>T999</a>.`,
		}, []string{
			`<span class="action action-declined">declined</span><br>`, // T103 agrees
		}},
		{"index.html", []string{
			"<div><dt>Open action items</dt><dd>5</dd></div>",
			"As the task tracker said on 2024-06-30, oldest first.",
		}, []string{"Cap the batch size"}},
	}
	for _, tt := range tests {
		page := readPage(t, out, tt.page)
		for _, want := range tt.contains {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", tt.page, want)
			}
		}
		for _, bad := range tt.absent {
			if strings.Contains(page, bad) {
				t.Errorf("%s has %q", tt.page, bad)
			}
		}
	}

	// Only T101 and T102 disagree (not T103, declined as the report
	// says, nor T104, unknown, nor T105, reopened and open).
	if n := strings.Count(readPage(t, out, "incidents/2024-03-01-queue/index.html"), `class="task-disagrees"`); n != 2 {
		t.Errorf("the report page has %d disagreements, want 2", n)
	}

	// The home page lists the items the tracker has open (T102 although
	// the report says done; not T101, which the report says is open),
	// and those without a task (or with one the tracker does not know)
	// as the report says, oldest first.
	home := readPage(t, out, "index.html")
	order := []string{"Partition the queue", "Alert on backlog", "Drain runbook", "Audit the consumers", "Talk to the vendor"}
	last := -1
	for _, item := range order {
		i := strings.Index(home, "<td>"+item+"</td>")
		if i < 0 {
			t.Errorf("the home page lacks the open item %q", item)
			continue
		}
		if i < last {
			t.Errorf("the home page lists %q out of order (want %v)", item, order)
		}
		last = i
	}

	// incidents.json: the tasks' fields.
	var doc struct {
		Incidents []struct {
			ID       string
			TaskInfo *struct {
				State, Status, Title, Assignee string
				Created, Closed                *time.Time
			} `json:"task_info"`
			Actionables []struct {
				Title, Task, Status string
				TaskInfo            *struct{ State string } `json:"task_info"`
			}
		}
	}
	if err := json.Unmarshal([]byte(readPage(t, out, "incidents.json")), &doc); err != nil {
		t.Fatal(err)
	}
	for _, in := range doc.Incidents {
		if in.ID != "2024-03-01 queue" {
			continue
		}
		if in.TaskInfo == nil || in.TaskInfo.State != "resolved" || in.TaskInfo.Assignee != "ana" || in.TaskInfo.Closed == nil || !in.TaskInfo.Closed.Equal(time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("incidents.json: the report's task_info = %+v", in.TaskInfo)
		}
		states := []string{}
		for _, a := range in.Actionables {
			if a.TaskInfo == nil {
				states = append(states, "-")
			} else {
				states = append(states, a.TaskInfo.State)
			}
		}
		if got := strings.Join(states, " "); got != "resolved open declined unknown open -" {
			t.Errorf("incidents.json: the action items' task states = %s", got)
		}
	}

	// The build's warnings and check's: file, line and field.
	want := []string{
		"actionables[1].status: the report says open, but for T101 the tracker says resolved on 2024-04-02; update the status",
		"actionables[2].status: the report says done, but for T102 the tracker says open; update the status",
		"actionables[4].task: T104 is unknown to the tracker; check the id",
	}
	_, diags, err := Check(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string][]diag.Diagnostic{"build": res.Warnings, "check": diags.Warnings()} {
		var got []string
		for _, d := range list {
			if strings.HasSuffix(d.Path, "a.md") && strings.Contains(d.Message, "tracker") {
				if d.Line == 0 {
					t.Errorf("%s: %s has no line", name, d)
				}
				got = append(got, d.Field+": "+d.Message)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s warns\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestTasksJSONChangeRebuilds: a sync that changes only tasks.json
// (written as `incidents tasks sync` writes it, through a file renamed
// over the old one) makes the next build of serve's Builder build, with
// the new states, in the prose of bodies it keeps between builds too.
func TestTasksJSONChangeRebuilds(t *testing.T) {
	files := map[string]string{"tasks.json": taskFile(t)}
	for k, v := range taskArchive {
		files[k] = v
	}
	dir := writeArchive(t, files)
	content := filepath.Join(dir, "content")
	cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test",
		Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program"), Now: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)}
	b := NewBuilder()
	if _, err := b.Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	page := "incidents/2024-03-01-queue/index.html"
	before := `>T104</a> <span class="task-state unknown">unknown to the tracker</span> and `
	if !strings.Contains(readPage(t, cfg.Dest, page), before) {
		t.Fatalf("the first build lacks %s", before)
	}
	var diags diag.List
	f, err := tasks.Read(filepath.Join(content, tasks.FileName), &diags)
	if err != nil || f == nil {
		t.Fatalf("reading tasks.json: %v %v", err, diags.Errors())
	}
	for i := range f.Tasks {
		if f.Tasks[i].ID == "T104" {
			f.Tasks[i].State, f.Tasks[i].Created = tasks.Open, time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)
		}
	}
	if err := f.Write(filepath.Join(content, tasks.FileName)); err != nil {
		t.Fatal(err)
	}
	res, err := b.Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged {
		t.Fatal("the build after a change to tasks.json alone claims nothing changed")
	}
	html := readPage(t, cfg.Dest, page)
	after := `>T104</a> <span class="task-state open">open</span> and `
	if !strings.Contains(html, after) || strings.Contains(html, before) {
		t.Errorf("after the sync, the report's prose lacks %s", after)
	}
	if want := `>T104</a> <span class="task-state open">open</span><br><span class="task-dates">opened 2024-03-02, open for 121 days</span>`; !strings.Contains(html, want) {
		t.Errorf("after the sync, the action table lacks %s", want)
	}
}

// TestSiteTaskFormsPerTracker: with a GitHub tracker, #123 and
// owner/repo#123 are task ids, in the front matter without a warning and
// in prose, linked to the issue; with Phabricator, #1 stays text and
// warns.
func TestSiteTaskFormsPerTracker(t *testing.T) {
	report := "---\nid: 2024-03-01 x\ntitle: X\nstart: 2024-03-01 10:00\ntask: \"#12\"\nactionables:\n  - {title: Fix it, task: \"acme/tool#3\", owner: o}\n  - {title: Test it, task: T777, owner: o}\n---\nSee #12, acme/tool#3 and T777.\n"
	tests := []struct {
		site     string
		contains []string
		warns    int
	}{
		{"title: G\ntask_url: https://phab.example.org/{task}\ntracker: {kind: github, project: wikimedia/ores}\n", []string{
			`<a class="task" href="https://github.com/wikimedia/ores/issues/12">#12</a></td>`,
			`<a class="task" href="https://github.com/acme/tool/issues/3">acme/tool#3</a>`,
			`<a class="task" href="https://phab.example.org/T777">T777</a>`,
			`See <a href="https://github.com/wikimedia/ores/issues/12" class="task">#12</a>, <a href="https://github.com/acme/tool/issues/3" class="task">acme/tool#3</a> and <a href="https://phab.example.org/T777" class="task">T777</a>.`,
		}, 0},
		{"title: P\ntask_url: https://phab.example.org/{task}\ntracker: {kind: phabricator, url: https://phab.example.org}\n", []string{
			`<td>#12</td>`,
			`See #12, acme/tool#3 and <a href="https://phab.example.org/T777" class="task">T777</a>.`,
		}, 2},
	}
	for _, tt := range tests {
		dir := writeArchive(t, map[string]string{"site.yaml": tt.site, "incidents/x.md": report})
		out := filepath.Join(dir, "public")
		res, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		page := readPage(t, out, "incidents/2024-03-01-x/index.html")
		for _, want := range tt.contains {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %s", tt.site, want)
			}
		}
		n := 0
		for _, w := range res.Warnings {
			if strings.Contains(w.Message, "does not look like a task id") {
				n++
			}
		}
		if n != tt.warns {
			t.Errorf("%s: %d task id warnings, want %d: %v", tt.site, n, tt.warns, res.Warnings)
		}
	}
}
