package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/tasks"
)

// phabricator asks Conduit's maniphest.search, BatchSize ids a batch,
// following the after cursor; owners' PHIDs are turned into user names
// with user.search at the end.
type phabricator struct{}

// conduitPage is the most results Conduit gives in one page.
const conduitPage = 100

// Phabricator's default statuses; other (custom) statuses are open
// unless the task has a closing date, then resolved.
var phabricatorStates = map[string]string{
	"open": tasks.Open, "progress": tasks.Open, "stalled": tasks.Open,
	"resolved": tasks.Resolved,
	"wontfix":  tasks.Declined, "invalid": tasks.Declined, "duplicate": tasks.Declined,
	"spite": tasks.Declined, "declined": tasks.Declined,
}

func (p *phabricator) batches(ids []string, size int) [][]string { return chunks(ids, size) }

// conduitAnswer is the envelope of every Conduit answer.
type conduitAnswer struct {
	Result    json.RawMessage `json:"result"`
	ErrorCode *string         `json:"error_code"`
	ErrorInfo *string         `json:"error_info"`
}

// conduitSearch is the result of a *.search method.
type conduitSearch[F any] struct {
	Data []struct {
		ID     int64  `json:"id"`
		PHID   string `json:"phid"`
		Fields F      `json:"fields"`
	} `json:"data"`
	Cursor struct {
		After *string `json:"after"`
	} `json:"cursor"`
}

type maniphestFields struct {
	Name   string `json:"name"`
	Status struct {
		Value string `json:"value"`
		Name  string `json:"name"`
	} `json:"status"`
	OwnerPHID   *string `json:"ownerPHID"`
	DateCreated *int64  `json:"dateCreated"`
	DateClosed  *int64  `json:"dateClosed"`
}

type userFields struct {
	Username string `json:"username"`
}

// conduit calls method with form, following after cursors, handing each
// page's result to page.
func conduit[F any](ctx context.Context, c *client, method string, form url.Values, page func(conduitSearch[F])) error {
	after := ""
	for {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("api.token", c.cfg.Token)
		f.Set("limit", strconv.Itoa(conduitPage))
		if after != "" {
			f.Set("after", after)
		}
		body := f.Encode()
		var res conduitSearch[F]
		err := c.do(ctx, func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+"/api/"+method, strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req, nil
		}, func(r *response) error {
			if r.status != http.StatusOK {
				return c.unexpected(r)
			}
			var a conduitAnswer
			if err := json.Unmarshal(r.body, &a); err != nil {
				return c.malformed(r, err)
			}
			if a.ErrorCode != nil {
				info := ""
				if a.ErrorInfo != nil {
					info = ": " + *a.ErrorInfo
				}
				code := *a.ErrorCode
				if strings.Contains(code, "AUTH") || strings.Contains(code, "SESSION") {
					return fmt.Errorf("%w (%s)", ErrAuth, code)
				}
				return permanent{fmt.Errorf("phabricator: %s: %s%s", method, code, info)}
			}
			res = conduitSearch[F]{}
			if err := json.Unmarshal(a.Result, &res); err != nil || a.Result == nil || string(a.Result) == "null" {
				if err == nil {
					err = errors.New("no result")
				}
				return c.malformed(r, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		page(res)
		if res.Cursor.After == nil || *res.Cursor.After == "" || len(res.Data) == 0 {
			return nil
		}
		after = *res.Cursor.After
	}
}

func (p *phabricator) fetch(ctx context.Context, c *client, ids []string) ([]tasks.Task, error) {
	form := url.Values{}
	asked := make(map[int64]string, len(ids))
	for i, id := range ids {
		n, _ := strconv.ParseInt(id[1:], 10, 64)
		asked[n] = id
		form.Set(fmt.Sprintf("constraints[ids][%d]", i), strconv.FormatInt(n, 10))
	}
	found := make(map[string]tasks.Task, len(ids))
	err := conduit(ctx, c, "maniphest.search", form, func(res conduitSearch[maniphestFields]) {
		for _, d := range res.Data {
			id, ok := asked[d.ID]
			if !ok {
				continue
			}
			f := d.Fields
			t := tasks.Task{ID: id, Status: f.Status.Name, Title: f.Name, URL: c.cfg.URL + "/" + id}
			if t.Status == "" {
				t.Status = f.Status.Value
			}
			if f.OwnerPHID != nil {
				t.Assignee = *f.OwnerPHID
			}
			if f.DateCreated != nil {
				t.Created = time.Unix(*f.DateCreated, 0).UTC()
			}
			state, known := phabricatorStates[f.Status.Value]
			if !known {
				state = tasks.Open
				if f.DateClosed != nil {
					state = tasks.Resolved
				}
			}
			t.State = state
			if t.IsClosed() && f.DateClosed != nil {
				t.Closed = time.Unix(*f.DateClosed, 0).UTC()
			}
			found[id] = t
		}
	})
	if err != nil {
		return nil, err
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

// finish puts user names in place of the owners' PHIDs, with user.search
// in batches; where it fails, the PHID stays.
func (p *phabricator) finish(ctx context.Context, c *client, ts []tasks.Task) {
	var phids []string
	seen := map[string]bool{}
	for _, t := range ts {
		if strings.HasPrefix(t.Assignee, "PHID-USER-") && !seen[t.Assignee] {
			seen[t.Assignee] = true
			phids = append(phids, t.Assignee)
		}
	}
	if len(phids) == 0 {
		return
	}
	names := map[string]string{}
	for _, batch := range chunks(phids, c.cfg.BatchSize) {
		form := url.Values{}
		for i, phid := range batch {
			form.Set(fmt.Sprintf("constraints[phids][%d]", i), phid)
		}
		_ = conduit(ctx, c, "user.search", form, func(res conduitSearch[userFields]) {
			for _, d := range res.Data {
				if d.Fields.Username != "" {
					names[d.PHID] = d.Fields.Username
				}
			}
		})
	}
	for i := range ts {
		if n, ok := names[ts[i].Assignee]; ok {
			ts[i].Assignee = n
		}
	}
}
