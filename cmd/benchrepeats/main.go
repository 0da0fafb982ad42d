// Command benchrepeats measures repeat detection on synthetic archives
// against the repeats planted in them: recall@3 (the share of true
// repeats with a true earlier report among their top three candidates),
// the precision of the "likely repeat" class, time and memory. It is run
// by "make bench-repeats". Two styles of archive: "synthetic", written by
// ../shared/bench/gencorpus.py (it needs -shared and python3), whose
// repeats share planted mechanism words, and "real", written by the
// realstyle package here, shaped like real reports (long uneven prose,
// few tags, repeats that share a few sentences, near-misses). -corpus
// measures one archive written beforehand instead.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/cmd/benchrepeats/realstyle"
	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared folder with bench/gencorpus.py")
	sizes := flag.String("n", "2000,10000", "archive sizes, comma-separated")
	seeds := flag.String("seeds", "1,2", "corpus seeds, comma-separated")
	styles := flag.String("style", "synthetic,real", "archive styles to measure, comma-separated: synthetic (gencorpus.py), real (realstyle)")
	corpus := flag.String("corpus", "", "measure this generated archive instead (with truth.json)")
	write := flag.String("write", "", "write the real-style archive of the first -n and -seeds into `dir` (to build or measure it later with -corpus) and exit")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of detection to `file`")
	flag.IntVar(&tune.budget, "budget", 0, "override Config.PostingBudget")
	flag.IntVar(&tune.pool, "pool", 0, "override Config.Pool")
	flag.IntVar(&tune.recent, "recent", 0, "override Config.ServiceRecent")
	flag.IntVar(&tune.terms, "terms", 0, "override Config.KeyTerms")
	flag.Float64Var(&tune.textScale, "textscale", 0, "override Config.TextScale")
	flag.Float64Var(&tune.unknown, "unknown", 0, "override Config.ServiceUnknown")
	flag.Float64Var(&tune.likely, "likely", 0, "override Config.Likely")
	flag.StringVar(memprofile, "memprofile", "", "write an allocation profile of detection to `file`")
	flag.BoolVar(bare, "bare", false, "with -corpus: measure without services (the reports' and the catalogue's), as an archive imported with only titles, dates and bodies")
	flag.BoolVar(calibrate, "calibrate", false, "print, after the figures, the Go source of repeats.Calibrated for them")
	flag.BoolVar(hist, "hist", false, "print the score histogram of true and false candidates, for tuning")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *write != "" {
		n, seed := splitInts(*sizes), splitInts(*seeds)
		if len(n) == 0 || len(seed) == 0 {
			fmt.Fprintln(os.Stderr, "benchrepeats: -write needs -n and -seeds")
			os.Exit(2)
		}
		sum, err := realstyle.Write(*write, n[0], uint64(seed[0]))
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchrepeats:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %+v\n", *write, sum)
		return
	}
	if *corpus != "" {
		if err := measure(*corpus, "", false); err != nil {
			fmt.Fprintln(os.Stderr, "benchrepeats:", err)
			os.Exit(1)
		}
		return
	}
	work, err := os.MkdirTemp("", "incidents-repeats-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(work)
	var ns, ss []int
	for _, f := range splitInts(*sizes) {
		ns = append(ns, f)
	}
	ss = splitInts(*seeds)
	for _, style := range strings.Split(*styles, ",") {
		style = strings.TrimSpace(style)
		if style != "synthetic" && style != "real" {
			fmt.Fprintf(os.Stderr, "benchrepeats: -style %q: want synthetic or real\n", style)
			os.Exit(2)
		}
		for _, seed := range ss {
			for _, n := range ns {
				dir := filepath.Join(work, fmt.Sprintf("%s-%d-%d", style, n, seed))
				started := time.Now()
				if style == "real" {
					if _, err := realstyle.Write(dir, n, uint64(seed)); err != nil {
						fmt.Fprintln(os.Stderr, "benchrepeats:", err)
						os.Exit(1)
					}
				} else {
					gen := exec.Command("python3", filepath.Join(*shared, "bench", "gencorpus.py"), fmt.Sprint(n), dir, "--seed", fmt.Sprint(seed))
					gen.Stderr = os.Stderr
					if err := gen.Run(); err != nil {
						fmt.Fprintln(os.Stderr, "gencorpus:", err)
						os.Exit(1)
					}
				}
				fmt.Printf("style %s, seed %d, written in %v, ", style, seed, time.Since(started).Round(10*time.Millisecond))
				if err := measure(dir, style, style == "real"); err != nil {
					fmt.Fprintln(os.Stderr, "benchrepeats:", err)
					os.Exit(1)
				}
				os.RemoveAll(dir)
			}
		}
	}
	// Pooled over sizes and seeds, style by style: what a class means.
	var names []string
	for name := range totals {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Printf("pooled, style %s: %v\n", name, *totals[name])
	}
	if *calibrate {
		fmt.Print(calibration(ns, ss, names))
	}
}

