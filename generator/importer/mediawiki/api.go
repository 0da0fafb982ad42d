package mediawiki

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The Client's defaults, and the limits that the Action API and the
// etiquette of public wikis (Wikimedia's API guidelines) set.
const (
	// DefaultMinInterval is the least time between the starts of two
	// requests: about three requests a second, one at a time.
	DefaultMinInterval = 300 * time.Millisecond
	// DefaultMaxAttempts bounds the tries of one request.
	DefaultMaxAttempts = 6
	// DefaultTimeout bounds one try of one request, answer read included.
	DefaultTimeout = 60 * time.Second
	// MaxLag is the maxlag parameter sent with every request: the wiki
	// answers with a maxlag error, to be retried later, while its database
	// replicas lag more than this many seconds behind.
	MaxLag = 5
	// BatchSize is the most titles in one request: the API's limit for
	// clients without the bot right.
	BatchSize = 50

	backoffBase     = time.Second
	backoffMax      = 30 * time.Second
	maxRetryWait    = 5 * time.Minute // a longer Retry-After fails the import
	maxResponseSize = 64 << 20
	maxGetURL       = 6000 // longer queries are sent as POST forms
)

// ProjectURL is where incidents lives; UserAgent names it when no contact
// is given.
const ProjectURL = "https://github.com/incidents-archive/incidents"

// UserAgent returns the User-Agent an import sends, in the form that
// Wikimedia's User-Agent policy asks for: the tool's name and version, and
// how to reach whoever runs it: "incidents-import/1.4.0
// (ops@example.org) Go-http-client/1.1". With no contact it gives the
// project's URL, which tells what the tool is but not who runs it: public
// wikis may block that, so pass an e-mail address or a user page.
func UserAgent(version, contact string) string {
	if version == "" {
		version = "dev"
	}
	contact = strings.TrimSpace(contact)
	if contact == "" {
		contact = "+" + ProjectURL
	}
	return fmt.Sprintf("incidents-import/%s (%s) Go-http-client/1.1", version, contact)
}

// Client reads pages through a MediaWiki site's Action API (api.php).
//
// It makes one request at a time, at most one every MinInterval, each with
// maxlag=MaxLag and the User-Agent given. A request that fails for a
// reason that passes (a network error, a timeout, HTTP 429, 500, 502, 503
// or 504, a maxlag or ratelimited error) is tried again, up to MaxAttempts
// tries: after the wait that the answer's Retry-After header asks for (the
// lag for a maxlag error without one), else after an exponential backoff
// with jitter (1 s, 2 s, 4 s… up to 30 s, each between half and all of
// that). Any other failure, or a Retry-After of more than five minutes,
// stops the reading with an error.
//
// A Client's fields are set before its first use and not changed after.
// Its methods may be called from several goroutines: their requests still
// go one at a time.
type Client struct {
	// URL is the API's endpoint: "https://wikitech.example.org/w/api.php".
	URL string
	// UserAgent identifies the tool and whoever runs it (see UserAgent);
	// required.
	UserAgent string
	// HTTP makes the requests; nil means a client with Go's default
	// transport.
	HTTP *http.Client
	// MinInterval is the least time between the starts of two requests;
	// 0 means DefaultMinInterval.
	MinInterval time.Duration
	// MaxAttempts bounds the tries of one request; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
	// Timeout bounds one try of one request; 0 means DefaultTimeout.
	Timeout time.Duration
	// Logf, when set, is told of each retry and of the API's warnings.
	Logf func(format string, args ...any)

	// clock and random are replaced by tests.
	clock  clock
	random func() float64

	mu   sync.Mutex // held for the whole of a request, retries included
	last time.Time  // start of the last request
}

