package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/tasks"
	"github.com/incidents-archive/incidents/generator/tasks/tracker"
)

// exitAuth is the status of incidents tasks sync when the tracker refuses
// the token: nothing is written.
const exitAuth = 2

func tasksCommand() *command {
	c := &command{
		name:    "tasks",
		summary: "task state from the tracker: sync writes content/tasks.json for builds to read",
		usage: `Usage: incidents tasks sync [flags]

Collects every task id the archive names (each report's task, its action
items' tasks, task ids in prose) and asks the tracker of site.yaml
(tracker: {kind, url, project, token_env}) for each: state, title,
assignee, when it was created and closed. Writes content/tasks.json, sorted,
one task per line, with the time of the sync: commit it with the reports.
Builds read that file and never ask the tracker, so they stay offline and
reproducible.

The token is read from the environment variable that site.yaml names in
token_env; it is never taken from a flag, printed or written.

With --offline, tasks.json is made from what the reports say, for an
archive without a tracker: a task is open, done or declined as the latest
action item naming it says, created when the first report naming it
started.

Exit status: 0 when every task was asked about; 1 when some batch failed
(those tasks keep the state the last sync recorded, and are named), or on
other errors; 2 when the tracker refused the token (nothing is written) or
for a wrong command line.

Examples:
  PHABRICATOR_TOKEN=api-... incidents tasks sync
  incidents tasks sync --offline
`,
	}
	var (
		source      string
		offline     bool
		timeout     time.Duration
		concurrency int
	)
	c.flags = func(fs *pflag.FlagSet) any {
		fs.StringVarP(&source, "source", "s", "content", "content `folder` of the archive; tasks.json is written there")
		fs.BoolVar(&offline, "offline", false, "make tasks.json from what the reports say, without asking a tracker")
		fs.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long, keeping what the last sync recorded")
		fs.IntVar(&concurrency, "concurrency", 4, "requests to the tracker in flight at once")
		return nil
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("tasks", pflag.ContinueOnError)
		c.flags(fs)
		if err := parseFlagsAndArgs(fs, args); err != nil {
			return err
		}
		if fs.NArg() != 1 || fs.Arg(0) != "sync" {
			return usageError{"give the subcommand: incidents tasks sync"}
		}
		if concurrency < 1 || concurrency > 32 {
			return usageError{"--concurrency must be between 1 and 32"}
		}
		return syncTasks(ctx, e, source, offline, timeout, concurrency)
	}
	return c
}

