// Package server serves a built site over HTTP on the loopback interface.
//
// It serves files only from the site folder: paths are cleaned, then
// looked up through an os.Root of the folder, which no "..", encoding or
// symbolic link can leave; folders without an index.html are not listed,
// and unknown paths get the site's 404.html with status 404. Timeouts and
// a header-size limit keep slow or hostile clients from holding
// connections open.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// Handler serves the static site in dir.
func Handler(dir string) http.Handler {
	return &siteHandler{dir: dir}
}

type siteHandler struct{ dir string }

func (h *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	if strings.Contains(name, "/.") || strings.ContainsAny(name, "\\\x00") {
		// The build's own files (.incidents-output, .incidents-manifest)
		// and anything else hidden are not part of the site, and no page
		// has a backslash or a NUL in its path.
		h.notFound(w, r)
		return
	}
	// Every look-up goes through an os.Root of the site folder, opened per
	// request (a rebuild swaps the folder): no path, link or ".." can
	// reach a file outside it.
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		h.notFound(w, r)
		return
	}
	defer root.Close()
	rel := strings.TrimPrefix(name, "/")
	if rel == "" {
		rel = "."
	}
	info, err := root.Stat(rel)
	if err == nil && info.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			// Redirect to the cleaned path: the raw one could be
			// "//other.host/..", which a browser would follow off the site.
			target := name + "/"
			if name == "/" {
				target = "/"
			}
			// r.URL.Path is decoded: encode it again, or a folder named
			// with "?", "#" or "%" would be cut or misread.
			target = (&url.URL{Path: target}).EscapedPath()
			if r.URL.RawQuery != "" {
				// The query goes along: /search?q=x is /search/?q=x.
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		rel = path.Join(rel, "index.html")
		info, err = root.Stat(rel)
	}
	if err != nil || !info.Mode().IsRegular() {
		h.notFound(w, r)
		return
	}
	f, err := root.Open(rel)
	if err != nil {
		h.notFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A validator that changes with the file, finer than Last-Modified's
	// second: a file rewritten in the same second as a client's copy is
	// not answered 304.
	w.Header().Set("ETag", etag(info))
	// ServeContent, not ServeFile: ServeFile would open the path again,
	// outside the root. It streams the file (sendfile(2) where it can),
	// answers Range and conditional requests, and gives HEAD the headers
	// GET has.
	http.ServeContent(w, r, path.Base(rel), info.ModTime(), f)
}

// etag is a strong validator of a file: its size and modification time
// in nanoseconds. A build that rewrites a file changes its time.
func etag(info os.FileInfo) string {
	return fmt.Sprintf(`"%x-%x"`, info.Size(), info.ModTime().UnixNano())
}

func (h *siteHandler) notFound(w http.ResponseWriter, r *http.Request) {
	var body []byte
	root, err := os.OpenRoot(h.dir)
	if err == nil {
		body, err = root.ReadFile("404.html")
		root.Close()
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// Timeouts and limits of the server. A client has 5 s to send its request
// line and headers (slowloris clients are dropped then) and 16 KB for the
// headers; 10 s for the whole request; and its response must be written
// within 30 s, which the largest file and the slowest search fit well
// inside. A handler that streams for longer, such as an event stream,
// lifts its own write deadline with http.ResponseController. An idle
// keep-alive connection is closed after 60 s.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 16 << 10
)

// newHTTPServer is the server ServeListener runs, with the limits above.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// Serve listens on addr and serves h until ctx is cancelled, then shuts
// down gracefully. ready, when set, is called with the address actually
// bound (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	return ServeListener(ctx, ln, h, ready)
}

// ServeListener is Serve on a listener the caller opened, for callers that
// need the address before serving. It closes ln.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, ready func(addr string)) error {
	srv := newHTTPServer(h)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shutting down: %w", err)
		}
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
