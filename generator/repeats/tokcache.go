package repeats

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
)

// tokenReuse is what a run of detection takes of the reports that the run
// which kept k read: their term counts, the forms of their terms, the
// reports their texts name, the services their texts name.
type tokenReuse struct {
	k *Kept
	// from is, for each report, its index in k when what k holds of it
	// is what reading it would give now, or -1.
	from []int32
}

// formTable numbers the forms of the archive's terms: a term (by its
// merged id) with the word shown for it and whether it is a name.
type formTable struct {
	ids  map[formKey]int32
	keys []formKey
}

type formKey struct {
	term int32
	form
}

func newFormTable() *formTable { return &formTable{ids: map[formKey]int32{}} }

// index returns the number of term's form f, adding it when it is new.
func (t *formTable) index(term int32, f form) int32 {
	k := formKey{term, f}
	x, ok := t.ids[k]
	if !ok {
		x = int32(len(t.keys))
		t.ids[k] = x
		t.keys = append(t.keys, k)
	}
	return x
}

// appendTermCounts appends a report's terms to b as Kept.TokTerms holds
// them: each its form and count, as unsigned varints.
func appendTermCounts(b []byte, counted []termCount, forms []int32) []byte {
	for k, tc := range counted {
		b = binary.AppendUvarint(b, uint64(forms[k]))
		b = binary.AppendUvarint(b, uint64(tc.count))
	}
	return b
}

// tokenKeys returns, for each report, the digest of everything reading
// its text depends on but the other reports' ids and starts: the report
// (given its digest, ReportDigests), the catalogue, every service the
// reports name in their metadata, and which words ref looks up (the
// first bytes of ids and the longest first word). What the text finds
// when it looks up a first word of ids or a day is checked apart, by
// what it looked up (see newTokenReuse).
func tokenKeys(reports []Report, cfg Config, digests []Digest, ref *referrer) []Digest {
	var b digestWriter
	b.bytes(fmt.Appendf(nil, "%#v", cfg.Catalogue))
	b.strs(distinctServices(reports))
	for _, c := range ref.initial {
		b.bool(c)
	}
	b.int(ref.maxFirst)
	context := sha256.Sum256(b.buf)
	out := make([]Digest, len(reports))
	var buf [2 * sha256.Size]byte
	copy(buf[:], context[:])
	for i := range reports {
		copy(buf[sha256.Size:], digests[i][:])
		out[i] = sha256.Sum256(buf[:])
	}
	return out
}

// hasTokens reports whether k holds what reading its reports gave, in
// arrays whose lengths agree.
func (k *Kept) hasTokens() bool {
	n := len(k.IDs)
	if len(k.Starts) != 12*n || len(k.TokKeys) != 32*n || len(k.TokEnds) != 4*n || len(k.RefEnds) != 4*n ||
		len(k.TokLookEnds) != 4*n || len(k.TokLooks)%4 != 0 ||
		len(k.TextServiceEnds) != 4*n || len(k.ServiceWordEnds) != 4*n ||
		len(k.FormStems) != 4*len(k.FormShown) || len(k.FormNames) != len(k.FormShown) ||
		len(k.RefPhrases) != len(k.RefIDs) || len(k.RefBits) != len(k.RefIDs) {
		return false
	}
	if !validEnds(k.TokEnds, n, len(k.TokTerms)) || !validEnds(k.RefEnds, n, len(k.RefIDs)) || !validEnds(k.TokLookEnds, n, len(k.TokLooks)/4) ||
		!validEnds(k.TextServiceEnds, n, len(k.TextServices)) || !validEnds(k.ServiceWordEnds, n, len(k.ServiceWords)) {
		return false
	}
	for x := range len(k.FormShown) {
		if s := i32At(k.FormStems, x); s < 0 || int(s) >= len(k.Vocab) {
			return false
		}
	}
	// Every record reads whole: forms and counts in range.
	for p := 0; p < len(k.TokTerms); {
		f, a := binary.Uvarint(k.TokTerms[p:])
		if a <= 0 || f >= uint64(len(k.FormShown)) {
			return false
		}
		c, b := binary.Uvarint(k.TokTerms[p+a:])
		if b <= 0 || c == 0 || c > 1<<31-1 {
			return false
		}
		p += a + b
	}
	return true
}

