package live

import (
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// Overlay holds pages rendered ahead of the site on disk (serve's quick
// preview of an edit) and serves them in its place until the site is
// rebuilt. Its methods are safe for concurrent use.
type Overlay struct {
	mu    sync.RWMutex
	pages map[string]overlayPage // by URL path: "/incidents/x/"
}

type overlayPage struct {
	rel  string
	data []byte
	seq  int
}

// NewOverlay returns an empty overlay.
func NewOverlay() *Overlay { return &Overlay{pages: map[string]overlayPage{}} }

// Set adds pages, by their path in the site ("incidents/x/index.html"),
// made from the content as it was at change number seq.
func (o *Overlay) Set(pages map[string][]byte, seq int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for rel, data := range pages {
		o.pages[URLPath(rel)] = overlayPage{rel: rel, data: data, seq: seq}
	}
}

// Drop removes the pages made from changes up to seq, since the site on
// disk now holds them, and returns them by their path in the site.
func (o *Overlay) Drop(seq int) map[string][]byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string][]byte{}
	for p, pg := range o.pages {
		if pg.seq <= seq {
			delete(o.pages, p)
			out[pg.rel] = pg.data
		}
	}
	return out
}

// Len is the number of pages held.
func (o *Overlay) Len() int {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return len(o.pages)
}

// URLPath is the URL path of a file of the site: "incidents/x/index.html"
// is served as "/incidents/x/".
func URLPath(rel string) string {
	p := "/" + rel
	if strings.HasSuffix(p, "/index.html") {
		p = strings.TrimSuffix(p, "index.html")
	}
	return p
}

// Handler serves the overlay's pages and passes every other request to
// next.
func (o *Overlay) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			p := path.Clean("/" + r.URL.Path)
			if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
				p += "/"
			}
			p = strings.TrimSuffix(p, "index.html")
			o.mu.RLock()
			pg, ok := o.pages[p]
			o.mu.RUnlock()
			if ok && strings.HasSuffix(r.URL.Path, "/") || ok && strings.HasSuffix(r.URL.Path, "index.html") {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("X-Content-Type-Options", "nosniff")
				w.Header().Set("Content-Length", strconv.Itoa(len(pg.data)))
				w.WriteHeader(http.StatusOK)
				if r.Method == http.MethodGet {
					w.Write(pg.data)
				}
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
