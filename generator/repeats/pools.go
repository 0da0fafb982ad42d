package repeats

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Kept is what a run of detection keeps for the next one to reuse what
// reading each unchanged text gave, and the candidate pools that cannot
// have changed (see DetectAgain): each report's id, start, digest, links,
// key terms, services and pool, and its text's terms. Large
// arrays are packed little-endian in bytes, which encode and decode far
// faster than slices of numbers.
type Kept struct {
	// IDs are the reports' ids, in the order of that run's input; the
	// other arrays are aligned with them.
	IDs []string
	// Starts are the reports' starts: Unix seconds and nanoseconds, 12
	// bytes a report.
	Starts []byte
	// Selves are the reports' digests (reportDigests), Links the digests
	// of the reports each is linked to (linkDigests), 32 bytes each.
	Selves, Links []byte
	// Stems are the archive's terms; each report's key terms are indexes
	// into them (int32), TermEnds the end of each report's (int32).
	Stems           []string
	Terms, TermEnds []byte
	// Services are each report's services, the failed one first;
	// ServiceEnds the end of each report's (int32).
	Services    []string
	ServiceEnds []byte
	// Pools are each report's candidate pool, by report index (int32);
	// PoolEnds the end of each report's.
	Pools, PoolEnds []byte
	// Reads are, for each key term of Terms, how many of its postings the
	// pool read: in the archive's index and in the index of the report's
	// service (two uint16, at most readCap).
	Reads []byte

	// What reading each report's text gave, for the next run to take
	// rather than read it again when its token key (tokenKeys, 32 bytes
	// each) is the same: its terms, as a form and a count (unsigned
	// varints) each, TokEnds the end of each report's (int32); the
	// forms, each a term of Vocab (FormStems, int32), the word shown for
	// it and whether it is a name (FormNames, 0 or 1); the reports its
	// text names (RefIDs, with the stance and refByDate and refShared in
	// RefBits, and the phrase); the services its text names, most named
	// first; and the words that named the first, for a report without
	// services.
	//
	// TokLooks are, for each report, the hashes of the first words of ids
	// and the days its text looked up (lookHash, packedLooks: uint32s),
	// TokLookEnds the end of each report's (int32): a report added,
	// removed or moved to another day changes what only the texts that
	// looked up its first word or day read.
	TokKeys                          []byte
	TokLooks, TokLookEnds            []byte
	Vocab                            []string
	FormStems, FormNames             []byte
	FormShown                        []string
	TokTerms, TokEnds                []byte
	RefIDs, RefPhrases               []string
	RefBits, RefEnds                 []byte
	TextServices, ServiceWords       []string
	TextServiceEnds, ServiceWordEnds []byte
}

// readCap is the most Kept.Reads holds: a term of which more postings
// were read may have been read up to the budget.
const readCap = 1<<16 - 1

func appendI32(b []byte, v int32) []byte { return binary.LittleEndian.AppendUint32(b, uint32(v)) }

func i32At(b []byte, k int) int32 { return int32(binary.LittleEndian.Uint32(b[4*k:])) }

// runOf returns the k-th run of a packed array whose run ends are ends.
func runOf(ends []byte, k int) (lo, hi int) {
	if k > 0 {
		lo = int(i32At(ends, k-1))
	}
	return lo, int(i32At(ends, k))
}

// valid reports whether k's arrays agree in length, so that reading them
// cannot fail.
func (k *Kept) valid() bool {
	if k == nil {
		return false
	}
	n := len(k.IDs)
	if len(k.Starts) != 12*n || len(k.Selves) != 32*n || len(k.Links) != 32*n ||
		len(k.TermEnds) != 4*n || len(k.ServiceEnds) != 4*n || len(k.PoolEnds) != 4*n ||
		len(k.Terms)%4 != 0 || len(k.Pools)%4 != 0 || len(k.Reads) != len(k.Terms) {
		return false
	}
	if !validEnds(k.TermEnds, n, len(k.Terms)/4) || !validEnds(k.ServiceEnds, n, len(k.Services)) || !validEnds(k.PoolEnds, n, len(k.Pools)/4) {
		return false
	}
	for x := range len(k.Terms) / 4 {
		if t := i32At(k.Terms, x); t < 0 || int(t) >= len(k.Stems) {
			return false
		}
	}
	for x := range len(k.Pools) / 4 {
		if p := i32At(k.Pools, x); p < 0 || int(p) >= n {
			return false
		}
	}
	return true
}

// chronKey is where a report stands in time: its start, then its id.
type chronKey struct {
	sec  int64
	nsec int32
	id   string
}

