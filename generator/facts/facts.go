// Package facts is the analysis stage of a build. After the archive is
// loaded and before anything is written, Compute works out once every fact
// about the archive that an output shows, and holds them in one value:
//
//   - each report's and free page's body, parsed once by package markdown
//     into its HTML, table of contents, heading anchors, the reports its
//     prose mentions, and its plain text;
//   - the mention graph: for each report, the reports that refer to it,
//     in related, in repeat_of or in their prose;
//   - each report's possible repeats (package repeats), detected in the
//     plain text of the bodies;
//   - the recurrence index and the computed scorecard answers (package
//     analysis);
//   - the trend figures (package trends).
//
// The pages and feeds (package render), the static search index and the
// bleve index (through generator's documents), incidents check, incidents
// repeats and the linter all read Facts and compute none of it again.
//
// Compute is pure but for the caches it may be given (Options.Cache for the
// repeat lists, Options.Bodies for rendered bodies) and for the clock: with
// Options.Now zero it reads time.Now, which decides the trends' current
// period. Otherwise the same archive and options always give the same
// Facts, and a cache changes only how long that takes.
package facts

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/trends"
)

// Options configure the stage.
type Options struct {
	// Root is the path of the site root, "/" or "/archive/": the links
	// that bodies get to the reports they mention start with it.
	Root string
	// ReservedIDs are the element ids the pages around a body give their
	// own sections (render.ReservedIDs); a heading that would get one gets
	// a numbered id instead.
	ReservedIDs []string
	// RepeatConfig configures repeat detection; zero means
	// RepeatConfig(arc).
	RepeatConfig repeats.Config
	// Repeats, when not nil, are the repeat lists to use, aligned with
	// the archive's Incidents, instead of running detection: serve's
	// preview takes those of the last build.
	Repeats [][]repeats.Candidate
	// NoTrends leaves Trends nil, for a reader that shows none: serve's
	// preview of a report's page, incidents check, incidents repeats.
	NoTrends bool
	// NoHTML leaves the bodies without their HTML (markdown.Renderer.Parse
	// instead of Render), and Bodies unused, for a reader that shows no
	// page: incidents check, incidents repeats.
	NoHTML bool
	// Scorecard configures the computed scorecard answers; zero means
	// analysis.DefaultConfig. Its Tasks, when nil, is the archive's.
	Scorecard analysis.Config
	// Now is the time of the build, which decides the current period of
	// the trends and the age of open action items; zero means time.Now.
	Now time.Time
	// Workers is how many bodies are rendered at once; 0 means one per
	// CPU.
	Workers int
	// Progress, when set, is told how far rendering the bodies
	// ("rendering") has got.
	Progress func(stage string, done, total int)
	// Cache, when set, keeps the repeat lists between builds, with what
	// each was computed from, so that a build scores again only the lists
	// an edit may change (see detect); Cold skips looking there, but still
	// stores what detection finds.
	Cache *buildcache.Cache
	Cold  bool
	// Bodies, when set, keeps rendered bodies between runs (serve's in
	// memory, the build's in the build cache), keyed on a hash of the
	// Markdown and of everything the renderer links with. A
	// SlimBodyCache, with HTML, Plain and Cache set, gives the bodies it
	// holds slim (see Facts.Bodies).
	Bodies BodyCache
	// HTML, when set, keeps the reports' HTML out of memory from the
	// moment each body is rendered until its page is written (BodyPage
	// reads it back): at 100,000 reports the HTML is about 250 MB that
	// would otherwise be live through repeat detection and most of the
	// pages. The stage's other results stay in memory.
	HTML HTMLStore
	// Plain, when set, receives each report's plain text as its body is
	// rendered (Summary numbered 2i, Rest 2i+1, for Archive.Incidents[i]),
	// and the stage keeps it only until repeat detection has read it:
	// once Compute returns, the bodies' Plain is empty and Plain.Load
	// reads it back. At 100,000 reports it is some 200 MB that would
	// otherwise be live while detection scores the lists. The bodies'
	// quoted lines and anchors, which nothing after detection reads of a
	// report, are dropped then too.
	Plain HTMLStore
	// ReleaseMarkdown drops each report's Markdown (Incident.Body) once
	// its body is rendered, for a reader that never needs it again: the
	// build, whose linter has read what it needs of the bodies before
	// (lint.Body). The archive's reports are changed in place.
	ReleaseMarkdown bool
}

