package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/importer/mdimport"
	"github.com/incidents-archive/incidents/generator/importer/mediawiki"
	"github.com/incidents-archive/incidents/generator/importer/wiki"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

func importCommand() *command {
	c := &command{
		name:    "import",
		summary: "bring an existing archive in: wiki pages, other tools' Markdown",
		usage: `Usage: incidents import wiki [flags] FILE.xml|DIR|FILE.wiki...
       incidents import wiki [flags] --api URL --contact EMAIL [--prefix P] [--since DATE]
       incidents import markdown [flags] DIR --map FILE

Turns reports kept elsewhere into reports of this archive, one file each
in content/incidents/YEAR/SLUG.md, and prints what it understood.

  wiki FILE.xml      pages of a MediaWiki XML export (Special:Export)
  wiki DIR|FILE.wiki files of raw wikitext named after the page title,
                     "2025-03-31 sessionstore unavailability.wiki"
  wiki --api URL     the pages under --prefix, fetched through the wiki's
                     Action API (URL ends in api.php); --contact is put in
                     the User-Agent, as the wiki's operators ask
  markdown DIR       Markdown with another tool's front matter, or none,
                     read through the mapping file given with --map

Nothing is lost and every guess is shown: a value the import does not
understand is kept under "Imported metadata" at the end of the report and
named in a warning; services found by name are marked "# guessed by
import"; a report the build would refuse is written as a draft that lists
its problems at the top. Every report records where it came from in
imported_from.

When the archive already holds reports, the import is a dry run unless
--write is given: it prints what it would do and writes nothing. The
importer records what it wrote in content/.import-state.json (keep it
with the archive). Running it again rewrites only reports whose import
changed and that nobody has edited since; an edited report is left alone
and named, a file the importer did not write is never replaced, and a
report a person deleted is not written again unless --recreate is given.

Exit status: 0 when every report was imported or had nothing to do, 1
when some were refused (named on stderr) or a source could not be read,
2 for a wrong command line.

Examples:
  incidents import wiki export.xml --wiki-url https://wiki.example.org/wiki/
  incidents import wiki --api https://wiki.example.org/w/api.php --prefix "Incidents/" --contact sre@example.org
  incidents import markdown old-reports/ --map statuspage.yaml --write
`,
	}
	var o importFlags
	c.flags = func(fs *pflag.FlagSet) any {
		fs.StringVarP(&o.source, "source", "s", "content", "content `folder` to import into (holds site.yaml and incidents/)")
		fs.BoolVar(&o.dryRun, "dry-run", false, "print what the import would do, and write nothing (the default when the archive holds reports)")
		fs.BoolVar(&o.write, "write", false, "write the reports, also into an archive that already holds some")
		fs.BoolVar(&o.recreate, "recreate", false, "write again the imported reports a person has deleted")
		fs.StringVar(&o.wikiURL, "wiki-url", "", "wiki: where the wiki's pages live, such as https://wiki.example.org/wiki/; links to pages that are not reports point there")
		fs.StringVar(&o.api, "api", "", "wiki: fetch the pages through this Action API `URL` (…/api.php)")
		fs.StringVar(&o.prefix, "prefix", "Incidents/", "wiki --api: the title prefix of the report pages")
		fs.StringVar(&o.since, "since", "", "wiki --api: only pages changed since this `date`, YYYY-MM-DD")
		fs.StringVar(&o.contact, "contact", "", "wiki --api: an e-mail address or URL for the wiki's operators, sent in the User-Agent")
		fs.StringVar(&o.mapFile, "map", "", "markdown: the mapping `file` from the other tool's keys to this archive's")
		return nil
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		o = importFlags{}
		fs := pflag.NewFlagSet("import", pflag.ContinueOnError)
		c.flags(fs)
		fs.SetOutput(io.Discard)
		if err := parseFlagsAndArgs(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return usageError{"say what to import: incidents import wiki FILE.xml, or incidents import markdown DIR --map FILE"}
		}
		o.set = map[string]bool{}
		fs.Visit(func(f *pflag.Flag) { o.set[f.Name] = true })
		kind, inputs := fs.Arg(0), fs.Args()[1:]
		switch kind {
		case "wiki":
			return importWiki(ctx, e, &o, inputs)
		case "markdown":
			return importMarkdown(ctx, e, &o, inputs)
		}
		return usageError{fmt.Sprintf("cannot import %q: say wiki or markdown", kind)}
	}
	return c
}

