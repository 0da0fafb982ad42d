package static_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/layouts"
	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// searchDriver loads search.js in Node with a fetch that reads the files
// of a written index from a folder and notes each path, then answers each
// line, a query as the page's state holds it, with what a fresh page
// finds: the total, the first and second pages of ten, every result, the
// files fetched until the first page's cards were in, and those fetched
// after them for the facet counts (every result, and the facet data).
const searchDriver = `"use strict";
const vm = require("vm"), fs = require("fs"), path = require("path"), readline = require("readline");
const dir = process.argv[3];
let fetched = [];
async function fetchFile(url) {
  const rel = url.split("?")[0];
  fetched.push(rel);
  let data;
  try { data = fs.readFileSync(path.join(dir, rel)); } catch { return { ok: false, status: 404 }; }
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return { ok: true, status: 200, json: async () => JSON.parse(data.toString("utf8")), arrayBuffer: async () => buf };
}
const page = { window: {}, document: { getElementById: () => null }, TextEncoder, TextDecoder, fetch: fetchFile };
vm.createContext(page);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), page, { filename: "search.js" });
const S = page.window.incidentsSearch;
const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const state = Object.assign({ q: "", services: [], causes: [], sites: [], years: [], sort: "relevance" }, JSON.parse(line));
    const index = new S.StaticIndex("");
    fetched = [];
    let out;
    try {
      const began = Date.now();
      const res = await S.staticSearch(index, state);
      const first = await res.page(0, 10);
      await index.cards(first);
      const ms = Date.now() - began;
      const firstFetched = [...new Set(fetched)];
      const second = await res.page(10, 10);
      fetched = [];
      const all = Array.from(await res.all()).sort((a, b) => a - b);
      await index.facets();
      const later = [...new Set(fetched)].filter((rel) => !firstFetched.includes(rel));
      const bounded = res.bounded ? res.bounded() : 0;
      out = { total: res.total, first: Array.from(first), second: Array.from(second), all, fetched: firstFetched, later, ms, bounded };
    } catch (e) {
      out = { error: String(e && e.stack || e) };
    }
    process.stdout.write(JSON.stringify(out) + "\n");
  });
});
`

// pageState is the part of the search page's state a query sets.
type pageState struct {
	Q        string   `json:"q"`
	Services []string `json:"services,omitempty"`
	Causes   []string `json:"causes,omitempty"`
	Sites    []string `json:"sites,omitempty"`
	Years    []string `json:"years,omitempty"`
	Sort     string   `json:"sort,omitempty"`
}

// found is search.js's answer to one query.
type found struct {
	Total   int      `json:"total"`
	First   []int    `json:"first"`
	Second  []int    `json:"second"`
	All     []int    `json:"all"`
	Fetched []string `json:"fetched"`
	Later   []string `json:"later"`
	Ms      int      `json:"ms"` // to the first page, in Node, files read from disk
	// Bounded counts the scores computed ranking the first two pages
	// (bounds, while weights are missing).
	Bounded int    `json:"bounded"`
	Error   string `json:"error"`
}

// jsSearch is search.js searching one written index, in Node.
type jsSearch struct {
	in  *bufio.Writer
	out *bufio.Scanner
}

// startSearch writes files into a folder and starts Node on search.js
// over them. Without Node the test fails, unless INCIDENTS_SKIP_BROWSER
// is set (make test-short): then it returns nil.
func startSearch(t *testing.T, files map[string][]byte) *jsSearch {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("INCIDENTS_SKIP_BROWSER") != "" {
			t.Logf("INCIDENTS_SKIP_BROWSER is set and Node is missing: search.js is not run")
			return nil
		}
		t.Fatalf("running search.js needs Node (make web-deps installs it; INCIDENTS_SKIP_BROWSER=1 skips this part): %v", err)
	}
	dir := t.TempDir()
	script, err := layouts.FS.ReadFile("static/search.js")
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{"driver.js": []byte(searchDriver), "search.js": script}
	for rel, data := range files {
		all[filepath.Join("site", rel)] = data
	}
	for rel, data := range all {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, filepath.Join(dir, "driver.js"), filepath.Join(dir, "search.js"), filepath.Join(dir, "site", "search"))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 64<<20)
	return &jsSearch{in: bufio.NewWriter(in), out: sc}
}

func (j *jsSearch) search(t *testing.T, s pageState) found {
	t.Helper()
	line, _ := json.Marshal(s)
	j.in.Write(append(line, '\n'))
	if err := j.in.Flush(); err != nil {
		t.Fatalf("writing to Node: %v", err)
	}
	if !j.out.Scan() {
		t.Fatalf("Node did not answer %s: %v", line, j.out.Err())
	}
	var f found
	if err := json.Unmarshal(j.out.Bytes(), &f); err != nil {
		t.Fatalf("Node answered %q: %v", j.out.Bytes(), err)
	}
	if f.Error != "" {
		t.Fatalf("search.js failed on %s: %s", line, f.Error)
	}
	return f
}

