package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// event is one line of go test -json (see go doc test2json).
type event struct {
	Time        time.Time
	Action      string
	Package     string
	Test        string
	Elapsed     float64 // seconds
	Output      string
	ImportPath  string // build-output and build-fail
	FailedBuild string
}

// outputLine is a line a test (or, with test "", the package) printed.
type outputLine struct {
	test, text string
}

// pkgState is what is known of one package's test run.
type pkgState struct {
	lines []outputLine
	// running holds the top-level tests that started and have not ended,
	// with their start times.
	running map[string]time.Time
	// reported holds the top-level tests whose failure is printed.
	reported map[string]bool
}

// testTime is a top-level test and how long it took.
type testTime struct {
	pkg, test string
	elapsed   time.Duration
}

// reporter turns go test's events into lines for a person. It is not safe
// for concurrent use.
type reporter struct {
	out       io.Writer
	start     time.Time
	lastPrint time.Time
	module    string        // trimmed from package paths, with its slash
	total     int           // packages expected; 0 if unknown
	every     time.Duration // the longest silence

	pkgs     map[string]*pkgState
	buildOut map[string][]string // build output by import path

	pkgOK, pkgFailed, pkgNoTests int
	passed, failed, skipped      int // top-level tests
	slow                         []testTime
	skips                        []string // "pkg Test: reason"
	failures                     []string // "pkg Test"
}

func newReporter(out io.Writer, start time.Time, every time.Duration, module string, total int) *reporter {
	r := &reporter{
		every:     every,
		out:       out,
		start:     start,
		lastPrint: start,
		total:     total,
		pkgs:      map[string]*pkgState{},
		buildOut:  map[string][]string{},
	}
	if module != "" {
		r.module = module + "/"
	}
	return r
}

// begin prints the command about to run.
func (r *reporter) begin(command string) {
	what := "packages"
	if r.total > 0 {
		what = fmt.Sprintf("%d packages", r.total)
	}
	fmt.Fprintf(r.out, "%s\n  (%s; a line as each finishes, and one at least every %s)\n", command, what, r.every)
}

// printf prints one line (or several) stamped with the time since start.
func (r *reporter) printf(now time.Time, format string, args ...any) {
	fmt.Fprintf(r.out, "[%s] %s\n", clock(now.Sub(r.start)), fmt.Sprintf(format, args...))
	r.lastPrint = now
}

// raw prints text as it is, such as a failed test's output.
func (r *reporter) raw(now time.Time, text string) {
	io.WriteString(r.out, text)
	if !strings.HasSuffix(text, "\n") {
		io.WriteString(r.out, "\n")
	}
	r.lastPrint = now
}

// clock formats d as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// short trims the module path off a package path.
func (r *reporter) short(pkg string) string {
	if r.module != "" {
		if s, ok := strings.CutPrefix(pkg, r.module); ok {
			return s
		}
	}
	return pkg
}

func (r *reporter) pkg(path string) *pkgState {
	p := r.pkgs[path]
	if p == nil {
		p = &pkgState{running: map[string]time.Time{}, reported: map[string]bool{}}
		r.pkgs[path] = p
	}
	return p
}

// line handles one line of go test's standard output.
func (r *reporter) line(b []byte, now time.Time) {
	var ev event
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &ev) != nil {
		r.raw(now, string(b)) // not an event: pass it on untouched
		return
	}
	r.handle(ev, now)
}

// handle records one event and prints what a person should see of it.
func (r *reporter) handle(ev event, now time.Time) {
	switch ev.Action {
	case "build-output":
		r.buildOut[ev.ImportPath] = append(r.buildOut[ev.ImportPath], ev.Output)
		return
	case "build-fail":
		name, _, _ := strings.Cut(ev.ImportPath, " ") // "pkg [pkg.test]"
		r.printf(now, "FAIL  build of %s:", r.short(name))
		r.raw(now, strings.Join(r.buildOut[ev.ImportPath], ""))
		return
	}
	if ev.Package == "" {
		return
	}
	p := r.pkg(ev.Package)
	topLevel := ev.Test != "" && !strings.Contains(ev.Test, "/")
	switch ev.Action {
	case "run":
		if topLevel {
			p.running[ev.Test] = ev.Time
		}
	case "output":
		p.lines = append(p.lines, outputLine{ev.Test, ev.Output})
	case "pass", "fail", "skip":
		if ev.Test == "" {
			r.packageDone(ev, p, now)
			return
		}
		if ev.Action == "skip" {
			r.skips = append(r.skips, fmt.Sprintf("%s %s: %s", r.short(ev.Package), ev.Test, skipReason(p.lines, ev.Test)))
		}
		if !topLevel {
			return
		}
		delete(p.running, ev.Test)
		switch ev.Action {
		case "pass":
			r.passed++
		case "skip":
			r.skipped++
		case "fail":
			r.failed++
			r.failures = append(r.failures, r.short(ev.Package)+" "+ev.Test)
			r.printf(now, "--- FAIL  %s %s (%.1fs)", r.short(ev.Package), ev.Test, ev.Elapsed)
			r.raw(now, testOutput(p.lines, func(test string) bool { return within(test, ev.Test) }))
			p.reported[ev.Test] = true
		}
		r.slow = append(r.slow, testTime{r.short(ev.Package), ev.Test, seconds(ev.Elapsed)})
	}
}

