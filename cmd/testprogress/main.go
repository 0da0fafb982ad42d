// Command testprogress runs "go test -json" and shows its progress to a
// person: a line for each package as it finishes, a line whenever 30
// seconds pass without one (still compiling, or which test is running and
// for how long), the complete output of every failed test as soon as it
// fails, and at the end a summary: the counts, every skipped test with its
// reason, the slowest tests and the time taken. It exits with go test's
// status. "make test" and "make test-short" run it:
//
//	go run ./cmd/testprogress [-go go] [-every 30s] -- [go test flags] [packages]
//
// Packages are the arguments that do not start with "-"; give go test's
// flags in the -name=value form so that their values are not taken for
// packages (testprogress only uses the packages to count them).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"time"
)

func main() {
	goCmd := flag.String("go", "go", "the go command")
	every := flag.Duration("every", 30*time.Second, "print a line when this long passes without one")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: testprogress [-go go] [-every 30s] -- [go test flags] [packages]")
		flag.PrintDefaults()
	}
	flag.Parse()
	os.Exit(run(*goCmd, *every, flag.Args(), os.Stdout, os.Stderr))
}

// run runs go test with -json and the given arguments, reports on out and
// returns the exit status to use.
func run(goCmd string, every time.Duration, args []string, out, errOut io.Writer) int {
	// A Ctrl-C reaches go test too (the same process group); stay alive to
	// print what it reports while it stops, then exit with its status.
	signal.Ignore(os.Interrupt)

	var patterns []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			patterns = append(patterns, a)
		}
	}
	pkgs, module := listPackages(goCmd, patterns)

	testArgs := append([]string{"test", "-json"}, args...)
	cmd := exec.Command(goCmd, testArgs...)
	cmd.Stderr = errOut // build errors outside any package, go list errors
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(errOut, "testprogress:", err)
		return 1
	}
	start := time.Now()
	r := newReporter(out, start, every, module, len(pkgs))
	r.begin(goCmd + " " + strings.Join(testArgs, " "))
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(errOut, "testprogress:", err)
		return 1
	}

	var mu sync.Mutex // r is fed by the reading loop and the heartbeat
	stop := make(chan struct{})
	tickerDone := make(chan struct{})
	go func() {
		defer close(tickerDone)
		// A quarter-second tick keeps the silence within a quarter of a
		// second of the promised interval.
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				mu.Lock()
				r.heartbeat(now)
				mu.Unlock()
			}
		}
	}()

	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024) // one line of output may be long
	for sc.Scan() {
		mu.Lock()
		r.line(sc.Bytes(), time.Now())
		mu.Unlock()
	}
	close(stop)
	<-tickerDone
	readErr := sc.Err()
	waitErr := cmd.Wait()

	code := 0
	if waitErr != nil {
		code = 1
		if ee, ok := waitErr.(*exec.ExitError); ok && ee.ExitCode() > 0 {
			code = ee.ExitCode()
		}
	}
	if readErr != nil {
		fmt.Fprintln(errOut, "testprogress: reading go test's output:", readErr)
		code = max(code, 1)
	}
	r.finish(time.Now(), code)
	return code
}

// listPackages returns the packages the patterns name and their module's
// path, or nothing if go list fails: the count is only for the progress
// lines, and go test reports the error itself.
func listPackages(goCmd string, patterns []string) (pkgs []string, module string) {
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}} {{with .Module}}{{.Path}}{{end}}"}, patterns...)
	b, err := exec.Command(goCmd, args...).Output()
	if err != nil {
		return nil, ""
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		path, mod, _ := strings.Cut(l, " ")
		if path != "" {
			pkgs = append(pkgs, path)
		}
		if module == "" {
			module = mod
		}
	}
	return pkgs, module
}
