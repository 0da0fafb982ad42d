// Package static writes the search index that the site's /search/ page
// reads in the browser when no server is behind the site: a compact,
// sharded copy of what the bleve index holds, analysed by the same bleve
// analyzer, so that a plain word query matches the same reports on a
// static host as under `incidents serve`.
//
// Everything is written under search/ in the output:
//
//	search/index.json    the manifest, fetched first: format, analyzer,
//	                     number of reports, version (a hash of all files,
//	                     appended as ?v= to every other fetch so that a
//	                     rebuilt index is never mixed with a cached one),
//	                     the analyzer's stop words, the first term of each
//	                     shard, the reports per card file and the postings
//	                     in a term's first block
//	search/t/N.bin       term shards: the sorted terms cut into ranges of
//	                     about ShardBytes, each term with its number of
//	                     reports and its first block of postings; a query
//	                     fetches only the shards whose range holds its
//	                     terms (and, for a last word still being typed, the
//	                     range its prefix spans)
//	search/w/I-K.bin     block K (from 1) of the postings of large term I
//	search/d/I.bin       the reports holding large term I (its doc set)
//	search/r/I-J.bin     the weights of large term I's postings in
//	                     decreasing report order (the oldest report's
//	                     first, so that a new report's weight goes in the
//	                     last file), WeightChunk to a file (J from 0), one
//	                     byte each: a report's weight without the blocks
//	search/c/N.json      result cards, CardsPerFile reports each, by report
//	                     number: [title, date, services, url, text] (null
//	                     for a number no report has)
//	search/facets.json   the terms of each facet with their counts, most
//	                     frequent first: {"years": [[2024, 31], ...], ...}
//	search/facets.bin    each report's facet values as term numbers, for
//	                     counting them over a result set
//
// Reports are numbered newest first (by start, then id), so sorting by date
// is sorting by number, and the numbers end at the manifest's slots, a
// multiple of SlotStep: the oldest report is slots-1 and the newest
// slots-docs, the numbers below it unused. So the report of a new outage,
// the newest, takes the number below the others' and moves none of them:
// the files it changes are those of its own terms, not the whole index.
// Each facet value is a term too (FacetTerm), whose reports a filter
// intersects without the facet files.
//
// Binary files are sequences of unsigned LEB128 varints and bytes. A
// term's postings are in impact order, heaviest weight first and then by
// report number, cut into blocks: the first of FirstBlock postings, each
// later one BlockGrowth times the one before. A block is runs of one
// weight: the weight byte, then the run's report numbers. In a shard
// they are the number of reports and their numbers as gaps (the first
// from 0); in a block file, Rice codes: the number of reports n and the
// Rice parameter k as one varint (n<<5 | k), the first number as a
// varint, and each later one's gap less one, v, as v>>k one bits, a zero
// bit and the k low bits of v, bits filling each byte from its high bit,
// the last byte padded with zero bits. A shard holds its number of
// terms, then for each term: the length of the prefix it shares with the
// previous term and the length of the rest (both in bytes), the rest
// (UTF-8), the number of reports holding it, the byte length of its
// first block, and that block; a term held by more than FirstBlock
// reports (a large term) goes on with its number I among the large
// terms, its number of later blocks, and the weight byte and report
// number of the posting the second block starts with. A later block file begins with the weight byte and report
// number of the posting the block after it starts with (a lone 0 for the
// last). A doc set is a kind byte, then for kind 1 a bitmap (bit d%8 of
// byte d/8 for report d) or for kind 0 the report numbers as gaps,
// whichever is shorter. facets.bin holds, for each report and for each
// facet in the manifest's order, a count and that many term numbers (a
// number no report has counts none).
//
// So a query of one word needs only its shard, whatever the number of
// reports holding it: its first block gives the first results, and its
// number of reports the total. A query of several words, a filter or a
// sort by date also reads the doc sets of its terms, and ranks with the
// weights it has, bounding the others, fetching later blocks (and, once
// they grow large, the weights in report order of the reports it lacks,
// alone when only a few reports that could reach the page lack them)
// until its page is certain (see search.js).
//
// A posting's weight is bleve's TF-IDF without the IDF, which the browser
// applies since it knows the query: the sum over the text fields (and the
// names of services and causes) of boost × √(term frequency) / √(field
// length), stored on a logarithmic
// scale of 5% steps as round((ln w + WeightOffset) × WeightScale),
// clamped to 1..255. Facet terms weigh 1.
package static

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/search"
)

// Format is the version of the file layout described above; the page
// refuses an index of another format.
const Format = 4

// AnalyzerName names the analysis the terms went through, for the page to
// check against its own copy.
const AnalyzerName = "incidents-en-3"

