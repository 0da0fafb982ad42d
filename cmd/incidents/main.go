// Command incidents compiles an archive of incident reports into a static
// website, and serves it while you write.
//
// Usage:
//
//	incidents build [flags]     build the site from content/ into public/
//	incidents serve [flags]     build, then serve the site on 127.0.0.1
//	incidents new NAME          start a report from the template
//	incidents import wiki|markdown SOURCE  bring an existing archive in
//	incidents check [FILE...]   check reports: errors, and what looks unfinished
//	incidents search QUERY      search the archive from the terminal
//	incidents repeats FILE|ID   is this report a repeat? with evidence
//	incidents version           print the version
//	incidents help [command]    explain a command
//
// A report is a Markdown file with front matter under content/incidents/;
// see docs/format.md for the format. Exit status: 0 on success, 1 when the
// content has errors (each printed as path:line: field: message) or the
// build failed, 2 when the command line is wrong, 3 when incidents repeats
// finds a likely repeat.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // site.yaml time zones work where the system has no zone database

	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // content errors, or the build could not complete
	exitUsage   = 2
)

// usageError marks a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // the text of --help, after the flag list is appended
	run     func(ctx context.Context, env *env, args []string) error
	flags   func(fs *pflag.FlagSet) any
}

// env is what a command may use of the process.
type env struct {
	stdout, stderr io.Writer
	// isTerminal reports whether stderr is a terminal, for progress output.
	isTerminal bool
	// stdoutTerminal reports whether stdout is a terminal, for emphasis.
	stdoutTerminal bool
}

func commands() []*command {
	return []*command{buildCommand(), serveCommand(), newCommand(), importCommand(), checkCommand(), searchCommand(), repeatsCommand(), tasksCommand(), versionCommand()}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, isTerminal: isTerminal(stderr), stdoutTerminal: isTerminal(stdout)}
	if len(args) == 0 {
		printOverview(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help":
		if len(rest) == 0 {
			printOverview(stdout)
			return exitOK
		}
		if rest[0] == "help" {
			printOverview(stdout)
			return exitOK
		}
		cmd := find(rest[0])
		if cmd == nil {
			fmt.Fprintf(stderr, "incidents: unknown command %q\n\n", rest[0])
			printOverview(stderr)
			return exitUsage
		}
		printHelp(stdout, cmd)
		return exitOK
	case "-v", "--version":
		name = "version"
	}
	cmd := find(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "incidents: unknown command %q\n\n", name)
		printOverview(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, e, rest)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errQuiet):
		return exitFailure
	case errors.As(err, new(exitCode)):
		var code exitCode
		errors.As(err, &code)
		return int(code)
	case errors.Is(err, pflag.ErrHelp):
		printHelp(stdout, cmd)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "incidents %s: %s\nRun 'incidents help %s' for usage.\n", cmd.name, ue.msg, cmd.name)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "incidents: interrupted")
		return exitFailure
	default:
		fmt.Fprintf(stderr, "incidents %s: %v\n", cmd.name, err)
		return exitFailure
	}
}

func find(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, `incidents compiles incident reports into a static website.

Usage:
  incidents <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help      explain a command: incidents help build

Reports live in content/incidents/ as Markdown files with front matter;
see docs/format.md for the format.
`)
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprint(w, c.usage)
	if c.flags != nil {
		fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
		c.flags(fs)
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}

// parseFlags parses args for c, turning pflag's errors into usage errors.
func parseFlags(c *command, fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
