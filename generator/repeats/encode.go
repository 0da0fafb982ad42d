package repeats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/incidents-archive/incidents/generator/internal/wire"
)

// resultsFormat is the first byte of an encoding of Results.
const resultsFormat = 3

// AppendBinary appends the encoding of r to b, which UnmarshalBinary reads
// back to a value reflect.DeepEqual to r. It is far faster to write and
// read than a generic encoding: gob spent about 2 s of CPU on both at
// 100,000 reports.
func (r *Results) AppendBinary(b []byte) ([]byte, error) {
	size, write := r.BinaryWriter()
	// b grows once, to its final size: the kept arrays are most of it,
	// tens of megabytes at 100,000 reports.
	w := &appendWriter{b: slices.Grow(b, int(size))}
	err := write(w)
	return w.b, err
}

// BinaryWriter returns the length of r's encoding, as AppendBinary gives
// it, and a function that writes the encoding to w in pieces of at most
// a few tens of kilobytes besides the kept arrays, which it writes as
// they are: the build cache stores the results of 100,000 reports, some
// 130 MB, without holding their encoding in memory (see
// buildcache.Cache.PutWith). r must not change until write returns,
// except that it unpacks r's lists first when they are packed (Unpack).
func (r *Results) BinaryWriter() (size int64, write func(w io.Writer) error) {
	r.Unpack()
	count := func(n *int64) func([]byte) error {
		return func(p []byte) error { *n += int64(len(p)); return nil }
	}
	table := r.stringTable()
	var lists, rest int64
	r.emitLists(table, count(&lists))
	r.emitRest(count(&rest))
	head := wire.AppendUint([]byte{resultsFormat}, uint64(lists))
	return int64(len(head)) + lists + rest, func(w io.Writer) error {
		emit := func(p []byte) error {
			_, err := w.Write(p)
			return err
		}
		if err := emit(head); err != nil {
			return err
		}
		if err := r.emitLists(table, emit); err != nil {
			return err
		}
		return r.emitRest(emit)
	}
}

// stringTable numbers the distinct strings of an encoding's lists, in the
// order first met. The lists name each string by its number: a report's
// id, a word or a service recurs in thousands of candidates, and the
// strings read back are then each one string shared by every candidate
// that has it, not a part of one copy of all the lists' bytes that any of
// them keeps in memory (some 70 MB at 100,000 reports).
type stringTable struct {
	number map[string]uint64
	enc    []byte // the strings in the order of their numbers (wire.AppendString)
}

// stringTable gathers the strings of r's lists.
func (r *Results) stringTable() *stringTable {
	t := &stringTable{number: map[string]uint64{}}
	gather := candidateEncoder{str: func(b []byte, s string) []byte {
		if _, ok := t.number[s]; !ok {
			t.number[s] = uint64(len(t.number))
			t.enc = wire.AppendString(t.enc, s)
		}
		return b
	}}
	var scratch []byte // the candidates' figures, encoded for nothing
	for _, list := range r.Lists {
		for k := range list {
			scratch = gather.append(scratch[:0], &list[k])
		}
	}
	return t
}

// emitLists encodes the string table, then the lists with their number,
// in pieces given to emit (which must not keep them).
func (r *Results) emitLists(t *stringTable, emit func([]byte) error) error {
	c := chunker{emit: emit, buf: make([]byte, 0, chunkSize+4<<10)}
	// The table as a count and one byte array (wire.AppendBytes) of its
	// strings, which readTable reads as they are.
	c.buf = wire.AppendUint(c.buf, uint64(len(t.number)))
	c.bytes(t.enc)
	enc := candidateEncoder{str: func(b []byte, s string) []byte { return wire.AppendUint(b, t.number[s]) }}
	c.buf = wire.AppendLen(c.buf, r.Lists == nil, len(r.Lists))
	for _, list := range r.Lists {
		c.buf = wire.AppendLen(c.buf, list == nil, len(list))
		for k := range list {
			c.buf = enc.append(c.buf, &list[k])
		}
		c.flushIfFull()
	}
	c.flush()
	return c.err
}

