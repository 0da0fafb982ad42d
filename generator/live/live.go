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
	"net/http"
	"net/url"
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
// every HTML response of next. Conditional requests are made plain, so
// that a tab reloading after a rebuild never gets a 304 for the page it
// had.
func (h *Hub) inject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("If-Modified-Since")
		r.Header.Del("If-None-Match")
		r.Header.Del("Range")
		gen := h.Generation()
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		if ct := rec.header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
			body = Inject(body, gen)
			rec.header.Set("Cache-Control", "no-store")
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		if rec.header.Get("Content-Length") != "" {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		w.WriteHeader(rec.code)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
}

// Inject returns page with the live script added before </body>, or at the
// end when there is none.
func Inject(page []byte, generation int) []byte {
	tag := fmt.Sprintf(`<script src="%slive.js" data-generation="%d"></script>`, Path, generation)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// recorder holds a response until it is complete. Site pages are files of
// at most a few megabytes.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(b)
}
