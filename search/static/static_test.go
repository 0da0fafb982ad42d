package static_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// index reads a written static index back, as search.js does.
type index struct {
	files    map[string][]byte
	manifest static.Manifest
	fetched  map[string]bool // files read so far
}

func readIndex(t *testing.T, files map[string][]byte) *index {
	t.Helper()
	ix := &index{files: files, fetched: map[string]bool{}}
	if err := json.Unmarshal(ix.fetch(t, "search/index.json"), &ix.manifest); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	return ix
}

func (ix *index) fetch(t *testing.T, rel string) []byte {
	t.Helper()
	b, ok := ix.files[rel]
	if !ok {
		t.Fatalf("the index has no %s", rel)
	}
	ix.fetched[rel] = true
	return b
}

// shardOf is the shard whose range holds term.
func (ix *index) shardOf(term string) int {
	return sort.Search(len(ix.manifest.Shards), func(i int) bool { return ix.manifest.Shards[i] > term }) - 1
}

type entry struct {
	docs    []int
	weights []uint8
}

// shard decodes shard i.
func (ix *index) shard(t *testing.T, i int) map[string]entry {
	t.Helper()
	b := ix.fetch(t, "search/t/"+strconv.Itoa(i)+".bin")
	next := func() int {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("shard %d: bad varint", i)
		}
		b = b[n:]
		return int(v)
	}
	out := map[string]entry{}
	prev := ""
	for n := next(); n > 0; n-- {
		shared, rest := next(), next()
		term := prev[:shared] + string(b[:rest])
		b = b[rest:]
		if term <= prev && prev != "" {
			t.Errorf("shard %d: %q after %q", i, term, prev)
		}
		prev = term
		df, size := next(), next()
		postings := b[:size]
		b = b[size:]
		var e entry
		doc := 0
		for len(postings) > 0 {
			gap, n := binary.Uvarint(postings)
			doc += int(gap)
			e.docs = append(e.docs, doc)
			e.weights = append(e.weights, postings[n])
			postings = postings[n+1:]
		}
		if len(e.docs) != df {
			t.Errorf("shard %d: %q has %d postings, says %d", i, term, len(e.docs), df)
		}
		out[term] = e
	}
	if len(b) != 0 {
		t.Errorf("shard %d: %d bytes after the last term", i, len(b))
	}
	return out
}

func (ix *index) lookup(t *testing.T, term string) (entry, bool) {
	e, ok := ix.shard(t, ix.shardOf(term))[term]
	return e, ok
}

// card returns the card of report n.
func (ix *index) card(t *testing.T, n int) []any {
	t.Helper()
	per := ix.manifest.CardsPerFile
	var cards [][]any
	if err := json.Unmarshal(ix.fetch(t, "search/c/"+strconv.Itoa(n/per)+".json"), &cards); err != nil {
		t.Fatal(err)
	}
	return cards[n%per]
}

func day(s string) time.Time {
	d, _ := time.Parse("2006-01-02", s)
	return d
}

// testDocs are three reports, given oldest first to check that the index
// numbers them newest first.
var testDocs = []search.Document{
	{ID: "2019-01-01 dns", Title: "DNS resolvers timed out", URL: "incidents/2019-01-01-dns/", Start: day("2019-01-01"), Year: 2019,
		Services: []string{"dns-recursors"}, Causes: []string{"timeouts"}, Sites: []string{"eqiad", "codfw"},
		Impact: "Lookups failed for ten minutes.", Body: "The resolvers' caches were flushing while queries timed out. svc-0947 saw it too."},
	{ID: "2021-06-01 cache", Title: "Cache purge storm", URL: "incidents/2021-06-01-cache/", Start: day("2021-06-01"), Year: 2021,
		Services: []string{"varnish-frontend", "dns-recursors"}, Causes: []string{"purge"}, Sites: []string{"esams"},
		Summary: "A purge of every URL emptied the caches.", Body: "Retries multiplied the load. " + strings.Repeat("Filler words here. ", 50)},
	{ID: "2024-05-10 search", Title: "Search cluster ran out of heap", URL: "incidents/2024-05-10-search/", Start: day("2024-05-10"), Year: 2024,
		Services: []string{"elasticsearch"}, Causes: []string{"timeouts", "memory"},
		Impact: "Search was slow.", Summary: strings.Repeat("The cluster timed out again and again. ", 20)},
}

