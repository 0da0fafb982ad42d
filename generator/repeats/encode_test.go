package repeats

import (
	"bytes"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"unsafe"
)

// fill sets every field of the value v points to to something not zero,
// recursively, so that a field an encoding leaves out shows.
func fill(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprint("s", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Uint8:
		v.SetUint(uint64(*n % 251))
	case reflect.Array:
		for k := range v.Len() {
			fill(t, v.Index(k), n)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for k := range 2 {
			fill(t, s.Index(k), n)
		}
		v.Set(s)
	case reflect.Struct:
		for k := range v.NumField() {
			if v.Type().Field(k).IsExported() { // Results' packed lists are not
				fill(t, v.Field(k), n)
			}
		}
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), n)
		v.Set(p)
	default:
		t.Fatalf("a field of kind %s: teach fill and the encoding", v.Kind())
	}
}

// TestResultsEncodingReadsBack: every field of Results, its candidates
// and what it keeps is read back as it was written, nil lists apart from
// empty ones; a field added and not encoded fails here.
func TestResultsEncodingReadsBack(t *testing.T) {
	var full Results
	n := 0
	fill(t, reflect.ValueOf(&full).Elem(), &n)
	m := &archiveMaker{rng: rand.New(rand.NewSource(3))}
	var reports []Report
	for range 40 {
		reports = append(reports, m.report(reports))
	}
	detected := DetectAgain(reports, DefaultConfig(), nil)
	empty := &Results{Lists: [][]Candidate{nil, {}}, Inputs: []Digest{}, Kept: &Kept{IDs: []string{}}}
	tests := []struct {
		name string
		in   *Results
	}{
		{"every field set", &full},
		{"a detection's", detected},
		{"nil and empty", empty},
		{"zero", &Results{}},
		{"larger than a chunk", large(&full)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.in.AppendBinary(nil)
			if err != nil {
				t.Fatal(err)
			}
			// Written in pieces, it is the same bytes, of the size said.
			size, write := tc.in.BinaryWriter()
			var pieces bytes.Buffer
			if err := write(&pieces); err != nil || size != int64(len(data)) || !bytes.Equal(pieces.Bytes(), data) {
				t.Errorf("BinaryWriter: %d bytes said, %d written (%v), AppendBinary %d; same bytes: %t",
					size, pieces.Len(), err, len(data), bytes.Equal(pieces.Bytes(), data))
			}
			var got Results
			if err := got.UnmarshalBinary(data); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tc.in) {
				t.Errorf("read back\n%+v\nwrote\n%+v", got, *tc.in)
			}
			// Read packed, the lists are counted, and decoded only by
			// Unpack; the rest is read as it is.
			var packed Results
			if err := packed.UnmarshalBinaryPacked(data); err != nil {
				t.Fatal(err)
			}
			if packed.Lists != nil || packed.ListCount() != len(tc.in.Lists) {
				t.Errorf("packed: %d lists decoded, %d counted; want none decoded, %d counted", len(packed.Lists), packed.ListCount(), len(tc.in.Lists))
			}
			packed.Unpack()
			if !reflect.DeepEqual(&packed, tc.in) {
				t.Errorf("read packed and unpacked\n%+v\nwrote\n%+v", packed, *tc.in)
			}
			// Cut short anywhere, it is an error, never a panic, and
			// read packed too: the lists are checked as they are read.
			for cut := 0; cut < len(data); cut += 1 + len(data)/50 {
				var r Results
				if r.UnmarshalBinary(data[:cut]) == nil {
					t.Errorf("cut at %d of %d bytes: no error", cut, len(data))
				}
				if r.UnmarshalBinaryPacked(data[:cut]) == nil {
					t.Errorf("cut at %d of %d bytes, read packed: no error", cut, len(data))
				}
			}
		})
	}
	k := reflect.TypeOf(Kept{})
	if got := len((&Kept{}).stringFields()) + len((&Kept{}).byteFields()); got != k.NumField() {
		t.Errorf("Kept has %d fields, the encoding %d", k.NumField(), got)
	}
}

