package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// The CI examples under docs/examples (see docs/deploy.md) run incidents
// in shell scripts. These tests keep them in step with the command line:
// every incidents command they run must name a command that exists, use
// only flags that command has (by its own flag set, and as its --help
// shows them), with values it accepts, and run in-process on a small
// archive without a usage error.

const examplesDir = "../../docs/examples"

// scriptKeys are the keys whose values are shell scripts: GitHub Actions'
// run, GitLab CI's script, before_script and after_script.
var scriptKeys = map[string]bool{"run": true, "script": true, "before_script": true, "after_script": true}

// exampleScript is one script of an example file, and where it starts.
type exampleScript struct {
	file string
	line int // of the script's first line
	text string
}

// exampleScripts parses the YAML file at p and returns its scripts.
func exampleScripts(p string) ([]exampleScript, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	var out []exampleScript
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if scriptKeys[k.Value] {
					switch v.Kind {
					case yaml.ScalarNode:
						out = append(out, exampleScript{p, firstLine(v), v.Value})
					case yaml.SequenceNode:
						for _, line := range v.Content {
							out = append(out, exampleScript{p, firstLine(line), line.Value})
						}
					}
					continue
				}
				walk(v)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return out, nil
}

// firstLine is the line of the file where the text of n begins: a block
// scalar (run: |) begins on the line after its indicator.
func firstLine(n *yaml.Node) int {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line + 1
	}
	return n.Line
}

// shellWord is a word of a shell script as the shell would see it before
// expansion: its text without quotes, and whether any part of it is an
// expansion ($VAR, ${...}, $(...), `...`), whose value the test cannot
// know.
type shellWord struct {
	text     string
	expanded bool
	operator bool // a control or redirection operator, not a word
	line     int  // 0-based, in the script
}

// shellWords splits a script into words and operators, as far as the
// examples need: quotes, backslashes, line continuations, comments,
// expansions with nested parentheses, and the operators that end a
// command (newline, ;, &, |, &&, ||, parentheses) or redirect (<, >).
func shellWords(script string) []shellWord {
	var out []shellWord
	var cur strings.Builder
	inWord, expanded := false, false
	line := 0
	flush := func() {
		if inWord {
			out = append(out, shellWord{text: cur.String(), expanded: expanded, line: line})
		}
		cur.Reset()
		inWord, expanded = false, false
	}
	rs := []rune(script)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			i++
			if rs[i] != '\n' {
				cur.WriteRune(rs[i])
				inWord = true
			} else {
				flush()
				line++
			}
		case r == '\'':
			inWord = true
			for i++; i < len(rs) && rs[i] != '\''; i++ {
				cur.WriteRune(rs[i])
			}
		case r == '"':
			inWord = true
			for i++; i < len(rs) && rs[i] != '"'; i++ {
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
				} else if rs[i] == '$' || rs[i] == '`' {
					expanded = true
				}
				cur.WriteRune(rs[i])
			}
		case r == '$' || r == '`':
			inWord, expanded = true, true
			cur.WriteRune(r)
			if i+1 < len(rs) && (rs[i+1] == '(' || rs[i+1] == '{') {
				open, close := rs[i+1], map[rune]rune{'(': ')', '{': '}'}[rs[i+1]]
				depth := 0
				for i++; i < len(rs); i++ {
					cur.WriteRune(rs[i])
					if rs[i] == open {
						depth++
					} else if rs[i] == close {
						if depth--; depth == 0 {
							break
						}
					}
				}
			}
		case r == '#' && !inWord:
			for i+1 < len(rs) && rs[i+1] != '\n' {
				i++
			}
		case r == ' ' || r == '\t':
			flush()
		case strings.ContainsRune("\n;&|()<>", r):
			if r == '>' && inWord && isDigits(cur.String()) {
				cur.Reset() // 2> and the like: the number is the redirection's
				inWord = false
			}
			flush()
			op := string(r)
			if i+1 < len(rs) && strings.ContainsRune("&|>", rs[i+1]) && rs[i+1] == r {
				op += string(rs[i+1])
				i++
			}
			out = append(out, shellWord{text: op, operator: true, line: line})
			if r == '\n' {
				line++
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return out
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// incidentsCommands returns the incidents commands a script runs, each
// from the program's name on.
func incidentsCommands(script string) [][]shellWord {
	var out [][]shellWord
	words := shellWords(script)
	start := true // at the position of a command name
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w.operator && (w.text == "<" || w.text == ">" || w.text == ">>"):
			i++ // the redirection's file
		case w.operator:
			start = true
		case !start:
		case slices.Contains([]string{"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "command", "exec"}, w.text) && !w.expanded:
		case isAssignment(w.text):
		case w.text == "xargs":
			for i+1 < len(words) && strings.HasPrefix(words[i+1].text, "-") {
				i++
			}
		case path.Base(w.text) == "incidents" && !w.expanded:
			var args []shellWord
			for i+1 < len(words) && !words[i+1].operator {
				i++
				args = append(args, words[i])
			}
			out = append(out, append([]shellWord{w}, args...))
			start = false
		default:
			start = false
		}
	}
	return out
}

func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	return ok && name != "" && strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// exampleArchive makes a small, clean archive in a new working directory
// (content/ with one report), so that the examples' relative folders
// (content, public, .cache/incidents) land in it. It returns the report.
func exampleArchive(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"content/site.yaml": "title: Example archive\nbase_url: https://incidents.example.org/\nservices:\n  queue: {team: platform}\n",
		"content/incidents/2026/2026-04-02-queue.md": "---\nid: 2026-04-02 queue\ntitle: The job queue stalled after a schema change\nstart: 2026-04-02 10:15\nend: 2026-04-02 11:05\nstatus: final\nservices: [queue]\n---\n" +
			"## Timeline\n\n- 10:15 Workers stopped taking jobs.\n- 11:05 The migration was rolled back and the backlog drained.\n",
	})
	t.Chdir(dir)
	return filepath.Join("content", "incidents", "2026", "2026-04-02-queue.md")
}

