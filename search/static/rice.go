package static

import "math/bits"

// The report numbers of a run of one weight in a block file, which
// increase, are written as Rice codes: their number n and the Rice
// parameter k as one varint (n<<5 | k), the first number as a varint,
// then each later number's gap less one, v, as v>>k one bits, a zero bit
// and the k low bits of v, the first bit in the high bit of a byte; the
// last byte is padded with zero bits. Gaps between reports that hold a
// term are close to geometric, for which a Rice code with the best k
// takes about two bits more than the gap's logarithm, where a varint
// takes a whole number of bytes: gzipped, the later blocks of common
// terms are about a fifth smaller than as varints.

// maxRiceK is the largest Rice parameter, which the 5 bits of its varint
// hold.
const maxRiceK = 31

// appendRice appends the report numbers of ps, which increase, as Rice
// codes (see above) with the k that makes them shortest.
func appendRice(b []byte, ps []posting) []byte {
	k := riceK(ps)
	b = appendUvarint(b, uint64(len(ps))<<5|uint64(k))
	if len(ps) == 0 {
		return b
	}
	b = appendUvarint(b, uint64(ps[0].doc))
	w := bitWriter{b: b}
	for i := 1; i < len(ps); i++ {
		v := uint64(ps[i].doc - ps[i-1].doc - 1)
		w.unary(v >> k)
		w.put(v, k)
	}
	return w.flush()
}

// riceK returns the Rice parameter that codes the gaps of ps in the
// fewest bits: the best of the three around the logarithm of their mean.
func riceK(ps []posting) uint {
	if len(ps) < 2 {
		return 0
	}
	n := uint64(len(ps) - 1)
	mean := (uint64(ps[len(ps)-1].doc-ps[0].doc) - n) / n
	k0 := uint(max(0, bits.Len64(mean)-1))
	best, bestBits := k0, riceBits(ps, k0)
	for _, k := range []uint{k0 - 1, k0 + 1} {
		if k > maxRiceK { // k0 - 1 wrapped below 0, or too large
			continue
		}
		if c := riceBits(ps, k); c < bestBits {
			best, bestBits = k, c
		}
	}
	return best
}

// riceBits is the number of bits the gaps of ps take as Rice codes of
// parameter k.
func riceBits(ps []posting, k uint) uint64 {
	total := uint64(len(ps)-1) * uint64(k+1)
	for i := 1; i < len(ps); i++ {
		total += uint64(ps[i].doc-ps[i-1].doc-1) >> k
	}
	return total
}

// bitWriter appends bits to b, the first in the high bit of a byte.
type bitWriter struct {
	b   []byte
	acc uint64 // the bits not yet appended, the last in the low bit
	n   uint   // how many: fewer than 8 between calls
}

// put appends the k low bits of v, the highest first; k is at most 32.
func (w *bitWriter) put(v uint64, k uint) {
	if k == 0 {
		return
	}
	w.acc = w.acc<<k | v&(1<<k-1)
	w.n += k
	for w.n >= 8 {
		w.n -= 8
		w.b = append(w.b, byte(w.acc>>w.n))
	}
}

// unary appends q one bits and a zero bit.
func (w *bitWriter) unary(q uint64) {
	for q >= 32 {
		w.put(1<<32-1, 32)
		q -= 32
	}
	w.put((1<<q-1)<<1, uint(q)+1)
}

// flush pads the last byte with zero bits and returns the bytes.
func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.b = append(w.b, byte(w.acc<<(8-w.n)))
		w.n = 0
	}
	return w.b
}
