package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

func site(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "public")
	testutil.WriteFiles(t, root, map[string]string{
		"public/index.html":             "home",
		"public/404.html":               "custom not found",
		"public/incidents/a/index.html": "incident a",
		"public/static/style.css":       "body{}",
		"public/.incidents-manifest":    "hashes",
		"public/.hidden/x.html":         "hidden",
		"secret.txt":                    "secret", // beside the site: no request may reach it
	})
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Links planted in the site: out of it (never followed) and within it.
	for link, target := range map[string]string{"link.txt": "../secret.txt", "linkdir": "..", "inside.css": "static/style.css"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler(site(t)))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		method, path string
		status       int
		body         string
		location     string
	}{
		{"GET", "/", 200, "home", ""},
		{"GET", "/incidents/a/", 200, "incident a", ""},
		{"GET", "/incidents/a", 301, "", "/incidents/a/"},
		{"GET", "/incidents/a?q=disk+full&page=2", 301, "", "/incidents/a/?q=disk+full&page=2"},
		{"GET", "//evil.example/..%2Fincidents/a?q=x", 301, "", "/incidents/a/?q=x"},
		{"GET", "/static/style.css", 200, "body{}", ""},
		{"GET", "//evil.example/..%2Fincidents/a", 301, "", "/incidents/a/"},
		{"GET", "/nope/", 404, "custom not found", ""},
		{"GET", "/empty/", 404, "custom not found", ""},
		{"GET", "/../secret.txt", 404, "custom not found", ""},
		{"GET", "/%2e%2e/secret.txt", 404, "custom not found", ""},
		{"GET", "/incidents/..%2f..%2fsecret.txt", 404, "custom not found", ""},
		{"GET", "/.incidents-manifest", 404, "custom not found", ""},
		{"GET", "/.hidden/x.html", 404, "custom not found", ""},
		{"GET", "/%2ehidden/x.html", 404, "custom not found", ""},
		{"GET", "/%2e%2e%2fsecret.txt", 404, "custom not found", ""},
		{"GET", "/.%2e/secret.txt", 404, "custom not found", ""},
		{"GET", "/%252e%252e/secret.txt", 404, "custom not found", ""},
		{"GET", "/%252e%252e%252fsecret.txt", 404, "custom not found", ""},
		{"GET", "/..%5csecret.txt", 404, "custom not found", ""},
		{"GET", "/incidents/..%5c..%5csecret.txt", 404, "custom not found", ""},
		{"GET", `/..\secret.txt`, 404, "custom not found", ""},
		{"GET", "/static/..%2f..%2f..%2fsecret.txt", 404, "custom not found", ""},
		{"GET", "/%c0%ae%c0%ae/secret.txt", 404, "custom not found", ""},
		{"GET", "/secret.txt%00.html", 404, "custom not found", ""},
		{"GET", "/link.txt", 404, "custom not found", ""},
		{"GET", "/linkdir/secret.txt", 404, "custom not found", ""},
		{"GET", "/inside.css", 200, "body{}", ""},
		{"HEAD", "/", 200, "", ""},
		{"POST", "/", 405, "method not allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.RawPath = tt.path // keep encoded dots as sent
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if !strings.Contains(string(body), tt.body) {
				t.Errorf("body = %q, want it to contain %q", body, tt.body)
			}
			if strings.Contains(string(body), "secret") {
				t.Error("served a file outside the site")
			}
			if tt.location != "" && resp.Header.Get("Location") != tt.location {
				t.Errorf("Location = %q, want %q", resp.Header.Get("Location"), tt.location)
			}
		})
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- Serve(ctx, "127.0.0.1:0", Handler(site(t)), func(a string) { addrc <- a }) }()
	addr := <-addrc
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Serve returned %v after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}