// syncTasks is incidents tasks sync.
func syncTasks(ctx context.Context, e *env, source string, offline bool, timeout time.Duration, concurrency int) error {
	path := filepath.Join(source, tasks.FileName)
	if err := ownTasksFile(path); err != nil {
		return err
	}
	// Drafts too: their tasks are the archive's, and will be shown once
	// they are published.
	arc, diags, err := generator.Load(ctx, generator.Config{Source: source, Drafts: true})
	if err != nil {
		return err
	}
	// Problems of tasks.json itself are what a sync mends: the file is
	// written again, without the states it held.
	var others []diag.Diagnostic
	broken := false
	for _, d := range diags.All() {
		if filepath.Base(d.Path) == tasks.FileName {
			broken = broken || d.Severity == diag.Error
			continue
		}
		others = append(others, d)
	}
	if slices.ContainsFunc(others, func(d diag.Diagnostic) bool { return d.Severity == diag.Error }) {
		printDiagnostics(e, others)
		return fmt.Errorf("%s has errors; fix them first", source)
	}
	if broken {
		fmt.Fprintf(e.stderr, "incidents tasks sync: %s cannot be read (incidents check says why); it is written again, without the states it held\n", path)
	}
	// The task ids that prose names come from the bodies as the build
	// renders them; repeat detection and the HTML are not needed.
	f, err := facts.Compute(ctx, arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
	if err != nil {
		return err
	}
	prose := func(i int) []string { return f.Bodies[i].Tasks }
	now := time.Now()
	if offline {
		file := tasks.Offline(arc.Incidents, prose, now)
		if err := file.Write(path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintf(e.stdout, "Wrote %s: %s from the reports alone (%s).\n", path, plural.Count(len(file.Tasks), "task"), stateCounts(file.Tasks))
		return nil
	}

	t := arc.Site.Tracker
	if t.Kind == "" {
		return fmt.Errorf("%s names no tracker: add tracker: {kind: phabricator, url: https://phabricator.example.org, token_env: PHABRICATOR_TOKEN} to it, or run incidents tasks sync --offline", filepath.Join(source, "site.yaml"))
	}
	var token string
	if t.TokenEnv != "" {
		token = os.Getenv(t.TokenEnv)
		if token == "" {
			fmt.Fprintf(e.stderr, "incidents tasks sync: the environment variable %s, which site.yaml names in tracker.token_env, is not set; nothing written\n", t.TokenEnv)
			return exitCode(exitAuth)
		}
	}
	previous := arc.Tasks // nil when missing or broken

	ids := tasks.Referenced(arc.Incidents, prose)
	var asked, unreadable []string
	for _, id := range ids {
		if tracker.Supports(t.Kind, t.Project, id) {
			asked = append(asked, id)
		} else {
			unreadable = append(unreadable, id)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	started := time.Now()
	res, err := tracker.Fetch(ctx, tracker.Config{
		Kind: t.Kind, URL: t.URL, Project: t.Project, Token: token, Concurrency: concurrency,
		Previous: func(id string) (tasks.Task, bool) { return previous.Lookup(id) },
	}, asked)
	if errors.Is(err, tracker.ErrAuth) {
		fmt.Fprintf(e.stderr, "incidents tasks sync: %s refused the token", t.URL)
		if t.TokenEnv != "" {
			fmt.Fprintf(e.stderr, " in %s", t.TokenEnv)
		}
		fmt.Fprintln(e.stderr, "; nothing written")
		return exitCode(exitAuth)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// Out of time: what was learnt is written, the rest keeps what
		// the last sync recorded, and the batches not asked are named.
		fmt.Fprintf(e.stderr, "incidents tasks sync: gave up after --timeout %v\n", timeout)
		if len(res.Failed) == 0 {
			res.Failed = []tracker.BatchError{{IDs: unanswered(asked, res.Tasks), Err: err}}
		}
	} else if err != nil {
		return fmt.Errorf("asking %s: %w; nothing written", t.URL, err)
	}

	// The new file: what the tracker said, and for the tasks it could not
	// be asked about, what the last sync recorded.
	file := &tasks.File{Synced: now.UTC(), Tracker: t.Kind + " " + t.URL}
	answered := map[string]bool{}
	for _, task := range res.Tasks {
		answered[task.ID] = true
		file.Tasks = append(file.Tasks, task)
	}
	kept := 0
	for _, id := range ids {
		if answered[id] {
			continue
		}
		if old, ok := previous.Lookup(id); ok {
			file.Tasks = append(file.Tasks, old)
			kept++
		}
	}
	if err := file.Write(path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	fmt.Fprintf(e.stdout, "Asked %s about %s in %s: %s. Wrote %s.\n", t.URL, plural.Count(len(asked), "task"),
		time.Since(started).Round(100*time.Millisecond), stateCounts(res.Tasks), path)
	if len(unreadable) > 0 {
		fmt.Fprintf(e.stderr, "%s a %s tracker cannot read, kept as the last sync recorded them: %s\n",
			plural.Count(len(unreadable), "task id"), t.Kind, shortList(unreadable))
	}
	if len(res.Failed) > 0 {
		for _, b := range res.Failed {
			fmt.Fprintf(e.stderr, "incidents tasks sync: %s (%s) failed: %v\n", plural.Count(len(b.IDs), "task"), shortList(b.IDs), b.Err)
		}
		fmt.Fprintf(e.stderr, "%s kept the state the last sync recorded\n", plural.Count(kept, "task"))
		return exitCode(1)
	}
	return nil
}

// unanswered are the ids of asked that got no answer.
func unanswered(asked []string, got []tasks.Task) []string {
	done := map[string]bool{}
	for _, t := range got {
		done[t.ID] = true
	}
	var out []string
	for _, id := range asked {
		if !done[id] {
			out = append(out, id)
		}
	}
	return out
}

// ownTasksFile refuses to write path unless it is missing or a regular
// file: a symbolic link or a folder named tasks.json is not ours to
// replace.
func ownTasksFile(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s); move it away, then sync again", path, fi.Mode().Type())
	}
	return nil
}

// stateCounts says how many tasks are in each state: "3 open, 2 resolved".
func stateCounts(ts []tasks.Task) string {
	count := map[string]int{}
	for _, t := range ts {
		count[t.State]++
	}
	var parts []string
	for _, s := range tasks.States {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// shortList names the first few ids of a list.
func shortList(ids []string) string {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, tasks.CompareIDs)
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}
