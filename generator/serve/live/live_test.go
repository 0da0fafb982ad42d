package live

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestInject(t *testing.T) {
	tag := `<script src="/_incidents/live.js" data-generation="7"></script>`
	for _, tt := range []struct{ page, want string }{
		{"<html><body><p>x</p></body></html>", "<html><body><p>x</p>" + tag + "</body></html>"},
		{"<p>no body end</p>", "<p>no body end</p>" + tag},
		{"<body>a</body><!-- </body> -->", "<body>a</body><!-- " + tag + "</body> -->"},
	} {
		if got := string(Inject([]byte(tt.page), 7)); got != tt.want {
			t.Errorf("Inject(%q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}

// TestHandler: HTML gets the script, with a correct length and no
// caching; other files and HEAD requests pass through unchanged.
func TestHandler(t *testing.T) {
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") != "" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := "<body>page</body>"
		if strings.HasSuffix(r.URL.Path, ".css") {
			w.Header().Set("Content-Type", "text/css")
			body = "body{}"
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		io.WriteString(w, body)
	})
	hub := NewHub()
	h := hub.Handler(site)
	for _, tt := range []struct {
		method, path string
		header       map[string]string
		code         int
		body         string
	}{
		{"GET", "/", nil, 200, `<body>page<script src="/_incidents/live.js" data-generation="1"></script></body>`},
		{"GET", "/", map[string]string{"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}, 200, `<body>page<script src="/_incidents/live.js" data-generation="1"></script></body>`},
		{"HEAD", "/", nil, 200, ""},
		{"GET", "/static/style.css", nil, 200, "body{}"},
		{"GET", Path + "live.js", nil, 200, "new EventSource"},
	} {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		for k, v := range tt.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Body.String()
		if w.Code != tt.code || !strings.Contains(got, tt.body) || (tt.body == "" && got != "") {
			t.Errorf("%s %s: %d %q, want %d with %q", tt.method, tt.path, w.Code, got, tt.code, tt.body)
		}
		if n := w.Header().Get("Content-Length"); n != "" && tt.method == "GET" && n != strconv.Itoa(len(got)) {
			t.Errorf("%s %s: Content-Length %s for %d bytes", tt.method, tt.path, n, len(got))
		}
	}
	hub.Built(nil)
	if hub.Generation() != 2 {
		t.Errorf("generation after a build = %d, want 2", hub.Generation())
	}
}

// TestOverlay: preview pages are served in place of the site's until the
// build that includes their change drops them.
func TestOverlay(t *testing.T) {
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "disk "+r.URL.Path) })
	o := NewOverlay()
	h := o.Handler(site)
	get := func(p string) string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		return w.Body.String()
	}
	o.Set(map[string][]byte{"incidents/a/index.html": []byte("preview a")}, 1)
	o.Set(map[string][]byte{"incidents/b/index.html": []byte("preview b")}, 2)
	for _, tt := range []struct{ path, want string }{
		{"/incidents/a/", "preview a"},
		{"/incidents/a/index.html", "preview a"},
		{"/incidents/a", "disk /incidents/a"},
		{"/incidents/b/", "preview b"},
		{"/incidents/c/", "disk /incidents/c/"},
	} {
		if got := get(tt.path); got != tt.want {
			t.Errorf("GET %s = %q, want %q", tt.path, got, tt.want)
		}
	}
	dropped := o.Drop(1)
	if len(dropped) != 1 || string(dropped["incidents/a/index.html"]) != "preview a" {
		t.Errorf("Drop(1) = %v, want the page of change 1", dropped)
	}
	if got := get("/incidents/a/"); got != "disk /incidents/a/" {
		t.Errorf("after Drop(1): %q, want the site's page", got)
	}
	if got := get("/incidents/b/"); got != "preview b" {
		t.Errorf("after Drop(1), a later change's page: %q", got)
	}
	if URLPath("index.html") != "/" || URLPath("feed.xml") != "/feed.xml" {
		t.Errorf("URLPath: %q %q", URLPath("index.html"), URLPath("feed.xml"))
	}
}

// TestStreamsAreBounded: past MaxStreams open event streams, another is
// refused with 503 until one closes.
func TestStreamsAreBounded(t *testing.T) {
	hub := NewHub()
	defer hub.Close()
	srv := httptest.NewServer(hub.Handler(http.NotFoundHandler()))
	defer srv.Close()
	open := func() (*http.Response, error) {
		resp, err := http.Get(srv.URL + Path + "events")
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusOK {
			// Wait for the first event, so the stream is registered.
			buf := make([]byte, 64)
			if _, err := resp.Body.Read(buf); err != nil {
				resp.Body.Close()
				return nil, err
			}
		}
		return resp, nil
	}
	var streams []*http.Response
	defer func() {
		for _, s := range streams {
			s.Body.Close()
		}
	}()
	for i := 0; i < MaxStreams; i++ {
		resp, err := open()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %v %v", i+1, resp, err)
		}
		streams = append(streams, resp)
	}
	over, err := open()
	if err != nil {
		t.Fatal(err)
	}
	over.Body.Close()
	if over.StatusCode != http.StatusServiceUnavailable || over.Header.Get("Retry-After") == "" {
		t.Errorf("stream %d: status %d, Retry-After %q; want 503 with Retry-After", MaxStreams+1, over.StatusCode, over.Header.Get("Retry-After"))
	}
	streams[0].Body.Close()
	streams = streams[1:]
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := open()
		if err == nil && resp.StatusCode == http.StatusOK {
			streams = append(streams, resp)
			break
		}
		if resp != nil {
			resp.Body.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stream closed, but a new one is still refused: %v %v", resp, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