// importFlags are the flags of incidents import.
type importFlags struct {
	source                  string
	dryRun, write, recreate bool
	wikiURL, api, prefix    string
	since, contact, mapFile string
	set                     map[string]bool // flags given
}

// only refuses the flags given that the import of kind does not take.
func (o *importFlags) only(kind string, names ...string) error {
	for _, n := range []string{"wiki-url", "api", "prefix", "since", "contact", "map"} {
		if o.set[n] && !contains(names, n) {
			return usageError{fmt.Sprintf("--%s is not a flag of incidents import %s", n, kind)}
		}
	}
	if o.dryRun && o.write {
		return usageError{"--dry-run and --write contradict each other; give one"}
	}
	if o.source == "" {
		return usageError{"--source must not be empty"}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// importRun is one import: the content folder, the writer, the summary.
type importRun struct {
	e       *env
	o       *importFlags
	site    *siteconfig.Site
	w       *importer.Writer
	dry     bool
	reports int // reports in the archive before the import
	sum     importer.Summary
}

// open checks the content folder against the sources (the import may not
// write where it reads) and opens the writer, deciding on a dry run.
func (o *importFlags) open(ctx context.Context, e *env, sources []string, sourceDirsMayHoldContent bool, known func(string) bool) (*importRun, error) {
	if info, err := os.Stat(o.source); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("content folder %s does not exist; create it (mkdir %s), or give the folder that holds site.yaml and incidents/ with --source", o.source, o.source)
	}
	if err := checkOverlap(o.source, sources, sourceDirsMayHoldContent); err != nil {
		return nil, err
	}
	site, err := loadSite(e, o.source)
	if err != nil {
		return nil, err
	}
	r := &importRun{e: e, o: o, site: site}
	r.w, err = importer.NewWriter(ctx, importer.Options{
		Content: o.source, Label: filepath.ToSlash(o.source), Site: site,
		DryRun: o.dryRun, Recreate: o.recreate, Known: known,
	})
	if err != nil {
		return nil, err
	}
	// Into an archive that holds reports, only --write writes.
	r.reports = len(r.w.Existing())
	r.dry = o.dryRun || (!o.write && r.reports > 0)
	r.w.SetDryRun(r.dry)
	return r, err
}

// write writes one report and prints what a person should read about it.
func (r *importRun) write(rep *importer.Report) error {
	res, err := r.w.Write(rep)
	if err != nil {
		return err
	}
	r.sum.Add(res)
	for _, l := range importer.Lines(res) {
		fmt.Fprintln(r.e.stderr, l)
	}
	return nil
}

// skip counts and names a source that is not a report.
func (r *importRun) skip(res importer.Result) {
	r.sum.Add(res)
	for _, l := range importer.Lines(res) {
		fmt.Fprintln(r.e.stderr, l)
	}
}

// finish saves the state, prints the table, and fails when reports were
// refused.
func (r *importRun) finish(readErr error) error {
	closeErr := r.w.Close()
	if readErr != nil || closeErr != nil {
		fmt.Fprintln(r.e.stdout)
	}
	r.sum.Print(r.e.stdout, filepath.ToSlash(r.o.source), r.dry)
	switch {
	case r.dry && !r.o.dryRun:
		fmt.Fprintf(r.e.stdout, "\nThis was a dry run: %s already holds %s. Check the warnings above, then run again with --write.\n", filepath.ToSlash(r.o.source), plural.Count(r.reports, "report"))
	case r.dry:
		fmt.Fprintf(r.e.stdout, "\nThis was a dry run; --write writes.\n")
	}
	if closeErr != nil {
		return closeErr
	}
	if readErr != nil {
		return readErr
	}
	if n := r.sum.Count(importer.Refused); n > 0 {
		fmt.Fprintf(r.e.stderr, "incidents import: %s refused (named above); the others were %s\n", plural.Count(n, "report"), map[bool]string{true: "checked", false: "imported"}[r.dry])
		return errQuiet
	}
	return nil
}

func importWiki(ctx context.Context, e *env, o *importFlags, inputs []string) error {
	if err := o.only("wiki", "wiki-url", "api", "prefix", "since", "contact"); err != nil {
		return err
	}
	wikiURL, err := wikiBase(o.wikiURL, o.api)
	if err != nil {
		return err
	}
	var since time.Time
	if o.api == "" {
		for _, n := range []string{"prefix", "since", "contact"} {
			if o.set[n] {
				return usageError{fmt.Sprintf("--%s goes with --api", n)}
			}
		}
		if len(inputs) == 0 {
			return usageError{"give an XML export, a folder of .wiki files or .wiki files, or --api URL"}
		}
	} else {
		if len(inputs) > 0 {
			return usageError{fmt.Sprintf("give --api or files, not both (%q)", inputs[0])}
		}
		if u, err := url.Parse(o.api); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{fmt.Sprintf("--api %q is not an http or https URL", o.api)}
		}
		if strings.TrimSpace(o.contact) == "" {
			return usageError{"--api needs --contact EMAIL|URL: wikis ask every client to say who runs it, in its User-Agent"}
		}
		if since, err = dateFlag("since", o.since); err != nil {
			return err
		}
	}
	files, err := wikiFiles(inputs, o.source)
	if err != nil {
		return err
	}
	resolver := importer.NewResolver(wiki.IDFromTitle)
	r, err := o.open(ctx, e, inputs, true, resolver.Known)
	if err != nil {
		return err
	}
	for _, id := range r.w.Existing() {
		resolver.AddID(id)
	}

	// Pass 1: every title (and where each redirect leads), without the
	// text, to resolve links between the pages: with --since too, since
	// a changed page may link to one that did not change. Pass 2: each
	// page converted and written, one at a time.
	var titles, read func(fn func(mediawiki.Page) error) error
	if o.api != "" {
		client := &mediawiki.Client{URL: o.api, UserAgent: mediawiki.UserAgent(version(), o.contact)}
		titles = func(fn func(mediawiki.Page) error) error { return client.Titles(ctx, o.prefix, fn) }
		read = func(fn func(mediawiki.Page) error) error { return client.Pages(ctx, o.prefix, since, fn) }
	} else {
		titles = func(fn func(mediawiki.Page) error) error { return readWikiFiles(files, false, fn) }
		read = func(fn func(mediawiki.Page) error) error { return readWikiFiles(files, true, fn) }
	}
	type redirect struct{ from, to string }
	var redirects []redirect
	err = titles(func(p mediawiki.Page) error {
		if p.Redirect != "" {
			redirects = append(redirects, redirect{p.Title, p.Redirect})
		} else if id, ok := wiki.IDFromTitle(p.Title); ok {
			resolver.Add(p.Title, id)
		}
		return ctx.Err()
	})
	if err != nil {
		return r.finish(err)
	}
	for _, rd := range redirects {
		resolver.AddRedirect(rd.from, rd.to)
	}
	opt := wiki.Options{Site: r.site, WikiURL: wikiURL, Incident: resolver.Resolve}
	err = read(func(p mediawiki.Page) error {
		r.sum.Read++
		switch _, dated := wiki.IDFromTitle(p.Title); {
		case p.Problem != "":
			r.skip(importer.Result{Source: pageSource(p), Outcome: importer.Skipped, Reason: "not read: " + p.Problem})
			return nil
		case p.Redirect != "":
			r.skip(importer.Result{Source: pageSource(p), Outcome: importer.Skipped, Reason: "a redirect to " + p.Redirect})
			return nil
		case !dated:
			// Reports' titles start with their date; an index, template
			// or how-to page under the same prefix does not.
			r.skip(importer.Result{Source: pageSource(p), Outcome: importer.Skipped, Reason: "the title names no date, as a report's does (\"Incidents/2025-03-31 name\"): not a report"})
			return nil
		}
		rep := wiki.Convert(p, opt)
		if rep.ImportedFrom == "" {
			rep.ImportedFrom = pageSource(p)
		}
		if rep.SourceHash == "" {
			sum := sha256.Sum256([]byte(p.Text))
			rep.SourceHash = hex.EncodeToString(sum[:])
		}
		if err := r.write(rep); err != nil {
			return err
		}
		return ctx.Err()
	})
	approx := resolver.Approximate()
	for _, title := range sortedKeys(approx) {
		fmt.Fprintf(e.stderr, "wiki: link to %q taken as report %q, the one of that date with most of its words; check it\n", title, approx[title])
		r.sum.AddWarning("link matched by likeness")
	}
	return r.finish(err)
}