// Tuning of the files, chosen on the 100,000 reports of gencorpus.py for
// the bytes a first query fetches (docs/search.md): shards of 5 KB (4 KB
// gzipped; smaller ones would make the manifest grow), first blocks of
// 128 postings, later ones twice the size of the one before, weights in
// report order 512 to a file (about 380 bytes gzipped: a query looks up
// a few reports' weights, scattered over the term's reports; 256 saved
// up to 4 KB more a query for 25,000 more files at 100,000 reports);
// four cards per file keep a page of ten results near 7 KB gzipped
// (eight made it 12 KB, the results of a common word being one to a
// file), without a file per report.
const (
	ShardBytes   = 5 << 10
	CardsPerFile = 4
	// CardText is the most characters of a report's impact and summary
	// kept on its card for the snippet.
	CardText     = 280
	WeightScale  = 20
	WeightOffset = 6
	// FirstBlock is how many of a term's postings, the heaviest, its
	// shard holds; BlockGrowth is how much larger each later block is.
	FirstBlock  = 128
	BlockGrowth = 2
	// WeightChunk is how many weights of a large term, in report order,
	// a file of search/r/ holds, for looking up a report's weight.
	WeightChunk = 512
	// SlotStep rounds up the numbers the reports take (Manifest.Slots):
	// adding a report renumbers the others only when their count passes
	// a multiple of it, and a browser's arrays hold at most SlotStep-1
	// unused numbers.
	SlotStep = 256
)

// slotsFor is Manifest.Slots for an index of docs reports: docs rounded
// up to a multiple of SlotStep.
func slotsFor(docs int) int { return (docs + SlotStep - 1) / SlotStep * SlotStep }

// FacetPrefix begins the terms that stand for a facet value: FacetPrefix,
// the facet's name, FacetPrefix again, the value. No word the analyzer
// makes holds it.
const FacetPrefix = "\x01"

// FacetTerm is the term of value in facet, whose postings are the reports
// that have it.
func FacetTerm(facet, value string) string {
	return FacetPrefix + facet + FacetPrefix + value
}

// Fields are the text fields of the bleve mapping (boosted as there, see
// search.TextFieldBoost) and what each holds; the mapping's "names" field
// holds search.Document.Names.
var Fields = []struct {
	Name string
	Text func(*search.Document) string
}{
	{"title", func(d *search.Document) string { return d.Title }},
	{"impact", func(d *search.Document) string { return d.Impact }},
	{"summary", func(d *search.Document) string { return d.Summary }},
	{"body", func(d *search.Document) string { return d.Body }},
}

// Facets are the facets the page filters by, in the order of facets.bin.
var Facets = []string{"years", "services", "causes", "sites"}

// Writer is where the files go: *publish.Folder in a build.
type Writer interface {
	WriteFile(rel string, data []byte) (changed bool, err error)
}

// Options tune Write.
type Options struct {
	// Workers is the number of reports analysed at once; 0 means one per CPU.
	Workers int
	// FirstBlock overrides the constant of that name (tests use small
	// blocks to make small archives need the later ones).
	FirstBlock int
	// WeightChunk overrides the constant of that name (tests use small
	// files of weights to make small archives look weights up rather
	// than fetch blocks).
	WeightChunk int
	// Cache, when set, keeps each report's analysis for the next Write,
	// which then analyses only the reports whose text or names changed.
	Cache AnalysisCache
	// DropText lets Write empty the documents' Impact, Summary and Body
	// once it has analysed them, keeping the little the result cards
	// show, when the caller has no more use for them: the index's
	// postings are then built without the archive's text in memory, some
	// 200 MB at 100,000 reports.
	DropText bool
}

// Stats describes what Write wrote.
type Stats struct {
	Files, Changed int
	Bytes          int64
	Terms          int
	Postings       int
	Shards         int
	// Analysed counts the reports run through the analyzer; the others'
	// terms came from Options.Cache.
	Analysed int
}

// Manifest is search/index.json.
type Manifest struct {
	Format   int    `json:"format"`
	Analyzer string `json:"analyzer"`
	Docs     int    `json:"docs"`
	// Slots bounds the report numbers: the reports are First() to
	// Slots-1, newest first, Slots a multiple of SlotStep.
	Slots        int      `json:"slots"`
	Version      string   `json:"version"`
	StopWords    []string `json:"stopWords"`
	Shards       []string `json:"shards"` // first term of each shard; the first is ""
	CardsPerFile int      `json:"cardsPerFile"`
	FirstBlock   int      `json:"firstBlock"`  // postings in a term's first block
	WeightChunk  int      `json:"weightChunk"` // weights in a file of search/r/
	BlockGrowth  int      `json:"blockGrowth"` // how much larger each later block is

	WeightScale  float64  `json:"weightScale"`
	WeightOffset float64  `json:"weightOffset"`
	Facets       []string `json:"facets"`
}

