// Package live is the browser side of the live preview of `incidents
// serve`: it tells every open tab when a rebuild finished, so that the tab
// reloads itself, and shows the content's errors over the page while the
// content has any (the server keeps serving the last good build).
//
// The tabs listen on a server-sent event stream (Path + "events"); a small
// script (Path + "live.js") is added to every HTML page the server sends.
// Only the server adds it: the files that build writes never hold it.
package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
)

// Path is the URL folder of the live-preview endpoints; a site has no page
// there (its slugs never start with an underscore).
const Path = "/_incidents/"

// Problem is one content error as the overlay shows it.
type Problem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Text    string `json:"text"` // the whole line: path:line: field: message
	Warning bool   `json:"warning,omitempty"`
}

// state is what every tab is told: the generation of the last good build
// and the problems of the last build, if it failed.
type state struct {
	Generation int       `json:"generation"`
	Problems   []Problem `json:"problems"`
	// Paths are the URL paths of the pages that this generation changed;
	// nil means any page may have changed.
	Paths []string `json:"paths"`
	// Preview says the generation is a preview of an edit: the whole site
	// is being rebuilt behind it.
	Preview bool `json:"preview,omitempty"`
	// Message, when set, heads the overlay in place of the words for
	// errors in the content: the problems are not in the content.
	Message string `json:"message,omitempty"`
}

// Hub keeps the open event streams and the current state. Its methods are
// safe for concurrent use.
type Hub struct {
	mu      sync.Mutex
	st      state
	clients map[chan state]struct{}
	closed  bool
	done    chan struct{}
}

// NewHub starts at generation 1: the build served first.
func NewHub() *Hub {
	return &Hub{st: state{Generation: 1, Problems: []Problem{}}, clients: map[chan state]struct{}{}, done: make(chan struct{})}
}

// Built says a rebuild succeeded and its output is being served. The tabs
// showing one of the pages it changed (files of the site such as
// "incidents/x/index.html"; nil for every page) reload, and the others
// only if they missed an earlier build.
func (h *Hub) Built(changed []string) { h.built(changed, false) }

// Previewed is Built for pages shown ahead of the whole site's rebuild.
func (h *Hub) Previewed(changed []string) { h.built(changed, true) }

func (h *Hub) built(changed []string, preview bool) {
	var paths []string
	if changed != nil {
		paths = make([]string, 0, len(changed))
		for _, rel := range changed {
			p := URLPath(rel)
			paths = append(paths, p)
			if e := (&url.URL{Path: p}).EscapedPath(); e != p {
				// A page whose slug is not ASCII, as the browser's
				// location.pathname gives it: percent-encoded.
				paths = append(paths, e)
			}
		}
	}
	h.set(func(st *state) {
		st.Generation++
		st.Problems, st.Paths, st.Preview, st.Message = []Problem{}, paths, preview, ""
	})
}

// Failed says a rebuild found errors in the content: every tab shows them
// over the page it has.
func (h *Hub) Failed(ds []diag.Diagnostic) {
	ps := make([]Problem, 0, len(ds))
	for _, d := range ds {
		ps = append(ps, Problem{Path: d.Path, Line: d.Line, Text: d.String(), Warning: d.Severity == diag.Warning})
	}
	h.set(func(st *state) { st.Problems, st.Message = ps, "" })
}

// FailedText says a rebuild failed for a reason that is not in the content
// (a layout that does not parse, a disk that is full).
func (h *Hub) FailedText(msg string) {
	h.set(func(st *state) { st.Problems, st.Message = []Problem{{Text: msg}}, "" })
}

// Gone says the content folder dir is gone: every tab shows text over the
// page it has (the last good build) until a build succeeds.
func (h *Hub) Gone(dir, text string) {
	h.set(func(st *state) {
		st.Problems = []Problem{{Path: dir, Text: text}}
		st.Message = "The content folder is gone; this is the last good build. The page reloads when the folder is back."
	})
}

// Generation is the generation of the build being served.
func (h *Hub) Generation() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st.Generation
}

func (h *Hub) set(change func(*state)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	change(&h.st)
	for c := range h.clients {
		select {
		case <-c: // a tab that has not read the last state gets the newest
		default:
		}
		c <- h.st
	}
}

