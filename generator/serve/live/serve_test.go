package live

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/serve/server"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// servedSite is a small built site behind the handlers serve stacks: the
// live script, the preview overlay and the site's file server.
func servedSite(t *testing.T, files map[string]string) (*Overlay, http.Handler) {
	t.Helper()
	root := t.TempDir()
	testutil.WriteFiles(t, root, files)
	overlay := NewOverlay()
	return overlay, NewHub().Handler(overlay.Handler(server.Handler(filepath.Join(root, "public"))))
}

// sitePage is a page of a few kilobytes, as the build writes them.
var sitePage = "<!doctype html><html><head><title>Disk full on the builders</title></head><body>" +
	strings.Repeat("<p>The builders' disks filled with old artefacts and every job after failed.</p>\n", 150) +
	"</body></html>\n"

func do(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestHeadMatchesGet: a HEAD request gets the headers a GET gets, its
// Content-Length that of the GET's body, for pages (with the script),
// the site's 404 page, data and stylesheets. Before, HEAD of a page
// declared the length of the script alone, and of a JSON file 0.
func TestHeadMatchesGet(t *testing.T) {
	overlay, h := servedSite(t, map[string]string{
		"public/index.html":                sitePage,
		"public/404.html":                  "<html><body>No such page.</body></html>",
		"public/incidents/disk/index.html": sitePage,
		"public/incidents.json":            `[{"id":"2026-03-02 disk full"}]`,
		"public/static/style.css":          "body{margin:0}",
	})
	// A page previewed ahead of the build.
	overlay.Set(map[string][]byte{"incidents/edited/index.html": []byte(sitePage)}, 1)
	for _, tt := range []struct {
		path   string
		status int
		script bool
	}{
		{"/", 200, true},
		{"/incidents/edited/", 200, true},
		{"/incidents/disk/", 200, true},
		{"/incidents/disk/index.html", 200, true},
		{"/no/such/page/", 404, true},
		{"/incidents.json", 200, false},
		{"/static/style.css", 200, false},
	} {
		get, head := do(h, "GET", tt.path, nil), do(h, "HEAD", tt.path, nil)
		body := get.Body.Bytes()
		if get.Code != tt.status || head.Code != tt.status {
			t.Errorf("%s: GET %d, HEAD %d, want %d", tt.path, get.Code, head.Code, tt.status)
		}
		if got := bytes.Contains(body, []byte(Path+"live.js")); got != tt.script {
			t.Errorf("%s: script in the body = %v, want %v", tt.path, got, tt.script)
		}
		if n := get.Header().Get("Content-Length"); n != strconv.Itoa(len(body)) {
			t.Errorf("%s: GET declares Content-Length %q for a body of %d bytes", tt.path, n, len(body))
		}
		if head.Body.Len() != 0 {
			t.Errorf("%s: HEAD has a body of %d bytes", tt.path, head.Body.Len())
		}
		for k := range mergeKeys(get.Header(), head.Header()) {
			if g, hd := get.Header().Values(k), head.Header().Values(k); strings.Join(g, ",") != strings.Join(hd, ",") {
				t.Errorf("%s: header %s is %q for GET, %q for HEAD", tt.path, k, g, hd)
			}
		}
	}
}

func mergeKeys(a, b http.Header) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// TestRangesAndConditionals: files other than pages are answered as the
// file server answers them, ranges (206, and 416 past the end) and
// conditional requests (304) included. Pages carry the script, so they
// advertise no ranges and answer a Range or conditional request with the
// whole page. Before, Range was ignored everywhere although Accept-Ranges
// said bytes, and no file was ever answered 304.
func TestRangesAndConditionals(t *testing.T) {
	data := `[{"id":"2026-03-02 disk full","title":"Disk full on the builders"}]`
	_, h := servedSite(t, map[string]string{
		"public/index.html":     sitePage,
		"public/incidents.json": data,
	})
	full := do(h, "GET", "/incidents.json", nil)
	etag, modified := full.Header().Get("ETag"), full.Header().Get("Last-Modified")
	if full.Header().Get("Accept-Ranges") != "bytes" || etag == "" || modified == "" {
		t.Errorf("incidents.json: Accept-Ranges %q, ETag %q, Last-Modified %q; want all three", full.Header().Get("Accept-Ranges"), etag, modified)
	}
	page := do(h, "GET", "/", nil)
	if page.Header().Get("Accept-Ranges") != "" || page.Header().Get("ETag") != "" || page.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("a page with the script: Accept-Ranges %q, ETag %q, Cache-Control %q; want no ranges, no ETag, no-store",
			page.Header().Get("Accept-Ranges"), page.Header().Get("ETag"), page.Header().Get("Cache-Control"))
	}
	for _, tt := range []struct {
		name, path string
		header     map[string]string
		status     int
		body       string
	}{
		{"a range", "/incidents.json", map[string]string{"Range": "bytes=8-25"}, 206, data[8:26]},
		{"the last bytes", "/incidents.json", map[string]string{"Range": "bytes=-3"}, 206, data[len(data)-3:]},
		{"a range from the end of the file", "/incidents.json", map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(data))}, 416, ""},
		{"a range past the end", "/incidents.json", map[string]string{"Range": "bytes=100000-100010"}, 416, ""},
		{"If-None-Match", "/incidents.json", map[string]string{"If-None-Match": etag}, 304, ""},
		{"If-Modified-Since", "/incidents.json", map[string]string{"If-Modified-Since": modified}, 304, ""},
		{"another ETag", "/incidents.json", map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": modified}, 200, data},
		{"If-Range of another version", "/incidents.json", map[string]string{"Range": "bytes=0-3", "If-Range": `"other"`}, 200, data},
		{"a page's range", "/", map[string]string{"Range": "bytes=0-9"}, 200, Path + "live.js"},
		{"a page's If-Modified-Since", "/", map[string]string{"If-Modified-Since": page.Header().Get("Last-Modified")}, 200, Path + "live.js"},
		{"a page's If-None-Match", "/", map[string]string{"If-None-Match": "*"}, 200, Path + "live.js"},
	} {
		w := do(h, "GET", tt.path, tt.header)
		if w.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, w.Code, tt.status)
			continue
		}
		switch got := w.Body.String(); {
		case tt.status == 206 && got != tt.body:
			t.Errorf("%s: %q, want %q", tt.name, got, tt.body)
		case tt.status == 206 && w.Header().Get("Content-Range") == "":
			t.Errorf("%s: no Content-Range", tt.name)
		case tt.status == 200 && !strings.Contains(got, tt.body):
			t.Errorf("%s: %q, want it to contain %q", tt.name, got, tt.body)
		case tt.status == 200 && w.Header().Get("Content-Length") != strconv.Itoa(len(got)):
			t.Errorf("%s: Content-Length %q for %d bytes", tt.name, w.Header().Get("Content-Length"), len(got))
		case tt.status == 416 && w.Header().Get("Content-Range") != fmt.Sprintf("bytes */%d", len(data)):
			t.Errorf("%s: Content-Range %q", tt.name, w.Header().Get("Content-Range"))
		}
	}
}

