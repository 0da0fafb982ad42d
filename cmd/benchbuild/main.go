// Command benchbuild measures "incidents build" of a synthetic archive
// beside the floor program, in five cases:
//
//   - cold: incidents build --cold --no-search-index, with a cache folder
//     of its own that --cold does not read, so every page is rendered;
//   - tasks.json: the same, cold, of a copy of the archive with the
//     tasks.json that "incidents tasks sync --offline" writes for it, so
//     that the difference of the two cases' medians is what reading the
//     tracker's tasks and showing them costs;
//   - one change: one report's body changed (a sentence appended to a
//     different report each run), then incidents build --no-search-index
//     with the cache of the earlier builds, as a writer's rebuild is;
//   - no change: incidents build --no-search-index again, nothing changed;
//   - one added: a report added, the newest of the archive (a copy of one
//     with its own id and times after every other report's; not one the
//     one-change case edits), then the same warm build: what a writer's
//     commonest edit, the report of the latest outage, costs. Detection
//     finds the copy's source as a likely repeat, as it would a real
//     repeat. The archive grows by one report each run.
//
// The floor program (../shared/bench/floor: read, split front matter,
// render Markdown, write) keeps nothing between runs, so it does the same
// full work beside each case. Each case runs in pairs, one floor run and
// one build, alternating which of the two goes first, and each pair gives
// the ratios of wall time, CPU time (user and system) and peak resident
// memory. It prints a line per run as it goes, then for each case the
// medians and the median (and range) of the pairs' ratios, and last the
// machine: cores, load average at the start and the end, date, the Go
// version and the reports measured.
//
// The builds' own "A of B files changed" is checked: a build with nothing
// changed must change no file and a build after one change must change
// some, so that no case measures other work than it names.
//
// It is run by "make bench" and needs ../shared (-shared), with python3,
// for the synthetic archive and the floor program; it compiles, and its
// tests run, without them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"github.com/incidents-archive/incidents/cmd/internal/peakrss"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// config is what the flags set.
type config struct {
	shared string // the folder with bench/gencorpus.py and bench/floor
	bin    string // the incidents binary
	n      int    // reports in the synthetic archive
	runs   int    // pairs of each case
	seed   int    // gencorpus.py's seed
	fresh  bool   // remove the floor's and the cold build's output before each run
	cases  []string
}

func main() {
	var c config
	flag.StringVar(&c.shared, "shared", "../shared", "the shared folder with bench/gencorpus.py and bench/floor")
	flag.IntVar(&c.n, "n", 10000, "reports in the synthetic archive")
	flag.IntVar(&c.runs, "runs", 3, "pairs (floor and build) of each case")
	flag.StringVar(&c.bin, "incidents", "bin/incidents", "the incidents binary")
	flag.IntVar(&c.seed, "seed", 1, "corpus seed")
	flag.BoolVar(&c.fresh, "fresh", false, "remove the floor's and the cold build's output before each of their runs (the warm cases keep theirs)")
	caseList := flag.String("cases", strings.Join(cases, ","), "the cases to run, comma-separated: "+strings.Join(cases, ", "))
	flag.Parse()
	var err error
	if c.cases, err = parseCases(*caseList); err != nil {
		fmt.Fprintln(os.Stderr, "benchbuild:", err)
		os.Exit(2)
	}
	if c.runs < 1 || c.n < 2 {
		fmt.Fprintln(os.Stderr, "benchbuild: -runs must be at least 1 and -n at least 2")
		os.Exit(2)
	}
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchbuild:", err)
		os.Exit(1)
	}
}

// The cases, as every line of the output names them.
const (
	caseCold      = "cold"
	caseOneChange = "one change"
	caseNoChange  = "no change"
	caseTasks     = "tasks.json"
	caseOneAdded  = "one added"
)

var cases = []string{caseCold, caseOneChange, caseNoChange, caseTasks, caseOneAdded}