// clock is the time as the Client sees it.
type clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx is done and then returns its error.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Pages lists the pages whose titles start with prefix and calls fn with
// the last revision of each, holding at most BatchSize pages in memory.
//
// prefix is a title prefix, namespace included: "Incidents/" and
// "Incident documentation/" are in the main namespace, "Project:Incidents/"
// in the namespace the site calls Project (found through
// meta=siteinfo). With a non-zero since, only pages whose last revision was
// saved at or after since are read.
//
// Pages are listed with generator=allpages, which gives each page's last
// revision id and timestamp and whether it is a redirect, 500 pages a
// request; since is applied to those timestamps. (list=recentchanges
// would be cheaper for a recent since, but a wiki keeps recent changes for
// a limited time, 90 days by default, and an older since would silently
// miss pages.) The text is then fetched 50 titles a request
// (prop=revisions, rvslots=main, following rvcontinue when the wiki splits
// a long answer), with redirects=1. A redirect page is passed on with
// Redirect set and no text; its target is read only if it is itself under
// prefix. A page deleted since it was listed, or whose text is hidden, is
// passed on with Problem set. Redirect pages of a listing batch are passed
// on before its other pages.
//
// An error that fn returns stops the reading and is returned as it is;
// when ctx is done, the reading stops and ctx's error is returned, wrapped.
func (c *Client) Pages(ctx context.Context, prefix string, since time.Time, fn func(Page) error) error {
	return c.read(ctx, prefix, since, true, fn)
}

// Titles lists the pages whose titles start with prefix, as Pages does but
// without their text and whatever their date: the titles-only first pass
// of an import. Each Page has its title, last revision id and timestamp,
// and Redirect for a redirect page.
func (c *Client) Titles(ctx context.Context, prefix string, fn func(Page) error) error {
	return c.read(ctx, prefix, time.Time{}, false, fn)
}

func (c *Client) read(ctx context.Context, prefix string, since time.Time, withText bool, fn func(Page) error) error {
	if err := c.check(); err != nil {
		return err
	}
	ns, rest, err := c.splitPrefix(ctx, prefix)
	if err != nil {
		return err
	}
	return c.list(ctx, ns, rest, func(batch []apiPage) error {
		var redirects, pages []apiPage
		for _, p := range batch {
			if !since.IsZero() && len(p.Revisions) > 0 && p.Revisions[0].Timestamp.Before(since) {
				continue
			}
			if p.Redirect {
				redirects = append(redirects, p)
			} else {
				pages = append(pages, p)
			}
		}
		for len(redirects) > 0 {
			n := min(len(redirects), BatchSize)
			nowPages, err := c.resolveRedirects(ctx, redirects[:n], fn)
			if err != nil {
				return err
			}
			pages = append(pages, nowPages...)
			redirects = redirects[n:]
		}
		if !withText {
			for _, p := range pages {
				if err := fn(c.listedPage(p)); err != nil {
					return err
				}
			}
			return nil
		}
		for len(pages) > 0 {
			n := min(len(pages), BatchSize)
			if err := c.fetchText(ctx, pages[:n], fn); err != nil {
				return err
			}
			pages = pages[n:]
		}
		return nil
	})
}

func (c *Client) check() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("mediawiki API %q: not an http or https URL such as https://wiki.example.org/w/api.php", c.URL)
	}
	if strings.TrimSpace(c.UserAgent) == "" {
		return fmt.Errorf("mediawiki API %s: a User-Agent that says who runs the import is required (wikis block anonymous clients)", c.URL)
	}
	return nil
}

// listedPage is a page as the listing gives it, without text.
func (c *Client) listedPage(p apiPage) Page {
	page := Page{Title: p.Title, RevisionID: p.LastRevID, Source: c.URL}
	if len(p.Revisions) > 0 {
		page.RevisionID = p.Revisions[0].RevID
		page.Timestamp = p.Revisions[0].Timestamp
	}
	return page
}

