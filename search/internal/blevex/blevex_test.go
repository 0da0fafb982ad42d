package blevex

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/incidents-archive/incidents/search/compound"
)

// doc is a test document: text fields analysed as the search's are
// (compound.AnalyzerName, with word positions), stored, and a keyword
// field.
type doc struct {
	ID       string   `json:"-"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary"`
	Body     string   `json:"body"`
	Services []string `json:"services"`
}

func testMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	d := bleve.NewDocumentStaticMapping()
	for _, name := range []string{"title", "summary", "body"} {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = compound.AnalyzerName
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = true
		d.AddFieldMappingsAt(name, f)
	}
	k := bleve.NewKeywordFieldMapping()
	k.Store = true
	d.AddFieldMappingsAt("services", k)
	m.DefaultMapping = d
	m.DefaultAnalyzer = keyword.Name
	m.DefaultField = "body"
	return m
}

// variedDocs is a made-up archive whose words overlap, so that phrases,
// fuzzy words and patterns have many matches with different scores.
func variedDocs(n int) []doc {
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"timeout", "timeouts", "retry", "retries", "storm", "proxy", "proxies", "certificate", "expired", "replication",
		"lag", "memory", "leak", "deploy", "deployed", "rollback", "quorum", "backlog", "disk", "full", "time", "tim", "stale"}
	sentence := func(k int) string {
		var out []string
		for range k {
			if w := words[rng.IntN(len(words))]; !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		return strings.Join(out, " ") + "."
	}
	services := []string{"parsoid", "parsoid-api", "restbase", "ores", "mediawiki-api"}
	docs := make([]doc, n)
	for i := range docs {
		docs[i] = doc{ID: fmt.Sprintf("r%03d", i), Title: sentence(3), Summary: sentence(6), Body: sentence(12) + "\n" + sentence(12),
			Services: []string{services[rng.IntN(len(services))]}}
	}
	return docs
}

