package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/tasks"
)

// github asks GET /repos/{owner}/{repo}/issues/{n}, one issue a request,
// with the ETag the last sync recorded: an unchanged issue answers 304,
// which GitHub does not count against the rate limit.
type github struct{}

// githubID splits a GitHub task id, #123 (of project) or owner/repo#123.
func githubID(project, id string) (owner, repo, number string, ok bool) {
	full, number, found := strings.Cut(id, "#")
	if !found || !isNumber(number) {
		return "", "", "", false
	}
	if full == "" {
		full = project
	}
	owner, repo, found = strings.Cut(full, "/")
	if !found || !isGitHubName(owner) || !isGitHubName(repo) {
		return "", "", "", false
	}
	return owner, repo, number, true
}

// isGitHubName reports whether s may be a GitHub owner or repository name.
func isGitHubName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func (g *github) batches(ids []string, _ int) [][]string { return chunks(ids, 1) }

type githubIssue struct {
	State       string     `json:"state"`
	StateReason *string    `json:"state_reason"`
	Title       string     `json:"title"`
	HTMLURL     string     `json:"html_url"`
	CreatedAt   *time.Time `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	Assignee    *struct {
		Login string `json:"login"`
	} `json:"assignee"`
}

func (g *github) fetch(ctx context.Context, c *client, ids []string) ([]tasks.Task, error) {
	out := make([]tasks.Task, 0, len(ids))
	for _, id := range ids {
		t, err := g.issue(ctx, c, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (g *github) issue(ctx context.Context, c *client, id string) (tasks.Task, error) {
	owner, repo, number, _ := githubID(c.cfg.Project, id)
	prev, hasPrev := c.cfg.Previous(id)
	etag := ""
	if hasPrev && prev.State != tasks.Unknown {
		etag = prev.ETag
	}
	var t tasks.Task
	err := c.do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.URL+"/repos/"+owner+"/"+repo+"/issues/"+number, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		if c.cfg.Token != "" {
			req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		return req, nil
	}, func(r *response) error {
		switch r.status {
		case http.StatusNotModified:
			if etag == "" {
				return c.unexpected(r)
			}
			t = prev
			t.ID = id
			return nil
		case http.StatusNotFound, http.StatusGone: // never was, or deleted
			t = tasks.Task{ID: id, State: tasks.Unknown}
			return nil
		case http.StatusOK:
		default:
			return c.unexpected(r)
		}
		var is githubIssue
		if err := json.Unmarshal(r.body, &is); err != nil {
			return c.malformed(r, err)
		}
		if is.State != "open" && is.State != "closed" {
			return c.malformed(r, errors.New("no issue state"))
		}
		t = githubTask(id, is)
		t.ETag = r.header.Get("ETag")
		return nil
	})
	return t, err
}

func githubTask(id string, is githubIssue) tasks.Task {
	t := tasks.Task{ID: id, Title: is.Title, URL: is.HTMLURL, State: tasks.Open, Status: is.State}
	if is.Assignee != nil {
		t.Assignee = is.Assignee.Login
	}
	if is.CreatedAt != nil {
		t.Created = is.CreatedAt.UTC()
	}
	if is.State == "closed" {
		t.State = tasks.Resolved
		if is.StateReason != nil {
			t.Status = *is.StateReason
			if *is.StateReason == "not_planned" || *is.StateReason == "duplicate" {
				t.State = tasks.Declined
			}
		}
		if is.ClosedAt != nil {
			t.Closed = is.ClosedAt.UTC()
		}
	}
	return t
}