// HTMLStore keeps the HTML of the reports' bodies outside the heap,
// numbered as Archive.Incidents. Store is called once for each report,
// from several goroutines at once; Load after Compute has returned, from
// several goroutines at once, and may be called more than once.
type HTMLStore interface {
	Store(i int, html []byte) error
	Load(i int) ([]byte, error)
}

// BodyCache keeps rendered bodies. The stage never changes a result it
// gets from or gives to the cache, and calls Get and Put from several
// goroutines at once.
type BodyCache interface {
	Get(key string) (*markdown.Result, bool)
	Put(key string, r *markdown.Result)
}

// SlimBodyCache is a BodyCache that can give a body without the parts
// that only a few readers need (its HTML, contents, plain text, quoted
// lines and anchors) and read those back later: a build that writes few pages again
// then decodes and keeps little of the bodies it did not render (see
// Options.HTML and Options.Plain). Its methods are called from several
// goroutines at once, and until the search indexes have read the text.
type SlimBodyCache interface {
	BodyCache
	// GetSlim is Get with the mentions and tasks only
	// (markdown.DecodeSlim), and the TextSum of the whole result.
	GetSlim(key string) (*markdown.Result, [sha256.Size]byte, bool)
	// Page reads the HTML and the table of contents of the body stored
	// under key.
	Page(key string) ([]byte, []markdown.Heading, error)
	// Text reads its plain text and quoted lines.
	Text(key string) (markdown.PlainText, []string, error)
}

// Facts is what the stage found in an archive. It is read-only once
// Compute returns, but for one thing: package render drops each report's
// HTML once its page is written (DropHTML), since nothing else reads it and
// the whole archive's HTML would otherwise stay in memory to the end of the
// build. HasHTML tells whether the bodies can still be rendered into pages.
type Facts struct {
	Archive *archive.Archive
	// Root is Options.Root: the site root the bodies link under.
	Root string
	// Bodies are the reports' rendered bodies, aligned with
	// Archive.Incidents, and PageBodies the free pages', aligned with
	// Archive.Pages. With Options.HTML and Options.Plain a report's body
	// holds neither its HTML nor its plain text once Compute returns
	// (BodyPage and ReportPlain read them back), and one that came from
	// a SlimBodyCache holds only its mentions and tasks.
	Bodies     []*markdown.Result
	PageBodies []*markdown.Result
	// ReferencedBy holds, aligned with Archive.Incidents, the published
	// reports that refer to each report: those that list it in related or
	// repeat_of, and those whose prose mentions it, newest first.
	ReferencedBy [][]*incident.Incident
	// Repeats holds each report's possible repeats (earlier reports, best
	// first), aligned with Archive.Incidents, and RepeatConfig the
	// configuration detection ran with.
	Repeats      [][]repeats.Candidate
	RepeatConfig repeats.Config
	// Recurrence relates the reports through their likely repeats and
	// computes scorecard answers, with the configuration Scorecard.
	Recurrence *analysis.Index
	Scorecard  analysis.Config
	// Trends holds every trend figure; nil with Options.NoTrends.
	Trends *trends.Trends
	// Now is Options.Now, the time of the build: the end of the age of
	// the tasks still open.
	Now time.Time

	pos map[*incident.Incident]int
	// noHTML is Options.NoHTML; dropped is set once DropHTML has run.
	noHTML  bool
	dropped atomic.Bool
	// html is Options.HTML (unless NoHTML): where the reports' HTML is,
	// when set; plain is Options.Plain.
	html, plain HTMLStore
	// With a SlimBodyCache (see renderBodies): slim holds it; slimKeys,
	// aligned with Archive.Incidents, the key under which it holds the
	// body of each report that came from it slim ("" for the others);
	// bodySums each body's TextSum.
	slim     SlimBodyCache
	slimKeys []string
	bodySums [][sha256.Size]byte
}

