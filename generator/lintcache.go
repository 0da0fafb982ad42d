package generator

import (
	"context"
	"runtime"
	"strings"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/lint"
	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/generator/render"
)

// The "lint" entry of the build cache holds what package lint found in
// each report, one record (buildcache.Records) per report, named by the
// input key of the report's page (render.PageKey). The linter reads the
// report, site.yaml, tasks.json and what the recurrence index says of the
// report (its likely repeats, its computed scorecard answers), all of which
// the page shows and its key covers; an unchanged key is an unchanged
// finding. The diagnostics name files as the content folder was given
// (Config.Source), which the entry's key holds. A build writes the records
// of the reports whose keys changed, not the whole entry: a hundred
// thousand reports' warnings are tens of megabytes.

func lintEntryKey(cfg Config) string {
	return buildcache.Key("lint", cfg.Cache.Program(), cfg.Source)
}

// lintReports adds to diags what package lint finds in the reports of
// arc, related through the recurrence index x of the analysis stage, on a
// worker per CPU (workers 0) since nothing else runs then; each worker has
// a lint.Checker of its own. With keys (the input keys of the pages just
// rendered, by path) and a cache, it takes the findings of each report
// whose page's key is unchanged from the cache, and stores the others.
// bodies, when not nil, holds what lint.Body found in each report's body
// (aligned with arc.Incidents), whose Markdown the build has released.
func lintReports(ctx context.Context, cfg Config, arc *archive.Archive, x *analysis.Index, keys map[string]render.PageKey, bodies []lint.BodyFindings, diags *diag.List) error {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var recs *buildcache.Records
	if cfg.Cache != nil && keys != nil {
		recs = cfg.Cache.OpenRecords("lint", lintEntryKey(cfg), !cfg.Cold)
	}
	keyOf := func(in *incident.Incident) (render.PageKey, bool) {
		k, ok := keys["incidents/"+in.Slug+"/index.html"]
		return k, ok
	}
	found := make([][]diag.Diagnostic, len(arc.Incidents))
	shared := make([]map[string]string, workers) // each worker's, for shareStrings
	for w := range shared {
		shared[w] = map[string]string{}
	}
	checkers := make([]*lint.Checker, workers)
	for w := range checkers {
		checkers[w] = lint.New(arc.Site, x).WithTasks(arc.Tasks)
	}
	err := parallel.Each(ctx, workers, len(arc.Incidents), func(w, i int) error {
		in := arc.Incidents[i]
		k, keyed := keyOf(in)
		keyed = keyed && recs != nil
		if keyed {
			if value, ok := recs.Get(string(k[:])); ok {
				r := wire.NewStringsReader(value)
				ds := readDiagnostics(r)
				if r.Done() == nil {
					shareStrings(ds, in.Path, shared[w])
					found[i] = ds
					return nil
				}
			}
		}
		var l diag.List
		if bodies != nil {
			checkers[w].ReportWith(in, bodies[i], &l)
		} else {
			checkers[w].Report(in, &l)
		}
		found[i] = l.Items()
		if keyed {
			recs.Put(string(k[:]), appendDiagnostics(nil, found[i]))
		}
		return nil
	})
	if err != nil {
		if recs != nil {
			// What was written stays usable, and the entry's file is
			// closed (serve stops stale rebuilds this way).
			_ = recs.Save()
		}
		return err
	}
	total := 0
	for _, ds := range found {
		total += len(ds)
	}
	diags.Grow(total)
	for i, ds := range found {
		diags.AddAll(ds)
		found[i] = nil
	}
	if recs != nil {
		saveRecords(cfg, recs, diags)
	}
	return nil
}

// shareStrings makes the strings of ds, read from a cache record, share
// memory with the report's path (path) and, through shared, with every
// other diagnostic of the same field or message, rather than hold on to
// the record: at 100,000 reports, half a million warnings, about three in
// four of them saying what another one says, held 58 MB of records while
// the repeat lists were still alive.
func shareStrings(ds []diag.Diagnostic, path string, shared map[string]string) {
	share := func(s string) string {
		if v, ok := shared[s]; ok {
			return v
		}
		s = strings.Clone(s) // not the record's memory
		shared[s] = s
		return s
	}
	for k := range ds {
		d := &ds[k]
		if d.Path == path {
			d.Path = path // the report's string, not the record's copy of it
		} else {
			d.Path = share(d.Path)
		}
		d.Field = share(d.Field)
		d.Message = share(d.Message)
	}
}
