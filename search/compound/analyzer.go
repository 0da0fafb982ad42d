package compound

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
)

// AnalyzerName names, in bleve's registry, bleve's English analyzer ("en")
// with compounds added to its words. An index mapping refers to its
// analyzers by name, and bleve looks the names up in its process-wide
// registry, so the analyzer is registered when this package is loaded:
// that registry is bleve's one way in for an analyzer written in Go.
const AnalyzerName = "incidents_en"

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, newAnalyzer); err != nil {
		panic(err)
	}
}

// newAnalyzer is "en" with its tokenizer wrapped in a Tokenizer. Its
// filters, in order: possessives stripped, lower case, English stop words
// removed, Porter stemmer (which leaves compounds alone).
func newAnalyzer(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	a, err := cache.AnalyzerNamed(en.AnalyzerName)
	if err != nil {
		return nil, fmt.Errorf("bleve analyzer %q: %w", en.AnalyzerName, err)
	}
	d, ok := a.(*analysis.DefaultAnalyzer)
	if !ok || d.CharFilters != nil {
		return nil, fmt.Errorf("bleve analyzer %q is not a tokenizer and token filters alone, which compounds need", en.AnalyzerName)
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer:    Tokenizer{Words: d.Tokenizer},
		TokenFilters: d.TokenFilters,
	}, nil
}
