// Command benchsearch measures the search side of incidents on a synthetic
// archive (../shared/bench/gencorpus.py), against the targets of issue 3:
//
//  1. Cold index build, beside Pagefind on the same report pages. The
//     index step runs alone in a child process (this program re-executed
//     with -index-child: generator.Load, facts.Compute, generator.Documents,
//     search.Update into an empty folder, the calls incidents build
//     makes), so that its wall time, CPU time and peak memory (rusage)
//     are the step's own. It also runs whole-process "incidents build"
//     over a warm site with the index deleted and with it intact, and
//     reports the difference and
//     the index time the build prints. Pagefind (installed with npm into
//     the temporary folder unless -pagefind names a binary) indexes the
//     HTML pages that build wrote. The programs take turns, and the ratio
//     is taken per pair.
//  2. The index step of a rebuild after one report changed: a sentence is
//     appended to one report and incidents build prints the time.
//  3. /api/search under "incidents serve" on loopback: for each query
//     class, three passes one query at a time (the first checks the
//     answers), then -clients goroutines with keep-alive for -duration;
//     count, throughput, latency percentiles and statuses per class.
//  4. The size of the static search index in public/search/, raw and
//     gzipped file by file.
//
// It is run by "make bench-search" and needs ../shared (-shared), python3
// and (for Pagefind) npm. "make test" does not run it; it compiles, and its
// tests run, without them.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type options struct {
	shared, bin                 string
	n, seed, runs, rebuilds     int
	clients                     int
	duration, alone             time.Duration
	pagefind, pfVersion, pfGlob string
	noPagefind, keep            bool
	classes                     string
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == childFlag {
		if err := runChild(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "benchsearch (index step):", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.shared, "shared", "../shared", "the shared folder with bench/gencorpus.py")
	flag.IntVar(&o.n, "n", 10000, "reports in the synthetic archive")
	flag.IntVar(&o.seed, "seed", 1, "corpus seed")
	flag.StringVar(&o.bin, "incidents", "bin/incidents", "the incidents binary")
	flag.IntVar(&o.runs, "runs", 3, "cold index builds of each program")
	flag.IntVar(&o.rebuilds, "rebuilds", 5, "rebuilds after one changed report")
	flag.IntVar(&o.clients, "clients", 16, "concurrent clients of /api/search")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "time per query class with -clients clients (0 skips the query benchmark)")
	flag.DurationVar(&o.alone, "alone", 3*time.Second, "time per query class with one client, before")
	flag.StringVar(&o.pagefind, "pagefind", "", "a Pagefind binary (default: npm install pagefind@VERSION into the temporary folder)")
	flag.StringVar(&o.pfVersion, "pagefind-version", "1.6.0", "Pagefind version to install")
	flag.StringVar(&o.pfGlob, "pagefind-glob", "incidents/*/index.html", "the pages Pagefind indexes (its --glob): the report pages; \"**/*.{html}\" for every page")
	flag.BoolVar(&o.noPagefind, "no-pagefind", false, "skip Pagefind")
	flag.StringVar(&o.classes, "classes", "", "measure only the query classes whose names match this regular expression (\"^term\")")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary folder (corpus, site, indexes)")
	flag.Parse()
	if _, err := regexp.Compile(o.classes); err != nil {
		fmt.Fprintln(os.Stderr, "benchsearch: -classes:", err)
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "benchsearch:", err)
		os.Exit(1)
	}
}

// coldRound is one turn of the cold-build comparison.
type coldRound struct {
	child      proc
	rep        childReport
	pf         proc
	cold, warm proc // whole incidents build: index deleted, index intact
	coldIndex  time.Duration
}

