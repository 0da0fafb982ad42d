package generator

import (
	"context"
	"runtime"

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

// The "lint" entry of the build cache: what package lint found in each
// report, under the input key of the report's page (render.PageKey). The
// linter reads the report, site.yaml, tasks.json and what the recurrence
// index says of the report (its likely repeats, its computed scorecard
// answers), all of which the page shows and its key covers; an unchanged
// key is an unchanged finding. The diagnostics name files as the content
// folder was given (Config.Source), which the entry's key holds.

// lintFindings are the diagnostics of each report, by its page's key.
type lintFindings map[render.PageKey][]diag.Diagnostic

// appendBinary lays the findings out with package wire: their number,
// then each page's key and its diagnostics (appendDiagnostics). A
// hundred thousand reports' warnings are tens of megabytes, read and
// written by every build: gob took five times as long.
func (l lintFindings) appendBinary(b []byte) []byte {
	b = wire.AppendUint(b, uint64(len(l)))
	for k, ds := range l {
		b = append(b, k[:]...)
		b = appendDiagnostics(b, ds)
	}
	return b
}

// decodeLintFindings reads what appendBinary wrote.
func decodeLintFindings(data []byte) (lintFindings, error) {
	r := wire.NewStringsReader(data)
	n := r.Uint()
	if n > uint64(len(data)) {
		r.Fail()
	}
	out := make(lintFindings, min(n, uint64(len(data))))
	for range n {
		var k render.PageKey
		raw := r.Raw(len(k))
		if r.Err() != nil {
			break
		}
		copy(k[:], raw)
		out[k] = readDiagnostics(r)
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return out, nil
}

func lintEntryKey(cfg Config) string {
	return buildcache.Key("lint", cfg.Cache.Program(), cfg.Source)
}

// lintReports adds to diags what package lint finds in the reports of
// arc, related through the recurrence index x of the analysis stage, on a
// worker per CPU (workers 0) since nothing else runs then; each worker has
// a lint.Checker of its own. With keys (the input keys of the pages just
// rendered, by path) and a cache, it takes the findings of each report
// whose page's key is unchanged from the cache, and stores them all again.
// bodies, when not nil, holds what lint.Body found in each report's body
// (aligned with arc.Incidents), whose Markdown the build has released.
func lintReports(ctx context.Context, cfg Config, arc *archive.Archive, x *analysis.Index, keys map[string]render.PageKey, bodies []lint.BodyFindings, diags *diag.List) error {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var prev lintFindings
	useCache := cfg.Cache != nil && keys != nil
	if useCache && !cfg.Cold {
		if data, ok := cfg.Cache.Get("lint", lintEntryKey(cfg)); ok {
			prev, _ = decodeLintFindings(data)
		}
	}
	keyOf := func(in *incident.Incident) (render.PageKey, bool) {
		k, ok := keys["incidents/"+in.Slug+"/index.html"]
		return k, ok
	}
	found := make([]diag.List, len(arc.Incidents))
	checkers := make([]*lint.Checker, workers)
	for w := range checkers {
		checkers[w] = lint.New(arc.Site, x).WithTasks(arc.Tasks)
	}
	err := parallel.Each(ctx, workers, len(arc.Incidents), func(w, i int) error {
		in := arc.Incidents[i]
		if k, ok := keyOf(in); ok {
			if ds, ok := prev[k]; ok {
				for _, d := range ds {
					found[i].Add(d)
				}
				return nil
			}
		}
		if bodies != nil {
			checkers[w].ReportWith(in, bodies[i], &found[i])
		} else {
			checkers[w].Report(in, &found[i])
		}
		return nil
	})
	if err != nil {
		return err
	}
	next := lintFindings{}
	for i, in := range arc.Incidents {
		diags.Merge(&found[i])
		if k, ok := keyOf(in); ok {
			next[k] = found[i].All()
		}
	}
	if useCache {
		// A cache that cannot be written costs the next build time, not
		// correctness.
		_ = cfg.Cache.Put("lint", lintEntryKey(cfg), next.appendBinary(nil))
	}
	return nil
}
