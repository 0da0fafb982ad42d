package tracker

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator/tasks"
)

// jira asks Jira's search with JQL `key in (…)`, BatchSize keys a batch.
// A site on *.atlassian.net is Jira Cloud (POST /rest/api/3/search/jql,
// nextPageToken paging); any other is first asked as Cloud, and when that
// API is not there (404) as Data Center (POST /rest/api/2/search, startAt
// paging), which the rest of the run then uses.
type jira struct {
	mu sync.Mutex
	dc bool // the site is Data Center (or Server)
}

// isJiraProject reports whether key is a Jira project key: a capital
// letter, then capitals, digits or _.
func isJiraProject(key string) bool {
	if key == "" || key[0] < 'A' || key[0] > 'Z' {
		return false
	}
	for _, r := range key {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Resolutions that close a task without doing it.
var jiraDeclined = map[string]bool{
	"won't do": true, "won't fix": true, "duplicate": true, "declined": true,
	"cannot reproduce": true, "incomplete": true, "rejected": true,
}

func (j *jira) batches(ids []string, size int) [][]string { return chunks(ids, size) }

var jiraFields = []string{"summary", "status", "resolution", "assignee", "created", "resolutiondate", "statuscategorychangedate"}

type jiraIssue struct {
	Key    string `json:"key"`
	Fields struct {
		Summary string `json:"summary"`
		Status  *struct {
			Name           string `json:"name"`
			StatusCategory struct {
				Key string `json:"key"`
			} `json:"statusCategory"`
		} `json:"status"`
		Resolution *struct {
			Name string `json:"name"`
		} `json:"resolution"`
		Assignee *struct {
			Name        string `json:"name"`        // Data Center
			DisplayName string `json:"displayName"` // Cloud has no user names
		} `json:"assignee"`
		Created        string `json:"created"`
		ResolutionDate string `json:"resolutiondate"`
		CategoryChange string `json:"statuscategorychangedate"`
	} `json:"fields"`
}

type jiraPage struct {
	Issues []jiraIssue `json:"issues"`
	// Cloud
	NextPageToken string `json:"nextPageToken"`
	IsLast        *bool  `json:"isLast"`
	// Data Center
	StartAt int `json:"startAt"`
	Total   int `json:"total"`
}

// errNoCloudAPI: the site answered 404 to Cloud's search.
var errNoCloudAPI = errors.New("jira: no /rest/api/3/search/jql")

func (j *jira) isDC() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.dc
}

func (j *jira) fetch(ctx context.Context, c *client, ids []string) ([]tasks.Task, error) {
	found := map[string]tasks.Task{}
	unknown := map[string]bool{}
	rest := ids
	for len(rest) > 0 {
		missing, err := j.search(ctx, c, rest, found)
		if errors.Is(err, errNoCloudAPI) {
			u, _ := url.Parse(c.cfg.URL)
			if u != nil && strings.HasSuffix(u.Hostname(), ".atlassian.net") {
				return nil, permanent{fmt.Errorf("jira: HTTP 404 from /rest/api/3/search/jql")}
			}
			j.mu.Lock()
			j.dc = true
			j.mu.Unlock()
			missing, err = j.search(ctx, c, rest, found)
		}
		if err != nil {
			return nil, err
		}
		if len(missing) == 0 {
			break
		}
		// Keys the search said do not exist: unknown; ask again for the others.
		var next []string
		for _, id := range rest {
			if missing[id] {
				unknown[id] = true
			} else {
				next = append(next, id)
			}
		}
		rest = next
	}
	out := make([]tasks.Task, 0, len(ids))
	for _, id := range ids {
		t, ok := found[id]
		if !ok {
			t = tasks.Task{ID: id, State: tasks.Unknown}
		}
		out = append(out, t)
	}
	return out, nil
}

// search asks about keys, all pages, putting what it learns in found. A
// 400 that names some of the keys as not existing returns them, and
// nothing is learnt.
func (j *jira) search(ctx context.Context, c *client, keys []string, found map[string]tasks.Task) (map[string]bool, error) {
	dc := j.isDC()
	path := "/rest/api/3/search/jql"
	if dc {
		path = "/rest/api/2/search"
	}
	jql := "key in (" + strings.Join(keys, ",") + ")"
	asked := make(map[string]string, len(keys))
	for _, k := range keys {
		asked[strings.ToUpper(k)] = k
	}
	learnt := map[string]tasks.Task{}
	token, startAt := "", 0
	for {
		q := map[string]any{"jql": jql, "fields": jiraFields, "maxResults": len(keys)}
		if dc {
			q["startAt"] = startAt
		} else if token != "" {
			q["nextPageToken"] = token
		}
		body, err := json.Marshal(q)
		if err != nil {
			return nil, permanent{err}
		}
		var page jiraPage
		var missing map[string]bool
		err = c.do(ctx, func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+path, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			if user, tok, ok := strings.Cut(c.cfg.Token, ":"); ok && strings.Contains(user, "@") {
				req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+tok)))
			} else if c.cfg.Token != "" {
				req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
			}
			return req, nil
		}, func(r *response) error {
			switch {
			case r.status == http.StatusNotFound && !dc:
				return permanent{errNoCloudAPI}
			case r.status == http.StatusBadRequest:
				var e struct {
					ErrorMessages []string `json:"errorMessages"`
				}
				if err := json.Unmarshal(r.body, &e); err != nil {
					return c.malformed(r, err)
				}
				missing = jiraMissing(keys, e.ErrorMessages)
				if len(missing) == 0 {
					msg := strings.Join(e.ErrorMessages, "; ")
					if len(msg) > 300 {
						msg = msg[:300] + "…"
					}
					return permanent{fmt.Errorf("jira: HTTP 400: %s", msg)}
				}
				return nil
			case r.status != http.StatusOK:
				return c.unexpected(r)
			}
			page = jiraPage{}
			if err := json.Unmarshal(r.body, &page); err != nil {
				return c.malformed(r, err)
			}
			if !dc && page.IsLast == nil && page.NextPageToken == "" && page.Issues == nil {
				return c.malformed(r, errors.New("no issues"))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if missing != nil {
			return missing, nil
		}
		for _, is := range page.Issues {
			id, ok := asked[strings.ToUpper(is.Key)]
			if !ok {
				continue
			}
			learnt[id] = jiraTask(c.cfg.URL, id, is)
		}
		if dc {
			startAt += len(page.Issues)
			if len(page.Issues) == 0 || startAt >= page.Total {
				break
			}
		} else {
			if page.NextPageToken == "" || page.IsLast != nil && *page.IsLast {
				break
			}
			token = page.NextPageToken
		}
	}
	for id, t := range learnt {
		found[id] = t
	}
	return nil, nil
}

