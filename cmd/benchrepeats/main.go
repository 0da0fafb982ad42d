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
		if err := measure(*corpus); err != nil {
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
				if err := measure(dir); err != nil {
					fmt.Fprintln(os.Stderr, "benchrepeats:", err)
					os.Exit(1)
				}
				os.RemoveAll(dir)
			}
		}
	}
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
	memprofile = new(string)
)

func measure(dir string) error {
	var truth struct {
		Repeats map[string][]string `json:"repeats"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		return err
	}
	arc, diags, err := generator.Load(context.Background(), generator.Config{Source: dir})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("the archive has errors: %v", diags.All()[0])
	}
	// Detection's input, the bodies' plain text included, as the analysis
	// stage makes it; the stage's own detection (given empty lists), the
	// bodies' HTML and the trends are skipped, and what is left of the
	// stage is dropped before measuring.
	f, err := facts.Compute(context.Background(), arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
	if err != nil {
		return err
	}
	reports := f.RepeatInput()
	f = nil
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
	cfg := facts.RepeatConfig(arc)
	if *bare {
		cfg.Catalogue = nil
		for i := range reports {
			reports[i].Services = nil
		}
	}
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
	cands := repeats.Detect(reports, cfg)
	elapsed := time.Since(started)
	close(stop)
	detectPeak := (<-peak - before.HeapInuse) >> 20
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			return err
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	var trueRepeats, found, likely, likelyRight, likelyFound int
	for i, r := range reports {
		want := truth.Repeats[r.ID]
		if len(want) > 0 {
			trueRepeats++
			for _, c := range cands[i][:min(3, len(cands[i]))] {
				if slices.Contains(want, c.ID) {
					found++
					break
				}
			}
			for _, c := range cands[i] {
				if c.Likely && slices.Contains(want, c.ID) {
					likelyFound++
					break
				}
			}
		}
		for _, c := range cands[i] {
			if c.Likely {
				likely++
				if slices.Contains(want, c.ID) {
					likelyRight++
				}
			}
		}
	}
	if *hist {
		var hist [2][21]int
		shown := 0
		for i, r := range reports {
			for _, c := range cands[i] {
				ok := 0
				if slices.Contains(truth.Repeats[r.ID], c.ID) {
					ok = 1
				}
				hist[ok][int(c.Score*20)]++
				if ok == 0 && c.Likely && shown < 8 {
					shown++
					fmt.Printf("false: %s -> %s %.3f %+v\n", r.ID, c.ID, c.Score, c.Why)
				}
			}
		}
		for b := 0; b <= 20; b++ {
			fmt.Printf("score %.2f: true %5d false %5d\n", float64(b)/20, hist[1][b], hist[0][b])
		}
		// The text signal alone, for every candidate kept.
		var th [2][21]int
		for i, r := range reports {
			for _, c := range cands[i] {
				ok := 0
				if slices.Contains(truth.Repeats[r.ID], c.ID) {
					ok = 1
				}
				th[ok][int(c.Why.Text*20)]++
			}
		}
		for b := 0; b <= 20; b++ {
			fmt.Printf("text %.2f: true %5d false %5d\n", float64(b)/20, th[1][b], th[0][b])
		}
	}
	fmt.Printf("%d reports: recall@3 %.3f (%d of %d repeats), likely precision %.3f (%d of %d), likely recall %.3f, detection %v, heap +%d MB at peak (archive %d MB), %d MB allocated\n",
		len(reports), float64(found)/float64(max(1, trueRepeats)), found, trueRepeats,
		float64(likelyRight)/float64(max(1, likely)), likelyRight, likely,
		float64(likelyFound)/float64(max(1, trueRepeats)), elapsed.Round(time.Millisecond),
		detectPeak, before.HeapInuse>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
	return nil
}