// pageSource is a page's imported_from: "wiki: TITLE @ REVISION", or
// the file it was read from.
func pageSource(p mediawiki.Page) string {
	if p.RevisionID == 0 && p.Source != "" && mediawiki.IsWikitextFile(p.Source) {
		return p.Source
	}
	if p.RevisionID == 0 {
		return "wiki: " + p.Title
	}
	return fmt.Sprintf("wiki: %s @ %d", p.Title, p.RevisionID)
}

// wikiBase is where the wiki's pages live: --wiki-url, or next to the
// API (https://host/w/api.php gives https://host/wiki/).
func wikiBase(wikiURL, api string) (string, error) {
	if wikiURL == "" {
		if api == "" {
			return "", nil
		}
		u, err := url.Parse(api)
		if err != nil {
			return "", nil // reported with --api
		}
		return u.Scheme + "://" + u.Host + "/wiki/", nil
	}
	u, err := url.Parse(wikiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageError{fmt.Sprintf("--wiki-url %q is not an http or https URL", wikiURL)}
	}
	if !strings.HasSuffix(wikiURL, "/") {
		wikiURL += "/"
	}
	return wikiURL, nil
}

// wikiSource is one input of a wiki import.
type wikiSource struct {
	path string
	xml  bool
}

// wikiFiles lists the inputs: XML exports, and wikitext files (those of
// a folder, sorted, hidden ones and the content folder skipped), named as
// mediawiki.IsWikitextFile names them.
func wikiFiles(inputs []string, content string) ([]wikiSource, error) {
	var out []wikiSource
	for _, in := range inputs {
		info, err := os.Stat(in)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", in, errors.Unwrap(err))
		}
		switch {
		case info.IsDir():
			var found []string
			err := filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() && p != in && (strings.HasPrefix(d.Name(), ".") || sameFile(p, content)) {
					return filepath.SkipDir
				}
				if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") && mediawiki.IsWikitextFile(d.Name()) {
					found = append(found, p)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", in, err)
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("%s holds no wikitext files (.wiki, .wikitext, .mediawiki, .txt)", in)
			}
			sort.Strings(found)
			for _, p := range found {
				out = append(out, wikiSource{path: p})
			}
		case strings.HasSuffix(strings.ToLower(in), ".xml"):
			out = append(out, wikiSource{path: in, xml: true})
		case mediawiki.IsWikitextFile(in):
			out = append(out, wikiSource{path: in})
		default:
			return nil, usageError{fmt.Sprintf("%s is neither an XML export (.xml), a wikitext file (.wiki, .wikitext, .mediawiki, .txt) nor a folder of them", in)}
		}
	}
	return out, nil
}

