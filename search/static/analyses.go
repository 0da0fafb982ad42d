package static

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math"
	"strings"

	"github.com/incidents-archive/incidents/search"
)

// AnalysisCache keeps what Write found in each document's text between
// runs, so that a build after one report changed runs the analyzer on
// that report alone. Write calls Load once, before it analyses anything,
// and Store once, at the end, with the analyses of exactly the documents
// it was given (those of documents no longer given are dropped), unless
// they are those Load returned. What a cache returns never changes what
// Write writes, only how long it takes: a document whose key (a hash of
// the fields analysis reads and of how it weighs them) is not in the
// analyses is analysed again, and analyses that cannot be read are none.
type AnalysisCache interface {
	// Load returns the analyses Store was last given, or nil.
	Load() *Analyses
	// Store keeps a for the next Load. A cache that cannot keep them
	// costs the next Write time, not correctness.
	Store(a *Analyses)
}

// analysesMagic begins the binary form of Analyses; it changes whenever
// that form or what it holds changes.
const analysesMagic = "incidents static analyses 1\n"

// docKey identifies a document's analysis: a hash of analysisVersion and
// of the fields analysis reads.
type docKey [16]byte

// span is where a document's terms are in Analyses.ids and .weights.
type span struct{ start, end uint32 }

// Analyses are the results of analysing documents: for each, by a hash of
// the text fields and names it read (and of the analyzer and weighting
// that read them), the terms it found with their weights on the byte
// scale. A document's term numbers index a dictionary of the terms, held
// in increasing order of number, so each is stored once whatever the
// number of documents holding it. An Analyses is read-only once Write has
// made it; it is what an AnalysisCache keeps, through MarshalBinary and
// UnmarshalBinary when it keeps it on disk.
type Analyses struct {
	terms   []string // the dictionary: every term of some document
	docs    map[docKey]span
	keys    []docKey // those of docs, in the order of their spans
	ids     []uint32 // term numbers, increasing within each document
	weights []uint8
}

// Docs is the number of documents whose analyses a holds.
func (a *Analyses) Docs() int {
	if a == nil {
		return 0
	}
	return len(a.docs)
}

// Terms is the number of distinct terms in a's documents.
func (a *Analyses) Terms() int {
	if a == nil {
		return 0
	}
	return len(a.terms)
}

// MarshalBinary encodes a: analysesMagic; the number of terms and each
// term (its byte length, its bytes); the number of documents and, for
// each in the order their terms were added, its key (16 bytes), its number of terms, their
// numbers as gaps (the first from 0) and their weight bytes. All numbers
// are unsigned LEB128 varints.
func (a *Analyses) MarshalBinary() ([]byte, error) {
	size := len(analysesMagic) + 10 + len(a.docs)*(len(docKey{})+5) + len(a.ids)*3
	for _, t := range a.terms {
		size += len(t) + 2
	}
	b := make([]byte, 0, size)
	b = append(b, analysesMagic...)
	b = appendUvarint(b, uint64(len(a.terms)))
	for _, t := range a.terms {
		b = appendUvarint(b, uint64(len(t)))
		b = append(b, t...)
	}
	b = appendUvarint(b, uint64(len(a.keys)))
	for _, k := range a.keys {
		s := a.docs[k]
		b = append(b, k[:]...)
		b = appendUvarint(b, uint64(s.end-s.start))
		last := uint32(0)
		for _, id := range a.ids[s.start:s.end] {
			b = appendUvarint(b, uint64(id-last))
			last = id
		}
		b = append(b, a.weights[s.start:s.end]...)
	}
	return b, nil
}

var errAnalyses = errors.New("not the binary form of static.Analyses")