func keyOf(r *Report) chronKey {
	return chronKey{r.Start.Unix(), int32(r.Start.Nanosecond()), r.ID}
}

func (a chronKey) before(b chronKey) bool {
	if a.sec != b.sec {
		return a.sec < b.sec
	}
	if a.nsec != b.nsec {
		return a.nsec < b.nsec
	}
	return a.id < b.id
}

// day is the UTC day of the start c holds, as the referrer files
// reports by (referrer.days).
func (c chronKey) day() string {
	return time.Unix(c.sec, int64(c.nsec)).UTC().Format(time.DateOnly)
}

func (k *Kept) key(o int) chronKey {
	b := k.Starts[12*o:]
	return chronKey{int64(binary.LittleEndian.Uint64(b)), int32(binary.LittleEndian.Uint32(b[8:])), k.IDs[o]}
}

// read returns how many postings of its x-th key term (in Kept.Terms)
// the pool read, in the archive's index (which 0) or its service's (1),
// or the posting budget where that was more than Reads holds.
func (k *Kept) read(x, which int, budget int) int {
	r := int(binary.LittleEndian.Uint16(k.Reads[4*x+2*which:]))
	if r == readCap {
		return max(budget, r)
	}
	return r
}

// appendReads appends to b the reads of a report's key terms v, given in
// the order q with their reads.
func appendReads(b []byte, v, q []weightedTerm, read [2][]int32) []byte {
	start := len(b)
	b = append(b, make([]byte, 4*len(v))...)
	for k, wt := range q {
		x, _ := slices.BinarySearchFunc(v, wt.term, func(a weightedTerm, t int32) int { return int(a.term - t) })
		for which := range 2 {
			binary.LittleEndian.PutUint16(b[start+4*x+2*which:], uint16(min(readCap, read[which][k])))
		}
	}
	return b
}

// keep returns what the next run needs of this one, given the reports'
// digests and links, their pools (by report index) and the reads of
// their key terms (appendReads).
func (d *detector) keep(self, links []Digest, pools [][]int32, reads [][]byte) *Kept {
	n := len(d.reports)
	// Every list sized first: at 100,000 reports they are tens of
	// megabytes, which growing copied over and over.
	var terms, reading, services, pooled int
	for i := range n {
		terms += len(d.vectors[i])
		reading += len(reads[i])
		services += len(d.services[i])
		pooled += len(pools[i])
	}
	k := &Kept{IDs: make([]string, n), Stems: d.terms,
		Starts: make([]byte, 0, 12*n), Selves: make([]byte, 0, n*len(Digest{})), Links: make([]byte, 0, n*len(Digest{})),
		Terms: make([]byte, 0, 4*terms), TermEnds: make([]byte, 0, 4*n), Reads: make([]byte, 0, reading),
		Services: make([]string, 0, services), ServiceEnds: make([]byte, 0, 4*n), Pools: make([]byte, 0, 4*pooled), PoolEnds: make([]byte, 0, 4*n)}
	for i := range d.reports {
		r := &d.reports[i]
		k.IDs[i] = r.ID
		k.Starts = binary.LittleEndian.AppendUint64(k.Starts, uint64(r.Start.Unix()))
		k.Starts = binary.LittleEndian.AppendUint32(k.Starts, uint32(r.Start.Nanosecond()))
		k.Selves = append(k.Selves, self[i][:]...)
		k.Links = append(k.Links, links[i][:]...)
		for _, wt := range d.vectors[i] {
			k.Terms = appendI32(k.Terms, wt.term)
		}
		k.TermEnds = appendI32(k.TermEnds, int32(len(k.Terms)/4))
		k.Reads = append(k.Reads, reads[i]...)
		k.Services = append(k.Services, d.services[i]...)
		k.ServiceEnds = appendI32(k.ServiceEnds, int32(len(k.Services)))
		for _, j := range pools[i] {
			k.Pools = appendI32(k.Pools, j)
		}
		k.PoolEnds = appendI32(k.PoolEnds, int32(len(k.Pools)/4))
	}
	return k
}