// readWikiFiles calls fn with every page of the sources, in order; with
// withText false, without the pages' text (mediawiki.ExportTitles,
// mediawiki.FileTitles): the first pass of an import.
func readWikiFiles(sources []wikiSource, withText bool, fn func(mediawiki.Page) error) error {
	readFiles, readExport := mediawiki.ReadFiles, mediawiki.ReadExport
	if !withText {
		readFiles, readExport = mediawiki.FileTitles, mediawiki.ExportTitles
	}
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := readFiles(batch, fn)
		batch = nil
		return err
	}
	for _, s := range sources {
		if !s.xml {
			batch = append(batch, s.path)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		f, err := os.Open(s.path)
		if err != nil {
			return err
		}
		err = readExport(bufio.NewReaderSize(f, 1<<16), s.path, fn)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading %s: %w", s.path, err)
		}
	}
	return flush()
}

func importMarkdown(ctx context.Context, e *env, o *importFlags, inputs []string) error {
	if err := o.only("markdown", "map"); err != nil {
		return err
	}
	if len(inputs) != 1 {
		return usageError{"give one folder of Markdown reports: incidents import markdown DIR --map FILE"}
	}
	if o.mapFile == "" {
		return usageError{"give the mapping file with --map FILE (see docs/import.md)"}
	}
	dir := inputs[0]
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("%s is not a folder of Markdown reports", dir)
	}
	if err := checkOverlap(o.source, []string{dir}, false); err != nil {
		return err
	}
	data, err := os.ReadFile(o.mapFile)
	if err != nil {
		return fmt.Errorf("reading the mapping: %w", err)
	}
	mapping, err := mdimport.ParseMapping(filepath.ToSlash(o.mapFile), data)
	if err != nil {
		return err
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(strings.ToLower(d.Name()), ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	sort.Strings(files)

	// Pass 1 converts every file for its id, so that related may name a
	// report imported after it; pass 2 converts again and writes.
	ids := map[string]bool{}
	r, err := o.open(ctx, e, []string{dir}, false, func(id string) bool { return ids[id] })
	if err != nil {
		return err
	}
	for _, id := range r.w.Existing() {
		ids[id] = true
	}
	convert := func(p string) (*importer.Report, error) {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		return mdimport.Convert(filepath.ToSlash(p), data, mapping, mdimport.Options{Site: r.site}), nil
	}
	for _, p := range files {
		rep, err := convert(p)
		if err != nil {
			return r.finish(err)
		}
		if rep.ID != "" {
			ids[rep.ID] = true
		}
	}
	for _, p := range files {
		r.sum.Read++
		rep, err := convert(p)
		if err == nil {
			if rep.ImportedFrom == "" {
				rep.ImportedFrom = filepath.ToSlash(p)
			}
			if rep.SourceHash == "" {
				data, _ := os.ReadFile(p)
				sum := sha256.Sum256(data)
				rep.SourceHash = hex.EncodeToString(sum[:])
			}
			err = r.write(rep)
		}
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return r.finish(err)
		}
	}
	return r.finish(nil)
}