// First is the newest report's number, the lowest in use.
func (m Manifest) First() int { return m.Slots - m.Docs }

// Write builds the static index of docs and writes it under search/.
func Write(ctx context.Context, out Writer, docs []search.Document, opts Options) (Stats, error) {
	order := newestFirst(docs)
	var prev *Analyses
	if opts.Cache != nil {
		prev = opts.Cache.Load()
	}
	found, err := analyze(ctx, docs, order, prev, opts.Cache != nil, opts.Workers)
	if err != nil {
		return Stats{}, err
	}
	if opts.Cache != nil && found.an != prev {
		opts.Cache.Store(found.an)
	}
	// The cards' texts, cut now so that the documents' may be dropped.
	shown := make([]string, len(docs))
	for i := range docs {
		d := &docs[i]
		shown[i] = cardText(d)
		if opts.DropText {
			d.Impact, d.Summary, d.Body = "", "", ""
		}
	}
	stop, err := StopWords()
	if err != nil {
		return Stats{}, err
	}
	slots := slotsFor(len(order))
	first := slots - len(order) // the newest report's number
	names, values, facetPostings, err := facets(docs, order, first)
	if err != nil {
		return Stats{}, err
	}
	postings := allPostings(found, facetPostings, first)
	block := opts.FirstBlock
	if block <= 0 {
		block = FirstBlock
	}
	w := &writer{out: out, sum: sha256.New()}
	chunk := opts.WeightChunk
	if chunk <= 0 {
		chunk = WeightChunk
	}
	enc := encodeShards(postings, block, chunk)
	shards := enc.shards
	for i, s := range shards {
		w.add("search/t/"+strconv.Itoa(i)+".bin", s.data)
	}
	for _, f := range enc.files {
		w.add(f.rel, f.data)
	}
	for f := first / CardsPerFile; f*CardsPerFile < slots; f++ {
		// The numbers of file f, those below first unused.
		lo, hi := f*CardsPerFile, min((f+1)*CardsPerFile, slots)
		w.add("search/c/"+strconv.Itoa(f)+".json", cards(docs, shown, order[max(lo, first)-first:hi-first], max(first-lo, 0)))
	}
	w.add("search/facets.json", names)
	w.add("search/facets.bin", values)

	m := Manifest{
		Format: Format, Analyzer: AnalyzerName, Docs: len(docs), Slots: slots,
		Version:   hex.EncodeToString(w.sum.Sum(nil)[:8]),
		StopWords: stop, CardsPerFile: CardsPerFile, FirstBlock: block, WeightChunk: chunk, BlockGrowth: BlockGrowth,
		WeightScale: WeightScale, WeightOffset: WeightOffset, Facets: Facets,
	}
	for _, s := range shards {
		m.Shards = append(m.Shards, s.first)
	}
	if m.Shards == nil {
		m.Shards = []string{}
	}
	data, err := json.Marshal(m)
	if err != nil {
		return Stats{}, err
	}
	w.add("search/index.json", data)
	if err := w.flush(ctx); err != nil {
		return Stats{}, err
	}
	w.stats.Terms, w.stats.Postings, w.stats.Shards = enc.terms, enc.postings, len(shards)
	w.stats.Analysed = found.analysed
	return w.stats, nil
}

// writer collects the files, hashing them for the manifest's version, and
// writes them all at the end, in parallel.
type writer struct {
	out   Writer
	sum   hash.Hash
	files []file
	stats Stats
}

type file struct {
	rel  string
	data []byte
}

func (w *writer) add(rel string, data []byte) {
	w.sum.Write([]byte(rel))
	w.sum.Write(data)
	w.files = append(w.files, file{rel, data})
}

// flush writes the files, four at a time: writing is system calls, and a
// few at once hide their latency. The first error stops it.
func (w *writer) flush(ctx context.Context) error {
	var changed atomic.Int64
	err := parallel.Each(ctx, 4, len(w.files), func(_, i int) error {
		ch, err := w.out.WriteFile(w.files[i].rel, w.files[i].data)
		if err == nil && ch {
			changed.Add(1)
		}
		return err
	})
	for _, f := range w.files {
		w.stats.Files++
		w.stats.Bytes += int64(len(f.data))
	}
	w.stats.Changed = int(changed.Load())
	if err != nil {
		return fmt.Errorf("writing the static search index: %w", err)
	}
	return nil
}

