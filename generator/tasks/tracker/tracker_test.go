package tracker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/tasks"
)

// tcase is one sync against a fake tracker.
type tcase struct {
	name  string
	ids   []string
	cfg   func(*Config)
	setup func(*fake)
	// want is the state of every task answered; failed the ids of the
	// failed batches; auth that Fetch returns ErrAuth.
	want   map[string]string
	failed []string
	auth   bool
	// requests, when not zero, is how many requests the fake must see.
	requests   int
	minElapsed time.Duration
	maxElapsed time.Duration
	check      func(t *testing.T, f *fake, res Result)
}

func runCases(t *testing.T, kind string, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, kind)
			if tc.setup != nil {
				tc.setup(f)
			}
			cfg := Config{Kind: kind, URL: f.srv.URL, Project: "acme/web", Token: goodToken,
				Concurrency: 2, BatchSize: 2, Backoff: time.Millisecond, Retries: 3, Timeout: 5 * time.Second}
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			res, err := Fetch(ctx, cfg, tc.ids)
			elapsed := time.Since(start)

			var msgs []string
			if err != nil {
				msgs = append(msgs, err.Error())
			}
			for _, b := range res.Failed {
				msgs = append(msgs, b.Error())
			}
			for _, m := range msgs {
				if strings.Contains(m, cfg.Token) || strings.Contains(m, goodToken) {
					t.Errorf("an error names the token: %s", m)
				}
			}
			if tc.auth {
				if !errors.Is(err, ErrAuth) {
					t.Fatalf("err = %v, want ErrAuth", err)
				}
				if res.Tasks != nil || res.Failed != nil {
					t.Errorf("with ErrAuth, a result: %+v", res)
				}
			} else if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			got := map[string]string{}
			for _, task := range res.Tasks {
				got[task.ID] = task.State
			}
			if !tc.auth && !maps.Equal(got, tc.want) {
				t.Errorf("states = %v, want %v", got, tc.want)
			}
			var failed []string
			for _, b := range res.Failed {
				failed = append(failed, b.IDs...)
				if !strings.Contains(b.Error(), kind) {
					t.Errorf("failed batch's error does not name the tracker: %v", b)
				}
			}
			slices.Sort(failed)
			if !slices.Equal(failed, tc.failed) {
				t.Errorf("failed = %v, want %v (%v)", failed, tc.failed, res.Failed)
			}
			if tc.requests != 0 && f.requests != tc.requests {
				t.Errorf("%d requests, want %d: %v", f.requests, tc.requests, f.asked)
			}
			if m := int(f.maxInFlight.Load()); m > max(cfg.Concurrency, 1) || cfg.Concurrency == 0 && m > 4 {
				t.Errorf("%d requests in flight at once, Concurrency %d", m, cfg.Concurrency)
			}
			if elapsed < tc.minElapsed {
				t.Errorf("took %s, want at least %s (the wait asked)", elapsed, tc.minElapsed)
			}
			if tc.maxElapsed != 0 && elapsed > tc.maxElapsed {
				t.Errorf("took %s, want at most %s", elapsed, tc.maxElapsed)
			}
			if tc.check != nil {
				tc.check(t, f, res)
			}
		})
	}
}