// linkDigests returns, for each report, the digest of the reports that
// join its pool whatever their words (see pool): those it names in
// repeat_of and related (or that no report has those ids), that its text
// names, whose text names it, and that share a task with it, each with
// its start. It is zero for a report linked to none.
func (d *detector) linkDigests() []Digest {
	out := make([]Digest, len(d.reports))
	var b digestWriter
	var keys []chronKey
	for i := range d.reports {
		r := &d.reports[i]
		keys = keys[:0]
		add := func(j int) { keys = append(keys, keyOf(&d.reports[j])) }
		for _, id := range r.RepeatOf {
			if j, ok := d.byID[id]; ok {
				add(j)
			} else {
				keys = append(keys, chronKey{sec: math.MinInt64, id: id})
			}
		}
		for _, id := range r.Related {
			if j, ok := d.byID[id]; ok {
				add(j)
			} else {
				keys = append(keys, chronKey{sec: math.MinInt64, id: id})
			}
		}
		for _, ref := range d.refs[i] {
			add(ref.doc)
		}
		for _, j := range d.namedBy[i] {
			add(j)
		}
		for _, t := range r.Tasks {
			for _, j := range d.tasks[t] {
				add(j)
			}
		}
		if len(keys) == 0 {
			continue
		}
		slices.SortFunc(keys, func(a, b chronKey) int {
			if c := strings.Compare(a.id, b.id); c != 0 {
				return c
			}
			if a.before(b) {
				return -1
			}
			if b.before(a) {
				return 1
			}
			return 0
		})
		b.reset()
		for _, k := range keys {
			b.str(k.id)
			b.u64(uint64(k.sec))
			b.u64(uint64(k.nsec))
		}
		out[i] = sha256.Sum256(b.buf)
	}
	return out
}