// emitRest encodes what follows the lists: the inputs' digests, the
// counts and the kept arrays.
func (r *Results) emitRest(emit func([]byte) error) error {
	c := chunker{emit: emit, buf: make([]byte, 0, chunkSize+4<<10)}
	// The digests as one byte array (wire.AppendBytes).
	c.buf = wire.AppendLen(c.buf, r.Inputs == nil, 32*len(r.Inputs))
	for _, in := range r.Inputs {
		c.buf = append(c.buf, in[:]...)
		c.flushIfFull()
	}
	c.buf = wire.AppendUint(c.buf, uint64(r.Scored))
	c.buf = wire.AppendUint(c.buf, uint64(r.Pooled))
	c.buf = wire.AppendUint(c.buf, uint64(r.Read))
	c.buf = wire.AppendBool(c.buf, r.Kept != nil)
	if k := r.Kept; k != nil {
		for _, s := range k.stringFields() {
			c.buf = wire.AppendLen(c.buf, *s == nil, len(*s))
			for _, v := range *s {
				c.buf = wire.AppendString(c.buf, v)
				c.flushIfFull()
			}
		}
		for _, p := range k.byteFields() {
			c.bytes(*p)
		}
	}
	c.flush()
	return c.err
}

// chunkSize is about how much a chunker gathers before it emits.
const chunkSize = 64 << 10

// chunker gathers an encoding's small pieces into chunks of about
// chunkSize for emit, and passes a large byte array on as it is.
type chunker struct {
	buf  []byte
	emit func([]byte) error
	err  error
}

func (c *chunker) flushIfFull() {
	if len(c.buf) >= chunkSize {
		c.flush()
	}
}

func (c *chunker) flush() {
	if c.err == nil && len(c.buf) > 0 {
		c.err = c.emit(c.buf)
	}
	c.buf = c.buf[:0]
}

// bytes is wire.AppendBytes of p.
func (c *chunker) bytes(p []byte) {
	c.buf = wire.AppendLen(c.buf, p == nil, len(p))
	if len(p) < 4<<10 {
		c.buf = append(c.buf, p...)
		c.flushIfFull()
		return
	}
	c.flush()
	if c.err == nil {
		c.err = c.emit(p)
	}
}

// appendWriter appends what is written to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// splitLists returns the lists AppendBinary encoded in data, after their
// string table, and the rest.
func splitLists(data []byte) ([]byte, []byte, error) {
	if len(data) == 0 || data[0] != resultsFormat {
		return nil, nil, fmt.Errorf("repeat results: %w", wire.ErrDamaged)
	}
	n, size := binary.Uvarint(data[1:])
	if size <= 0 || n > uint64(len(data)-1-size) {
		return nil, nil, fmt.Errorf("repeat results: %w", wire.ErrDamaged)
	}
	at := 1 + size
	return data[at : at+int(n)], data[at+int(n):], nil
}

// readTable reads the string table emitLists wrote. Its strings share one
// copy of its bytes: one allocation for all of them, and the table holds
// nothing but strings.
func readTable(rd *wire.Reader) []string {
	n := rd.Count(1)
	tr := wire.NewStringsReader(rd.BytesView())
	table := make([]string, n)
	for i := range table {
		table[i] = tr.String()
	}
	if rd.Err() == nil && tr.Done() != nil {
		rd.Fail()
	}
	return table
}

// minCandidateBytes is the least a candidate's encoding takes (a zero
// Candidate's: one byte a field): a list's length that the rest of the
// input cannot hold is damage, not an allocation to make.
const minCandidateBytes = 23

// packedLists are lists as UnmarshalBinaryPacked keeps them: their
// encoding after the string table, the table read, and where each list
// starts.
type packedLists struct {
	data   []byte
	table  []string
	starts []uint32
}

// readLists checks the lists emitLists wrote in section and returns them
// packed, in a copy of section's lists (nil for nil lists): it allocates
// the table, the lists' starts and that copy, and keeps no decoded list.
func readLists(section []byte) (*packedLists, error) {
	rd := wire.NewReader(section)
	table := readTable(rd)
	if rd.Err() != nil {
		return nil, fmt.Errorf("repeat results: string table: %w", rd.Err())
	}
	n := rd.Len()
	if n < 0 {
		if err := rd.Done(); err != nil {
			return nil, fmt.Errorf("repeat results: lists: %w", err)
		}
		return nil, nil
	}
	dec := candidateDecoder{rd: rd, table: table, dry: true}
	listsAt := len(section) - rd.Left()
	packed := &packedLists{table: table, starts: make([]uint32, n)}
	for i := range n {
		packed.starts[i] = uint32(len(section) - rd.Left() - listsAt)
		dec.list()
		if rd.Err() != nil {
			return nil, fmt.Errorf("repeat results: list %d: %w", i, rd.Err())
		}
	}
	if err := rd.Done(); err != nil {
		return nil, fmt.Errorf("repeat results: lists: %w", err)
	}
	packed.data = bytes.Clone(section[listsAt:])
	return packed, nil
}

