package repeats

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/incidents-archive/incidents/generator/parallel"
)

// Digest identifies what one report's candidate list was computed from.
type Digest [sha256.Size]byte

// Results are detection's candidate lists with, for each list, the digest
// of what it was computed from, so that a later run can reuse the lists
// whose inputs are unchanged (DetectAgain).
type Results struct {
	// Lists are the candidate lists, aligned with the reports, as Detect
	// returns them; nil while UnmarshalBinaryPacked keeps them packed.
	Lists [][]Candidate
	// Inputs are, aligned with Lists, the digests of what each list was
	// computed from.
	Inputs []Digest
	// Scored is how many reports were scored against their pools in the
	// run that made these results; the others' lists were reused.
	Scored int
	// Pooled is how many reports' candidate pools that run computed; the
	// others' were reused. Read is how many reports' texts it read; the
	// others' terms were taken from the previous run's.
	Pooled, Read int
	// Kept is what the next run needs to reuse texts' terms and pools;
	// without it, a run reuses lists only.
	Kept *Kept

	// packed holds the lists, encoded, when UnmarshalBinaryPacked left
	// them so.
	packed *packedLists
}

// DetectAgain is Detect, reusing the lists of prev (an earlier run's
// results, which may be nil) whose inputs are unchanged: its Lists are
// exactly what Detect returns for reports and cfg, whatever prev holds.
//
// A report's list is a function of the report and of the reports of its
// pool (the earlier reports it is scored against), as detection sees them:
// their metadata, key-term vectors, service weights and references. The
// archive's statistics (word rarity, service rarity, the words that mark
// a service) enter only through those, so the statistics, the vectors and
// the indexes are computed again on every run, from the texts' terms;
// scoring is skipped for a report whose own digest and whose pool's
// digests are those of a list in prev. A text is read again only when
// what reading it depends on changed (see tokenKeys and newTokenReuse),
// and a pool is found again only when something it reads can have
// changed (see reusablePools): those of the reports that changed and of
// the reports near them in a list they read. An edit that moves a
// statistic every report's vector reads (a common word's rarity) finds
// and scores most pools again, and costs about what Detect does.
func DetectAgain(reports []Report, cfg Config, prev *Results) *Results {
	return DetectAgainDigested(reports, cfg, prev, ReportDigests(reports))
}

// DetectAgainDigested is DetectAgain, given the reports' digests
// (ReportDigests), which the caller may have computed for CombineDigests.
func DetectAgainDigested(reports []Report, cfg Config, prev *Results, digests []Digest) *Results {
	res, _ := detectAgain(reports, cfg, prev, digests, false, nil)
	return res
}

// DetectAgainLoading is DetectAgainDigested, dropping each report's Text
// and Quoted from reports (setting them to nil) once read: the archive's
// text is then garbage while the lists are scored, some 200 MB at 100,000
// reports, when the caller holds it nowhere else. The caller must not read
// the texts afterwards. It drops prev's Kept too (setting it to nil) once
// read, before it decodes the lists it reuses of a packed prev (see
// UnmarshalBinaryPacked).
//
// Reports may also leave out their Text and Quoted (nil, with a TextSum):
// of those, it loads the texts it reads with load(i), for reports[i],
// which must return them as they were when the TextSum was taken; load
// may be nil when every report has its text. Most are not read when prev
// holds what reading them gave: a build keeps most texts out of memory
// that way, and reads them back only after an edit that changes what
// reading them depends on (see tokenKeys and newTokenReuse): a service
// named for the first time, say, or a report added that they name. The
// error is load's.
func DetectAgainLoading(reports []Report, cfg Config, prev *Results, digests []Digest, load func(i int) (text, quoted []string, err error)) (*Results, error) {
	return detectAgain(reports, cfg, prev, digests, true, load)
}

// loadTexts loads, with load, the texts left out of the reports that
// reuse does not take from the last run, on every CPU, stopping at the
// first error. Without load, such
// a report is a caller's mistake that would give wrong lists: it panics.
func loadTexts(reports []Report, reuse *tokenReuse, load func(int) ([]string, []string, error)) error {
	var todo []int
	for i := range reports {
		if reports[i].Text == nil && reports[i].TextSum != (Digest{}) && (reuse == nil || reuse.from[i] < 0) {
			todo = append(todo, i)
		}
	}
	if len(todo) > 0 && load == nil {
		panic(fmt.Sprintf("repeats: report %s has no text to read; DetectAgainLoading loads it", reports[todo[0]].ID))
	}
	// load's error names the report: it is returned as it is.
	return parallel.Each(context.Background(), runtime.GOMAXPROCS(0), len(todo), func(_, k int) error {
		i := todo[k]
		text, quoted, err := load(i)
		if err != nil {
			return err
		}
		reports[i].Text, reports[i].Quoted = text, quoted
		return nil
	})
}

