// Package render turns the archive model, and the facts the analysis stage
// found in it (package facts: rendered bodies, the mention graph, repeats,
// the recurrence index, the trends), into the files of the static site. It
// computes no fact of its own: it formats.
//
// Templates are parsed once per build from the layouts file system. Every
// page is executed into a buffer and written by a pool of workers. Render
// writes into a folder it is given; making the result visible atomically
// is package publish's job.
package render

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/trends"
)

// Options configure a render.
type Options struct {
	// BaseURL is where the site will be served, with a trailing slash:
	// "https://incidents.example.org/" or just "/". Links inside the site are
	// root-relative under its path; feeds and the sitemap use it whole.
	BaseURL string
	// Layouts holds the templates and static/ assets.
	Layouts fs.FS
	// Version is printed in the footer.
	Version string
	// Workers is the number of pages rendered at once; 0 means one per CPU.
	Workers int
	// SearchAPI is the path of the search API that the /search/ page
	// calls, such as "/api/search", when the site is served by `incidents
	// serve`; empty means the page searches the static index in the
	// browser.
	SearchAPI string
	// SitemapLimit is the most URLs one sitemap file lists; a site with
	// more pages gets a sitemap index (see docs/site.md). 0 means the
	// sitemap protocol's own limit, 50,000, which is also the most.
	SitemapLimit int
	// Progress, when set, is told how far writing the pages ("writing")
	// has got.
	Progress func(stage string, done, total int)
	// ListPageSize is the number of rows on each page of a list of
	// reports or terms; 0 means 200.
	ListPageSize int
	// Reuse, when set, keeps the pages whose inputs are those the
	// published page was made from (see keys.go); Stats.Keys then holds
	// every page's key, for the next build's Reuse.Previous.
	Reuse *Reuse
}

// Stats describes what a render wrote.
type Stats struct {
	Pages   int   // HTML pages
	Files   int   // every file, pages included
	Changed int   // files written because their content changed; the rest were kept
	Bytes   int64 // total size
	// Kept counts the pages kept as published without rendering them,
	// and Keys holds the input key of every page that has one (both with
	// Options.Reuse).
	Kept int
	Keys map[string]PageKey
}

// site is the state of one render.
type site struct {
	arc     *archive.Archive
	facts   *facts.Facts // of arc
	opts    Options
	root    string // path of the site root, "/" or "/archive/"
	absBase string // BaseURL
	tmpl    map[string]*template.Template

	rows          []rowCell                           // table rows, aligned with arc.Incidents
	chrome        map[string]chrome                   // header and footer by section
	assets        template.HTML                       // links to the stylesheet, icon and feed
	scoreRowCache map[string]template.HTML            // scoreKey(rubric key, answer) → scorecard line
	termLinks     map[string]map[string]template.HTML // kind → term → link

	// What repeat detection found, related (see repeats.go).
	rep        *analysis.Index
	checkCfg   analysis.Config
	rubricKeys []string
	questions  map[string]string // rubric key → question
	checkNote  template.HTML     // on incident pages with computed answers
	scoreRules template.HTML     // on /repeats/

	trends *trends.Trends // every trend figure (see trends.go)

	// Input keys of the pages (see keys.go), with Options.Reuse.
	pageSize int // Options.ListPageSize, or listPageSize
	// day is the start of the build's day in the working hours' zone, to
	// which open tasks' ages run: every build of a day shows the same
	// pages, as the whole-build stamp and the page keys assume.
	day time.Time

	globalKey  PageKey
	reportKeys []reportKey // by position in the archive
	keysMu     sync.Mutex
	// keyPool recycles the keyWriters of the pages' keys (newKey, done).
	keyPool sync.Pool
	keys    map[string]PageKey
	kept    atomic.Int64

	out       *publish.Folder
	sink      func(rel string, data []byte) // instead of out, for Pages
	bytes     atomic.Int64
	files     atomic.Int64
	changed   atomic.Int64
	pathsMu   sync.Mutex
	htmlPaths []string
}

// Root is the path of the site root of a base URL ("https://x.example/archive/"
// → "/archive/"), which links inside the site start with.
func Root(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", fmt.Errorf("base URL: %w", err)
	}
	if u.Path == "" {
		return "/", nil
	}
	return u.Path, nil
}

// ReservedIDs are the element ids the layouts give their own sections;
// headings in reports and pages must not take them (see
// facts.Options.ReservedIDs).
func ReservedIDs() []string { return slices.Clone(reservedIDs) }

