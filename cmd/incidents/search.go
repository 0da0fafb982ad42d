package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/matter"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/search"
)

// errQuiet ends a command with exit status 1 and no message, as grep does
// when nothing matches.
var errQuiet = errors.New("quiet failure")

func searchCommand() *command {
	c := &command{
		name:    "search",
		summary: "search the archive from the terminal",
		usage: `Usage: incidents search [flags] QUERY...

Searches the index that 'incidents build' keeps in the cache folder (that
of the content folder --source, unless --cache-dir names one) and prints the matching reports, best first: date, title, id, services and a
passage with the matching words marked. Exits with status 1 when nothing
matches, like grep.

The query uses bleve's query-string syntax:
  retry storm            reports with either word (stemmed: retries, retried)
  +retry -parsoid        must have retry, must not have parsoid
  "connection pool"      the phrase
  services:parsoid       an exact value of a field (service: works too)
  start:>"2024-01-01"    a date range; duration:>60 a number range (minutes)
  pars*  /pars.*d/  parsoid~1   wildcard, regular expression, fuzzy
Fields: id, task, services, causes, sites, trigger, failure_mode, status,
responders, year, start, end, duration, score, paged, title, impact,
summary, body.

Examples:
  incidents search retry storm
  incidents search --service parsoid --since 2024-01-01 timeout
  incidents search --sort newest --limit 5 --json 'causes:retry-storm'
`,
	}
	var (
		cache                   cacheFlag
		source                  string
		services, causes, sites []string
		since, until, sortBy    string
		limit                   int
		asJSON                  bool
	)
	c.flags = func(fs *pflag.FlagSet) any {
		fs.StringArrayVar(&services, "service", nil, "only reports about this `service` (repeat for all of several)")
		fs.StringArrayVar(&causes, "cause", nil, "only reports with this `cause` tag")
		fs.StringArrayVar(&sites, "site", nil, "only reports affecting this `site`")
		fs.StringVar(&since, "since", "", "only reports that started on or after this `date` (YYYY-MM-DD)")
		fs.StringVar(&until, "until", "", "only reports that started before this `date`")
		fs.IntVarP(&limit, "limit", "n", 10, "print at most this many `reports` (1–100)")
		fs.StringVar(&sortBy, "sort", "relevance", "order: relevance, newest or oldest")
		fs.BoolVar(&asJSON, "json", false, "print the result as JSON, as /api/search returns it")
		fs.StringVarP(&source, "source", "s", "content", "content `folder` whose search index to search (it names the default cache folder)")
		cache.register(fs)
		return nil
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("search", pflag.ContinueOnError)
		c.flags(fs)
		fs.SetOutput(nil)
		if err := parseFlagsAndArgs(fs, args); err != nil {
			return err
		}
		req := search.Request{
			Query:    strings.Join(fs.Args(), " "),
			Services: services,
			Causes:   causes,
			Sites:    sites,
			Sort:     sortBy,
			Size:     limit,
		}
		var err error
		if req.Since, err = dateFlag("since", since); err != nil {
			return err
		}
		if req.Until, err = dateFlag("until", until); err != nil {
			return err
		}
		if req.Query == "" && len(services)+len(causes)+len(sites) == 0 && since == "" && until == "" {
			return usageError{"give a query or a filter, e.g. incidents search retry storm"}
		}
		if err := req.Normalize(); err != nil {
			return usageError{err.Error()}
		}
		if source == "" {
			return usageError{"--source must not be empty"}
		}
		if err := cache.resolve(source); err != nil {
			return err
		}
		if err := cache.inspect(); err != nil {
			return err
		}
		idx, err := cache.openIndexWaiting(ctx, e)
		if err != nil {
			return err
		}
		defer idx.Close()
		res, err := idx.Search(ctx, req)
		var qe *search.QueryError
		if errors.As(err, &qe) {
			return usageError{qe.Message}
		}
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(res); err != nil {
				return err
			}
		} else {
			printHits(e, res)
		}
		if res.Total == 0 {
			return errQuiet
		}
		return nil
	}
	return c
}

// parseFlagsAndArgs parses flags anywhere among the query words.
func parseFlagsAndArgs(fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // the command prints its own usage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

func dateFlag(name, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := matter.ParseTime(value)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("--%s %q is not a date: use YYYY-MM-DD", name, value)}
	}
	return t, nil
}

// printHits writes one block per hit and a closing count. On a terminal
// the matching words are bold; otherwise they are marked **so**.
func printHits(e *env, res *search.Response) {
	open, close := "**", "**"
	if e.stdoutTerminal {
		open, close = "\x1b[1m", "\x1b[0m"
	}
	// What a report holds is printed with its control and direction
	// characters escaped, as diagnostics are: a report's body could
	// otherwise repaint the terminal of whoever searches.
	safe := diag.Printable
	for _, h := range res.Hits {
		fmt.Fprintf(e.stdout, "%s  %s\n", h.Start.Format("2006-01-02"), safe(h.Title))
		line := h.ID
		if len(h.Services) > 0 {
			line += " · " + strings.Join(h.Services, ", ")
		}
		fmt.Fprintf(e.stdout, "            %s\n", safe(line))
		if len(h.Passage) > 0 {
			p := make(search.Passage, len(h.Passage))
			for i, s := range h.Passage {
				p[i] = search.Span{Text: safe(s.Text), Match: s.Match}
			}
			fmt.Fprintf(e.stdout, "            %s\n", p.Text(open, close))
		}
		fmt.Fprintln(e.stdout)
	}
	shown := len(res.Hits)
	switch {
	case res.Total == 0:
		fmt.Fprintln(e.stderr, "No reports match.")
	case uint64(shown) < res.Total:
		fmt.Fprintf(e.stderr, "%d of %d reports (--limit shows more)\n", shown, res.Total)
	default:
		fmt.Fprintln(e.stderr, plural.Count(int(res.Total), "report"))
	}
}