// rankAll ranks every result of s as search.js ranked them before
// postings came in blocks: every posting of every term of the query
// read, scored, and the results sorted. Filters come from facets.json
// and facets.bin. A last word that is not a term stands for the 50
// commonest terms it begins, as the page treats a word being typed.
func rankAll(t *testing.T, ix *index, s pageState) []int {
	t.Helper()
	an, err := static.NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	n, docs := ix.manifest.Slots, ix.manifest.Docs
	type clause struct {
		sign    string
		text    string
		entries []entry
		anyOf   bool
	}
	var clauses []clause
	for _, raw := range strings.Fields(s.Q) {
		c := clause{text: raw}
		if len(raw) > 1 && (raw[0] == '+' || raw[0] == '-') {
			c.sign, c.text = raw[:1], raw[1:]
		}
		var terms []string
		an.QueryTerms(c.text, func(term string) {
			if !slices.Contains(terms, term) {
				terms = append(terms, term)
			}
		})
		if len(terms) == 0 {
			continue
		}
		for _, term := range terms {
			if e, ok := ix.lookup(t, term); ok {
				c.entries = append(c.entries, e)
			}
		}
		if len(terms) == 1 && len(c.entries) == 0 && c.sign != "-" && !strings.HasSuffix(s.Q, " ") && len(c.text) >= 2 {
			c.entries, c.anyOf = ix.completions(t, strings.ToLower(c.text), 50), true
		}
		clauses = append(clauses, c)
	}
	if len(clauses) > 0 && clauses[len(clauses)-1].anyOf {
		// Only the last word is being typed.
		for i := range clauses[:len(clauses)-1] {
			if clauses[i].anyOf {
				clauses[i].entries, clauses[i].anyOf = nil, false
			}
		}
	}
	scores := make([]float64, n)
	matched := make([]int, n)
	musts := make([]int, n)
	excluded := make([]bool, n)
	scoring, mustCount := 0, 0
	for _, c := range clauses {
		if c.sign == "-" {
			for _, e := range c.entries {
				for _, d := range e.docs {
					excluded[d] = true
				}
			}
			continue
		}
		scoring++
		if c.sign == "+" {
			mustCount++
		}
		sum := map[int]float64{}
		for _, e := range c.entries {
			idf := 1 + math.Log(float64(docs)/float64(len(e.docs)+1))
			for i, d := range e.docs {
				sc := idf * idf * math.Exp(float64(e.weights[i])/static.WeightScale-static.WeightOffset)
				prev, ok := sum[d]
				switch {
				case !ok:
					sum[d] = sc
				case c.anyOf:
					sum[d] = math.Max(prev, sc)
				default:
					sum[d] = prev + sc
				}
			}
		}
		for d, sc := range sum {
			scores[d] += sc
			matched[d]++
			if c.sign == "+" {
				musts[d]++
			}
		}
	}
	passes := ix.filter(t, s)
	everything := len(clauses) == 0 || scoring == 0
	var hits []int
	for d := ix.manifest.First(); d < n; d++ {
		if excluded[d] || !passes(d) {
			continue
		}
		if !everything && (mustCount > 0 && musts[d] < mustCount || mustCount == 0 && matched[d] == 0) {
			continue
		}
		hits = append(hits, d)
	}
	score := func(d int) float64 { return scores[d] * float64(matched[d]) / float64(max(1, scoring)) }
	switch {
	case s.Sort == "oldest":
		slices.Reverse(hits)
	case s.Sort != "newest" && scoring > 0:
		sort.SliceStable(hits, func(a, b int) bool { return score(hits[a]) > score(hits[b]) })
	}
	return hits
}

// completions returns the entries of the terms that begin with prefix,
// the most frequent first (ties in term order), at most limit.
func (ix *index) completions(t *testing.T, prefix string, limit int) []entry {
	type term struct {
		name string
		e    entry
	}
	var found []term
	for i := range ix.manifest.Shards {
		for name := range ix.shard(t, i) {
			if strings.HasPrefix(name, prefix) {
				e, _ := ix.lookup(t, name)
				found = append(found, term{name, e})
			}
		}
	}
	sort.Slice(found, func(a, b int) bool {
		if len(found[a].e.docs) != len(found[b].e.docs) {
			return len(found[a].e.docs) > len(found[b].e.docs)
		}
		return found[a].name < found[b].name
	})
	var out []entry
	for _, f := range found[:min(limit, len(found))] {
		out = append(out, f.e)
	}
	return out
}