// splitPrefix returns the namespace id of a title prefix and the prefix
// within it. Only a prefix with a colon costs a request.
func (c *Client) splitPrefix(ctx context.Context, prefix string) (int, string, error) {
	prefix = strings.TrimLeft(prefix, " _")
	if strings.HasPrefix(prefix, ":") { // ":Foo" is Foo in the main namespace
		return 0, prefix[1:], nil
	}
	name, rest, ok := strings.Cut(prefix, ":")
	if !ok {
		return 0, prefix, nil
	}
	var r apiResponse
	params := url.Values{"action": {"query"}, "meta": {"siteinfo"}, "siprop": {"namespaces|namespacealiases"}}
	if err := c.call(ctx, "reading the site's namespaces", params, &r); err != nil {
		return 0, "", err
	}
	if r.Query == nil {
		return 0, "", fmt.Errorf("mediawiki API %s: reading the site's namespaces: the answer has no query", c.URL)
	}
	want := namespaceKey(name)
	for _, ns := range r.Query.Namespaces {
		if ns.ID != 0 && (namespaceKey(ns.Name) == want || namespaceKey(ns.Canonical) == want) {
			return ns.ID, strings.TrimLeft(rest, " _"), nil
		}
	}
	for _, a := range r.Query.NamespaceAliases {
		if namespaceKey(a.Alias) == want {
			return a.ID, strings.TrimLeft(rest, " _"), nil
		}
	}
	// Not a namespace: a main-namespace title with a colon in it.
	return 0, prefix, nil
}

// namespaceKey is a namespace name as MediaWiki compares them: without
// case, underscores as spaces.
func namespaceKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "_", " ")), " "))
}

// list calls fn with each batch of pages of the namespace whose titles
// start with prefix, sorted by title.
func (c *Client) list(ctx context.Context, ns int, prefix string, fn func([]apiPage) error) error {
	first := url.Values{
		"action":       {"query"},
		"generator":    {"allpages"},
		"gapprefix":    {prefix},
		"gapnamespace": {strconv.Itoa(ns)},
		"gaplimit":     {"max"},
		"prop":         {"info|revisions"},
		"rvprop":       {"ids|timestamp"},
	}
	params := first
	byID := make(map[int64]*apiPage)
	var order []int64
	flush := func() error {
		batch := make([]apiPage, 0, len(order))
		for _, id := range order {
			batch = append(batch, *byID[id])
		}
		clear(byID)
		order = order[:0]
		sort.Slice(batch, func(i, j int) bool { return batch[i].Title < batch[j].Title })
		if len(batch) == 0 {
			return nil
		}
		return fn(batch)
	}
	for {
		var r apiResponse
		if err := c.call(ctx, "listing pages", params, &r); err != nil {
			return err
		}
		if r.Query != nil {
			for _, p := range r.Query.Pages {
				if old, ok := byID[p.PageID]; ok {
					// A continued batch: the same pages, more of their data.
					if len(old.Revisions) == 0 {
						old.Revisions = p.Revisions
					}
					continue
				}
				byID[p.PageID] = &p
				order = append(order, p.PageID)
			}
		}
		if r.BatchComplete || r.Continue == nil {
			if err := flush(); err != nil {
				return err
			}
		}
		if r.Continue == nil {
			return nil
		}
		var err error
		if params, err = r.next(first); err != nil {
			return fmt.Errorf("mediawiki API %s: listing pages: %w", c.URL, err)
		}
	}
}

// resolveRedirects asks where listed redirect pages lead and passes each
// on. It returns those that are no longer redirects, whose text is to be
// read.
func (c *Client) resolveRedirects(ctx context.Context, redirects []apiPage, fn func(Page) error) ([]apiPage, error) {
	titles := make([]string, len(redirects))
	for i, p := range redirects {
		titles[i] = p.Title
	}
	params := url.Values{"action": {"query"}, "titles": {strings.Join(titles, "|")}, "redirects": {"1"}}
	var r apiResponse
	if err := c.call(ctx, "resolving redirects", params, &r); err != nil {
		return nil, err
	}
	res := newTitleResolution(r.Query)
	var notRedirects []apiPage
	for _, p := range redirects {
		target, ok := res.redirectTarget(p.Title)
		if !ok {
			notRedirects = append(notRedirects, p)
			continue
		}
		page := c.listedPage(p)
		page.Redirect = target
		if err := fn(page); err != nil {
			return nil, err
		}
	}
	return notRedirects, nil
}

