package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestUnicodePaths: the server decodes percent-escapes and finds the
// UTF-8 folder a slug names, in either case of hex digits; a redirect to
// the path with its slash is percent-encoded again, so that a folder
// whose name holds "?", "#" or "%" is reached through it and not cut at
// what a browser reads as a query or a fragment.
func TestUnicodePaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	testutil.WriteFiles(t, dir, map[string]string{
		"404.html": "not found",
		"incidents/2026-03-01-東京-データベース/index.html": "tokyo",
		"incidents/2026-03-05-انقطاع/index.html":    "riyadh",
		"static/a?b #c%d/index.html":                "odd folder",
	})
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tokyo := "/incidents/" + url.PathEscape("2026-03-01-東京-データベース")
	tests := []struct {
		path     string
		status   int
		body     string
		location string // decoded
	}{
		{tokyo + "/", 200, "tokyo", ""},
		{"/incidents/2026-03-05-%d8%a7%d9%86%d9%82%d8%b7%d8%a7%d8%b9/", 200, "riyadh", ""},
		{tokyo, 301, "", "/incidents/2026-03-01-東京-データベース/"},
		{"/static/" + url.PathEscape("a?b #c%d") + "/", 200, "odd folder", ""},
		{"/static/" + url.PathEscape("a?b #c%d"), 301, "", "/static/a?b #c%d/"},
		{"/incidents/2026-03-01-%E6%9D%B1/", 404, "not found", ""},
	}
	for _, tt := range tests {
		res, err := client.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status || tt.body != "" && string(body) != tt.body {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, res.StatusCode, body, tt.status, tt.body)
		}
		if tt.location == "" {
			continue
		}
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil || loc.Path != tt.location || loc.RawQuery != "" || loc.Fragment != "" {
			t.Errorf("GET %s: Location %q, want the path %q", tt.path, res.Header.Get("Location"), tt.location)
		}
	}
}
