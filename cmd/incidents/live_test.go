package main

import (
	"bufio"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/serve/live"
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
	Message    string         `json:"message"`
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

// liveWait bounds each wait for serve to show a change. A healthy serve
// shows one of these small sites in well under a second; the bound is
// many times that, for a loaded machine.
const liveWait = 30 * time.Second

// liveReport is a report with the given id, title and body.
func liveReport(id, title, body string) string {
	return "---\nid: " + id + "\ntitle: " + title + "\nstart: " + id[:10] + "\nservices: [parsoid]\n---\n" + body + "\n"
}

// waitServed polls path on srv until it answers code with text in the
// body, and fails the test after liveWait.
func waitServed(t *testing.T, srv *served, what, path string, code int, text string) {
	t.Helper()
	deadline := time.Now().Add(liveWait)
	for {
		got, body := srv.get(path)
		if got == code && strings.Contains(body, text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s gives %d without %q; serve said:\n%s", what, path, got, text, srv.stdout.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitState reads states from events until ok holds for one, and fails
// the test after liveWait.
func waitState(t *testing.T, events <-chan liveState, what string, ok func(liveState) bool) liveState {
	t.Helper()
	deadline := time.After(liveWait)
	for {
		select {
		case st, open := <-events:
			if !open {
				t.Fatalf("%s: the event stream ended", what)
			}
			if ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("%s: no such state in %v", what, liveWait)
		}
	}
}

// copyTree copies the folders and regular files under from to to, as
// `cp -r` does.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLiveContentFolderReplaced replaces the whole content folder under a
// running serve, the ways people and tools do, and checks that the new
// folder is served and that later edits in it are seen.
func TestLiveContentFolderReplaced(t *testing.T) {
	const page = "/incidents/2026-01-01-a/"
	version := func(words string) map[string]string {
		return map[string]string{
			"site.yaml":           "title: Swapped\n",
			"incidents/2026/a.md": liveReport("2026-01-01 a", "First", words),
			"incidents/2026/b.md": liveReport("2026-01-02 b", "Second", "Other words"),
		}
	}
	under := func(dir string, files map[string]string) map[string]string {
		out := map[string]string{}
		for rel, data := range files {
			out[dir+"/"+rel] = data
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		files   map[string]string
		links   map[string]string // links to make, by path: target
		replace func(t *testing.T, dir string)
	}{
		{
			name:  "removed and copied back (rm -rf content && cp -r backup content)",
			files: merge(under("content", version("Original words")), under("backup", version("Backup words"))),
			replace: func(t *testing.T, dir string) {
				if err := os.RemoveAll(filepath.Join(dir, "content")); err != nil {
					t.Fatal(err)
				}
				copyTree(t, filepath.Join(dir, "backup"), filepath.Join(dir, "content"))
			},
		},
		{
			name:  "moved aside and made again (an editor's swap)",
			files: merge(under("content", version("Original words")), under("backup", version("Backup words"))),
			replace: func(t *testing.T, dir string) {
				content := filepath.Join(dir, "content")
				if err := os.Rename(content, content+".old"); err != nil {
					t.Fatal(err)
				}
				copyTree(t, filepath.Join(dir, "backup"), content)
			},
		},
		{
			name:  "link retargeted (ln -sfn v2 content)",
			files: merge(under("v1", version("Original words")), under("v2", version("Backup words"))),
			links: map[string]string{"content": "v1"},
			replace: func(t *testing.T, dir string) {
				relinkAs(t, "v2", filepath.Join(dir, "content"))
			},
		},
		{
			name: "linked incidents folder retargeted",
			files: map[string]string{
				"content/site.yaml":  "title: Swapped\n",
				"reports1/2026/a.md": liveReport("2026-01-01 a", "First", "Original words"),
				"reports2/2026/a.md": liveReport("2026-01-01 a", "First", "Backup words"),
				"reports2/2026/b.md": liveReport("2026-01-02 b", "Second", "Other words"),
			},
			links: map[string]string{"content/incidents": "../reports1"},
			replace: func(t *testing.T, dir string) {
				relinkAs(t, "../reports2", filepath.Join(dir, "content", "incidents"))
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeContent(t, tt.files)
			for at, target := range tt.links {
				if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(at))); err != nil {
					t.Fatal(err)
				}
			}
			srv := startServe(t, dir)
			waitServed(t, srv, "first build", page, 200, "Original words")
			tt.replace(t, dir)
			waitServed(t, srv, "the new folder", page, 200, "Backup words")
			// An edit in the new folder, through the content folder's name.
			edited := filepath.Join(dir, "content", "incidents", "2026", "a.md")
			if err := os.WriteFile(edited, []byte(liveReport("2026-01-01 a", "First", "Edited after the swap")), 0o644); err != nil {
				t.Fatal(err)
			}
			waitServed(t, srv, "an edit after the swap", page, 200, "Edited after the swap")
			// And a report added in a new sub-folder.
			added := filepath.Join(dir, "content", "incidents", "2027", "c.md")
			if err := os.MkdirAll(filepath.Dir(added), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(added, []byte(liveReport("2027-01-01 c", "Third", "Added after the swap")), 0o644); err != nil {
				t.Fatal(err)
			}
			waitServed(t, srv, "a report added after the swap", "/incidents/2027-01-01-c/", 200, "Added after the swap")
			srv.stop()
		})
	}
}

// TestLiveContentFolderGone removes the content folder under a running
// serve: it must say so on the terminal and to the tabs, keep serving the
// last good build, and rebuild when the folder is back.
func TestLiveContentFolderGone(t *testing.T) {
	const page = "/incidents/2026-01-01-a/"
	dir := writeContent(t, map[string]string{
		"content/site.yaml":           "title: Gone\n",
		"content/incidents/2026/a.md": liveReport("2026-01-01 a", "First", "Original words"),
		"backup/site.yaml":            "title: Gone\n",
		"backup/incidents/2026/a.md":  liveReport("2026-01-01 a", "First", "Returned words"),
	})
	content := filepath.Join(dir, "content")
	srv := startServe(t, dir)
	events := streamStates(t, "http://"+srv.addr+live.Path+"events")
	waitState(t, events, "the first state", func(liveState) bool { return true })

	if err := os.RemoveAll(content); err != nil {
		t.Fatal(err)
	}
	said := "content folder " + content + " is gone; waiting for it to come back"
	st := waitState(t, events, "the overlay for the vanished folder", func(st liveState) bool {
		return len(st.Problems) == 1 && st.Problems[0].Text == said && st.Message != ""
	})
	if st.Problems[0].Path != content {
		t.Errorf("the problem names %q, want the content folder %q", st.Problems[0].Path, content)
	}
	if out := srv.stdout.String(); !strings.Contains(out, said) {
		t.Errorf("serve did not say %q; it said:\n%s", said, out)
	}
	waitServed(t, srv, "the last good build kept", page, 200, "Original words")

	copyTree(t, filepath.Join(dir, "backup"), content)
	waitServed(t, srv, "the folder back", page, 200, "Returned words")
	waitState(t, events, "the overlay cleared", func(st liveState) bool { return len(st.Problems) == 0 && st.Message == "" })
	if out := srv.stdout.String(); strings.Count(out, said) != 1 || !strings.Contains(out, "is back") {
		t.Errorf("serve should say once that the folder is gone, then that it is back; it said:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(content, "incidents", "2026", "a.md"), []byte(liveReport("2026-01-01 a", "First", "Edited after the return")), 0o644); err != nil {
		t.Fatal(err)
	}
	waitServed(t, srv, "an edit after the return", page, 200, "Edited after the return")
	srv.stop()
}

// relinkAs points the link at path to target the way `ln -sfn` does: a
// new link renamed over the old one.
func relinkAs(t *testing.T, target, path string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// merge returns the files of both maps.
func merge(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