// fetchText reads the last revision of up to BatchSize listed pages and
// passes each on.
func (c *Client) fetchText(ctx context.Context, listed []apiPage, fn func(Page) error) error {
	titles := make([]string, len(listed))
	for i, p := range listed {
		titles[i] = p.Title
	}
	first := url.Values{
		"action":    {"query"},
		"prop":      {"revisions"},
		"rvprop":    {"ids|timestamp|content"},
		"rvslots":   {"main"},
		"titles":    {strings.Join(titles, "|")},
		"redirects": {"1"},
	}
	params := first
	res := newTitleResolution(nil)
	pages := make(map[string]*apiPage)
	for {
		var r apiResponse
		if err := c.call(ctx, "reading page text", params, &r); err != nil {
			return err
		}
		res.add(r.Query)
		if r.Query != nil {
			for _, p := range r.Query.Pages {
				if old, ok := pages[p.Title]; ok {
					// rvcontinue: the same pages again, the revisions that
					// did not fit before.
					if len(old.Revisions) == 0 {
						old.Revisions = p.Revisions
					}
					continue
				}
				pages[p.Title] = &p
			}
		}
		if r.Continue == nil {
			break
		}
		var err error
		if params, err = r.next(first); err != nil {
			return fmt.Errorf("mediawiki API %s: reading page text: %w", c.URL, err)
		}
	}
	for _, l := range listed {
		page := Page{Title: l.Title, Source: c.URL}
		if target, ok := res.redirectTarget(l.Title); ok {
			// Made a redirect since it was listed.
			page.Redirect = target
		} else if p, ok := pages[res.normalize(l.Title)]; !ok {
			page.Problem = "the API did not answer for the page"
		} else {
			fillPage(&page, p)
		}
		if err := fn(page); err != nil {
			return err
		}
	}
	return nil
}

// fillPage sets a page's revision and text, or its Problem, from the
// API's answer.
func fillPage(page *Page, p *apiPage) {
	switch {
	case p.Missing:
		page.Problem = "the page no longer exists on the wiki (deleted or moved since it was listed)"
		return
	case p.Invalid:
		page.Problem = "the wiki says the title is not valid: " + p.InvalidReason
		return
	case len(p.Revisions) == 0:
		page.Problem = "the API gave no revision of the page"
		return
	}
	rev := p.Revisions[0]
	page.RevisionID, page.Timestamp = rev.RevID, rev.Timestamp
	main, ok := rev.Slots["main"]
	switch {
	case !ok:
		page.Problem = fmt.Sprintf("the API gave no text for revision %d", rev.RevID)
	case main.TextHidden:
		page.Problem = fmt.Sprintf("the text of revision %d was deleted", rev.RevID)
	case main.TextMissing || main.Content == nil:
		page.Problem = fmt.Sprintf("the wiki has lost the text of revision %d", rev.RevID)
	case len(*main.Content) > MaxTextSize:
		page.Problem = fmt.Sprintf("the text of revision %d is more than %d MiB, more than a report may hold", rev.RevID, MaxTextSize>>20)
	default:
		page.Text = *main.Content
	}
}

// titleResolution is what the API did to the titles it was given:
// normalized them ("incidents/x" → "Incidents/x") and followed redirects.
type titleResolution struct {
	normalized map[string]string
	redirects  map[string]string
}

func newTitleResolution(q *apiQuery) *titleResolution {
	t := &titleResolution{normalized: make(map[string]string), redirects: make(map[string]string)}
	t.add(q)
	return t
}

func (t *titleResolution) add(q *apiQuery) {
	if q == nil {
		return
	}
	for _, n := range q.Normalized {
		t.normalized[n.From] = n.To
	}
	for _, r := range q.Redirects {
		t.redirects[r.From] = r.To
	}
}

func (t *titleResolution) normalize(title string) string {
	if n, ok := t.normalized[title]; ok {
		return n
	}
	return title
}

// redirectTarget returns where the page titled title redirects to.
func (t *titleResolution) redirectTarget(title string) (string, bool) {
	to, ok := t.redirects[t.normalize(title)]
	return to, ok
}

// The Action API's answers (formatversion=2), as far as they are read.
type apiResponse struct {
	BatchComplete bool                       `json:"batchcomplete"`
	Continue      map[string]json.RawMessage `json:"continue"`
	Error         *apiError                  `json:"error"`
	Warnings      map[string]json.RawMessage `json:"warnings"`
	Query         *apiQuery                  `json:"query"`
}

