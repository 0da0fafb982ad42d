package static_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
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
// fetches the shard holding it, and what first queries fetch, run in
// search.js (see measureQueries). It runs on a synthetic archive of 1,500
// reports, or on the content folder in $INCIDENTS_SEARCH_CORPUS (such as
// the 10,000 reports of ../shared/bench/gencorpus.py), and logs the sizes
// the search docs give (go test -v).
func TestMeasureCorpus(t *testing.T) {
	dir := os.Getenv("INCIDENTS_SEARCH_CORPUS")
	queries := []string{"database", "outage", "errors", "retry", "timeouts", "retry storm", "database outage", "svc-1400", "kafka lag", "timeouts errors"}
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
	measureQueries(t, w.files, queries)
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

// measureQueries runs each query in search.js, as a page opened with
// it runs it, and logs what it fetched until the first ten results were
// shown (their cards included), gzipped, by kind of file; then the same
// for the words with the commonest year or service as a filter, and for
// the first word sorted by date. The facet counts come after the first
// results (from facets.json and facets.bin), so they are logged apart.
// It checks that a query fetches only the manifest, shards, doc sets,
// blocks, weights and cards, at most one shard a term and filter (for a
// query of several words) and one card file a result.
func measureQueries(t *testing.T, files map[string][]byte, words []string) {
	js := startSearch(t, files)
	if js == nil {
		return
	}
	var facets map[string][][]any
	if err := json.Unmarshal(files["search/facets.json"], &facets); err != nil {
		t.Fatal(err)
	}
	year, service := fmt.Sprint(facets["years"][0][0]), fmt.Sprint(facets["services"][0][0])
	var queries []pageState
	for _, q := range words {
		queries = append(queries, pageState{Q: q})
	}
	queries = append(queries,
		pageState{Q: words[0], Years: []string{year}},
		pageState{Q: words[1], Services: []string{service}},
		pageState{Q: words[0], Sort: "newest"},
		pageState{Q: words[0][:max(3, len(words[0])-2)]})
	an, err := static.NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{"index.json", "t/", "d/", "w/", "r/", "c/"}
	for _, q := range queries {
		got := js.search(t, q)
		if got.Total == 0 {
			t.Errorf("%+v: no results", q)
		}
		raw, gz, count := map[string]int{}, map[string]int{}, map[string]int{}
		all := 0
		for _, rel := range got.Fetched {
			kind := ""
			for _, k := range kinds {
				if strings.HasPrefix(rel, k) {
					kind = k
				}
			}
			if kind == "" {
				t.Errorf("%+v fetched %s before its first results", q, rel)
			}
			size := gzipSize(files["search/"+rel])
			raw[kind] += len(files["search/"+rel])
			gz[kind] += size
			count[kind]++
			all += size
		}
		terms := 0
		for _, word := range strings.Fields(q.Q) {
			an.QueryTerms(word, func(string) { terms++ })
		}
		if count["t/"] > max(1, terms)+len(q.Years)+len(q.Services) && len(strings.Fields(q.Q)) > 1 {
			t.Errorf("%+v fetched %d shards for %d terms and filters", q, count["t/"], terms)
		}
		if count["c/"] > min(10, got.Total) {
			t.Errorf("%+v fetched %d card files for %d results", q, count["c/"], got.Total)
		}
		var parts []string
		for _, k := range kinds {
			if count[k] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d×, %d B (%d raw)", k, count[k], gz[k], raw[k]))
			}
		}
		t.Logf("%-44s %6d results, %2d files, gzip %6d (%d ms, %d scores): %s", mustJSON(q), got.Total, len(got.Fetched), all, got.Ms, got.Bounded, strings.Join(parts, "; "))
		later := 0
		for _, rel := range got.Later {
			later += gzipSize(files["search/"+rel])
		}
		t.Logf("%-44s then for the facet counts %d files, gzip %d", "", len(got.Later), later)
	}
}

func gzipFiles(files map[string][]byte, paths []string) int {
	n := 0
	for _, p := range paths {
		n += gzipSize(files[p])
	}
	return n
}
