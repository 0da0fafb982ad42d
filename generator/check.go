package generator

import (
	"context"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/lint"
)

// Check loads the content folder as Build does, drafts included whatever
// cfg.Drafts says, runs the analysis stage on it (with cfg.Cache for the
// repeat lists, if set) and checks every report further with package
// lint: the list holds the build's errors and warnings, then lint's
// warnings. Repeat detection and the computed scorecard answers see the
// drafts as if they were published. The error is for anything but content
// problems.
func Check(ctx context.Context, cfg Config) (*archive.Archive, *diag.List, error) {
	cfg.Drafts = true
	arc, diags, err := Load(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	f, err := facts.Compute(ctx, arc, facts.Options{Now: cfg.Now, Workers: cfg.Workers, Cache: cfg.Cache, Cold: cfg.Cold, NoTrends: true, NoHTML: true})
	if err != nil {
		return nil, nil, err
	}
	c := lint.New(arc.Site, f.Recurrence).WithTasks(arc.Tasks)
	for _, in := range arc.Incidents {
		c.Report(in, diags)
	}
	return arc, diags, nil
}