// once answers the first request for which when is true with status,
// header and body; the others go to the fake.
func once(status int, header map[string]string, body string, when func(ids []string) bool) hook {
	var done atomic.Bool
	return func(w http.ResponseWriter, r *http.Request, n int, ids []string) bool {
		if when != nil && !when(ids) || !done.CompareAndSwap(false, true) {
			return false
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
		return true
	}
}

// always answers every request for which when is true.
func always(status int, body string, when func(ids []string) bool) hook {
	return func(w http.ResponseWriter, r *http.Request, n int, ids []string) bool {
		if !when(ids) {
			return false
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
		return true
	}
}

func asks(id string) func([]string) bool {
	return func(ids []string) bool { return slices.Contains(ids, id) }
}

// hangUp closes the first request's connection without an answer.
func hangUp() hook {
	var done atomic.Bool
	return func(w http.ResponseWriter, r *http.Request, n int, ids []string) bool {
		if !done.CompareAndSwap(false, true) {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return true
	}
}

// slowOnce makes the first request take d, or until the client gives it
// up; from then on it is not counted in flight, as the client is no
// longer waiting for it.
func slowOnce(d time.Duration) func(*fake) {
	return func(f *fake) {
		var done atomic.Bool
		f.hook = func(w http.ResponseWriter, r *http.Request, n int, ids []string) bool {
			if !done.CompareAndSwap(false, true) {
				return false
			}
			select {
			case <-time.After(d):
			case <-r.Context().Done():
			}
			f.inFlight.Add(-1)
			defer f.inFlight.Add(1)
			time.Sleep(10 * time.Millisecond)
			return false
		}
	}
}

func withHook(h hook) func(*fake) { return func(f *fake) { f.hook = h } }

func ids(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

// states is want for ids all in one state.
func states(state string, ids []string, more map[string]string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		out[id] = state
	}
	maps.Copy(out, more)
	return out
}

// concurrencyCase checks that at most Concurrency requests are in flight,
// and that more than one is.
func concurrencyCase(ids []string, want map[string]string) tcase {
	return tcase{
		name: "concurrency", ids: ids, want: want,
		cfg:   func(c *Config) { c.Concurrency = 3 },
		setup: func(f *fake) { f.delay = 15 * time.Millisecond },
		check: func(t *testing.T, f *fake, res Result) {
			if m := f.maxInFlight.Load(); m < 2 {
				t.Errorf("at most %d request in flight: not concurrent", m)
			}
		},
	}
}

var phab5 = map[string]string{"T1": tasks.Open, "T2": tasks.Resolved, "T3": tasks.Declined, "T4": tasks.Open, "T5": tasks.Open}

func TestPhabricator(t *testing.T) {
	five := []string{"T1", "T2", "T3", "T4", "T5"}
	runCases(t, "phabricator", []tcase{
		{name: "batches", ids: five, want: phab5, requests: 3 + 1, // and one user.search
			check: func(t *testing.T, f *fake, res Result) {
				for _, a := range f.asked[:3] {
					if len(a) > 2 {
						t.Errorf("a batch of %d ids: %v", len(a), a)
					}
				}
			}},
		{name: "paging", ids: []string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T999"},
			cfg:   func(c *Config) { c.BatchSize = 0 },
			setup: func(f *fake) { f.page = 2 },
			want:  states(tasks.Open, nil, map[string]string{"T1": tasks.Open, "T2": tasks.Resolved, "T3": tasks.Declined, "T4": tasks.Open, "T5": tasks.Open, "T6": tasks.Open, "T7": tasks.Declined, "T999": tasks.Unknown}),
			// 7 tasks, 2 a page: 4 pages, then user.search
			requests: 4 + 1},
		{name: "429 with Retry-After", ids: five, want: phab5,
			setup:    withHook(once(http.StatusTooManyRequests, map[string]string{"Retry-After": "1"}, "slow down", nil)),
			requests: 1 + 3 + 1, minElapsed: time.Second},
		{name: "500 then success", ids: five, want: phab5,
			setup:    withHook(once(http.StatusInternalServerError, nil, "<html>oops</html>", asks("T3"))),
			requests: 1 + 3 + 1},
		{name: "network error then success", ids: five, want: phab5, setup: withHook(hangUp()), requests: 1 + 3 + 1},
		{name: "timeout then success", ids: five, want: phab5,
			cfg:   func(c *Config) { c.Timeout = 100 * time.Millisecond },
			setup: slowOnce(400 * time.Millisecond), requests: 1 + 3 + 1},
		{name: "malformed body", ids: five,
			setup:  withHook(always(http.StatusOK, `{"result":{"data":[{"id":3,`, asks("T3"))),
			want:   map[string]string{"T1": tasks.Open, "T2": tasks.Resolved, "T5": tasks.Open},
			failed: []string{"T3", "T4"}, requests: 2 + 4 + 1, // the batch tried 1+3 times
			check: func(t *testing.T, f *fake, res Result) {
				if msg := res.Failed[0].Error(); !strings.Contains(msg, "HTTP 200") {
					t.Errorf("error does not say the HTTP status: %s", msg)
				}
			}},
		{name: "Conduit error", ids: five,
			setup:  withHook(always(http.StatusOK, `{"result":null,"error_code":"ERR-CONDUIT-CORE","error_info":"Something broke handling api.token=`+goodToken+`."}`, asks("T5"))),
			want:   map[string]string{"T1": tasks.Open, "T2": tasks.Resolved, "T3": tasks.Declined, "T4": tasks.Open},
			failed: []string{"T5"}, requests: 3 + 1, // not retried
			check: func(t *testing.T, f *fake, res Result) {
				if msg := res.Failed[0].Error(); !strings.Contains(msg, "ERR-CONDUIT-CORE: Something broke handling api.token=[token].") {
					t.Errorf("error: %s", msg)
				}
			}},
		{name: "unknown task", ids: []string{"T1", "T404"}, want: map[string]string{"T1": tasks.Open, "T404": tasks.Unknown}},
		{name: "expired token", ids: five, auth: true, requests: 1,
			cfg: func(c *Config) { c.Token = "api-expired0123456789" }},
		{name: "HTTP 403", ids: five, auth: true, requests: 1,
			setup: withHook(always(http.StatusForbidden, "no", func([]string) bool { return true }))},
		{name: "Retry-After past the deadline", ids: []string{"T1"}, failed: []string{"T1"}, want: map[string]string{},
			setup:      withHook(once(http.StatusServiceUnavailable, map[string]string{"Retry-After": "3600"}, "", nil)),
			maxElapsed: 5 * time.Second, requests: 1},
		{name: "user names unresolved stay PHIDs", ids: []string{"T7"}, want: map[string]string{"T7": tasks.Declined},
			check: func(t *testing.T, f *fake, res Result) {
				if a := res.Tasks[0].Assignee; a != "PHID-USER-nobody" {
					t.Errorf("assignee %q", a)
				}
			}},
		concurrencyCase(ids("T", 1000, 1039), states(tasks.Open, ids("T", 1000, 1039), nil)),
	})
}

func TestPhabricatorFields(t *testing.T) {
	f := newFake(t, "phabricator")
	res, err := Fetch(context.Background(), Config{Kind: "phabricator", URL: f.srv.URL, Token: goodToken}, []string{"T3", "T1", "T2", "T5", "T6"})
	if err != nil {
		t.Fatal(err)
	}
	u := f.srv.URL
	want := []tasks.Task{
		{ID: "T1", State: tasks.Open, Status: "Open", Title: "Disk fills on db1", Assignee: "alice", URL: u + "/T1", Created: time.Unix(1700000000, 0).UTC()},
		{ID: "T2", State: tasks.Resolved, Status: "Resolved", Title: "Rotate the certificates", Assignee: "bob", URL: u + "/T2", Created: time.Unix(1700000100, 0).UTC(), Closed: time.Unix(1700500000, 0).UTC()},
		{ID: "T3", State: tasks.Declined, Status: "Wontfix", Title: "Rewrite the pager", URL: u + "/T3", Created: time.Unix(1700000200, 0).UTC(), Closed: time.Unix(1700600000, 0).UTC()},
		{ID: "T5", State: tasks.Open, Status: "Needs Info", Title: "A custom open status", URL: u + "/T5", Created: time.Unix(1700000400, 0).UTC()},
		{ID: "T6", State: tasks.Open, Status: "Open", Title: "Reopened after closing", URL: u + "/T6", Created: time.Unix(1700000500, 0).UTC()},
	}
	if !slices.Equal(res.Tasks, want) {
		t.Errorf("tasks:\n got %+v\nwant %+v", res.Tasks, want)
	}
}

var jira5 = map[string]string{"OPS-1": tasks.Open, "OPS-2": tasks.Resolved, "OPS-3": tasks.Declined, "OPS-4": tasks.Open, "OPS-5": tasks.Declined}

func TestJira(t *testing.T) {
	five := []string{"OPS-1", "OPS-2", "OPS-3", "OPS-4", "OPS-5"}
	dc := func(f *fake) { f.cloud = false }
	runCases(t, "jira", []tcase{
		{name: "batches", ids: five, want: jira5, requests: 3,
			check: func(t *testing.T, f *fake, res Result) {
				for _, a := range f.asked {
					if len(a) > 2 {
						t.Errorf("a batch of %d keys: %v", len(a), a)
					}
				}
			}},
		{name: "Cloud paging", ids: append(slices.Clone(five), "NET-10"),
			cfg: func(c *Config) { c.BatchSize = 0 }, setup: func(f *fake) { f.page = 4 },
			want: states("", nil, map[string]string{"OPS-1": tasks.Open, "OPS-2": tasks.Resolved, "OPS-3": tasks.Declined, "OPS-4": tasks.Open, "OPS-5": tasks.Declined, "NET-10": tasks.Resolved}), requests: 2},
		{name: "Data Center paging", ids: append(slices.Clone(five), "NET-10"),
			cfg: func(c *Config) { c.BatchSize = 0 }, setup: func(f *fake) { f.page = 4; f.cloud = false },
			want:     states("", nil, map[string]string{"OPS-1": tasks.Open, "OPS-2": tasks.Resolved, "OPS-3": tasks.Declined, "OPS-4": tasks.Open, "OPS-5": tasks.Declined, "NET-10": tasks.Resolved}),
			requests: 1 + 2}, // a 404 from Cloud's search, then two pages
		{name: "Data Center batches", ids: five, want: jira5, setup: dc,
			requests: 1 + 3}, // Cloud asked once only
		{name: "email:token is basic auth", ids: five, want: jira5, cfg: func(c *Config) { c.Token = "me@example.org:" + goodToken }},
		{name: "429 with Retry-After", ids: five, want: jira5,
			setup:    withHook(once(http.StatusTooManyRequests, map[string]string{"Retry-After": "1"}, `{"errorMessages":["Rate limit exceeded."]}`, nil)),
			requests: 1 + 3, minElapsed: time.Second},
		{name: "500 then success", ids: five, want: jira5,
			setup: withHook(once(http.StatusInternalServerError, nil, `{"errorMessages":["Internal server error"]}`, asks("OPS-5"))), requests: 1 + 3},
		{name: "malformed body", ids: five,
			setup:  withHook(always(http.StatusOK, `<html><body>Jira is down for maintenance</body></html>`, asks("OPS-1"))),
			want:   map[string]string{"OPS-3": tasks.Declined, "OPS-4": tasks.Open, "OPS-5": tasks.Declined},
			failed: []string{"OPS-1", "OPS-2"}, requests: 4 + 2},
		{name: "unknown keys", ids: []string{"OPS-1", "NOPE-1", "OPS-2", "OPS-404"},
			cfg:      func(c *Config) { c.BatchSize = 4 },
			want:     map[string]string{"OPS-1": tasks.Open, "NOPE-1": tasks.Unknown, "OPS-2": tasks.Resolved, "OPS-404": tasks.Unknown},
			requests: 2},
		{name: "only unknown keys", ids: []string{"NOPE-1", "NOPE-2"}, want: map[string]string{"NOPE-1": tasks.Unknown, "NOPE-2": tasks.Unknown}, requests: 1},
		{name: "a 400 naming no key fails the batch", ids: five,
			setup:  withHook(always(http.StatusBadRequest, `{"errorMessages":["Error in the JQL Query: the character '%' is a reserved JQL character."],"errors":{}}`, asks("OPS-5"))),
			want:   map[string]string{"OPS-1": tasks.Open, "OPS-2": tasks.Resolved, "OPS-3": tasks.Declined, "OPS-4": tasks.Open},
			failed: []string{"OPS-5"}, requests: 3},
		{name: "expired token", ids: five, auth: true, requests: 1, cfg: func(c *Config) { c.Token = "expired-token-abcdef" }},
		{name: "expired token, Data Center", ids: five, auth: true, requests: 2, setup: dc, cfg: func(c *Config) { c.Token = "expired-token-abcdef" }},
		concurrencyCase(ids("BENCH-", 1, 40), states(tasks.Open, ids("BENCH-", 1, 40), nil)),
	})
}

func TestJiraFields(t *testing.T) {
	for _, cloud := range []bool{true, false} {
		f := newFake(t, "jira")
		f.cloud = cloud
		res, err := Fetch(context.Background(), Config{Kind: "jira", URL: f.srv.URL, Token: goodToken}, []string{"OPS-2", "OPS-1", "OPS-3"})
		if err != nil {
			t.Fatal(err)
		}
		u := f.srv.URL
		bob, alice := "bob", "alice"
		if cloud {
			bob, alice = "Bob Example", "Alice Example"
		}
		want := []tasks.Task{
			{ID: "OPS-1", State: tasks.Open, Status: "To Do", Title: "Summary of OPS-1", Assignee: alice, URL: u + "/browse/OPS-1", Created: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)},
			{ID: "OPS-2", State: tasks.Resolved, Status: "Done", Title: "Summary of OPS-2", Assignee: bob, URL: u + "/browse/OPS-2", Created: time.Date(2024, 3, 2, 9, 0, 0, 0, time.UTC), Closed: time.Date(2024, 3, 5, 11, 30, 0, 0, time.UTC)},
			{ID: "OPS-3", State: tasks.Declined, Status: "Closed", Title: "Summary of OPS-3", URL: u + "/browse/OPS-3", Created: time.Date(2024, 3, 3, 10, 0, 0, 0, time.UTC), Closed: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)},
		}
		if !slices.Equal(res.Tasks, want) {
			t.Errorf("cloud %v: tasks:\n got %+v\nwant %+v", cloud, res.Tasks, want)
		}
	}
}

func TestGitHub(t *testing.T) {
	four := []string{"#1", "#2", "#3", "acme/api#10"}
	want4 := map[string]string{"#1": tasks.Open, "#2": tasks.Resolved, "#3": tasks.Declined, "acme/api#10": tasks.Resolved}
	prevTitle := "as the last sync saw it"
	previous := func(f *fake, stale string) func(*Config) {
		return func(c *Config) {
			c.Previous = func(id string) (tasks.Task, bool) {
				owner, repo, n, _ := githubID("acme/web", id)
				full := owner + "/" + repo + "#" + n
				etag := fmt.Sprintf(`W/"%x-%d"`, full, 0)
				if id == stale {
					etag = `W/"stale"`
				}
				return tasks.Task{ID: "x", State: tasks.Open, Title: prevTitle, ETag: etag}, true
			}
		}
	}
	offset := time.Hour // the tracker's clock, ahead of ours
	runCases(t, "github", []tcase{
		{name: "one request a task", ids: four, want: want4, requests: 4,
			cfg: func(c *Config) { c.BatchSize = 100 }},
		{name: "429 with Retry-After", ids: four, want: want4,
			setup:    withHook(once(http.StatusTooManyRequests, map[string]string{"Retry-After": "1"}, `{"message":"slow down"}`, nil)),
			requests: 5, minElapsed: time.Second},
		{name: "secondary rate limit 403 with a Retry-After date", ids: four, want: want4,
			cfg: func(c *Config) { c.Now = func() time.Time { return time.Now().Add(offset) } },
			setup: func(f *fake) {
				f.hook = once(http.StatusForbidden, map[string]string{"Retry-After": time.Now().Add(offset + 2*time.Second).UTC().Format(http.TimeFormat)},
					`{"message":"You have exceeded a secondary rate limit."}`, asks("acme/web#2"))
			},
			requests: 5, minElapsed: time.Second},
		{name: "rate limit reset", ids: four, want: want4,
			cfg: func(c *Config) { c.Now = func() time.Time { return time.Now().Add(offset) } },
			setup: func(f *fake) {
				f.hook = once(http.StatusForbidden, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(time.Now().Add(offset+time.Second).Unix(), 10)},
					`{"message":"API rate limit exceeded"}`, asks("acme/web#3"))
			},
			requests: 5, minElapsed: time.Second},
		{name: "the last request allowed", ids: four, want: want4,
			cfg: func(c *Config) { c.Now = func() time.Time { return time.Now().Add(offset) } },
			setup: func(f *fake) {
				// #1 is answered, with no requests left until the reset: the
				// others wait for it, rather than be refused.
				reset := strconv.FormatInt(time.Now().Add(offset+time.Second).Unix(), 10)
				f.hook = func(w http.ResponseWriter, r *http.Request, n int, ids []string) bool {
					if n == 1 {
						w.Header().Set("X-RateLimit-Remaining", "0")
						w.Header().Set("X-RateLimit-Reset", reset)
						writeJSON(w, http.StatusOK, map[string]any{"state": "open", "title": "first", "created_at": "2024-05-01T08:00:00Z"})
						return true
					}
					return false
				}
			},
			requests: 4, minElapsed: time.Second},
		{name: "500 then success", ids: four, want: want4,
			setup: withHook(once(http.StatusBadGateway, nil, "bad gateway", asks("acme/web#3"))), requests: 5},
		{name: "malformed body", ids: four,
			setup:  withHook(always(http.StatusOK, `{"state":"open",`, asks("acme/web#2"))),
			want:   map[string]string{"#1": tasks.Open, "#3": tasks.Declined, "acme/api#10": tasks.Resolved},
			failed: []string{"#2"}, requests: 3 + 4},
		{name: "unknown issue", ids: []string{"#1", "#99", "other/repo#5"},
			want: map[string]string{"#1": tasks.Open, "#99": tasks.Unknown, "other/repo#5": tasks.Unknown}},
		{name: "expired token", ids: four, auth: true, requests: 1, cfg: func(c *Config) { c.Token = "ghp_expired0123456789" }},
		{name: "403 without a rate limit", ids: four, auth: true, requests: 1,
			setup: withHook(always(http.StatusForbidden, `{"message":"Resource not accessible by personal access token"}`, func([]string) bool { return true }))},
		{name: "304 with ETag", ids: four, want: states(tasks.Open, nil, map[string]string{"#1": tasks.Open, "#2": tasks.Open, "#3": tasks.Declined, "acme/api#10": tasks.Open}),
			cfg: previous(nil, "#3"),
			check: func(t *testing.T, f *fake, res Result) {
				for _, task := range res.Tasks {
					kept := task.Title == prevTitle
					if kept != (task.ID != "#3") {
						t.Errorf("%s: title %q", task.ID, task.Title)
					}
					if kept && task.ID == "x" {
						t.Errorf("a kept task has the id Previous gave, not the id asked")
					}
				}
			}},
		concurrencyCase(ids("acme/bench#", 1, 40), states(tasks.Open, ids("acme/bench#", 1, 40), nil)),
	})
}