// TestRedirectsKeepTheQuery: every redirect on the way to a page keeps
// the query string. Before, /search?q=timeout went to /search/ alone.
func TestRedirectsKeepTheQuery(t *testing.T) {
	_, h := servedSite(t, map[string]string{
		"public/index.html":        sitePage,
		"public/search/index.html": sitePage,
	})
	mux := http.NewServeMux() // as serve's, which cleans paths
	mux.Handle("/", h)
	for _, tt := range []struct{ target, location string }{
		{"/search?q=timeout", "/search/?q=timeout"},
		{"/search?q=disk+full&sort=newest", "/search/?q=disk+full&sort=newest"},
		{"/search?q=%2Fa.*%2F", "/search/?q=%2Fa.*%2F"},
		{"/x/../search?q=timeout", "/search?q=timeout"},
		{"//search?q=timeout", "/search?q=timeout"},
	} {
		w := do(mux, "GET", tt.target, nil)
		if w.Code/100 != 3 || w.Header().Get("Location") != tt.location {
			t.Errorf("GET %s: %d to %q, want a redirect to %q", tt.target, w.Code, w.Header().Get("Location"), tt.location)
		}
	}
}

// discard is a ResponseWriter that keeps nothing of the body, so that
// what a handler allocates can be measured alone.
type discard struct {
	header http.Header
	n      int
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// TestResponsesAreStreamed: serving a large file, or a large page with the
// script, allocates a small fraction of its size: the answer streams from
// disk rather than being held whole. Before, each answer was held in
// memory (twice over for a page), so that 64 connections fetching a 54 MB
// incidents.json held gigabytes.
func TestResponsesAreStreamed(t *testing.T) {
	const size = 16 << 20
	json := strings.Repeat(`{"id":"2026-03-02 disk full","title":"Disk full on the builders"},`, size/64)
	page := "<html><body>" + strings.Repeat("<p>The disks filled with old artefacts.</p>\n", size/44) + "</body></html>"
	_, h := servedSite(t, map[string]string{
		"public/incidents.json":       json,
		"public/big/index.html":       page,
		"public/static/style.css":     "body{margin:0}",
		"public/search/index.html":    sitePage,
		"public/incidents/index.html": sitePage,
	})
	for _, tt := range []struct {
		path string
		size int
	}{
		{"/incidents.json", len(json)},
		{"/big/", len(Inject([]byte(page), 1))},
	} {
		var before, after runtime.MemStats
		w := &discard{header: http.Header{}}
		runtime.GC()
		runtime.ReadMemStats(&before)
		h.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))
		runtime.ReadMemStats(&after)
		if w.n != tt.size {
			t.Errorf("%s: %d bytes sent, want %d", tt.path, w.n, tt.size)
		}
		// A few buffers of tens of kilobytes; the limit leaves room for
		// whatever else the process allocates meanwhile.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/16 {
			t.Errorf("%s: serving %d MB allocated %.1f MB; want it streamed", tt.path, tt.size>>20, float64(alloc)/(1<<20))
		} else {
			t.Logf("%s: serving %d MB allocated %d KB", tt.path, tt.size>>20, alloc>>10)
		}
	}
}