func run(o options) error {
	began := time.Now()
	work, err := os.MkdirTemp("", "incidents-benchsearch-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("working in", work)
	} else {
		defer os.RemoveAll(work)
	}
	var (
		corpus   = filepath.Join(work, "corpus")
		public   = filepath.Join(work, "public")
		cache    = filepath.Join(work, "cache")
		childIdx = filepath.Join(work, "child-index")
		pfOut    = filepath.Join(work, "pagefind-out")
	)
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	fmt.Printf("generating %d reports (seed %d)...\n", o.n, o.seed)
	gen := exec.Command("python3", filepath.Join(o.shared, "bench", "gencorpus.py"), fmt.Sprint(o.n), corpus, "--seed", fmt.Sprint(o.seed))
	gen.Stderr = os.Stderr
	if err := gen.Run(); err != nil {
		return fmt.Errorf("gencorpus: %w", err)
	}
	pf := o.pagefind
	if !o.noPagefind && pf == "" {
		if pf, err = installPagefind(filepath.Join(work, "npm"), o.pfVersion); err != nil {
			return err
		}
	}
	if pf != "" {
		v, err := exec.Command(pf, "--version").Output()
		if err != nil {
			return fmt.Errorf("%s --version: %w", pf, err)
		}
		fmt.Printf("Pagefind: %s (%s)\n", strings.TrimSpace(string(v)), pf)
	}

	build := func() (proc, error) {
		return measure(nil, bin, "build", "--source", corpus, "--dest", public, "--cache-dir", cache)
	}
	// Two builds: the first writes the site and the index, the second
	// settles the output folder, so that later builds rewrite only what
	// changed, as a user's do.
	for i := 0; i < 2; i++ {
		p, err := build()
		if err != nil {
			return err
		}
		fmt.Printf("setup build %d: %s, %d MB\n  %s\n", i+1, p.wall.Round(time.Millisecond), p.rss/1024,
			strings.ReplaceAll(strings.TrimSpace(p.out), "\n", "\n  "))
	}

	// 1. Cold index builds.
	fmt.Printf("\ncold index builds, %d rounds (the order of ours and Pagefind alternates)\n", o.runs)
	var rounds []coldRound
	pfPages := ""
	for i := 0; i < o.runs; i++ {
		var r coldRound
		runChildStep := func() error {
			removeIndex(childIdx)
			p, err := measure(nil, self, childFlag, corpus, childIdx)
			if err != nil {
				return fmt.Errorf("index step: %w", err)
			}
			if err := json.Unmarshal([]byte(p.out), &r.rep); err != nil {
				return fmt.Errorf("index step printed %q: %w", p.out, err)
			}
			if !r.rep.Rebuilt {
				return fmt.Errorf("the index step did not build from scratch")
			}
			r.child = p
			return nil
		}
		runPagefind := func() error {
			if pf == "" {
				return nil
			}
			os.RemoveAll(pfOut)
			p, err := measure(nil, pf, "--site", public, "--glob", o.pfGlob, "--output-path", pfOut)
			if err != nil {
				return fmt.Errorf("pagefind: %w", err)
			}
			if m := regexp.MustCompile(`Indexed (\d+) pages?`).FindStringSubmatch(p.out); m != nil {
				pfPages = m[1]
			}
			r.pf = p
			return nil
		}
		steps := []func() error{runChildStep, runPagefind}
		if i%2 == 1 {
			slices.Reverse(steps)
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		removeIndex(filepath.Join(cache, "search"))
		if r.cold, err = build(); err != nil {
			return err
		}
		what, d, err := indexTime(r.cold.out)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(what, "built from scratch") {
			return fmt.Errorf("the build with no index printed %q", what)
		}
		r.coldIndex = d
		if r.warm, err = build(); err != nil {
			return err
		}
		fmt.Printf("round %d: index step %5.2f s %5.2f s CPU %4d MB (bleve %5.2f s) | Pagefind %5.2f s %5.2f s CPU %4d MB | build, cold index %5.2f s %4d MB (printed %5.2f s), intact %5.2f s %4d MB\n",
			i+1, r.child.wall.Seconds(), r.child.cpu.Seconds(), r.child.rss/1024, r.rep.Update.Seconds(),
			r.pf.wall.Seconds(), r.pf.cpu.Seconds(), r.pf.rss/1024,
			r.cold.wall.Seconds(), r.cold.rss/1024, r.coldIndex.Seconds(), r.warm.wall.Seconds(), r.warm.rss/1024)
		rounds = append(rounds, r)
	}

	// 2. Rebuilds after one changed report.
	fmt.Printf("\nrebuilds after one changed report, %d runs\n", o.rebuilds)
	reports, err := reportFiles(corpus)
	if err != nil {
		return err
	}
	var rebuildIndex, rebuildWall []time.Duration
	for i := 0; i < o.rebuilds; i++ {
		file := reports[(i*len(reports))/max(o.rebuilds, 1)+len(reports)/(2*max(o.rebuilds, 1))]
		if err := appendSentence(file, i); err != nil {
			return err
		}
		p, err := build()
		if err != nil {
			return err
		}
		what, d, err := indexTime(p.out)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(what, "1 indexed, 0 removed") {
			return fmt.Errorf("after changing %s the build printed %q", file, what)
		}
		fmt.Printf("run %d: %s changed: index step %s, whole build %s\n", i+1, filepath.Base(file), d, p.wall.Round(time.Millisecond))
		rebuildIndex, rebuildWall = append(rebuildIndex, d), append(rebuildWall, p.wall)
	}

	// 4. The static index's size.
	staticFiles, staticRaw, staticGz, staticErr := gzipSize(filepath.Join(public, "search"))

	// 3. Queries.
	var results []*classResult
	var serveRSS int64
	var serveLog string
	if o.duration > 0 {
		fmt.Printf("\nqueries: incidents serve, %d clients, %v per class\n", o.clients, o.duration)
		srv, err := startServer(bin, corpus, cache, 5*time.Minute)
		if err != nil {
			return err
		}
		c := newClient(o.clients)
		cls, err := classes(c, srv.base)
		if err != nil {
			srv.stop()
			return err
		}
		only := regexp.MustCompile(o.classes) // checked after the flags were read
		for _, cl := range cls {
			if !only.MatchString(cl.name) {
				continue
			}
			r, err := load(c, srv.base, cl, o.clients, o.alone, o.duration)
			if err != nil {
				srv.stop()
				return err
			}
			fmt.Printf("%-18s 1 client: %5d requests, p99 %6s ms | %d clients: %6d requests, p99 %6s ms, max %6s ms\n",
				cl.name, len(r.one.lat), ms(r.one.pct(0.99)), o.clients, len(r.many.lat), ms(r.many.pct(0.99)), ms(r.many.pct(1)))
			results = append(results, r)
		}
		serveRSS = srv.stop()
		serveLog = srv.stderr.String()
	}

	// The report.
	fmt.Printf("\n== incidents search benchmarks: %d reports, %d CPUs, %s ==\n", o.n, runtime.NumCPU(), time.Now().Format("2006-01-02"))
	fmt.Printf("\nCold index build, %d rounds: min / median / max\n", len(rounds))
	var (
		cw, cc, cr, pw, pc, pr, bw, bc, br, ww, wc, wr, printed, diffW, diffC, ratioW, ratioC, ratioDiff []float64
		loadS, docsS, updateS                                                                            []float64
	)
	for _, r := range rounds {
		cw, cc, cr = append(cw, r.child.wall.Seconds()), append(cc, r.child.cpu.Seconds()), append(cr, float64(r.child.rss))
		pw, pc, pr = append(pw, r.pf.wall.Seconds()), append(pc, r.pf.cpu.Seconds()), append(pr, float64(r.pf.rss))
		bw, bc, br = append(bw, r.cold.wall.Seconds()), append(bc, r.cold.cpu.Seconds()), append(br, float64(r.cold.rss))
		ww, wc, wr = append(ww, r.warm.wall.Seconds()), append(wc, r.warm.cpu.Seconds()), append(wr, float64(r.warm.rss))
		printed = append(printed, r.coldIndex.Seconds())
		diffW, diffC = append(diffW, (r.cold.wall-r.warm.wall).Seconds()), append(diffC, (r.cold.cpu-r.warm.cpu).Seconds())
		loadS, docsS, updateS = append(loadS, r.rep.Load.Seconds()), append(docsS, r.rep.Documents.Seconds()), append(updateS, r.rep.Update.Seconds())
		if pf != "" {
			ratioW = append(ratioW, r.child.wall.Seconds()/r.pf.wall.Seconds())
			ratioC = append(ratioC, r.child.cpu.Seconds()/r.pf.cpu.Seconds())
			ratioDiff = append(ratioDiff, (r.cold.wall-r.warm.wall).Seconds()/r.pf.wall.Seconds())
		}
	}
	row := func(name string, w, c, m []float64) {
		mem := ""
		if m != nil {
			mem = fmtMB(spreadOf(m))
		}
		fmt.Printf("  %-44s %s  %s CPU  %s\n", name, fmtS(spreadOf(w)), fmtS(spreadOf(c)), mem)
	}
	row("incidents index step alone (child process)", cw, cc, cr)
	fmt.Printf("  %-44s load %.2f s, documents %.2f s, bleve %.2f s (medians)\n", "  of which", spreadOf(loadS).med, spreadOf(docsS).med, spreadOf(updateS).med)
	if pf != "" {
		row(fmt.Sprintf("Pagefind (%s pages)", pfPages), pw, pc, pr)
	}
	row("incidents build, index deleted", bw, bc, br)
	row("incidents build, index intact", ww, wc, wr)
	row("difference (deleted - intact)", diffW, diffC, nil)
	fmt.Printf("  %-44s %s\n", "index time printed by the cold build", fmtS(spreadOf(printed)))
	if pf != "" {
		fmt.Printf("  ratio to Pagefind per pair, wall: index step %s; build difference %s; CPU: index step %s\n",
			fmtX(spreadOf(ratioW)), fmtX(spreadOf(ratioDiff)), fmtX(spreadOf(ratioC)))
		fmt.Printf("  target ≤ 0.5× Pagefind's time: %s (median %.2f×)\n", verdict(spreadOf(ratioW).med <= 0.5), spreadOf(ratioW).med)
	}
	peak := spreadOf(cr).max / 1024
	fmt.Printf("  target peak memory < 500 MB: %s (index step at most %.0f MB; whole build at most %.0f MB with the index deleted, %.0f MB with it intact)\n",
		verdict(peak < 500), peak, spreadOf(br).max/1024, spreadOf(wr).max/1024)

	ri := spreadOf(secs(rebuildIndex))
	fmt.Printf("\nRebuild after one changed report, %d runs: min / median / max\n", len(rebuildIndex))
	fmt.Printf("  %-44s %s\n", "index step printed by incidents build", fmtS(ri))
	fmt.Printf("  %-44s %s\n", "whole build", fmtS(spreadOf(secs(rebuildWall))))
	fmt.Printf("  target < 1 s: %s\n", verdict(len(rebuildIndex) > 0 && ri.max < 1))

	if len(results) > 0 {
		fmt.Printf("\n/api/search on loopback, latency in ms until the last byte: one client for %v, then %d clients for %v, per class\n", o.alone, o.clients, o.duration)
		fmt.Printf("  %-17s %-36s %6s | %6s %6s %6s %6s | %6s %5s %6s %6s %6s %7s | %5s %4s %4s %4s %5s\n",
			"class", "first of its queries", "hits", "p50", "p99", "max", "bleve", "count", "q/s", "p50", "p90", "p99", "max", "200", "400", "503", "stop", "other")
		termOK, maxOK := true, true
		for _, r := range results {
			ex := r.example
			if len([]rune(ex)) > 36 {
				ex = string([]rune(ex)[:35]) + "…"
			}
			bleve := "-"
			if len(r.one.took) > 0 {
				bleve = fmt.Sprintf("%.1f", median(r.one.took))
			}
			m := &r.many
			fmt.Printf("  %-17s %-36s %6d | %6s %6s %6s %6s | %6d %5.0f %6s %6s %6s %7s | %5d %4d %4d %4d %5d\n",
				r.name, ex, r.hits, ms(r.one.pct(0.5)), ms(r.one.pct(0.99)), ms(r.one.pct(1)), bleve,
				len(m.lat), m.qps(), ms(m.pct(0.5)), ms(m.pct(0.9)), ms(m.pct(0.99)), ms(m.pct(1)),
				m.status[200], m.status[400], m.status[503], m.status[statusDeadline], m.other())
			if strings.HasPrefix(r.name, "term") && m.pct(0.99) >= 30*time.Millisecond {
				termOK = false
			}
			if m.pct(1) > 250*time.Millisecond {
				maxOK = false
			}
		}
		fmt.Printf("  hits: median total of the class's queries; bleve: median took_ms the API reports (the bleve search alone);\n  503: the queue was full or waited over a second; stop: a 503 for a search stopped at the API's deadline\n")
		fmt.Printf("  targets with %d clients: term classes (facets included) p99 < 30 ms: %s; nothing over 250 ms: %s\n", o.clients, verdict(termOK), verdict(maxOK))
		for _, r := range results {
			for _, s := range slices.Sorted(maps.Keys(r.firstError)) {
				fmt.Printf("  %s: first %s: %s\n", r.name, statusName(s), tail(r.firstError[s], 300))
			}
		}
		fmt.Printf("  incidents serve peak memory (its build included): %d MB\n", serveRSS/1024)
		if lines := strings.Split(strings.TrimSpace(serveLog), "\n"); serveLog != "" {
			fmt.Printf("  incidents serve wrote %d lines to stderr; the first:\n", len(lines))
			for _, l := range lines[:min(len(lines), 10)] {
				fmt.Println("    " + tail(l, 300))
			}
		}
	}

	fmt.Println()
	if staticErr != nil {
		fmt.Printf("Static search index: none (%v)\n", staticErr)
	} else {
		fmt.Printf("Static search index public/search/: %d files, %.2f MB raw, %.2f MB gzip (each file on its own; MB = 10^6 bytes)\n",
			staticFiles, float64(staticRaw)/1e6, float64(staticGz)/1e6)
	}
	fmt.Printf("\nbenchsearch took %s\n", time.Since(began).Round(time.Second))
	return nil
}

// installPagefind installs Pagefind with npm into dir (never into the
// project) and returns the native binary that npm's wrapper would run.
func installPagefind(dir, version string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	fmt.Printf("installing pagefind@%s with npm into the temporary folder...\n", version)
	cmd := exec.Command("npm", "install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "pagefind@"+version)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install pagefind@%s: %w (or give -pagefind BINARY, or -no-pagefind)", version, err)
	}
	// The wrapper (lib/runner) prefers pagefind_extended, then pagefind.
	for _, name := range []string{"pagefind_extended", "pagefind"} {
		m, _ := filepath.Glob(filepath.Join(dir, "node_modules", "@pagefind", "*", "bin", name))
		if len(m) > 0 {
			return m[0], nil
		}
	}
	return "", fmt.Errorf("no Pagefind binary for this platform under %s", dir)
}