// checkExampleCommand checks one incidents command line of an example in
// the working directory that exampleArchive made, report being a report
// there to stand for file lists the script computes. It returns what is
// wrong with the command line, or nil.
func checkExampleCommand(args []shellWord, report string) error {
	if len(args) == 0 {
		return fmt.Errorf("incidents without a command")
	}
	if args[0].expanded {
		return fmt.Errorf("incidents %s: the command name is computed; write it out", args[0].text)
	}
	c := find(args[0].text)
	if c == nil {
		return fmt.Errorf("incidents %s: no such command", args[0].text)
	}
	var help bytes.Buffer
	if code := run(context.Background(), []string{c.name, "--help"}, &help, io.Discard); code != exitOK {
		return fmt.Errorf("incidents %s --help: exit status %d", c.name, code)
	}
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.flags != nil {
		c.flags(fs)
	}
	// What the script computes ($BASE_URL, "${reports[@]}") stands as a
	// value the command accepts: a URL for --base-url, the report for
	// anything else.
	concrete := make([]string, len(args)-1)
	for i, w := range args[1:] {
		concrete[i] = w.text
		if w.expanded {
			concrete[i] = report
			if i > 0 && (args[i].text == "--base-url" || strings.HasPrefix(w.text, "--base-url=")) {
				concrete[i] = "https://incidents.example.org/"
			}
		}
	}
	if err := fs.Parse(concrete); err != nil {
		return fmt.Errorf("incidents %s %s: %w", c.name, strings.Join(concrete, " "), err)
	}
	var missing []string
	fs.Visit(func(f *pflag.Flag) {
		if !strings.Contains(help.String(), "--"+f.Name+" ") {
			missing = append(missing, "--"+f.Name)
		}
	})
	if len(missing) > 0 {
		return fmt.Errorf("incidents %s --help does not show %s", c.name, strings.Join(missing, ", "))
	}
	// Run it: a flag's value the command refuses (--format xml), or
	// arguments it does not take, are usage errors, exit status 2. Not
	// serve, which would run until stopped: its flags are checked above.
	if c.name == "serve" {
		return nil
	}
	var stderr bytes.Buffer
	code := run(context.Background(), append([]string{c.name}, concrete...), io.Discard, &stderr)
	if code != exitOK {
		return fmt.Errorf("incidents %s %s: exit status %d: %s", c.name, strings.Join(concrete, " "), code, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// TestExampleCommands checks every incidents command of every example
// file, and that the CI examples run the commands docs/deploy.md
// describes.
func TestExampleCommands(t *testing.T) {
	var files []string
	err := filepath.WalkDir(examplesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type found struct {
		where string
		args  []shellWord
	}
	var commands []found
	perFile := map[string][]string{}
	for _, f := range files {
		scripts, err := exampleScripts(f)
		if err != nil {
			t.Errorf("not YAML: %v", err)
			continue
		}
		for _, s := range scripts {
			for _, args := range incidentsCommands(s.text) {
				commands = append(commands, found{fmt.Sprintf("%s:%d", f, s.line+args[0].line), args[1:]})
				if len(args) > 1 {
					perFile[filepath.Base(f)] = append(perFile[filepath.Base(f)], args[1].text)
				}
			}
		}
	}
	// The extraction finds what the examples run; were it to find
	// nothing, the check below would pass without checking anything.
	for file, want := range map[string][]string{
		"github-actions.yml": {"version", "check", "repeats", "build"},
		"gitlab-ci.yml":      {"version", "check", "repeats", "build"},
		"static-host.yml":    {"version", "build"},
	} {
		for _, cmd := range want {
			if !slices.Contains(perFile[file], cmd) {
				t.Errorf("%s: runs no incidents %s (found %v)", file, cmd, perFile[file])
			}
		}
	}
	report := exampleArchive(t)
	for _, c := range commands {
		if err := checkExampleCommand(c.args, report); err != nil {
			t.Errorf("%s: %v", c.where, err)
		}
	}
	t.Logf("%d incidents commands in %d example files", len(commands), len(files))
}

// TestCheckExampleCommand shows that the check fails on what an example
// could get wrong, and passes what the examples do.
func TestCheckExampleCommand(t *testing.T) {
	report := exampleArchive(t)
	tests := []struct {
		name, script string
		wantErr      string // "" when the command line is right
	}{
		{"check changed reports", `incidents check --format github "${reports[@]}"`, ""},
		{"gitlab report", `incidents check --format gitlab "${reports[@]}" > gl-code-quality-report.json || true`, ""},
		{"build with a computed URL", `incidents build --no-search-index --cache-dir .cache/incidents --base-url "$CI_PAGES_URL/"`, ""},
		{"repeats in a condition", `if ! incidents repeats -n 3 "$report"; then echo look; fi`, ""},
		{"a path to the program", `~/.incidents-bin/incidents version`, ""},
		{"after an assignment", `code=0; TZ=UTC incidents check`, ""},
		{"continued lines", "incidents build --no-search-index \\\n  --cache-dir .cache/incidents", ""},
		{"a misspelt flag", `incidents check --formt github "$f"`, "unknown flag: --formt"},
		{"another command's flag", `incidents repeats --strict "$f"`, "unknown flag: --strict"},
		{"a removed flag", `incidents build --search-index`, "unknown flag: --search-index"},
		{"a wrong shorthand", `incidents check -f github`, "unknown shorthand flag: 'f'"},
		{"a flag without its value", `incidents build --cache-dir`, "flag needs an argument"},
		{"a value the flag refuses", `incidents check --format gitlub`, `--format "gitlub": use text, github or gitlab`},
		{"a value of the wrong type", `incidents repeats --top many "$f"`, "invalid argument"},
		{"an unknown command", `incidents publish --dest public`, "incidents publish: no such command"},
		{"in a pipeline", `git diff --name-only | xargs -0 incidents check --strictly`, "unknown flag: --strictly"},
		{"after a redirect", `echo x > out; incidents serve --portt 1`, "unknown flag: --portt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds := incidentsCommands(tt.script)
			if len(cmds) != 1 {
				t.Fatalf("found %d incidents commands in %q, want 1: %v", len(cmds), tt.script, cmds)
			}
			err := checkExampleCommand(cmds[0][1:], report)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("no error, want one with %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error %q lacks %q", err, tt.wantErr)
			}
		})
	}
}

// TestIncidentsCommands checks what the extraction finds in scripts.
func TestIncidentsCommands(t *testing.T) {
	tests := []struct {
		script string
		want   []string // each command's words, joined by spaces
	}{
		{"echo incidents check; incidents version", []string{"version"}},
		{"# incidents build --old\nincidents build # --comment", []string{"build"}},
		{`echo "$(incidents version)"`, nil}, // inside a substitution: not checked (the examples have none)
		{"incidents check a.md 2>/dev/null && incidents repeats 'a b.md'", []string{"check a.md", "repeats a b.md"}},
		{"go build -o ~/.incidents-bin/incidents ./cmd/incidents", nil},
		{"for r in x; do incidents repeats \"$r\" || code=$?; done", []string{"repeats $r"}},
	}
	for _, tt := range tests {
		var got []string
		for _, args := range incidentsCommands(tt.script) {
			var words []string
			for _, w := range args[1:] {
				words = append(words, w.text)
			}
			got = append(got, strings.Join(words, " "))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.script, got, tt.want)
		}
	}
}