// reusablePools returns, for each report, its pool as the run that kept k
// computed it (by chronological position in this run) when nothing that
// pool reads can have changed since, or nil when the pool must be
// computed again; for each report, its index in k, or -1; and which
// reports changed (added, moved, or with another digest).
//
// A pool (see pool) reads the report's key terms and services, which its
// digest covers; the postings of its key terms before it, in the
// archive's index and in its failed service's, within the posting budget;
// the order of its key terms by how many postings each has; the latest
// earlier reports on its services; and its links, which linkDigests
// covers. So a report whose digest, start and links are as they were
// keeps its pool unless a report that changed (added, deleted, moved, or
// with other key terms, weights or services) has a posting of one of its
// key terms, or is on one of its services, within reach: fewer postings
// (or service reports) lie between the two than the budget, plus the
// number of changes to that list, which bounds how many more the other
// run had; within how many postings the pool read of that term, for a
// term's. A change to the number of a term's postings reorders the key
// terms of some of the reports that have it; those are found by
// comparing their order with the numbers before and after.
func (d *detector) reusablePools(k *Kept, self, links []Digest) (pools [][]int32, from []int32, changed []bool) {
	n, oldN := len(d.reports), len(k.IDs)
	oldByID := make(map[string]int32, oldN)
	for o, id := range k.IDs {
		if _, twice := oldByID[id]; twice {
			return nil, nil, nil
		}
		oldByID[id] = int32(o)
	}
	match := make([]int32, n) // new report → old, or -1
	toNew := make([]int32, oldN)
	for o := range toNew {
		toNew[o] = -1
	}
	stale := make([]bool, n)
	changed = make([]bool, n)
	for i := range d.reports {
		r := &d.reports[i]
		o, ok := oldByID[r.ID]
		if !ok {
			match[i], changed[i], stale[i] = -1, true, true
			continue
		}
		match[i], toNew[o] = o, int32(i)
		if !bytes.Equal(k.Selves[32*o:32*o+32], self[i][:]) || k.key(int(o)) != keyOf(r) {
			changed[i], stale[i] = true, true
		}
		if !bytes.Equal(k.Links[32*o:32*o+32], links[i][:]) {
			stale[i] = true
		}
	}
	// The changes to each list: a report's postings and services before
	// (as k has them) and after, at its start before and after.
	type event struct {
		list string // "" for the archive's index, else a service's
		term int32  // -1: the service's reports, not its index
		at   chronKey
	}
	var events []event
	delta := map[int32]int{} // a term's postings, after less before
	termOf := func(stem string) (int32, bool) {
		t, ok := slices.BinarySearch(d.terms, stem)
		return int32(t), ok
	}
	add := func(list string, term int32, at chronKey) {
		events = append(events, event{list, term, at})
	}
	for o := range oldN {
		if i := toNew[o]; i >= 0 && !changed[i] {
			continue
		}
		at := k.key(o)
		lo, hi := runOf(k.ServiceEnds, o)
		svcs := k.Services[lo:hi]
		tlo, thi := runOf(k.TermEnds, o)
		for x := tlo; x < thi; x++ {
			t, ok := termOf(k.Stems[i32At(k.Terms, x)])
			if !ok {
				continue // no report has it now
			}
			delta[t]--
			add("", t, at)
			if len(svcs) > 0 {
				add(svcs[0], t, at)
			}
		}
		for _, s := range svcs {
			add(s, -1, at)
		}
	}
	for i := range n {
		if !changed[i] {
			continue
		}
		at := keyOf(&d.reports[i])
		svcs := d.services[i]
		for _, wt := range d.vectors[i] {
			delta[wt.term]++
			add("", wt.term, at)
			if len(svcs) > 0 {
				add(svcs[0], wt.term, at)
			}
		}
		for _, s := range svcs {
			add(s, -1, at)
		}
	}
	// Each list's events together: a report within reach of several of
	// them is stale if it is of the nearest before it, where the fewest
	// postings lie between (the test below only gets easier as x
	// shrinks), so each posting is looked at once, for that event. An
	// edit that moves many reports' key terms (a common word's rarity)
	// gives a common term thousands of events, whose reaches overlap:
	// looked at once per event, with the list copied for each, that took
	// 45 s at 100,000 reports.
	type listKey struct {
		list string
		term int32
	}
	byList := map[listKey][]chronKey{}
	for _, e := range events {
		lk := listKey{e.list, e.term}
		byList[lk] = append(byList[lk], e.at)
	}
	for lk, ats := range byList {
		// The list's chronological positions, as docAt gives them.
		var postings []posting
		var docs []int32
		reach := d.cfg.PostingBudget
		switch {
		case lk.term < 0:
			docs = d.serviceDocs[lk.list]
			reach = d.cfg.ServiceRecent
		case lk.list == "":
			postings = d.index[lk.term]
		default:
			postings = d.serviceIndex[lk.list].of(lk.term)
		}
		size := len(docs) + len(postings)
		docAt := func(x int) int32 {
			if docs != nil {
				return docs[x]
			}
			return postings[x].doc
		}
		// after returns the first index of the list that stands after at.
		after := func(at chronKey) int {
			return sort.Search(size, func(x int) bool { return at.before(keyOf(&d.reports[d.order[docAt(x)]])) })
		}
		changes := len(ats)
		which, oldT := 0, int32(-1)
		if lk.list != "" {
			which = 1
		}
		if lk.term >= 0 {
			if t, ok := slices.BinarySearch(k.Stems, d.terms[lk.term]); ok {
				oldT = int32(t)
			}
		}
		froms := make([]int, len(ats))
		for x, at := range ats {
			froms[x] = after(at)
		}
		slices.Sort(froms)
		froms = slices.Compact(froms)
		for f, from := range froms {
			// Up to the next event, which is nearer from there on.
			end := min(size, from+reach+changes)
			if f+1 < len(froms) {
				end = min(end, froms[f+1])
			}
			for at := from; at < end; at++ {
				x := at - from
				i := d.order[docAt(at)]
				if stale[i] {
					continue
				}
				if lk.term < 0 {
					stale[i] = true
					continue
				}
				// Whether the pool read so far back: x postings lie
				// between, and the other run had at most changes more.
				o := match[i]
				lo, hi := runOf(k.TermEnds, int(o))
				read := -1
				for y := lo; y < hi; y++ {
					if i32At(k.Terms, y) == oldT {
						read = k.read(y, which, d.cfg.PostingBudget)
						break
					}
				}
				if read < 0 || x < read+changes {
					stale[i] = true
				}
			}
		}
	}
	// Key terms reordered: the order compares numbers of postings, then
	// terms.
	before := func(t int32) int { return len(d.index[t]) - delta[t] }
	for t, dt := range delta {
		if dt == 0 {
			continue
		}
		for _, p := range d.index[t] {
			i := d.order[p.doc]
			if stale[i] {
				continue
			}
			for _, wt := range d.vectors[i] {
				u := wt.term
				if u == t {
					continue
				}
				was := before(t) < before(u) || before(t) == before(u) && t < u
				is := len(d.index[t]) < len(d.index[u]) || len(d.index[t]) == len(d.index[u]) && t < u
				if was != is {
					stale[i] = true
					break
				}
			}
		}
	}
	out := make([][]int32, n)
	for i := range n {
		o := match[i]
		if stale[i] || o < 0 {
			continue
		}
		lo, hi := runOf(k.PoolEnds, int(o))
		pool := make([]int32, 0, hi-lo)
		for x := lo; x < hi; x++ {
			j := toNew[i32At(k.Pools, x)]
			if j < 0 {
				break // a report of the pool is gone: computed again
			}
			pool = append(pool, int32(d.pos[j]))
		}
		if len(pool) == hi-lo {
			out[i] = pool
		}
	}
	return out, match, changed
}

// validEnds tells whether ends holds n ends of runs (int32s, see i32At)
// that never go back and stay within size.
func validEnds(ends []byte, n, size int) bool {
	prev := int32(0)
	for i := range n {
		e := i32At(ends, i)
		if e < prev || int(e) > size {
			return false
		}
		prev = e
	}
	return true
}