// newestFirst returns the indexes of docs, newest first; ties go by id.
func newestFirst(docs []search.Document) []int {
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		da, db := &docs[order[a]], &docs[order[b]]
		if !da.Start.Equal(db.Start) {
			return da.Start.After(db.Start)
		}
		return da.ID < db.ID
	})
	return order
}

// posting is one report holding a term.
type posting struct {
	doc    uint32 // report number
	weight uint8
}

// quantize stores a weight on the logarithmic byte scale.
func quantize(w float64) uint8 {
	if w <= 0 {
		return 1
	}
	q := math.Round((math.Log(w) + WeightOffset) * WeightScale)
	return uint8(max(1, min(255, q)))
}

// analysisBatch is how many documents are analysed before their terms
// are numbered: it bounds the memory their terms as strings take.
const analysisBatch = 4096

// analyzed is what analyze found: the analyses of the documents (those
// of the cache for the documents it holds), where each document's terms
// are in them, by report number, and how many documents were analysed.
type analyzed struct {
	an       *Analyses
	spans    []span // by report number
	analysed int
}

// analyze finds the terms and weights of every report's text fields and
// names, taking those of a report whose key prev holds from prev (which
// may be nil). Without keys (no cache to look in or store to), every
// report is analysed.
func analyze(ctx context.Context, docs []search.Document, order []int, prev *Analyses, keyed bool, workers int) (analyzed, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var keys []docKey
	if keyed {
		keys = make([]docKey, len(order))
		version := analysisVersion()
		keyers := make([]*keyer, workers)
		for w := range keyers {
			keyers[w] = newKeyer(version)
		}
		err := parallel.Each(ctx, workers, len(order), func(w, num int) error {
			keys[num] = keyers[w].key(&docs[order[num]])
			return nil
		})
		if err != nil {
			return analyzed{}, err
		}
	}
	if prev == nil {
		prev = &Analyses{}
	}
	// The reports to analyse: those whose analysis prev lacks.
	var todo []int
	distinct := map[docKey]bool{}
	for num := range order {
		if keys == nil {
			todo = append(todo, num)
			continue
		}
		if _, ok := prev.docs[keys[num]]; !ok {
			todo = append(todo, num)
		}
		distinct[keys[num]] = true
	}
	if len(todo) == 0 && len(distinct) == len(prev.docs) {
		// The very documents prev was made of.
		spans := make([]span, len(order))
		for num := range order {
			spans[num] = prev.docs[keys[num]]
		}
		return analyzed{an: prev, spans: spans}, nil
	}

	next := &Analyses{terms: slices.Clip(prev.terms)}
	if keys != nil {
		next.docs = make(map[docKey]span, len(distinct))
		next.keys = make([]docKey, 0, len(distinct))
		// Room for the analyses taken from prev and, for each report to
		// analyse, one of the average size: copied in one by one, the
		// lists grew many times over.
		if len(prev.docs) > 0 {
			room := len(prev.ids) / len(prev.docs) * len(todo)
			for k := range distinct {
				if s, ok := prev.docs[k]; ok {
					room += int(s.end - s.start)
				}
			}
			next.ids, next.weights = make([]uint32, 0, room), make([]uint8, 0, room)
		}
	}
	var number map[string]uint32 // term → its number, once needed
	var packed []uint64          // a report's term numbers and weights, to sort
	add := func(tws []termWeight) span {
		if number == nil {
			number = make(map[string]uint32, len(next.terms))
			for i, t := range next.terms {
				number[t] = uint32(i)
			}
		}
		packed = packed[:0]
		for _, tw := range tws {
			id, ok := number[tw.term]
			if !ok {
				id = uint32(len(next.terms))
				number[tw.term] = id
				next.terms = append(next.terms, tw.term)
			}
			packed = append(packed, uint64(id)<<8|uint64(tw.weight))
		}
		slices.Sort(packed)
		s := span{start: uint32(len(next.ids))}
		for _, p := range packed {
			next.ids = append(next.ids, uint32(p>>8))
			next.weights = append(next.weights, uint8(p))
		}
		s.end = uint32(len(next.ids))
		return s
	}
	spans := make([]span, len(order))
	// Reports of prev first, whose analyses are copied, then the others
	// batch by batch as they are analysed.
	for num := range order {
		if keys == nil {
			break
		}
		s, ok := prev.docs[keys[num]]
		if !ok {
			continue
		}
		if have, ok := next.docs[keys[num]]; ok {
			spans[num] = have
			continue
		}
		at := uint32(len(next.ids))
		next.ids = append(next.ids, prev.ids[s.start:s.end]...)
		next.weights = append(next.weights, prev.weights[s.start:s.end]...)
		spans[num] = span{at, uint32(len(next.ids))}
		next.docs[keys[num]] = spans[num]
		next.keys = append(next.keys, keys[num])
	}
	an, err := newTermWeigher(workers)
	if err != nil {
		return analyzed{}, err
	}
	for b := 0; b < len(todo); b += analysisBatch {
		batch := todo[b:min(b+analysisBatch, len(todo))]
		found := make([][]termWeight, len(batch))
		err := parallel.Each(ctx, workers, len(batch), func(w, i int) error {
			found[i] = an.weigh(w, &docs[order[batch[i]]])
			return nil
		})
		if err != nil {
			return analyzed{}, err
		}
		for i, num := range batch {
			if keys != nil {
				if have, ok := next.docs[keys[num]]; ok {
					spans[num] = have
					continue
				}
			}
			spans[num] = add(found[i])
			if keys != nil {
				next.docs[keys[num]] = spans[num]
				next.keys = append(next.keys, keys[num])
			}
		}
	}
	next.compact()
	return analyzed{an: next, spans: spans, analysed: len(todo)}, nil
}

