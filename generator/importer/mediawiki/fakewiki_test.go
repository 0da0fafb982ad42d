package mediawiki

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// fakeClock is a clock whose time moves only when the Client sleeps, so
// that tests see every wait exactly and take no time.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(d)
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// wikiPage is one page of the fake wiki.
type wikiPage struct {
	id         int64
	ns         int
	title      string
	revID      int64
	timestamp  time.Time
	text       string
	redirectTo string
	textHidden bool
}

// request is one request the fake wiki received.
type request struct {
	n         int // 1-based
	method    string
	userAgent string
	params    url.Values
	at        time.Time // by the test's clock
	kind      string    // siteinfo, list, redirects, text
}

// fakeWiki answers as a MediaWiki Action API does (formatversion=2), for
// the queries the Client makes, and records every request.
type fakeWiki struct {
	t     *testing.T
	clock interface{ Now() time.Time }

	mu    sync.Mutex
	pages []*wikiPage
	// namespaces: id → local name; aliases: alias → id.
	namespaces map[int]string
	aliases    map[string]int
	// listLimit is the most pages of one listing answer.
	listLimit int
	// splitListing sends each listing batch in two answers, the second
	// continuing the revisions of the first (rvcontinue, no batchcomplete).
	splitListing bool
	// textPerAnswer, when > 0, is the most pages whose text one answer
	// holds; the rest follow with rvcontinue.
	textPerAnswer int
	// deletedAfterListing are titles listed but gone when their text is
	// asked for.
	deletedAfterListing map[string]bool
	// inject answers request n (1-based) in its own way instead.
	inject map[int]func(w http.ResponseWriter, r *http.Request)

	requests []request
}

func newFakeWiki(t *testing.T, clock interface{ Now() time.Time }) *fakeWiki {
	return &fakeWiki{
		t: t, clock: clock, listLimit: 500,
		namespaces:          map[int]string{0: "", 4: "Opswiki", 12: "Help"},
		aliases:             map[string]int{"Project": 4, "OW": 4},
		deletedAfterListing: map[string]bool{},
		inject:              map[int]func(http.ResponseWriter, *http.Request){},
	}
}

func (fw *fakeWiki) addPage(p *wikiPage) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	p.id = int64(len(fw.pages) + 1)
	if p.revID == 0 {
		p.revID = 1000 + p.id
	}
	if p.timestamp.IsZero() {
		p.timestamp = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(p.id) * time.Hour)
	}
	if p.redirectTo != "" {
		p.text = "#REDIRECT [[" + p.redirectTo + "]]"
	}
	fw.pages = append(fw.pages, p)
}

func (fw *fakeWiki) serve() *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(fw.handle))
	fw.t.Cleanup(srv.Close)
	return srv
}

func (fw *fakeWiki) Requests() []request {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return append([]request(nil), fw.requests...)
}

