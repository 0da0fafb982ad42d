package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/sitecheck"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// taskFiles is an archive with a tasks.json holding a task in each state,
// one of them contradicting the report, so that every badge, a
// disagreement and the tasks' dates are on the pages axe checks.
var taskFiles = map[string]string{
	"site.yaml": "title: Task states\ntask_url: https://tasks.example.org/{task}\n",
	"tasks.json": `{"synced":"2024-06-30T00:00:00Z","tracker":"offline","tasks":[
{"id":"T101","state":"resolved","created":"2024-03-01T00:00:00Z","closed":"2024-04-02T00:00:00Z"},
{"id":"T102","state":"open","created":"2024-02-01T00:00:00Z"},
{"id":"T103","state":"declined","created":"2024-03-02T00:00:00Z","closed":"2024-03-03T00:00:00Z"},
{"id":"T104","state":"unknown"}
]}
`,
	"incidents/2024/a.md": `---
id: 2024-03-01 queue
title: Queue backlog
start: 2024-03-01 10:00
end: 2024-03-01 12:00
task: T101
services: [queue]
actionables:
  - {title: Cap the batch size, task: T101, owner: queue-team, status: open}
  - {title: Alert on backlog, task: T102, owner: queue-team, status: done}
  - {title: Rewrite the queue, task: T103, owner: queue-team, status: declined}
  - {title: Audit the consumers, task: T104, owner: queue-team, status: open}
---
## Summary

The backlog grew until consumers fell behind; see T101, T102, T103 and T104.
`,
}

// TestTaskBadgesAccessible runs html-validate, and axe-core in light and
// dark mode, on the pages that show task states: the report (metadata,
// prose, action table) and the home page's open items.
func TestTaskBadgesAccessible(t *testing.T) {
	sitecheck.SkipIfAsked(t)
	axeSource, err := os.ReadFile(filepath.Join(sitecheck.NodeModules(t), "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, dest := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	testutil.WriteFiles(t, src, taskFiles)
	if _, err := generator.Build(context.Background(), generator.Config{Source: src, Dest: dest, Version: "browsertest"}); err != nil {
		t.Fatal(err)
	}
	site := sitecheck.Site{Name: "tasks", Dir: dest}
	pages := []sitecheck.Page{{Kind: "home", Path: ""}, {Kind: "incident", Path: "incidents/2024-03-01-queue/"}}
	var files []string
	for _, p := range pages {
		files = append(files, p.File(dest))
	}
	for _, f := range sitecheck.HTMLValidate(t, files) {
		t.Errorf("%s %d:%d: %s: %s", f.File, f.Line, f.Column, f.Rule, f.Message)
	}
	checkAxe(t, site, pages, string(axeSource))
}
