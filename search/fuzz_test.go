package search

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"
)

// FuzzSearchRequest feeds any URL query to /api/search's parsing, query
// building and search over a small index: nothing panics, every refusal
// is a *QueryError (a 400 that says why), and a search that runs returns
// no more hits than the page size.
func FuzzSearchRequest(f *testing.F) {
	for _, s := range []string{
		"q=retry", "q=%2Bservices%3Aparsoid+-cause%3Aconfig+timeout", "q=%22connection+pool%22&sort=newest",
		"q=start%3A%3E%222024-01-01%22&since=2024-01-01&until=2025-01-01T00:00:00Z",
		"q=duration%3A%3E60+score%3A%3C2", "q=pars*&size=100&page=100", "q=%2Fre.*x%2F", "q=retry~2",
		"q=svc-0947", "q=((((a)))", "q=%5C", "q=field%3A", "q=a%3Ab%3Ac", "service=ores&service=parsoid&cause=x&site=eqiad",
		"year=2024&facets=0", "page=-1", "size=1000000000000000000000", "since=2024-02-30", "facets=2", "sort=random",
		"q=*", "q=%00", "q=title%3A%E2%80%AEevil",
	} {
		f.Add(s)
	}
	x, err := newMemIndex(testDocs())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { x.Close() })
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // the server answers a malformed query string before us
		}
		r, err := ParseRequest(v)
		var qe *QueryError
		if err != nil {
			if !errors.As(err, &qe) {
				t.Fatalf("ParseRequest(%q): %T %v, not a QueryError", raw, err, err)
			}
			return
		}
		check := r
		if err := check.Normalize(); err == nil {
			if _, _, err := buildQuery(check); err != nil && !errors.As(err, &qe) {
				t.Fatalf("buildQuery(%q): %T %v, not a QueryError", raw, err, err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		res, err := x.Search(ctx, r)
		if err != nil {
			if !errors.As(err, &qe) && ctx.Err() == nil {
				t.Fatalf("Search(%q): %T %v, not a QueryError", raw, err, err)
			}
			return
		}
		if len(res.Hits) > MaxSize || uint64(len(res.Hits)) > res.Total {
			t.Fatalf("Search(%q): %d hits of %d", raw, len(res.Hits), res.Total)
		}
	})
}