// RequestsOf returns the requests of one kind.
func (fw *fakeWiki) RequestsOf(kind string) []request {
	var out []request
	for _, r := range fw.Requests() {
		if r.kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func (fw *fakeWiki) handle(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	params := r.Form
	fw.mu.Lock()
	req := request{n: len(fw.requests) + 1, method: r.Method, userAgent: r.UserAgent(), params: params, at: fw.clock.Now()}
	switch {
	case params.Get("meta") == "siteinfo":
		req.kind = "siteinfo"
	case params.Get("generator") == "allpages":
		req.kind = "list"
	case params.Get("prop") == "revisions":
		req.kind = "text"
	case params.Has("titles"):
		req.kind = "redirects"
	}
	fw.requests = append(fw.requests, req)
	inject := fw.inject[req.n]
	fw.mu.Unlock()

	if inject != nil {
		inject(w, r)
		return
	}
	if params.Get("action") != "query" || params.Get("format") != "json" || params.Get("formatversion") != "2" {
		fw.apiError(w, "badvalue", "the fake wiki answers action=query&format=json&formatversion=2 only")
		return
	}
	fw.mu.Lock()
	defer fw.mu.Unlock()
	var answer map[string]any
	switch req.kind {
	case "siteinfo":
		answer = fw.siteinfo()
	case "list":
		answer = fw.list(params)
	case "text", "redirects":
		answer = fw.titles(params, req.kind == "text")
	default:
		fw.apiError(w, "badvalue", "the fake wiki does not know this query")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := json.NewEncoder(w).Encode(answer); err != nil {
		fw.t.Error(err)
	}
}

func (fw *fakeWiki) apiError(w http.ResponseWriter, code, info string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("MediaWiki-API-Error", code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "info": info}})
}

func (fw *fakeWiki) siteinfo() map[string]any {
	ns := map[string]any{}
	for id, name := range fw.namespaces {
		entry := map[string]any{"id": id, "case": "first-letter", "name": name, "content": id == 0}
		if id == 4 {
			entry["canonical"] = "Project"
		}
		if id == 12 {
			entry["canonical"] = "Help"
		}
		ns[strconv.Itoa(id)] = entry
	}
	var aliases []map[string]any
	for alias, id := range fw.aliases {
		aliases = append(aliases, map[string]any{"id": id, "alias": alias})
	}
	return map[string]any{"batchcomplete": true, "query": map[string]any{"namespaces": ns, "namespacealiases": aliases}}
}

// inNamespace returns a title without its namespace's name.
func (fw *fakeWiki) inNamespace(p *wikiPage) string {
	if p.ns == 0 {
		return p.title
	}
	return strings.TrimPrefix(p.title, fw.namespaces[p.ns]+":")
}

func (fw *fakeWiki) list(params url.Values) map[string]any {
	ns, _ := strconv.Atoi(params.Get("gapnamespace"))
	prefix := normalizeTitle(params.Get("gapprefix"))
	if params.Get("gaplimit") != "max" {
		fw.t.Errorf("gaplimit %q, want max", params.Get("gaplimit"))
	}
	var matching []*wikiPage
	for _, p := range fw.pages {
		if p.ns == ns && strings.HasPrefix(fw.inNamespace(p), prefix) {
			matching = append(matching, p)
		}
	}
	sort.Slice(matching, func(i, j int) bool { return matching[i].title < matching[j].title })
	from := params.Get("gapcontinue")
	start := sort.Search(len(matching), func(i int) bool { return fw.inNamespace(matching[i]) >= from })
	end := min(start+fw.listLimit, len(matching))
	batch := matching[start:end]
	var pages []map[string]any
	for i, p := range batch {
		entry := map[string]any{"pageid": p.id, "ns": p.ns, "title": p.title, "contentmodel": "wikitext", "lastrevid": p.revID, "length": len(p.text)}
		if p.redirectTo != "" {
			entry["redirect"] = true
		}
		// Split: the odd pages' revisions first, then the even ones'.
		withRevision := !fw.splitListing || (params.Has("rvcontinue") == (i%2 == 0))
		if withRevision {
			entry["revisions"] = []map[string]any{{"revid": p.revID, "parentid": p.revID - 1, "timestamp": p.timestamp.Format(time.RFC3339)}}
		}
		pages = append(pages, entry)
	}
	answer := map[string]any{"query": map[string]any{"pages": pages}}
	cont := map[string]any{}
	if fw.splitListing && !params.Has("rvcontinue") {
		// Some of the batch's revisions; the same batch again.
		cont["rvcontinue"] = "1"
		if from != "" {
			cont["gapcontinue"] = from
		}
		cont["continue"] = "gapcontinue||"
		answer["continue"] = cont
		return answer
	}
	answer["batchcomplete"] = true
	if end < len(matching) {
		answer["continue"] = map[string]any{"gapcontinue": fw.inNamespace(matching[end]), "continue": "gapcontinue||"}
	}
	return answer
}

func (fw *fakeWiki) byTitle(title string) *wikiPage {
	for _, p := range fw.pages {
		if p.title == title {
			return p
		}
	}
	return nil
}

// titles answers titles=…: with prop=revisions, their last revision with
// its text; with redirects=1, redirects followed.
func (fw *fakeWiki) titles(params url.Values, withText bool) map[string]any {
	titles := strings.Split(params.Get("titles"), "|")
	if len(titles) > BatchSize {
		fw.t.Errorf("%d titles in one request, more than %d", len(titles), BatchSize)
	}
	if withText {
		want := map[string]string{"rvprop": "ids|timestamp|content", "rvslots": "main"}
		for k, v := range want {
			if params.Get(k) != v {
				fw.t.Errorf("%s=%q, want %q", k, params.Get(k), v)
			}
		}
	}
	followRedirects := params.Get("redirects") == "1"
	var normalized, redirects []map[string]any
	var pages []map[string]any
	seen := map[string]bool{}
	skip, _ := strconv.Atoi(params.Get("rvcontinue"))
	withRevisions, next := 0, 0
	for _, asked := range titles {
		title := normalizeTitle(asked)
		if title != asked {
			normalized = append(normalized, map[string]any{"fromencoded": false, "from": asked, "to": title})
		}
		p := fw.byTitle(title)
		if p != nil && p.redirectTo != "" && followRedirects {
			redirects = append(redirects, map[string]any{"from": title, "to": p.redirectTo})
			title = p.redirectTo
			p = fw.byTitle(title)
		}
		if seen[title] {
			continue
		}
		seen[title] = true
		if p == nil || fw.deletedAfterListing[title] {
			pages = append(pages, map[string]any{"ns": 0, "title": title, "missing": true})
			continue
		}
		entry := map[string]any{"pageid": p.id, "ns": p.ns, "title": p.title}
		if p.redirectTo != "" {
			entry["redirect"] = true
		}
		if withText {
			index := len(pages)
			if index >= skip && (fw.textPerAnswer == 0 || withRevisions < fw.textPerAnswer) {
				withRevisions++
				next = index + 1
				main := map[string]any{"contentmodel": "wikitext", "contentformat": "text/x-wiki"}
				if p.textHidden {
					main["texthidden"] = true
				} else {
					main["content"] = p.text
				}
				entry["revisions"] = []map[string]any{{"revid": p.revID, "parentid": p.revID - 1, "timestamp": p.timestamp.Format(time.RFC3339), "slots": map[string]any{"main": main}}}
			}
		}
		pages = append(pages, entry)
	}
	query := map[string]any{"pages": pages}
	if normalized != nil {
		query["normalized"] = normalized
	}
	if redirects != nil {
		query["redirects"] = redirects
	}
	answer := map[string]any{"query": query}
	// The pages after the last one given text follow, if any is left.
	if withText && fw.textPerAnswer > 0 && withRevisions == fw.textPerAnswer && next < len(pages) {
		answer["continue"] = map[string]any{"rvcontinue": strconv.Itoa(next), "continue": "||"}
		return answer
	}
	answer["batchcomplete"] = true
	return answer
}

// normalizeTitle does what MediaWiki does to a title on a first-letter
// wiki: underscores become spaces, the first letter a capital.
func normalizeTitle(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// answerMaxlag answers as MediaWiki does when the replicas lag more than
// maxlag: HTTP 200, a maxlag error, Retry-After.
func answerMaxlag(retryAfter string, lag float64) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("X-Database-Lag", fmt.Sprint(lag))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("MediaWiki-API-Error", "maxlag")
		json.NewEncoder(w).Encode(map[string]any{
			"error":    map[string]any{"code": "maxlag", "info": fmt.Sprintf("Waiting for 10.0.0.7: %v seconds lagged.", lag), "host": "10.0.0.7", "lag": lag, "type": "db"},
			"servedby": "mw-api-fake",
		})
	}
}

// answerStatus answers with an HTTP error status, and Retry-After if set.
func answerStatus(status int, retryAfter string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body>%d</body></html>", status)
	}
}

// answerCutOff starts an answer and closes the connection in its middle:
// a network error. (Closing it before any answer would be retried at
// once by Go's transport, which takes that for a stale kept-alive
// connection, before the Client sees any error.)
func answerCutOff(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "1000")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, `{"batchcomplete":true,"query":{"pages":[`)
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}