// calibration is the Go source of repeats.Calibrated for the figures
// measured, to paste into generator/repeats/calibration.go.
func calibration(ns, seeds []int, styles []string) string {
	var b strings.Builder
	cfg := repeats.DefaultConfig()
	fmt.Fprintf(&b, "\n// Measured by make bench-repeats on %s: %d archives per style, of %v reports, seeds %v.\n",
		time.Now().UTC().Format(time.DateOnly), len(ns)*len(seeds), ns, seeds)
	fmt.Fprintf(&b, "var Calibrated = Calibration{\n\tConfig: %q,\n\tMeasured: %q,\n\tSizes: %#v,\n\tSeeds: %#v,\n\tStyles: []StyleCalibration{\n",
		cfg.Fingerprint(), time.Now().UTC().Format(time.DateOnly), ns, seeds)
	for _, name := range styles {
		q := totals[name]
		fmt.Fprintf(&b, "\t\t{Style: %q, Repeats: %d, Likely: %d, LikelyRight: %d, LikelyFound: %d, FoundTop3: %d},\n",
			name, q.repeats, q.likely, q.likelyRight, q.likelyFound, q.found)
	}
	b.WriteString("\t},\n}\n")
	return b.String()
}

func splitInts(s string) []int {
	var out []int
	var cur, digits int
	for _, r := range s + "," {
		if r >= '0' && r <= '9' {
			cur = cur*10 + int(r-'0')
			digits++
			continue
		}
		if digits > 0 {
			out = append(out, cur)
		}
		cur, digits = 0, 0
	}
	return out
}

var tune struct {
	budget, pool, recent, terms int
	textScale, unknown, likely  float64
}

var (
	hist       = new(bool)
	bare       = new(bool)
	calibrate  = new(bool)
	memprofile = new(string)
)

// quality is how detection did against the planted repeats.
type quality struct {
	repeats     int // reports that repeat an earlier one
	found       int // of those, with a true earlier report in the top three
	likely      int // candidates marked likely
	likelyRight int // of those, true
	likelyFound int // repeats with a true earlier report marked likely
}

func (q *quality) add(o quality) {
	q.repeats += o.repeats
	q.found += o.found
	q.likely += o.likely
	q.likelyRight += o.likelyRight
	q.likelyFound += o.likelyFound
}

func ratio(a, b int) float64 { return float64(a) / float64(max(1, b)) }

func (q quality) String() string {
	return fmt.Sprintf("recall@3 %.3f (%d of %d repeats), likely precision %.3f (%d of %d), likely recall %.3f",
		ratio(q.found, q.repeats), q.found, q.repeats, ratio(q.likelyRight, q.likely), q.likelyRight, q.likely,
		ratio(q.likelyFound, q.repeats))
}

// evaluate scores cands, detection's answer for reports, against truth:
// each report's earlier reports that it truly repeats.
func evaluate(reports []repeats.Report, cands [][]repeats.Candidate, truth map[string][]string) quality {
	var q quality
	for i, r := range reports {
		want := truth[r.ID]
		if len(want) > 0 {
			q.repeats++
			for _, c := range cands[i][:min(3, len(cands[i]))] {
				if slices.Contains(want, c.ID) {
					q.found++
					break
				}
			}
			for _, c := range cands[i] {
				if c.Likely && slices.Contains(want, c.ID) {
					q.likelyFound++
					break
				}
			}
		}
		for _, c := range cands[i] {
			if c.Likely {
				q.likely++
				if slices.Contains(want, c.ID) {
					q.likelyRight++
				}
			}
		}
	}
	return q
}

// totals pools the quality of every archive measured, by style, for the
// calibration summary.
var totals = map[string]*quality{}

