package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/incidents-archive/incidents/cmd/internal/peakrss"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// server is a running "incidents serve".
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	stderr *lockedBuffer
	wait   chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingLine = regexp.MustCompile(`^Serving .* on (http://127\.0\.0\.1:\d+)/`)

// startServer starts incidents serve on a free port and waits until it
// says where it listens.
func startServer(bin, corpus, cache string, timeout time.Duration) (*server, error) {
	cmd := exec.Command(bin, "serve", "--port", "0", "--source", corpus, "--cache-dir", cache)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, stderr: &lockedBuffer{}, wait: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Println("  serve:", line)
			if m := servingLine.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { s.wait <- cmd.Wait() }()
	select {
	case s.base = <-found:
		return s, nil
	case err := <-s.wait:
		return nil, fmt.Errorf("incidents serve exited before serving (%v):\n%s", err, tail(s.stderr.String(), 2000))
	case <-time.After(timeout):
		s.stop()
		return nil, fmt.Errorf("incidents serve did not start within %v", timeout)
	}
}

// stop interrupts the server, as Ctrl-C does, and returns its peak
// memory in KiB.
func (s *server) stop() int64 {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.wait:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.wait
	}
	return peakrss.Of(s.cmd.ProcessState)
}

// queryClass is a kind of query, with a few instances of it to rotate
// through so that no one query string is all that is measured.
type queryClass struct {
	name    string
	queries []url.Values
}

func q(query string, kv ...string) url.Values {
	// A page of ten results, as the search page asks for (its pageSize).
	v := url.Values{"q": {query}, "size": {"10"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// apiResponse is the part of /api/search's answer the benchmark reads.
type apiResponse struct {
	Total  int     `json:"total"`
	TookMS float64 `json:"took_ms"`
	Hits   []struct {
		Services []string `json:"services"`
	} `json:"hits"`
	Facets map[string][]struct {
		Term  string `json:"term"`
		Count int    `json:"count"`
	} `json:"facets"`
	Error string `json:"error"`
}

// get sends one search and reads the whole answer; the latency is until
// the last byte. Status 0 is a transport error.
func get(c *http.Client, base string, v url.Values) (status int, body []byte, lat time.Duration, err error) {
	start := time.Now()
	resp, err := c.Get(base + "/api/search?" + v.Encode())
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, body, time.Since(start), err
}

func getJSON(c *http.Client, base string, v url.Values) (int, apiResponse, error) {
	var r apiResponse
	status, body, _, err := get(c, base, v)
	if err == nil {
		err = json.Unmarshal(body, &r)
	}
	return status, r, err
}

// pick returns up to n distinct values from lists, in order, skipping
// those for which skip says so.
func pick(n int, skip func(string) bool, lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if len(out) == n {
				return out
			}
			if !slices.Contains(out, s) && (skip == nil || !skip(s)) {
				out = append(out, s)
			}
		}
	}
	return out
}

// classes are the query kinds measured, with service, cause and site
// names taken from the archive through the API itself: the most frequent
// ones (facets of a match-all query) and those of the newest reports,
// which include the synthetic archive's generic "svc-NNNN" services.
func classes(c *http.Client, base string) ([]queryClass, error) {
	status, all, err := getJSON(c, base, q("", "sort", "newest", "size", "50"))
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("match-all query: status %d, %v %s", status, err, all.Error)
	}
	terms := func(facet string) []string {
		var out []string
		for _, f := range all.Facets[facet] {
			out = append(out, f.Term)
		}
		return out
	}
	var hitServices []string
	for _, h := range all.Hits {
		hitServices = append(hitServices, h.Services...)
	}
	generic := func(s string) bool { return !strings.HasPrefix(s, "svc-") }
	named := func(s string) bool { return strings.HasPrefix(s, "svc-") }
	svcGeneric := pick(3, generic, hitServices)
	svcTop := pick(3, named, terms("services"))
	svcs := append(slices.Clone(svcTop), svcGeneric...)
	causes := pick(3, nil, terms("causes"))
	sites := pick(3, nil, terms("sites"))
	years := pick(2, nil, terms("years"))
	if len(svcTop) == 0 || len(svcGeneric) == 0 || len(causes) == 0 || len(sites) == 0 || len(years) == 0 {
		return nil, fmt.Errorf("the match-all query's facets are missing services, causes, sites or years")
	}
	at := func(l []string, i int) string { return l[i%len(l)] }

	var term, svcTerm, filtered, field []url.Values
	for _, w := range []string{"timeout", "certificate", "replication", "proxy", "quorum", "backlog"} {
		term = append(term, q(w))
	}
	for _, s := range svcs {
		svcTerm = append(svcTerm, q(s))
		field = append(field, q("services:"+s))
	}
	filtered = []url.Values{
		q("timeout", "service", at(svcTop, 0)),
		q("timeout", "service", at(svcGeneric, 0)),
		q("retries", "cause", at(causes, 0)),
		q("proxy", "site", at(sites, 0)),
		q("certificate", "year", at(years, 0)),
		q("replication", "service", at(svcTop, 1), "site", at(sites, 1)),
		q("timeout", "since", "2020-01-01", "sort", "newest"),
		q("memory", "cause", at(causes, 1), "site", at(sites, 2)),
	}
	for _, c := range causes {
		field = append(field, q("causes:"+c))
	}
	field = append(field, q("sites:"+at(sites, 0)), q("trigger:deploy"), q("failure_mode:overload"))
	var matchAll []url.Values
	for p := 1; p <= 5; p++ {
		matchAll = append(matchAll, q("", "sort", "newest", "page", fmt.Sprint(p)))
	}
	list := func(qs ...string) []url.Values {
		var out []url.Values
		for _, s := range qs {
			out = append(out, q(s))
		}
		return out
	}
	return []queryClass{
		{"term: word", term},
		{"term: service", svcTerm},
		{"term + filters", filtered},
		{"two words", list("retry storm", "sidecar proxy", "certificate expired", "replication lag", "memory leak", "disk full")},
		{"phrase", list(`"replication lag"`, `"worker threads"`, `"sidecar proxy"`, `"root cause"`, `"status document"`, `"transit link"`)},
		{"match-all, newest", matchAll},
		{"field", field},
		{"date range", list(`start:>"2020-01-01"`, `start:>"2016-06-01"`, `start:<"2014-01-01"`, `+start:>"2012-01-01" +start:<"2013-01-01"`)},
		{"prefix", list("ab*", "re*", "co*", "st*", "pro*", "ti*")},
		{"infix wildcard", list("*ab*", "*re*", "*ou*", "*ti*", "*ing*")},
		{"regexp", list("/.*ab.*/", "/.*re.*/", "/.*on.*/")},
		// Over 1,024 words in a field: refused with a 400.
		{"too broad", list("/.*/", "/[0-9]+/", "/.*1.*/", "*1*")},
		{"fuzzy", list("retyr~1", "timout~1", "certifcate~1", "replicaton~1", "proxi~1", "quroum~1")},
	}, nil
}