// removeIndex removes a bleve index folder and what a build leaves
// beside one.
func removeIndex(dir string) {
	for _, d := range []string{dir, dir + ".new", dir + ".old"} {
		os.RemoveAll(d)
	}
}

func reportFiles(corpus string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(filepath.Join(corpus, "incidents"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no reports in %s", corpus)
	}
	slices.Sort(files)
	return files, err
}

// appendSentence changes a report's text: a new last paragraph.
func appendSentence(file string, i int) error {
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\n\nEdited for the search benchmark (%d): the retry budget was halved after review.\n", i+1)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// gzipSize sums the files under dir, raw and each gzipped on its own (as
// a server compresses them).
func gzipSize(dir string) (files int, raw, gz int64, err error) {
	if _, err := os.Stat(dir); err != nil {
		return 0, 0, 0, err
	}
	var cw countWriter
	zw, _ := gzip.NewWriterLevel(&cw, gzip.DefaultCompression)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		zw.Reset(&cw)
		n, err := io.Copy(zw, f)
		if err != nil {
			return err
		}
		files++
		raw += n
		return zw.Close()
	})
	return files, raw, cw.n, err
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func statusName(s int) string {
	switch s {
	case 0:
		return "transport error"
	case statusDeadline:
		return "status 503 (deadline)"
	}
	return "status " + strconv.Itoa(s)
}
