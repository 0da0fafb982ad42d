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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var stderr strings.Builder
		code := run(ctx, []string{"serve", "--port", "0", "-s", filepath.Join(dir, "content"), "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, ".cache")}, outW, &stderr)
		outW.Close()
		if stderr.Len() > 0 {
			t.Logf("stderr: %s", stderr.String())
		}
		done <- code
	}()
	lines := bufio.NewScanner(outR)
	addr := ""
	for lines.Scan() {
		if m := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		t.Fatal("serve did not say where it listens")
	}
	go io.Copy(io.Discard, outR)

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
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

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code after Ctrl-C = %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// manyWords writes n distinct made-up words.
func manyWords(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "qz%05d ", i)
	}
	return b.String()
}