// Close ends every event stream; later streams end at once.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// Handler serves the event stream and the script under Path, and every
// other request with next, adding the script to HTML pages.
func (h *Hub) Handler(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(Path+"events", h.events)
	mux.HandleFunc(Path+"live.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(script))
	})
	mux.Handle("/", h.inject(next))
	return mux
}

// MaxStreams is how many event streams may be open at once: one per tab,
// and a person has a few tabs open, not hundreds. Beyond it a stream is
// answered 503, so that clients cannot pile up goroutines and sockets.
const MaxStreams = 64

// streamWriteTimeout is how long one event may take to reach a tab: a
// client that stops reading is dropped rather than holding a goroutine.
const streamWriteTimeout = 10 * time.Second

// events streams the state: at once, then after every build.
func (h *Hub) events(w http.ResponseWriter, r *http.Request) {
	c := make(chan state, 1)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "the server is stopping", http.StatusServiceUnavailable)
		return
	}
	if len(h.clients) >= MaxStreams {
		h.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		http.Error(w, "too many live-reload streams are open; close some tabs", http.StatusServiceUnavailable)
		return
	}
	c <- h.st
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.clients, c)
		h.mu.Unlock()
	}()
	// The server's write timeout would cut the stream: each event gets a
	// deadline of its own instead.
	rc := http.NewResponseController(w)
	send := func(format string, args ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	keepAlive := time.NewTicker(20 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case st := <-c:
			data, err := json.Marshal(st)
			if err != nil {
				return
			}
			if !send("event: state\ndata: %s\n\n", data) {
				return
			}
		case <-keepAlive.C:
			if !send(": keep-alive\n\n") {
				return
			}
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		}
	}
}

// inject adds the script, with the generation the page belongs to, to
// every HTML page that next answers (status 200 or 404), as the page
// streams through: see injectWriter. Every other response passes through
// untouched, so that files are sent from disk as next sends them, with
// their ranges and conditional answers.
//
// Pages with the script are never cached (Cache-Control: no-store), carry
// no ETag (the file's would not describe them) and serve no ranges: a
// conditional or Range request for a page is answered with the whole
// page, so that a tab reloading after a rebuild never gets a 304 for the
// page it had. Whether a request asks for a page is only known from next's
// answer, so a request that carries such headers is first asked as a HEAD
// without them (headers only, no body), and sent on plain if the answer
// is HTML.
func (h *Hub) inject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tag := scriptTag(h.Generation())
		if conditional(r) && servesHTML(next, r) {
			r = plain(r)
		}
		iw := &injectWriter{ResponseWriter: w, tag: tag, head: r.Method == http.MethodHead}
		next.ServeHTTP(iw, r)
		iw.finish()
	})
}

// validators are the request headers that can make an answer partial or
// empty (206, 304, 412).
var validators = []string{"If-Modified-Since", "If-None-Match", "If-Match", "If-Unmodified-Since", "If-Range", "Range"}

func conditional(r *http.Request) bool {
	for _, k := range validators {
		if r.Header.Get(k) != "" {
			return true
		}
	}
	return false
}

// plain is r without its validators.
func plain(r *http.Request) *http.Request {
	r = r.Clone(r.Context())
	for _, k := range validators {
		r.Header.Del(k)
	}
	return r
}

// servesHTML asks next for the headers of r's plain answer.
func servesHTML(next http.Handler, r *http.Request) bool {
	probe := plain(r)
	probe.Method = http.MethodHead
	hw := &headerWriter{header: http.Header{}}
	next.ServeHTTP(hw, probe)
	return injects(hw.code, hw.header)
}

// injects says whether an answer gets the script: a page, or the site's
// page for a missing one.
func injects(code int, h http.Header) bool {
	return (code == http.StatusOK || code == http.StatusNotFound) && strings.HasPrefix(h.Get("Content-Type"), "text/html")
}

// headerWriter keeps an answer's status and headers and drops its body.
type headerWriter struct {
	header http.Header
	code   int
}

func (w *headerWriter) Header() http.Header { return w.header }