// large is r with its lists repeated and its kept arrays grown past the
// sizes at which the encoding is written in chunks (chunkSize) and its
// arrays passed on as they are.
func large(r *Results) *Results {
	out := *r
	out.Lists, out.Inputs = nil, nil
	for len(out.Lists) < 2000 {
		out.Lists = append(out.Lists, r.Lists...)
		out.Inputs = append(out.Inputs, r.Inputs...)
	}
	k := *r.Kept
	k.Reads = bytes.Repeat([]byte{7}, 3*chunkSize)
	k.Stems = slices.Repeat([]string{"outage", "database"}, chunkSize/4)
	out.Kept = &k
	return &out
}

// TestListsShareStrings: a string that recurs in the lists (a report's
// id, a word) is read back as one string that every candidate naming it
// shares, so that the lists keep no copy of their encoding in memory; a
// string's number past the table is damage, not a panic.
func TestListsShareStrings(t *testing.T) {
	lists := [][]Candidate{
		{{ID: "2024-03-01 db", Why: Reasons{Terms: []string{}}}, {ID: "2024-02-11 cache", Why: Reasons{Terms: []string{"replica", "lag"}}}},
		{{ID: "2024-03-01 db", Why: Reasons{Terms: []string{"lag"}, Services: []string{}}}, {ID: "2024-01-09 dns"}},
	}
	in := &Results{Lists: lists}
	data, err := in.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got Results
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Lists, lists) {
		t.Fatalf("read back %+v, wrote %+v", got.Lists, lists)
	}
	same := func(what, a, b string) {
		if unsafe.StringData(a) != unsafe.StringData(b) {
			t.Errorf("%s: two copies of %q", what, a)
		}
	}
	same("id", got.Lists[0][0].ID, got.Lists[1][0].ID)
	same("term", got.Lists[0][1].Why.Terms[1], got.Lists[1][0].Why.Terms[0])
	// The lists' terms share a block, without growing into each other.
	terms := got.Lists[0][1].Why.Terms
	if cap(terms) != len(terms) {
		t.Errorf("terms: capacity %d for %d, an append would write over the next list", cap(terms), len(terms))
	}

	// Read packed, the lists asked for are decoded, the others not, and
	// the results stay packed.
	var packed Results
	if err := packed.UnmarshalBinaryPacked(data); err != nil {
		t.Fatal(err)
	}
	some := make([][]Candidate, 3)
	if packed.fillLists(some, []int32{1, -1, 1}); !reflect.DeepEqual(some, [][]Candidate{lists[1], nil, lists[1]}) || packed.Lists != nil {
		t.Errorf("lists 1, none and 1 of the packed results: %+v (the results' own now %d)", some, len(packed.Lists))
	}
	// A zero candidate takes the least a candidate can.
	zero := &Results{Lists: [][]Candidate{{{}}}}
	b, err := zero.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	section, _, err := splitLists(b)
	if err != nil {
		t.Fatal(err)
	}
	// The table (a count, a length and the empty string's length), the
	// number of lists and the list's length, then the candidate.
	if size := len(section) - 3 - 2; size != minCandidateBytes {
		t.Errorf("a zero candidate takes %d bytes; minCandidateBytes says %d", size, minCandidateBytes)
	}

	// The table ends with the last string met; then come the number of
	// lists, the first list's length and its candidate's id, string
	// number 0. Make it 9, past the table's 6 (the empty string is
	// one).
	at := bytes.Index(data, []byte("2024-01-09 dns")) + len("2024-01-09 dns") + 2
	if data[at] != 0 {
		t.Fatalf("test out of step with the encoding: byte %d is %d, want the first id's number 0", at, data[at])
	}
	damaged := bytes.Clone(data)
	damaged[at] = 9
	if err := got.UnmarshalBinary(damaged); err == nil {
		t.Error("a string's number past the table: no error")
	}
	if err := got.UnmarshalBinaryPacked(damaged); err == nil {
		t.Error("a string's number past the table, read packed: no error")
	}
}
