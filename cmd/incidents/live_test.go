package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/live"
)

// TestLiveReload edits the content under a running serve and checks that
// each change is served without a restart: an edit, an error (shown to
// the tabs while the last good build stays served) and its fix, a report
// created in a new folder, one deleted, and a save by rename.
func TestLiveReload(t *testing.T) {
	report := func(id, title, body string) string {
		return "---\nid: " + id + "\ntitle: " + title + "\nstart: " + id[:10] + "\nservices: [parsoid]\n---\n" + body + "\n"
	}
	dir := writeContent(t, map[string]string{
		"content/site.yaml":           "title: Live\n",
		"content/incidents/2026/a.md": report("2026-01-01 a", "First", "Original words"),
		"content/incidents/2026/b.md": report("2026-01-02 b", "Second", "Other words"),
	})
	content := filepath.Join(dir, "content")
	write := func(rel, data string) {
		t.Helper()
		p := filepath.Join(content, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := startServe(t, dir)
	const page = "/incidents/2026-01-01-a/"
	waitFor := func(what, path string, code int, text string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, body := srv.get(path)
			if got == code && strings.Contains(body, text) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %s gives %d without %q; serve said:\n%s", what, path, got, text, srv.stdout.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// The script is in what serve sends, not in what it built.
	_, body := srv.get(page)
	if !strings.Contains(body, live.Path+"live.js") {
		t.Error("served page without the live-reload script")
	}
	built, err := os.ReadFile(filepath.Join(dir, "public", "incidents", "2026-01-01-a", "index.html"))
	if err != nil || strings.Contains(string(built), live.Path) {
		t.Errorf("the built page holds the live-reload script (or is missing: %v)", err)
	}
	events := streamStates(t, "http://"+srv.addr+live.Path+"events")
	first := <-events
	if first.Generation < 1 || len(first.Problems) != 0 {
		t.Errorf("first state %+v, want a generation and no problems", first)
	}

	write("incidents/2026/a.md", report("2026-01-01 a", "First", "Edited words"))
	waitFor("edit", page, 200, "Edited words")
	// The tabs are told which page the edit changed.
	for named := false; !named; {
		select {
		case st := <-events:
			named = slices.Contains(st.Paths, page)
		case <-time.After(20 * time.Second):
			t.Fatalf("no state named %s as changed", page)
		}
	}

	write("incidents/2026/a.md", "---\nid: 2026-01-01 a\ntitle: First\nstart: someday\n---\nBroken words\n")
	deadline := time.After(20 * time.Second)
	for shown := false; !shown; {
		select {
		case st := <-events:
			for _, p := range st.Problems {
				if strings.HasSuffix(p.Path, "a.md") && p.Line == 4 && strings.Contains(p.Text, "start") {
					shown = true
				}
			}
		case <-deadline:
			t.Fatal("the error in a.md was never sent to the tabs")
		}
	}
	waitFor("last good build kept", page, 200, "Edited words")

	write("incidents/2026/a.md", report("2026-01-01 a", "First", "Fixed words"))
	waitFor("fix", page, 200, "Fixed words")
	for st := range events {
		if len(st.Problems) == 0 {
			break // the overlay is cleared
		}
	}

	write("incidents/2027/q1/c.md", report("2027-01-01 c", "Third", "New words"))
	waitFor("report created in a new folder", "/incidents/2027-01-01-c/", 200, "New words")
	write("incidents/2027/q1/c.md", report("2027-01-01 c", "Third", "Newer words"))
	waitFor("report edited in the new folder", "/incidents/2027-01-01-c/", 200, "Newer words")

	if err := os.Remove(filepath.Join(content, "incidents", "2027", "q1", "c.md")); err != nil {
		t.Fatal(err)
	}
	waitFor("report deleted", "/incidents/2027-01-01-c/", 404, "")

	tmp := filepath.Join(content, "incidents", "2026", ".a.md.tmp")
	if err := os.WriteFile(tmp, []byte(report("2026-01-01 a", "First", "Renamed words")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(content, "incidents", "2026", "a.md")); err != nil {
		t.Fatal(err)
	}
	waitFor("save by rename", page, 200, "Renamed words")

	// vim: a test file, then the report renamed to a backup, a new file
	// written in its place and the backup removed.
	folder := filepath.Join(content, "incidents", "2026")
	for _, step := range []func() error{
		func() error { return os.WriteFile(filepath.Join(folder, "4913"), nil, 0o644) },
		func() error { return os.Remove(filepath.Join(folder, "4913")) },
		func() error { return os.Rename(filepath.Join(folder, "a.md"), filepath.Join(folder, "a.md~")) },
		func() error {
			return os.WriteFile(filepath.Join(folder, "a.md"), []byte(report("2026-01-01 a", "First", "Vim words")), 0o644)
		},
		func() error { return os.Remove(filepath.Join(folder, "a.md~")) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("save the way vim does", page, 200, "Vim words")
	srv.stop()
}

type liveState struct {
	Generation int            `json:"generation"`
	Problems   []live.Problem `json:"problems"`
	Paths      []string       `json:"paths"`
}

// streamStates reads the event stream at url into a channel.
func streamStates(t *testing.T, url string) <-chan liveState {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("event stream has Content-Type %q", ct)
	}
	out := make(chan liveState, 64)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		lines := bufio.NewScanner(resp.Body)
		for lines.Scan() {
			data, ok := strings.CutPrefix(lines.Text(), "data: ")
			if !ok {
				continue
			}
			var st liveState
			if json.Unmarshal([]byte(data), &st) == nil {
				out <- st
			}
		}
	}()
	return out
}