func TestGitHubFields(t *testing.T) {
	f := newFake(t, "github")
	res, err := Fetch(context.Background(), Config{Kind: "github", URL: f.srv.URL, Project: "acme/web", Token: goodToken}, []string{"#2", "#3", "#4", "acme/api#10"})
	if err != nil {
		t.Fatal(err)
	}
	etag := func(id string) string { return fmt.Sprintf(`W/"%x-0"`, id) }
	want := []tasks.Task{
		{ID: "#2", State: tasks.Resolved, Status: "completed", Title: "Issue acme/web#2", Assignee: "hubot", URL: "https://github.com/acme/web/issues/2", Created: time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC), Closed: time.Date(2024, 5, 3, 9, 30, 0, 0, time.UTC), ETag: etag("acme/web#2")},
		{ID: "#3", State: tasks.Declined, Status: "not_planned", Title: "Issue acme/web#3", URL: "https://github.com/acme/web/issues/3", Created: time.Date(2024, 5, 3, 8, 0, 0, 0, time.UTC), Closed: time.Date(2024, 5, 4, 8, 0, 0, 0, time.UTC), ETag: etag("acme/web#3")},
		{ID: "#4", State: tasks.Open, Status: "open", Title: "Issue acme/web#4", URL: "https://github.com/acme/web/issues/4", Created: time.Date(2024, 5, 4, 8, 0, 0, 0, time.UTC), ETag: etag("acme/web#4")},
		{ID: "acme/api#10", State: tasks.Resolved, Status: "closed", Title: "Issue acme/api#10", URL: "https://github.com/acme/api/issues/10", Created: time.Date(2024, 5, 5, 8, 0, 0, 0, time.UTC), Closed: time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC), ETag: etag("acme/api#10")},
	}
	if !slices.Equal(res.Tasks, want) {
		t.Errorf("tasks:\n got %+v\nwant %+v", res.Tasks, want)
	}
}

