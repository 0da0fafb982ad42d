package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/plural"
)

func checkCommand() *command {
	c := &command{
		name:    "check",
		summary: "check reports: what the build rejects, and what looks unfinished",
		usage: `Usage: incidents check [flags] [FILE|FOLDER...]

Checks the whole archive, or only the given reports (and folders of
reports) against the whole archive, and prints every problem as
path:line: message. Drafts are checked too.

Errors are what makes 'incidents build' fail. Warnings are what the build
lets through but a reviewer should see: unknown keys, services missing from
the site.yaml catalogue, template text left in place (TODO, FIXME, TBD,
{{placeholders}}), a Timeline without times, scorecard answers that
contradict what the archive computes, a likely repeat recorded neither in
repeat_of nor in related, and action items with neither an owner nor a
task.

--format github prints GitHub Actions annotations, which a pull request
shows on the lines of its diff; --format gitlab prints a GitLab Code
Quality report (a JSON array; save it as the job's codequality artifact),
which a merge request shows in its Code Quality widget.

Exit status: 0 without errors, 1 with errors (with --strict, warnings
too), 2 when the command line is wrong.

Examples:
  incidents check
  incidents check content/incidents/2026/2026-02-23-ml-serve.md
  incidents check --format github --strict $(git diff --name-only --diff-filter=d origin/main -- content/incidents)
  incidents check --format gitlab content/incidents/2026 > gl-code-quality-report.json
`,
	}
	var (
		source, format string
		strict         bool
	)
	c.flags = func(fs *pflag.FlagSet) any {
		fs.StringVarP(&source, "source", "s", "content", "content `folder` holding site.yaml and incidents/")
		fs.StringVar(&format, "format", "text", "output `format`: text (path:line: message), github (GitHub Actions annotations) or gitlab (GitLab Code Quality JSON)")
		fs.BoolVar(&strict, "strict", false, "exit with status 1 on warnings too")
		return nil
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("check", pflag.ContinueOnError)
		c.flags(fs)
		if err := parseFlagsAndArgs(fs, args); err != nil {
			return err
		}
		if format != "text" && format != "github" && format != "gitlab" {
			return usageError{fmt.Sprintf("--format %q: use text, github or gitlab", format)}
		}
		if source == "" {
			return usageError{"--source must not be empty"}
		}
		only, err := checkTargets(source, fs.Args())
		if err != nil {
			return err
		}
		arc, diags, err := generator.Check(ctx, generator.Config{Source: source})
		if err != nil {
			return err
		}
		ds := diags.All()
		checked := arc.Incidents
		if only != nil {
			ds = only.filter(ds)
			ds = append(ds, only.unread(source, arc.Incidents, ds)...)
			checked = only.reports(arc.Incidents)
		}
		for _, d := range ds {
			switch format {
			case "github":
				fmt.Fprintln(e.stdout, annotation(d))
			case "text":
				fmt.Fprintln(e.stdout, d.String())
			}
		}
		if format == "gitlab" {
			if err := writeCodeQuality(e.stdout, ds, source); err != nil {
				return err
			}
		}
		sum := summarize(source, checked, ds)
		errs, warns := sum.errors, sum.warnings
		fmt.Fprintln(e.stderr, sum)
		if errs > 0 || (strict && warns > 0) {
			return errQuiet
		}
		return nil
	}
	return c
}

// targets are the files and folders named on the command line, as the
// paths of diagnostics name them (the content folder joined with the path
// inside it).
type targets struct {
	files   map[string]bool
	folders []string // with a trailing slash
	site    string   // the path of site.yaml, whose errors concern every report
}

// checkTargets resolves the arguments of check; nil means the whole
// archive. Each must exist inside the content folder.
func checkTargets(source string, args []string) (*targets, error) {
	if len(args) == 0 {
		return nil, nil
	}
	root, err := filepath.Abs(source)
	if err != nil {
		return nil, err
	}
	t := &targets{files: map[string]bool{}, site: path.Join(filepath.ToSlash(source), "site.yaml")}
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, usageError{fmt.Sprintf("%s: no such report or folder", a)}
		}
		abs, err := filepath.Abs(a)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, usageError{fmt.Sprintf("%s is not in the content folder %s; give the folder with --source", a, source)}
		}
		label := path.Join(filepath.ToSlash(source), filepath.ToSlash(rel))
		if info.IsDir() {
			t.folders = append(t.folders, strings.TrimSuffix(label, "/")+"/")
		} else {
			t.files[label] = true
		}
	}
	return t, nil
}

