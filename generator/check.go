package generator

import (
	"context"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/lint"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// Check loads the content folder as Build does, drafts included whatever
// cfg.Drafts says, and checks every report further with package lint: the
// list holds the build's errors and warnings, then lint's warnings. Repeat
// detection and the computed scorecard answers see the drafts as if they
// were published. The error is for anything but content problems.
func Check(ctx context.Context, cfg Config) (*archive.Archive, *diag.List, error) {
	cfg.Drafts = true
	arc, diags, err := Load(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	cands := repeats.Detect(repeats.FromIncidents(arc.Incidents), RepeatConfig(arc))
	x := analysis.New(arc.Incidents, cands, analysis.DefaultConfig())
	lint.Archive(arc.Incidents, arc.Site, x, diags)
	return arc, diags, nil
}