func TestSupports(t *testing.T) {
	for _, tc := range []struct {
		kind, project, id string
		want              bool
	}{
		{"phabricator", "", "T123", true},
		{"phabricator", "", "T", false},
		{"phabricator", "", "T012", false},
		{"phabricator", "", "t123", false},
		{"phabricator", "", "OPS-1", false},
		{"jira", "", "OPS-123", true},
		{"jira", "", "A1_B-7", true},
		{"jira", "", "ops-123", false},
		{"jira", "", "OPS-", false},
		{"jira", "", "1OPS-2", false},
		{"jira", "", "OPS-1) OR (1=1", false},
		{"github", "acme/web", "#12", true},
		{"github", "", "#12", false},
		{"github", "", "acme/web#12", true},
		{"github", "", "acme/web#", false},
		{"github", "", "acme/../x#1", false},
		{"github", "", "acme#1", false},
		{"gitlab", "", "#1", false},
	} {
		if got := Supports(tc.kind, tc.project, tc.id); got != tc.want {
			t.Errorf("Supports(%q, %q, %q) = %v", tc.kind, tc.project, tc.id, got)
		}
	}
}

func TestFetchBadConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		ids  []string
		want string
	}{
		{Config{Kind: "gitlab", URL: "http://127.0.0.1:1"}, []string{"#1"}, `"gitlab"`},
		{Config{Kind: "phabricator", URL: "http://127.0.0.1:1"}, []string{"T1", "OPS-1"}, `"OPS-1"`},
		{Config{Kind: "github", URL: "http://127.0.0.1:1"}, []string{"#1"}, `"#1"`},
		{Config{Kind: "jira"}, []string{"OPS-1"}, "address"},
	} {
		_, err := Fetch(context.Background(), tc.cfg, tc.ids)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want one naming %s", tc.cfg, err, tc.want)
		}
	}
}