// phase is a class's queries sent by some clients for a while.
type phase struct {
	lat     []time.Duration // every request, sorted
	took    []float64       // took_ms of the answers (when decoded), sorted
	elapsed time.Duration
	status  map[int]int // HTTP status → count; 0 for transport errors
}

// statusDeadline stands for a 503 that says the search ran into the
// API's deadline, told apart from a 503 for a full queue.
const statusDeadline = 1503

func (p *phase) pct(q float64) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(p.lat)))) - 1
	return p.lat[max(i, 0)]
}

func (p *phase) qps() float64 { return float64(len(p.lat)) / p.elapsed.Seconds() }

func (p *phase) other() int {
	n := 0
	for s, c := range p.status {
		if s != 200 && s != 400 && s != 503 && s != statusDeadline {
			n += c
		}
	}
	return n
}

// classResult is one class: one client alone, then many at once.
type classResult struct {
	name, example string
	hits          int // median total of the class's queries
	one, many     phase
	firstError    map[int]string // status → the first such answer
}

// load runs a class: each query once to check it, then one client for
// alone, then clients goroutines for d, all sending the class's queries
// in turn.
func load(c *http.Client, base string, cl queryClass, clients int, alone, d time.Duration) (*classResult, error) {
	r := &classResult{name: cl.name, example: cl.queries[0].Encode(), firstError: map[int]string{}}
	var totals []float64
	for _, v := range cl.queries {
		status, resp, err := getJSON(c, base, v)
		if status == 0 {
			return nil, fmt.Errorf("%s %s: %w", cl.name, v.Encode(), err)
		}
		totals = append(totals, float64(resp.Total))
		if _, seen := r.firstError[status]; status != http.StatusOK && !seen {
			r.firstError[status] = v.Encode() + ": " + resp.Error
		}
	}
	slices.Sort(totals)
	r.hits = int(median(totals))
	r.one = r.run(c, base, cl, 1, alone, true)
	r.many = r.run(c, base, cl, clients, d, false)
	return r, nil
}

func (r *classResult) run(c *http.Client, base string, cl queryClass, clients int, d time.Duration, decode bool) phase {
	p := phase{status: map[int]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for g := 0; g < clients; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var took []float64
			status := map[int]int{}
			errs := map[int]string{}
			for k := g; time.Now().Before(deadline); k++ {
				v := cl.queries[k%len(cl.queries)]
				code, body, l, err := get(c, base, v)
				if code == http.StatusServiceUnavailable && bytes.Contains(body, []byte("took longer")) {
					code = statusDeadline
				}
				lat = append(lat, l)
				status[code]++
				switch {
				case err != nil:
					if _, seen := errs[code]; !seen {
						errs[code] = v.Encode() + ": " + err.Error()
					}
				case code != http.StatusOK:
					if _, seen := errs[code]; !seen {
						errs[code] = v.Encode() + ": " + strings.TrimSpace(string(body))
					}
				case decode:
					var a apiResponse
					if json.Unmarshal(body, &a) == nil {
						took = append(took, a.TookMS)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			p.lat = append(p.lat, lat...)
			p.took = append(p.took, took...)
			for s, n := range status {
				p.status[s] += n
			}
			for s, e := range errs {
				if _, seen := r.firstError[s]; !seen {
					r.firstError[s] = e
				}
			}
		}()
	}
	wg.Wait()
	p.elapsed = time.Since(start)
	slices.Sort(p.lat)
	slices.Sort(p.took)
	return p
}

func newClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        2 * clients,
			MaxIdleConnsPerHost: 2 * clients, // keep-alive for every client
			IdleConnTimeout:     90 * time.Second,
		},
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
}
