package generator

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repeatTasks is a tasks.json for repeatArchive: T200011 (an action item
// of search-heap, which search-heap-again repeats on 2024-06-01) was opened
// on 2 March and closed on 3 June, after the repeat began; T200012 was
// closed on 20 May, before it.
const repeatTasks = `{"synced":"2026-03-14T18:00:00Z","tracker":"phabricator https://tasks.example.org","tasks":[
{"id":"T200011","state":"resolved","created":"2024-03-02T09:00:00Z","closed":"2024-06-03T15:00:00Z"},
{"id":"T200012","state":"resolved","created":"2024-03-02T09:30:00Z","closed":"2024-05-20T11:00:00Z"}
]}
`

// buildWithTasks builds repeatArchive as if on 15 March 2026, with
// tasks.json when tasks is not "".
func buildWithTasks(t *testing.T, tasks string) string {
	t.Helper()
	files := maps.Clone(repeatArchive)
	if tasks != "" {
		files["tasks.json"] = tasks
	}
	dir := writeArchive(t, files)
	out := filepath.Join(dir, "public")
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test", Now: now}); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return out
}

func TestSiteComputesFromTasks(t *testing.T) {
	with, without := buildWithTasks(t, repeatTasks), buildWithTasks(t, "")
	const again = "incidents/2024-06-01-search-heap-again/index.html"
	tests := []struct {
		name, page    string
		with, without []string // shown with tasks.json, and without it
	}{
		{"the chain's items by the tracker's dates", again, []string{
			`T200011</a> <span class="task-state resolved">resolved 2024-06-03</span> was still open when this recurred (opened 2024-03-02)</li>`,
			`T200012</a> <span class="task-state resolved">resolved 2024-05-20</span> was closed before this recurred</li>`,
		}, []string{
			`T200011</a> was still open when this recurred</li>`,
			`T200012</a> is done <span class="muted">(when is not recorded)</span>`,
		}},
		{"task_queue_clear by the tracker's dates", again, []string{
			"the archive shows <strong>no</strong>: still open: T200011 of 2024-03-01 search-heap (opened 2024-03-02, closed 2024-06-03, after this began).",
		}, []string{
			"the archive shows <strong>no</strong>: still open: T200011 of 2024-03-01 search-heap.",
		}},
		{"/trends/ has the tracker's figures", "trends/index.html", []string{
			`<h3 id="time-to-close-h">Time to close action items</h3>`,
			`<h3 id="time-to-close-by-service-h">Time to close by service</h3>`,
			"<th scope=\"col\" class=\"num\">Median time to close</th>",
			`href="/trends/time-to-close.csv"`,
		}, nil},
		{"trends.json has the tracker's figures", "trends.json", []string{
			`"tasks_synced":"2026-03-14T18:00:00Z"`,
			`"tasks_by_service":[{"service":"search","tasks_closed":2,`,
			`"tracked":2,"still_open":0,"median_task_age_days":null,"tasks_closed":`,
		}, nil},
		{"the time-to-close CSV file", "trends/time-to-close.csv", []string{
			"month,tasks_closed,median_days_to_close,p90_days_to_close,tracked,still_open,median_task_age_days\r\n",
			// T200012, closed in May after 79.1 days; T200011 in June after 93.2.
			"2024-05,1,79.1,79.1,0,0,\r\n",
			"2024-06,1,93.2,93.2,0,1,\r\n",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := readPage(t, with, tt.page)
			for _, s := range tt.with {
				if !strings.Contains(w, s) {
					t.Errorf("with tasks.json, missing %q", s)
				}
			}
			if tt.page == "trends/time-to-close.csv" {
				return // not there without tasks.json: see below
			}
			wo := readPage(t, without, tt.page)
			for _, s := range tt.with {
				if strings.Contains(wo, s) {
					t.Errorf("without tasks.json, %q is there", s)
				}
			}
			for _, s := range tt.without {
				if !strings.Contains(wo, s) {
					t.Errorf("without tasks.json, missing %q", s)
				}
				if strings.Contains(w, s) {
					t.Errorf("with tasks.json, %q is still there", s)
				}
			}
		})
	}
	// Without tasks.json there is no tracker figure at all, not even a
	// zero; with it, every period's action items carry them.
	for _, c := range []struct {
		out  string
		want bool
	}{{with, true}, {without, false}} {
		var doc map[string]any
		if err := json.Unmarshal([]byte(readPage(t, c.out, "trends.json")), &doc); err != nil {
			t.Fatal(err)
		}
		_, has := doc["tasks_by_service"]
		items := doc["all"].(map[string]any)["action_items"].(map[string]any)
		_, hasClose := items["median_days_to_close"]
		if has != c.want || hasClose != c.want {
			t.Errorf("tasks.json %v: tasks_by_service %v, median_days_to_close %v", c.want, has, hasClose)
		}
		if got := items["median_days_to_close"]; c.want && got != 86.15 && got != 86.2 {
			t.Errorf("median days to close %v, want 86.2 (79.1 and 93.2)", got)
		}
	}
	if strings.Contains(readPage(t, without, "trends/index.html"), "time-to-close") {
		t.Error("/trends/ shows time to close without tasks.json")
	}
}