// jiraMissing are the keys that Jira's error messages name as not
// existing ("An issue with key 'ABC-9' does not exist for field 'key'.").
func jiraMissing(keys []string, messages []string) map[string]bool {
	var missing map[string]bool
	for _, m := range messages {
		for _, k := range keys {
			if strings.Contains(m, "'"+k+"'") || strings.Contains(m, `"`+k+`"`) {
				if missing == nil {
					missing = map[string]bool{}
				}
				missing[k] = true
			}
		}
	}
	return missing
}

// jiraTime reads Jira's times (2024-01-02T03:04:05.000+0000).
func jiraTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func jiraTask(site, id string, is jiraIssue) tasks.Task {
	f := is.Fields
	t := tasks.Task{ID: id, Title: f.Summary, URL: site + "/browse/" + is.Key, Created: jiraTime(f.Created), State: tasks.Open}
	if f.Assignee != nil {
		t.Assignee = f.Assignee.Name
		if t.Assignee == "" {
			t.Assignee = f.Assignee.DisplayName
		}
	}
	if f.Status != nil {
		t.Status = f.Status.Name
		if f.Status.StatusCategory.Key == "done" {
			t.State = tasks.Resolved
			if f.Resolution != nil && jiraDeclined[strings.ToLower(strings.ReplaceAll(f.Resolution.Name, "’", "'"))] {
				t.State = tasks.Declined
			}
		}
	}
	if t.IsClosed() {
		t.Closed = jiraTime(f.ResolutionDate)
		if t.Closed.IsZero() {
			t.Closed = jiraTime(f.CategoryChange)
		}
	}
	return t
}