func detectAgain(reports []Report, cfg Config, prev *Results, digests []Digest, releaseText bool, load func(int) ([]string, []string, error)) (*Results, error) {
	res, from, err := scoreAgain(reports, cfg, prev, digests, releaseText, load)
	if err != nil {
		return nil, err
	}
	// The detector is garbage now: the last run's lists, if they are
	// packed, are decoded only now, and only those reused, so that the
	// two are never in memory together (at 100,000 reports the lists are
	// some 230 MB decoded, the detector some 300 MB).
	if prev != nil {
		if releaseText {
			prev.Kept = nil // read; the caller has no more use for it
		}
		prev.fillLists(res.Lists, from)
	}
	return res, nil
}

// scoreAgain is detectAgain but for the lists it reuses: for each report
// whose list is one of prev's, from holds that list's place in prev
// (-1 for the others, whose lists res holds).
func scoreAgain(reports []Report, cfg Config, prev *Results, digests []Digest, releaseText bool, load func(int) ([]string, []string, error)) (res *Results, from []int32, err error) {
	ref := newReferrer(reports)
	keys := tokenKeys(reports, cfg, digests, ref)
	var reuse *tokenReuse
	if prev != nil {
		reuse = newTokenReuse(prev.Kept, reports, keys, ref)
	}
	if err := loadTexts(reports, reuse, load); err != nil {
		return nil, nil, err
	}
	d := newDetectorReusing(reports, cfg, reuse, ref, true, releaseText)
	n := len(reports)
	self := d.reportDigests()
	links := d.linkDigests()
	var reused [][]int32
	var reusedFrom []int32
	var changed []bool
	if prev != nil && prev.Kept.valid() && len(d.byID) == n {
		reused, reusedFrom, changed = d.reusablePools(prev.Kept, self, links)
	}
	// The last run's lists and their digests are one a report of its,
	// and so are its kept pools when it has reusable ones.
	aligned := prev != nil && len(prev.Inputs) == prev.ListCount()
	poolsAligned := aligned && reused != nil && len(prev.Inputs) == len(prev.Kept.IDs)
	// sameAsBefore reports whether pool, reused, holds no report that
	// changed: report i's list and its digest are then the previous run's.
	sameAsBefore := func(pool []int32) bool {
		for _, doc := range pool {
			if changed[d.order[doc]] {
				return false
			}
		}
		return true
	}
	pools := make([][]int32, n)
	reads := make([][]byte, n)
	// The place in prev of the list computed from each input digest.
	known := map[Digest]int32{}
	// A list names its candidates by id, and scoring finds them by id: with
	// an id given twice (an archive with errors, under incidents check)
	// nothing is reused.
	if aligned && len(d.byID) == n {
		for k, in := range prev.Inputs {
			known[in] = int32(k)
		}
	}
	res = &Results{Lists: make([][]Candidate, n), Inputs: make([]Digest, n)}
	from = make([]int32, n)
	var scored, pooled atomic.Int64
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			sc := &scratch{acc: make([]float32, n), seen: make([]int32, n), hit: make([]int32, n), reads: true}
			var parts []Digest
			for i := w; i < n; i += workers {
				from[i] = -1
				var pool []int32
				if reused != nil && reused[i] != nil {
					pool = reused[i]
					o := reusedFrom[i]
					lo, hi := runOf(prev.Kept.TermEnds, int(o))
					reads[i] = prev.Kept.Reads[4*lo : 4*hi]
				} else {
					pool = d.pool(i, sc)
					pooled.Add(1)
					if d.pos[i] == 0 {
						reads[i] = make([]byte, 4*len(d.vectors[i]))
					} else {
						reads[i] = appendReads(nil, d.vectors[i], sc.q, sc.read)
					}
				}
				kept := make([]int32, len(pool))
				for k, doc := range pool {
					kept[k] = int32(d.order[doc])
				}
				pools[i] = kept
				if poolsAligned && reused[i] != nil && sameAsBefore(pool) {
					o := reusedFrom[i]
					res.Inputs[i], from[i] = prev.Inputs[o], o
					continue
				}
				parts = parts[:0]
				for _, doc := range pool {
					parts = append(parts, self[d.order[doc]])
				}
				// The list does not depend on the pool's order.
				slices.SortFunc(parts, func(a, b Digest) int { return bytes.Compare(a[:], b[:]) })
				h := sha256.New()
				h.Write(self[i][:])
				for _, p := range parts {
					h.Write(p[:])
				}
				var in Digest
				h.Sum(in[:0])
				res.Inputs[i] = in
				if o, ok := known[in]; ok {
					from[i] = o
					continue
				}
				res.Lists[i] = d.rank(i, pool, sc)
				scored.Add(1)
			}
		})
	}
	wg.Wait()
	res.Scored, res.Pooled, res.Read = int(scored.Load()), int(pooled.Load()), d.read
	res.Kept = d.keep(self, links, pools, reads)
	d.keepTokens(res.Kept, keys)
	return res, from, nil
}