// memIndex indexes docs in memory with scorch, in batches of batch
// documents (one segment each, until scorch merges them), deleting the
// documents named in deleted after the first batch.
func memIndex(t testing.TB, docs []doc, batch int, deleted ...string) bleve.Index {
	t.Helper()
	idx, err := bleve.NewUsing("", testMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for start := 0; start < len(docs); start += batch {
		b := idx.NewBatch()
		for _, d := range docs[start:min(start+batch, len(docs))] {
			if err := b.Index(d.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		if start > 0 {
			for _, id := range deleted {
				b.Delete(id)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

// runQuery returns the ids and scores of every match of q, best first,
// through bleve's own collector.
func runQuery(t *testing.T, idx bleve.Index, q query.Query) []string {
	t.Helper()
	res, err := idx.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(q, 1000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, fmt.Sprintf("%s %.6f", h.ID, h.Score))
	}
	return out
}

// TestPhraseAgreesWithBleve checks the phrase searcher against bleve's:
// the same documents, scores and order, stop words and repeated words
// included.
func TestPhraseAgreesWithBleve(t *testing.T) {
	docs := append(variedDocs(300),
		doc{ID: "gap", Title: "status of the document", Body: "The status of the document was stale. Status document."},
		doc{ID: "twice", Title: "lag lag", Body: "replication lag lag then lag replication"},
	)
	idx := memIndex(t, docs, len(docs))
	for _, c := range []struct {
		phrase, field string
		want          int
	}{{"status of the document", "title", 1}, {"status document", "title", 0}, {"lag lag", "title", 1}} {
		if got := runQuery(t, idx, &PhraseQuery{Phrase: c.phrase, Field: c.field, Boost: 1}); len(got) != c.want {
			t.Errorf("%s:%q matched %v, want %d documents", c.field, c.phrase, got, c.want)
		}
	}
	for _, phrase := range []string{"replication lag", "lag replication", "status of the document", "status document", "lag lag", "retry storm timeout", "the", "memory", "nothing here"} {
		for _, field := range []string{"title", "body", "summary"} {
			theirs := query.NewMatchPhraseQuery(phrase)
			theirs.SetField(field)
			theirs.SetBoost(1.5)
			got := runQuery(t, idx, &PhraseQuery{Phrase: phrase, Field: field, Boost: 1.5})
			want := runQuery(t, idx, theirs)
			if !slices.Equal(got, want) {
				t.Errorf("%s:%q:\n got %v\nwant %v", field, phrase, got, want)
			}
		}
	}
}

// TestFuzzyAgreesWithBleve checks the bounded fuzzy queries against
// bleve's FuzzyQuery and fuzzy MatchQuery: the same documents, scores and
// order, alone and beside another clause (which brings in the query norm).
func TestFuzzyAgreesWithBleve(t *testing.T) {
	idx := memIndex(t, variedDocs(300), 100)
	for _, term := range []string{"timout", "tim", "retri", "prox", "lag", "stal", "zzzzzz", "parsoid-ap"} {
		for _, fuzziness := range []int{0, 1, 2} {
			for _, field := range []string{"body", "services"} {
				name := fmt.Sprintf("%s:%s~%d", field, term, fuzziness)
				theirs := query.NewFuzzyQuery(term)
				theirs.SetFuzziness(fuzziness)
				theirs.SetField(field)
				theirs.SetBoost(1.5)
				ours := &FuzzyQuery{Term: term, Fuzziness: fuzziness, Field: field, Boost: 1.5, MaxWords: 1024}
				if got, want := runQuery(t, idx, ours), runQuery(t, idx, theirs); !slices.Equal(got, want) {
					t.Errorf("%s:\n got %v\nwant %v", name, got, want)
				}
				// Beside a phrase, in a disjunction.
				other := query.NewMatchPhraseQuery("replication lag")
				other.SetField("title")
				got := runQuery(t, idx, query.NewDisjunctionQuery([]query.Query{ours, other}))
				want := runQuery(t, idx, query.NewDisjunctionQuery([]query.Query{theirs, other}))
				if !slices.Equal(got, want) {
					t.Errorf("%s or a phrase:\n got %v\nwant %v", name, got, want)
				}
			}
		}
	}
	for _, text := range []string{"timout stom", "retrys", "The proxys' memroy", "parsoid-apj"} {
		for _, field := range []string{"title", "body", "services"} {
			theirs := query.NewMatchQuery(text)
			theirs.SetFuzziness(1)
			theirs.SetField(field)
			theirs.SetBoost(3)
			ours := &FuzzyMatchQuery{Match: text, Fuzziness: 1, Field: field, Boost: 3, MaxWords: 1024}
			if got, want := runQuery(t, idx, ours), runQuery(t, idx, theirs); !slices.Equal(got, want) {
				t.Errorf("%s:%s~1:\n got %v\nwant %v", field, text, got, want)
			}
		}
	}
}

// TestFuzzyIsBounded: a fuzzy word close to more words than MaxWords
// fails with ErrTooManyWords.
func TestFuzzyIsBounded(t *testing.T) {
	idx := memIndex(t, variedDocs(50), 50)
	q := &FuzzyQuery{Term: "tim", Fuzziness: 2, Field: "body", Boost: 1, MaxWords: 1}
	_, err := idx.SearchInContext(context.Background(), bleve.NewSearchRequest(q))
	if !errors.Is(err, ErrTooManyWords) {
		t.Errorf("tim~2 with MaxWords 1: %v, want ErrTooManyWords", err)
	}
	q.MaxWords = 1024
	if _, err := idx.SearchInContext(context.Background(), bleve.NewSearchRequest(q)); err != nil {
		t.Errorf("tim~2 with MaxWords 1024: %v", err)
	}
}

// TestPatternWordsAgreeWithScorch: the words a compiled pattern finds in
// the segments are those scorch's own dictionaries list, for regular
// expressions and for prefixes walked as patterns, over several segments.
func TestPatternWordsAgreeWithScorch(t *testing.T) {
	idx := memIndex(t, variedDocs(300), 100)
	s, err := Open(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap := s.Reader.(*scorch.IndexSnapshot)
	type wordCase struct {
		name, field, pattern string
		scorch               func(field string) (index.FieldDict, error) // the same words as scorch lists them
	}
	var cases []wordCase
	for _, re := range []string{".*or.*", "re.*", "ti.e.*", "[a-c]+.*", "(memory|disk)", "x*", "time", "tim", ".*ing", "prox.", "r[e]p.*n"} {
		for _, field := range []string{"title", "body"} {
			cases = append(cases, wordCase{"/" + re + "/", field, re, func(f string) (index.FieldDict, error) { return snap.FieldDictRegexp(f, re) }})
		}
	}
	for _, prefix := range []string{"re", "t", "prox", "memory", "zz", "a.b", "(x", "parsoid"} {
		cases = append(cases, wordCase{prefix + "*", "body", regexp.QuoteMeta(prefix) + ".*", func(f string) (index.FieldDict, error) { return snap.FieldDictPrefix(f, []byte(prefix)) }})
		cases = append(cases, wordCase{"services:" + prefix + "*", "services", regexp.QuoteMeta(prefix) + ".*", func(f string) (index.FieldDict, error) { return snap.FieldDictPrefix(f, []byte(prefix)) }})
	}
	ctx := WithPatterns(context.Background())
	for _, tc := range cases {
		got, err := PatternWords(ctx, s.Reader, tc.field, tc.pattern, 1<<20)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		dict, err := tc.scorch(tc.field)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for {
			e, err := dict.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			want = append(want, e.Term)
		}
		dict.Close()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s in %s: %v, scorch lists %v", tc.name, tc.field, got, want)
		}
	}
	if _, err := PatternWords(ctx, s.Reader, "body", ".*", 5); !errors.Is(err, ErrTooManyWords) {
		t.Errorf("/.*/ with a bound of 5 words: %v, want ErrTooManyWords", err)
	}
	var bad *PatternError
	if _, err := PatternWords(ctx, s.Reader, "body", "^a$", 5); !errors.As(err, &bad) || bad.Pattern != "^a$" {
		t.Errorf("/^a$/: %v, want a *PatternError", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"ab", "ac"}, {"a\xff", "b"}, {"\xff\xff", ""}, {"z", "{"}} {
		if got := string(prefixEnd([]byte(c.in))); got != c.want {
			t.Errorf("prefixEnd(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestStoredFieldsAgreeWithBleve: in an index of several segments, some
// with deleted documents, the number of every listed document leads
// VisitStored to that document's stored fields, as bleve's
// IndexReader.Document reads them, and searchers' matches carry the same
// numbers.
func TestStoredFieldsAgreeWithBleve(t *testing.T) {
	docs := variedDocs(60)
	idx := memIndex(t, docs, 20, docs[3].ID, docs[25].ID)
	s, err := Open(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Segments() < 2 {
		t.Fatalf("%d segments; the test needs several", s.Segments())
	}
	ids, err := s.Reader.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer ids.Close()
	byNum := map[uint64]string{}
	for {
		iid, err := ids.Next()
		if err != nil {
			t.Fatal(err)
		}
		if iid == nil {
			break
		}
		id, err := s.Reader.ExternalID(iid)
		if err != nil {
			t.Fatal(err)
		}
		num := DocNum(iid)
		byNum[num] = id
		var got []string
		err = s.VisitStored(num, id, func(field string, value []byte) { got = append(got, field+"="+string(value)) })
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Reader.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		d.VisitFields(func(f index.Field) { want = append(want, f.Name()+"="+string(f.Value())) })
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("document %d (%s): stored %q, bleve reads %q", num, id, got, want)
		}
	}
	if len(byNum) != len(docs)-2 {
		t.Errorf("%d documents listed, want %d", len(byNum), len(docs)-2)
	}
	// A term searcher's matches carry the listed numbers.
	q := query.NewMatchQuery("lag")
	q.SetField("body")
	srch, err := q.Searcher(context.Background(), s.Reader, idx.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srch.Close()
	matched := 0
	err = Each(s.Reader, srch, func(num uint64, dm *bsearch.DocumentMatch) error {
		matched++
		id, err := s.Reader.ExternalID(dm.IndexInternalID)
		if err == nil && byNum[num] != id {
			t.Errorf("match numbered %d is %s, listed as %s", num, id, byNum[num])
		}
		return err
	})
	if err != nil || matched == 0 {
		t.Errorf("Each: %d matches, %v", matched, err)
	}
}

// TestDocList: the listed documents, and Advance skips to the first at
// or after its target, as a conjunction needs.
func TestDocList(t *testing.T) {
	idx := memIndex(t, variedDocs(10), 10)
	s, err := Open(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []uint64
	Each(s.Reader, DocList([]uint64{1, 4, 7}), func(n uint64, dm *bsearch.DocumentMatch) error {
		if dm.Score != 1 {
			t.Errorf("document %d scored %v, want 1", n, dm.Score)
		}
		got = append(got, n)
		return nil
	})
	if !slices.Equal(got, []uint64{1, 4, 7}) {
		t.Errorf("listed %v, want [1 4 7]", got)
	}
	l := DocList([]uint64{1, 4, 7})
	ctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(2, 0), IndexReader: s.Reader}
	dm, err := l.Advance(ctx, index.NewIndexInternalID(nil, 5))
	if err != nil || dm == nil || DocNum(dm.IndexInternalID) != 7 {
		t.Errorf("Advance(5) = %v, %v; want document 7", dm, err)
	}
}

// TestChecksumFooter: every segment of an index written to disk passes
// VerifySegments, so the footer is where it is read; a flipped byte in a
// segment fails it.
func TestChecksumFooter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := bleve.New(dir, testMapping())
	if err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	for _, d := range variedDocs(50) {
		b.Index(d.ID, d)
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	check := func() error {
		idx, err := bleve.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer idx.Close()
		return VerifySegments(idx)
	}
	if err := check(); err != nil {
		t.Fatalf("an intact index: %v", err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment file written")
	}
	for _, p := range segs {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 1
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := check(); err == nil || !strings.Contains(err.Error(), "fails its checksum") {
		t.Errorf("a damaged index: %v, want a failed checksum", err)
	}
}

// manyWords is an index with more distinct words than a bound of 1,024.
func manyWords(t *testing.T) bleve.Index {
	var body strings.Builder
	for i := range 1100 {
		fmt.Fprintf(&body, "zq%05d ", i)
	}
	return memIndex(t, []doc{{ID: "x", Title: "x", Body: body.String()}}, 1)
}

// TestTermSearcherLimitPanics documents why the bounds are this package's
// own: bleve v2.6.1's per-query limit, search.MaxTermSearchersKey,
// dereferences nil in TermSearcher.Close when it trips. If this test
// starts failing, bleve has fixed it, and the limit could be used instead.
func TestTermSearcherLimitPanics(t *testing.T) {
	idx := manyWords(t)
	ctx := context.WithValue(context.Background(), bsearch.MaxTermSearchersKey, 10)
	// About a hundred terms: over this limit.
	req := bleve.NewSearchRequest(bleve.NewRegexpQuery("zq000.*"))
	panicked := func() (p any) {
		defer func() { p = recover() }()
		idx.SearchInContext(ctx, req)
		return nil
	}()
	if panicked == nil {
		t.Fatal("bleve no longer panics when MaxTermSearchersKey trips")
	}
	t.Logf("bleve panicked as expected: %v", panicked)
}

// TestConstantScoreIsBounded: a pattern that expands past MaxWords fails
// with ErrTooManyWords, scored or not; under it, every hit scores Boost.
func TestConstantScoreIsBounded(t *testing.T) {
	idx := manyWords(t)
	for _, inner := range []query.Query{bleve.NewRegexpQuery("zq.*"), bleve.NewWildcardQuery("*q0*"), bleve.NewPrefixQuery("zq")} {
		q := &ConstantScoreQuery{Inner: inner, Boost: 2, MaxWords: 1024}
		if _, err := idx.SearchInContext(WithPatterns(context.Background()), bleve.NewSearchRequest(q)); !errors.Is(err, ErrTooManyWords) {
			t.Errorf("%T: %v, want ErrTooManyWords", inner, err)
		}
	}
	q := &ConstantScoreQuery{Inner: bleve.NewPrefixQuery("zq0000"), Boost: 2, MaxWords: 1024}
	if got := runQuery(t, idx, q); !slices.Equal(got, []string{"x 2.000000"}) {
		t.Errorf("zq0000* = %v, want x with the score 2", got)
	}
}
