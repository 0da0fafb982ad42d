package sitecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Finding is one message of a checker about one page.
type Finding struct {
	File         string // the file checked
	Rule         string // the checker's rule id: "wcag/h32", "color-contrast"
	Message      string
	Line, Column int // 0 when the checker does not say
}

// HTMLValidate runs the pinned html-validate with .ci/web/htmlvalidate.mjs
// (its recommended rules, and the few exceptions explained there) on files,
// and returns what it found.
func HTMLValidate(t testing.TB, files []string) []Finding {
	t.Helper()
	modules := NodeModules(t)
	config := filepath.Join(filepath.Dir(modules), "htmlvalidate.mjs")
	// The report goes to a file: node can end before a large report
	// written to a pipe is flushed.
	report := filepath.Join(t.TempDir(), "report.json")
	args := append([]string{filepath.Join(modules, "html-validate", "bin", "html-validate.mjs"),
		"--config", config, "--formatter", "json=" + report}, files...)
	// Generous: checking some dozens of pages takes a few seconds; a hang
	// should still end the test long before go test's own timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	err := cmd.Run()
	// html-validate exits 1 when it found something (with its report in
	// a file, 0 too); anything else is a failure to run.
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Fatalf("html-validate: %v\n%s", err, output.Bytes())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("html-validate wrote no report: %v\n%s", err, output.Bytes())
	}
	var results []struct {
		FilePath string
		Messages []struct {
			RuleID       string
			Message      string
			Line, Column int
		}
	}
	if data = bytes.TrimSpace(data); len(data) > 0 {
		if err := json.Unmarshal(data, &results); err != nil {
			t.Fatalf("html-validate's report: %v\n%s", err, output.Bytes())
		}
	}
	var found []Finding
	for _, r := range results {
		for _, m := range r.Messages {
			found = append(found, Finding{File: r.FilePath, Rule: m.RuleID, Message: m.Message, Line: m.Line, Column: m.Column})
		}
	}
	return found
}

// CountByRule summarises findings as "rule N, rule N" in rule order, or
// "none".
func CountByRule(found []Finding) string {
	counts := map[string]int{}
	for _, f := range found {
		counts[f.Rule]++
	}
	if len(counts) == 0 {
		return "none"
	}
	var parts []string
	for _, rule := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", rule, counts[rule]))
	}
	return strings.Join(parts, ", ")
}