// TestInjectStreaming: the script lands where Inject puts it however the
// page is cut into writes, a "</body>" split between two of them
// included.
func TestInjectStreaming(t *testing.T) {
	tag := string(scriptTag(3))
	far := "<body>a</body>" + strings.Repeat("x", maxHeld+10)
	for _, tt := range []struct{ page, want string }{
		{"<body>a</body></html>", "<body>a" + tag + "</body></html>"},
		{"<body>a</body><p>b</p></body>\n", "<body>a</body><p>b</p>" + tag + "</body>\n"},
		{"no end", "no end" + tag},
		{"</body", "</body" + tag},
		{"", tag},
		// More than maxHeld after the last "</body>": not the page's end.
		{far, far + tag},
	} {
		if got := string(Inject([]byte(tt.page), 3)); got != tt.want {
			t.Errorf("Inject(%.40q) = %.80q, want %.80q", tt.page, got, tt.want)
		}
		for _, chunk := range []int{1, 2, 3, 6, 7, 8, 13, 4096} {
			var out bytes.Buffer
			iw := &injectWriter{ResponseWriter: &bufferWriter{header: http.Header{"Content-Type": {"text/html"}}, body: &out}, tag: scriptTag(3)}
			iw.WriteHeader(http.StatusOK)
			for p := tt.page; len(p) > 0; {
				n := min(chunk, len(p))
				iw.Write([]byte(p[:n]))
				p = p[n:]
			}
			iw.finish()
			if out.String() != tt.want {
				t.Errorf("%.40q in writes of %d bytes: %.80q, want %.80q", tt.page, chunk, out.String(), tt.want)
			}
		}
	}
}

var _ io.ReaderFrom = (*injectWriter)(nil)
