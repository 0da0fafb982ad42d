package tracker

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The fakes answer in each tracker's documented shape, written here from
// the public API documentation.

const goodToken = "tok-s3cret-9f8e7d6c5b4a"

// hook may answer a request in place of the fake (returning true): n is
// the request's number (from 1), ids the task ids it asks about.
type hook func(w http.ResponseWriter, r *http.Request, n int, ids []string) bool

// fake is a tracker on 127.0.0.1 that counts requests and how many are in
// flight at once.
type fake struct {
	t        testing.TB
	kind     string
	srv      *httptest.Server
	hook     hook
	page     int           // most results a page (Conduit, Jira); 0 means as asked
	delay    time.Duration // each request takes at least this long
	cloud    bool          // Jira: has the Cloud API
	versions map[string]int

	mu       sync.Mutex
	requests int
	asked    [][]string // ids of each request, in order

	inFlight, maxInFlight atomic.Int32
}

var (
	jqlKeys   = regexp.MustCompile(`key in \(([^)]*)\)`)
	issuePath = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/issues/(\d+)$`)
)

func newFake(t testing.TB, kind string) *fake {
	f := &fake{t: t, kind: kind, cloud: true, versions: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	now := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if now <= m || f.maxInFlight.CompareAndSwap(m, now) {
			break
		}
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	var ids []string
	switch f.kind {
	case "phabricator":
		r.ParseForm()
		for i := 0; ; i++ {
			v := r.PostForm.Get(fmt.Sprintf("constraints[ids][%d]", i))
			if v == "" {
				break
			}
			ids = append(ids, "T"+v)
		}
	case "jira":
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var q struct {
			JQL string `json:"jql"`
		}
		json.Unmarshal(body, &q)
		if m := jqlKeys.FindStringSubmatch(q.JQL); m != nil {
			ids = strings.Split(m[1], ",")
		}
	case "github":
		if m := issuePath.FindStringSubmatch(r.URL.Path); m != nil {
			ids = []string{m[1] + "#" + m[2]}
		}
	}
	f.mu.Lock()
	f.requests++
	n := f.requests
	f.asked = append(f.asked, ids)
	h := f.hook
	f.mu.Unlock()
	if h != nil && h(w, r, n, ids) {
		return
	}
	switch f.kind {
	case "phabricator":
		f.phabricator(w, r, ids)
	case "jira":
		f.jira(w, r, ids)
	case "github":
		f.github(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Phabricator: POST /api/maniphest.search and /api/user.search.

type phabTask struct {
	status, name, owner string
	created, closed     int64
}

var phabTasks = map[int64]phabTask{
	1: {"open", "Disk fills on db1", "PHID-USER-alice", 1700000000, 0},
	2: {"resolved", "Rotate the certificates", "PHID-USER-bob", 1700000100, 1700500000},
	3: {"wontfix", "Rewrite the pager", "", 1700000200, 1700600000},
	4: {"progress", "Add a canary", "PHID-USER-alice", 1700000300, 0},
	5: {"needsinfo", "A custom open status", "", 1700000400, 0},
	6: {"open", "Reopened after closing", "", 1700000500, 1700550000}, // Conduit keeps no closing date for an open task; a stale one must not show
	7: {"duplicate", "Same as T2", "PHID-USER-nobody", 1700000600, 1700700000},
}

var phabStatusNames = map[string]string{"open": "Open", "resolved": "Resolved", "wontfix": "Wontfix", "progress": "In Progress", "needsinfo": "Needs Info", "duplicate": "Duplicate"}

var phabUsers = map[string]string{"PHID-USER-alice": "alice", "PHID-USER-bob": "bob"}

func phabTaskFor(id int64) (phabTask, bool) {
	if t, ok := phabTasks[id]; ok {
		return t, true
	}
	if id >= 1000 && id < 100000 { // the benchmark's tasks
		return phabTask{"open", "Task " + strconv.FormatInt(id, 10), "PHID-USER-alice", 1700000000 + id, 0}, true
	}
	return phabTask{}, false
}

func conduitError(w http.ResponseWriter, code, info string) {
	writeJSON(w, http.StatusOK, map[string]any{"result": nil, "error_code": code, "error_info": info})
}

func (f *fake) phabricator(w http.ResponseWriter, r *http.Request, ids []string) {
	if tok := r.PostForm.Get("api.token"); tok != goodToken {
		// Conduit's real message quotes the token it got.
		conduitError(w, "ERR-INVALID-AUTH", fmt.Sprintf("API token %q has the wrong length or is not valid.", tok))
		return
	}
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	if f.page > 0 {
		limit = min(limit, f.page)
	}
	after, _ := strconv.ParseInt(r.PostForm.Get("after"), 10, 64)
	var data []map[string]any
	switch r.URL.Path {
	case "/api/maniphest.search":
		var nums []int64
		for _, id := range ids {
			n, _ := strconv.ParseInt(id[1:], 10, 64)
			if _, ok := phabTaskFor(n); ok && (after == 0 || n < after) {
				nums = append(nums, n)
			}
		}
		// Newest first, as Conduit orders by default.
		slices.Sort(nums)
		slices.Reverse(nums)
		nums = slices.Compact(nums)
		more := len(nums) > limit
		nums = nums[:min(limit, len(nums))]
		for _, n := range nums {
			t, _ := phabTaskFor(n)
			var owner, closed any
			if t.owner != "" {
				owner = t.owner
			}
			if t.closed != 0 {
				closed = t.closed
			}
			data = append(data, map[string]any{
				"id": n, "type": "TASK", "phid": fmt.Sprintf("PHID-TASK-%d", n),
				"fields": map[string]any{
					"name": t.name, "description": map[string]any{"raw": ""},
					"authorPHID": "PHID-USER-alice", "ownerPHID": owner,
					"status":   map[string]any{"value": t.status, "name": phabStatusNames[t.status], "color": nil},
					"priority": map[string]any{"value": 50, "subpriority": 0, "name": "Normal", "color": "orange"},
					"points":   nil, "subtype": "default", "closerPHID": nil, "dateClosed": closed,
					"spacePHID": nil, "dateCreated": t.created, "dateModified": t.created + 10,
					"policy": map[string]any{"view": "users", "interact": "users", "edit": "users"},
				},
				"attachments": map[string]any{},
			})
		}
		var next any
		if more && len(nums) > 0 {
			next = strconv.FormatInt(nums[len(nums)-1], 10)
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"result": map[string]any{
				"data": data, "maps": map[string]any{}, "query": map[string]any{"queryKey": nil},
				"cursor": map[string]any{"limit": limit, "after": next, "before": nil, "order": nil},
			},
			"error_code": nil, "error_info": nil,
		})
	case "/api/user.search":
		for i := 0; ; i++ {
			phid := r.PostForm.Get(fmt.Sprintf("constraints[phids][%d]", i))
			if phid == "" {
				break
			}
			if name, ok := phabUsers[phid]; ok {
				data = append(data, map[string]any{"id": i + 1, "type": "USER", "phid": phid,
					"fields": map[string]any{"username": name, "realName": strings.ToUpper(name), "roles": []string{"activated"}}})
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"result":     map[string]any{"data": data, "maps": map[string]any{}, "query": map[string]any{"queryKey": nil}, "cursor": map[string]any{"limit": 100, "after": nil, "before": nil, "order": nil}},
			"error_code": nil, "error_info": nil,
		})
	default:
		conduitError(w, "ERR-CONDUIT-CORE", "Conduit method not found.")
	}
}

// Jira: POST /rest/api/3/search/jql (Cloud) and /rest/api/2/search (Data Center).

type jiraFake struct {
	status, category, resolution, assignee string
	created, resolved                      string
}

var jiraIssues = map[string]jiraFake{
	"OPS-1":  {"To Do", "new", "", "alice", "2024-03-01T10:00:00.000+0000", ""},
	"OPS-2":  {"Done", "done", "Done", "bob", "2024-03-02T10:00:00.000+0100", "2024-03-05T12:30:00.000+0100"},
	"OPS-3":  {"Closed", "done", "Won't Do", "", "2024-03-03T10:00:00.000+0000", "2024-03-04T10:00:00.000+0000"},
	"OPS-4":  {"In Progress", "indeterminate", "", "carol", "2024-03-04T10:00:00.000+0000", ""},
	"OPS-5":  {"Resolved", "done", "Duplicate", "", "2024-03-05T10:00:00.000+0000", "2024-03-06T10:00:00.000+0000"},
	"NET-10": {"Done", "done", "Fixed", "dave", "2024-04-01T00:00:00.000+0000", "2024-04-02T00:00:00.000+0000"},
}

func (f *fake) jiraAuth(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("me@example.org:"+goodToken))
	return a == "Bearer "+goodToken || a == basic
}

func (f *fake) jira(w http.ResponseWriter, r *http.Request, keys []string) {
	cloud := r.URL.Path == "/rest/api/3/search/jql"
	if cloud && !f.cloud || !cloud && r.URL.Path != "/rest/api/2/search" {
		writeJSON(w, http.StatusNotFound, map[string]any{"errorMessages": []string{"null for uri: " + r.URL.String()}})
		return
	}
	if !f.jiraAuth(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errorMessages": []string{"You are not authenticated. Authentication required to perform this operation."}, "errors": map[string]any{}})
		return
	}
	var missing []string
	for _, k := range keys {
		if _, ok := jiraIssues[k]; !ok && !benchKey(k) {
			missing = append(missing, fmt.Sprintf("An issue with key '%s' does not exist for field 'key'.", k))
		}
	}
	if len(missing) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errorMessages": missing, "errors": map[string]any{}, "warningMessages": []string{}})
		return
	}
	var q struct {
		MaxResults    int    `json:"maxResults"`
		StartAt       int    `json:"startAt"`
		NextPageToken string `json:"nextPageToken"`
	}
	json.NewDecoder(r.Body).Decode(&q)
	size := q.MaxResults
	if size <= 0 || size > 100 {
		size = 50
	}
	if f.page > 0 {
		size = min(size, f.page)
	}
	start := q.StartAt
	if cloud {
		start = 0
		if q.NextPageToken != "" {
			b, _ := base64.StdEncoding.DecodeString(q.NextPageToken)
			start, _ = strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		}
	}
	// Newest first: the order Jira uses for a JQL without ORDER BY.
	all := slices.Clone(keys)
	slices.Reverse(all)
	end := min(start+size, len(all))
	var issues []map[string]any
	for i, k := range all[min(start, end):end] {
		j, ok := jiraIssues[k]
		if !ok {
			j = jiraFake{"Open", "new", "", "alice", "2024-01-01T00:00:00.000+0000", ""}
		}
		fields := map[string]any{
			"summary":  "Summary of " + k,
			"status":   map[string]any{"self": "x", "name": j.status, "id": "1", "statusCategory": map[string]any{"self": "x", "id": 2, "key": j.category, "colorName": "blue-gray", "name": "x"}},
			"created":  j.created,
			"assignee": nil, "resolution": nil, "resolutiondate": nil,
		}
		if j.assignee != "" {
			a := map[string]any{"displayName": strings.ToUpper(j.assignee[:1]) + j.assignee[1:] + " Example", "active": true}
			if cloud {
				a["accountId"] = "5b10ac8d82e05b22cc7d4ef5"
			} else {
				a["name"] = j.assignee
				a["key"] = j.assignee
			}
			fields["assignee"] = a
		}
		if j.resolution != "" {
			fields["resolution"] = map[string]any{"name": j.resolution, "id": "10000"}
		}
		if j.resolved != "" {
			fields["resolutiondate"] = j.resolved
		}
		issues = append(issues, map[string]any{"expand": "", "id": strconv.Itoa(10000 + start + i), "self": "x", "key": k, "fields": fields})
	}
	if cloud {
		out := map[string]any{"issues": issues, "isLast": end >= len(all)}
		if end < len(all) {
			out["nextPageToken"] = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"expand": "schema,names", "startAt": start, "maxResults": size, "total": len(all), "issues": issues})
}

func benchKey(k string) bool {
	n, ok := strings.CutPrefix(k, "BENCH-")
	return ok && isNumber(n)
}

// GitHub: GET /repos/{owner}/{repo}/issues/{number}.

type ghFake struct {
	state, reason, assignee string
	created, closed         string
}

var ghIssues = map[string]ghFake{
	"acme/web#1":  {"open", "", "octocat", "2024-05-01T08:00:00Z", ""},
	"acme/web#2":  {"closed", "completed", "hubot", "2024-05-02T08:00:00Z", "2024-05-03T09:30:00Z"},
	"acme/web#3":  {"closed", "not_planned", "", "2024-05-03T08:00:00Z", "2024-05-04T08:00:00Z"},
	"acme/web#4":  {"open", "reopened", "", "2024-05-04T08:00:00Z", "2024-05-04T09:00:00Z"}, // a stale closed_at must not show
	"acme/api#10": {"closed", "", "", "2024-05-05T08:00:00Z", "2024-05-06T08:00:00Z"},
}

func (f *fake) github(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+goodToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
		return
	}
	m := issuePath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		return
	}
	id := m[1] + "#" + m[2]
	is, ok := ghIssues[id]
	if !ok {
		if n, _ := strconv.Atoi(m[2]); m[1] == "acme/bench" && n > 0 {
			is, ok = ghFake{"open", "", "octocat", "2024-01-01T00:00:00Z", ""}, true
		}
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue", "status": "404"})
		return
	}
	f.mu.Lock()
	etag := fmt.Sprintf(`W/"%x-%d"`, id, f.versions[id])
	f.mu.Unlock()
	w.Header().Set("ETag", etag)
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var assignee, closed, reason any
	if is.assignee != "" {
		assignee = map[string]any{"login": is.assignee, "id": 1, "type": "User"}
	}
	if is.closed != "" {
		closed = is.closed
	}
	if is.reason != "" {
		reason = is.reason
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": 1, "node_id": "I_x", "url": f.srv.URL + r.URL.Path,
		"html_url": "https://github.com/" + m[1] + "/issues/" + m[2],
		"number":   m[2], "state": is.state, "state_reason": reason, "title": "Issue " + id,
		"body": "", "user": map[string]any{"login": "octocat"}, "labels": []any{},
		"assignee": assignee, "assignees": []any{}, "locked": false, "comments": 0,
		"closed_at": closed, "created_at": is.created, "updated_at": is.created,
	})
}
