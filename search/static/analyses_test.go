package static_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// testCache is an AnalysisCache that counts its stores.
type testCache interface {
	static.AnalysisCache
	stored() int
}

// memoryCache keeps analyses as a value, as serve's builds do.
type memoryCache struct {
	a      *static.Analyses
	stores int
}

func (m *memoryCache) Load() *static.Analyses   { return m.a }
func (m *memoryCache) Store(a *static.Analyses) { m.a, m.stores = a, m.stores+1 }
func (m *memoryCache) stored() int              { return m.stores }

// bytesCache keeps analyses in their binary form, as the build cache
// does on disk.
type bytesCache struct {
	data   []byte
	stores int
}

func (b *bytesCache) Load() *static.Analyses {
	if b.data == nil {
		return nil
	}
	var a static.Analyses
	if err := a.UnmarshalBinary(b.data); err != nil {
		panic(err) // the test wrote them
	}
	return &a
}

func (b *bytesCache) Store(a *static.Analyses) {
	data, err := a.MarshalBinary()
	if err != nil {
		panic(err)
	}
	b.data, b.stores = data, b.stores+1
}

func (b *bytesCache) stored() int { return b.stores }

// TestWarmWriteMatchesCold edits a set of reports step by step and, after
// each edit, writes the index with the analyses the last write kept and
// without them: the files must be byte for byte the same, only the
// reports whose text or names changed may be analysed again, and the
// analyses kept must be those of the reports given, no more.
func TestWarmWriteMatchesCold(t *testing.T) {
	docs := syntheticDocs(400, 11)
	edit := func(i int, change func(d *search.Document)) {
		d := docs[i]
		d.Services, d.Causes, d.Sites = slices.Clone(d.Services), slices.Clone(d.Causes), slices.Clone(d.Sites)
		change(&d)
		docs[i] = d
	}
	steps := []struct {
		name     string
		edit     func()
		analysed int  // reports analysed
		stored   bool // the analyses kept changed
	}{
		{"first write", func() {}, 400, true},
		{"nothing changed", func() {}, 0, false},
		{"a body changed", func() { edit(5, func(d *search.Document) { d.Body += " zebra crossing failed" }) }, 1, true},
		{"a summary lost its last word", func() {
			edit(6, func(d *search.Document) { d.Summary = d.Summary[:strings.LastIndexByte(d.Summary, ' ')] })
		}, 1, true},
		{"a report added", func() {
			d := docs[7]
			d.ID, d.URL, d.Title = "2030-01-01 new", "incidents/new/", "Unicorn quota exhausted"
			d.Start, d.Year = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 2030
			docs = append(docs, d)
		}, 1, true},
		{"a report removed, the only one holding its words", func() {
			docs = slices.DeleteFunc(docs, func(d search.Document) bool { return d.ID == "2030-01-01 new" })
		}, 0, true},
		{"two reports removed", func() { docs = append(docs[:10:10], docs[12:]...) }, 0, true},
		{"a site changed (a facet only)", func() { edit(20, func(d *search.Document) { d.Sites = []string{"magru"} }) }, 0, false},
		{"a start and year changed (the order)", func() {
			edit(21, func(d *search.Document) { d.Start, d.Year = d.Start.AddDate(-3, 0, 0), d.Start.Year()-3 })
		}, 0, false},
		{"a service changed (a facet and a name)", func() {
			edit(22, func(d *search.Document) { d.Services = []string{"svc-renamed"} })
		}, 1, true},
		{"a spelling added", func() { edit(23, func(d *search.Document) { d.Spellings = []string{"zürich"} }) }, 1, true},
		{"a title and two causes changed", func() {
			edit(24, func(d *search.Document) { d.Title, d.Causes = "Entirely new words here", []string{"cosmic-ray"} })
			edit(25, func(d *search.Document) { d.Causes = append(d.Causes, "cosmic-ray") })
		}, 2, true},
		{"a report given another's text", func() {
			edit(30, func(d *search.Document) {
				o := docs[31]
				d.Title, d.Impact, d.Summary, d.Body, d.Services, d.Causes, d.Spellings = o.Title, o.Impact, o.Summary, o.Body, o.Services, o.Causes, o.Spellings
			})
		}, 0, true},
		{"a body moved to the summary", func() {
			edit(40, func(d *search.Document) { d.Summary, d.Body = d.Summary+" "+d.Body, "" })
		}, 1, true},
		{"all reports but one removed", func() { docs = docs[:1] }, 0, true},
		{"none", func() { docs = nil }, 0, true},
		{"other reports", func() { docs = syntheticDocs(50, 12) }, 50, true},
	}
	for _, cache := range []testCache{&memoryCache{}, &bytesCache{}} {
		docs = syntheticDocs(400, 11)
		t.Run(fmt.Sprintf("%T", cache), func(t *testing.T) {
			for _, step := range steps {
				step.edit()
				before := cache.stored()
				warm := &memWriter{}
				st, err := static.Write(context.Background(), warm, docs, static.Options{Workers: 2, FirstBlock: 8, Cache: cache})
				if err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
				cold := writeFiles(t, docs, static.Options{Workers: 2, FirstBlock: 8})
				if !maps.EqualFunc(warm.files, cold, bytes.Equal) {
					t.Errorf("%s: the index written with the cache differs from the one written without in %v", step.name, differing(warm.files, cold))
				}
				if st.Analysed != step.analysed {
					t.Errorf("%s: analysed %d reports, want %d", step.name, st.Analysed, step.analysed)
				}
				if stored := cache.stored() - before; stored != map[bool]int{false: 0, true: 1}[step.stored] {
					t.Errorf("%s: the analyses were stored %d times, want %v", step.name, stored, step.stored)
				}
				kept := cache.Load()
				if want := distinctTexts(docs); kept.Docs() != want {
					t.Errorf("%s: the cache keeps the analyses of %d reports, want %d", step.name, kept.Docs(), want)
				}
				if want := countTextTerms(t, cold); kept.Terms() != want {
					t.Errorf("%s: the cache keeps %d terms, the index holds %d", step.name, kept.Terms(), want)
				}
			}
		})
	}
}

