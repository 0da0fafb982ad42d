package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/newreport"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

func newCommand() *command {
	c := &command{
		name:    "new",
		summary: "start a report from the template: content/incidents/YYYY/DATE-NAME.md",
		usage: `Usage: incidents new [flags] NAME

Creates content/incidents/YEAR/DATE-NAME.md from the template and prints
its path (alone on stdout; the next step goes to stderr). NAME is a short name, usually the service that failed
("ml-serve"); the report's id is the date and the name, "2026-02-23
ml-serve", as in the existing reports. The report starts as a draft with
every field of the front matter explained, the sections Summary, Timeline,
Detection, Conclusions and Actionables, and the questions of the site's
scorecard with empty answers. 'incidents check FILE' then lists what is
still to fill in. An existing file is never overwritten, and no report is
written whose id, or permalink, another report (drafts too) already has.

A team can keep its own template in content/templates/incident.md. These
placeholders are filled in: {{id}} (2026-02-23 ml-serve), {{slug}}
(2026-02-23-ml-serve), {{name}} (as given), {{title}} (quoted; a TODO
without --title), {{date}} (2026-02-23), {{year}} and {{scorecard}} (the
rubric's keys, one per line, for the line after "scorecard:").

Examples:
  incidents new ml-serve
  incidents new parsoid --date 2026-03-02 --title "Parsoid ran out of memory"
`,
	}
	var source, date, title string
	c.flags = func(fs *pflag.FlagSet) any {
		fs.StringVarP(&source, "source", "s", "content", "content `folder` holding site.yaml and incidents/")
		fs.StringVar(&date, "date", "", "the `day` the incident started, YYYY-MM-DD (default: today in the working_hours time zone of site.yaml)")
		fs.StringVar(&title, "title", "", "the report's `title` (default: a TODO to replace)")
		return nil
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("new", pflag.ContinueOnError)
		c.flags(fs)
		if err := parseFlagsAndArgs(fs, args); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usageError{"give one NAME, such as ml-serve"}
		}
		if source == "" {
			return usageError{"--source must not be empty"}
		}
		v := newreport.Values{Name: fs.Arg(0), Title: title, Date: time.Now().UTC()}
		if date != "" {
			d, err := time.Parse(time.DateOnly, date)
			if err != nil {
				return usageError{fmt.Sprintf("--date %q is not a day: use YYYY-MM-DD", date)}
			}
			v.Date = d
		}
		if i := strings.IndexFunc(title, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }); i >= 0 {
			r, _ := utf8.DecodeRuneInString(title[i:])
			return usageError{fmt.Sprintf("--title contains the control character %U; remove it", r)}
		}
		if v.ID() == "" {
			return usageError{fmt.Sprintf("NAME %q has no letter or digit to name the file after; give a name and put the rest in the title: incidents new etcd-quorum --title %q", v.Name, v.Name)}
		}
		if info, err := os.Stat(source); err != nil || !info.IsDir() {
			return fmt.Errorf("content folder %s does not exist; give the folder that holds site.yaml and incidents/ with --source", source)
		}
		site, err := loadSite(e, source)
		if err != nil {
			return err
		}
		v.Rubric = site.Scorecard
		if date == "" && site.WorkingHours.Location != nil {
			// Today where the team works: just after midnight in Berlin
			// is still yesterday in UTC.
			now := time.Now().In(site.WorkingHours.Location)
			v.Date = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		}
		tmpl, tmplPath, builtIn, err := readTemplate(source)
		if err != nil {
			return err
		}
		text, unknown := newreport.Fill(tmpl, v)
		for _, u := range unknown {
			fmt.Fprintf(e.stderr, "%s: warning: unknown placeholder %s left as it is\n", tmplPath, u)
		}
		dest := filepath.Join(source, filepath.FromSlash(v.Path()))
		var diags diag.List
		in := incident.Parse(filepath.ToSlash(dest), []byte(text), site, &diags)
		if diags.HasErrors() {
			printDiagnostics(e, diags.All())
			fix := "fix the template, or the --title or NAME given"
			if builtIn {
				fix = "fix the --title or NAME given"
			}
			return fmt.Errorf("%s was not created: the report made from %s would not build (see above); %s", dest, tmplPath, fix)
		}
		if _, err := os.Lstat(dest); err == nil {
			return existsError(dest)
		}
		if err := checkNewID(ctx, e, source, in); err != nil {
			return err
		}
		if err := writeNew(dest, text); err != nil {
			return err
		}
		// The path alone on stdout, for $EDITOR "$(incidents new x)"; the
		// next step on stderr, where a person sees it and a script does
		// not take it for the path.
		fmt.Fprintln(e.stdout, dest)
		fmt.Fprintf(e.stderr, "next: edit it, then %s\n", checkCommandFor(source, dest))
		return nil
	}
	return c
}

// checkCommandFor is the command line that checks the report file in the
// content folder source.
func checkCommandFor(source, file string) string {
	cmd := "incidents check "
	if source != "content" {
		cmd += "-s " + quoteArg(source) + " "
	}
	return cmd + quoteArg(file)
}

// loadSite reads the site.yaml of source for its scorecard rubric; without
// one the default rubric applies. Problems in it are printed, not fatal:
// 'incidents check' and the build report them too.
func loadSite(e *env, source string) (*siteconfig.Site, error) {
	p := filepath.Join(source, "site.yaml")
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return siteconfig.Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading site.yaml: %w", err)
	}
	var diags diag.List
	site := siteconfig.Parse(filepath.ToSlash(p), data, &diags)
	printDiagnostics(e, diags.All())
	return site, nil
}

// readTemplate returns the team's template in source, or the built-in one,
// with a name for it in messages.
func readTemplate(source string) (text, name string, builtIn bool, err error) {
	p := filepath.Join(source, filepath.FromSlash(newreport.TemplatePath))
	data, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return newreport.Default(), "the built-in template", true, nil
	case err != nil:
		return "", "", false, fmt.Errorf("reading the template %s: %w", p, err)
	}
	return string(data), "the template " + p, false, nil
}

// checkNewID refuses a new report whose id, or whose permalink, a report
// of the archive in source already has (drafts too), with the build's
// own messages, which name the other report's file and line: the build
// would refuse the pair, naming the older file, so writing the new one
// would only break the next build. Problems in the other reports are
// left to 'incidents check'.
func checkNewID(ctx context.Context, e *env, source string, in *incident.Incident) error {
	arc, _, err := archive.Load(ctx, os.DirFS(source), archive.Options{Label: filepath.ToSlash(source), Drafts: true})
	if errors.Is(err, archive.ErrNoIncidents) {
		return nil // the first report of the archive
	}
	if err != nil {
		return fmt.Errorf("%s was not created: reading the archive to check that its id is new: %w", in.Path, err)
	}
	conflicts := archive.IDConflicts(arc.Incidents, in)
	if len(conflicts) == 0 {
		return nil
	}
	printDiagnostics(e, conflicts)
	return fmt.Errorf("%s was not created: another report has its id or permalink (see above); give another NAME or --date, or edit that report", filepath.FromSlash(in.Path))
}

func existsError(p string) error {
	return fmt.Errorf("%s already exists; edit it, or give another NAME or --date", p)
}

// writeNew creates the file p with text, and its folder; it fails if the
// file exists, whoever created it in between.
func writeNew(p, text string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("creating the report's folder: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return existsError(p)
	}
	if err != nil {
		return fmt.Errorf("creating the report: %w", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		os.Remove(p)
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(p)
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}