// Render writes the whole site for the archive of f into the build folder
// out. Files already there are overwritten or, when unchanged, kept; files
// the site does not have are left for the caller to remove. f must have
// been computed for the site root of opts.BaseURL, with ReservedIDs.
//
// Render drops the HTML of each report's body from f once its page is
// written: nothing else reads it, and f cannot render pages again. It
// refuses facts without the HTML (facts.Options.NoHTML, or a second
// render) or without the trends (facts.Options.NoTrends).
func Render(ctx context.Context, f *facts.Facts, out *publish.Folder, opts Options) (Stats, error) {
	if err := renderable(f, true); err != nil {
		return Stats{}, err
	}
	s, err := newSite(f, out, opts)
	if err != nil {
		return Stats{}, err
	}
	if r := opts.Reuse; r != nil {
		out.ExpectPublished(r.Published)
	}
	jobs, dirs := s.jobs()
	if err := s.makeDirs(dirs); err != nil {
		return Stats{}, err
	}
	if err := s.run(ctx, jobs); err != nil {
		return Stats{}, err
	}
	if err := s.copyStatic(); err != nil {
		return Stats{}, err
	}
	if err := s.writeSitemap(); err != nil {
		return Stats{}, err
	}
	return Stats{Pages: len(s.htmlPaths), Files: int(s.files.Load()), Changed: int(s.changed.Load()), Bytes: s.bytes.Load(),
		Kept: int(s.kept.Load()), Keys: s.keys}, nil
}

// Selection chooses the pages Pages renders: those of Reports, and with
// Lists the year and term pages that list them or that listed Old (the
// same reports as an earlier archive had them, which may have moved).
type Selection struct {
	Reports []*incident.Incident
	Lists   bool
	Old     []*incident.Incident
}

// Pages renders the pages sel chooses, as Render would write them for f,
// and returns them by their path in the site ("incidents/x/index.html"),
// writing nothing. serve's preview shows an edit this way before it
// rebuilds the whole site. Like Render, it drops the HTML of the reports it
// renders, and refuses facts without the HTML, or without the trends when
// sel.Lists asks for the lists.
func Pages(ctx context.Context, f *facts.Facts, opts Options, sel Selection) (map[string][]byte, error) {
	if err := renderable(f, sel.Lists); err != nil {
		return nil, err
	}
	s, err := newSite(f, nil, opts)
	if err != nil {
		return nil, err
	}
	pages := map[string][]byte{}
	var mu sync.Mutex
	s.sink = func(rel string, data []byte) {
		mu.Lock()
		pages[rel] = data
		mu.Unlock()
	}
	var jobs []job
	for _, in := range sel.Reports {
		jobs = append(jobs, s.incidentJob(in))
	}
	if sel.Lists {
		jobs = append(jobs, s.listsOf(append(slices.Clone(sel.Reports), sel.Old...))...)
	}
	if err := s.run(ctx, jobs); err != nil {
		return nil, err
	}
	return pages, nil
}

// renderable tells why f cannot be rendered into pages, if it cannot:
// without the bodies' HTML, and, when lists (the year, term and trend
// pages) are to be rendered, without the trends.
func renderable(f *facts.Facts, lists bool) error {
	if !f.HasHTML() {
		return errors.New("render: the facts hold no HTML of the bodies (computed with NoHTML, or already rendered once); compute them again")
	}
	if lists && f.Trends == nil {
		return errors.New("render: the facts hold no trends (computed with NoTrends), which the lists and the trend pages show")
	}
	return nil
}