// Compute runs the analysis stage: one parse of every body, the mention
// graph, plain text, repeat detection, the recurrence index and the trends.
// Every report and page has passed markdown.CheckLimits, as loading
// checks; the error is for a body that does not render, or ctx's.
func Compute(ctx context.Context, arc *archive.Archive, opts Options) (*Facts, error) {
	if opts.Root == "" {
		opts.Root = "/"
	}
	if opts.RepeatConfig.Top == 0 {
		opts.RepeatConfig = RepeatConfig(arc)
	}
	if opts.Scorecard == (analysis.Config{}) {
		opts.Scorecard = analysis.DefaultConfig()
	}
	if opts.Scorecard.Tasks == nil {
		opts.Scorecard.Tasks = arc.Tasks
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Repeats != nil && len(opts.Repeats) != len(arc.Incidents) {
		return nil, fmt.Errorf("%d repeat lists for %d reports", len(opts.Repeats), len(arc.Incidents))
	}
	f := &Facts{Archive: arc, Root: opts.Root, RepeatConfig: opts.RepeatConfig, Scorecard: opts.Scorecard, Now: opts.Now, noHTML: opts.NoHTML}
	if !opts.NoHTML {
		f.html = opts.HTML
	}
	f.plain = opts.Plain
	f.pos = make(map[*incident.Incident]int, len(arc.Incidents))
	for i, in := range arc.Incidents {
		f.pos[in] = i
	}
	var last *lastRepeats
	if opts.Cache != nil && !opts.Cold && opts.Repeats == nil {
		// Read beside the bodies, which take every CPU but not all of
		// their time; every return below waits for it.
		last = readLastRepeats(ctx, opts.Cache, opts.RepeatConfig)
		defer last.wait()
	}
	if err := f.renderBodies(ctx, opts); err != nil {
		return nil, err
	}
	f.mentionGraph()
	f.Repeats = opts.Repeats
	var input []repeats.Report
	if f.Repeats == nil {
		input = f.RepeatInput()
	}
	if opts.Plain != nil {
		// The input holds the only reference to the text now, and
		// detection drops it once read.
		f.dropDetectionText()
	}
	stored := func() {}
	if f.Repeats == nil {
		var load func(int) ([]string, []string, error)
		if f.slim != nil {
			load = f.loadRepeatText
		}
		var err error
		if f.Repeats, stored, err = detect(opts.Cache, last, input, opts.RepeatConfig, opts.Plain != nil, load); err != nil {
			return nil, err
		}
	}
	// The trend figures and the recurrence index are each one core's
	// work, and neither reads the other.
	var wg sync.WaitGroup
	if !opts.NoTrends {
		wg.Go(func() { f.Trends = f.computeTrends(opts.Now) })
	}
	f.Recurrence = analysis.New(arc.Incidents, f.Repeats, opts.Scorecard)
	wg.Wait()
	stored()
	return f, nil
}

// dropDetectionText drops from the bodies what only detection and the
// search indexes read: the plain text (which Options.Plain holds) and the
// quoted lines. A body's anchors go too: a report's are read by nothing
// (a free page's, which term pages check, are kept).
func (f *Facts) dropDetectionText() {
	for _, b := range f.Bodies {
		b.Plain, b.Quoted, b.Anchors = markdown.PlainText{}, nil, nil
	}
}

// Position is the index of in in Archive.Incidents, and whether it is
// there.
func (f *Facts) Position(in *incident.Incident) (int, bool) {
	i, ok := f.pos[in]
	return i, ok
}

// BodyPage is what the page of the archive's report in shows of its body:
// the HTML, from memory or read back from Options.HTML or the body cache,
// and the table of contents. Its caller must change neither.
func (f *Facts) BodyPage(in *incident.Incident) ([]byte, []markdown.Heading, error) {
	i, ok := f.pos[in]
	if !ok {
		return nil, nil, fmt.Errorf("report %s is not in the archive the facts were computed for", in.ID)
	}
	if f.slimKeys != nil && f.slimKeys[i] != "" {
		html, toc, err := f.slim.Page(f.slimKeys[i])
		if err != nil {
			return nil, nil, fmt.Errorf("reading back the HTML of %s from the build cache: %w", in.Path, err)
		}
		return html, toc, nil
	}
	if f.html == nil {
		return f.Bodies[i].HTML, f.Bodies[i].TOC, nil
	}
	html, err := f.html.Load(i)
	if err != nil {
		return nil, nil, fmt.Errorf("reading back the HTML of %s: %w", in.Path, err)
	}
	return html, f.Bodies[i].TOC, nil
}

// HasHTML reports whether the bodies hold their HTML: not when the facts
// were computed with Options.NoHTML, nor once DropHTML has dropped some.
func (f *Facts) HasHTML() bool { return !f.noHTML && !f.dropped.Load() }

// DropHTML drops the HTML of the body of the archive's report in, once its
// page is written; HasHTML is false from then on, so the same Facts cannot
// render pages again.
func (f *Facts) DropHTML(in *incident.Incident) {
	if i, ok := f.pos[in]; ok {
		f.dropped.Store(true)
		f.Bodies[i].HTML = nil
	}
}

// PageBody is the rendered body of the archive's free page p, and whether
// p is one of the archive's pages.
func (f *Facts) PageBody(p *archive.Page) (*markdown.Result, bool) {
	for i, q := range f.Archive.Pages {
		if q == p {
			return f.PageBodies[i], true
		}
	}
	return nil, false
}

// RepeatInput is what repeat detection reads of the archive, aligned with
// Archive.Incidents: the reports' fields, with their bodies as plain text.
// Bodies that came from a SlimBodyCache leave their text out, with a
// TextSum (repeats.Report): detection loads it if it reads it
// (repeats.DetectAgainLoading).
func (f *Facts) RepeatInput() []repeats.Report {
	out := make([]repeats.Report, len(f.Archive.Incidents))
	for i, in := range f.Archive.Incidents {
		out[i] = repeats.FromIncident(in, f.Bodies[i].Plain.Summary, f.Bodies[i].Plain.Rest, f.Bodies[i].Quoted, f.Bodies[i].Tasks)
		if f.bodySums != nil {
			// Every report's, slim or not, so that a report's digest is
			// the same whichever way its body came.
			out[i].TextSum = reportTextSum(in, f.bodySums[i])
			if f.slimKeys[i] != "" {
				out[i].Text, out[i].Quoted = nil, nil
			}
		}
	}
	return out
}

// reportTextSum is the TextSum (repeats.Report) of the text of in, whose
// body's is body (markdown.Result.TextSum): the title and impact, which
// repeats.FromIncident puts before the body's text, and body.
func reportTextSum(in *incident.Incident, body [sha256.Size]byte) repeats.Digest {
	h := sha256.New()
	for _, s := range []string{in.Title, in.Impact} {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	h.Write(body[:])
	var d repeats.Digest
	h.Sum(d[:0])
	return d
}

// loadRepeatText is the text of report i as RepeatInput gives it without a
// SlimBodyCache, read back from the cache.
func (f *Facts) loadRepeatText(i int) ([]string, []string, error) {
	in := f.Archive.Incidents[i]
	plain, quoted, err := f.slim.Text(f.slimKeys[i])
	if err != nil {
		return nil, nil, fmt.Errorf("%s: reading back its text from the build cache: %w", in.Path, err)
	}
	r := repeats.FromIncident(in, plain.Summary, plain.Rest, quoted, nil)
	return r.Text, r.Quoted, nil
}

// ReportPlain is the plain text of the body of the archive's report i:
// from memory, or read back from Options.Plain or the body cache once
// Compute has returned.
func (f *Facts) ReportPlain(i int) (markdown.PlainText, error) {
	in := f.Archive.Incidents[i]
	switch {
	case f.slimKeys != nil && f.slimKeys[i] != "":
		plain, _, err := f.slim.Text(f.slimKeys[i])
		if err != nil {
			return markdown.PlainText{}, fmt.Errorf("reading back the plain text of %s from the build cache: %w", in.Path, err)
		}
		return plain, nil
	case f.plain != nil:
		summary, err := f.plain.Load(2 * i)
		if err != nil {
			return markdown.PlainText{}, fmt.Errorf("reading back the plain text of %s: %w", in.Path, err)
		}
		rest, err := f.plain.Load(2*i + 1)
		if err != nil {
			return markdown.PlainText{}, fmt.Errorf("reading back the plain text of %s: %w", in.Path, err)
		}
		return markdown.PlainText{Summary: string(summary), Rest: string(rest)}, nil
	}
	return f.Bodies[i].Plain, nil
}

// RepeatConfig is repeat detection's configuration for arc: the defaults,
// with the thresholds of site.yaml.
func RepeatConfig(arc *archive.Archive) repeats.Config {
	cfg := repeats.DefaultConfig()
	for _, s := range arc.Site.Services {
		cfg.Catalogue = append(cfg.Catalogue, repeats.Service{Name: s.Name, Aliases: s.Aliases, Hosts: s.Hosts})
	}
	if t := arc.Site.Repeats; t.Likely > 0 {
		cfg.Likely = t.Likely
	}
	if t := arc.Site.Repeats; t.Similar > 0 {
		cfg.Similar = t.Similar
	}
	if cfg.Similar > cfg.Likely {
		cfg.Similar = cfg.Likely
	}
	return cfg
}

// mentionGraph fills ReferencedBy from the links the reports declare and
// the mentions their bodies make.
func (f *Facts) mentionGraph() {
	arc := f.Archive
	mentionedBy := map[string][]*incident.Incident{}
	for i, in := range arc.Incidents {
		for _, id := range f.Bodies[i].Mentions {
			if id != in.ID {
				mentionedBy[id] = append(mentionedBy[id], in)
			}
		}
	}
	f.ReferencedBy = make([][]*incident.Incident, len(arc.Incidents))
	for i, in := range arc.Incidents {
		f.ReferencedBy[i] = mergeNewestFirst(arc.RelatedBy(in.ID), mentionedBy[in.ID])
	}
}

// mergeNewestFirst merges two lists of reports, each newest first, into
// one without repeats, newest first.
func mergeNewestFirst(a, b []*incident.Incident) []*incident.Incident {
	if len(b) == 0 {
		return a
	}
	seen := map[*incident.Incident]bool{}
	var out []*incident.Incident
	for _, list := range [][]*incident.Incident{a, b} {
		for _, in := range list {
			if !seen[in] {
				seen[in] = true
				out = append(out, in)
			}
		}
	}
	// Both inputs are newest first; a stable insertion keeps it so.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Start.After(out[j-1].Start); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// computeTrends computes the figures. They are read at the start of the
// build's day, in the working-hours zone: the age of an open action item
// in whole days is all a reader needs, and an unchanged archive then
// rebuilds to the same bytes all day.
func (f *Facts) computeTrends(now time.Time) *trends.Trends {
	arc := f.Archive
	loc := arc.Site.WorkingHours.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	in := trends.Input{Incidents: arc.Incidents, Location: loc, Now: time.Date(y, m, d, 0, 0, 0, 0, loc), Questions: arc.Site.ScorecardKeys(), Tasks: arc.Tasks,
		TermName: func(kind, name string) string {
			if t := arc.Taxonomy(kind); t != nil {
				return t.TermName(name)
			}
			return name
		}}
	if f.Repeats != nil {
		// As the recurrence index will say, which is built meanwhile.
		known := func(id string) bool { _, ok := arc.Incident(id); return ok }
		in.Likely = make([]bool, len(arc.Incidents))
		for i := range arc.Incidents {
			in.Likely[i] = analysis.LikelyAmong(f.Repeats[i], known)
		}
	}
	return trends.Compute(in)
}

// progress reports the advance of rendering to Options.Progress, every
// 64 bodies and at the end, one report at a time.
type progress struct {
	report func(stage string, done, total int)
	total  int
	done   atomic.Int64
	mu     sync.Mutex
}

func (p *progress) step() {
	if p.report == nil {
		return
	}
	if n := int(p.done.Add(1)); n%64 == 0 || n == p.total {
		p.mu.Lock()
		p.report("rendering", n, p.total)
		p.mu.Unlock()
	}
}

// renderBodies renders every report's and page's body, in parallel.
func (f *Facts) renderBodies(ctx context.Context, opts Options) error {
	arc := f.Archive
	r := newBodyRenderer(arc, opts)
	ins := arc.Incidents
	f.Bodies = make([]*markdown.Result, len(ins))
	prog := &progress{report: opts.Progress, total: len(ins)}
	// A build that keeps the HTML and the plain text out of memory takes
	// the bodies it rendered before slim from a cache that can read them
	// back: their HTML and text are then read only for the pages written
	// again, the search indexes and the texts detection reads.
	if slim, ok := opts.Bodies.(SlimBodyCache); ok && r.cache != nil && f.html != nil && opts.Plain != nil && opts.Cache != nil {
		f.slim = slim
		f.slimKeys = make([]string, len(ins))
		f.bodySums = make([][sha256.Size]byte, len(ins))
	}
	err := parallel.Each(ctx, opts.Workers, len(ins), func(_, i int) error {
		var res *markdown.Result
		var err error
		if f.slim != nil {
			key := r.cacheKey(ins[i].Body)
			if res, sum, ok := f.slim.GetSlim(key); ok {
				f.slimKeys[i], f.bodySums[i] = key, sum
				if opts.ReleaseMarkdown {
					ins[i].Body = nil
				}
				f.Bodies[i] = res
				prog.step()
				return nil
			}
			// Not looked up again: rendered and put.
			res, err = r.renderMissed(ins[i].Body, key)
		} else {
			res, err = r.render(ins[i].Body)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", ins[i].Path, err)
		}
		if f.bodySums != nil {
			f.bodySums[i] = res.TextSum()
		}
		if f.html != nil {
			// res is this report's own (see bodyRenderer.render).
			if err := f.html.Store(i, res.HTML); err != nil {
				return fmt.Errorf("%s: keeping the HTML of its body: %w", ins[i].Path, err)
			}
			res.HTML = nil
		}
		if opts.Plain != nil {
			if err := opts.Plain.Store(2*i, []byte(res.Plain.Summary)); err != nil {
				return fmt.Errorf("%s: keeping the plain text of its body: %w", ins[i].Path, err)
			}
			if err := opts.Plain.Store(2*i+1, []byte(res.Plain.Rest)); err != nil {
				return fmt.Errorf("%s: keeping the plain text of its body: %w", ins[i].Path, err)
			}
		}
		if opts.ReleaseMarkdown {
			ins[i].Body = nil
		}
		f.Bodies[i] = res
		prog.step()
		return nil
	})
	if err != nil {
		return err
	}
	f.PageBodies = make([]*markdown.Result, len(arc.Pages))
	for i, p := range arc.Pages {
		if f.PageBodies[i], err = r.render(p.Body); err != nil {
			return fmt.Errorf("%s: %w", p.Path, err)
		}
	}
	return nil
}