// compact drops the terms of the dictionary no document holds any more
// (those of documents dropped or changed), numbering the others in the
// same order.
func (a *Analyses) compact() {
	used := make([]bool, len(a.terms))
	n := 0
	for _, id := range a.ids {
		if !used[id] {
			used[id] = true
			n++
		}
	}
	if n == len(a.terms) {
		return
	}
	renumber := make([]uint32, len(a.terms))
	terms := make([]string, 0, n)
	for id, t := range a.terms {
		if used[id] {
			renumber[id] = uint32(len(terms))
			terms = append(terms, t)
		}
	}
	for i, id := range a.ids {
		a.ids[i] = renumber[id]
	}
	a.terms = terms
}

// termWeight is a term of a report and its weight there.
type termWeight struct {
	term   string
	weight uint8
}

// termWeigher weighs the terms of reports on several goroutines at once:
// each worker has its own analyzer, whose caches are not shared, and its
// own scratch maps.
type termWeigher struct {
	boosts     []float64
	namesBoost float64
	own        []weighScratch
}

type weighScratch struct {
	an      *Analyzer
	weights map[string]float64
	tf      map[string]int
}

func newTermWeigher(workers int) (*termWeigher, error) {
	tw := &termWeigher{boosts: make([]float64, len(Fields)), namesBoost: search.TextFieldBoost("names"), own: make([]weighScratch, workers)}
	for i, f := range Fields {
		tw.boosts[i] = search.TextFieldBoost(f.Name)
	}
	for w := range tw.own {
		an, err := NewAnalyzer()
		if err != nil {
			return nil, err
		}
		tw.own[w] = weighScratch{an, map[string]float64{}, map[string]int{}}
	}
	return tw, nil
}

// weigh returns the terms of d's text fields and names with their
// weights, on worker w's scratch.
func (tw *termWeigher) weigh(w int, d *search.Document) []termWeight {
	an, weights, tf := tw.own[w].an, tw.own[w].weights, tw.own[w].tf
	clear(weights)
	add := func(boost float64, n int) {
		if n == 0 {
			return
		}
		norm := boost / math.Sqrt(float64(n))
		for t, c := range tf {
			weights[t] += norm * math.Sqrt(float64(c))
		}
	}
	for i, f := range Fields {
		clear(tf)
		n := 0
		an.Terms(f.Text(d), func(t string) { tf[t]++; n++ })
		add(tw.boosts[i], n)
	}
	clear(tf)
	n := 0
	for _, name := range d.Names() {
		an.Terms(name, func(t string) { tf[t]++; n++ })
	}
	add(tw.namesBoost, n)
	out := make([]termWeight, 0, len(weights))
	for t, w := range weights {
		out = append(out, termWeight{t, quantize(w)})
	}
	return out
}

// termPostings is a term and the reports holding it, in report order.
type termPostings struct {
	term     string
	postings []posting
}

