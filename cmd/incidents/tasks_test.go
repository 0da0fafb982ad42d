package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/tasks"
)

const conduitToken = "api-cmdtest-token-0123456789"

// conduit is a Phabricator that knows T101 (open), T102 (resolved) and
// T103 (declined), answers maniphest.search in Conduit's shape, and fails
// every request for ids in fail with a Conduit error (which is not
// retried: a 500 would be, for seconds).
func conduit(t *testing.T, fail map[string]bool) (*httptest.Server, *atomic.Int32) {
	return slowConduit(t, fail, nil)
}

// slowConduit is conduit, which answers requests for ids in slow only
// after the test ends.
func slowConduit(t *testing.T, fail, slow map[string]bool) (*httptest.Server, *atomic.Int32) {
	done := make(chan struct{})
	var requests atomic.Int32
	known := map[int]struct {
		status, name    string
		created, closed int64
	}{
		101: {"open", "Cap the pool", 1700000000, 0},
		102: {"resolved", "Alert on quorum", 1700000100, 1700500000},
		103: {"wontfix", "Rewrite the pager", 1700000200, 1700600000},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("api.token") != conduitToken {
			json.NewEncoder(w).Encode(map[string]any{"result": nil, "error_code": "ERR-INVALID-AUTH", "error_info": "API token is not valid."})
			return
		}
		var data []map[string]any
		for i := 0; ; i++ {
			v := r.PostForm.Get(fmt.Sprintf("constraints[ids][%d]", i))
			if v == "" {
				break
			}
			if slow["T"+v] {
				select {
				case <-done:
				case <-r.Context().Done():
				}
				return
			}
			if fail["T"+v] {
				json.NewEncoder(w).Encode(map[string]any{"result": nil, "error_code": "ERR-CONDUIT-CORE", "error_info": "The database is read-only."})
				return
			}
			n, _ := strconv.Atoi(v)
			task, ok := known[n]
			if !ok {
				continue
			}
			var closed any
			if task.closed != 0 {
				closed = task.closed
			}
			data = append(data, map[string]any{"id": n, "type": "TASK", "phid": "PHID-TASK-" + v, "fields": map[string]any{
				"name": task.name, "status": map[string]any{"value": task.status, "name": task.status},
				"ownerPHID": nil, "dateCreated": task.created, "dateClosed": closed,
			}})
		}
		json.NewEncoder(w).Encode(map[string]any{"result": map[string]any{"data": data, "cursor": map[string]any{"after": nil}}, "error_code": nil, "error_info": nil})
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	return srv, &requests
}

func taskArchive(t *testing.T, trackerURL string) string {
	site := "title: Tasks\ntask_url: https://phabricator.example.org/{task}\n"
	if trackerURL != "" {
		site += "tracker: {kind: phabricator, url: " + trackerURL + ", token_env: INCIDENTS_TEST_TOKEN}\n"
	}
	return writeContent(t, map[string]string{
		"content/site.yaml": site,
		"content/incidents/2024/a.md": "---\nid: 2024-03-01 a\ntitle: A\nstart: 2024-03-01 10:00\ntask: T101\nactionables:\n" +
			"  - {title: Alert, task: T102, status: open}\n  - {title: Pager, task: T103, status: declined}\n---\nSee T104 for the follow-up.\n",
	})
}

func readTasks(t *testing.T, content string) *tasks.File {
	t.Helper()
	var diags diag.List
	f, err := tasks.Read(filepath.Join(content, tasks.FileName), &diags)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags.All())
	}
	return f
}

func TestTasksSync(t *testing.T) {
	srv, _ := conduit(t, nil)
	dir := taskArchive(t, srv.URL)
	content := filepath.Join(dir, "content")
	t.Setenv("INCIDENTS_TEST_TOKEN", conduitToken)
	stdout, stderr := checkRun(t, []string{"tasks", "sync", "-s", content}, 0, []string{"about 4 tasks", "1 open, 1 resolved, 1 declined, 1 unknown", "Wrote"}, nil)
	if strings.Contains(stdout+stderr, conduitToken) {
		t.Errorf("the token was printed:\n%s\n%s", stdout, stderr)
	}
	f := readTasks(t, content)
	want := map[string]string{"T101": tasks.Open, "T102": tasks.Resolved, "T103": tasks.Declined, "T104": tasks.Unknown}
	if len(f.Tasks) != len(want) {
		t.Fatalf("tasks %+v", f.Tasks)
	}
	for id, state := range want {
		if task, ok := f.Lookup(id); !ok || task.State != state {
			t.Errorf("%s: %+v, want state %s", id, task, state)
		}
	}
	if task, _ := f.Lookup("T102"); task.Created.Unix() != 1700000100 || task.Closed.Unix() != 1700500000 {
		t.Errorf("T102's dates: %+v", task)
	}
	data, _ := os.ReadFile(filepath.Join(content, tasks.FileName))
	if strings.Contains(string(data), conduitToken) {
		t.Error("the token was written")
	}
	// A build reads it without asking anyone.
	checkRun(t, []string{"check", "-s", content}, 0, nil, nil)
}

