package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"
)

// APIOptions bound the work the search API accepts. Zero values take the
// defaults.
type APIOptions struct {
	// Deadline stops a search that runs longer: shorter than any sensible
	// client timeout. Default 2 s.
	Deadline time.Duration
	// Concurrent is how many searches run at once; default two per CPU.
	Concurrent int
	// Queue is how many more may wait for a slot, and QueueWait for how
	// long, before the API answers 503 with Retry-After. Defaults: 64 and
	// 1 s.
	Queue     int
	QueueWait time.Duration
	// Log receives a line per failed search and the stack of any panic;
	// nil discards them.
	Log *log.Logger
}

func (o *APIOptions) defaults() {
	if o.Deadline <= 0 {
		o.Deadline = 2 * time.Second
	}
	if o.Concurrent <= 0 {
		o.Concurrent = 2 * runtime.GOMAXPROCS(0)
	}
	if o.Queue <= 0 {
		o.Queue = 64
	}
	if o.QueueWait <= 0 {
		o.QueueWait = time.Second
	}
}

// API serves GET /api/search over an index: see Request for the
// parameters (q, service, cause, site, year, since, until, sort, page,
// size, and facets=0 to skip the facet counts) and Response for the answer. Errors are JSON {"error": message}
// with status 400 for a request to change, 405 for a method other than
// GET or HEAD, 503 (with Retry-After) when too busy or too slow, and 500
// for anything else, a panic included.
type API struct {
	idx     *Index
	opts    APIOptions
	slots   chan struct{}
	waiting atomic.Int64
}

// NewAPI returns the API over idx.
func NewAPI(idx *Index, opts APIOptions) *API {
	opts.defaults()
	return &API{idx: idx, opts: opts, slots: make(chan struct{}, opts.Concurrent)}
}

func (a *API) logf(format string, args ...any) {
	if a.opts.Log != nil {
		a.opts.Log.Printf(format, args...)
	}
}

// ServeHTTP answers one search.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			a.logf("search: panic serving %s: %v\n%s", r.URL.RequestURI(), p, debug.Stack())
			writeError(w, http.StatusInternalServerError, "the search failed unexpectedly; the server logged the details")
		}
	}()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "use GET")
		return
	}
	req, err := ParseRequest(r.URL.Query())
	if err == nil {
		err = req.Normalize()
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	release, ok := a.acquire(r.Context())
	if !ok {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "the server is busy with other searches; try again in a moment")
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), a.opts.Deadline)
	defer cancel()
	res, err := a.idx.Search(ctx, req)
	var qe *QueryError
	switch {
	case errors.As(err, &qe):
		writeError(w, http.StatusBadRequest, qe.Message)
		return
	case errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil && r.Context().Err() == nil):
		a.logf("search: %q stopped after %v", req.Query, a.opts.Deadline)
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("the search took longer than %v and was stopped; make the query more specific", a.opts.Deadline))
		return
	case err != nil:
		if r.Context().Err() != nil {
			return // the client left
		}
		a.logf("search: %q: %v", req.Query, err)
		writeError(w, http.StatusInternalServerError, "the search failed; the server logged the details")
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// acquire waits for a search slot, for a bounded time and behind a
// bounded number of others.
func (a *API) acquire(ctx context.Context) (release func(), ok bool) {
	select {
	case a.slots <- struct{}{}:
		return func() { <-a.slots }, true
	default:
	}
	if a.waiting.Add(1) > int64(a.opts.Queue) {
		a.waiting.Add(-1)
		return nil, false
	}
	defer a.waiting.Add(-1)
	timer := time.NewTimer(a.opts.QueueWait)
	defer timer.Stop()
	select {
	case a.slots <- struct{}{}:
		return func() { <-a.slots }, true
	case <-timer.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// ParseRequest reads a Request from URL query parameters. It checks their
// form; Normalize checks the limits.
func ParseRequest(v url.Values) (Request, error) {
	r := Request{
		Query:    v.Get("q"),
		Services: v["service"],
		Causes:   v["cause"],
		Sites:    v["site"],
		Sort:     v.Get("sort"),
	}
	switch v.Get("facets") {
	case "", "1", "true":
	case "0", "false":
		r.NoFacets = true
	default:
		return r, queryErrorf("facets must be 1 or 0, not %q", v.Get("facets"))
	}
	number := func(name string, dst *int) error {
		s := v.Get(name)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return queryErrorf("%s must be a whole number, not %q", name, s)
		}
		*dst = n
		return nil
	}
	for name, dst := range map[string]*int{"page": &r.Page, "size": &r.Size, "year": &r.Year} {
		if err := number(name, dst); err != nil {
			return r, err
		}
	}
	for name, dst := range map[string]*time.Time{"since": &r.Since, "until": &r.Until} {
		s := v.Get(name)
		if s == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, s); err != nil {
				return r, queryErrorf("%s must be a date, YYYY-MM-DD, not %q", name, s)
			}
		}
		if t.Year() < 1970 || t.Year() > 2200 {
			// As for reports; bleve refuses dates before 1677 with a
			// plain error, which would be a 500.
			return r, queryErrorf("%s must be a date between 1970 and 2200, not %q", name, s)
		}
		*dst = t
	}
	return r, nil
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
