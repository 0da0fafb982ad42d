// Command benchbuild measures a full site build of a synthetic archive
// beside the floor program (read, split front matter, render Markdown,
// write), running the two in turn so that both see the same machine state.
// It prints wall time and peak memory (max RSS) for each run and the
// medians, and the ratio of the two. The build skips the bleve search
// index, which "make bench-search" measures; the site's static search
// index is part of the site and is measured here.
//
// Every build is cold (--cold: the build cache of earlier builds is not
// read, so every page is rendered again; --cache-dir in the work folder,
// so no cache of the working directory is touched), as the floor program,
// which keeps nothing between runs, is. By default both programs write
// over their previous output, as a user's rebuild does; the warm-up run
// creates it. With -fresh both write into an empty
// folder every time, which on slow file systems is dominated by creating
// files and folders. It is run by "make bench" and needs ../shared
// (-shared) and python3; it compiles without them.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared folder with bench/gencorpus.py and bench/floor")
	n := flag.Int("n", 10000, "reports in the synthetic archive")
	runs := flag.Int("runs", 3, "runs of each program")
	bin := flag.String("incidents", "bin/incidents", "the incidents binary")
	seed := flag.Int("seed", 1, "corpus seed")
	fresh := flag.Bool("fresh", false, "remove both outputs before every run")
	flag.Parse()
	if err := run(*shared, *n, *runs, *bin, *seed, *fresh); err != nil {
		fmt.Fprintln(os.Stderr, "benchbuild:", err)
		os.Exit(1)
	}
}

type sample struct {
	wall time.Duration
	rss  int64 // KiB
}

func run(shared string, n, runs int, bin string, seed int, fresh bool) error {
	work, err := os.MkdirTemp("", "incidents-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	corpus := filepath.Join(work, "corpus")
	fmt.Printf("generating %d reports (seed %d)...\n", n, seed)
	gen := exec.Command("python3", filepath.Join(shared, "bench", "gencorpus.py"), fmt.Sprint(n), corpus, "--seed", fmt.Sprint(seed))
	gen.Stderr = os.Stderr
	if err := gen.Run(); err != nil {
		return fmt.Errorf("gencorpus: %w", err)
	}
	floor := filepath.Join(work, "floor")
	fb := exec.Command("go", "build", "-o", floor, ".")
	fb.Dir = filepath.Join(shared, "bench", "floor")
	fb.Stderr = os.Stderr
	if err := fb.Run(); err != nil {
		return fmt.Errorf("building floor: %w", err)
	}
	absBin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	var floorS, buildS []sample
	for i := 0; i < runs+1; i++ {
		out := filepath.Join(work, "out-floor")
		dest := filepath.Join(work, "public")
		if fresh {
			os.RemoveAll(out)
			os.RemoveAll(dest)
			os.RemoveAll(filepath.Join(work, ".public.spare"))
		}
		f, err := measure(floor, corpus, out)
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		b, err := measure(absBin, "build", "--cold", "--source", corpus, "--dest", dest, "--cache-dir", filepath.Join(work, "cache"), "--no-search-index")
		if err != nil {
			return fmt.Errorf("incidents build: %w", err)
		}
		if i == 0 {
			fmt.Printf("warm-up: floor %s, build %s\n", f.wall.Round(time.Millisecond), b.wall.Round(time.Millisecond))
			continue
		}
		fmt.Printf("run %d: floor %6s %4d MB | incidents build %6s %4d MB | ratio %.2f\n", i,
			f.wall.Round(time.Millisecond), f.rss/1024, b.wall.Round(time.Millisecond), b.rss/1024,
			b.wall.Seconds()/f.wall.Seconds())
		floorS, buildS = append(floorS, f), append(buildS, b)
	}
	fm, bm := median(floorS), median(buildS)
	mode := "cold build (--cold) over the previous output"
	if fresh {
		mode = "cold build (--cold) into empty folders"
	}
	fmt.Printf("%s\nmedian (%d reports, %d runs): floor %s / %d MB; incidents build %s / %d MB; build/floor %.2f×\n",
		mode, n, runs, fm.wall.Round(time.Millisecond), fm.rss/1024, bm.wall.Round(time.Millisecond), bm.rss/1024, bm.wall.Seconds()/fm.wall.Seconds())
	return nil
}

func measure(name string, args ...string) (sample, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, err
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return sample{wall: wall, rss: rss}, nil
}

func median(s []sample) sample {
	w := make([]time.Duration, len(s))
	r := make([]int64, len(s))
	for i, x := range s {
		w[i], r[i] = x.wall, x.rss
	}
	sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	sort.Slice(r, func(i, j int) bool { return r[i] < r[j] })
	return sample{wall: w[len(w)/2], rss: r[len(r)/2]}
}
