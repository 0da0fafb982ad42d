package repeats

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/incidents-archive/incidents/generator/internal/wire"
)

// resultsFormat is the first byte of an encoding of Results.
const resultsFormat = 2

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
// 300 MB, without holding their encoding in memory (see
// buildcache.Cache.PutWith). r must not change until write returns.
func (r *Results) BinaryWriter() (size int64, write func(w io.Writer) error) {
	count := func(n *int64) func([]byte) error {
		return func(p []byte) error { *n += int64(len(p)); return nil }
	}
	var lists, rest int64
	r.emitLists(count(&lists))
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
		if err := r.emitLists(emit); err != nil {
			return err
		}
		return r.emitRest(emit)
	}
}

// emitLists encodes the lists, with their number, in pieces given to
// emit (which must not keep them).
func (r *Results) emitLists(emit func([]byte) error) error {
	c := chunker{emit: emit, buf: make([]byte, 0, chunkSize+4<<10)}
	c.buf = wire.AppendLen(c.buf, r.Lists == nil, len(r.Lists))
	for _, list := range r.Lists {
		c.buf = wire.AppendLen(c.buf, list == nil, len(list))
		for k := range list {
			c.buf = AppendCandidate(c.buf, &list[k])
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

// splitLists returns a reader of the lists AppendBinary encoded in data,
// and the rest.
func splitLists(data []byte) (*wire.Reader, []byte, error) {
	if len(data) == 0 || data[0] != resultsFormat {
		return nil, nil, fmt.Errorf("repeat results: %w", wire.ErrDamaged)
	}
	n, size := binary.Uvarint(data[1:])
	if size <= 0 || n > uint64(len(data)-1-size) {
		return nil, nil, fmt.Errorf("repeat results: %w", wire.ErrDamaged)
	}
	at := 1 + size
	// The lists' strings share one copy of their bytes: one allocation
	// rather than one a string, and no more kept than the lists hold.
	return wire.NewStringsReader(data[at : at+int(n)]), data[at+int(n):], nil
}

func readLists(rd *wire.Reader) ([][]Candidate, error) {
	n := rd.Len()
	if n < 0 {
		return nil, rd.Err()
	}
	lists := make([][]Candidate, n)
	for i := range lists {
		if m := rd.Len(); m >= 0 {
			lists[i] = make([]Candidate, m)
			for k := range lists[i] {
				readCandidate(rd, &lists[i][k])
			}
		}
		if rd.Err() != nil {
			return nil, fmt.Errorf("repeat results: list %d: %w", i, rd.Err())
		}
	}
	if err := rd.Done(); err != nil {
		return nil, fmt.Errorf("repeat results: lists: %w", err)
	}
	return lists, nil
}

// UnmarshalBinary sets r to what AppendBinary encoded in data.
func (r *Results) UnmarshalBinary(data []byte) error {
	listsReader, rest, err := splitLists(data)
	if err != nil {
		return err
	}
	*r = Results{}
	lists, err := readLists(listsReader)
	if err != nil {
		return err
	}
	r.Lists = lists
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
// encoding of Results holds it (TestResultsEncodingReadsBack fails for a
// field it leaves out): what a page key reads of a candidate shown
// exactly.
func AppendCandidate(b []byte, c *Candidate) []byte {
	w := &c.Why
	b = wire.AppendString(b, c.ID)
	b = appendFloat(b, c.Score)
	b = wire.AppendBool(b, c.Likely)
	b = appendFloat(b, w.Text)
	b = appendFloat(b, w.TextScore)
	b = wire.AppendStrings(b, w.Terms)
	b = wire.AppendStrings(b, w.Services)
	b = appendFloat(b, w.ServiceSim)
	b = wire.AppendBool(b, w.SamePrimary)
	b = appendFloat(b, w.ServiceFactor)
	b = wire.AppendBool(b, w.NoServices)
	b = appendFloat(b, w.Bonus)
	b = wire.AppendStrings(b, w.Causes)
	b = wire.AppendString(b, w.Trigger)
	b = wire.AppendString(b, w.FailureMode)
	b = wire.AppendString(b, w.Link)
	b = wire.AppendStrings(b, w.Tasks)
	b = wire.AppendString(b, w.Reference)
	b = wire.AppendString(b, w.Phrase)
	b = wire.AppendBool(b, w.ReferenceBack)
	b = wire.AppendString(b, w.Raised)
	b = wire.AppendStrings(b, w.ServiceWords)
	b = wire.AppendStrings(b, w.EarlierServiceWords)
	return b
}

func readCandidate(rd *wire.Reader, c *Candidate) {
	w := &c.Why
	c.ID = rd.String()
	c.Score = readFloat(rd)
	c.Likely = rd.Bool()
	w.Text = readFloat(rd)
	w.TextScore = readFloat(rd)
	w.Terms = rd.Strings()
	w.Services = rd.Strings()
	w.ServiceSim = readFloat(rd)
	w.SamePrimary = rd.Bool()
	w.ServiceFactor = readFloat(rd)
	w.NoServices = rd.Bool()
	w.Bonus = readFloat(rd)
	w.Causes = rd.Strings()
	w.Trigger = rd.String()
	w.FailureMode = rd.String()
	w.Link = rd.String()
	w.Tasks = rd.Strings()
	w.Reference = rd.String()
	w.Phrase = rd.String()
	w.ReferenceBack = rd.Bool()
	w.Raised = rd.String()
	w.ServiceWords = rd.Strings()
	w.EarlierServiceWords = rd.Strings()
}