// checkOverlap refuses an import that could write over what it reads:
// the writer writes only under content/incidents/ and the state file, so
// no source may lie there, and no source folder may hold the content
// folder's incidents/ (unless dirsMayHoldContent: a wiki import reads
// only .wiki files and skips the content folder).
func checkOverlap(content string, sources []string, dirsMayHoldContent bool) error {
	incidents := realPath(filepath.Join(content, "incidents"))
	state := realPath(filepath.Join(content, importer.StateFile))
	for _, s := range sources {
		src := realPath(s)
		info, err := os.Stat(s)
		isDir := err == nil && info.IsDir()
		switch {
		case src == state || within(src, incidents):
			return usageError{fmt.Sprintf("%s is inside %s, where the import writes: import from a copy kept elsewhere", s, filepath.Join(content, "incidents"))}
		case isDir && within(incidents, src) && !dirsMayHoldContent:
			return usageError{fmt.Sprintf("%s holds the content folder %s, where the import writes: the import would read its own reports; import from a folder that holds only the reports to import", s, content)}
		}
	}
	return nil
}

// realPath is p absolute, with symbolic links resolved as far as they
// exist (see resolvePath).
func realPath(p string) string {
	if real, err := resolvePath(p); err == nil {
		return real
	}
	return filepath.Clean(p)
}

// sameFile reports whether a and b are the same folder.
func sameFile(a, b string) bool { return realPath(a) == realPath(b) }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