type apiError struct {
	Code string  `json:"code"`
	Info string  `json:"info"`
	Lag  float64 `json:"lag"`
}

type apiQuery struct {
	Normalized []struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"normalized"`
	Redirects []struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"redirects"`
	Pages            []apiPage               `json:"pages"`
	Namespaces       map[string]apiNamespace `json:"namespaces"`
	NamespaceAliases []struct {
		ID    int    `json:"id"`
		Alias string `json:"alias"`
	} `json:"namespacealiases"`
}

type apiPage struct {
	PageID        int64         `json:"pageid"`
	NS            int           `json:"ns"`
	Title         string        `json:"title"`
	Missing       bool          `json:"missing"`
	Invalid       bool          `json:"invalid"`
	InvalidReason string        `json:"invalidreason"`
	Redirect      bool          `json:"redirect"`
	LastRevID     int64         `json:"lastrevid"`
	Revisions     []apiRevision `json:"revisions"`
}

type apiRevision struct {
	RevID     int64              `json:"revid"`
	Timestamp time.Time          `json:"timestamp"`
	Slots     map[string]apiSlot `json:"slots"`
}

type apiSlot struct {
	Content     *string `json:"content"`
	TextHidden  bool    `json:"texthidden"`
	TextMissing bool    `json:"textmissing"`
}

type apiNamespace struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Canonical string `json:"canonical"`
}

// next returns the parameters of the request that continues this answer:
// the first request's, and every value of the answer's continue object as
// it is, as the API's continuation protocol asks.
func (r *apiResponse) next(first url.Values) (url.Values, error) {
	params := url.Values{}
	for k, v := range first {
		params[k] = v
	}
	for k, raw := range r.Continue {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			// Numbers are sent as written.
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				return nil, fmt.Errorf("continue: %s is neither a string nor a number", k)
			}
			s = n.String()
		}
		params.Set(k, s)
	}
	return params, nil
}

// call makes one API request, with retries, and decodes its answer into
// out. what says what the request is for, in errors.
func (c *Client) call(ctx context.Context, what string, params url.Values, out *apiResponse) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	query := url.Values{}
	for k, v := range params {
		query[k] = v
	}
	query.Set("format", "json")
	query.Set("formatversion", "2")
	query.Set("maxlag", strconv.Itoa(MaxLag))
	maxAttempts := c.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	for attempt := 1; ; attempt++ {
		if err := c.waitTurn(ctx); err != nil {
			return fmt.Errorf("mediawiki API %s: %s: %w", c.URL, what, err)
		}
		*out = apiResponse{}
		f := c.try(ctx, query, out)
		if f == nil {
			c.logWarnings(what, out.Warnings)
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("mediawiki API %s: %s: %w", c.URL, what, ctx.Err())
		}
		if !f.retry || attempt >= maxAttempts {
			tries := ""
			if f.retry {
				tries = fmt.Sprintf(" (after %d tries)", attempt)
			}
			return fmt.Errorf("mediawiki API %s: %s: %w%s", c.URL, what, f.err, tries)
		}
		wait := f.retryAfter
		if wait < 0 {
			wait = c.backoff(attempt)
		}
		if wait > maxRetryWait {
			return fmt.Errorf("mediawiki API %s: %s: %w, and the wiki asks to wait %s before trying again: try later", c.URL, what, f.err, wait)
		}
		c.logf("%s: %v; trying again in %s (try %d of %d)", what, f.err, wait.Round(time.Millisecond), attempt+1, maxAttempts)
		if err := c.clk().Sleep(ctx, wait); err != nil {
			return fmt.Errorf("mediawiki API %s: %s: %w", c.URL, what, err)
		}
	}
}

// failure is why one try failed, and whether and when to try again.
type failure struct {
	err        error
	retry      bool
	retryAfter time.Duration // <0: not said by the wiki
}

