package static_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/search/static"
)

// memWriter keeps written files in memory.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(rel string, data []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[rel] = data
	return true, nil
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// TestMeasureCorpus measures the static index of the archive in
// $INCIDENTS_SEARCH_CORPUS (a content folder, such as the 10,000-report
// archive of gencorpus.py); it is skipped without it.
func TestMeasureCorpus(t *testing.T) {
	dir := os.Getenv("INCIDENTS_SEARCH_CORPUS")
	if dir == "" {
		t.Skip("set INCIDENTS_SEARCH_CORPUS to a content folder to measure its static index")
	}
	ctx := context.Background()
	arc, diags, err := generator.Load(ctx, generator.Config{Source: dir})
	if err != nil || diags.HasErrors() {
		t.Fatalf("loading %s: %v %v", dir, err, diags)
	}
	// The plain text comes from the analysis stage, whose repeat
	// detection the index does not read (skipped: given empty lists).
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	f, err := facts.Compute(ctx, arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents))})
	if err != nil {
		t.Fatal(err)
	}
	docs := generator.Documents(f)
	tDocs := time.Since(start)
	w := &memWriter{}
	st, err := static.Write(ctx, w, docs, static.Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	runtime.ReadMemStats(&ms1)
	t.Logf("Documents %v, Write %v, total %v; allocated %d MB", tDocs, total-tDocs, total, (ms1.TotalAlloc-ms0.TotalAlloc)>>20)
	t.Logf("stats %+v", st)
	raw, gz := map[string]int{}, map[string]int{}
	var names []string
	for name, b := range w.files {
		kind := name
		if i := strings.LastIndex(name, "/"); strings.Count(name, "/") > 1 {
			kind = name[:i]
		}
		raw[kind] += len(b)
		gz[kind] += gzipSize(b)
	}
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	var allRaw, allGz int
	for _, k := range names {
		t.Logf("%-20s raw %8d gzip %8d", k, raw[k], gz[k])
		allRaw, allGz = allRaw+raw[k], allGz+gz[k]
	}
	t.Logf("%-20s raw %8d gzip %8d in %d files", "total", allRaw, allGz, len(w.files))
	for _, q := range []string{"mcrouter", "parsoid", "retry", "timeouts", "retry storm", "sidecar proxy routes", "svc-1400", "kafka lag"} {
		firstQuery(t, w.files, q)
	}
	facetFiles := []string{"search/facets.json", "search/facets.bin"}
	t.Logf("facet data (loaded after the first results): raw %d, gzip %d", len(w.files[facetFiles[0]])+len(w.files[facetFiles[1]]), gzipFiles(w.files, facetFiles))
}

// firstQuery returns the files search.js fetches for a first query of
// words, with the default sort and no filter: the manifest, the shards of
// the terms, and the card files of the first ten results.
func firstQuery(t *testing.T, files map[string][]byte, q string) (paths []string, total int) {
	t.Helper()
	ix := readIndex(t, files)
	an, err := static.NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	n := float64(ix.manifest.Docs)
	scores := map[int]float64{}
	matched := map[int]int{}
	clauses := 0
	for _, word := range strings.Fields(q) {
		var terms []string
		an.QueryTerms(word, func(term string) { terms = append(terms, term) })
		if len(terms) == 0 {
			continue
		}
		clauses++
		seen := map[int]bool{}
		for _, term := range terms {
			e, ok := ix.lookup(t, term)
			if !ok {
				continue
			}
			idf := 1 + math.Log(n/float64(len(e.docs)+1))
			for i, d := range e.docs {
				scores[d] += idf * idf * math.Exp(float64(e.weights[i])/static.WeightScale-static.WeightOffset)
				if !seen[d] {
					seen[d] = true
					matched[d]++
				}
			}
		}
	}
	docs := make([]int, 0, len(scores))
	for d := range scores {
		docs = append(docs, d)
	}
	score := func(d int) float64 { return scores[d] * float64(matched[d]) / float64(clauses) }
	sort.Slice(docs, func(a, b int) bool {
		if score(docs[a]) != score(docs[b]) {
			return score(docs[a]) > score(docs[b])
		}
		return docs[a] < docs[b]
	})
	for _, d := range docs[:min(10, len(docs))] {
		ix.card(t, d)
	}
	for p := range ix.fetched {
		paths = append(paths, p)
		total += len(files[p])
	}
	sort.Strings(paths)
	t.Logf("%-28q %5d results, %2d files: raw %6d, gzip %6d", q, len(docs), len(paths), total, gzipFiles(files, paths))
	return paths, total
}

func gzipFiles(files map[string][]byte, paths []string) int {
	n := 0
	for _, p := range paths {
		n += gzipSize(files[p])
	}
	return n
}