// reportDigests returns, for each report, the digest of everything that
// scoring it against another report, either way round, reads of it (see
// score, sharedTerms and rank), and of the configuration.
func (d *detector) reportDigests() []Digest {
	// The configuration's digest, not its text, in each: the catalogue
	// may be long.
	cfgDigest := sha256.Sum256(fmt.Appendf(nil, "%#v", d.cfg))
	out := make([]Digest, len(d.reports))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var b digestWriter
			for i := w; i < len(d.reports); i += workers {
				b.reset()
				b.bytes(cfgDigest[:])
				r := &d.reports[i]
				b.str(r.ID)
				b.str(r.Trigger)
				b.str(r.FailureMode)
				b.strs(r.Tasks)
				b.strs(r.RepeatOf)
				b.strs(r.Related)
				b.strs(d.services[i])
				b.int(len(d.serviceW[i]))
				for _, w := range d.serviceW[i] {
					b.u64(math.Float64bits(w))
				}
				b.strs(d.causes[i])
				b.strs(d.serviceWords[i])
				b.int(len(d.vectors[i]))
				for _, wt := range d.vectors[i] {
					b.str(d.terms[wt.term])
					b.str(d.words[wt.term])
					b.u64(uint64(math.Float32bits(wt.weight)))
				}
				b.int(len(d.refs[i]))
				for _, ref := range d.refs[i] {
					b.str(d.reports[ref.doc].ID)
					b.int(int(ref.stance))
					b.bool(ref.byDate)
					b.bool(ref.shared)
					b.str(ref.phrase)
				}
				out[i] = sha256.Sum256(b.buf)
			}
		})
	}
	wg.Wait()
	return out
}

// digestWriter lays values out unambiguously for hashing: every string
// and list with its length first.
type digestWriter struct{ buf []byte }

func (b *digestWriter) reset()         { b.buf = b.buf[:0] }
func (b *digestWriter) u64(v uint64)   { b.buf = binary.LittleEndian.AppendUint64(b.buf, v) }
func (b *digestWriter) int(v int)      { b.u64(uint64(v)) }
func (b *digestWriter) bytes(s []byte) { b.int(len(s)); b.buf = append(b.buf, s...) }
func (b *digestWriter) str(s string)   { b.int(len(s)); b.buf = append(b.buf, s...) }
func (b *digestWriter) bool(v bool) {
	if v {
		b.buf = append(b.buf, 1)
	} else {
		b.buf = append(b.buf, 0)
	}
}
func (b *digestWriter) strs(s []string) {
	b.int(len(s))
	for _, v := range s {
		b.str(v)
	}
}

// InputDigest identifies detection's whole input: every field of every
// report, in order, and the configuration. Two inputs with the same
// digest have the same lists. It hashes the text as it is, without
// encoding it first.
func InputDigest(reports []Report, cfg Config) Digest {
	return CombineDigests(cfg, ReportDigests(reports))
}

// CombineDigests is InputDigest, given the reports' digests
// (ReportDigests).
func CombineDigests(cfg Config, each []Digest) Digest {
	h := sha256.New()
	var b digestWriter
	b.bytes(fmt.Appendf(nil, "%#v", cfg))
	b.int(len(each))
	h.Write(b.buf)
	for _, d := range each {
		h.Write(d[:])
	}
	var out Digest
	h.Sum(out[:0])
	return out
}

// ReportDigests returns, for each report, the digest of every field it
// has (its TextSum, when it has one, in place of its Text and Quoted),
// computed on every CPU.
func ReportDigests(reports []Report) []Digest {
	out := make([]Digest, len(reports))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			h := sha256.New()
			var b digestWriter
			for i := w; i < len(reports); i += workers {
				r := &reports[i]
				h.Reset()
				b.reset()
				b.str(r.ID)
				b.u64(uint64(r.Start.Unix()))
				b.int(r.Start.Nanosecond())
				b.str(r.Start.Location().String())
				b.strs(r.Services)
				b.strs(r.Causes)
				b.str(r.Trigger)
				b.str(r.FailureMode)
				b.strs(r.RepeatOf)
				b.strs(r.Related)
				b.strs(r.Tasks)
				b.bool(r.TextSum != (Digest{}))
				if r.TextSum != (Digest{}) {
					b.bytes(r.TextSum[:])
					h.Write(b.buf)
					h.Sum(out[i][:0])
					continue
				}
				b.strs(r.Quoted)
				b.int(len(r.Text))
				for _, t := range r.Text {
					b.int(len(t))
					h.Write(b.buf)
					b.reset()
					h.Write([]byte(t))
				}
				h.Write(b.buf)
				h.Sum(out[i][:0])
			}
		})
	}
	wg.Wait()
	return out
}
