package static_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/testutil"
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

// shardSlack is how far past ShardBytes a shard of more than one term may
// go: Write cuts a shard before a term whose text and postings would take
// it past ShardBytes, so only that term's four length varints and the
// shard's term count (at most 5 bytes each) can add to it.
const shardSlack = 5 * 5

// TestMeasureCorpus writes the static index of an archive and checks what
// the search docs say of its files: terms cut into shards of about
// ShardBytes (past it only by a term too large to share a shard), the
// manifest naming each shard's first term so that a lookup of any term
// fetches the shard holding it, and a first query fetching the manifest,
// at most one shard per term of the query and the card files of its first
// ten results, nothing else. It runs on a synthetic archive of 1,500
// reports, or on the content folder in $INCIDENTS_SEARCH_CORPUS (such as
// the 10,000 reports of ../shared/bench/gencorpus.py), and logs the sizes
// the search docs give (go test -v).
func TestMeasureCorpus(t *testing.T) {
	dir := os.Getenv("INCIDENTS_SEARCH_CORPUS")
	queries := []string{"mcrouter", "parsoid", "retry", "timeouts", "retry storm", "sidecar proxy routes", "svc-1400", "kafka lag"}
	if dir == "" {
		if testing.Short() {
			t.Skip("writes the index of 1,500 reports")
		}
		dir = testutil.SyntheticArchive(t, t.TempDir(), 1500, 7)
		queries = []string{"cache", "retried", "load balancer", "database primary failed", "svc-07", "cause-03 replica"}
	}
	ctx := context.Background()
	arc, diags, err := generator.Load(ctx, generator.Config{Source: dir})
	if err != nil || diags.HasErrors() {
		t.Fatalf("loading %s: %v %v", dir, err, diags)
	}
	// The plain text comes from the analysis stage; what the index does
	// not read is skipped: repeat detection (given empty lists), the
	// bodies' HTML and the trends.
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	f, err := facts.Compute(ctx, arc, facts.Options{Repeats: make([][]repeats.Candidate, len(arc.Incidents)), NoHTML: true, NoTrends: true})
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

	checkShards(t, w.files)
	for _, q := range queries {
		fq := firstQuery(t, w.files, q)
		if fq.results == 0 {
			t.Errorf("%q: no results", q)
		}
		if fq.other != nil {
			t.Errorf("%q fetched %q, which is neither the manifest, a shard nor a card file", q, fq.other)
		}
		if fq.shards > fq.terms {
			t.Errorf("%q fetched %d shards for %d terms; want at most one a term", q, fq.shards, fq.terms)
		}
		if want := min(10, fq.results); fq.cards > want {
			t.Errorf("%q fetched %d card files for %d results; want at most %d", q, fq.cards, fq.results, want)
		}
	}
	facetFiles := []string{"search/facets.json", "search/facets.bin"}
	t.Logf("facet data (loaded after the first results): raw %d, gzip %d", len(w.files[facetFiles[0]])+len(w.files[facetFiles[1]]), gzipFiles(w.files, facetFiles))
}

// checkShards reads every shard back and checks that each term is in
// the shard the manifest sends a lookup of it to, and that a shard of
// more than one term is at most shardSlack past ShardBytes.
func checkShards(t *testing.T, files map[string][]byte) {
	t.Helper()
	ix := readIndex(t, files)
	shards := ix.manifest.Shards
	if len(shards) < 2 {
		t.Fatalf("the index has %d shard(s); the archive is too small to check how terms are cut", len(shards))
	}
	if shards[0] != "" || !slices.IsSorted(shards) || len(slices.Compact(slices.Clone(shards))) != len(shards) {
		t.Errorf("the manifest's shards %q: want \"\" first, then increasing", shards)
	}
	terms := 0
	for i := range shards {
		shard := ix.shard(t, i)
		size := len(files["search/t/"+strconv.Itoa(i)+".bin"])
		if len(shard) > 1 && size > static.ShardBytes+shardSlack {
			t.Errorf("shard %d holds %d terms in %d bytes; want at most %d", i, len(shard), size, static.ShardBytes+shardSlack)
		}
		for term := range shard {
			if got := ix.shardOf(term); got != i {
				t.Errorf("%q is in shard %d, but the manifest sends a lookup of it to shard %d", term, i, got)
			}
			if i > 0 && term < shards[i] {
				t.Errorf("%q is in shard %d, before its first term %q", term, i, shards[i])
			}
		}
		if i > 0 {
			if _, ok := shard[shards[i]]; !ok {
				t.Errorf("shard %d lacks the first term %q the manifest names", i, shards[i])
			}
		}
		terms += len(shard)
	}
	if len(files["search/index.json"]) == 0 || terms == 0 {
		t.Errorf("no terms in %d shards", len(shards))
	}
	t.Logf("%d terms in %d shards of at most %d bytes (or one term)", terms, len(shards), static.ShardBytes+shardSlack)
}

// fetched is what a first query fetched: the number of shards and card
// files, and any other file; the terms of the query and its results.
type fetched struct {
	shards, cards, terms, results int
	other                         []string
}

// firstQuery fetches what search.js fetches for a first query of words,
// with the default sort and no filter: the manifest, the shards of the
// terms, and the card files of the first ten results.
func firstQuery(t *testing.T, files map[string][]byte, q string) fetched {
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
	var f fetched
	allTerms := map[string]bool{}
	for _, word := range strings.Fields(q) {
		var terms []string
		an.QueryTerms(word, func(term string) { terms = append(terms, term) })
		if len(terms) == 0 {
			continue
		}
		clauses++
		seen := map[int]bool{}
		for _, term := range terms {
			allTerms[term] = true
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
	var paths []string
	total := 0
	for p := range ix.fetched {
		paths = append(paths, p)
		total += len(files[p])
		switch {
		case p == "search/index.json":
		case strings.HasPrefix(p, "search/t/"):
			f.shards++
		case strings.HasPrefix(p, "search/c/"):
			f.cards++
		default:
			f.other = append(f.other, p)
		}
	}
	f.terms, f.results = len(allTerms), len(docs)
	t.Logf("%-28q %5d results, %2d files: raw %6d, gzip %6d", q, len(docs), len(paths), total, gzipFiles(files, paths))
	return f
}

func gzipFiles(files map[string][]byte, paths []string) int {
	n := 0
	for _, p := range paths {
		n += gzipSize(files[p])
	}
	return n
}
