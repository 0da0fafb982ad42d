package wire

import (
	"reflect"
	"testing"
)

// value is what the tests encode: one of each kind.
type value struct {
	U     uint64
	I     int64
	B     bool
	S     string
	P     []byte
	L     []string
	Empty []string
}

func encode(v value) []byte {
	b := AppendUint(nil, v.U)
	b = AppendInt(b, v.I)
	b = AppendBool(b, v.B)
	b = AppendString(b, v.S)
	b = AppendBytes(b, v.P)
	b = AppendStrings(b, v.L)
	return AppendStrings(b, v.Empty)
}

func decode(r *Reader) (value, error) {
	v := value{U: r.Uint(), I: r.Int(), B: r.Bool(), S: r.String(), P: r.Bytes(), L: r.Strings(), Empty: r.Strings()}
	return v, r.Done()
}

func TestRoundTrip(t *testing.T) {
	for _, v := range []value{
		{},
		{U: 1 << 60, I: -5, B: true, S: "text", P: []byte{0, 1}, L: []string{"a", "", "ccc"}, Empty: []string{}},
		{P: []byte{}, L: nil, Empty: []string{""}},
	} {
		data := encode(v)
		for name, r := range map[string]*Reader{"copies": NewReader(data), "shared": NewStringsReader(data)} {
			got, err := decode(r)
			if err != nil || !reflect.DeepEqual(got, v) {
				t.Errorf("%s: %+v decoded as %+v, %v", name, v, got, err)
			}
		}
	}
}

func TestDamaged(t *testing.T) {
	data := encode(value{U: 300, I: -300, B: true, S: "some text", P: []byte("bytes"), L: []string{"x", "y"}})
	for n := range len(data) {
		for name, r := range map[string]*Reader{"copies": NewReader(data[:n]), "shared": NewStringsReader(data[:n])} {
			if _, err := decode(r); err == nil {
				t.Errorf("%s: %d of %d bytes decoded without an error", name, n, len(data))
			}
		}
	}
	// A length far beyond the input asks for nothing.
	r := NewReader(AppendUint(nil, 1<<62))
	if l := r.Strings(); l != nil || r.Err() == nil {
		t.Errorf("a huge length gave %d strings, error %v", len(l), r.Err())
	}
	if r := NewReader([]byte{2}); r.Bool() || r.Err() == nil {
		t.Error("a bool of 2 was taken")
	}
}

func TestRaw(t *testing.T) {
	for _, tc := range []struct {
		n       int
		want    string
		damaged bool
	}{
		{2, "ab", false},
		{3, "abc", false},
		{4, "", true},
		{-1, "", true},
	} {
		r := NewReader([]byte("abc"))
		got := r.Raw(tc.n)
		if string(got) != tc.want || (r.Err() != nil) != tc.damaged {
			t.Errorf("Raw(%d) = %q, err %v; want %q, damaged %v", tc.n, got, r.Err(), tc.want, tc.damaged)
		}
	}
}

// TestBytesView: BytesView reads what Bytes reads, as part of the input,
// with no room behind it to append into.
func TestBytesView(t *testing.T) {
	data := AppendBytes(AppendBytes(AppendBytes(nil, []byte("first")), nil), []byte{})
	r := NewReader(data)
	first := r.BytesView()
	if string(first) != "first" || cap(first) != len(first) || &first[0] != &data[1] {
		t.Errorf("BytesView = %q (cap %d), want \"first\" in the input, capped", first, cap(first))
	}
	if none, empty := r.BytesView(), r.BytesView(); none != nil || empty == nil || len(empty) != 0 || r.Done() != nil {
		t.Errorf("nil and empty read back as %v and %v (%v)", none, empty, r.Err())
	}
	if r := NewReader(AppendUint(nil, 10)); r.BytesView() != nil || r.Err() == nil {
		t.Error("a length past the input was taken")
	}
}

// TestCount: a count the rest of the input can hold is read; a larger one
// is a problem and reads as 0.
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n, min, rest int
		want         int
		damaged      bool
	}{
		{3, 2, 6, 3, false},
		{4, 2, 6, 0, true},
		{0, 5, 0, 0, false},
		{1 << 40, 1, 10, 0, true},
	} {
		r := NewReader(append(AppendUint(nil, uint64(tc.n)), make([]byte, tc.rest)...))
		if got := r.Count(tc.min); got != tc.want || (r.Err() != nil) != tc.damaged {
			t.Errorf("Count(%d) of %d with %d bytes left = %d, err %v; want %d, damaged %v", tc.min, tc.n, tc.rest, got, r.Err(), tc.want, tc.damaged)
		}
	}
}

// TestSkipAndRest: skipping reads past what String and Strings read, and
// Rest returns the input left, as part of it; on damaged input both are
// problems.
func TestSkipAndRest(t *testing.T) {
	data := AppendStrings(AppendStrings(AppendString(nil, "skipped"), []string{"a", "bb"}), nil)
	data = AppendString(data, "kept")
	r := NewReader(data)
	r.SkipString()
	r.SkipStrings()
	r.SkipStrings()
	rest := r.Rest()
	if r.Done() != nil || string(rest) != string(AppendString(nil, "kept")) || &rest[0] != &data[len(data)-len(rest)] {
		t.Errorf("after skipping, Rest = %q (%v)", rest, r.Err())
	}
	for n := range len(data) - len(rest) {
		r := NewReader(data[:n])
		r.SkipString()
		r.SkipStrings()
		r.SkipStrings()
		if r.Rest() != nil || r.Err() == nil {
			t.Errorf("%d bytes skipped without an error", n)
		}
	}
}