// load reads a generated archive and its truth, and makes detection's
// input as the analysis stage does, with the configuration the archive's
// site.yaml gives and the command line's overrides.
func load(dir string) ([]repeats.Report, repeats.Config, map[string][]string, error) {
	var truth struct {
		Repeats map[string][]string `json:"repeats"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		return nil, repeats.Config{}, nil, err
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		return nil, repeats.Config{}, nil, err
	}
	arc, diags, err := generator.Load(context.Background(), generator.Config{Source: dir})
	if err != nil {
		return nil, repeats.Config{}, nil, err
	}
	if diags.HasErrors() {
		return nil, repeats.Config{}, nil, fmt.Errorf("the archive has errors: %v", diags.All()[0])
	}
	// Detection's input, the bodies' plain text included, as the analysis
	// stage makes it; the stage's own detection (given empty lists), the
	// bodies' HTML and the trends are skipped.
	f, err := facts.Compute(context.Background(), arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
	if err != nil {
		return nil, repeats.Config{}, nil, err
	}
	cfg := facts.RepeatConfig(arc)
	if tune.budget > 0 {
		cfg.PostingBudget = tune.budget
	}
	if tune.pool > 0 {
		cfg.Pool = tune.pool
	}
	if tune.recent > 0 {
		cfg.ServiceRecent = tune.recent
	}
	if tune.terms > 0 {
		cfg.KeyTerms = tune.terms
	}
	if tune.textScale > 0 {
		cfg.TextScale = tune.textScale
	}
	if tune.unknown > 0 {
		cfg.ServiceUnknown = tune.unknown
	}
	if tune.likely > 0 {
		cfg.Likely = tune.likely
	}
	return f.RepeatInput(), cfg, truth.Repeats, nil
}

// withoutServices is the archive as one imported with only titles, dates
// and bodies: no report names a service and the catalogue is empty.
func withoutServices(reports []repeats.Report, cfg repeats.Config) ([]repeats.Report, repeats.Config) {
	out := slices.Clone(reports)
	for i := range out {
		out[i].Services = nil
	}
	cfg.Catalogue = nil
	return out, cfg
}

// measure measures detection on the archive in dir and prints a line; with
// noServices, also on the same archive without services, as a second line.
func measure(dir, style string, noServices bool) error {
	reports, cfg, truth, err := load(dir)
	if err != nil {
		return err
	}
	if *bare {
		reports, cfg = withoutServices(reports, cfg)
	}
	q := detect(reports, cfg, truth)
	if style != "" {
		if totals[style] == nil {
			totals[style] = &quality{}
		}
		totals[style].add(q)
	}
	if noServices {
		reports, cfg = withoutServices(reports, cfg)
		fmt.Printf("  the same archive without services (as imported with titles, dates and bodies only): ")
		q := detect(reports, cfg, truth)
		if totals[style+", no services"] == nil {
			totals[style+", no services"] = &quality{}
		}
		totals[style+", no services"].add(q)
	}
	return nil
}

// detect runs detection on reports, measuring its time and memory, and
// prints its quality.
func detect(reports []repeats.Report, cfg repeats.Config, truth map[string][]string) quality {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	// The peak of the heap while detection runs, above what the loaded
	// archive already holds.
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > max {
				max = m.HeapInuse
			}
			select {
			case <-stop:
				peak <- max
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	started := time.Now()
	cands := repeats.Detect(reports, cfg)
	elapsed := time.Since(started)
	close(stop)
	detectPeak := (<-peak - before.HeapInuse) >> 20
	if *memprofile != "" {
		if f, err := os.Create(*memprofile); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if *hist {
		histogram(reports, cands, truth)
	}
	q := evaluate(reports, cands, truth)
	fmt.Printf("%d reports: %v, detection %v, heap +%d MB at peak (archive %d MB), %d MB allocated\n",
		len(reports), q, elapsed.Round(time.Millisecond), detectPeak, before.HeapInuse>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
	return q
}

// histogram prints the scores of true and false candidates, and of their
// text signal alone, for tuning.
func histogram(reports []repeats.Report, cands [][]repeats.Candidate, truth map[string][]string) {
	var score, text [2][21]int
	shown := 0
	for i, r := range reports {
		for _, c := range cands[i] {
			ok := 0
			if slices.Contains(truth[r.ID], c.ID) {
				ok = 1
			}
			score[ok][int(c.Score*20)]++
			text[ok][int(c.Why.Text*20)]++
			if ok == 0 && c.Likely && shown < 8 {
				shown++
				fmt.Printf("false: %s -> %s %.3f %+v\n", r.ID, c.ID, c.Score, c.Why)
			}
		}
	}
	for b := 0; b <= 20; b++ {
		fmt.Printf("%.2f: score true %5d false %5d; text true %5d false %5d\n", float64(b)/20, score[1][b], score[0][b], text[1][b], text[0][b])
	}
}