func TestTasksSyncRefusedToken(t *testing.T) {
	srv, requests := conduit(t, nil)
	dir := taskArchive(t, srv.URL)
	content := filepath.Join(dir, "content")
	t.Setenv("INCIDENTS_TEST_TOKEN", "api-expired")
	_, stderr := checkRun(t, []string{"tasks", "sync", "-s", content}, 2, nil, []string{"refused the token in INCIDENTS_TEST_TOKEN; nothing written"})
	if strings.Contains(stderr, "api-expired") {
		t.Errorf("the token was printed: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(content, tasks.FileName)); err == nil {
		t.Error("tasks.json written after a refused token")
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests after a refused token, want 1", requests.Load())
	}
	t.Setenv("INCIDENTS_TEST_TOKEN", "")
	checkRun(t, []string{"tasks", "sync", "-s", content}, 2, nil, []string{"INCIDENTS_TEST_TOKEN", "is not set; nothing written"})
}

// TestTasksSyncKeepsFailedBatches: a batch that fails keeps the state the
// last sync recorded, and the command names it and exits 1.
func TestTasksSyncKeepsFailedBatches(t *testing.T) {
	srv, _ := conduit(t, map[string]bool{"T103": true})
	dir := taskArchive(t, srv.URL)
	content := filepath.Join(dir, "content")
	t.Setenv("INCIDENTS_TEST_TOKEN", conduitToken)
	previous := `{"synced":"2024-01-01T00:00:00Z","tracker":"phabricator x","tasks":[
{"id":"T103","state":"open","title":"As last recorded"}
]}
`
	if err := os.WriteFile(filepath.Join(content, tasks.FileName), []byte(previous), 0o644); err != nil {
		t.Fatal(err)
	}
	checkRun(t, []string{"tasks", "sync", "-s", content, "--timeout", "20s"}, 1, nil, []string{"failed", "T103", "kept the state the last sync recorded"})
	f := readTasks(t, content)
	if task, ok := f.Lookup("T103"); !ok || task.Title != "As last recorded" {
		t.Errorf("T103 = %+v, want the previous state", task)
	}
}

func TestTasksSyncOffline(t *testing.T) {
	dir := taskArchive(t, "")
	content := filepath.Join(dir, "content")
	checkRun(t, []string{"tasks", "sync", "-s", content}, 1, nil, []string{"names no tracker", "--offline"})
	checkRun(t, []string{"tasks", "sync", "-s", content, "--offline"}, 0, []string{"4 tasks from the reports alone"}, nil)
	f := readTasks(t, content)
	if f.Tracker != "offline" || len(f.Tasks) != 4 {
		t.Fatalf("offline file %+v", f)
	}
	if task, _ := f.Lookup("T103"); task.State != tasks.Declined {
		t.Errorf("T103 = %+v, want declined as the report says", task)
	}
}

// TestTasksSyncWritesOnlyItsFile: a link or a folder named tasks.json is
// not replaced.
func TestTasksSyncWritesOnlyItsFile(t *testing.T) {
	dir := taskArchive(t, "")
	content := filepath.Join(dir, "content")
	target := filepath.Join(dir, "elsewhere.json")
	os.WriteFile(target, []byte("mine"), 0o644)
	if err := os.Symlink(target, filepath.Join(content, tasks.FileName)); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	checkRun(t, []string{"tasks", "sync", "-s", content, "--offline"}, 1, nil, []string{"is not a regular file"})
	if data, _ := os.ReadFile(target); string(data) != "mine" {
		t.Errorf("the link's target was changed: %q", data)
	}
	// A broken tasks.json of its own is written again.
	os.Remove(filepath.Join(content, tasks.FileName))
	os.WriteFile(filepath.Join(content, tasks.FileName), []byte("<<<<<<< HEAD\n"), 0o644)
	checkRun(t, []string{"tasks", "sync", "-s", content, "--offline"}, 0, []string{"4 tasks from the reports alone"}, nil)
	readTasks(t, content)
}

// TestTasksSyncTimeout: out of time, what was learnt is written and the
// rest keeps its previous state.
func TestTasksSyncTimeout(t *testing.T) {
	srv, _ := slowConduit(t, nil, map[string]bool{"T101": true})
	dir := taskArchive(t, srv.URL)
	content := filepath.Join(dir, "content")
	t.Setenv("INCIDENTS_TEST_TOKEN", conduitToken)
	os.WriteFile(filepath.Join(content, tasks.FileName), []byte(`{"synced":"2024-01-01T00:00:00Z","tracker":"phabricator x","tasks":[
{"id":"T101","state":"open","title":"As last recorded"}
]}
`), 0o644)
	checkRun(t, []string{"tasks", "sync", "-s", content, "--timeout", "1s"}, 1, nil, []string{"gave up after --timeout 1s", "T101"})
	f := readTasks(t, content)
	if task, ok := f.Lookup("T101"); !ok || task.Title != "As last recorded" {
		t.Errorf("T101 = %+v, want the previous state", task)
	}
}
