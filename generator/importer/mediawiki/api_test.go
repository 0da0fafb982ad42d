package mediawiki

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const testUA = "incidents-import/test (+ops@example.org) Go-http-client/1.1"

// newTestClient returns a Client of the fake wiki on the fake clock.
func newTestClient(url string, clk *fakeClock) *Client {
	return &Client{URL: url, UserAgent: testUA, clock: clk, random: func() float64 { return 0.5 }}
}

// gotPage is what the API tests compare of a page.
type gotPage struct {
	Title    string
	Rev      int64
	Text     string
	Redirect string
	Problem  string
}

func collectPages(t *testing.T, read func(func(Page) error) error, source string) []gotPage {
	t.Helper()
	var got []gotPage
	err := read(func(p Page) error {
		if p.Source != source {
			t.Errorf("%s: source %q, want %q", p.Title, p.Source, source)
		}
		got = append(got, gotPage{p.Title, p.RevisionID, p.Text, p.Redirect, p.Problem})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func checkGotPages(t *testing.T, got, want []gotPage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d pages:\n%+v\nwant %d:\n%+v", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Title != w.Title || g.Rev != w.Rev || g.Text != w.Text || g.Redirect != w.Redirect ||
			(w.Problem == "") != (g.Problem == "") || !strings.Contains(g.Problem, w.Problem) {
			t.Errorf("page %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// checkEtiquette checks what every request must carry, and that requests
// start at least MinInterval apart.
func checkEtiquette(t *testing.T, requests []request, interval time.Duration) {
	t.Helper()
	for i, r := range requests {
		if r.userAgent != testUA {
			t.Errorf("request %d: User-Agent %q, want %q", r.n, r.userAgent, testUA)
		}
		for k, v := range map[string]string{"maxlag": "5", "format": "json", "formatversion": "2", "action": "query"} {
			if r.params.Get(k) != v {
				t.Errorf("request %d: %s=%q, want %q", r.n, k, r.params.Get(k), v)
			}
		}
		if i > 0 {
			if gap := r.at.Sub(requests[i-1].at); gap < interval {
				t.Errorf("request %d started %s after the one before, less than %s", r.n, gap, interval)
			}
		}
	}
}

// incidentWiki is a fake wiki with incident pages under "Incidents/", a
// redirect, a page deleted after it is listed, one whose text is hidden,
// and pages that the prefix does not take.
func incidentWiki(t *testing.T, clk interface{ Now() time.Time }) *fakeWiki {
	fw := newFakeWiki(t, clk)
	for _, p := range []*wikiPage{
		{title: "Incidents/2024-01-05 alpha outage", text: "{{irdoc|status=final}}\nAlpha was down."},
		{title: "Incidents/2024-01-06 Beta (old title)", redirectTo: "Incidents/2024-01-06 beta degradation"},
		{title: "Incidents/2024-01-06 beta degradation", text: "Beta was slow; see [[Incidents/2024-01-05 alpha outage]]."},
		{title: "Incidents/2024-02-01 gone", text: "deleted after the listing"},
		{title: "Incidents/2024-03-01 hidden", text: "suppressed", textHidden: true},
		{title: "Incidents/2024-04-01 gamma", text: "Gamma: ünïcödé and a\u00a0non-breaking space."},
		{title: "Incidents/2024-05-01 delta", text: "Delta."},
		{title: "Incident documentation/20190101-Old", text: "not under Incidents/"},
		{title: "Main Page", text: "welcome"},
		{ns: 4, title: "Opswiki:Incidents/2024-06-01 project page", text: "in the project namespace"},
	} {
		fw.addPage(p)
	}
	fw.deletedAfterListing["Incidents/2024-02-01 gone"] = true
	return fw
}

var incidentPages = []gotPage{
	{Title: "Incidents/2024-01-06 Beta (old title)", Rev: 1002, Redirect: "Incidents/2024-01-06 beta degradation"},
	{Title: "Incidents/2024-01-05 alpha outage", Rev: 1001, Text: "{{irdoc|status=final}}\nAlpha was down."},
	{Title: "Incidents/2024-01-06 beta degradation", Rev: 1003, Text: "Beta was slow; see [[Incidents/2024-01-05 alpha outage]]."},
	{Title: "Incidents/2024-02-01 gone", Problem: "no longer exists on the wiki"},
	{Title: "Incidents/2024-03-01 hidden", Rev: 1005, Problem: "the text of revision 1005 was deleted"},
	{Title: "Incidents/2024-04-01 gamma", Rev: 1006, Text: "Gamma: ünïcödé and a\u00a0non-breaking space."},
	{Title: "Incidents/2024-05-01 delta", Rev: 1007, Text: "Delta."},
}

// TestClientPages reads a prefix listed in three batches, through a
// maxlag error, a 429 with Retry-After, a 503 without and an answer
// cut off, and checks the pages and every request made.
func TestClientPages(t *testing.T) {
	clk := newFakeClock()
	fw := incidentWiki(t, clk)
	fw.listLimit = 3
	// Requests, in the order the Client makes them: list 1, redirects,
	// text; list 2, text; list 3, text.
	fw.inject[3] = answerMaxlag("5", 7.5) // text of batch 1
	fw.inject[5] = answerStatus(429, "7") // list 2
	fw.inject[6] = answerStatus(503, "")  // list 2 again: backoff
	fw.inject[8] = answerCutOff           // text of batch 2
	fw.inject[11] = answerMaxlag("", 2.2) // text of batch 3: the lag, rounded up
	srv := fw.serve()
	c := newTestClient(srv.URL, clk)

	got := collectPages(t, func(fn func(Page) error) error {
		return c.Pages(context.Background(), "Incidents/", time.Time{}, fn)
	}, srv.URL)
	checkGotPages(t, got, incidentPages)

	requests := fw.Requests()
	kinds := make([]string, len(requests))
	for i, r := range requests {
		kinds[i] = r.kind
	}
	wantKinds := "list redirects text text list list list text text list text text"
	if strings.Join(kinds, " ") != wantKinds {
		t.Errorf("requests %q, want %q", strings.Join(kinds, " "), wantKinds)
	}
	checkEtiquette(t, requests, DefaultMinInterval)
	// The waits before tries again: the maxlag error's Retry-After; the
	// 429's; the backoff after the 503, the list request's second try
	// (3/4 of 2 s, the jitter fixed at 0.5); after the answer cut off,
	// a first try (3/4 of 1 s); the lag of 2.2 s rounded up. MinInterval
	// before all the others.
	wantRetryWaits := []time.Duration{5 * time.Second, 7 * time.Second, 1500 * time.Millisecond, 750 * time.Millisecond, 3 * time.Second}
	var retryWaits []time.Duration
	for _, d := range clk.Sleeps() {
		if d != DefaultMinInterval {
			retryWaits = append(retryWaits, d)
		}
	}
	if fmt.Sprint(retryWaits) != fmt.Sprint(wantRetryWaits) {
		t.Errorf("waits before retries %v, want %v", retryWaits, wantRetryWaits)
	}
	for _, r := range fw.RequestsOf("list") {
		if r.params.Get("gapprefix") != "Incidents/" || r.params.Get("gapnamespace") != "0" ||
			r.params.Get("prop") != "info|revisions" || r.params.Get("rvprop") != "ids|timestamp" {
			t.Errorf("list request %d: %v", r.n, r.params)
		}
	}
	continues := []string{}
	for _, r := range fw.RequestsOf("list") {
		continues = append(continues, r.params.Get("gapcontinue"))
	}
	if want := "[ Incidents/2024-02-01 gone Incidents/2024-02-01 gone Incidents/2024-02-01 gone Incidents/2024-05-01 delta]"; fmt.Sprint(continues) != want {
		t.Errorf("gapcontinue of the list requests %v, want %v", continues, want)
	}
	for _, r := range fw.RequestsOf("text") {
		if r.params.Get("redirects") != "1" {
			t.Errorf("text request %d without redirects=1", r.n)
		}
	}
}

// TestClientTitles lists without text: one request a batch, and one to
// resolve the redirect.
func TestClientTitles(t *testing.T) {
	clk := newFakeClock()
	fw := incidentWiki(t, clk)
	srv := fw.serve()
	c := newTestClient(srv.URL, clk)
	got := collectPages(t, func(fn func(Page) error) error {
		return c.Titles(context.Background(), "Incidents/", fn)
	}, srv.URL)
	var want []gotPage
	for _, p := range incidentPages {
		p.Text = ""
		p.Problem = "" // a listing cannot know
		if p.Rev == 0 {
			p.Rev = 1004 // listed before it was deleted
		}
		want = append(want, p)
	}
	checkGotPages(t, got, want)
	if n := len(fw.RequestsOf("text")); n != 0 {
		t.Errorf("%d requests for text, want none", n)
	}
	if n := len(fw.Requests()); n != 2 {
		t.Errorf("%d requests, want 2 (list, redirects)", n)
	}
}

// TestClientBatches: 120 pages are read 50 titles a request, each request's
// titles those of the listing, in order.
func TestClientBatches(t *testing.T) {
	clk := newFakeClock()
	fw := newFakeWiki(t, clk)
	for i := range 120 {
		fw.addPage(&wikiPage{title: fmt.Sprintf("Incidents/2023-%03d page", i), text: fmt.Sprintf("text %d", i)})
	}
	srv := fw.serve()
	c := newTestClient(srv.URL, clk)
	got := collectPages(t, func(fn func(Page) error) error {
		return c.Pages(context.Background(), "Incidents/", time.Time{}, fn)
	}, srv.URL)
	if len(got) != 120 {
		t.Fatalf("%d pages, want 120", len(got))
	}
	for i, p := range got {
		if want := fmt.Sprintf("text %d", i); p.Text != want {
			t.Errorf("page %d: text %q, want %q", i, p.Text, want)
		}
	}
	var sizes []int
	for _, r := range fw.RequestsOf("text") {
		titles := strings.Split(r.params.Get("titles"), "|")
		sizes = append(sizes, len(titles))
		if want := fmt.Sprintf("Incidents/2023-%03d page", sum(sizes)-len(titles)); titles[0] != want {
			t.Errorf("text request %d starts with %q, want %q", r.n, titles[0], want)
		}
	}
	if fmt.Sprint(sizes) != "[50 50 20]" {
		t.Errorf("titles per request %v, want [50 50 20]", sizes)
	}
	checkEtiquette(t, fw.Requests(), DefaultMinInterval)
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestClientSince: only pages whose last revision is at or after since are
// fetched; the listing still covers the whole prefix.
func TestClientSince(t *testing.T) {
	clk := newFakeClock()
	fw := newFakeWiki(t, clk)
	day := func(d int) time.Time { return time.Date(2025, 3, d, 10, 0, 0, 0, time.UTC) }
	fw.addPage(&wikiPage{title: "Incidents/2025-03-01 old", text: "old", timestamp: day(2)})
	fw.addPage(&wikiPage{title: "Incidents/2025-03-05 exactly", text: "on the day", timestamp: day(10)})
	fw.addPage(&wikiPage{title: "Incidents/2025-03-09 new", text: "new", timestamp: day(12)})
	fw.addPage(&wikiPage{title: "Incidents/2025-03-01 old name", redirectTo: "Incidents/2025-03-01 old", timestamp: day(3)})
	fw.addPage(&wikiPage{title: "Incidents/2025-03-09 new name", redirectTo: "Incidents/2025-03-09 new", timestamp: day(11)})
	fw.splitListing = true // and the listing's revisions come in two answers
	srv := fw.serve()
	c := newTestClient(srv.URL, clk)
	got := collectPages(t, func(fn func(Page) error) error {
		return c.Pages(context.Background(), "Incidents/", day(10), fn)
	}, srv.URL)
	checkGotPages(t, got, []gotPage{
		{Title: "Incidents/2025-03-09 new name", Rev: 1005, Redirect: "Incidents/2025-03-09 new"},
		{Title: "Incidents/2025-03-05 exactly", Rev: 1002, Text: "on the day"},
		{Title: "Incidents/2025-03-09 new", Rev: 1003, Text: "new"},
	})
	texts := fw.RequestsOf("text")
	if len(texts) != 1 || texts[0].params.Get("titles") != "Incidents/2025-03-05 exactly|Incidents/2025-03-09 new" {
		t.Errorf("text requests %+v, want one for the two pages changed since", texts)
	}
	if n := len(fw.RequestsOf("list")); n != 2 {
		t.Errorf("%d list requests, want 2 (one batch in two answers)", n)
	}
}

// TestClientRevisionContinuation: when the wiki gives the text of only
// some pages of a request, the rest come with rvcontinue.
func TestClientRevisionContinuation(t *testing.T) {
	clk := newFakeClock()
	fw := newFakeWiki(t, clk)
	for i := range 5 {
		fw.addPage(&wikiPage{title: fmt.Sprintf("Incidents/2022-0%d long", i+1), text: strings.Repeat(fmt.Sprint(i), 100)})
	}
	fw.textPerAnswer = 2
	srv := fw.serve()
	c := newTestClient(srv.URL, clk)
	got := collectPages(t, func(fn func(Page) error) error {
		return c.Pages(context.Background(), "Incidents/", time.Time{}, fn)
	}, srv.URL)
	if len(got) != 5 {
		t.Fatalf("%d pages, want 5", len(got))
	}
	for i, p := range got {
		if p.Problem != "" || p.Text != strings.Repeat(fmt.Sprint(i), 100) {
			t.Errorf("page %d: %+v", i, p)
		}
	}
	var conts []string
	for _, r := range fw.RequestsOf("text") {
		conts = append(conts, r.params.Get("rvcontinue"))
	}
	if fmt.Sprint(conts) != "[ 2 4]" {
		t.Errorf("rvcontinue of the text requests %q, want [ 2 4]", conts)
	}
}

// TestClientNamespacePrefix: a prefix whose part before the colon is a
// namespace (by local name, canonical name or alias, in any case) is
// listed in that namespace; other colons are part of a main-namespace
// title.
func TestClientNamespacePrefix(t *testing.T) {
	tests := []struct {
		prefix, ns, gapprefix string
		siteinfo              bool
		titles                []string
	}{
		{"Incidents/", "0", "Incidents/", false, []string{"Incidents/2024-01-05 alpha outage"}},
		{"Incident documentation/", "0", "Incident documentation/", false, []string{"Incident documentation/20190101-Old"}},
		{"Project:Incidents/", "4", "Incidents/", true, []string{"Opswiki:Incidents/2024-06-01 project page"}},
		{"opswiki:Incidents/", "4", "Incidents/", true, []string{"Opswiki:Incidents/2024-06-01 project page"}},
		{"OW:Incidents/", "4", "Incidents/", true, []string{"Opswiki:Incidents/2024-06-01 project page"}},
		{"Postmortem:2024", "0", "Postmortem:2024", true, []string{"Postmortem:2024 colon in a title"}},
		{":Main", "0", "Main", false, []string{"Main Page"}},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			clk := newFakeClock()
			fw := newFakeWiki(t, clk)
			for _, p := range []*wikiPage{
				{title: "Incidents/2024-01-05 alpha outage"},
				{title: "Incident documentation/20190101-Old"},
				{title: "Main Page"},
				{title: "Postmortem:2024 colon in a title"},
				{ns: 4, title: "Opswiki:Incidents/2024-06-01 project page"},
			} {
				fw.addPage(p)
			}
			srv := fw.serve()
			c := newTestClient(srv.URL, clk)
			var titles []string
			if err := c.Titles(context.Background(), tt.prefix, func(p Page) error { titles = append(titles, p.Title); return nil }); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(titles) != fmt.Sprint(tt.titles) {
				t.Errorf("titles %q, want %q", titles, tt.titles)
			}
			if got := len(fw.RequestsOf("siteinfo")) == 1; got != tt.siteinfo {
				t.Errorf("siteinfo asked: %v, want %v", got, tt.siteinfo)
			}
			list := fw.RequestsOf("list")
			if len(list) != 1 || list[0].params.Get("gapnamespace") != tt.ns || list[0].params.Get("gapprefix") != tt.gapprefix {
				t.Errorf("list requests %+v, want gapnamespace=%s gapprefix=%q", list, tt.ns, tt.gapprefix)
			}
		})
	}
}

// TestClientErrors: what stops a reading, and how many tries it took.
func TestClientErrors(t *testing.T) {
	html := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body>Main Page</body></html>")
	}
	apiErr := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"error":{"code":"readapidenied","info":"You need read permission to use this module."}}`)
	}
	always := func(f func(http.ResponseWriter, *http.Request)) map[int]func(http.ResponseWriter, *http.Request) {
		m := map[int]func(http.ResponseWriter, *http.Request){}
		for i := 1; i <= 20; i++ {
			m[i] = f
		}
		return m
	}
	tests := []struct {
		name     string
		client   func(c *Client)
		inject   map[int]func(http.ResponseWriter, *http.Request)
		want     string
		requests int
		waits    string
	}{
		{"503 every time", nil, always(answerStatus(503, "")), "listing pages: HTTP 503 Service Unavailable (after 6 tries)", 6,
			// 3/4 of 1, 2, 4, 8, 16 s (jitter fixed at 0.5).
			"[750ms 1.5s 3s 6s 12s]"},
		{"fewer tries", func(c *Client) { c.MaxAttempts = 2 }, always(answerStatus(502, "")), "HTTP 502 Bad Gateway (after 2 tries)", 2, "[750ms]"},
		{"maxlag every time", nil, always(answerMaxlag("5", 6)), "API error maxlag: Waiting for 10.0.0.7: 6 seconds lagged. (after 6 tries)", 6, "[5s 5s 5s 5s 5s]"},
		{"wait too long", nil, always(answerStatus(429, "3600")), "HTTP 429 Too Many Requests, and the wiki asks to wait 1h0m0s", 1, "[]"},
		{"not found", nil, always(answerStatus(404, "")), "HTTP 404 Not Found: is this the URL of the wiki's api.php?", 1, "[]"},
		{"not the API", nil, always(html), "the answer is text/html, not JSON: is this the URL of the wiki's api.php?", 1, "[]"},
		{"API error", nil, always(apiErr), "API error readapidenied: You need read permission", 1, "[]"},
		{"no User-Agent", func(c *Client) { c.UserAgent = " " }, nil, "a User-Agent that says who runs the import is required", 0, "[]"},
		{"not a URL", func(c *Client) { c.URL = "wiki.example.org/w/api.php" }, nil, "not an http or https URL", 0, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			fw := incidentWiki(t, clk)
			fw.inject = tt.inject
			srv := fw.serve()
			c := newTestClient(srv.URL, clk)
			if tt.client != nil {
				tt.client(c)
			}
			calls := 0
			err := c.Pages(context.Background(), "Incidents/", time.Time{}, func(Page) error { calls++; return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if calls != 0 {
				t.Errorf("%d pages passed on", calls)
			}
			if n := len(fw.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			var waits []time.Duration
			for _, d := range clk.Sleeps() {
				if d != DefaultMinInterval {
					waits = append(waits, d)
				}
			}
			if fmt.Sprint(waits) != tt.waits {
				t.Errorf("waits %v, want %s", waits, tt.waits)
			}
		})
	}
}

// TestClientBackoffJitter: without Retry-After, the wait doubles up to
// 30 s and the jitter keeps it between half and all of that.
func TestClientBackoffJitter(t *testing.T) {
	for _, r := range []float64{0, 0.999} {
		c := &Client{random: func() float64 { return r }}
		for attempt, base := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
			d := c.backoff(attempt + 1)
			if d < base/2 || d > base {
				t.Errorf("random %v, try %d: wait %s, want between %s and %s", r, attempt+1, d, base/2, base)
			}
		}
	}
	if got := parseRetryAfter("Wed, 01 Apr 2025 12:00:30 GMT", time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)); got != 30*time.Second {
		t.Errorf("Retry-After as a date: %s, want 30s", got)
	}
	for _, h := range []string{"", "soon", "-3"} {
		if got := parseRetryAfter(h, time.Now()); got != -1 {
			t.Errorf("Retry-After %q: %s, want none", h, got)
		}
	}
}

// TestClientRealClock runs the Client on the real clock: requests start
// MinInterval apart at least, so the whole reading takes at least that
// times the requests after the first (a lower bound: timers never fire
// early, and a slow machine only makes it longer); a try that gets no
// answer within Timeout is tried again.
func TestClientRealClock(t *testing.T) {
	fw := incidentWiki(t, realClock{})
	fw.listLimit = 3
	hung := make(chan struct{})
	fw.inject[2] = func(w http.ResponseWriter, r *http.Request) {
		// No answer until the Client gives up on this try.
		<-r.Context().Done()
		close(hung)
	}
	srv := fw.serve()
	const interval = 40 * time.Millisecond
	c := &Client{URL: srv.URL, UserAgent: testUA, MinInterval: interval, Timeout: 200 * time.Millisecond, random: func() float64 { return 0 }}
	start := time.Now()
	got := collectPages(t, func(fn func(Page) error) error {
		return c.Pages(context.Background(), "Incidents/", time.Time{}, fn)
	}, srv.URL)
	elapsed := time.Since(start)
	checkGotPages(t, got, incidentPages)
	select {
	case <-hung:
	case <-time.After(10 * time.Second):
		// Healthy: done before Pages returned; generous for a loaded machine.
		t.Error("the hung request was not abandoned")
	}
	n := len(fw.Requests())
	if min := time.Duration(n-1) * interval; elapsed < min {
		t.Errorf("%d requests took %s, less than %s: MinInterval not kept", n, elapsed, min)
	}
}

// TestClientCancel: cancelling the context stops a wait for Retry-After
// at once, and the error says so.
func TestClientCancel(t *testing.T) {
	fw := incidentWiki(t, realClock{})
	ctx, cancel := context.WithCancel(context.Background())
	fw.inject[1] = func(w http.ResponseWriter, r *http.Request) {
		answerStatus(503, "120")(w, r)
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	}
	srv := fw.serve()
	c := &Client{URL: srv.URL, UserAgent: testUA}
	done := make(chan error, 1)
	go func() { done <- c.Pages(ctx, "Incidents/", time.Time{}, func(Page) error { return nil }) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		// Healthy: 20 ms. The wait it must cut short is 120 s.
		t.Fatal("Pages did not return after its context was cancelled")
	}
	if n := len(fw.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestClientCallbackError: fn's error stops the reading and comes back as
// it is.
func TestClientCallbackError(t *testing.T) {
	clk := newFakeClock()
	fw := incidentWiki(t, clk)
	srv := fw.serve()
	c := newTestClient(srv.URL, clk)
	stop := errors.New("stop")
	calls := 0
	err := c.Pages(context.Background(), "Incidents/", time.Time{}, func(Page) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("error %v after %d calls, want %v after 1", err, calls, stop)
	}
}

func TestUserAgent(t *testing.T) {
	for _, tt := range []struct{ version, contact, want string }{
		{"1.4.0", "ops@example.org", "incidents-import/1.4.0 (ops@example.org) Go-http-client/1.1"},
		{"", "", "incidents-import/dev (+" + ProjectURL + ") Go-http-client/1.1"},
	} {
		if got := UserAgent(tt.version, tt.contact); got != tt.want {
			t.Errorf("UserAgent(%q, %q) = %q, want %q", tt.version, tt.contact, got, tt.want)
		}
	}
}