// distinctTexts is the number of reports of docs that differ in what
// analysis reads.
func distinctTexts(docs []search.Document) int {
	seen := map[string]bool{}
	for _, d := range docs {
		seen[mustJSON([]any{d.Title, d.Impact, d.Summary, d.Body, d.Names()})] = true
	}
	return len(seen)
}

// countTextTerms counts the terms of the index that are not facet terms.
func countTextTerms(t *testing.T, files map[string][]byte) int {
	ix := readIndex(t, files)
	n := 0
	for i := range ix.manifest.Shards {
		for term := range ix.shard(t, i) {
			if len(term) == 0 || term[:1] != static.FacetPrefix {
				n++
			}
		}
	}
	return n
}

// differing lists the files that are not the same in a and b.
func differing(a, b map[string][]byte) []string {
	var out []string
	for rel, data := range a {
		if other, ok := b[rel]; !ok || !bytes.Equal(data, other) {
			out = append(out, rel)
		}
	}
	for rel := range b {
		if _, ok := a[rel]; !ok {
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	return out
}

// TestAnalysesBinary: analyses read back from their binary form are the
// same analyses, and data cut short or changed anywhere is an error (or,
// for a changed byte the encoding cannot tell, other analyses), never a
// panic.
func TestAnalysesBinary(t *testing.T) {
	cache := &bytesCache{}
	if _, err := static.Write(context.Background(), &memWriter{}, syntheticDocs(60, 5), static.Options{Workers: 2, Cache: cache}); err != nil {
		t.Fatal(err)
	}
	data := cache.data
	var a static.Analyses
	if err := a.UnmarshalBinary(data); err != nil {
		t.Fatalf("reading the analyses back: %v", err)
	}
	again, err := a.MarshalBinary()
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("the analyses read back encode otherwise (%v)", err)
	}
	if a.Docs() != 60 || a.Terms() == 0 {
		t.Errorf("read back %d reports and %d terms, want 60 and some", a.Docs(), a.Terms())
	}
	for n := range len(data) {
		var b static.Analyses
		if err := b.UnmarshalBinary(data[:n]); err == nil {
			t.Fatalf("the first %d of %d bytes were read as analyses", n, len(data))
		}
	}
	if err := a.UnmarshalBinary(append(slices.Clone(data), 0)); err == nil {
		t.Error("analyses with a byte after them were read")
	}
	for i := range data {
		changed := slices.Clone(data)
		changed[i] ^= 0xA5
		var b static.Analyses
		_ = b.UnmarshalBinary(changed) // must not panic
	}
}

// TestDropTextWritesTheSame: with Options.DropText, Write empties the
// documents' text once analysed and writes the same files, the result
// cards included, whether a card's text is cut from the impact and
// summary or from the body.
func TestDropTextWritesTheSame(t *testing.T) {
	docs := syntheticDocs(300, 5)
	for i := 0; i < len(docs); i += 7 {
		docs[i].Impact, docs[i].Summary = "", " " // a card cut from the body
	}
	want := writeFiles(t, docs, static.Options{Workers: 2, FirstBlock: 8})
	for _, cache := range []testCache{nil, &memoryCache{}} {
		for run := range 2 { // the second with the first's analyses
			dropped := slices.Clone(docs)
			opts := static.Options{Workers: 2, FirstBlock: 8, DropText: true}
			if cache != nil {
				opts.Cache = cache
			}
			got := writeFiles(t, dropped, opts)
			if !maps.EqualFunc(got, want, bytes.Equal) {
				t.Errorf("cache %T, run %d: the index written dropping the text differs in %v", cache, run, differing(got, want))
			}
			for i, d := range dropped {
				if d.Impact != "" || d.Summary != "" || d.Body != "" {
					t.Fatalf("cache %T, run %d: document %d keeps its text", cache, run, i)
				}
			}
		}
	}
}
