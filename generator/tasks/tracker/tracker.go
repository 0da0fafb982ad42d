// Package tracker asks a task tracker (Phabricator, Jira or GitHub issues)
// for the state of task ids, for `incidents tasks sync`. Builds never use
// it: they read content/tasks.json, which the sync writes.
//
// It is polite: at most Config.Concurrency requests in flight, a timeout
// per request, retries with doubling backoff on 429, 5xx and network
// errors, honouring Retry-After and GitHub's rate-limit headers (a wait
// one request is told to make, all requests make). A batch that still
// fails is reported in Result.Failed; an id the tracker does not know is a
// task in state tasks.Unknown; a refused token is ErrAuth, with no
// Result. The token is sent only in the request (never in a URL) and never
// appears in an error.
package tracker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator/tasks"
)

// Config says which tracker to ask and how politely.
type Config struct {
	Kind    string // "phabricator", "jira" or "github" (siteconfig.TrackerKinds)
	URL     string // site address (Phabricator, Jira) or API address (GitHub, default https://api.github.com); no trailing slash
	Project string // GitHub: owner/repo that bare #123 ids belong to
	Token   string // API token (never logged, never put in an error message)

	Concurrency int           // requests in flight; 0 means 4
	Timeout     time.Duration // per request; 0 means 30s
	Retries     int           // retries of a request on 429/5xx/network errors; 0 means 4
	Backoff     time.Duration // first wait between retries, doubling; 0 means 1s
	BatchSize   int           // ids per request for Phabricator and Jira; 0 means 100
	// HTTP is the client to send requests with; nil means a client of
	// the package's own, made for each Fetch.
	HTTP *http.Client
	// Previous returns the task as the last sync recorded it: GitHub is
	// asked with its ETag (If-None-Match), and a 304 keeps it as it was.
	Previous func(id string) (tasks.Task, bool)
	// Now is the tracker's idea of the time, for turning Retry-After
	// dates and rate-limit resets into waits; nil means time.Now. Waits
	// themselves run on the real clock.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Retries <= 0 {
		c.Retries = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Previous == nil {
		c.Previous = func(string) (tasks.Task, bool) { return tasks.Task{}, false }
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.Kind == "github" && c.URL == "" {
		c.URL = "https://api.github.com"
	}
	return c
}

// Result is what a sync learned.
type Result struct {
	// Tasks are every id asked that was answered, in id order
	// (tasks.CompareIDs), including State tasks.Unknown for ids the
	// tracker does not know.
	Tasks []tasks.Task
	// Failed are the batches that failed after their retries; their ids
	// are not in Tasks.
	Failed []BatchError
}

// BatchError is a batch of ids the tracker could not be asked about.
type BatchError struct {
	IDs []string
	Err error
}

func (e BatchError) Error() string {
	ids := e.IDs
	more := ""
	if len(ids) > 5 {
		more = fmt.Sprintf(" and %d more", len(ids)-5)
		ids = ids[:5]
	}
	return fmt.Sprintf("tasks %s%s: %v", strings.Join(ids, ", "), more, e.Err)
}

func (e BatchError) Unwrap() error { return e.Err }

// ErrAuth: the tracker refused the token (401/403, Conduit
// ERR-INVALID-AUTH and the like). Fetch returns it (wrapped) and no
// Result.
var ErrAuth = errors.New("the tracker refused the token")

// kind is one tracker's way of asking.
type kind interface {
	// batches splits ids into the requests' groups, of at most size.
	batches(ids []string, size int) [][]string
	// fetch asks about one batch; ids not known are tasks.Unknown.
	fetch(ctx context.Context, c *client, ids []string) ([]tasks.Task, error)
}

// finisher is a kind with a last step after all batches.
type finisher interface {
	finish(ctx context.Context, c *client, ts []tasks.Task)
}

// Supports reports whether the tracker kind can read id: T123 for
// Phabricator; KEY-123 for Jira; #123 with a project, or owner/repo#123,
// for GitHub.
func Supports(kind, project, id string) bool {
	switch kind {
	case "phabricator":
		n, ok := strings.CutPrefix(id, "T")
		return ok && isNumber(n)
	case "jira":
		key, n, ok := strings.Cut(id, "-")
		return ok && isJiraProject(key) && isNumber(n)
	case "github":
		_, _, _, ok := githubID(project, id)
		return ok
	}
	return false
}

// isNumber reports whether s is a task number: digits, not starting with 0.
func isNumber(s string) bool {
	if s == "" || s[0] == '0' || len(s) > 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Fetch asks the tracker about ids. The error is for ErrAuth (no Result),
// a bad Config (unknown kind, ids the kind cannot read; nothing asked) or
// ctx ending (the Result then holds what was learnt before, with
// Phabricator owners as PHIDs, and the batches not asked are in Failed).
// Phabricator's owners are user names, from user.search; where that
// fails, their PHIDs.
func Fetch(ctx context.Context, cfg Config, ids []string) (Result, error) {
	cfg = cfg.withDefaults()
	var k kind
	switch cfg.Kind {
	case "phabricator":
		k = &phabricator{}
	case "jira":
		k = &jira{}
	case "github":
		k = &github{}
	default:
		return Result{}, fmt.Errorf("tracker kind %q: not one of phabricator, jira, github", cfg.Kind)
	}
	if cfg.Kind != "github" && cfg.URL == "" {
		return Result{}, fmt.Errorf("%s: no tracker address", cfg.Kind)
	}
	ids = dedupe(ids)
	var bad []string
	for _, id := range ids {
		if !Supports(cfg.Kind, cfg.Project, id) {
			bad = append(bad, strconv.Quote(id))
		}
	}
	if len(bad) > 0 {
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("and %d more", len(bad)-5))
		}
		return Result{}, fmt.Errorf("%s cannot read task ids %s", cfg.Kind, strings.Join(bad, ", "))
	}
	if len(ids) == 0 {
		return Result{}, nil
	}

	c := newClient(cfg)
	defer c.close()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	batches := k.batches(ids, cfg.BatchSize)
	type outcome struct {
		ts  []tasks.Task
		err error
	}
	outs := make([]outcome, len(batches))
	run := func(i int) {
		if err := runCtx.Err(); err != nil {
			outs[i].err = fmt.Errorf("%s: not asked: %w", cfg.Kind, err)
			return
		}
		ts, err := k.fetch(runCtx, c, batches[i])
		outs[i] = outcome{ts, err}
		if errors.Is(err, ErrAuth) {
			cancel()
		}
	}
	// The first batch alone: a refused token costs one request, not a
	// burst, and Jira learns which API the site has.
	run(0)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.Concurrency, len(batches)-1) {
		wg.Go(func() {
			for i := range jobs {
				run(i)
			}
		})
	}
	for i := 1; i < len(batches); i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var res Result
	for i, o := range outs {
		if errors.Is(o.err, ErrAuth) {
			return Result{}, fmt.Errorf("%s at %s: %w", cfg.Kind, cfg.URL, o.err)
		}
		if o.err != nil {
			res.Failed = append(res.Failed, BatchError{IDs: batches[i], Err: c.redact(o.err)})
			continue
		}
		res.Tasks = append(res.Tasks, o.ts...)
	}
	byID := func(a, b tasks.Task) int { return tasks.CompareIDs(a.ID, b.ID) }
	if err := ctx.Err(); err != nil {
		slices.SortFunc(res.Tasks, byID)
		return res, fmt.Errorf("asking %s: %w", cfg.Kind, err)
	}
	if f, ok := k.(finisher); ok {
		f.finish(ctx, c, res.Tasks)
	}
	slices.SortFunc(res.Tasks, byID)
	return res, nil
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// chunks splits ids in groups of n.
func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n:n])
		ids = ids[n:]
	}
	return append(out, ids)
}

