// Package wire is the small binary encoding the build cache stores
// decoded reports and rendered bodies in: unsigned and signed varints,
// length-prefixed bytes and strings, and lists that keep nil apart from
// empty, so that a value decodes to one reflect.DeepEqual to what was
// encoded. A Reader never panics on damaged input: it records the first
// problem, returns zero values from then on, and Err reports it.
package wire

import (
	"encoding/binary"
	"errors"
)

// ErrDamaged is what Reader.Err returns for input that is not a whole
// encoding.
var ErrDamaged = errors.New("damaged or truncated encoding")

// AppendUint appends v as an unsigned varint.
func AppendUint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// AppendInt appends v as a signed varint.
func AppendInt(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

// AppendBool appends v as one byte.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendString appends s with its length.
func AppendString(b []byte, s string) []byte {
	b = AppendUint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendBytes appends p with its length, keeping a nil p apart from an
// empty one.
func AppendBytes(b []byte, p []byte) []byte {
	if p == nil {
		return AppendUint(b, 0)
	}
	b = AppendUint(b, uint64(len(p))+1)
	return append(b, p...)
}

// AppendStrings appends a list of strings, keeping nil apart from empty.
func AppendStrings(b []byte, list []string) []byte {
	b = AppendLen(b, list == nil, len(list))
	for _, s := range list {
		b = AppendString(b, s)
	}
	return b
}

// AppendLen appends the length of a list that is nil or has n items;
// Reader.Len reads it back.
func AppendLen(b []byte, isNil bool, n int) []byte {
	if isNil {
		return AppendUint(b, 0)
	}
	return AppendUint(b, uint64(n)+1)
}

// Reader decodes what the Append functions wrote, in the same order.
type Reader struct {
	data []byte
	err  error
	// all is data as one string, for a Reader whose strings share it
	// (NewStringsReader).
	all string
}

// NewReader reads data. Each string it returns is a copy of its own.
func NewReader(data []byte) *Reader { return &Reader{data: data} }

// NewStringsReader reads data, copied once into a string that every
// string it returns is part of: one allocation for a value of many short
// strings instead of one each. The strings keep the whole of data in
// memory as long as any of them lives, so it suits a value made of
// strings, not one that also holds large byte slices.
func NewStringsReader(data []byte) *Reader {
	return &Reader{data: data, all: string(data)}
}

// Left is the number of bytes not read yet.
func (r *Reader) Left() int { return len(r.data) }

// Err is the first problem met, or nil.
func (r *Reader) Err() error { return r.err }

// Done reports an error unless all of the input was read without one.
func (r *Reader) Done() error {
	if r.err == nil && len(r.data) > 0 {
		r.err = ErrDamaged
	}
	return r.err
}

// Fail records that the input is damaged, for a check the caller makes
// on what it read.
func (r *Reader) Fail() { r.err, r.data = ErrDamaged, nil }

func (r *Reader) fail() { r.Fail() }

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

// Int reads a signed varint.
func (r *Reader) Int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

// Bool reads one byte written by AppendBool.
func (r *Reader) Bool() bool {
	switch p := r.take(1); {
	case p == nil:
		return false
	case p[0] <= 1:
		return p[0] == 1
	}
	r.fail()
	return false
}

// take returns the next n bytes, or nil after recording a problem.
func (r *Reader) take(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.data)) {
		r.fail()
		return nil
	}
	p := r.data[:n:n]
	r.data = r.data[n:]
	return p
}

// Raw reads the next n bytes as they are, for a field of fixed length
// (a hash); the slice is part of the input.
func (r *Reader) Raw(n int) []byte {
	if n < 0 {
		r.fail()
		return nil
	}
	return r.take(uint64(n))
}

// String reads a string.
func (r *Reader) String() string {
	n := r.Uint()
	if r.all == "" {
		return string(r.take(n))
	}
	start := len(r.all) - len(r.data)
	if r.take(n) == nil {
		return ""
	}
	return r.all[start : start+int(n)]
}

// Bytes reads a byte slice written by AppendBytes, copied out of the
// input.
func (r *Reader) Bytes() []byte {
	n := r.Uint()
	if n == 0 || r.err != nil {
		return nil
	}
	p := r.take(n - 1)
	if p == nil {
		return nil
	}
	return append(make([]byte, 0, len(p)), p...)
}

// BytesView is Bytes without the copy: the slice returned is part of the
// input, for a caller that is done with it before the input changes.
func (r *Reader) BytesView() []byte {
	n := r.Uint()
	if n == 0 || r.err != nil {
		return nil
	}
	p := r.take(n - 1)
	return p[:len(p):len(p)]
}

// SkipString reads past a string written by AppendString without copying
// it.
func (r *Reader) SkipString() { r.take(r.Uint()) }

// SkipStrings reads past a list written by AppendStrings without copying
// it.
func (r *Reader) SkipStrings() {
	for range max(r.Len(), 0) {
		r.SkipString()
	}
}

// Rest reads the rest of the input as it is; the slice is part of the
// input.
func (r *Reader) Rest() []byte {
	if r.err != nil {
		return nil
	}
	p := r.data
	r.data = r.data[len(r.data):]
	return p[:len(p):len(p)]
}

// Count reads a number of items written by AppendUint, each of which
// takes at least min bytes (min at least 1): a count the rest of the input
// cannot hold is a problem, so that damaged input cannot ask for a huge
// allocation, and reads as 0.
func (r *Reader) Count(min int) int {
	n := r.Uint()
	if r.err != nil || n > uint64(len(r.data)/min) {
		r.fail()
		return 0
	}
	return int(n)
}

// Len reads a length written by AppendLen: -1 for nil. A length larger
// than what is left of the input (each item takes a byte at least) is a
// problem, so that damaged input cannot ask for a huge allocation.
func (r *Reader) Len() int {
	n := r.Uint()
	if r.err != nil || n == 0 {
		return -1
	}
	if n-1 > uint64(len(r.data)) {
		r.fail()
		return -1
	}
	return int(n - 1)
}

// Strings reads a list written by AppendStrings.
func (r *Reader) Strings() []string {
	n := r.Len()
	if n < 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.String()
	}
	if r.err != nil {
		return nil
	}
	return out
}