func (t *targets) has(p string) bool {
	if t.files[p] {
		return true
	}
	for _, f := range t.folders {
		if strings.HasPrefix(p, f) || p+"/" == f {
			return true
		}
	}
	return false
}

// filter keeps the problems of the targets, those of other files that
// name one of them (a duplicate id is reported on the later file in path
// order, which may be the one not asked about), and the errors of
// site.yaml and those of no file: the build fails on them whichever
// reports changed, so a check of some reports must not pass over them.
func (t *targets) filter(ds []diag.Diagnostic) []diag.Diagnostic {
	var named []string
	for f := range t.files {
		named = append(named, f+":")
	}
	var out []diag.Diagnostic
	for _, d := range ds {
		keep := t.has(d.Path) || (d.Severity == diag.Error && (d.Path == "" || d.Path == t.site))
		for _, n := range named {
			keep = keep || strings.Contains(d.Message, n)
		}
		if keep {
			out = append(out, d)
		}
	}
	return out
}

// unread warns about each report file among the targets that the build
// does not read, and that would otherwise pass without a word: a file
// under incidents/ whose name starts with "." or "_", or one elsewhere.
func (t *targets) unread(source string, ins []*incident.Incident, ds []diag.Diagnostic) []diag.Diagnostic {
	seen := map[string]bool{}
	for _, in := range ins {
		seen[in.Path] = true
	}
	for _, d := range ds {
		seen[d.Path] = true
	}
	pages := path.Join(filepath.ToSlash(source), "pages") + "/"
	var out []diag.Diagnostic
	for _, f := range slices.Sorted(maps.Keys(t.files)) {
		if seen[f] || !strings.HasSuffix(f, ".md") || strings.HasPrefix(f, pages) {
			continue
		}
		out = append(out, diag.Diagnostic{Severity: diag.Warning, Path: f, Message: "not checked: the build reads reports only from .md files under incidents/ whose names do not start with \".\" or \"_\""})
	}
	return out
}

// reports are the archive's reports among the targets.
func (t *targets) reports(ins []*incident.Incident) []*incident.Incident {
	var out []*incident.Incident
	for _, in := range ins {
		if t.has(in.Path) {
			out = append(out, in)
		}
	}
	return out
}

// checkSummary counts what check found: the problems, the reports that
// have them among the reports checked, and the other files that have
// them (site.yaml, pages, files the build does not read).
type checkSummary struct {
	errors, warnings int
	reports          int // reports checked
	reportsWith      int // of them, those with a problem
	otherFiles       int // files with a problem that are not reports
}

// summarize counts ds. A report is a file the build reads as one (under
// incidents/, no part of its path starting with "." or "_"); one that
// could not be read has problems but is not among checked, and is
// counted all the same.
func summarize(source string, checked []*incident.Incident, ds []diag.Diagnostic) checkSummary {
	var s checkSummary
	reports := map[string]bool{}
	for _, in := range checked {
		reports[in.Path] = false
	}
	others := map[string]bool{}
	for _, d := range ds {
		if d.Severity == diag.Error {
			s.errors++
		} else {
			s.warnings++
		}
		switch {
		case isReportPath(source, d.Path):
			reports[d.Path] = true
		case d.Path != "":
			others[d.Path] = true
		}
	}
	s.reports, s.otherFiles = len(reports), len(others)
	for _, has := range reports {
		if has {
			s.reportsWith++
		}
	}
	return s
}

// isReportPath says whether p, a path as diagnostics give it, is that of
// a report the build reads.
func isReportPath(source, p string) bool {
	dir := path.Join(filepath.ToSlash(source), "incidents") + "/"
	rel, ok := strings.CutPrefix(p, dir)
	if !ok || !strings.HasSuffix(rel, ".md") {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return false
		}
	}
	return true
}

