package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// exitLikelyRepeat is the status of incidents repeats when a likely
// repeat is found, so that a CI job can hold a report back for review.
const exitLikelyRepeat = 3

// exitCode ends a command with a given status after its output.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func repeatsCommand() *command {
	c := &command{
		name:    "repeats",
		summary: "is this report a repeat? the earlier reports most like it, with reasons",
		usage: `Usage: incidents repeats [flags] FILE|ID|SLUG|URL

Helps answer the scorecard's repeat question (has this failure happened
before?) with evidence rather than memory. Give a report file, typically a
draft that is not in the archive yet (its path from here, or from the
content folder), or a report of the archive: its id, its slug as in its
page's URL, or that URL or its path. Prints the earlier reports most
likely to be the same failure happening again, best first, each with its
score and why: shared services (the same one failing counts most; hosts,
alerts and dashboards named in the text count as their service), causes,
trigger, failure mode, the words the reports share, and what the authors
wrote: repeat_of, related, the same task, one report naming the other and
what it says of it ("a previous incarnation of this", or "unrelated": such
a candidate is listed as called unrelated, never as a likely repeat).

Exit status: 0 when no likely repeat is found, or every one found is
already named in the report's repeat_of or related; 3 when one is not (so
a CI job can ask for a second look before a report is merged); 1 on
errors.

Examples:
  incidents repeats content/incidents/2026/2026-03-02-parsoid.md
  incidents repeats "2026-02-23 ml-serve" --top 10 --json
  incidents repeats 2026-02-23-ml-serve
  incidents repeats /incidents/2026-02-23-ml-serve/
`,
	}
	var (
		source string
		top    int
		asJSON bool
	)
	c.flags = func(fs *pflag.FlagSet) any {
		fs.StringVarP(&source, "source", "s", "content", "content `folder` of the archive to compare with")
		fs.IntVarP(&top, "top", "n", 5, "show at most this many earlier reports")
		fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
		return nil
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("repeats", pflag.ContinueOnError)
		c.flags(fs)
		fs.SetOutput(nil)
		if err := parseFlagsAndArgs(fs, args); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usageError{"give one report file or id"}
		}
		if top < 1 || top > 50 {
			return usageError{"--top must be between 1 and 50"}
		}
		arc, diags, err := generator.Load(ctx, generator.Config{Source: source})
		if err != nil {
			return err
		}
		if diags.HasErrors() {
			printDiagnostics(e, diags.All())
			return fmt.Errorf("%s has errors; fix them first", source)
		}
		in, fromFile, err := findTarget(fs.Arg(0), source, arc, e)
		if err != nil {
			return err
		}
		if fromFile {
			arc = arc.WithReport(in)
		}
		cfg := facts.RepeatConfig(arc)
		cfg.Top = top
		f, err := facts.Compute(ctx, arc, facts.Options{RepeatConfig: cfg, NoTrends: true, NoHTML: true})
		if err != nil {
			return err
		}
		target, _ := f.Position(in)
		found := f.Repeats[target]
		byID := map[string]*incident.Incident{}
		for _, x := range arc.Incidents {
			byID[x.ID] = x
		}
		likely := slices.ContainsFunc(found, func(c repeats.Candidate) bool { return c.Likely })
		if asJSON {
			if err := printRepeatsJSON(e, in, found, byID, likely); err != nil {
				return err
			}
		} else {
			printRepeats(e, in, found, byID, cfg)
		}
		// A likely repeat the report already names (in repeat_of or
		// related) has had its second look: as check warns only of the
		// others, only they ask for one, or an author could never clear
		// a CI job that holds the report back.
		if slices.ContainsFunc(found, func(c repeats.Candidate) bool {
			return c.Likely && !slices.Contains(in.RepeatOf, c.ID) && !slices.Contains(in.Related, c.ID)
		}) {
			return exitCode(exitLikelyRepeat)
		}
		return nil
	}
	return c
}

