package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestServeUnderLoad (make stress) runs "incidents serve" on a synthetic
// archive of 1,000 reports and sends it static pages (70%), /api/search
// queries (25%) and costly searches (5%: regular expressions, wildcards,
// fuzzy words, deep pages) from 64 connections at once for 30 seconds
// (INCIDENTS_STRESS_TIME to change it). Every answer must be a 200, or for
// a search the designed 503 of a full queue, or for a costly search the
// designed 400 of a query that would expand to too many words; the server's memory, read from /proc every second,
// must level off rather than grow. It prints the latency percentiles.
func TestServeUnderLoad(t *testing.T) {
	if os.Getenv(stressEnv) == "" {
		t.Skip("a 30-second load test: make stress runs it")
	}
	duration := 30 * time.Second
	if s := os.Getenv("INCIDENTS_STRESS_TIME"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		duration = d
	}
	const clients = 64
	bin := commandBinary(t)
	dir := t.TempDir()
	content := testutil.SyntheticArchive(t, dir, 1000, 11)
	dest := filepath.Join(dir, "public")
	cmd := exec.Command(bin, "serve", "--port", "0", "-s", content, "-d", dest, "--cache-dir", filepath.Join(dir, ".cache"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		if t.Failed() {
			t.Logf("serve's stderr:\n%.5000s", stderr.String())
		}
	}()
	addr := listenAddr(t, stdout)
	go io.Copy(io.Discard, stdout)

	// Every page and asset of the site, and a mix of searches.
	var pages []string
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			rel, _ := filepath.Rel(dest, p)
			pages = append(pages, "/"+strings.TrimSuffix(filepath.ToSlash(rel), "index.html"))
		}
		return nil
	})
	queries := []string{"q=timed", "q=cache+tier", "q=%22load+balancer%22", "q=services%3Asvc-03", "q=retried&sort=newest",
		"q=memory&service=svc-07", "q=pods&page=2&facets=0", "q=data*", "q=replica~1", "", "q=duration%3A%3E60", "q=-deploy+route"}
	// Costly ones, which the API may refuse (400: too many words) or
	// turn away (503) by design.
	costly := []string{"q=%2F.*%2F", "q=*e*", "q=s*+t*+r*+c*", "q=retried~2+balancer~2", "q=%2F[a-z]*o[a-z]*%2F&size=100", "q=*&sort=oldest&page=50&size=100"}

	type sample struct {
		kind    string // static, search or costly
		status  int
		latency time.Duration
		err     error
	}
	results := make([][]sample, clients)
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients},
	}
	rss := []int{readRSS(t, cmd.Process.Pid)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			for {
				select {
				case <-stop:
					return
				default:
				}
				target, kind := pages[rng.IntN(len(pages))], "static"
				switch n := rng.IntN(20); {
				case n == 0:
					target, kind = "/api/search?"+costly[rng.IntN(len(costly))], "costly"
				case n < 6:
					target, kind = "/api/search?"+queries[rng.IntN(len(queries))], "search"
				}
				begun := time.Now()
				resp, err := client.Get("http://" + addr + target)
				s := sample{kind: kind, err: err}
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					s.status, s.err = resp.StatusCode, err
				}
				s.latency = time.Since(begun)
				if s.err != nil {
					s.err = fmt.Errorf("%s: %w", target, s.err)
				}
				results[c] = append(results[c], s)
			}
		}()
	}
	for end := time.Now().Add(duration); time.Now().Before(end); {
		time.Sleep(time.Second)
		rss = append(rss, readRSS(t, cmd.Process.Pid))
	}
	close(stop)
	wg.Wait()

	latencies := map[string][]time.Duration{}
	statuses := map[string]int{}
	var errs []error
	for _, rs := range results {
		for _, s := range rs {
			designed := s.status == http.StatusOK ||
				(s.kind != "static" && s.status == http.StatusServiceUnavailable) ||
				(s.kind == "costly" && s.status == http.StatusBadRequest)
			switch {
			case s.err != nil:
				errs = append(errs, s.err)
			case !designed:
				errs = append(errs, fmt.Errorf("%s answered %d", s.kind, s.status))
			}
			statuses[s.kind+" "+strconv.Itoa(s.status)]++
			if s.status == http.StatusOK {
				latencies[s.kind] = append(latencies[s.kind], s.latency)
			}
		}
	}
	static, search := latencies["static"], latencies["search"]
	if len(errs) > 0 {
		t.Errorf("%d errors, the first: %v", len(errs), errs[0])
	}
	t.Logf("%d clients for %v: %v", clients, duration, statuses)
	t.Logf("static pages: %d, %.0f a second, latency %s", len(static), float64(len(static))/duration.Seconds(), percentiles(static))
	t.Logf("/api/search answered 200: %d, %.0f a second, latency %s", len(search), float64(len(search))/duration.Seconds(), percentiles(search))
	t.Logf("costly searches answered 200: %d, latency %s", len(latencies["costly"]), percentiles(latencies["costly"]))
	t.Logf("serve's resident memory (MB), a sample a second: %v", rss)
	// Steady: the second half of the run needs no more memory than the
	// first half's peak under load, give or take a little for the garbage
	// collector. (The first sample is from before the load, just after the
	// build, whose memory the runtime has not yet handed back.)
	loaded := rss[1:]
	half := len(loaded) / 2
	if first, second := slices.Max(loaded[:half+1]), slices.Max(loaded[half:]); second > first+first/4+16 {
		t.Errorf("memory grew under a steady load: peak %d MB in the first half, %d MB in the second", first, second)
	}
	if len(static) == 0 || len(search) == 0 {
		t.Error("nothing answered")
	}
}

