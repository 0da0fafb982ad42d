package static

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/incidents-archive/incidents/layouts"
)

// jsAnalyzer is the analyzer of layouts/static/search.js, the page's copy
// of the mapping's analyzer, run in Node: one process for the whole test,
// fed one text per line.
type jsAnalyzer struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// jsDriver loads search.js with just enough of a page around it for its
// analyzer (the page part stops at the missing #search element), then
// answers each line, a JSON string, with its terms as a JSON array.
const jsDriver = `"use strict";
const vm = require("vm"), fs = require("fs"), readline = require("readline");
const page = { window: {}, document: { getElementById: () => null }, TextEncoder, TextDecoder };
vm.createContext(page);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), page, { filename: "search.js" });
const stop = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  process.stdout.write(JSON.stringify(page.window.incidentsSearch.analyze(JSON.parse(line), stop)) + "\n");
});
`

// skipEnv is the variable that make test-short sets to skip the tests
// that need a browser, and here Node.
const skipEnv = "INCIDENTS_SKIP_BROWSER"

// startJS starts Node on search.js. Without Node the test fails, naming
// what installs it, unless skipEnv is set: then it returns nil.
func startJS(t testing.TB) *jsAnalyzer {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv(skipEnv) != "" {
			t.Logf("%s is set and Node is missing: search.js is not compared", skipEnv)
			return nil
		}
		t.Fatalf("comparing search.js with the Go analyzer needs Node (make web-deps installs it; %s=1 skips this part): %v", skipEnv, err)
	}
	dir := t.TempDir()
	script, err := layouts.FS.ReadFile("static/search.js")
	if err != nil {
		t.Fatal(err)
	}
	stop, err := StopWords()
	if err != nil {
		t.Fatal(err)
	}
	stopJSON, _ := json.Marshal(stop)
	for name, data := range map[string][]byte{"driver.js": []byte(jsDriver), "search.js": script, "stop.json": stopJSON} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, filepath.Join(dir, "driver.js"), filepath.Join(dir, "search.js"), filepath.Join(dir, "stop.json"))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	return &jsAnalyzer{cmd: cmd, in: in, out: bufio.NewReader(out)}
}

// Analyze returns search.js's terms of text, which must be valid UTF-8.
func (j *jsAnalyzer) Analyze(text string) ([]string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	line, _ := json.Marshal(text)
	if _, err := j.in.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("writing to Node: %w", err)
	}
	answer, err := j.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("reading from Node: %w", err)
	}
	var terms []string
	if err := json.Unmarshal(answer, &terms); err != nil {
		return nil, errors.Join(fmt.Errorf("Node answered %q", answer), err)
	}
	return terms, nil
}