// legend says what each case and the floor do; printed before the runs.
var legend = []string{
	"cold:       incidents build --cold --no-search-index, its own cache folder (every page rendered, no cache read)",
	"one change: a sentence appended to one report (another each pair), then incidents build --no-search-index with the warm cache",
	"no change:  incidents build --no-search-index again, nothing changed",
	"tasks.json: as cold, of a copy of the archive with the tasks.json of incidents tasks sync --offline",
	"one added:  a new report, the newest, added (another each pair), then incidents build --no-search-index with the warm cache",
	"floor:      full read-parse-render-write every time (it has no cache), the same work beside each case",
}

func run(c config, w io.Writer) error {
	loadStart := loadAverage()
	work, err := os.MkdirTemp("", "incidents-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b, err := prepare(c, work, w)
	if err != nil {
		return err
	}
	for _, l := range legend {
		fmt.Fprintln(w, l)
	}
	if err := b.warmUp(w); err != nil {
		return err
	}
	pairs := map[string][]pair{}
	for i := 0; i < c.runs; i++ {
		for ci, name := range c.cases {
			p, err := b.pair(name, i, (i+ci)%2 == 1)
			if err != nil {
				return fmt.Errorf("%s, pair %d: %w", name, i+1, err)
			}
			pairs[name] = append(pairs[name], p)
			fmt.Fprintln(w, formatRun(name, i+1, c.runs, p))
		}
	}
	fmt.Fprintf(w, "\nmedians of %d pair(s) per case; build/floor is the median of the pairs' ratios (min–max)\n", c.runs)
	for _, name := range c.cases {
		for _, l := range formatSummary(name, summarize(pairs[name])) {
			fmt.Fprintln(w, l)
		}
	}
	if has(c.cases, caseTasks) && has(c.cases, caseCold) {
		with, without := summarize(pairs[caseTasks]), summarize(pairs[caseCold])
		fmt.Fprintf(w, "tasks.json (%d tasks) adds %+.2f s wall and %+.2f s CPU to a cold build (the difference of the two cases' medians)\n",
			b.tasks, with.buildWall-without.buildWall, with.buildCPU-without.buildCPU)
	}
	// The cold build's output, whole, against the floor's (its last runs).
	build, err := measureOutput(b.coldDest)
	if err != nil {
		return err
	}
	floor, err := measureOutput(b.floorOut)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, formatOutput(build, floor))
	fmt.Fprintln(w, formatMachine(machine{
		cores:     runtime.NumCPU(),
		loadStart: loadStart,
		loadEnd:   loadAverage(),
		date:      time.Now().UTC(),
		goVersion: runtime.Version(),
		incidents: b.version,
		n:         len(b.reports),
		seed:      c.seed,
		runs:      c.runs,
	}))
	return nil
}

func has(names []string, name string) bool { return slices.Contains(names, name) }

// bench is a prepared work folder: the archive, the floor program and
// the outputs and caches of each program.
type bench struct {
	c                            config
	corpus, floor, bin           string
	floorOut, coldDest, warmDest string
	tasksCorpus, tasksDest       string    // the copy of the archive with tasks.json, and its output
	tasks                        int       // the tasks in it
	version                      string    // "incidents VERSION (GO)"
	reports                      []string  // the report files, sorted
	edits                        []int     // the report changed before each one-change build
	sources                      []int     // the report copied as each one-added build's new report
	latest                       time.Time // the latest start in the archive, after which reports are added
}