// try makes one request.
func (c *Client) try(ctx context.Context, query url.Values, out *apiResponse) *failure {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	encoded := query.Encode()
	var req *http.Request
	var err error
	if len(c.URL)+1+len(encoded) <= maxGetURL {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"?"+encoded, nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.URL, strings.NewReader(encoded))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return &failure{err: err}
	}
	req.Header.Set("User-Agent", c.UserAgent)
	req.Header.Set("Accept", "application/json")
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return &failure{err: fmt.Errorf("no answer within %s", timeout), retry: true, retryAfter: -1}
		}
		return &failure{err: err, retry: true, retryAfter: -1}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize+1))
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("the answer did not come whole within %s", timeout)
		}
		return &failure{err: fmt.Errorf("reading the answer: %w", err), retry: true, retryAfter: -1}
	}
	retryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), c.clk().Now())
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return &failure{err: fmt.Errorf("HTTP %s", resp.Status), retry: true, retryAfter: retryAfter}
	default:
		return &failure{err: fmt.Errorf("HTTP %s: is this the URL of the wiki's api.php?", resp.Status)}
	}
	if len(body) > maxResponseSize {
		return &failure{err: fmt.Errorf("the answer is more than %d MiB", maxResponseSize>>20)}
	}
	if err := json.Unmarshal(body, out); err != nil {
		ct := resp.Header.Get("Content-Type")
		if !strings.Contains(ct, "json") {
			return &failure{err: fmt.Errorf("the answer is %s, not JSON: is this the URL of the wiki's api.php?", orUnknown(ct))}
		}
		return &failure{err: fmt.Errorf("the answer is not the JSON the API sends: %w", err)}
	}
	if e := out.Error; e != nil {
		apiErr := fmt.Errorf("API error %s: %s", e.Code, e.Info)
		switch {
		case e.Code == "maxlag":
			if retryAfter < 0 {
				retryAfter = time.Duration(math.Max(1, math.Ceil(e.Lag))) * time.Second
			}
			return &failure{err: apiErr, retry: true, retryAfter: retryAfter}
		case e.Code == "ratelimited" || strings.HasPrefix(e.Code, "internal_api_error"):
			return &failure{err: apiErr, retry: true, retryAfter: retryAfter}
		default:
			return &failure{err: apiErr}
		}
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "of no stated type"
	}
	return s
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
// It returns -1 when there is none or it cannot be read.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return -1
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil && n >= 0 {
		if n > int64(math.MaxInt64/time.Second) {
			n = int64(math.MaxInt64 / time.Second)
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

// backoff is the wait before try attempt+1 when the wiki did not say:
// 1 s, 2 s, 4 s… up to 30 s, each with jitter between half and all of it,
// so that clients that failed together do not come back together.
func (c *Client) backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt-1 < 5 {
		d = min(backoffBase<<(attempt-1), backoffMax)
	}
	random := c.random
	if random == nil {
		random = rand.Float64
	}
	return d/2 + time.Duration(random()*float64(d/2))
}

// waitTurn waits until MinInterval has passed since the last request
// started, and notes the start of the next.
func (c *Client) waitTurn(ctx context.Context) error {
	interval := c.MinInterval
	if interval <= 0 {
		interval = DefaultMinInterval
	}
	clk := c.clk()
	if !c.last.IsZero() {
		if wait := c.last.Add(interval).Sub(clk.Now()); wait > 0 {
			if err := clk.Sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.last = clk.Now()
	return nil
}

func (c *Client) clk() clock {
	if c.clock == nil {
		return realClock{}
	}
	return c.clock
}

func (c *Client) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// logWarnings passes the API's warnings (a deprecated parameter, a limit
// lowered) on to Logf.
func (c *Client) logWarnings(what string, warnings map[string]json.RawMessage) {
	if c.Logf == nil || len(warnings) == 0 {
		return
	}
	modules := make([]string, 0, len(warnings))
	for m := range warnings {
		modules = append(modules, m)
	}
	sort.Strings(modules)
	for _, m := range modules {
		var w struct {
			Warnings string `json:"warnings"`
		}
		text := string(bytes.TrimSpace(warnings[m]))
		if json.Unmarshal(warnings[m], &w) == nil && w.Warnings != "" {
			text = w.Warnings
		}
		c.logf("%s: the wiki warns (%s): %s", what, m, text)
	}
}