// listenAddr reads serve's output up to the line that says where it
// listens, and returns that address.
func listenAddr(t *testing.T, out io.Reader) string {
	t.Helper()
	serving := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+)/`)
	for lines := bufio.NewScanner(out); lines.Scan(); {
		if m := serving.FindStringSubmatch(lines.Text()); m != nil {
			return m[1]
		}
	}
	t.Fatal("serve did not say where it listens")
	return ""
}

// readRSS is a process's resident memory in MB.
func readRSS(t *testing.T, pid int) int {
	t.Helper()
	return readStatusMB(t, pid, "VmRSS:")
}

// percentiles formats the median, p90, p99 and maximum of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		return ds[min(len(ds)-1, int(q*float64(len(ds))))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %v, p90 %v, p99 %v, max %v", at(0.5), at(0.9), at(0.99), ds[len(ds)-1].Round(10*time.Microsecond))
}

// TestPathologicalMarkdown (make stress): an archive of 1,000 ordinary
// reports with eight 1–4 MB reports whose Markdown goldmark would take
// quadratic time or worse over (unbounded, four such reports ran for 12
// minutes at 1.27 GB before being killed), and two 1 MB reports as dense
// as the limits allow. "incidents check" and "incidents build" each name
// every pathological report, path:line: body:, and exit 1, in bounded time
// and memory; once those reports are removed the build succeeds, the dense
// ones included. It prints each run's wall time and peak resident memory.
func TestPathologicalMarkdown(t *testing.T) {
	if os.Getenv(stressEnv) == "" {
		t.Skip("builds a 1,000-report archive with 20 MB of pathological Markdown: make stress runs it")
	}
	// Generous bounds, for a loaded 2-core machine: the runs take about a
	// tenth of them (see the figures logged).
	const (
		wallBound = 3 * time.Minute
		rssBound  = 1024 // MB
	)
	bin := commandBinary(t)
	dir := t.TempDir()
	content := testutil.SyntheticArchive(t, dir, 1000, 13)
	public := filepath.Join(dir, "public")
	cache := filepath.Join(dir, ".cache")

	shapes := map[string]testutil.Pathological{}
	for _, size := range []int{1 << 20, 2 << 20, 3 << 20, 4_000_000} {
		for _, p := range testutil.PathologicalMarkdown(size) {
			shapes[fmt.Sprintf("%s %d", p.Name, size)] = p
		}
	}
	var bad []string
	files := map[string]string{}
	for i, key := range []string{
		"unclosed links 1048576", "nested lists 2097152", "nested brackets 3145728", "emphasis marks 4000000",
		"unclosed link titles 4000000", "quotes and lists 3145728", "footnotes 2097152", "unclosed links on many lines 4000000",
	} {
		p, ok := shapes[key]
		if !ok {
			t.Fatalf("no shape %q", key)
		}
		name := fmt.Sprintf("incidents/2031/bad%d.md", i)
		files[name] = fmt.Sprintf("---\nid: 2031-01-%02d bad %d\ntitle: %s\nstart: 2031-01-%02d\n---\n%s", i+1, i, p.Name, i+1, p.Body)
		bad = append(bad, name)
	}
	// Dense but within the limits: each renders in about half a second.
	files["incidents/2031/dense-links.md"] = "---\nid: 2031-02-01 dense links\ntitle: Dense links\nstart: 2031-02-01\n---\n" +
		strings.Repeat("[a](https://example.org/) ", 40_000)
	files["incidents/2031/dense-references.md"] = "---\nid: 2031-02-02 dense references\ntitle: Dense references\nstart: 2031-02-02\n---\n" +
		strings.Repeat("[a]: b '\n", 20_000)
	testutil.WriteFiles(t, content, files)

	run := func(want int, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(wallBound):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("incidents %s ran for more than %v", args[0], wallBound)
		}
		wall := time.Since(start)
		rss := int(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss / 1024)
		t.Logf("incidents %s: exit %d in %v, peak resident memory %d MB", args[0], cmd.ProcessState.ExitCode(), wall.Round(100*time.Millisecond), rss)
		if code := cmd.ProcessState.ExitCode(); code != want {
			t.Errorf("incidents %s exited %d, want %d:\n%.5000s", args[0], code, want, out.String())
		}
		if rss > rssBound {
			t.Errorf("incidents %s peaked at %d MB of resident memory, more than %d", args[0], rss, rssBound)
		}
		return out.String()
	}
	for _, args := range [][]string{
		{"check", "-s", content},
		{"build", "-s", content, "-d", public, "--cache-dir", cache},
	} {
		out := run(1, args...)
		for _, name := range bad {
			if n := len(regexp.MustCompile(regexp.QuoteMeta(name)+`:[0-9]+: body: `).FindAllString(out, -1)); n != 1 {
				t.Errorf("incidents %s: %d body errors for %s, want 1", args[0], n, name)
			}
		}
		if strings.Contains(out, "dense-") {
			t.Errorf("incidents %s refused a report within the limits:\n%.5000s", args[0], out)
		}
	}
	for _, name := range bad {
		if err := os.Remove(filepath.Join(content, name)); err != nil {
			t.Fatal(err)
		}
	}
	run(0, "build", "-s", content, "-d", public, "--cache-dir", cache)
	if _, err := os.Stat(filepath.Join(public, "incidents", "2031-02-02-dense-references", "index.html")); err != nil {
		t.Errorf("the dense report was not built: %v", err)
	}
}

// TestServeLargeFileMemory (make stress) serves a synthetic archive of
// 10,000 reports, whose /incidents.json is about 21 MB (33 MB with the
// longer reports of ../shared's corpus), and fetches that file over 64
// connections at once for 20 seconds (INCIDENTS_STRESS_TIME to change
// it). serve runs as a child process so that its resident memory
// is measured alone: the kernel's high-water mark (VmHWM, reset just before
// the load) must stay under 300 MB, with every body whole. A server that
// holds each response in memory needs the file's size per connection, some
// gigabytes; the test stops it once it passes abortRSS rather than let it
// take the machine's memory. It prints the peak, the memory a few seconds
// after the load, and the throughput.
func TestServeLargeFileMemory(t *testing.T) {
	if os.Getenv(stressEnv) == "" {
		t.Skip("a 20-second load test on 10,000 reports: make stress runs it")
	}
	duration := 20 * time.Second
	if s := os.Getenv("INCIDENTS_STRESS_TIME"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		duration = d
	}
	const (
		clients  = 64
		reports  = 10000
		limitMB  = 300
		abortRSS = 1500 // MB: far past the limit, well short of the machine's memory
	)
	bin := commandBinary(t)
	dir := t.TempDir()
	content := testutil.SyntheticArchive(t, dir, reports, 13)
	dest := filepath.Join(dir, "public")
	cmd := exec.Command(bin, "serve", "--port", "0", "-s", content, "-d", dest, "--cache-dir", filepath.Join(dir, ".cache"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		if t.Failed() {
			t.Logf("serve's stderr:\n%.5000s", stderr.String())
		}
	}()
	addr := listenAddr(t, stdout)
	go io.Copy(io.Discard, stdout)
	info, err := os.Stat(filepath.Join(dest, "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	size := info.Size()
	t.Logf("incidents.json: %.1f MB", float64(size)/(1<<20))
	// serve rebuilds once after it starts listening when its first build
	// was skipped as unchanged; here the first build is a real one, so the
	// process settles at once. Give its collector a moment all the same.
	time.Sleep(2 * time.Second)
	before := readRSS(t, pid)
	hwmReset := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil

	client := &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true},
	}
	var (
		mu       sync.Mutex
		whole    int
		received int64
		errs     []error
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		rss      []int
		peak     = before
		abort    bool
		begun    = time.Now()
		target   = "http://" + addr + "/incidents.json"
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(target)
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != http.StatusOK || n != size) {
						err = fmt.Errorf("answered %d with %d of %d bytes", resp.StatusCode, n, size)
					}
				}
				mu.Lock()
				received += n
				if err != nil {
					select {
					case <-stop: // cut short by the end of the test
					default:
						errs = append(errs, err)
					}
				} else {
					whole++
				}
				mu.Unlock()
			}
		}()
	}
	for end := time.Now().Add(duration); time.Now().Before(end); {
		time.Sleep(250 * time.Millisecond)
		m := readRSS(t, pid)
		rss = append(rss, m)
		peak = max(peak, m)
		if m > abortRSS {
			abort = true
			break
		}
	}
	close(stop)
	elapsed := time.Since(begun)
	if abort {
		// Stop the server at once (the clients' requests then fail), after
		// reading its high-water mark: a dead process has none.
		if hwmReset {
			peak = max(peak, readStatusMB(t, pid, "VmHWM:"))
		}
		cmd.Process.Kill()
	}
	wg.Wait()
	if hwmReset && !abort {
		peak = max(peak, readStatusMB(t, pid, "VmHWM:"))
	}
	time.Sleep(5 * time.Second)
	after := -1
	if !abort {
		after = readRSS(t, pid)
	}

	every := max(1, len(rss)/20)
	var shown []int
	for i := 0; i < len(rss); i += every {
		shown = append(shown, rss[i])
	}
	t.Logf("%d clients for %v: %d whole answers, %.1f a second, %.0f MB/s", clients, elapsed.Round(time.Millisecond),
		whole, float64(whole)/elapsed.Seconds(), float64(received)/(1<<20)/elapsed.Seconds())
	t.Logf("serve's resident memory (MB): %d before the load, peak %d (high-water mark reset: %v), %d five seconds after; samples %v",
		before, peak, hwmReset, after, shown)
	switch {
	case abort:
		t.Fatalf("serve's resident memory passed %d MB (the limit is %d MB): stopped it", abortRSS, limitMB)
	case peak >= limitMB:
		t.Errorf("serve's resident memory peaked at %d MB, want under %d MB", peak, limitMB)
	}
	if len(errs) > 0 {
		t.Errorf("%d failed requests, the first: %v", len(errs), errs[0])
	}
	if whole == 0 {
		t.Error("no answer was whole")
	}
}

// readStatusMB is a field of a process's /proc status, in MB.
func readStatusMB(t *testing.T, pid int, field string) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb >> 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