// prepare generates the archive and builds the floor program in work.
func prepare(c config, work string, w io.Writer) (*bench, error) {
	b := &bench{
		c:        c,
		corpus:   filepath.Join(work, "corpus"),
		floor:    filepath.Join(work, "floor"),
		floorOut: filepath.Join(work, "out-floor"),
		coldDest: filepath.Join(work, "cold", "public"),
		warmDest: filepath.Join(work, "warm", "public"),

		tasksCorpus: filepath.Join(work, "corpus-tasks"),
		tasksDest:   filepath.Join(work, "tasks", "public"),
	}
	fmt.Fprintf(w, "generating %d reports (seed %d)...\n", c.n, c.seed)
	gen := exec.Command("python3", filepath.Join(c.shared, "bench", "gencorpus.py"), fmt.Sprint(c.n), b.corpus, "--seed", fmt.Sprint(c.seed))
	gen.Stderr = os.Stderr
	if err := gen.Run(); err != nil {
		return nil, fmt.Errorf("gencorpus: %w", err)
	}
	fb := exec.Command("go", "build", "-o", b.floor, ".")
	fb.Dir = filepath.Join(c.shared, "bench", "floor")
	fb.Stderr = os.Stderr
	if err := fb.Run(); err != nil {
		return nil, fmt.Errorf("building floor: %w", err)
	}
	var err error
	if b.bin, err = filepath.Abs(c.bin); err != nil {
		return nil, err
	}
	v, err := exec.Command(b.bin, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", b.bin, err)
	}
	b.version = strings.TrimSpace(string(v))
	if b.reports, err = reportFiles(b.corpus); err != nil {
		return nil, err
	}
	// Two lists from one order: no report is both edited and copied
	// (while the archive has twice as many reports as runs).
	order := editOrder(len(b.reports), 2*(c.runs+1), uint64(c.seed))
	b.edits, b.sources = order[:c.runs+1], order[c.runs+1:]
	if has(c.cases, caseOneAdded) {
		if b.latest, err = latestStart(b.reports); err != nil {
			return nil, err
		}
	}
	if !has(c.cases, caseTasks) {
		return b, nil
	}
	if err := os.CopyFS(b.tasksCorpus, os.DirFS(b.corpus)); err != nil {
		return nil, fmt.Errorf("copying the archive: %w", err)
	}
	out, err := exec.Command(b.bin, "tasks", "sync", "--offline", "--source", b.tasksCorpus).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("incidents tasks sync --offline: %w\n%s", err, out)
	}
	if _, err := fmt.Sscanf(strings.SplitN(string(out), ": ", 2)[1], "%d tasks", &b.tasks); err != nil {
		return nil, fmt.Errorf("incidents tasks sync --offline said %q: %w", out, err)
	}
	return b, nil
}

// warmUp makes the state the pairs start from: the floor's output; two
// cold builds; for the warm cases, a first build that fills their cache
// and one after a changed report; two of the archive with tasks.json. A build writes the new site into a
// spare copy beside the output and swaps the two; the spare exists from
// a second build on, and the first to use it rewrites every file of it,
// which a writer's later rebuilds do not.
func (b *bench) warmUp(w io.Writer) error {
	type step struct {
		name string
		run  func() (sample, error)
	}
	steps := []step{{"floor", b.floorRun}, {"cold build", b.coldRun}, {"cold build", b.coldRun}}
	if has(b.c.cases, caseOneChange) || has(b.c.cases, caseNoChange) || has(b.c.cases, caseOneAdded) {
		steps = append(steps, step{"first build", b.warmRun}, step{"then one change", func() (sample, error) {
			if err := edit(b.reports[b.edits[0]], 0); err != nil {
				return sample{}, err
			}
			return b.warmRun()
		}})
	}
	if has(b.c.cases, caseTasks) {
		steps = append(steps, step{"cold build with tasks.json", b.tasksRun}, step{"cold build with tasks.json", b.tasksRun})
	}
	var said []string
	for _, st := range steps {
		s, err := st.run()
		if err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
		said = append(said, st.name+" "+secs(s.wall))
	}
	fmt.Fprintf(w, "warm-up: %s\n", strings.Join(said, "; "))
	return nil
}

// pair measures run i of a case: the edit it needs, then the floor and
// the build in the order given, and checks what the build changed.
func (b *bench) pair(name string, i int, buildFirst bool) (pair, error) {
	build := b.warmRun
	switch name {
	case caseCold:
		build = b.coldRun
	case caseTasks:
		build = b.tasksRun
	case caseOneChange:
		if err := edit(b.reports[b.edits[i+1]], i+1); err != nil {
			return pair{}, err
		}
	case caseOneAdded:
		if err := b.add(i + 1); err != nil {
			return pair{}, err
		}
	}
	p := pair{buildFirst: buildFirst}
	for _, isBuild := range []bool{buildFirst, !buildFirst} {
		var err error
		if isBuild {
			p.build, err = build()
		} else {
			p.floor, err = b.floorRun()
		}
		if err != nil {
			return p, err
		}
	}
	return p, checkChanged(name, p.build)
}