func (w *headerWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *headerWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

func scriptTag(generation int) []byte {
	return fmt.Appendf(nil, `<script src="%slive.js" data-generation="%d"></script>`, Path, generation)
}

// Inject returns page with the live script added before its last
// </body>, or at the end when there is none, as the server sends it.
func Inject(page []byte, generation int) []byte {
	var out bytes.Buffer
	iw := &injectWriter{ResponseWriter: &bufferWriter{header: http.Header{}, body: &out}, tag: scriptTag(generation)}
	iw.Header().Set("Content-Type", "text/html")
	iw.Write(page)
	iw.finish()
	return out.Bytes()
}

// bufferWriter is a ResponseWriter into a buffer, for Inject.
type bufferWriter struct {
	header http.Header
	body   *bytes.Buffer
}

func (w *bufferWriter) Header() http.Header         { return w.header }
func (w *bufferWriter) WriteHeader(int)             {}
func (w *bufferWriter) Write(b []byte) (int, error) { return w.body.Write(b) }

// closeBody is where the script goes: before the page's last one.
var closeBody = []byte("</body>")

// maxHeld bounds what injectWriter holds back after a "</body>" while it
// waits to see whether another comes: a page's end is a few dozen bytes.
// Past it, that "</body>" is not the page's end (the script then goes
// before a later one, or at the end).
const maxHeld = 64 << 10

// injectWriter passes an answer through to the ResponseWriter. When the
// answer is a page (see injects), it adds tag before the page's last
// "</body>" as the page streams, holding back only the bytes from the
// last "</body>" seen (at most maxHeld) or the few that could begin one,
// and it declares the Content-Length of the page with the tag. Any other
// answer, files such as incidents.json above all, passes through as it
// is, its ReadFrom included, so that net/http can send a file with
// sendfile(2) and nothing of it is held in memory.
type injectWriter struct {
	http.ResponseWriter
	tag     []byte
	head    bool // a HEAD request: no body is sent
	decided bool // the status and headers are written
	page    bool // the script is being added
	held    []byte
	err     error
}

func (w *injectWriter) WriteHeader(code int) {
	if !w.decided && code >= 200 {
		w.decided = true
		if injects(code, w.Header()) {
			w.page = true
			h := w.Header()
			h.Set("Cache-Control", "no-store")
			h.Del("ETag")
			h.Del("Accept-Ranges")
			if n := h.Get("Content-Length"); n != "" {
				if size, err := strconv.ParseInt(n, 10, 64); err == nil && size >= 0 {
					h.Set("Content-Length", strconv.FormatInt(size+int64(len(w.tag)), 10))
				} else {
					h.Del("Content-Length")
				}
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *injectWriter) Write(p []byte) (int, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if !w.page {
		return w.ResponseWriter.Write(p)
	}
	if w.head {
		return len(p), nil // the length declared is the page's with the script
	}
	if w.err != nil {
		return 0, w.err
	}
	// held is a "</body>" and what followed it, or a few bytes that may
	// begin one: a new "</body>" can only start in its last few bytes.
	from := max(0, len(w.held)-(len(closeBody)-1))
	w.held = append(w.held, p...)
	i := bytes.LastIndex(w.held[from:], closeBody)
	if i >= 0 {
		i += from
	} else if bytes.HasPrefix(w.held, closeBody) {
		i = 0
	}
	keep := min(len(w.held), len(closeBody)-1) // what may begin a "</body>"
	if i >= 0 && len(w.held)-i <= maxHeld {
		keep = len(w.held) - i
	}
	if send := len(w.held) - keep; send > 0 {
		if _, w.err = w.ResponseWriter.Write(w.held[:send]); w.err != nil {
			return 0, w.err
		}
		w.held = w.held[:copy(w.held, w.held[send:])]
	}
	return len(p), nil
}

// ReadFrom lets io.Copy (http.ServeContent's) reach the connection's own
// ReadFrom, and so sendfile(2), for answers that pass through.
func (w *injectWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok && !w.page {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{w}, r) // the struct hides ReadFrom
}

// finish sends the script and what was held back, once the answer is
// complete.
func (w *injectWriter) finish() {
	if !w.page || w.head || w.err != nil {
		return
	}
	end := slices.Concat(w.held, w.tag)
	if bytes.HasPrefix(w.held, closeBody) {
		end = slices.Concat(w.tag, w.held)
	}
	_, w.err = w.ResponseWriter.Write(end)
}

// FlushError flushes what has been written (not what is held back): the
// event stream and any answer that flushes reach the client at once.
func (w *injectWriter) FlushError() error {
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap is for http.ResponseController.
func (w *injectWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