// client sends a tracker's requests politely.
type client struct {
	cfg  Config
	http *http.Client
	own  bool
	sem  chan struct{}

	mu        sync.Mutex
	notBefore time.Time // (real clock) a wait the tracker asked for, which all requests honour
}

func newClient(cfg Config) *client {
	c := &client{cfg: cfg, http: cfg.HTTP, sem: make(chan struct{}, cfg.Concurrency)}
	if c.http == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = cfg.Concurrency
		c.http = &http.Client{Transport: tr}
		c.own = true
	}
	return c
}

func (c *client) close() {
	if c.own {
		c.http.CloseIdleConnections()
	}
}

// redact takes the token out of err's message, should a tracker have
// echoed it.
func (c *client) redact(err error) error {
	if err == nil || c.cfg.Token == "" {
		return err
	}
	msg := err.Error()
	secrets := []string{c.cfg.Token}
	if _, tok, ok := strings.Cut(c.cfg.Token, ":"); ok && tok != "" {
		secrets = append(secrets, tok)
	}
	redacted := false
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "[token]")
			redacted = true
		}
	}
	if !redacted {
		return err
	}
	return redactedError{msg, err}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// response is a tracker's answer, read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// permanent marks an error not worth retrying.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// retryAfter marks an error with the wait the tracker asked for.
type retryAfter struct {
	err  error
	wait time.Duration
}

func (r retryAfter) Error() string { return r.err.Error() }
func (r retryAfter) Unwrap() error { return r.err }

// maxBody bounds what is read of a response.
const maxBody = 64 << 20