// newSite prepares the render of f with opts into out (nil for Pages).
func newSite(f *facts.Facts, out *publish.Folder, opts Options) (*site, error) {
	root, err := Root(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	s := &site{arc: f.Archive, facts: f, opts: opts, out: out, root: root, absBase: opts.BaseURL}
	if f.Root != s.root {
		return nil, fmt.Errorf("the bodies link under %q, the site is at %q", f.Root, s.root)
	}
	if err := s.prepare(); err != nil {
		return nil, err
	}
	return s, nil
}

// reservedIDs are the element ids the layouts give their own sections;
// headings in reports and pages must not take them.
var reservedIDs = []string{"main", "site-search", "home-search", "metadata-h", "toc-h", "scorecard", "action-items", "repeats-h", "links-h", "terms-h"}

// prepare parses the templates and takes what it needs from the facts.
func (s *site) prepare() error {
	var err error
	s.checkCfg = s.facts.Scorecard
	s.rep = s.facts.Recurrence
	s.trends = s.facts.Trends
	s.prepareChecks()
	loc := s.arc.Site.WorkingHours.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := s.facts.Now.In(loc).Date()
	s.day = time.Date(y, m, d, 0, 0, 0, 0, loc)
	s.pageSize = listPageSize
	if s.opts.ListPageSize > 0 {
		s.pageSize = s.opts.ListPageSize
	}
	s.prepareKeys()
	s.rows = make([]rowCell, len(s.arc.Incidents))
	s.tmpl, err = parseTemplates(s.opts.Layouts, s.funcs())
	if err != nil {
		return err
	}
	if err := s.prepareChrome(); err != nil {
		return err
	}
	if s.opts.Workers <= 0 {
		s.opts.Workers = runtime.GOMAXPROCS(0)
	}
	return nil
}

// rowCell is a report's table row, rendered the first time a list shows
// it and reused by every other list: most builds keep most lists as
// published (see keys.go), and render few rows.
type rowCell struct {
	once sync.Once
	html template.HTML
	err  error
}

// row is the table row of in.
func (s *site) row(in *incident.Incident) (template.HTML, error) {
	i, ok := s.facts.Position(in)
	if !ok {
		return "", fmt.Errorf("report %s is not in the archive the facts were computed for", in.ID)
	}
	c := &s.rows[i]
	c.once.Do(func() { c.html, c.err = s.fragment("incident-row", s.newRow(in)) })
	return c.html, c.err
}

// listsOf returns the jobs of the year and term pages that list the
// reports ins.
func (s *site) listsOf(ins []*incident.Incident) []job {
	years := map[int]bool{}
	terms := map[*archive.Term]*archive.Taxonomy{}
	for _, in := range ins {
		years[in.Year()] = true
		for _, t := range s.arc.Taxonomies {
			for _, name := range t.Values(in) {
				if term, ok := t.Term(name); ok {
					terms[term] = t
				}
			}
		}
	}
	var jobs []job
	for _, y := range s.arc.Years {
		if years[y.Year] {
			jobs = append(jobs, s.listJobs(y)...)
		}
	}
	for _, t := range s.arc.Taxonomies {
		for _, term := range t.Terms {
			if terms[term] == t {
				jobs = append(jobs, s.termJobs(t, term)...)
			}
		}
	}
	return jobs
}

// progress reports a stage's advance to Options.Progress, every 64 items
// and at the end, one report at a time.
type progress struct {
	report func(stage string, done, total int)
	stage  string
	total  int
	done   atomic.Int64
	mu     sync.Mutex
}

func (s *site) newProgress(stage string, total int) *progress {
	return &progress{report: s.opts.Progress, stage: stage, total: total}
}

func (p *progress) step() {
	if p.report == nil {
		return
	}
	if n := int(p.done.Add(1)); n%64 == 0 || n == p.total {
		p.mu.Lock()
		p.report(p.stage, n, p.total)
		p.mu.Unlock()
	}
}

// ioWorkers is how many file-system operations run at once. Creating
// files and folders spends most of its time waiting in the kernel, so more
// of them than CPUs keeps both the disk and the CPUs busy.
const ioWorkers = 8

// makeDirs creates the output folders.
func (s *site) makeDirs(dirs []string) error { return s.out.MakeDirs(dirs) }

// writeStream writes rel through a buffered writer, for files too large to
// build in memory.
func (s *site) writeStream(rel string, fill func(w *bufio.Writer) error) error {
	n, err := s.out.WriteStream(rel, fill)
	if err != nil {
		return err
	}
	s.bytes.Add(n)
	s.files.Add(1)
	s.changed.Add(1)
	return nil
}

// job renders one output file into buf and returns its path relative to
// the site root; a job that wrote its file itself returns "".
type job func(buf *bytes.Buffer) (rel string, err error)

// run executes the jobs. Each worker renders a page and writes it; since
// writing mostly waits on the kernel, there are more workers than CPUs.
func (s *site) run(ctx context.Context, jobs []job) error {
	workers := max(s.opts.Workers, ioWorkers)
	bufs := make([]bytes.Buffer, workers)
	progress := s.newProgress("writing", len(jobs))
	return parallel.Each(ctx, workers, len(jobs), func(w, i int) error {
		buf := &bufs[w]
		if buf.Cap() > 1<<20 {
			*buf = bytes.Buffer{} // do not keep a large page's buffer alive
		}
		buf.Reset()
		rel, err := jobs[i](buf)
		if err == nil && rel != "" {
			err = s.write(rel, buf.Bytes())
		}
		if err != nil {
			return err
		}
		progress.step()
		return nil
	})
}

// write stores data at rel under the output folder.
func (s *site) write(rel string, data []byte) error {
	if s.sink != nil {
		s.sink(rel, bytes.Clone(data)) // data is the worker's buffer
		return nil
	}
	changed, err := s.out.WriteFile(rel, data)
	if err != nil {
		return err
	}
	s.bytes.Add(int64(len(data)))
	s.files.Add(1)
	if changed {
		s.changed.Add(1)
	}
	if strings.HasSuffix(rel, ".html") && rel != "404.html" {
		s.pathsMu.Lock()
		s.htmlPaths = append(s.htmlPaths, rel)
		s.pathsMu.Unlock()
	}
	return nil
}

func (s *site) execute(buf *bytes.Buffer, page string, data any) error {
	t := s.tmpl[page]
	if err := t.ExecuteTemplate(buf, "base", data); err != nil {
		return fmt.Errorf("layout %s: %w", page, err)
	}
	return nil
}

// copyStatic copies static/ from the layouts to /static/.
func (s *site) copyStatic() error {
	return fs.WalkDir(s.opts.Layouts, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(s.opts.Layouts, p)
		if err != nil {
			return fmt.Errorf("reading layout %s: %w", p, err)
		}
		return s.write(p, data)
	})
}

// Timestamps in feeds must not depend on the clock, so that two builds of
// the same content are identical.
func newest(ins []*incident.Incident) time.Time {
	var t time.Time
	for _, in := range ins {
		if u := updated(in); u.After(t) {
			t = u
		}
	}
	if t.IsZero() {
		t = time.Unix(0, 0).UTC()
	}
	return t
}

func updated(in *incident.Incident) time.Time {
	if in.HasEnd() {
		return in.End
	}
	return in.Start
}