// UnmarshalBinary decodes what MarshalBinary encoded into a, checking
// every number against the bounds the encoding gives it: data from
// anywhere else is an error, never a panic.
func (a *Analyses) UnmarshalBinary(data []byte) error {
	r := reader{data: data}
	if !strings.HasPrefix(string(data), analysesMagic) {
		return errAnalyses
	}
	r.pos = len(analysesMagic)
	nTerms := r.uvarint(uint64(len(data)))
	// The terms share one string, which the bytes are copied into once.
	lens := make([]int, 0, min(nTerms, uint64(len(data))))
	var all []byte
	for i := uint64(0); i < nTerms && r.err == nil; i++ {
		b := r.bytes(int(r.uvarint(uint64(len(data)))))
		all = append(all, b...)
		lens = append(lens, len(b))
	}
	text := string(all)
	terms := make([]string, len(lens))
	at := 0
	for i, n := range lens {
		terms[i] = text[at : at+n]
		at += n
	}
	nDocs := r.uvarint(uint64(len(data)) / uint64(len(docKey{})+1))
	docs := make(map[docKey]span, nDocs)
	keys := make([]docKey, 0, nDocs)
	// Each document's numbers take a byte at least, and its weights one
	// each: half the bytes left bound the postings.
	ids := make([]uint32, 0, (len(data)-r.pos)/2)
	weights := make([]uint8, 0, cap(ids))
	for i := uint64(0); i < nDocs && r.err == nil; i++ {
		var k docKey
		copy(k[:], r.bytes(len(k)))
		n := r.uvarint(uint64(len(data) - r.pos))
		s := span{uint32(len(ids)), 0}
		last := uint64(0)
		for j := uint64(0); j < n && r.err == nil; j++ {
			id := last + r.uvarint(math.MaxUint32)
			if (j > 0 && id == last) || id >= uint64(len(terms)) {
				r.err = errAnalyses
				break
			}
			ids = append(ids, uint32(id))
			last = id
		}
		weights = append(weights, r.bytes(int(n))...)
		s.end = uint32(len(ids))
		if _, dup := docs[k]; dup || len(weights) != len(ids) {
			r.err = errAnalyses
		}
		docs[k] = s
		keys = append(keys, k)
	}
	if r.err == nil && r.pos != len(data) {
		r.err = errAnalyses
	}
	if r.err != nil {
		return r.err
	}
	*a = Analyses{terms: terms, docs: docs, keys: keys, ids: ids, weights: weights}
	return nil
}

// reader reads varints and bytes, remembering the first error.
type reader struct {
	data []byte
	pos  int
	err  error
}

// uvarint reads a varint of at most limit.
func (r *reader) uvarint(limit uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data[r.pos:])
	if n <= 0 || v > limit {
		r.err = errAnalyses
		return 0
	}
	r.pos += n
	return v
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.data)-r.pos {
		r.err = errAnalyses
		return nil
	}
	b := r.data[r.pos : r.pos+n]
	r.pos += n
	return b
}

// analysisVersion names what a document's analysis depends on besides its
// fields: the analyzer, the fields and their boosts, the weight scale.
// It begins every key's hash, so that analyses made otherwise never match.
func analysisVersion() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %v %v", analysesMagic, AnalyzerName, float64(WeightScale), float64(WeightOffset))
	for _, f := range Fields {
		fmt.Fprintf(&b, " %s=%v", f.Name, search.TextFieldBoost(f.Name))
	}
	fmt.Fprintf(&b, " names=%v", search.TextFieldBoost("names"))
	return b.String()
}

// keyer hashes documents into their keys; it is not safe for concurrent
// use.
type keyer struct {
	h       hash.Hash
	version string
	n       [8]byte
	sum     []byte
	buf     []byte
}

func newKeyer(version string) *keyer {
	return &keyer{h: sha256.New(), version: version}
}

// key hashes what analysis reads of d: each text field and each name,
// length-prefixed so that no two documents that differ hash the same.
func (k *keyer) key(d *search.Document) docKey {
	k.h.Reset()
	k.h.Write([]byte(k.version))
	for _, f := range Fields {
		k.str(f.Text(d))
	}
	names := d.Names()
	binary.BigEndian.PutUint64(k.n[:], uint64(len(names)))
	k.h.Write(k.n[:])
	for _, n := range names {
		k.str(n)
	}
	k.sum = k.h.Sum(k.sum[:0])
	var key docKey
	copy(key[:], k.sum)
	return key
}

func (k *keyer) str(s string) {
	binary.BigEndian.PutUint64(k.n[:], uint64(len(s)))
	k.h.Write(k.n[:])
	// Through a buffer: hash.Hash takes bytes, and a body is copied
	// faster than a new slice is made for it.
	k.buf = append(k.buf[:0], s...)
	k.h.Write(k.buf)
}