// do sends the request mk makes (anew for each attempt) and hands the
// answer to handle, retrying on network errors, 429 and 5xx, and whatever
// handle returns an error for that is not permanent (a malformed body).
// A 401 is ErrAuth; so is a 403 that is not a rate limit.
func (c *client) do(ctx context.Context, mk func(ctx context.Context) (*http.Request, error), handle func(r *response) error) error {
	var last error
	for attempt := 0; ; attempt++ {
		if err := c.pause(ctx); err != nil {
			return errors.Join(last, err)
		}
		r, err := c.send(ctx, mk)
		if err == nil {
			err = c.judge(r)
			if err == nil {
				err = handle(r)
			}
		}
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		var p permanent
		if errors.Is(err, ErrAuth) || errors.As(err, &p) {
			return err
		}
		last = err
		if attempt >= c.cfg.Retries {
			return fmt.Errorf("%w (after %d retries)", err, attempt)
		}
		wait := c.cfg.Backoff << attempt
		var ra retryAfter
		if errors.As(err, &ra) {
			wait = ra.wait
			c.waitAll(wait)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w; the wait before trying again (%s) ends after the run's deadline", err, wait.Round(time.Second))
		}
		if err := sleep(ctx, wait); err != nil {
			return errors.Join(last, err)
		}
	}
}

// waitAll makes every request wait d from now.
func (c *client) waitAll(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := time.Now().Add(d); t.After(c.notBefore) {
		c.notBefore = t
	}
}

// pause waits for a wait the tracker asked of any request.
func (c *client) pause(ctx context.Context) error {
	c.mu.Lock()
	wait := time.Until(c.notBefore)
	c.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return fmt.Errorf("%s asked to wait %s, past the run's deadline", c.cfg.Kind, wait.Round(time.Second))
	}
	return sleep(ctx, wait)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send makes one request, with a slot among the requests in flight and
// the per-request timeout, and reads its body.
func (c *client) send(ctx context.Context, mk func(ctx context.Context) (*http.Request, error)) (*response, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := mk(rctx)
	if err != nil {
		return nil, permanent{err}
	}
	req.Header.Set("User-Agent", "incidents-tasks-sync")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", c.cfg.Kind, netProblem(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s: HTTP %d: reading the answer: %s", c.cfg.Kind, resp.StatusCode, netProblem(err))
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// netProblem says what went wrong on the network, without the request's
// address, which is the tracker's anyway.
func netProblem(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "no answer within the request's timeout"
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}

// judge sorts a response by its status: auth refusals, rate limits and
// server errors (retried); the rest is the caller's.
func (c *client) judge(r *response) error {
	rateLimited := r.status == http.StatusTooManyRequests ||
		r.status == http.StatusForbidden && (r.header.Get("Retry-After") != "" || r.header.Get("X-Ratelimit-Remaining") == "0")
	switch {
	case rateLimited:
		err := fmt.Errorf("%s: HTTP %d: rate limited", c.cfg.Kind, r.status)
		if wait, ok := c.waitAsked(r.header); ok {
			return retryAfter{err, wait}
		}
		return err
	case r.status == http.StatusUnauthorized || r.status == http.StatusForbidden:
		return fmt.Errorf("%w (HTTP %d)", ErrAuth, r.status)
	case r.status < 400 && r.header.Get("X-Ratelimit-Remaining") == "0":
		// That was the last request the tracker allows for now: the
		// others wait for the reset, rather than be refused.
		if wait, ok := c.waitAsked(r.header); ok {
			c.waitAll(wait)
		}
	case r.status >= 500:
		if wait, ok := c.waitAsked(r.header); ok {
			return retryAfter{fmt.Errorf("%s: HTTP %d", c.cfg.Kind, r.status), wait}
		}
		return fmt.Errorf("%s: HTTP %d", c.cfg.Kind, r.status)
	}
	return nil
}

// waitAsked is the wait a response asks for: Retry-After in seconds or as
// an HTTP date, or until X-RateLimit-Reset (epoch seconds) when no
// requests remain.
func (c *client) waitAsked(h http.Header) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(0, t.Sub(c.cfg.Now())), true
		}
	}
	if h.Get("X-Ratelimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return max(0, time.Unix(s, 0).Sub(c.cfg.Now())+time.Second), true
		}
	}
	return 0, false
}

// malformed is the error for a body that is not what the tracker's API
// answers.
func (c *client) malformed(r *response, err error) error {
	return fmt.Errorf("%s: HTTP %d: the answer is not what its API sends: %v", c.cfg.Kind, r.status, err)
}

// unexpected is the error for a status the tracker's API does not send
// for this request; not retried.
func (c *client) unexpected(r *response) error {
	return permanent{fmt.Errorf("%s: HTTP %d: unexpected answer", c.cfg.Kind, r.status)}
}
