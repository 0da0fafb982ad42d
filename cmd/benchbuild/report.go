package main

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// reportFiles are the report files of a content folder, sorted.
func reportFiles(corpus string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(filepath.Join(corpus, "incidents"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing the reports: %w", err)
	}
	if len(files) < 2 {
		return nil, fmt.Errorf("%d reports in %s, too few to measure", len(files), corpus)
	}
	slices.Sort(files)
	return files, nil
}

// editOrder picks k distinct reports out of n (or, when k > n, cycles
// through all of them), spread over the archive, the same for a seed: the
// report changed in each run of the "one change" case.
func editOrder(n, k int, seed uint64) []int {
	perm := rand.New(rand.NewPCG(seed, 0x62656e63686275)).Perm(n)
	out := make([]int, k)
	for i := range out {
		out[i] = perm[i%n]
	}
	return out
}

// appendSentence returns a report's text with a paragraph added at the
// end of its body, naming the run so that every run's change is new.
func appendSentence(data []byte, run int) []byte {
	out := slices.Clip(data)
	switch {
	case len(out) == 0 || strings.HasSuffix(string(out), "\n\n"):
	case strings.HasSuffix(string(out), "\n"):
		out = append(out, '\n')
	default:
		out = append(out, "\n\n"...)
	}
	return fmt.Appendf(out, "The build benchmark changed this report in run %d, and the page must say so.\n", run)
}

// startLine is a report's start in its front matter, as gencorpus.py
// writes it.
var startLine = regexp.MustCompile(`(?m)^start: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s*$`)

// timeLayout is the layout of the times gencorpus.py writes.
const timeLayout = "2006-01-02 15:04:05"

// reportStart is the start a report's text gives, and false when it has
// none in gencorpus.py's form.
func reportStart(data []byte) (time.Time, bool) {
	m := startLine.FindSubmatch(data)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(timeLayout, string(m[1]))
	return t, err == nil
}

// addedReport is the report that run adds in the "one added" case: a copy
// of data (a report of the archive) as a new report that started at
// start, with an id and times of its own, as a writer adds the report of
// the latest outage. Its id and name end in "bench-added-RUN".
func addedReport(data []byte, start time.Time, run int) ([]byte, string, error) {
	old, ok := reportStart(data)
	if !ok {
		return nil, "", fmt.Errorf("no start: line in the report to copy")
	}
	shift := start.Sub(old)
	id := fmt.Sprintf("%s bench-added-%d", start.Format("2006-01-02"), run)
	var out []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		key, value, found := strings.Cut(line, ": ")
		switch {
		case !found:
		case key == "id":
			line = "id: " + id + "\n"
		case key == "start" || key == "end" || key == "detected":
			if t, err := time.Parse(timeLayout, strings.TrimSpace(value)); err == nil {
				line = key + ": " + t.Add(shift).Format(timeLayout) + "\n"
			}
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "")), id, nil
}

// changedLine matches the end of the build's summary line, such as
// "Built 10000 reports into 25403 pages (397.1 MB, 12 of 36012 files
// changed) in 2.1s → /tmp/public".
var changedLine = regexp.MustCompile(`(?m)^Built .*, (\d+) of (\d+) files changed(?:; \d+ unchanged kept without rendering)?\) in \S+ → `)

// parseChanged reads the files a build changed, and of how many, from
// its standard output.
func parseChanged(out string) (changed, files int, err error) {
	m := changedLine.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("no \"Built ... (A of B files changed)\" line in the build's output:\n%s", tail(out, 2000))
	}
	changed, _ = strconv.Atoi(m[1])
	files, _ = strconv.Atoi(m[2])
	return changed, files, nil
}

