package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// stressEnv turns on the slow fault and load tests (make stress).
const stressEnv = "INCIDENTS_STRESS"

// commandName is the name under which this test binary is the incidents
// command itself (see TestMain and commandBinary).
const commandName = "incidents"

// TestMain lets the test binary stand in for the command: run under the
// name "incidents" (commandBinary links it so), it runs main instead of
// the tests.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == commandName {
		main() // exits
	}
	os.Exit(m.Run())
}

// commandBinary returns the command to run as a process, for tests that
// must kill it or watch its memory from outside: this test binary, linked
// into a temporary folder under the name TestMain recognises. A go build
// here would cost another link and, as cmd/incidents has a default.pgo,
// another compile of every package it imports, with the profile: nearly
// half of make test's compiling on a fresh clone.
func commandBinary(t testing.TB) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatalf("finding the test binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), commandName)
	if err := os.Symlink(self, bin); err != nil {
		t.Fatalf("linking the test binary as the command: %v", err)
	}
	return bin
}

// tree maps every file under dir (hidden ones included) to a hash of its
// content; folders map to "dir".
func tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameTree describes the first difference between two trees, or "".
// Files named in ignore are not compared.
func sameTree(a, b map[string]string, ignore ...string) string {
	for k, v := range a {
		if slices.Contains(ignore, k) {
			continue
		}
		if b[k] != v {
			return fmt.Sprintf("%s differs", k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return fmt.Sprintf("%s is new", k)
		}
	}
	return ""
}

// TestKilledBuilds kills "incidents build" with SIGKILL at random moments
// while it rebuilds a changed archive. After each kill public/ must be
// byte for byte either the previous site or the complete new one, never a
// mixture; the next build must succeed; and the search index must answer
// for the new content, whether the build reused it or rebuilt it. Three
// kills on 200 reports here; make stress does ten on 400.
func TestKilledBuilds(t *testing.T) {
	kills, reports := 3, 200
	if os.Getenv(stressEnv) != "" {
		kills, reports = 10, 400
	}
	bin := commandBinary(t)
	dir := t.TempDir()
	content := testutil.SyntheticArchive(t, dir, reports, 7)
	public := filepath.Join(dir, "public")
	cache := filepath.Join(dir, ".cache")
	args := []string{"build", "-s", content, "-d", public, "--cache-dir", cache}
	build := func() (string, time.Duration) {
		t.Helper()
		start := time.Now()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("build after a kill: %v\n%s", err, out)
		}
		return string(out), time.Since(start)
	}
	build()
	// Time a rebuild after a change, which is what each killed build does.
	testutil.WriteFiles(t, content, map[string]string{
		"incidents/2030/measure.md": "---\nid: 2030-02-01 measure\ntitle: Measure\nstart: 2030-02-01\n---\nBody.\n",
	})
	_, full := build()
	prev := tree(t, public)
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill times drawn with seed %d", seed)
	rng := rand.New(rand.NewPCG(1, seed))
	// Kill until kills builds have really been killed; a build that
	// finished before its signal still counts as a try, up to four times
	// as many tries as kills.
	var rebuilt, asPrevious, asNew, done int
	for i := 0; done < kills && i < 4*kills; i++ {
		// Change one report and add another, so that the new site differs.
		marker := "killtest" + strconv.Itoa(i)
		testutil.WriteFiles(t, content, map[string]string{
			fmt.Sprintf("incidents/2030/k%02d.md", i): fmt.Sprintf("---\nid: 2030-01-%02d kill %d\ntitle: Kill %d %s\nstart: 2030-01-%02d\nservices: [svc-01]\n---\nBody %s.\n", i+1, i, i, marker, i+1, marker),
		})
		cmd := exec.Command(bin, args...)
		started := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Up to the quickest build of this kind seen so far: later
		// builds reuse more of the last output and caches, so the first
		// one's time would let most of them finish before the signal. A
		// build that finishes first tells how long such a build takes.
		// Some kills still land after the swap, in the index update.
		delay := time.Duration(rng.Int64N(int64(full)))
		var err error
		select {
		case err = <-exited:
			full = max(min(full, time.Since(started)), time.Millisecond)
		case <-time.After(delay):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			err = <-exited
		}
		killed := err != nil
		if killed {
			done++
		}
		after := tree(t, public)
		// Between the kill and the next build, a search answers from the
		// last good index or says to rebuild it; it never crashes.
		between, _ := exec.Command(bin, "search", "--cache-dir", cache, "timed").CombinedOutput()
		if bytes.Contains(between, []byte("panic")) || bytes.Contains(between, []byte("goroutine ")) {
			t.Fatalf("kill %d: search crashed on the index left behind:\n%.3000s", i+1, between)
		}

		out, _ := build()
		next := tree(t, public)
		switch {
		case sameTree(after, prev) == "":
			asPrevious++
		case sameTree(after, next, publish.ManifestName) == "":
			// The killed build finished; the next one wrote the same files
			// into the other folder, whose manifest has other file times.
			asNew++
		default:
			t.Fatalf("kill %d after %v: public/ is neither the previous site (%s) nor the new one (%s)", i+1, delay, sameTree(after, prev), sameTree(after, next, publish.ManifestName))
		}
		if strings.Contains(out, "from scratch") {
			rebuilt++
		}
		outcome := "killed"
		if !killed {
			outcome = "finished first"
		}
		t.Logf("try %d, SIGKILL after %v (%s); the next build: %s", i+1, delay.Round(time.Millisecond), outcome, strings.TrimSpace(strings.ReplaceAll(out, "\n", "; ")))
		found, err := exec.Command(bin, "search", "--cache-dir", cache, marker).CombinedOutput()
		if err != nil || !bytes.Contains(found, []byte(marker)) {
			t.Fatalf("kill %d: the search index does not find the new report: %v\n%s", i+1, err, found)
		}
		prev = next
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		switch e.Name() {
		case "content", "public", ".cache", ".public.spare", ".public.lock":
		default:
			t.Errorf("%s left beside the output", e.Name())
		}
	}
	if done < kills {
		t.Errorf("only %d of the builds were killed before they finished", done)
	}
	t.Logf("%d builds of %d reports killed (a rebuild takes %v), %d more finished before the signal: public/ was then the previous site %d times and the complete new one %d times, never anything else; the search index was rebuilt from scratch %d times",
		done, reports, full.Round(time.Millisecond), asPrevious+asNew-done, asPrevious, asNew, rebuilt)
}
