package main

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The recorded streams in testdata are go test -json of a small module
// written for this test: mixed.json has a passing package with a skipped
// test, a failing table test, a package that does not compile, one
// without tests and a test that panics; timeout.json a test that -timeout
// stopped.
func TestReportGolden(t *testing.T) {
	for _, name := range []string{"mixed", "timeout"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			r := newReporter(&out, start, 30*time.Second, "example.org/sample", 6)
			r.begin("go test -json ./...")
			now := start
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				now = now.Add(time.Second)
				r.line(sc.Bytes(), now)
			}
			r.finish(now, 1)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != string(want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// TestReportKeepsFailures checks the promises the golden files could hide
// in their bulk: a failed test's every line is printed, a passing test's
// log is not, and every failure is named at the end.
func TestReportKeepsFailures(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	start := time.Now()
	r := newReporter(&out, start, 30*time.Second, "example.org/sample", 0)
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > 0 {
			r.line(l, start)
		}
	}
	r.finish(start, 1)
	got := out.String()
	for _, want := range []string{
		"bad_test.go:10: checking 2",        // a failing subtest's log
		"bad_test.go:12: got 2, want 3",     // its error
		"broken.go:3:31: invalid operation", // the compiler's message
		"panic: runtime error: index out of range",
		"panicky_test.go:10",                                               // the panic's stack
		"good TestNeedsHelp: good_test.go:13: set SAMPLE_HELP=1 to run it", // the skip and its reason
		"FAILED: bad TestTable, broken [build failed], panicky TestPanics",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{
		"a log line of a passing test", // good TestAdds passed
		"noise",                        // bad TestPasses passed
		"=== RUN",
	} {
		if strings.Contains(got, unwanted) {
			t.Errorf("output has %q:\n%s", unwanted, got)
		}
	}
}

// TestHeartbeat checks that a silence of the interval gets a line, which
// says what is going on, and a shorter one does not.
func TestHeartbeat(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const pkg = "example.org/m/slow"
	tests := []struct {
		name   string
		events []event
		after  time.Duration // since start, when the heartbeat is checked
		want   string        // "" for no line
	}{
		{"silent start", nil, 31 * time.Second, "[0:31] ...   0 of 3 packages done; compiling\n"},
		{"not yet", nil, 29 * time.Second, ""},
		{
			"a test running",
			[]event{
				{Time: start.Add(10 * time.Second), Action: "start", Package: pkg},
				{Time: start.Add(10 * time.Second), Action: "run", Package: pkg, Test: "TestLong"},
			},
			55 * time.Second,
			"[0:55] ...   0 of 3 packages done; running slow TestLong (45s)\n",
		},
		{
			"a test ended, the package still running",
			[]event{
				{Time: start.Add(time.Second), Action: "start", Package: pkg},
				{Time: start.Add(time.Second), Action: "run", Package: pkg, Test: "TestQuick"},
				{Time: start.Add(2 * time.Second), Action: "pass", Package: pkg, Test: "TestQuick"},
			},
			40 * time.Second,
			"[0:40] ...   0 of 3 packages done; compiling\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := newReporter(&out, start, 30*time.Second, "example.org/m", 3)
			for _, ev := range tt.events {
				r.handle(ev, start) // as if they came at once: no line is printed for them
			}
			r.heartbeat(start.Add(tt.after))
			if got := out.String(); got != tt.want {
				t.Errorf("heartbeat printed %q, want %q", got, tt.want)
			}
			// And the next heartbeat waits a whole interval again.
			out.Reset()
			r.heartbeat(start.Add(tt.after + 29*time.Second))
			if tt.want != "" && out.Len() != 0 {
				t.Errorf("second heartbeat 29 s later printed %q", out.String())
			}
		})
	}
}

// TestRunPassesTheExitStatus runs the program against a stand-in for the
// go command that prints a recorded stream, and checks that the status go
// test exits with is the one testprogress exits with, and that a line
// that is not an event is printed as it is.
func TestRunPassesTheExitStatus(t *testing.T) {
	stream, err := filepath.Abs(filepath.Join("testdata", "mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Fatal("sh is needed for the stand-in go command:", err)
	}
	for _, status := range []int{0, 1, 3} {
		fake := filepath.Join(t.TempDir(), "go")
		script := "#!/bin/sh\n" +
			"[ \"$1\" = list ] && exit 1\n" + // no package count: it is optional
			"echo 'not an event: printed as it is'\n" +
			"cat '" + stream + "'\n" +
			"exit " + string(rune('0'+status)) + "\n"
		if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		got := run(fake, 30*time.Second, []string{"-count=1", "./..."}, &out, &errOut)
		if got != status {
			t.Errorf("go test exited %d, testprogress returned %d", status, got)
		}
		if !strings.Contains(out.String(), "\nnot an event: printed as it is\n") {
			t.Errorf("the line that is not an event is missing:\n%s", out.String())
		}
		if !strings.Contains(out.String(), fake+" test -json -count=1 ./...") {
			t.Errorf("the command is not printed:\n%s", out.String())
		}
	}
}