// decode decodes the lists of p that want marks (every one when want is
// nil; the others stay nil), on every CPU.
func (p *packedLists) decode(want []bool) [][]Candidate {
	lists := make([][]Candidate, len(p.starts))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			dec := candidateDecoder{table: p.table}
			for o := w; o < len(p.starts); o += workers {
				if want != nil && !want[o] {
					continue
				}
				dec.rd = wire.NewReader(p.data[p.starts[o]:])
				lists[o] = dec.list()
				if err := dec.rd.Err(); err != nil {
					// readLists read these bytes with the same code.
					panic(fmt.Sprintf("repeats: packed list %d, checked when read, fails to decode: %v", o, err))
				}
			}
		})
	}
	wg.Wait()
	return lists
}

// UnmarshalBinary sets r to what AppendBinary encoded in data.
func (r *Results) UnmarshalBinary(data []byte) error { return r.unmarshal(data, false) }

// UnmarshalBinaryPacked is UnmarshalBinary, but leaves the lists encoded,
// in a copy of their bytes (34 MB against some 230 MB decoded, at
// 100,000 reports): Lists is nil until Unpack decodes them, and
// ListCount counts them. DetectAgain, given a packed prev, decodes only
// the lists it reuses, once its detector is garbage, so that the last
// run's lists and the detector's indexes are never in memory together.
// The lists are checked here, so that decoding them cannot fail.
func (r *Results) UnmarshalBinaryPacked(data []byte) error { return r.unmarshal(data, true) }

// ListCount is the number of lists, packed or not.
func (r *Results) ListCount() int {
	if r.packed != nil {
		return len(r.packed.starts)
	}
	return len(r.Lists)
}

// Unpack decodes into Lists the lists UnmarshalBinaryPacked left encoded,
// on every CPU; it does nothing when they are not. It changes r: two
// goroutines must not call it, or read Lists, at once.
func (r *Results) Unpack() {
	if r.packed != nil {
		r.Lists, r.packed = r.packed.decode(nil), nil
	}
}

// fillLists sets dst[i] to r's list at from[i], for each i where it is
// not -1, decoding only those lists when r's lists are packed, and
// without changing r.
func (r *Results) fillLists(dst [][]Candidate, from []int32) {
	all := r.Lists
	if r.packed != nil {
		want := make([]bool, len(r.packed.starts))
		for _, o := range from {
			if o >= 0 {
				want[o] = true
			}
		}
		all = r.packed.decode(want)
	}
	for i, o := range from {
		if o >= 0 {
			dst[i] = all[o]
		}
	}
}

func (r *Results) unmarshal(data []byte, packed bool) error {
	section, rest, err := splitLists(data)
	if err != nil {
		return err
	}
	*r = Results{}
	if r.packed, err = readLists(section); err != nil {
		return err
	}
	if !packed {
		r.Unpack()
	}
	rd := wire.NewReader(rest)
	if inputs := rd.BytesView(); inputs != nil || rd.Err() != nil {
		if len(inputs)%32 != 0 {
			rd.Fail()
		}
		r.Inputs = make([]Digest, len(inputs)/32)
		for i := range r.Inputs {
			copy(r.Inputs[i][:], inputs[32*i:])
		}
	}
	r.Scored, r.Pooled, r.Read = int(rd.Uint()), int(rd.Uint()), int(rd.Uint())
	if rd.Bool() {
		k := &Kept{}
		for _, s := range k.stringFields() {
			*s = rd.Strings()
		}
		for _, p := range k.byteFields() {
			*p = rd.Bytes()
		}
		r.Kept = k
	}
	if err := rd.Done(); err != nil {
		return fmt.Errorf("repeat results: %w", err)
	}
	return nil
}

// stringFields and byteFields are every field of k, in the order they
// are encoded.
func (k *Kept) stringFields() []*[]string {
	return []*[]string{&k.IDs, &k.Stems, &k.Services, &k.Vocab, &k.FormShown, &k.RefIDs, &k.RefPhrases, &k.TextServices, &k.ServiceWords}
}

func (k *Kept) byteFields() []*[]byte {
	return []*[]byte{&k.Starts, &k.Selves, &k.Links, &k.Terms, &k.TermEnds, &k.ServiceEnds, &k.Pools, &k.PoolEnds, &k.Reads,
		&k.TokKeys, &k.TokLooks, &k.TokLookEnds, &k.FormStems, &k.FormNames, &k.TokTerms, &k.TokEnds, &k.RefBits, &k.RefEnds, &k.TextServiceEnds, &k.ServiceWordEnds}
}

func appendFloat(b []byte, f float64) []byte { return wire.AppendUint(b, math.Float64bits(f)) }

func readFloat(rd *wire.Reader) float64 { return math.Float64frombits(rd.Uint()) }