// findTarget resolves the argument: a report file (relative to the
// working directory or to the content folder source), parsed, which
// fromFile says and which the caller puts in the archive in place of the
// report with its id (or adds); or a report of the archive named by its
// id ("2026-02-23 ml-serve"), its slug ("2026-02-23-ml-serve"), or its
// page's URL or URL path ("/incidents/2026-02-23-ml-serve/").
func findTarget(arg, source string, arc *archive.Archive, e *env) (in *incident.Incident, fromFile bool, err error) {
	file := ""
	for _, p := range []string{arg, filepath.Join(source, arg)} {
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			file = p
			break
		}
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, false, err
		}
		var diags diag.List
		in := incident.Parse(file, data, arc.Site, &diags)
		printDiagnostics(e, diags.All())
		if in == nil || diags.HasErrors() {
			return nil, false, fmt.Errorf("%s has errors; fix them first", file)
		}
		return in, true, nil
	}
	slug := slugOf(arg)
	var names []string
	for _, in := range arc.Incidents {
		if in.ID == arg || in.Slug == slug {
			return in, false, nil
		}
		names = append(names, in.ID, in.Slug)
	}
	return nil, false, errors.New("no report file, report id or slug " + fmt.Sprintf("%q", arg) + diag.DidYouMean(arg, names))
}

// slugOf is the slug that arg names when it is a report page's URL
// ("https://incidents.example.org/incidents/2026-02-23-ml-serve/") or URL
// path ("/incidents/2026-02-23-ml-serve/", under any site path): the
// segment after the last "incidents"; otherwise arg itself.
func slugOf(arg string) string {
	p := arg
	if u, err := url.Parse(arg); err == nil && (u.Scheme != "" || strings.HasPrefix(arg, "/")) {
		p = u.Path
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if n := len(parts); n >= 2 && parts[n-2] == "incidents" {
		return parts[n-1]
	}
	return arg
}

func printRepeats(e *env, in *incident.Incident, found []repeats.Candidate, byID map[string]*incident.Incident, cfg repeats.Config) {
	fmt.Fprintf(e.stdout, "%s  %s\n\n", in.ID, in.Title)
	if len(found) == 0 {
		fmt.Fprintf(e.stdout, "No earlier report scores %.2f or more: nothing in the archive looks like this failure.\n", cfg.Similar)
		return
	}
	for _, c := range found {
		title, date := "", ""
		if old := byID[c.ID]; old != nil {
			title, date = old.Title, old.Start.Format(time.DateOnly)
		}
		fmt.Fprintf(e.stdout, "%.2f  %-13s  %s  %s\n", c.Score, c.Class(), date, title)
		fmt.Fprintf(e.stdout, "      %s\n      %s\n\n", c.ID, c.Explain())
	}
	if slices.ContainsFunc(found, func(c repeats.Candidate) bool { return c.Likely }) {
		fmt.Fprintf(e.stdout, "Likely a repeat (score %.2f or more): record it in repeat_of, or say in the report what is different this time.\n", cfg.Likely)
	} else {
		fmt.Fprintf(e.stdout, "No likely repeat (none scores %.2f or more).\n", cfg.Likely)
	}
}

type repeatsJSON struct {
	ID         string          `json:"id"`
	Likely     bool            `json:"likely_repeat"`
	Candidates []candidateJSON `json:"candidates"`
}

type candidateJSON struct {
	repeats.Candidate
	Class       string    `json:"class"` // "likely repeat", "similar" or "called unrelated"
	Title       string    `json:"title"`
	Start       time.Time `json:"start"`
	Explanation string    `json:"explanation"`
}

func printRepeatsJSON(e *env, in *incident.Incident, found []repeats.Candidate, byID map[string]*incident.Incident, likely bool) error {
	out := repeatsJSON{ID: in.ID, Likely: likely, Candidates: []candidateJSON{}}
	for _, c := range found {
		cj := candidateJSON{Candidate: c, Class: c.Class(), Explanation: c.Explain()}
		if old := byID[c.ID]; old != nil {
			cj.Title, cj.Start = old.Title, old.Start
		}
		out.Candidates = append(out.Candidates, cj)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