func (b *bench) floorRun() (sample, error) {
	if b.c.fresh {
		os.RemoveAll(b.floorOut)
	}
	s, _, err := measure(b.floor, b.corpus, b.floorOut)
	if err != nil {
		return s, fmt.Errorf("floor: %w", err)
	}
	return s, nil
}

func (b *bench) coldRun() (sample, error) {
	if b.c.fresh {
		os.RemoveAll(b.coldDest)
		os.RemoveAll(filepath.Join(filepath.Dir(b.coldDest), ".public.spare"))
	}
	return b.buildRun(b.coldDest, "--cold")
}

func (b *bench) warmRun() (sample, error) { return b.buildRun(b.warmDest) }

// tasksRun is coldRun of the archive with tasks.json.
func (b *bench) tasksRun() (sample, error) {
	if b.c.fresh {
		os.RemoveAll(b.tasksDest)
		os.RemoveAll(filepath.Join(filepath.Dir(b.tasksDest), ".public.spare"))
	}
	return b.buildRunFrom(b.tasksCorpus, b.tasksDest, "--cold")
}

// buildRun runs incidents build into dest, with the cache folder beside
// it, and reads what the build says it changed.
func (b *bench) buildRun(dest string, extra ...string) (sample, error) {
	return b.buildRunFrom(b.corpus, dest, extra...)
}

// buildRunFrom is buildRun of the archive in source.
func (b *bench) buildRunFrom(source, dest string, extra ...string) (sample, error) {
	args := append([]string{"build", "--source", source, "--dest", dest,
		"--cache-dir", filepath.Join(filepath.Dir(dest), "cache"), "--no-search-index"}, extra...)
	s, out, err := measure(b.bin, args...)
	if err != nil {
		return s, err
	}
	s.changed, s.files, err = parseChanged(out)
	return s, err
}

// sample is what one finished process cost, and for a build what it
// said it changed.
type sample struct {
	wall, cpu      time.Duration
	rss            int64 // peak resident memory, KiB
	changed, files int   // the build's "A of B files changed"
}

// pair is one floor run and one build of a case.
type pair struct {
	build, floor sample
	buildFirst   bool
}

// measure runs a program to completion and returns its cost and its
// standard output; its standard error is shown only when it fails.
func measure(name string, args ...string) (sample, string, error) {
	cmd := exec.Command(name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, "", fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, tail(errOut.String(), 2000))
	}
	s := sample{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	s.rss = peakrss.Of(cmd.ProcessState)
	return s, out.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// add writes the report that run adds, a copy of a report the "one
// change" case does not edit (b.sources), which starts a day after the
// latest report did (and after the reports earlier runs added).
func (b *bench) add(run int) error {
	source := b.reports[b.sources[run]]
	data, err := os.ReadFile(source)
	if err != nil {
		return err
	}
	start := b.latest.AddDate(0, 0, run)
	out, _, err := addedReport(data, start, run)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	dir := filepath.Join(b.corpus, "incidents", start.Format("2006"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("bench-added-%d.md", run)), out, 0o644)
}

// latestStart is the latest start of the reports.
func latestStart(files []string) (time.Time, error) {
	var latest time.Time
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return latest, err
		}
		if t, ok := reportStart(data); ok && t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		return latest, fmt.Errorf("no report gives its start as gencorpus.py writes it")
	}
	return latest, nil
}

// edit appends run's sentence to a report file.
func edit(file string, run int) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return os.WriteFile(file, appendSentence(data, run), 0o644)
}

// loadAverage is the 1-, 5- and 15-minute load average, or "unknown"
// where /proc/loadavg cannot be read.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	s, err := parseLoadAvg(string(b))
	if err != nil {
		return "unknown"
	}
	return s
}
