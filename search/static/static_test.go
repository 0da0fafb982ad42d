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
	docs    []int   // increasing
	weights []uint8 // of each report in docs
}

// shardEntry is a term as its shard holds it.
type shardEntry struct {
	df     int
	first  []byte // the first block
	id     int    // of its doc-set and block files, or -1
	blocks int    // later blocks
	next   uint8  // the weight and report of the first posting after the first block
	doc    int
}

// uvarints reads varints from b, failing the test at a bad one.
type uvarints struct {
	t    *testing.T
	what string
	b    []byte
}

func (r *uvarints) next() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.t.Fatalf("%s: bad varint", r.what)
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *uvarints) bytes(n int) []byte {
	if n > len(r.b) {
		r.t.Fatalf("%s: %d bytes wanted, %d left", r.what, n, len(r.b))
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// shard decodes shard i.
func (ix *index) shard(t *testing.T, i int) map[string]shardEntry {
	t.Helper()
	r := &uvarints{t, "shard " + strconv.Itoa(i), ix.fetch(t, "search/t/"+strconv.Itoa(i)+".bin")}
	out := map[string]shardEntry{}
	prev := ""
	for n := r.next(); n > 0; n-- {
		shared, rest := r.next(), r.next()
		term := prev[:shared] + string(r.bytes(rest))
		if term <= prev && prev != "" {
			t.Errorf("shard %d: %q after %q", i, term, prev)
		}
		prev = term
		e := shardEntry{df: r.next(), id: -1}
		e.first = r.bytes(r.next())
		if e.df > ix.manifest.FirstBlock {
			e.id, e.blocks, e.next = r.next(), r.next(), r.bytes(1)[0]
			e.doc = r.next()
		}
		out[term] = e
	}
	if len(r.b) != 0 {
		t.Errorf("shard %d: %d bytes after the last term", i, len(r.b))
	}
	return out
}

// rice decodes a run of Rice codes (see static.Format) at the start of
// r.b, leaving r.b after it, and returns its report numbers.
func rice(t *testing.T, what string, r *uvarints) []int {
	t.Helper()
	head := r.next()
	n, k := head>>5, head&31
	if n == 0 {
		return nil
	}
	docs := []int{r.next()}
	bit := 0
	get := func() int {
		if bit>>3 >= len(r.b) {
			t.Fatalf("%s: Rice codes past the end", what)
		}
		b := int(r.b[bit>>3]>>(7-bit&7)) & 1
		bit++
		return b
	}
	for i := 1; i < n; i++ {
		v := 0
		for get() == 1 {
			v++
		}
		for j := 0; j < k; j++ {
			v = v<<1 | get()
		}
		docs = append(docs, docs[len(docs)-1]+v+1)
	}
	used := (bit + 7) >> 3
	if bit&7 != 0 && r.b[used-1]&(0xff>>(bit&7)) != 0 {
		t.Errorf("%s: padding bits not zero", what)
	}
	r.b = r.b[used:]
	return docs
}

// gaps decodes a count and that many report numbers as gaps at the
// start of r.b, leaving r.b after them.
func gaps(t *testing.T, what string, r *uvarints) []int {
	t.Helper()
	var docs []int
	doc := 0
	for c := r.next(); c > 0; c-- {
		gap := r.next()
		if gap == 0 && len(docs) > 0 {
			t.Errorf("%s: report %d twice", what, doc)
		}
		doc += gap
		docs = append(docs, doc)
	}
	return docs
}

// block decodes a block of postings (Rice-coded in a block file, as gaps
// in a shard), checking that they come in impact order, and returns them.
func block(t *testing.T, what string, b []byte, riceCoded bool) (docs []int, weights []uint8) {
	t.Helper()
	r := &uvarints{t, what, b}
	for len(r.b) > 0 {
		q := r.bytes(1)[0]
		if len(weights) > 0 && q >= weights[len(weights)-1] {
			t.Errorf("%s: weight %d after %d", what, q, weights[len(weights)-1])
		}
		var run []int
		if riceCoded {
			run = rice(t, what, r)
		} else {
			run = gaps(t, what, r)
		}
		if len(run) == 0 {
			t.Errorf("%s: an empty run of weight %d", what, q)
		}
		for _, doc := range run {
			docs, weights = append(docs, doc), append(weights, q)
		}
	}
	return docs, weights
}

// lookup reads every posting of term, from its shard and, for a large
// term, its block files, checking them against its doc-set file.
func (ix *index) lookup(t *testing.T, term string) (entry, bool) {
	t.Helper()
	se, ok := ix.shard(t, ix.shardOf(term))[term]
	if !ok {
		return entry{}, false
	}
	docs, weights := block(t, term, se.first, false)
	if se.id >= 0 {
		if len(docs) != ix.manifest.FirstBlock {
			t.Errorf("%q: %d postings in the first block, want %d", term, len(docs), ix.manifest.FirstBlock)
		}
		next, nextDoc := se.next, se.doc
		for k := 1; k <= se.blocks; k++ {
			rel := "search/w/" + strconv.Itoa(se.id) + "-" + strconv.Itoa(k) + ".bin"
			r := &uvarints{t, rel, ix.fetch(t, rel)}
			nw, nd := r.bytes(1)[0], 0
			if nw != 0 {
				nd = r.next()
			}
			d, w := block(t, rel, r.b, true)
			if len(w) == 0 || w[0] != next || d[0] != nextDoc {
				t.Errorf("%s: the block starts at weight %v, report %v; the one before says %d, %d", rel, w[:min(1, len(w))], d[:min(1, len(d))], next, nextDoc)
			}
			if len(w) > 0 && w[0] > weights[len(weights)-1] {
				t.Errorf("%s: weight %d after %d", rel, w[0], weights[len(weights)-1])
			}
			next, nextDoc = nw, nd
			docs, weights = append(docs, d...), append(weights, w...)
		}
		if next != 0 {
			t.Errorf("%q: the last block says a weight %d follows", term, next)
		}
	}
	byDoc := make([]int, len(docs))
	for i := range byDoc {
		byDoc[i] = i
	}
	sort.Slice(byDoc, func(a, b int) bool { return docs[byDoc[a]] < docs[byDoc[b]] })
	var e entry
	for _, i := range byDoc {
		e.docs, e.weights = append(e.docs, docs[i]), append(e.weights, weights[i])
	}
	if len(e.docs) != se.df {
		t.Errorf("%q has %d postings, says %d", term, len(e.docs), se.df)
	}
	if se.id >= 0 {
		if got := ix.docSet(t, se.id); !slices.Equal(got, e.docs) {
			t.Errorf("%q: the doc set holds %d reports, the blocks %d", term, len(got), len(e.docs))
		}
		var inOrder []uint8 // the oldest report's first
		for j := 0; j*ix.manifest.WeightChunk < len(e.docs); j++ {
			inOrder = append(inOrder, ix.fetch(t, "search/r/"+strconv.Itoa(se.id)+"-"+strconv.Itoa(j)+".bin")...)
		}
		slices.Reverse(inOrder)
		if !slices.Equal(inOrder, e.weights) {
			t.Errorf("%q: the weights in report order differ from the blocks'", term)
		}
	}
	return e, true
}

// docSet decodes the doc-set file of the term numbered id.
func (ix *index) docSet(t *testing.T, id int) []int {
	rel := "search/d/" + strconv.Itoa(id) + ".bin"
	b := ix.fetch(t, rel)
	var docs []int
	switch b[0] {
	case 1:
		for i, c := range b[1:] {
			for bit := 0; bit < 8; bit++ {
				if c&(1<<bit) != 0 {
					docs = append(docs, i*8+bit)
				}
			}
		}
	case 0:
		r := &uvarints{t, rel, b[1:]}
		doc := 0
		for len(r.b) > 0 {
			doc += r.next()
			docs = append(docs, doc)
		}
	default:
		t.Errorf("%s: kind %d", rel, b[0])
	}
	return docs
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

	// Report numbers are newest first and end at the slots: first is
	// 2024, first+1 is 2021, first+2 is 2019.
	if m.Slots != static.SlotStep {
		t.Errorf("%d slots for %d reports, want %d", m.Slots, m.Docs, static.SlotStep)
	}
	first := m.First()
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
			var want []int
			for _, d := range tt.docs {
				want = append(want, first+d)
			}
			if ok != (tt.docs != nil) || !slices.Equal(e.docs, want) {
				t.Errorf("postings of %q = %v (found %v), want %v", tt.term, e.docs, ok, want)
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

	card := ix.card(t, first+2)
	want := []any{"DNS resolvers timed out", "2019-01-01", []any{"dns-recursors"}, "incidents/2019-01-01-dns/", "Lookups failed for ten minutes."}
	if b1, b2 := mustJSON(card), mustJSON(want); b1 != b2 {
		t.Errorf("card %d = %s, want %s", first+2, b1, b2)
	}
	if text := ix.card(t, first)[4].(string); len([]rune(text)) > static.CardText+1 || !strings.HasSuffix(text, "…") {
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
	// facets.bin starts with the numbers no report has, a count of none
	// for each facet, then report first (2024): one year, term 0 (2024);
	// one service, term 1 (elasticsearch); two causes, timeouts (0) and
	// memory (1); no site.
	bin := ix.fetch(t, "search/facets.bin")
	unused := first * len(m.Facets)
	if got, want := bin[unused:unused+8], []byte{1, 0, 1, 1, 2, 0, 1, 0}; !slices.Equal(got, want) || slices.ContainsFunc(bin[:unused], func(b byte) bool { return b != 0 }) {
		t.Errorf("facets.bin holds %v after %d bytes, want %v after zeros", got, unused, want)
	}
}

// TestNewestReportMovesNoNumber: adding a report newer than the others
// changes the files of its own terms, its card file and the files that
// count the whole index (manifest, facets), not the others' numbers,
// cards or weights; adding an older one renumbers those after it.
func TestNewestReportMovesNoNumber(t *testing.T) {
	docs := syntheticDocs(600, 4)
	before := writeTest(t, docs)
	newest := docs[0]
	for _, d := range docs {
		if d.Start.After(newest.Start) {
			newest = d
		}
	}
	newest.ID, newest.URL = "2030-01-01 newest", "incidents/2030-01-01-newest/"
	newest.Start = newest.Start.AddDate(1, 0, 0)
	after := writeTest(t, append(slices.Clone(docs), newest))
	changed, cards := 0, 0
	kinds := map[string]int{} // by the folder under search/
	for rel, data := range after.files {
		if string(before.files[rel]) != string(data) {
			kinds[rel[:min(len(rel), 9)]]++
			changed++
			if strings.HasPrefix(rel, "search/c/") {
				cards++
			}
		}
	}
	// Its card file, and of each large term it holds, the doc set and
	// the last weight file (the blocks in impact order move).
	if cards != 1 || kinds["search/r/"] > kinds["search/d/"] || kinds["search/d/"] == 0 {
		t.Errorf("adding the newest report changed %d of %d files (%v), %d of them cards; want its card file, and one weight file for each doc set", changed, len(after.files), kinds, cards)
	}
	if before.manifest.Slots != after.manifest.Slots {
		t.Errorf("slots went from %d to %d for %d reports and one more", before.manifest.Slots, after.manifest.Slots, len(docs))
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