// checkChanged fails a case whose build did other work than the case
// names: a build with nothing changed that wrote files, or a build after
// one change that wrote none.
func checkChanged(name string, s sample) error {
	switch {
	case name == caseNoChange && s.changed != 0:
		return fmt.Errorf("%s: the build changed %d of %d files; nothing should have changed", name, s.changed, s.files)
	case name == caseOneAdded && s.changed == 0:
		return fmt.Errorf("%s: the build changed none of %d files after a report was added", name, s.files)
	case name == caseOneChange && s.changed == 0:
		return fmt.Errorf("%s: the build changed none of %d files after a report changed", name, s.files)
	}
	return nil
}

// parseLoadAvg reads the three load averages of /proc/loadavg, such as
// "1.27 1.92 1.29 3/106 22112", as "1.27 1.92 1.29".
func parseLoadAvg(s string) (string, error) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return "", fmt.Errorf("load average %q: want three numbers", s)
	}
	for _, x := range f[:3] {
		if _, err := strconv.ParseFloat(x, 64); err != nil {
			return "", fmt.Errorf("load average %q: %w", s, err)
		}
	}
	return strings.Join(f[:3], " "), nil
}

// spread is the median, minimum and maximum of some values.
type spread struct{ med, min, max float64 }

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return spread{med: med, min: s[0], max: s[n-1]}
}

// summary is one case over its pairs: the medians of the build's and the
// floor's wall time (s), CPU time (s) and peak memory (KiB), and the
// spread of the pairs' build/floor ratios of each.
type summary struct {
	pairs                         int
	buildWall, buildCPU, buildRSS float64
	floorWall, floorCPU, floorRSS float64
	wallRatio, cpuRatio, rssRatio spread
	changedMin, changedMax, files int
}