// textPostings returns the postings of every term of the reports' text,
// by term number, from their analyses: spans[num] is where the terms of
// report first+num are in an.
func textPostings(an *Analyses, spans []span, first int) [][]posting {
	counts := make([]int, len(an.terms))
	for _, s := range spans {
		for _, id := range an.ids[s.start:s.end] {
			counts[id]++
		}
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	all := make([]posting, total)
	out := make([][]posting, len(an.terms))
	at := 0
	for id, c := range counts {
		out[id] = all[at : at : at+c]
		at += c
	}
	for num, s := range spans {
		for i := s.start; i < s.end; i++ {
			id := an.ids[i]
			out[id] = append(out[id], posting{uint32(first + num), an.weights[i]})
		}
	}
	return out
}

// allPostings lists the terms of the reports' text and the facet terms
// (which no word of the text can be, see FacetPrefix) with their
// postings, sorted by term.
func allPostings(found analyzed, facetTerms []termPostings, first int) []termPostings {
	text := textPostings(found.an, found.spans, first)
	out := make([]termPostings, 0, len(text)+len(facetTerms))
	for id, ps := range text {
		if len(ps) > 0 {
			out = append(out, termPostings{found.an.terms[id], ps})
		}
	}
	out = append(out, facetTerms...)
	slices.SortFunc(out, func(a, b termPostings) int { return strings.Compare(a.term, b.term) })
	return out
}

type shard struct {
	first string
	data  []byte
}

// encoded is the index's term files: the shards, and the doc-set and
// block files of the terms held by more than one block's worth of reports.
type encoded struct {
	shards          []shard
	files           []file
	terms, postings int
}

// encodeShards sorts the terms and cuts them into shards of about
// ShardBytes, each term with its first block of postings; the doc sets,
// later blocks and weights in report order (chunk to a file) of larger
// terms go to files of their own.
func encodeShards(terms []termPostings, block, chunk int) encoded {
	var (
		out   encoded
		body  []byte // the current shard's terms
		count int
		first string
		prev  string
		large int // terms with files of their own so far
	)
	cut := func() {
		if count == 0 {
			return
		}
		data := appendUvarint(make([]byte, 0, len(body)+5), uint64(count))
		out.shards = append(out.shards, shard{first: first, data: append(data, body...)})
		body, count, prev = nil, 0, ""
	}
	var impact []posting
	var entry []byte
	for _, tp := range terms {
		t, ps := tp.term, tp.postings
		out.postings += len(ps)
		impact = byImpact(impact, ps)
		n0 := min(block, len(ps))
		entry = appendUvarint(entry[:0], uint64(len(ps)))
		b0 := appendBlock(nil, impact[:n0], false)
		entry = appendUvarint(entry, uint64(len(b0)))
		entry = append(entry, b0...)
		if n0 < len(ps) {
			id := large
			large++
			entry = appendUvarint(entry, uint64(id))
			rest := impact[n0:]
			k := 0
			for size := block * BlockGrowth; len(rest) > 0; size *= BlockGrowth {
				this := rest[:min(size, len(rest))]
				rest = rest[len(this):]
				k++
				data := []byte{0}
				if len(rest) > 0 {
					data = appendUvarint([]byte{rest[0].weight}, uint64(rest[0].doc))
				}
				data = appendBlock(data, this, true)
				out.files = append(out.files, file{"search/w/" + strconv.Itoa(id) + "-" + strconv.Itoa(k) + ".bin", data})
			}
			entry = appendUvarint(entry, uint64(k))
			entry = append(entry, impact[n0].weight)
			entry = appendUvarint(entry, uint64(impact[n0].doc))
			out.files = append(out.files, file{"search/d/" + strconv.Itoa(id) + ".bin", docSet(ps)})
			// The oldest report's weight first: a new report, the
			// newest, changes the last file only.
			for j := 0; j*chunk < len(ps); j++ {
				data := make([]byte, min(chunk, len(ps)-j*chunk))
				for i := range data {
					data[i] = ps[len(ps)-1-(j*chunk+i)].weight
				}
				out.files = append(out.files, file{"search/r/" + strconv.Itoa(id) + "-" + strconv.Itoa(j) + ".bin", data})
			}
		}
		if count > 0 && len(body)+len(entry)+len(t) > ShardBytes {
			cut()
		}
		if count == 0 {
			first = t
			if len(out.shards) == 0 {
				first = ""
			}
		}
		shared := commonPrefix(prev, t)
		body = appendUvarint(body, uint64(shared))
		body = appendUvarint(body, uint64(len(t)-shared))
		body = append(body, t[shared:]...)
		body = append(body, entry...)
		count++
		prev = t
	}
	cut()
	out.terms = len(terms)
	return out
}

// byImpact puts ps (in report order) into buf in impact order: weight
// down, then report number up. It sorts by counting the reports of each
// weight, the commonest terms' postings being long.
func byImpact(buf, ps []posting) []posting {
	out := append(buf[:0], ps...)
	if len(ps) <= 32 {
		// Insertion sort, stable: few postings.
		for i := 1; i < len(out); i++ {
			for j := i; j > 0 && out[j].weight > out[j-1].weight; j-- {
				out[j], out[j-1] = out[j-1], out[j]
			}
		}
		return out
	}
	var next [256]int
	for _, p := range ps {
		next[p.weight]++
	}
	at := 0
	for w := 255; w >= 0; w-- {
		at, next[w] = at+next[w], at
	}
	for _, p := range ps {
		out[next[p.weight]] = p
		next[p.weight]++
	}
	return out
}

// appendBlock encodes postings in impact order (weight down, then report
// number up) as runs of one weight: the weight byte, then the run's
// report numbers, as Rice codes (see appendRice) in a block file, or as
// the number of reports and their numbers as gaps (the first from 0) in
// a shard. A shard's terms and blocks compress together, and its
// varints compress to about as little as Rice codes; a block file is
// longer runs alone, which Rice codes make about a fifth smaller.
func appendBlock(b []byte, ps []posting, rice bool) []byte {
	for i := 0; i < len(ps); {
		j := i
		for j < len(ps) && ps[j].weight == ps[i].weight {
			j++
		}
		b = append(b, ps[i].weight)
		if rice {
			b = appendRice(b, ps[i:j])
		} else {
			b = appendGaps(b, ps[i:j])
		}
		i = j
	}
	return b
}

// appendGaps appends the number of ps and their report numbers, which
// increase, as gaps (the first from 0).
func appendGaps(b []byte, ps []posting) []byte {
	b = appendUvarint(b, uint64(len(ps)))
	last := uint32(0)
	for _, p := range ps {
		b = appendUvarint(b, uint64(p.doc-last))
		last = p.doc
	}
	return b
}

// docSet encodes the report numbers of ps (in increasing order) as a
// bitmap (a 1 byte, then bit d%8 of byte d/8 for each report d) or as
// gaps (a 0 byte, then varints), whichever is shorter. (Rice codes would
// be no smaller gzipped.)
func docSet(ps []posting) []byte {
	gaps := []byte{0}
	last := uint32(0)
	for _, p := range ps {
		gaps = appendUvarint(gaps, uint64(p.doc-last))
		last = p.doc
	}
	bitmap := make([]byte, 1+int(last)/8+1)
	bitmap[0] = 1
	if len(bitmap) >= len(gaps) {
		return gaps
	}
	for _, p := range ps {
		bitmap[1+p.doc/8] |= 1 << (p.doc % 8)
	}
	return bitmap
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// cards encodes the result cards of the reports order lists, as
// json.Marshal would encode each as [title, date, services, url, text],
// after unused nulls for the numbers no report has. A card's text is
// shown[i] for docs[i] (cardText).
func cards(docs []search.Document, shown []string, order []int, unused int) []byte {
	var b []byte
	b = append(b, '[')
	for i := range unused {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "null"...)
	}
	for i, idx := range order {
		d := &docs[idx]
		if i > 0 || unused > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, d.Title)
		b = append(b, ',', '"')
		b = d.Start.UTC().AppendFormat(b, "2006-01-02")
		b = append(b, '"', ',', '[')
		for j, s := range d.Services {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		b = append(b, ']', ',')
		b = appendJSONString(b, d.URL)
		b = append(b, ',')
		b = appendJSONString(b, shown[idx])
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it: a backslash and the character for a quote or a backslash;
// \b, \f, \n, \r and \t; \u00XX (lower-case hex) for the other control
// characters and for <, > and & (which encoding/json keeps out of HTML);
// \ufffd for each byte that is not UTF-8; \u2028 and \u2029 for the line
// and paragraph separators. Everything else is copied.
// TestAppendJSONString holds it to json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0 // of the bytes not yet appended, which need no escape
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			start = i + n
		} else if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			start = i + n
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// cardText is the text a result's snippet is cut from: the impact, then
// the summary, else the start of the body, its white space made single
// spaces, cut at a word near CardText characters. It reads no more of
// the text than it keeps: a body is long.
func cardText(d *search.Document) string {
	parts := [2]string{d.Impact, d.Summary}
	from := parts[:]
	if strings.TrimSpace(d.Impact) == "" && strings.TrimSpace(d.Summary) == "" {
		parts[0], from = d.Body, parts[:1]
	}
	text := make([]byte, 0, 2*CardText)
	runes := 0
	// The last space past 3/4 of CardText characters, where a long text
	// is cut: its byte offset and its number of characters before it.
	cutByte, cutRune := -1, -1
	valid := true
	long := func() string {
		if cutByte < 0 {
			cutByte, cutRune = len(text), runes
		}
		if !valid {
			// Each byte that is not UTF-8 becomes U+FFFD, as a rune would.
			return string([]rune(string(text))[:cutRune]) + "…"
		}
		return string(append(text[:cutByte], "…"...))
	}
	space := false // one is due before the next word
	for _, part := range from {
		for i, n := 0, 0; i < len(part); i += n {
			c := part[i]
			n = 1
			if c < utf8.RuneSelf {
				if c == ' ' || c >= '\t' && c <= '\r' {
					space = len(text) > 0
					continue
				}
			} else {
				var r rune
				r, n = utf8.DecodeRuneInString(part[i:])
				if unicode.IsSpace(r) {
					space = len(text) > 0
					continue
				}
				if n == 1 {
					valid = false
				}
			}
			if space {
				if runes == CardText {
					return long()
				}
				if runes > CardText*3/4 {
					cutByte, cutRune = len(text), runes
				}
				text = append(text, ' ')
				runes++
				space = false
			}
			if runes == CardText {
				return long()
			}
			text = append(text, part[i:i+n]...)
			runes++
		}
		space = len(text) > 0
	}
	return string(text)
}

// facetTerm is one value of a facet and its number of reports.
type facetTerm struct {
	name  string
	count int
}

// facetValues returns the values of facet that d has.
func facetValues(d *search.Document, facet string, year []string) []string {
	switch facet {
	case "years":
		year[0] = strconv.Itoa(d.Year)
		return year
	case "services":
		return d.Services
	case "causes":
		return d.Causes
	case "sites":
		return d.Sites
	}
	return nil
}

// facets returns facets.json, facets.bin and the postings of the term of
// each facet value (see FacetTerm). Each facet's values are numbered by
// their number of reports, most first (then by name, years newest
// first); facets.bin gives each report's values by those numbers, from
// number 0 (the reports are numbered from first).
func facets(docs []search.Document, order []int, first int) ([]byte, []byte, []termPostings, error) {
	names := make(map[string][]json.RawMessage, len(Facets))
	// held[fi][num] are the values of facet fi that report num has, by
	// their numbers.
	held := make([][][]uint32, len(Facets))
	var terms []termPostings
	year := make([]string, 1)
	for fi, facet := range Facets {
		// Number the values as they come, then by their counts.
		seen := map[string]uint32{}
		var found []facetTerm
		all := make([]uint32, 0, len(order))
		ends := make([]int, len(order))
		for num, idx := range order {
			for _, v := range dedupe(facetValues(&docs[idx], facet, year)) {
				id, ok := seen[v]
				if !ok {
					id = uint32(len(found))
					seen[v] = id
					found = append(found, facetTerm{v, 0})
				}
				found[id].count++
				all = append(all, id)
			}
			ends[num] = len(all)
		}
		byCount := make([]uint32, len(found))
		for i := range byCount {
			byCount[i] = uint32(i)
		}
		slices.SortFunc(byCount, func(a, b uint32) int {
			ta, tb := &found[a], &found[b]
			if ta.count != tb.count {
				return tb.count - ta.count
			}
			if facet == "years" {
				return strings.Compare(tb.name, ta.name)
			}
			return strings.Compare(ta.name, tb.name)
		})
		number := make([]uint32, len(found))
		list := make([]json.RawMessage, len(found))
		postings := make([][]posting, len(found))
		for i, id := range byCount {
			number[id] = uint32(i)
			t := found[id]
			var name any = t.name
			if facet == "years" {
				name, _ = strconv.Atoi(t.name)
			}
			b, err := json.Marshal([]any{name, t.count})
			if err != nil {
				return nil, nil, nil, err
			}
			list[i] = b
			postings[i] = make([]posting, 0, t.count)
		}
		names[facet] = list
		held[fi] = make([][]uint32, len(order))
		start := 0
		for num, end := range ends {
			ids := all[start:end:end]
			for i, id := range ids {
				ids[i] = number[id]
				postings[ids[i]] = append(postings[ids[i]], posting{uint32(first + num), 1})
			}
			held[fi][num] = ids
			start = end
		}
		for i, id := range byCount {
			terms = append(terms, termPostings{FacetTerm(facet, found[id].name), postings[i]})
		}
	}
	// The numbers no report has hold no values.
	bin := make([]byte, first*len(Facets))
	for num := range order {
		for fi := range Facets {
			bin = appendUvarint(bin, uint64(len(held[fi][num])))
			for _, id := range held[fi][num] {
				bin = appendUvarint(bin, uint64(id))
			}
		}
	}
	js, err := json.Marshal(names)
	return js, bin, terms, err
}

// dedupe drops repeated values, keeping the first of each.
func dedupe(vs []string) []string {
	for i := 1; i < len(vs); i++ {
		for j := 0; j < i; j++ {
			if vs[i] == vs[j] {
				out := append([]string(nil), vs[:i]...)
				for _, v := range vs[i+1:] {
					if !contains(out, v) {
						out = append(out, v)
					}
				}
				return out
			}
		}
	}
	return vs
}

func contains(vs []string, v string) bool {
	for _, w := range vs {
		if w == v {
			return true
		}
	}
	return false
}
