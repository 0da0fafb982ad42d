package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServe runs "incidents serve" on a free port, fetches pages over
// HTTP, and stops it the way Ctrl-C does.
func TestServe(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/site.yaml":      "title: Served\nbase_url: https://elsewhere.example/\n",
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: First <incident>\nstart: 2026-01-01\nservices: [parsoid]\n---\nBody\n",
		// More distinct words than one regular expression may expand to.
		"content/incidents/b.md": "---\nid: 2025-01-01 b\ntitle: Second\nstart: 2025-01-01\nservices: [ores]\n---\n" + manyWords(1500) + "\n",
	})
	srv := startServe(t, dir)
	addr := srv.addr
	get := srv.get
	if code, body := get("/incidents/2026-01-01-a/"); code != 200 || !strings.Contains(body, "First &lt;incident&gt;") {
		t.Errorf("incident page: %d", code)
	} else if !strings.Contains(body, `href="/static/style.css"`) {
		t.Error("links must point at the local server, not base_url's path")
	}
	if code, body := get("/feed.xml"); code != 200 || !strings.Contains(body, "http://"+addr+"/incidents/2026-01-01-a/") {
		t.Errorf("feed: %d, want absolute links to the local server", code)
	}
	if code, body := get("/no/such/page/"); code != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("missing page: %d", code)
	}

	// The search API reads the index the build wrote.
	for _, tt := range []struct {
		query string
		code  int
		want  []string
	}{
		{"q=body", 200, []string{`"total":1`, `"id":"2026-01-01 a"`, `<mark>Body</mark>`, `"facets":{`, `{"term":"parsoid","count":1}`}},
		{"service=ores", 200, []string{`"total":1`, `"id":"2025-01-01 b"`}},
		{"q=%22unclosed", 400, []string{`"error":"cannot read the query`}},
		{"q=/.*/", 400, []string{"too many different words"}},
		{"size=101", 400, []string{"size must be between 1 and 100"}},
	} {
		code, body := get("/api/search?" + tt.query)
		if code != tt.code {
			t.Errorf("/api/search?%s: %d, want %d: %s", tt.query, code, tt.code, body)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("/api/search?%s: no %q in %s", tt.query, w, body)
			}
		}
	}

	srv.stop()
}

// served is an "incidents serve" running for a test.
type served struct {
	t      *testing.T
	addr   string
	cancel context.CancelFunc
	done   chan int
	stdout *lockedBuffer
}

// startServe runs "incidents serve" on a free port over the content,
// public and .cache folders in dir, and waits until it listens.
func startServe(t *testing.T, dir string, extra ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	s := &served{t: t, cancel: cancel, done: make(chan int, 1), stdout: &lockedBuffer{}}
	args := append([]string{"serve", "--port", "0", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, ".cache")}, extra...)
	go func() {
		var stderr lockedBuffer
		code := run(ctx, args, outW, &stderr)
		outW.Close()
		if stderr.String() != "" {
			t.Logf("stderr: %s", stderr.String())
		}
		s.done <- code
	}()
	lines := bufio.NewScanner(outR)
	for lines.Scan() {
		s.stdout.WriteString(lines.Text() + "\n")
		if m := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text()); m != nil {
			s.addr = m[1]
			break
		}
	}
	if s.addr == "" {
		cancel()
		t.Fatal("serve did not say where it listens")
	}
	go io.Copy(s.stdout, outR)
	t.Cleanup(func() { cancel() })
	return s
}

func (s *served) get(path string) (int, string) {
	s.t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stop stops serve the way Ctrl-C does and checks that it exits cleanly.
func (s *served) stop() {
	s.t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		if code != 0 {
			s.t.Errorf("exit code after Ctrl-C = %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		s.t.Fatal("serve did not stop")
	}
}

// lockedBuffer is a strings.Builder safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// manyWords writes n distinct made-up words.
func manyWords(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "qz%05d ", i)
	}
	return b.String()
}