// filter returns whether report d has every facet value s chooses, read
// from facets.json and facets.bin.
func (ix *index) filter(t *testing.T, s pageState) func(d int) bool {
	var names map[string][][]any
	if err := json.Unmarshal(ix.fetch(t, "search/facets.json"), &names); err != nil {
		t.Fatal(err)
	}
	r := &uvarints{t, "facets.bin", ix.fetch(t, "search/facets.bin")}
	values := make([]map[string][]string, ix.manifest.Slots)
	for d := range values {
		values[d] = map[string][]string{}
		for _, f := range ix.manifest.Facets {
			for c := r.next(); c > 0; c-- {
				values[d][f] = append(values[d][f], fmt.Sprint(names[f][r.next()][0]))
			}
		}
	}
	chosen := map[string][]string{"services": s.Services, "causes": s.Causes, "sites": s.Sites, "years": s.Years}
	return func(d int) bool {
		for f, vs := range chosen {
			for _, v := range vs {
				if !slices.Contains(values[d][f], v) {
					return false
				}
			}
		}
		return true
	}
}

// vocabulary is the words of syntheticDocs, the commonest first.
var vocabulary = strings.Fields(`outage database primary replica failover cache latency timeout retry
storm deploy config network partition disk memory leak queue backlog certificate expired resolver
kafka lag consumer shard index rebuild throttle quota purge edge proxy sidecar route upstream
heap garbage collector pause thread pool exhausted connection socket handshake rollout canary
rollback schema migration lock contention deadlock vacuum bloat snapshot restore backup journal`)

// syntheticDocs makes n reports whose words follow a skewed distribution,
// so that the first words of the vocabulary are in most reports and the
// last in few, with services, causes, sites and start times.
func syntheticDocs(n int, seed uint64) []search.Document {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	word := func() string { return vocabulary[rng.IntN(rng.IntN(len(vocabulary))+1)] }
	words := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = word()
		}
		return strings.Join(w, " ")
	}
	causes := []string{"overload", "config-change", "hardware", "dependency", "capacity", "bug"}
	sites := []string{"eqiad", "codfw", "esams", "ulsfo", "drmrs"}
	docs := make([]search.Document, n)
	base := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range docs {
		start := base.Add(time.Duration(rng.IntN(13*365*24)) * time.Hour)
		id := start.Format("2006-01-02") + " r" + strconv.Itoa(i)
		svc := "svc-" + strconv.Itoa(rng.IntN(max(2, n/20)))
		docs[i] = search.Document{
			ID: id, URL: "incidents/r" + strconv.Itoa(i) + "/", Start: start, Year: start.Year(),
			Title:    words(3+rng.IntN(3)) + " on " + svc,
			Impact:   "Users saw " + words(4),
			Summary:  words(8 + rng.IntN(10)),
			Body:     words(20+rng.IntN(60)) + ". " + svc + " " + words(10),
			Services: []string{svc},
			Causes:   []string{causes[rng.IntN(len(causes))]},
			Sites:    []string{sites[rng.IntN(len(sites))], sites[rng.IntN(len(sites))]},
		}
	}
	return docs
}

func writeFiles(t *testing.T, docs []search.Document, opts static.Options) map[string][]byte {
	t.Helper()
	w := &memWriter{}
	if _, err := static.Write(context.Background(), w, docs, opts); err != nil {
		t.Fatal(err)
	}
	return w.files
}

// TestSearchJSRanksAsBefore runs search.js on an index cut into blocks
// of 8 postings, so that most queries need later blocks, and checks that
// every query finds the same reports in the same order as reading every
// posting does: totals, the first two pages, and the whole result (which
// the facet counts are taken over). With files of 16 weights, looking a
// few reports' weights up costs less than most blocks, so ranking often
// does that instead of fetching the next block.
func TestSearchJSRanksAsBefore(t *testing.T) {
	docs := syntheticDocs(1500, 3)
	for _, layout := range []struct {
		name string
		opts static.Options
	}{
		{"blocks of 8", static.Options{Workers: 2, FirstBlock: 8}},
		{"blocks of 8, weights 16 to a file", static.Options{Workers: 2, FirstBlock: 8, WeightChunk: 16}},
	} {
		t.Run(layout.name, func(t *testing.T) {
			ranksAsBefore(t, docs, writeFiles(t, docs, layout.opts))
		})
	}
}

