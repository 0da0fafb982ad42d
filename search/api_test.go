package search

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, h http.Handler, method, target string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	var body map[string]any
	if method != http.MethodHead {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: not JSON: %q", target, rec.Body.String())
		}
	}
	return rec, body
}

func TestAPI(t *testing.T) {
	api := NewAPI(memIndex(t, testDocs()), APIOptions{})
	tests := []struct {
		name, target string
		status       int
		check        func(t *testing.T, body map[string]any)
	}{
		{"a query with facets", "/api/search?q=retry", 200, func(t *testing.T, body map[string]any) {
			if body["total"] != 2.0 || len(body["hits"].([]any)) != 2 {
				t.Errorf("body = %v", body)
			}
			hit := body["hits"].([]any)[0].(map[string]any)
			if hit["url"] != "/incidents/2024-03-01-parsoid/" || !strings.Contains(hit["snippet"].(string), "<mark>retried</mark>") {
				t.Errorf("hit = %v", hit)
			}
			facets := body["facets"].(map[string]any)
			for _, name := range []string{"services", "causes", "sites", "years"} {
				if _, ok := facets[name]; !ok {
					t.Errorf("no %s facet", name)
				}
			}
		}},
		{"filters and paging", "/api/search?site=eqiad&sort=newest&size=1&page=2", 200, func(t *testing.T, body map[string]any) {
			hits := body["hits"].([]any)
			if body["total"] != 2.0 || len(hits) != 1 || hits[0].(map[string]any)["id"] != "2022-01-05 api" {
				t.Errorf("body = %v", body)
			}
		}},
		{"no hits is not an error", "/api/search?q=kubernetes", 200, func(t *testing.T, body map[string]any) {
			if body["total"] != 0.0 || len(body["hits"].([]any)) != 0 {
				t.Errorf("body = %v", body)
			}
		}},
		{"a later page without facets", "/api/search?q=retry&page=2&size=1&facets=0", 200, func(t *testing.T, body map[string]any) {
			if body["total"] != 2.0 || len(body["hits"].([]any)) != 1 || len(body["facets"].(map[string]any)) != 0 {
				t.Errorf("body = %v", body)
			}
		}},
		{"facets neither 0 nor 1", "/api/search?q=retry&facets=maybe", 400, nil},
		{"malformed query", "/api/search?q=%22unclosed", 400, nil},
		{"unknown field", "/api/search?q=colour:red", 400, nil},
		{"size over the cap", "/api/search?size=1000", 400, nil},
		{"page not a number", "/api/search?page=two", 400, nil},
		{"bad date", "/api/search?since=yesterday", 400, nil},
		{"a date bleve cannot range over", "/api/search?since=0000-01-10", 400, nil},
		{"a date in the query bleve cannot range over", "/api/search?q=start:%3E%220000-01-01%22", 400, nil},
		{"a regular expression bleve cannot compile", "/api/search?q=%2F$0%2F", 400, nil},
		{"fuzzier than bleve allows", "/api/search?q=retry~3", 400, nil},
		{"query over 512 characters", "/api/search?q=" + strings.Repeat("x", 513), 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, body := get(t, api, http.MethodGet, tt.target)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %v", rec.Code, tt.status, body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.status != 200 {
				if msg, _ := body["error"].(string); msg == "" {
					t.Errorf("no error message: %v", body)
				}
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

func TestAPIBoundsARegexpBomb(t *testing.T) {
	api := NewAPI(memIndex(t, manyWords()), APIOptions{})
	rec, body := get(t, api, http.MethodGet, "/api/search?q=/.*/")
	if rec.Code != 400 || !strings.Contains(body["error"].(string), "too many different words") {
		t.Errorf("status %d: %v", rec.Code, body)
	}
}

func TestAPIMethod(t *testing.T) {
	api := NewAPI(memIndex(t, testDocs()), APIOptions{})
	rec, _ := get(t, api, http.MethodPost, "/api/search?q=x")
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %v", rec.Code, rec.Header())
	}
}

func TestAPIBusy(t *testing.T) {
	api := NewAPI(memIndex(t, testDocs()), APIOptions{Concurrent: 1, Queue: 1, QueueWait: 20 * time.Millisecond})
	api.slots <- struct{}{} // one search is running
	rec, body := get(t, api, http.MethodGet, "/api/search?q=retry")
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("saturated: %d %v %v", rec.Code, rec.Header(), body)
	}
	<-api.slots
	if rec, _ := get(t, api, http.MethodGet, "/api/search?q=retry"); rec.Code != 200 {
		t.Errorf("after the slot freed: %d", rec.Code)
	}
}

func TestAPIRecoversFromPanics(t *testing.T) {
	var logged bytes.Buffer
	api := NewAPI(nil, APIOptions{Log: log.New(&logged, "", 0)}) // a nil index panics
	rec, body := get(t, api, http.MethodGet, "/api/search?q=retry")
	if rec.Code != 500 || !strings.Contains(body["error"].(string), "logged") {
		t.Errorf("status %d: %v", rec.Code, body)
	}
	if !strings.Contains(logged.String(), "panic") || !strings.Contains(logged.String(), "goroutine") {
		t.Errorf("no stack logged: %q", logged.String())
	}
}

func TestAPIDeadline(t *testing.T) {
	api := NewAPI(memIndex(t, testDocs()), APIOptions{Deadline: time.Nanosecond})
	rec, body := get(t, api, http.MethodGet, "/api/search?q=retry")
	if rec.Code != 503 || !strings.Contains(body["error"].(string), "took longer") {
		t.Errorf("status %d: %v", rec.Code, body)
	}
}
