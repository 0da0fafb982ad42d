package static

import (
	"encoding/binary"
	"slices"
	"testing"
)

// decodeRice reads what appendRice wrote, the way search.js reads it,
// and returns the report numbers and the bytes after them.
func decodeRice(t *testing.T, b []byte) ([]uint32, []byte) {
	t.Helper()
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("bad varint in %x", b)
		}
		b = b[n:]
		return v
	}
	head := uv()
	n, k := head>>5, head&31
	if n == 0 {
		return nil, b
	}
	docs := []uint32{uint32(uv())}
	bit := 0
	get := func() uint64 {
		if bit>>3 >= len(b) {
			t.Fatalf("Rice codes past the end")
		}
		v := uint64(b[bit>>3]>>(7-bit&7)) & 1
		bit++
		return v
	}
	for i := uint64(1); i < n; i++ {
		var v uint64
		for get() == 1 {
			v++
		}
		for j := uint64(0); j < k; j++ {
			v = v<<1 | get()
		}
		docs = append(docs, docs[len(docs)-1]+uint32(v)+1)
	}
	return docs, b[(bit+7)>>3:]
}

func TestAppendRice(t *testing.T) {
	spread := make([]uint32, 500)
	for i := range spread {
		spread[i] = uint32(i*i*3 + i%7)
	}
	contiguous := make([]uint32, 300)
	for i := range contiguous {
		contiguous[i] = uint32(40000 + i)
	}
	tests := []struct {
		name string
		docs []uint32
		// most is the most bytes the codes may take; 0 means no bound.
		most int
	}{
		{"none", nil, 1},
		{"one", []uint32{0}, 2},
		{"one large", []uint32{1<<32 - 1}, 6},
		{"neighbours", []uint32{7, 8}, 3},
		{"contiguous far from 0", contiguous, 2 + 3 + (299+7)/8}, // count, first, a bit each
		{"a gap past 32 bits of unary", []uint32{0, 1, 2, 3, 5000, 5001}, 0},
		{"growing gaps", spread, 0},
		{"largest gap", []uint32{0, 1<<32 - 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := make([]posting, len(tt.docs))
			for i, d := range tt.docs {
				ps[i] = posting{doc: d}
			}
			b := appendRice([]byte{0xaa}, ps)
			if b[0] != 0xaa {
				t.Fatalf("appendRice changed the bytes before it")
			}
			got, rest := decodeRice(t, append(b[1:], 0x55))
			if !slices.Equal(got, tt.docs) {
				t.Errorf("decoded %v, want %v", got, tt.docs)
			}
			if !slices.Equal(rest, []byte{0x55}) {
				t.Errorf("%d bytes left after the codes, want the one after them", len(rest))
			}
			if tt.most > 0 && len(b)-1 > tt.most {
				t.Errorf("%d bytes, want at most %d", len(b)-1, tt.most)
			}
			if len(ps) > 1 {
				// The k chosen is the best of all.
				k := riceK(ps)
				for other := uint(0); other <= maxRiceK; other++ {
					if riceBits(ps, other) < riceBits(ps, k) {
						t.Errorf("k = %d takes %d bits, k = %d %d", k, riceBits(ps, k), other, riceBits(ps, other))
					}
				}
			}
		})
	}
}
