// Command benchlive measures the writing loop on a synthetic archive: how
// long "incidents build" takes when nothing changed, cold (--cold: every
// cache ignored) and warm (the build cache in use), and, under "incidents
// serve", how long after a report is saved the browser has the new text:
// from the write until the server's event stream announces the rebuild and
// the page it serves holds the new words. It prints every run, and the
// median and range of each. It is run by "make bench-live" and needs
// ../shared (-shared) and python3 for the synthetic archive, unless
// -corpus names one; it compiles, and its tests run, without them.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared folder with bench/gencorpus.py")
	n := flag.Int("n", 10000, "reports in the synthetic archive")
	runs := flag.Int("runs", 5, "runs of each measurement")
	edits := flag.Int("edits", 10, "saves measured under serve")
	bin := flag.String("incidents", "bin/incidents", "the incidents binary")
	corpus := flag.String("corpus", "", "an archive gencorpus.py made, to use (and edit) instead of generating one")
	noBuild := flag.Bool("serve-only", false, "measure only the saves under serve")
	flag.Parse()
	if err := run(*shared, *corpus, *n, *runs, *edits, *bin, *noBuild); err != nil {
		fmt.Fprintln(os.Stderr, "benchlive:", err)
		os.Exit(1)
	}
}

func run(shared, corpus string, n, runs, edits int, bin string, serveOnly bool) error {
	work, err := os.MkdirTemp("", "incidents-benchlive-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if corpus == "" {
		corpus = filepath.Join(work, "corpus")
		fmt.Printf("generating %d reports...\n", n)
		gen := exec.Command("python3", filepath.Join(shared, "bench", "gencorpus.py"), fmt.Sprint(n), corpus)
		gen.Stderr = os.Stderr
		if err := gen.Run(); err != nil {
			return fmt.Errorf("gencorpus: %w", err)
		}
	}
	absBin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if serveOnly {
		runs = 0
	}
	args := []string{"build", "--source", corpus, "--dest", filepath.Join(work, "public"), "--cache-dir", filepath.Join(work, "cache")}
	if runs > 0 {
		if err := exec.Command(absBin, args...).Run(); err != nil {
			return fmt.Errorf("first build: %w", err)
		}
	}
	var cold, warm []time.Duration
	for i := 0; i < runs; i++ {
		c, err := timed(absBin, append(args, "--cold")...)
		if err != nil {
			return err
		}
		w, err := timed(absBin, args...)
		if err != nil {
			return err
		}
		fmt.Printf("nothing changed, run %d: cold %s, warm %s\n", i+1, c.Round(time.Millisecond), w.Round(time.Millisecond))
		cold, warm = append(cold, c), append(warm, w)
	}
	if runs > 0 {
		fmt.Printf("build with nothing changed (%d reports, search index included, %d runs): cold %s; warm %s\n", n, runs, summary(cold), summary(warm))
	}

	lat, err := serveLatency(absBin, corpus, work, edits)
	if err != nil {
		return err
	}
	fmt.Printf("save to visible under serve (%d reports, %d saves): %s\n", n, len(lat), summary(lat))
	return nil
}

func timed(bin string, args ...string) (time.Duration, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s %s: %w", bin, strings.Join(args, " "), err)
	}
	return time.Since(start), nil
}

// serveLatency starts serve over the corpus and saves one report at a
// time, each with new words, measuring until the page serves them.
func serveLatency(bin, corpus, work string, edits int) ([]time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--port", "0", "--source", corpus, "--cache-dir", filepath.Join(work, "cache"))
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		cancel() // interrupts serve, as Ctrl-C does
		cmd.Wait()
	}()
	lines := bufio.NewScanner(out)
	addr := ""
	for lines.Scan() {
		if m := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		return nil, fmt.Errorf("serve did not start")
	}
	go func() {
		for lines.Scan() {
			if os.Getenv("BENCHLIVE_VERBOSE") != "" {
				fmt.Println("  serve:", lines.Text())
			}
		}
	}()
	states, err := stream(ctx, "http://"+addr+"/_incidents/events")
	if err != nil {
		return nil, err
	}
	gen := (<-states).Generation
	files, err := filepath.Glob(filepath.Join(corpus, "incidents", "*", "*.md"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no reports in %s", corpus)
	}
	sort.Strings(files)
	var out2, rebuilt []time.Duration
	for i := 0; i < edits; i++ {
		file := files[(i*7919)%len(files)]
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		slug := sluggy(data)
		word := fmt.Sprintf("benchliveword%d", i)
		edited := strings.Replace(string(data), "\n## ", "\n"+word+" was added here.\n\n## ", 1)
		start := time.Now()
		if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
			return nil, err
		}
		deadline := time.After(60 * time.Second)
		for seen := false; !seen; {
			select {
			case st := <-states:
				if st.Generation <= gen {
					continue
				}
				gen = st.Generation
				if body, err := get("http://" + addr + "/incidents/" + slug + "/"); err == nil && strings.Contains(body, word) {
					seen = true
				}
			case <-deadline:
				return nil, fmt.Errorf("edit %d of %s never became visible", i, file)
			}
		}
		d := time.Since(start)
		out2 = append(out2, d)
		// Let serve finish whatever it still does after the page is
		// visible (the rest of the site), as a writer pauses between saves.
		whole := settle(ctx, states, &gen, start)
		fmt.Printf("save %d (%s): visible after %s, the whole site rebuilt after %s\n", i+1, filepath.Base(file), d.Round(time.Millisecond), whole.Round(time.Millisecond))
		rebuilt = append(rebuilt, whole)
	}
	fmt.Printf("the whole site rebuilt behind the previews: %s\n", summary(rebuilt))
	return out2, nil
}

// settle waits for the whole rebuild that follows a preview (the first
// generation that is not a preview), then until nothing arrives for a
// second, and returns how long after start the rebuild was done.
func settle(ctx context.Context, states <-chan state, gen *int, start time.Time) time.Duration {
	wait := 120 * time.Second
	var done time.Duration
	for {
		select {
		case st := <-states:
			if st.Generation > *gen {
				*gen = st.Generation
				if done == 0 && !st.Preview {
					done = time.Since(start)
					wait = time.Second
				}
			}
		case <-time.After(wait):
			return done
		case <-ctx.Done():
			return done
		}
	}
}

var idLine = regexp.MustCompile(`(?m)^id: (.+)$`)

// sluggy is the permalink slug of a generated report's id.
func sluggy(data []byte) string {
	m := idLine.FindSubmatch(data)
	if m == nil {
		return ""
	}
	id := strings.Trim(string(m[1]), `"' `)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(id) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

type state struct {
	Generation int               `json:"generation"`
	Problems   []json.RawMessage `json:"problems"`
	Preview    bool              `json:"preview"`
}

func stream(ctx context.Context, url string) (<-chan state, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	out := make(chan state, 64)
	go func() {
		defer resp.Body.Close()
		lines := bufio.NewScanner(resp.Body)
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				var st state
				if json.Unmarshal([]byte(data), &st) == nil {
					out <- st
				}
			}
		}
	}()
	return out, nil
}

func get(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// summary is "median (min–max)".
func summary(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no runs"
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	r := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	return fmt.Sprintf("median %s (%s–%s)", r(s[len(s)/2]), r(s[0]), r(s[len(s)-1]))
}