// ranksAsBefore checks the queries of TestSearchJSRanksAsBefore on the
// index of docs written as files.
func ranksAsBefore(t *testing.T, docs []search.Document, files map[string][]byte) {
	js := startSearch(t, files)
	if js == nil {
		return
	}
	ix := readIndex(t, files)
	svc := docs[0].Services[0]
	queries := []pageState{
		{Q: "outage"},
		{Q: "database"},
		{Q: "vacuum"},
		{Q: "database outage"},
		{Q: "kafka lag"},
		{Q: "heap garbage collector pause"},
		{Q: "+database +replica"},
		{Q: "+database -outage"},
		{Q: "-outage"},
		{Q: "database -outage"},
		{Q: svc},
		{Q: svc + " latency"},
		{Q: "datab"},
		{Q: "outage rollb"},
		{Q: "zebra"},
		{Q: "outage", Sort: "newest"},
		{Q: "database replica", Sort: "oldest"},
		{Q: "outage", Years: []string{"2019"}},
		{Q: "database outage", Causes: []string{"hardware"}, Sites: []string{"esams"}},
		{Q: "latency", Services: []string{svc}},
		{Q: "", Years: []string{"2020"}},
		{Q: "", Sites: []string{"eqiad", "codfw"}, Sort: "oldest"},
		{Q: "outage", Services: []string{"no-such-service"}},
	}
	for _, q := range queries {
		name, _ := json.Marshal(q)
		t.Run(string(name), func(t *testing.T) {
			got := js.search(t, q)
			want := rankAll(t, ix, q)
			if got.Total != len(want) {
				t.Errorf("total = %d, want %d", got.Total, len(want))
			}
			if w := want[:min(10, len(want))]; !slices.Equal(got.First, w) {
				t.Errorf("first page = %v, want %v", got.First, w)
			}
			if w := want[min(10, len(want)):min(20, len(want))]; !slices.Equal(got.Second, w) {
				t.Errorf("second page = %v, want %v", got.Second, w)
			}
			all := slices.Sorted(slices.Values(want))
			if !slices.Equal(got.All, all) {
				t.Errorf("all results: %d reports, want %d", len(got.All), len(all))
			}
		})
	}
}

// TestRankingScoresFew: ranking several common words, search.js scores
// every result once, and after that only the results that could still be
// on the page, not every result each time it learns more weights. (When
// it rescored them all, these queries computed 7 to 8 scores a result.)
func TestRankingScoresFew(t *testing.T) {
	docs := syntheticDocs(1500, 3)
	files := writeFiles(t, docs, static.Options{Workers: 2, FirstBlock: 8})
	js := startSearch(t, files)
	if js == nil {
		return
	}
	for _, q := range []string{"database outage", "kafka lag", "heap garbage collector pause", "+database +replica", "outage rollb", "svc-68 latency"} {
		got := js.search(t, pageState{Q: q})
		if got.Total < 1000 {
			t.Fatalf("%q: %d results; the test wants common words", q, got.Total)
		}
		if got.Bounded > 4*got.Total {
			t.Errorf("%q: %d scores computed for %d results, want at most %d", q, got.Bounded, got.Total, 4*got.Total)
		}
		t.Logf("%q: %d scores computed for %d results", q, got.Bounded, got.Total)
	}
}

// TestFirstQueryBounded: a first query of the commonest word fetches the
// manifest, one shard and at most ten card files, each no larger on an
// archive ten times the size, although the word's postings outgrow a
// shard; the facet data comes only after the first results.
func TestFirstQueryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes the index of 22,000 reports")
	}
	const bound = static.ShardBytes + shardSlack
	for _, n := range []int{2000, 20000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			files := writeFiles(t, syntheticDocs(n, 5), static.Options{})
			js := startSearch(t, files)
			if js == nil {
				return
			}
			ix := readIndex(t, files)
			e, _ := ix.lookup(t, "outag")
			// Before blocks, a posting took about two bytes in its shard.
			t.Logf("%d reports: \"outag\" in %d", n, len(e.docs))
			if n == 20000 && 2*len(e.docs) <= bound {
				t.Fatalf("the commonest word is in %d reports: too few to outgrow a shard", len(e.docs))
			}
			for _, q := range []pageState{{Q: "outage"}, {Q: "outages"}} {
				got := js.search(t, q)
				var shards, cards, largest int
				for _, rel := range got.Fetched {
					size := len(files["search/"+rel])
					largest = max(largest, size)
					switch {
					case rel == "index.json":
					case strings.HasPrefix(rel, "t/"):
						shards++
						if size > bound {
							t.Errorf("%q fetched %s of %d bytes; want at most %d", q.Q, rel, size, bound)
						}
					case strings.HasPrefix(rel, "c/"):
						cards++
					default:
						t.Errorf("%q fetched %s before its first results", q.Q, rel)
					}
				}
				if shards != 1 || cards == 0 || cards > 10 {
					t.Errorf("%q fetched %d shards and %d card files; want 1 and 1 to 10", q.Q, shards, cards)
				}
				t.Logf("%q: %d files, the largest %d bytes", q.Q, len(got.Fetched), largest)
			}
		})
	}
}