// packageDone prints a package's result; for a failure, also the output
// not printed yet: the package's own lines (a panic, a timeout, TestMain)
// and those of tests that never ended.
func (r *reporter) packageDone(ev event, p *pkgState, now time.Time) {
	name := r.short(ev.Package)
	switch {
	case ev.Action == "skip":
		r.pkgNoTests++
		r.printf(now, "--    %s (no test files)", name)
	case ev.Action == "pass":
		r.pkgOK++
		r.printf(now, "ok    %-40s %5.1fs", name, ev.Elapsed)
	default:
		r.pkgFailed++
		if ev.FailedBuild != "" {
			r.printf(now, "FAIL  %s [build failed]", name)
			r.failures = append(r.failures, name+" [build failed]")
			break
		}
		r.printf(now, "FAIL  %-40s %5.1fs", name, ev.Elapsed)
		rest := testOutput(p.lines, func(test string) bool {
			top, _, _ := strings.Cut(test, "/")
			_, unfinished := p.running[top]
			return test == "" || unfinished
		})
		if rest != "" {
			r.raw(now, rest)
		}
		// Tests still running when the binary ended (a timeout, a crash,
		// os.Exit) failed with it.
		unfinished := make([]string, 0, len(p.running))
		for test := range p.running {
			unfinished = append(unfinished, test)
		}
		sort.Strings(unfinished)
		for _, test := range unfinished {
			r.failed++
			r.failures = append(r.failures, name+" "+test+" (did not finish)")
		}
		if len(p.reported) == 0 && len(unfinished) == 0 {
			r.failures = append(r.failures, name)
		}
	}
	delete(r.pkgs, ev.Package)
}

// heartbeat prints a line when r.every has passed since the last one: how
// many packages are done and which tests are running, or that go test is
// still compiling.
func (r *reporter) heartbeat(now time.Time) {
	if now.Sub(r.lastPrint) < r.every {
		return
	}
	done := fmt.Sprintf("%d packages done", r.pkgOK+r.pkgFailed+r.pkgNoTests)
	if r.total > 0 {
		done = fmt.Sprintf("%d of %d packages done", r.pkgOK+r.pkgFailed+r.pkgNoTests, r.total)
	}
	var running []testTime
	for path, p := range r.pkgs {
		for test, started := range p.running {
			running = append(running, testTime{r.short(path), test, now.Sub(started)})
		}
	}
	if len(running) == 0 {
		r.printf(now, "...   %s; compiling", done)
		return
	}
	sort.Slice(running, func(i, j int) bool { return running[i].elapsed > running[j].elapsed })
	var names []string
	for i, t := range running {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(running)-3))
			break
		}
		names = append(names, fmt.Sprintf("%s %s (%s)", t.pkg, t.test, t.elapsed.Round(time.Second)))
	}
	r.printf(now, "...   %s; running %s", done, strings.Join(names, ", "))
}

// finish prints the summary: skipped tests with their reasons, the
// slowest tests, the counts and time, and what failed.
func (r *reporter) finish(now time.Time, code int) {
	if len(r.skips) > 0 {
		r.printf(now, "skipped:")
		for _, s := range r.skips {
			r.raw(now, "  "+s)
		}
	}
	// The five slowest tests of a second or more: where the time goes.
	sort.SliceStable(r.slow, func(i, j int) bool { return r.slow[i].elapsed > r.slow[j].elapsed })
	var names []string
	for _, t := range r.slow[:min(5, len(r.slow))] {
		if t.elapsed >= time.Second {
			names = append(names, fmt.Sprintf("%s %s %.1fs", t.pkg, t.test, t.elapsed.Seconds()))
		}
	}
	if len(names) > 0 {
		r.printf(now, "slowest: %s", strings.Join(names, ", "))
	}
	r.printf(now, "%d packages: %d ok, %d failed, %d without tests; tests: %d passed, %d failed, %d skipped; %s",
		r.pkgOK+r.pkgFailed+r.pkgNoTests, r.pkgOK, r.pkgFailed, r.pkgNoTests,
		r.passed, r.failed, r.skipped, now.Sub(r.start).Round(100*time.Millisecond))
	switch {
	case len(r.failures) > 0:
		r.printf(now, "FAILED: %s", strings.Join(r.failures, ", "))
	case code != 0:
		r.printf(now, "FAILED: go test exited with status %d (see its messages above)", code)
	}
}

// within reports whether test is top or one of its subtests.
func within(test, top string) bool {
	return test == top || strings.HasPrefix(test, top+"/")
}

// testOutput joins the lines of the tests keep selects, leaving out the
// "=== RUN" framing lines and the package's closing FAIL lines, which
// say nothing the reporter's own lines do not.
func testOutput(lines []outputLine, keep func(test string) bool) string {
	var b strings.Builder
	for _, l := range lines {
		if !keep(l.test) || strings.HasPrefix(l.text, "=== ") {
			continue
		}
		if l.test == "" && (l.text == "FAIL\n" || strings.HasPrefix(l.text, "FAIL\t")) {
			continue
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// skipReason is what a skipped test logged, on one line.
func skipReason(lines []outputLine, test string) string {
	var parts []string
	for _, l := range lines {
		if l.test != test {
			continue
		}
		s := strings.TrimSpace(l.text)
		if s == "" || strings.HasPrefix(s, "=== ") || strings.HasPrefix(s, "--- SKIP") {
			continue
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, " ")
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