// newTokenReuse returns what this run can take of k's reading of the
// reports, given the reports' token keys (tokenKeys) and referrer, or nil
// when k holds none.
//
// A text's reading is taken when its token key is the same and nothing it
// looked up in the referrer finds something else now. A text looks up
// the first word of each id-like word it holds and each day named in a
// sentence that says "the same"; what it finds is the ids of that first
// word (in an order fixed by the ids) and the ids of the reports that
// started that day, in the reports' order. So the first words and days
// of the reports added and removed, and the days a report's start moved
// from and to (its day's order may change even within the day), are the
// lookups that changed, and the texts that made none of them read as
// before. The other reports must keep their order, as an archive sorted
// by start does, or they could reorder a day's reports: no reading is
// taken then, nor when an id is given twice, which a kept reading could
// not tell apart.
func newTokenReuse(k *Kept, reports []Report, keys []Digest, ref *referrer) *tokenReuse {
	if k == nil || !k.hasTokens() {
		return nil
	}
	oldByID := make(map[string]int32, len(k.IDs))
	for o, id := range k.IDs {
		if _, twice := oldByID[id]; twice {
			return nil
		}
		oldByID[id] = int32(o)
	}
	changed := map[uint32]bool{}
	mark := func(id, day string) {
		if first, ok := firstWord(id); ok {
			changed[lookHash(lookFirst, first)] = true
		}
		changed[lookHash(lookDay, day)] = true
	}
	r := &tokenReuse{k: k, from: make([]int32, len(reports))}
	seen := make([]bool, len(k.IDs))
	last := int32(-1)
	for i := range reports {
		r.from[i] = -1
		rep := &reports[i]
		o, ok := oldByID[rep.ID]
		if !ok {
			mark(rep.ID, ref.days[i])
			continue
		}
		if seen[o] {
			return nil // an id given twice
		}
		seen[o] = true
		if old := k.key(int(o)); old != keyOf(rep) {
			// Moved: its days are marked, and it may have moved past
			// others.
			changed[lookHash(lookDay, old.day())] = true
			changed[lookHash(lookDay, ref.days[i])] = true
		} else {
			if o < last {
				return nil
			}
			last = o
		}
		if string(k.TokKeys[32*o:32*o+32]) == string(keys[i][:]) {
			r.from[i] = o
		}
	}
	for o, id := range k.IDs {
		if !seen[o] {
			mark(id, k.key(o).day())
		}
	}
	if len(changed) == 0 {
		return r
	}
	for i, o := range r.from {
		if o < 0 {
			continue
		}
		lo, hi := runOf(k.TokLookEnds, int(o))
		for x := lo; x < hi; x++ {
			if changed[binary.LittleEndian.Uint32(k.TokLooks[4*x:])] {
				r.from[i] = -1
				break
			}
		}
	}
	return r
}

// Reference bits of Kept.RefBits: the stance in the low two bits.
const (
	refByDate = 1 << 2
	refShared = 1 << 3
)

// references returns report o's references as k keeps them, its reports
// found by id in byID; ok is false when one is not there.
func (k *Kept) references(o int, byID map[string]int) (out []reference, ok bool) {
	lo, hi := runOf(k.RefEnds, o)
	for x := lo; x < hi; x++ {
		doc, found := byID[k.RefIDs[x]]
		if !found {
			return nil, false
		}
		bits := k.RefBits[x]
		out = append(out, reference{doc: doc, stance: Stance(bits & 3), byDate: bits&refByDate != 0, shared: bits&refShared != 0, phrase: k.RefPhrases[x]})
	}
	return out, true
}

// runStrings returns the o-th run of a list of strings kept with its ends.
func runStrings(list []string, ends []byte, o int) []string {
	lo, hi := runOf(ends, o)
	if lo == hi {
		return nil
	}
	return slices.Clip(list[lo:hi])
}

// keepTokens adds to k what reading the reports gave, given their token
// keys, for the next run to reuse.
func (d *detector) keepTokens(k *Kept, keys []Digest) {
	if !d.track {
		return
	}
	k.Vocab = d.vocab
	// Every list sized first, as in keep.
	n := len(d.reports)
	var toks, refs, textServices, serviceWords, looks int
	for i := range n {
		toks += len(d.tokTerms[i])
		refs += len(d.refs[i])
		textServices += len(d.textServices[i])
		serviceWords += len(d.serviceWords[i])
		looks += len(d.looks[i])
	}
	forms := len(d.forms.keys)
	k.FormStems, k.FormShown, k.FormNames = make([]byte, 0, 4*forms), make([]string, 0, forms), make([]byte, 0, forms)
	k.TokKeys, k.TokTerms, k.TokEnds = make([]byte, 0, n*len(Digest{})), make([]byte, 0, toks), make([]byte, 0, 4*n)
	k.TokLooks, k.TokLookEnds = make([]byte, 0, looks), make([]byte, 0, 4*n)
	k.RefIDs, k.RefPhrases, k.RefBits, k.RefEnds = make([]string, 0, refs), make([]string, 0, refs), make([]byte, 0, refs), make([]byte, 0, 4*n)
	k.TextServices, k.TextServiceEnds = make([]string, 0, textServices), make([]byte, 0, 4*n)
	k.ServiceWords, k.ServiceWordEnds = make([]string, 0, serviceWords), make([]byte, 0, 4*n)
	for _, f := range d.forms.keys {
		k.FormStems = appendI32(k.FormStems, f.term)
		k.FormShown = append(k.FormShown, f.shown)
		var b byte
		if f.name {
			b = 1
		}
		k.FormNames = append(k.FormNames, b)
	}
	for i := range d.reports {
		k.TokKeys = append(k.TokKeys, keys[i][:]...)
		k.TokTerms = append(k.TokTerms, d.tokTerms[i]...)
		k.TokEnds = appendI32(k.TokEnds, int32(len(k.TokTerms)))
		k.TokLooks = append(k.TokLooks, d.looks[i]...)
		k.TokLookEnds = appendI32(k.TokLookEnds, int32(len(k.TokLooks)/4))
		for _, ref := range d.refs[i] {
			k.RefIDs = append(k.RefIDs, d.reports[ref.doc].ID)
			k.RefPhrases = append(k.RefPhrases, ref.phrase)
			bits := byte(ref.stance) & 3
			if ref.byDate {
				bits |= refByDate
			}
			if ref.shared {
				bits |= refShared
			}
			k.RefBits = append(k.RefBits, bits)
		}
		k.RefEnds = appendI32(k.RefEnds, int32(len(k.RefIDs)))
		k.TextServices = append(k.TextServices, d.textServices[i]...)
		k.TextServiceEnds = appendI32(k.TextServiceEnds, int32(len(k.TextServices)))
		k.ServiceWords = append(k.ServiceWords, d.serviceWords[i]...)
		k.ServiceWordEnds = appendI32(k.ServiceWordEnds, int32(len(k.ServiceWords)))
	}
}