// A run whose context ends returns what it learnt and says so.
func TestFetchContextEnds(t *testing.T) {
	f := newFake(t, "github")
	// The context ends while the third request is answered, however
	// slow the machine: not on a clock.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.hook = func(_ http.ResponseWriter, _ *http.Request, n int, _ []string) bool {
		if n == 3 {
			cancel()
		}
		return false
	}
	res, err := Fetch(ctx, Config{Kind: "github", URL: f.srv.URL, Project: "acme/bench", Token: goodToken, Concurrency: 1}, ids("#", 1, 20))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(res.Tasks)+countIDs(res.Failed) != 20 || len(res.Tasks) == 0 || len(res.Failed) == 0 {
		t.Errorf("%d tasks, %d failed ids, want some of each, 20 in all", len(res.Tasks), countIDs(res.Failed))
	}
}

func countIDs(bs []BatchError) int {
	n := 0
	for _, b := range bs {
		n += len(b.IDs)
	}
	return n
}

// BenchmarkSync5000 syncs 5,000 tasks against the fakes with the default
// concurrency and batch size.
func BenchmarkSync5000(b *testing.B) {
	for _, kind := range []string{"phabricator", "jira", "github"} {
		b.Run(kind, func(b *testing.B) {
			f := newFake(b, kind)
			var list []string
			switch kind {
			case "phabricator":
				list = ids("T", 10000, 14999)
			case "jira":
				list = ids("BENCH-", 1, 5000)
			case "github":
				list = ids("#", 1, 5000)
			}
			cfg := Config{Kind: kind, URL: f.srv.URL, Project: "acme/bench", Token: goodToken}
			b.ResetTimer()
			for b.Loop() {
				res, err := Fetch(context.Background(), cfg, list)
				if err != nil || len(res.Tasks) != 5000 || len(res.Failed) > 0 {
					b.Fatalf("%v: %d tasks, %v", err, len(res.Tasks), res.Failed)
				}
			}
		})
	}
}