// AppendCandidate appends c, every figure and reason of it, as the
// encoding of Results holds it, but with its strings written out rather
// than numbered (TestResultsEncodingReadsBack fails for a field it leaves
// out): what a page key reads of a candidate shown exactly.
func AppendCandidate(b []byte, c *Candidate) []byte {
	return candidateEncoder{str: wire.AppendString}.append(b, c)
}

// candidateEncoder appends a candidate's fields, its strings with str:
// written out for a page key, numbered in the encoding of Results.
type candidateEncoder struct {
	str func(b []byte, s string) []byte
}

func (e candidateEncoder) strs(b []byte, list []string) []byte {
	b = wire.AppendLen(b, list == nil, len(list))
	for _, s := range list {
		b = e.str(b, s)
	}
	return b
}

func (e candidateEncoder) append(b []byte, c *Candidate) []byte {
	w := &c.Why
	b = e.str(b, c.ID)
	b = appendFloat(b, c.Score)
	b = wire.AppendBool(b, c.Likely)
	b = appendFloat(b, w.Text)
	b = appendFloat(b, w.TextScore)
	b = e.strs(b, w.Terms)
	b = e.strs(b, w.Services)
	b = appendFloat(b, w.ServiceSim)
	b = wire.AppendBool(b, w.SamePrimary)
	b = appendFloat(b, w.ServiceFactor)
	b = wire.AppendBool(b, w.NoServices)
	b = appendFloat(b, w.Bonus)
	b = e.strs(b, w.Causes)
	b = e.str(b, w.Trigger)
	b = e.str(b, w.FailureMode)
	b = e.str(b, w.Link)
	b = e.strs(b, w.Tasks)
	b = e.str(b, w.Reference)
	b = e.str(b, w.Phrase)
	b = wire.AppendBool(b, w.ReferenceBack)
	b = e.str(b, w.Raised)
	b = e.strs(b, w.ServiceWords)
	b = e.strs(b, w.EarlierServiceWords)
	return b
}

// candidateDecoder reads candidates encoded with numbered strings. The
// lists of strings of many candidates share a block of them (slices of it
// that cannot grow into one another): one allocation for hundreds of
// short lists.
type candidateDecoder struct {
	rd    *wire.Reader
	table []string
	block []string
	dry   bool // check the strings' numbers, keep no lists of them
}

// strsBlock is how many strings a block of candidateDecoder holds.
const strsBlock = 1024

func (d *candidateDecoder) str() string {
	n := d.rd.Uint()
	if n >= uint64(len(d.table)) {
		d.rd.Fail()
		return ""
	}
	return d.table[n]
}

// list reads a list of candidates: nil when it is nil, or when d is dry
// (its candidates checked, and kept nowhere).
func (d *candidateDecoder) list() []Candidate {
	m := d.rd.Len()
	if m > d.rd.Left()/minCandidateBytes {
		d.rd.Fail()
	}
	if m < 0 || d.rd.Err() != nil {
		return nil
	}
	if d.dry {
		var scratch Candidate
		for k := 0; k < m && d.rd.Err() == nil; k++ {
			d.read(&scratch)
		}
		return nil
	}
	list := make([]Candidate, m)
	for k := range list {
		d.read(&list[k])
	}
	return list
}

func (d *candidateDecoder) strs() []string {
	n := d.rd.Len()
	if n < 0 {
		return nil
	}
	if d.dry {
		for range n {
			d.str()
		}
		return nil
	}
	if d.block == nil || n > len(d.block) {
		// A block even for an empty list: a slice of nil is nil.
		d.block = make([]string, max(n, strsBlock))
	}
	out := d.block[:n:n]
	d.block = d.block[n:]
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *candidateDecoder) read(c *Candidate) {
	rd, w := d.rd, &c.Why
	c.ID = d.str()
	c.Score = readFloat(rd)
	c.Likely = rd.Bool()
	w.Text = readFloat(rd)
	w.TextScore = readFloat(rd)
	w.Terms = d.strs()
	w.Services = d.strs()
	w.ServiceSim = readFloat(rd)
	w.SamePrimary = rd.Bool()
	w.ServiceFactor = readFloat(rd)
	w.NoServices = rd.Bool()
	w.Bonus = readFloat(rd)
	w.Causes = d.strs()
	w.Trigger = d.str()
	w.FailureMode = d.str()
	w.Link = d.str()
	w.Tasks = d.strs()
	w.Reference = d.str()
	w.Phrase = d.str()
	w.ReferenceBack = rd.Bool()
	w.Raised = d.str()
	w.ServiceWords = d.strs()
	w.EarlierServiceWords = d.strs()
}