func writeTest(t *testing.T, docs []search.Document) *index {
	t.Helper()
	w := &memWriter{}
	st, err := static.Write(context.Background(), w, docs, static.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != len(w.files) {
		t.Errorf("Stats.Files = %d, wrote %d", st.Files, len(w.files))
	}
	return readIndex(t, w.files)
}

func TestWrite(t *testing.T) {
	ix := writeTest(t, testDocs)
	m := ix.manifest
	if m.Format != static.Format || m.Docs != 3 || m.Analyzer != static.AnalyzerName || m.Version == "" {
		t.Errorf("manifest = %+v", m)
	}
	if len(m.Shards) == 0 || m.Shards[0] != "" {
		t.Errorf("shards = %q, want the first to be \"\"", m.Shards)
	}
	if !slices.Contains(m.StopWords, "the") {
		t.Errorf("stop words lack \"the\"")
	}

	// Report numbers are newest first: 0 is 2024, 1 is 2021, 2 is 2019.
	tests := []struct {
		name string
		term string
		docs []int
	}{
		{"stemmed from the title and body", "time", []int{0, 2}},
		{"stemmed plural", "cach", []int{1, 2}},
		{"possessive stripped", "resolv", []int{2}},
		{"only in the body", "retri", []int{1}},
		{"split at the hyphen", "url", []int{1}},
		{"a name in the text, whole", "svc-0947", []int{2}},
		{"and its parts", "0947", []int{2}},
		{"a service name, whole", "dns-recursors", []int{1, 2}},
		{"a cause, analysed as text", "timeout", []int{0, 2}},
		{"stop word", "the", nil},
		{"absent", "zebra", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := ix.lookup(t, tt.term)
			if ok != (tt.docs != nil) || !slices.Equal(e.docs, tt.docs) {
				t.Errorf("postings of %q = %v (found %v), want %v", tt.term, e.docs, ok, tt.docs)
			}
		})
	}

	// The title weighs more than a word deep in a long body: "cluster"
	// is in report 0's title, "retri" in report 1's long body.
	title, _ := ix.lookup(t, "cluster")
	body, _ := ix.lookup(t, "retri")
	if title.weights[0] <= body.weights[0] {
		t.Errorf("weight of a title word %d is not above a body word's %d", title.weights[0], body.weights[0])
	}

	card := ix.card(t, 2)
	want := []any{"DNS resolvers timed out", "2019-01-01", []any{"dns-recursors"}, "incidents/2019-01-01-dns/", "Lookups failed for ten minutes."}
	if b1, b2 := mustJSON(card), mustJSON(want); b1 != b2 {
		t.Errorf("card 2 = %s, want %s", b1, b2)
	}
	if text := ix.card(t, 0)[4].(string); len([]rune(text)) > static.CardText+1 || !strings.HasSuffix(text, "…") {
		t.Errorf("long card text not cut: %q", text)
	}

	var facets map[string][][]any
	if err := json.Unmarshal(ix.fetch(t, "search/facets.json"), &facets); err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(facets["services"]), `[["dns-recursors",2],["elasticsearch",1],["varnish-frontend",1]]`; got != want {
		t.Errorf("services facet = %s, want %s", got, want)
	}
	if got, want := mustJSON(facets["years"]), `[[2024,1],[2021,1],[2019,1]]`; got != want {
		t.Errorf("years facet = %s, want %s", got, want)
	}
	// facets.bin starts with report 0 (2024): one year, term 0 (2024);
	// one service, term 1 (elasticsearch); two causes, timeouts (0) and
	// memory (1); no site.
	bin := ix.fetch(t, "search/facets.bin")
	if got, want := bin[:8], []byte{1, 0, 1, 1, 2, 0, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("facets.bin starts %v, want %v", got, want)
	}
}

// TestWriteStable checks that the same reports give the same bytes, so
// that a rebuild leaves the index files alone.
func TestWriteStable(t *testing.T) {
	a, b := writeTest(t, testDocs), writeTest(t, slices.Clone(testDocs))
	for rel, data := range a.files {
		if string(b.files[rel]) != string(data) {
			t.Errorf("%s differs between two writes", rel)
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	ix := writeTest(t, nil)
	if ix.manifest.Docs != 0 || len(ix.manifest.Shards) != 0 {
		t.Errorf("manifest of no reports = %+v", ix.manifest)
	}
}

// failingWriter fails to write one file.
type failingWriter struct {
	memWriter
	fail string
}

func (f *failingWriter) WriteFile(rel string, data []byte) (bool, error) {
	if rel == f.fail {
		return false, errors.New("disk full")
	}
	return f.memWriter.WriteFile(rel, data)
}

// TestWriteErrors: a file that cannot be written fails Write, saying
// which index and why; a cancelled build stops it with its context's
// error.
func TestWriteErrors(t *testing.T) {
	_, err := static.Write(context.Background(), &failingWriter{fail: "search/facets.bin"}, testDocs, static.Options{Workers: 2})
	if err == nil || !strings.Contains(err.Error(), "writing the static search index: disk full") {
		t.Errorf("Write with a failing file: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := static.Write(ctx, &memWriter{}, testDocs, static.Options{Workers: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("Write when cancelled: %v, want context.Canceled", err)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestFieldsAreTheMappings: every field the static index weighs is a text
// field of the bleve mapping, so that both weigh a match alike.
func TestFieldsAreTheMappings(t *testing.T) {
	for _, f := range static.Fields {
		if search.TextFieldBoost(f.Name) == 0 {
			t.Errorf("field %q is not a text field of the bleve mapping", f.Name)
		}
	}
	if search.TextFieldBoost("names") == 0 {
		t.Error(`the bleve mapping has no "names" field, whose terms the static index adds`)
	}
}
