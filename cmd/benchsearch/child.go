package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/search"
)

// childFlag makes the program the index step alone, in a process of its
// own so that its rusage is the step's: it reads the content folder
// (generator.Load), turns the reports into documents (facts.Compute
// without repeat detection, then generator.Documents) and brings the
// bleve index in a folder up to date (search.Update), the same calls
// incidents build makes, and prints childReport as JSON.
//
//	benchsearch -index-child CONTENT INDEXDIR
const childFlag = "-index-child"

// childReport is how long each part of the index step took.
type childReport struct {
	Reports   int           `json:"reports"`
	Rebuilt   bool          `json:"rebuilt"`
	Load      time.Duration `json:"load"`
	Documents time.Duration `json:"documents"`
	Update    time.Duration `json:"update"`
}

func runChild(source, dir string) error {
	ctx := context.Background()
	t0 := time.Now()
	arc, diags, err := generator.Load(ctx, generator.Config{Source: source})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s has content errors", source)
	}
	t1 := time.Now()
	// The documents' plain text comes from the analysis stage; what the
	// index does not read is skipped: repeat detection (given empty
	// lists), the bodies' HTML and the trends.
	f, err := facts.Compute(ctx, arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
	if err != nil {
		return err
	}
	docs := generator.Documents(f)
	t2 := time.Now()
	stats, err := search.Update(ctx, dir, docs, nil)
	if err != nil {
		return err
	}
	t3 := time.Now()
	return json.NewEncoder(os.Stdout).Encode(childReport{
		Reports: stats.Indexed, Rebuilt: stats.Rebuilt,
		Load: t1.Sub(t0), Documents: t2.Sub(t1), Update: t3.Sub(t2),
	})
}