func summarize(ps []pair) summary {
	var s summary
	s.pairs = len(ps)
	var bw, bc, br, fw, fc, fr, rw, rc, rr []float64
	for i, p := range ps {
		bw, bc, br = append(bw, p.build.wall.Seconds()), append(bc, p.build.cpu.Seconds()), append(br, float64(p.build.rss))
		fw, fc, fr = append(fw, p.floor.wall.Seconds()), append(fc, p.floor.cpu.Seconds()), append(fr, float64(p.floor.rss))
		rw = append(rw, ratio(p.build.wall.Seconds(), p.floor.wall.Seconds()))
		rc = append(rc, ratio(p.build.cpu.Seconds(), p.floor.cpu.Seconds()))
		rr = append(rr, ratio(float64(p.build.rss), float64(p.floor.rss)))
		if i == 0 || p.build.changed < s.changedMin {
			s.changedMin = p.build.changed
		}
		if i == 0 || p.build.changed > s.changedMax {
			s.changedMax = p.build.changed
		}
		s.files = p.build.files
	}
	s.buildWall, s.buildCPU, s.buildRSS = spreadOf(bw).med, spreadOf(bc).med, spreadOf(br).med
	s.floorWall, s.floorCPU, s.floorRSS = spreadOf(fw).med, spreadOf(fc).med, spreadOf(fr).med
	s.wallRatio, s.cpuRatio, s.rssRatio = spreadOf(rw), spreadOf(rc), spreadOf(rr)
	return s
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// secs formats a duration as seconds with two decimals.
func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// mb formats KiB as whole megabytes.
func mb(kib float64) string { return fmt.Sprintf("%.0f MB", kib/1024) }

// times formats a spread of the ratios of n pairs: "1.58×", with
// "(min–max)" when there is more than one pair.
func times(s spread, n int) string {
	if n < 2 {
		return fmt.Sprintf("%.2f×", s.med)
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.med, s.min, s.max)
}

// formatRun is the progress line of one pair.
func formatRun(name string, i, runs int, p pair) string {
	order := "floor first"
	if p.buildFirst {
		order = "build first"
	}
	return fmt.Sprintf("%-10s  pair %d/%d, %s: build %s wall, %s CPU, %s (%d of %d files changed) | floor %s wall, %s CPU, %s | build/floor wall %.2f×, CPU %.2f×",
		name, i, runs, order,
		secs(p.build.wall), secs(p.build.cpu), mb(float64(p.build.rss)), p.build.changed, p.build.files,
		secs(p.floor.wall), secs(p.floor.cpu), mb(float64(p.floor.rss)),
		ratio(p.build.wall.Seconds(), p.floor.wall.Seconds()), ratio(p.build.cpu.Seconds(), p.floor.cpu.Seconds()))
}

// formatSummary is a case's three lines, wall time, CPU time and peak
// memory, each naming the case.
func formatSummary(name string, s summary) []string {
	d := func(x float64) string { return secs(time.Duration(x * float64(time.Second))) }
	changed := fmt.Sprintf("%d", s.changedMin)
	if s.changedMax != s.changedMin {
		changed = fmt.Sprintf("%d–%d", s.changedMin, s.changedMax)
	}
	return []string{
		fmt.Sprintf("%-10s  wall  build %9s  floor %9s  build/floor %s", name, d(s.buildWall), d(s.floorWall), times(s.wallRatio, s.pairs)),
		fmt.Sprintf("%-10s  CPU   build %9s  floor %9s  build/floor %s", name, d(s.buildCPU), d(s.floorCPU), times(s.cpuRatio, s.pairs)),
		fmt.Sprintf("%-10s  RSS   build %9s  floor %9s  build/floor %s", name, mb(s.buildRSS), mb(s.floorRSS), times(s.rssRatio, s.pairs)),
		fmt.Sprintf("%-10s  files changed by the build: %s of %d", name, changed, s.files),
	}
}

// machine is what the last line says about the run.
type machine struct {
	cores              int
	loadStart, loadEnd string
	date               time.Time
	goVersion          string
	incidents          string // "incidents VERSION (GO)"
	n, seed, runs      int
}

func formatMachine(m machine) string {
	return fmt.Sprintf("machine: %d cores; load average %s at start, %s at end; %s; %s, %s; %d reports (gencorpus.py seed %d), %d pair(s) per case",
		m.cores, m.loadStart, m.loadEnd, m.date.Format("2006-01-02 15:04 MST"), m.goVersion, m.incidents, m.n, m.seed, m.runs)
}

// outputSize is what a folder holds: its files, their bytes, and its
// largest HTML page, the figures the build's output is judged by (its
// bytes against the floor's, and no page too large for a browser).
type outputSize struct {
	files       int
	bytes       int64
	largestHTML string // relative path
	largestSize int64
}

// measureOutput walks dir (a build's or the floor's output), leaving out
// hidden entries (a build's spare folder lives beside its output, not in
// it, but a manifest or a lock may be hidden inside).
func measureOutput(dir string) (outputSize, error) {
	var o outputSize
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		o.files++
		o.bytes += info.Size()
		if strings.HasSuffix(path, ".html") && info.Size() > o.largestSize {
			rel, _ := filepath.Rel(dir, path)
			o.largestHTML, o.largestSize = filepath.ToSlash(rel), info.Size()
		}
		return nil
	})
	if err != nil {
		return o, fmt.Errorf("measuring %s: %w", dir, err)
	}
	return o, nil
}

// formatOutput is the line comparing a cold build's output with the
// floor's.
func formatOutput(build, floor outputSize) string {
	return fmt.Sprintf("output      build %.0f MB in %d files, floor %.0f MB in %d files, build/floor %.2f× bytes; largest HTML page %s, %.0f KB",
		float64(build.bytes)/1e6, build.files, float64(floor.bytes)/1e6, floor.files, ratio(float64(build.bytes), float64(floor.bytes)),
		build.largestHTML, float64(build.largestSize)/1e3)
}

// parseCases reads -cases: names from cases, comma-separated, in any
// order; they run in the order of cases.
func parseCases(s string) ([]string, error) {
	want := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(cases, name) {
			return nil, fmt.Errorf("-cases: %q is not one of %s", name, strings.Join(cases, ", "))
		}
		want[name] = true
	}
	var out []string
	for _, name := range cases {
		if want[name] {
			out = append(out, name)
		}
	}
	return out, nil
}
