// Package blevex holds every part of the search that depends on how bleve
// works inside rather than on its exported API. Package search speaks
// bleve's exported Go API and this package: the top-level bleve package
// and its mapping, query and analyzer packages (mappings, queries, the
// index and its batches), the searchers those queries build
// (search/searcher, such as NewConjunctionSearcher), the interfaces of
// bleve/v2/search and of bleve_index_api that searchers are driven
// through, and the numeric encoding of doc values. Those are exported,
// versioned API of bleve's modules, though not all of it is described in
// bleve's own guides; the agreement tests below check how search uses
// it. What bleve does not export or promise (scorch's types, what a
// document number means, the file formats) is used in this package alone.
// Each use is here for speed, measured when it was made, or to survive a
// damaged index (see the doc comment where it is used): keep them, but
// check them on every upgrade.
//
// Written against these versions (go.mod):
//
//	github.com/blevesearch/bleve/v2              v2.6.1
//	github.com/blevesearch/bleve_index_api       v1.4.1
//	github.com/blevesearch/scorch_segment_api/v2 v2.4.10
//	github.com/blevesearch/vellum                v1.2.0
//	github.com/blevesearch/zapx/v17              v17.2.3 (the segment format bleve v2.6.1 writes)
//
// What it relies on:
//
//   - The engine. An open index's reader is a *scorch.IndexSnapshot, and
//     IndexSnapshot.Segments lists its *scorch.SegmentSnapshot values
//     (Snapshot). The search reads stored fields with
//     SegmentSnapshot.VisitDocument, which hands out views into the
//     segment: bleve's IndexReader.Document copies every stored field, the
//     body included, and was most of a search's garbage.
//   - Document numbers. index.IndexInternalID.Value is scorch's document
//     number, dense from 0: the documents of each segment follow those of
//     the segments before it, deleted ones counted
//     (SegmentSnapshot.Segment().Count()), so that number n is document
//     n minus its segment's offset there. The search keeps its facet table
//     by that number instead of decoding doc values for every hit, and
//     hands searchers lists of numbers (DocNum, DocList, Each,
//     Snapshot.VisitStored).
//   - Searchers driven directly. search.Searcher.Next with a SearchContext
//     and its DocumentMatchPool, as bleve's collectors drive them, but
//     without bleve's collector, which decodes doc values per hit (Each).
//   - zap's file format. The last four bytes of a segment file are the
//     CRC-32 (IEEE, big-endian) of all the bytes before them, and a
//     segment read from a file implements segment.PersistedSegment
//     (VerifySegments). bleve never checks the sum, and a damaged segment
//     is searched, or crashes a search, for as long as it lives.
//   - Damaged files panic. bleve v2.6.1 trusts the lengths and offsets in
//     its files, and a damaged one sends it out of range of a slice
//     (RecoverDamage).
//   - Patterns as scorch compiles them: regexp/syntax with Perl flags,
//     vellum's automaton (regexp.NewParsedWithLimit with DefaultLimit),
//     the pattern's literal prefix as a range of words, and
//     segment.TermDictionary.AutomatonIterator over each segment's
//     dictionary (PatternWords). bleve compiles the pattern again for
//     every field; here it is compiled once per search.
//   - Scores as bleve computes them. PhraseQuery scores as bleve's
//     MatchPhraseQuery (a conjunction of term searchers, with term
//     vectors); FuzzyQuery as bleve's fuzzy searcher (candidates from
//     index.IndexReaderFuzzy, then searcher.NewMultiTermSearcherBoosted);
//     ConstantScoreQuery takes part in the query norm as bleve's constant
//     scorer does (Weight, SetQueryNorm).
//   - Limits. bleve bounds the words a fuzzy or pattern query expands to
//     only through the process-wide searcher.DisjunctionMaxClauseCount,
//     and its per-query limit (search.MaxTermSearchersKey) panics when it
//     trips (TestTermSearcherLimitPanics). The queries here take their
//     bound as a field (MaxWords) and fail with ErrTooManyWords instead,
//     so that no global of bleve's is set.
//
// # The gate for an upgrade
//
// After changing any of the versions above, run
//
//	go test ./search/...
//
// The agreement tests compare each use above with bleve's own way of
// doing the same: TestPhraseAgreesWithBleve and TestFuzzyAgreesWithBleve
// (the same hits with the same scores), TestPatternWordsAgreeWithScorch
// (the same words as scorch's own dictionaries list),
// TestStoredFieldsAgreeWithBleve (document numbers and stored fields
// across segments with deletions, against IndexReader.Document),
// TestChecksumFooter (an intact segment passes, a flipped byte fails),
// TestTermSearcherLimitPanics (bleve's own limit still panics), and, in
// package search, TestCollectAgreesWithBleve (its collector and facet
// table against bleve's collector: totals, order and facet counts). A
// failure means bleve changed underneath: read its change log for the
// piece named in the failure, and either follow the change here or
// replace the piece with bleve's public API, timing the searches
// (go test -run '^$' -bench Search ./search/, and make bench-search)
// before and after.
package blevex