// String is the closing line of check: "14 warnings in 2 of 4 reports.",
// "No problems in 4 reports.", "1 error in 1 other file; no problems in
// the 3 reports."
func (s checkSummary) String() string {
	var found []string
	if s.errors > 0 {
		found = append(found, plural.Count(s.errors, "error"))
	}
	if s.warnings > 0 {
		found = append(found, plural.Count(s.warnings, "warning"))
	}
	if len(found) == 0 {
		return "No problems in " + plural.Count(s.reports, "report") + "."
	}
	what := strings.Join(found, " and ")
	files := plural.Count(s.otherFiles, "other file")
	switch {
	case s.reportsWith == 0 && s.reports == 0:
		return fmt.Sprintf("%s in %s; no reports checked.", what, plural.Count(s.otherFiles, "file"))
	case s.reportsWith == 0:
		return fmt.Sprintf("%s in %s; no problems in the %s.", what, files, plural.Count(s.reports, "report"))
	}
	where := plural.Count(s.reports, "report")
	if s.reportsWith < s.reports {
		where = fmt.Sprintf("%d of %s", s.reportsWith, where)
	}
	if s.otherFiles > 0 {
		where += " and " + files
	}
	return what + " in " + where + "."
}

// annotation formats d as a GitHub Actions workflow command, which the
// Actions runner shows on the line of the pull request's diff.
func annotation(d diag.Diagnostic) string {
	kind := "error"
	if d.Severity == diag.Warning {
		kind = "warning"
	}
	props := "file=" + escapeProperty(diag.Printable(d.Path))
	if d.Line > 0 {
		props += ",line=" + strconv.Itoa(d.Line)
	}
	msg := d.Message
	if d.Field != "" {
		msg = d.Field + ": " + msg
	}
	return "::" + kind + " " + props + "::" + escapeData(diag.Printable(msg))
}

// escapeData and escapeProperty follow the escaping of the Actions
// toolkit's workflow commands.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// codeQualityIssue is one entry of a GitLab Code Quality report, the
// subset of the Code Climate issue format that GitLab reads.
type codeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
}

// writeCodeQuality writes ds as a GitLab Code Quality report: a JSON
// array, empty when there is nothing to say (GitLab then shows no new
// problem, rather than failing to read the artifact).
//
// Severities follow the convention of GitLab's own linter integrations
// (eslint-formatter-gitlab and others): an error, which makes the build
// fail, is "major"; a warning is "minor". The fingerprint, by which GitLab
// tells a problem that a merge request adds from one already on the
// target branch, hashes what the problem is and in which file, not its
// line, so that an edit above it does not make it new; the same problem
// twice in a file is told apart by its rank among its twins.
//
// GitLab expects paths relative to the repository, where CI jobs run:
// an absolute path under the working directory is made relative to it.
// A problem of no file is placed on the content folder.
func writeCodeQuality(w io.Writer, ds []diag.Diagnostic, source string) error {
	wd, _ := os.Getwd()
	seen := map[string]int{}
	issues := make([]codeQualityIssue, 0, len(ds))
	for _, d := range ds {
		p := d.Path
		if p == "" {
			p = source
		}
		p = repoPath(p, wd)
		severity := "major"
		if d.Severity == diag.Warning {
			severity = "minor"
		}
		desc := d.Message
		if d.Field != "" {
			desc = d.Field + ": " + desc
		}
		what := strings.Join([]string{severity, p, d.Field, d.Message}, "\x00")
		seen[what]++
		sum := sha256.Sum256([]byte(what + "\x00" + strconv.Itoa(seen[what])))
		issues = append(issues, codeQualityIssue{
			Description: diag.Printable(desc),
			CheckName:   checkName(d.Field),
			Fingerprint: hex.EncodeToString(sum[:16]),
			Severity:    severity,
			Location:    codeQualityLocation{Path: diag.Printable(p), Lines: codeQualityLines{Begin: max(d.Line, 1)}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(issues); err != nil {
		return fmt.Errorf("writing the code quality report: %w", err)
	}
	return nil
}

// repoPath is p as GitLab wants it: slash-separated, relative to the
// working directory wd when p is an absolute path under it.
func repoPath(p, wd string) string {
	if filepath.IsAbs(p) && wd != "" {
		if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			p = rel
		}
	}
	return path.Clean(filepath.ToSlash(p))
}

// checkName names the kind of problem after the field it concerns, without
// list positions (actionables[2].owner is incidents/actionables.owner), so
// that the same kind of problem has the same name in every report.
func checkName(field string) string {
	if field == "" {
		return "incidents/report"
	}
	var b strings.Builder
	depth := 0
	for _, r := range field {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return "incidents/" + diag.Printable(b.String())
}
