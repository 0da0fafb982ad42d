// Package repeats finds, for each incident report, the earlier reports most
// likely to be the same failure happening again, and says why.
//
// It gives evidence for the scorecard's repeat question, whether this
// failure has happened before, where people would otherwise answer from
// memory. Signals, combined into a score in [0, 1]:
//
//   - text: cosine similarity of TF-IDF vectors over each report's most
//     distinctive words (title, impact and body), found through an
//     inverted index so that the work grows with the archive, not its
//     square, and again through the index of the reports that failed on
//     the same service, where a recurrence years apart is not crowded
//     out by the budget. The names of services, of their hosts (through the
//     catalogue's host patterns), alerts and dashboards are not words of
//     the failure: they count as mentions of the service (names.go), and
//     words that mark one service rather than one failure weigh less;
//   - services, weighted by rarity: sharing a service that half the
//     archive names says little. A report without services in its
//     metadata is about the one its text names most;
//   - cause tags, trigger and failure mode;
//   - what the authors wrote: repeat_of, related, shared tasks, and one
//     report naming the other in its text, with what it says of it: the
//     same failure, or unrelated (refs.go).
//
// The weights and thresholds are calibrated on the repeat benchmark's
// archives (cmd/benchrepeats); Calibrated says what the classes were worth
// there.
//
// The package is pure: no I/O, no search engine, the same input always
// gives the same output.
package repeats

import (
	"encoding/binary"
	"maps"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Report is what detection reads of one report.
type Report struct {
	ID          string
	Start       time.Time
	Services    []string // canonical names
	Causes      []string
	Trigger     string
	FailureMode string
	RepeatOf    []string // ids the report itself says it repeats
	Related     []string
	Tasks       []string // its own task and its action items' tasks
	// Text is the title, impact and body as plain text, in parts read
	// one after the other (parts rather than one string, so that the
	// input holds no copy of the archive's text).
	Text []string
	// Quoted is what the body quotes as code: commands, log lines, error
	// messages. Each, without its numbers and the words that hold digits
	// (times, hosts, ids), is one term, a name: two reports quoting the
	// same error say more than two sharing its words.
	Quoted []string
	// TextSum, when not zero, stands for Text and Quoted in the report's
	// digest (ReportDigests), and must change whenever they do. A report
	// with a TextSum may leave Text and Quoted out (nil) for
	// DetectAgainLoading, which loads them only if it reads them.
	TextSum Digest
}

// Config tunes detection. The zero value is not useful; start from
// DefaultConfig.
type Config struct {
	// Top is how many candidates to keep per report.
	Top int
	// Likely and Similar are the score thresholds of the two classes: a
	// candidate at or above Likely is a "likely repeat", one at or above
	// Similar is "similar", and lower ones are dropped.
	Likely, Similar float64
	// Weights of what the failure looked like; they sum to 1. Their sum
	// is scaled by the service factor (see ServiceFloor).
	TextWeight, CauseWeight, TriggerWeight, FailureModeWeight float64
	// The service factor is ServiceFloor for two reports that share no
	// service and rises linearly to 1 as their rarity-weighted service
	// overlap reaches ServiceFull: the same failure on another service is
	// similar, not a repeat.
	ServiceFloor, ServiceFull float64
	// SecondaryShare scales the service overlap of two reports whose first
	// services, the ones that failed, differ.
	SecondaryShare float64
	// SamePrimaryOverlap is the least overlap of two reports whose first
	// services are the same, however their other services differ.
	SamePrimaryOverlap float64
	// TextScale stretches the text similarity, capped at 1: the cosine
	// of two long reports of the same failure is lower than that of two
	// short ones (see docs/repeats.md, Calibration).
	TextScale float64
	// RelatedBonus is added for a report listed in related or named in
	// the text, TaskBonus for a shared task.
	RelatedBonus, TaskBonus float64
	// KeyTerms is how many of a report's most distinctive words represent
	// it.
	KeyTerms int
	// IDFPower raises inverse document frequency to this power: above 1,
	// the sentences every report has (who was paged, when it recovered)
	// weigh less against the words of one failure.
	IDFPower float64
	// PostingBudget bounds the work of finding one report's candidates:
	// how many inverted-index entries it may read, rarest words first,
	// in the archive's index, and as many again in the index of the
	// reports that failed on its service. Where a word's postings are
	// more, the latest are read.
	PostingBudget int
	// Pool is how many of the best text matches of each index are scored
	// in full.
	Pool int
	// ServiceRecent is how many of the latest earlier reports naming each
	// of a report's services join its candidates even without shared
	// words.
	ServiceRecent int
	// ServiceUnknown is the service factor of two reports when either
	// names no service, in its metadata or its text: nothing says the
	// services differ, so the text, names and links decide.
	ServiceUnknown float64
	// NameWeight multiplies the weight of names (of alerts, hosts,
	// commands: words with digits, hyphens or camel case) against prose.
	NameWeight float64
	// Catalogue is the archive's services, to tell the names of their
	// hosts, alerts and dashboards from the words of a failure.
	Catalogue []Service
}

// DefaultConfig is tuned on the synthetic archive's planted repeats (see
// the repeats benchmark).
func DefaultConfig() Config {
	return Config{
		Top:                5,
		Likely:             0.5,
		Similar:            0.2,
		TextWeight:         0.8,
		CauseWeight:        0.1,
		TriggerWeight:      0.05,
		FailureModeWeight:  0.05,
		ServiceFloor:       0.3,
		ServiceFull:        0.5,
		SecondaryShare:     0.5,
		SamePrimaryOverlap: 0.8,
		KeyTerms:           40,
		IDFPower:           1,
		PostingBudget:      2000,
		Pool:               25,
		ServiceRecent:      10,
		ServiceUnknown:     0.5,
		RelatedBonus:       0.15,
		TextScale:          1.8,
		TaskBonus:          0.1,
		NameWeight:         1,
	}
}

// Candidate is an earlier report that the report may repeat.
type Candidate struct {
	ID     string  `json:"id"`
	Score  float64 `json:"score"`
	Likely bool    `json:"likely"`
	Why    Reasons `json:"reasons"`
}

// Reasons are the evidence behind a score, signal by signal.
type Reasons struct {
	Text float64 `json:"text"` // cosine similarity, 0–1
	// TextScore is the text's share of the score: Text stretched by
	// Config.TextScale, at most 1.
	TextScore  float64  `json:"text_score"`
	Terms      []string `json:"terms,omitempty"` // the shared words that weigh most
	Services   []string `json:"services,omitempty"`
	ServiceSim float64  `json:"service_similarity"` // rarity-weighted overlap, 0–1
	// SamePrimary: both reports name the same service first, as the one
	// that failed.
	SamePrimary bool `json:"same_primary_service"`
	// ServiceFactor scales the rest of the score: see Config.ServiceFloor.
	ServiceFactor float64 `json:"service_factor"`
	// NoServices: one of the reports names no service, in its metadata
	// or its text, and the service factor is Config.ServiceUnknown.
	NoServices bool `json:"no_services,omitempty"`
	// Bonus is what the links added to the score (Config.RelatedBonus,
	// Config.TaskBonus).
	Bonus       float64  `json:"bonus,omitempty"`
	Causes      []string `json:"causes,omitempty"`
	Trigger     string   `json:"trigger,omitempty"`
	FailureMode string   `json:"failure_mode,omitempty"`
	Link        string   `json:"link,omitempty"` // "repeat_of", "related" or "task T123"
	// Tasks are the task ids both reports name, in their metadata or
	// prose.
	Tasks []string `json:"tasks,omitempty"`
	// Reference is what one report's text says of the other, when it
	// names it: "names" (no more said), "same" (the same failure, or like
	// it), "unrelated" (it is not), or "day" (it names the day the other
	// started, in a sentence saying it was the same).
	Reference string `json:"reference,omitempty"`
	// Phrase is the words that gave the reference its stance, such as
	// "previous incarnation" or "unrelated".
	Phrase string `json:"phrase,omitempty"`
	// ReferenceBack: the earlier report's text names this one (an
	// update to it, say), rather than this one's naming it.
	ReferenceBack bool `json:"reference_back,omitempty"`
	// Raised says why the score was raised to the likely threshold:
	// "linked" (a link between reports on the same service) or "said"
	// (the text says it was the same); "" when it was not.
	Raised string `json:"raised,omitempty"`
	// ServiceWords are, for a report without services in its metadata,
	// the words of its text that named the service used in their place
	// (host names such as sessionstore1001, alert and dashboard names):
	// this report's, then the earlier one's.
	ServiceWords        []string `json:"service_words,omitempty"`
	EarlierServiceWords []string `json:"earlier_service_words,omitempty"`
}

// Unrelated reports whether one of the two reports names the other only
// to say that it is not the same failure. Such a candidate is never a
// likely repeat, whatever its score.
func (w Reasons) Unrelated() bool { return w.Reference == "unrelated" }

// Detect returns, for each report (in the order given), its candidates,
// best first. Only reports that started earlier are candidates. It uses
// every CPU; the result does not depend on how many.
func Detect(reports []Report, cfg Config) [][]Candidate {
	return detect(newDetector(reports, cfg))
}

// DetectReleasing is Detect, dropping each report's Text and Quoted from
// reports once read, as DetectAgainLoading does.
func DetectReleasing(reports []Report, cfg Config) [][]Candidate {
	return detect(newDetectorReusing(reports, cfg, nil, nil, false, true))
}

// detect ranks every report's candidates with d.
func detect(d *detector) [][]Candidate {
	reports := d.reports
	out := make([][]Candidate, len(reports))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := &scratch{acc: make([]float32, len(reports)), seen: make([]int32, len(reports)), hit: make([]int32, len(reports))}
			for i := w; i < len(reports); i += workers {
				out[i] = d.candidates(i, sc)
			}
		}()
	}
	wg.Wait()
	return out
}

type weightedTerm struct {
	term   int32
	weight float32
}

type posting struct {
	doc    int32 // chronological position
	weight float32
}

// termPostings is a small inverted index: its postings sorted by term,
// then chronologically, with each posting's term beside it.
type termPostings struct {
	terms []int32
	posts []posting
}

// of returns the postings of term, chronologically; none from a nil
// index.
func (x *termPostings) of(term int32) []posting {
	if x == nil {
		return nil
	}
	lo, _ := slices.BinarySearch(x.terms, term)
	hi := lo
	for hi < len(x.terms) && x.terms[hi] == term {
		hi++
	}
	return x.posts[lo:hi]
}

type detector struct {
	cfg     Config
	reports []Report
	order   []int // report index by chronological position
	pos     []int // chronological position by report index
	vectors [][]weightedTerm
	terms   []string // term id → stem
	words   []string // term id → the word shown for it
	index   [][]posting
	// services
	serviceDocs map[string][]int32 // service → chronological positions
	serviceIDF  map[string]float64
	services    [][]string // each report's services, without duplicates, failed one first
	// serviceIndex is the inverted index of each service's own reports,
	// those that name it first (as the one that failed): by service,
	// postings sorted by term, then chronologically.
	serviceIndex map[string]*termPostings
	serviceW     [][]float64 // their rarity weights
	causes       [][]string  // each report's causes, without duplicates
	cat          *catalogue
	// textServices are the services each report's text names, most
	// named first (a mention in the title counts three times).
	textServices [][]string
	// serviceWords are the words that named textServices[i][0], for the
	// reports whose metadata names no service.
	serviceWords [][]string
	// refs are the other reports each report's text names.
	refs [][]reference
	// looks are, with track set, the hashes of what each report's text
	// looked up in the referrer (refScanner.looks, packedLooks).
	looks    [][]byte
	namedBy  [][]int // the reports whose text names each report
	referrer *referrer
	byID     map[string]int
	tasks    map[string][]int // task → report indexes
	// With track set, the detector keeps what reading the reports gave
	// (see keepTokens): every word's stem (vocab), the forms of the
	// terms, and each report's terms.
	track bool
	// releaseText drops each report's Text once read (see
	// newDetectorReusing).
	releaseText bool
	read        int // how many reports' texts were read
	vocab       []string
	forms       *formTable
	tokTerms    [][]byte
}

// termCount is how many times a report has a term.
type termCount struct{ term, count int32 }

func newDetector(reports []Report, cfg Config) *detector {
	return newDetectorReusing(reports, cfg, nil, nil, false, false)
}

// newDetectorReusing is newDetector, taking what reuse holds of the
// reports it has read before (see tokenReuse) and the reports' referrer
// when the caller has made it (nil: it makes it); with track set it keeps
// what the next run needs to reuse this one's (see keepTokens). With
// releaseText set, each report's Text and Quoted are set to nil in
// reports once the report has been read (or its reading reused): nothing
// after reads them.
func newDetectorReusing(reports []Report, cfg Config, reuse *tokenReuse, ref *referrer, track, releaseText bool) *detector {
	d := &detector{cfg: cfg, reports: reports, byID: map[string]int{}, tasks: map[string][]int{}, track: track, releaseText: releaseText}
	n := len(reports)
	d.order = make([]int, n)
	for i := range d.order {
		d.order[i] = i
	}
	sort.SliceStable(d.order, func(a, b int) bool {
		ra, rb := &reports[d.order[a]], &reports[d.order[b]]
		if !ra.Start.Equal(rb.Start) {
			return ra.Start.Before(rb.Start)
		}
		return ra.ID < rb.ID
	})
	d.pos = make([]int, n)
	for p, i := range d.order {
		d.pos[i] = p
	}
	for i, r := range reports {
		d.byID[r.ID] = i
		for _, t := range r.Tasks {
			d.tasks[t] = append(d.tasks[t], i)
		}
	}
	d.cat = newCatalogue(cfg.Catalogue, reports)
	if ref == nil {
		ref = newReferrer(reports)
	}
	d.referrer = ref
	d.buildVectors(reuse)
	d.namedBy = make([][]int, n)
	for i, refs := range d.refs {
		for _, ref := range refs {
			d.namedBy[ref.doc] = append(d.namedBy[ref.doc], i)
		}
	}
	d.buildServices()
	return d
}

// buildVectors turns each report's text into its KeyTerms most
// distinctive words, weighted by TF-IDF and normalised, and indexes them.
// The texts are read once, on every CPU, each worker with a tokenizer of
// its own; a report's words are kept as compact term counts until every
// report is read and the document frequencies are known. The reports
// that reuse has read already (DetectAgain) are not read again: their
// term counts, and what else reading gave, are taken from it.
func (d *detector) buildVectors(reuse *tokenReuse) {
	n := len(d.reports)
	workers := min(runtime.GOMAXPROCS(0), max(1, n))
	counted := make([][]termCount, n) // by report: in its worker's term ids, then the archive's
	var formsOf [][]int32             // with d.track: by report, aligned with counted: its forms
	if d.track {
		formsOf = make([][]int32, n)
	}
	toks := make([]*tokenizer, workers)
	dfs := make([][]int32, workers) // by worker, by its term id
	d.textServices = make([][]string, n)
	d.serviceWords = make([][]string, n)
	d.refs = make([][]reference, n)
	if d.track {
		d.looks = make([][]byte, n)
	}
	fresh := func(i int) bool { return reuse == nil || reuse.from[i] < 0 }
	for i := range n {
		if fresh(i) {
			d.read++
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := newTokenizer(d.cat)
			tok.track = d.track
			toks[w] = tok
			var counts []int32
			var touched []int32
			for i := w; i < n; i += workers {
				if !fresh(i) {
					if d.releaseText {
						d.reports[i].Text, d.reports[i].Quoted = nil, nil
					}
					continue
				}
				refs := d.referrer.scanner(i)
				refs.track = d.track
				ids := tok.termsScanning(d.reports[i].Text, refs)
				d.refs[i] = refs.out
				if d.track {
					d.looks[i] = packedLooks(refs.looks)
				}
				for _, q := range d.reports[i].Quoted {
					if key, shown, ok := quotedTerm(q); ok {
						id := tok.intern(key, shown, true)
						ids = append(ids, id)
						if tok.track {
							tok.note(id, shown, true)
						}
					}
				}
				if d.releaseText {
					d.reports[i].Text, d.reports[i].Quoted = nil, nil
				}
				tok.buf = ids
				for _, id := range ids {
					if int(id) >= len(counts) {
						counts = append(counts, make([]int32, int(id)+1-len(counts)+1024)...)
					}
					if counts[id] == 0 {
						touched = append(touched, id)
					}
					counts[id]++
				}
				if len(dfs[w]) < len(counts) {
					dfs[w] = append(dfs[w], make([]int32, len(counts)-len(dfs[w]))...)
				}
				list := make([]termCount, len(touched))
				for k, id := range touched {
					list[k] = termCount{id, counts[id]}
					dfs[w][id]++
					counts[id] = 0
				}
				if tok.track {
					fk := make([]int32, len(touched))
					for k, id := range touched {
						fk[k] = tok.formOf(id)
					}
					formsOf[i] = fk
				}
				touched = touched[:0]
				counted[i] = list
				d.textServices[i] = d.servicesNamed(tok.mentions)
				if len(d.reports[i].Services) == 0 && len(d.textServices[i]) > 0 {
					d.serviceWords[i] = wordsNaming(tok.mentions, d.cat.ids[d.textServices[i][0]])
				}
			}
		}()
	}
	wg.Wait()

	// The archive's terms: the words of at least two reports (a word in
	// one cannot link two), in word order, so that ties between equal
	// weights fall the same way on every run. The workers' vocabularies
	// are merged first, one map lookup per word and worker, then those of
	// the reports reuse holds, one per word.
	merged := map[string]int32{}
	var stems, shown []string
	var df []int32
	var name, has []bool
	stem := func(s string) int32 {
		m, ok := merged[s]
		if !ok {
			m = int32(len(stems))
			merged[s] = m
			stems, shown, df, name, has = append(stems, s), append(shown, ""), append(df, 0), append(name, false), append(has, false)
		}
		return m
	}
	// show notes that a report shows term m as shown, a name or not.
	show := func(m int32, s string, isName bool) {
		if !has[m] || len(s) < len(shown[m]) || len(s) == len(shown[m]) && s < shown[m] {
			shown[m], has[m] = s, true
		}
		name[m] = name[m] || isName
	}
	local := make([][]int32, workers) // by worker: its term id → the merged one
	for w, tok := range toks {
		local[w] = make([]int32, len(tok.stems))
		for id, s := range tok.stems {
			m := stem(s)
			local[w][id] = m
			if id < len(dfs[w]) {
				df[m] += dfs[w][id]
			}
			show(m, tok.surface[id], tok.names[id])
		}
	}
	var forms *formTable
	if d.track {
		forms = newFormTable()
	}
	for i := range n {
		if !fresh(i) {
			continue
		}
		w := i % workers
		for k := range counted[i] {
			id := counted[i][k].term
			counted[i][k].term = local[w][id]
			if forms != nil {
				f := toks[w].forms[id][formsOf[i][k]]
				formsOf[i][k] = forms.index(local[w][id], f)
			}
		}
	}
	if reuse != nil {
		k := reuse.k
		// An old form's merged term and form, -1 until one of the
		// reports uses it.
		oldTerm := make([]int32, len(k.FormShown))
		oldForm := make([]int32, len(k.FormShown))
		for f := range oldTerm {
			oldTerm[f], oldForm[f] = -1, -1
		}
		for i := range n {
			if fresh(i) {
				continue
			}
			o := int(reuse.from[i])
			lo, hi := runOf(k.TokEnds, o)
			rec := k.TokTerms[lo:hi]
			// Two varints a term, and a byte below 0x80 ends each.
			varints := 0
			for _, c := range rec {
				if c < 0x80 {
					varints++
				}
			}
			counted[i] = make([]termCount, 0, varints/2)
			if forms != nil {
				formsOf[i] = make([]int32, 0, varints/2)
			}
			for p := 0; p < len(rec); {
				f, a := binary.Uvarint(rec[p:])
				c, b := binary.Uvarint(rec[p+a:])
				p += a + b
				m := oldTerm[f]
				if m < 0 {
					m = stem(k.Vocab[i32At(k.FormStems, int(f))])
					oldTerm[f] = m
					fm := form{k.FormShown[f], k.FormNames[f] != 0}
					show(m, fm.shown, fm.name)
					if forms != nil {
						oldForm[f] = forms.index(m, fm)
					}
				}
				df[m]++
				counted[i] = append(counted[i], termCount{m, int32(c)})
				if forms != nil {
					formsOf[i] = append(formsOf[i], oldForm[f])
				}
			}
			d.refs[i], _ = k.references(o, d.byID) // found: see newTokenReuse
			if d.looks != nil {
				lo, hi := runOf(k.TokLookEnds, o)
				d.looks[i] = k.TokLooks[4*lo : 4*hi]
			}
			d.textServices[i] = runStrings(k.TextServices, k.TextServiceEnds, o)
			d.serviceWords[i] = runStrings(k.ServiceWords, k.ServiceWordEnds, o)
		}
	}
	if forms != nil {
		d.vocab, d.forms = stems, forms
	}
	merged = nil
	var kept []int32
	for m, c := range df {
		if c >= 2 {
			kept = append(kept, int32(m))
		}
	}
	slices.SortFunc(kept, func(a, b int32) int { return strings.Compare(stems[a], stems[b]) })
	rank := make([]int32, len(stems)) // merged id → the archive's, or -1
	for m := range rank {
		rank[m] = -1
	}
	d.terms = make([]string, len(kept))
	d.words = make([]string, len(kept))
	idf := make([]float32, len(kept))
	for k, m := range kept {
		rank[m] = int32(k)
		d.terms[k], d.words[k] = stems[m], shown[m]
		idf[k] = float32(math.Pow(steady(math.Log(float64(n+1)/float64(df[m]))), d.cfg.IDFPower))
		if name[m] {
			idf[k] *= float32(d.cfg.NameWeight)
		}
	}
	toks, dfs = nil, nil

	// Each report's weighted terms, more than the key terms for now: some
	// may turn out to be names of the report's service (see
	// serviceMarkers).
	d.vectors = make([][]weightedTerm, n)
	if d.track {
		d.tokTerms = make([][]byte, n)
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				v := make([]weightedTerm, 0, len(counted[i]))
				for _, tc := range counted[i] {
					if g := rank[tc.term]; g >= 0 {
						v = append(v, weightedTerm{g, termFrequency(tc.count) * idf[g]})
					}
				}
				if d.track {
					d.tokTerms[i] = appendTermCounts(nil, counted[i], formsOf[i])
					formsOf[i] = nil
				}
				counted[i] = nil
				// The heaviest, in no order: keyTerms orders them.
				if keep := d.cfg.KeyTerms * 3 / 2; len(v) > keep {
					selectHeaviest(v, keep)
					v = append([]weightedTerm(nil), v[:keep]...) // let the rest go
				}
				d.vectors[i] = v
			}
		}()
	}
	wg.Wait()
	d.primaryServices()
	marker := d.serviceMarkers()
	// Each report's key terms, on every CPU: a report's are its own work.
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				d.vectors[i] = d.keyTerms(d.vectors[i], marker)
			}
		})
	}
	wg.Wait()
	d.index = make([][]posting, len(d.terms))
	for p, i := range d.order {
		for _, wt := range d.vectors[i] {
			d.index[wt.term] = append(d.index[wt.term], posting{int32(p), wt.weight})
		}
	}
}

// frequencies are termFrequency's of the counts most terms have.
var frequencies = func() (t [256]float32) {
	for c := 1; c < len(t); c++ {
		t[c] = float32(1 + math.Log(float64(c)))
	}
	return t
}()

// termFrequency is the weight of a term a report has count times: 1 +
// its log, sublinear, so that a long report is not diluted by its length.
func termFrequency(count int32) float32 {
	if count > 0 && int(count) < len(frequencies) {
		return frequencies[count]
	}
	return float32(1 + math.Log(float64(count)))
}

// heavier orders weighted terms: the heavier first, then the lower term.
func heavier(a, b weightedTerm) bool {
	if a.weight != b.weight {
		return a.weight > b.weight
	}
	return a.term < b.term
}

// selectHeaviest moves the k heaviest of v's terms (by heavier, a total
// order when no term is there twice) to v[:k], in no order: the work of
// a sort of the k, not of all of v.
func selectHeaviest(v []weightedTerm, k int) {
	lo, hi := 0, len(v) // v[:lo] are among the k heaviest, v[hi:] are not
	for lo < k && k < hi {
		// The median of three as the pivot, moved to the end.
		mid := lo + (hi-lo)/2
		if heavier(v[mid], v[lo]) {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if heavier(v[hi-1], v[lo]) {
			v[hi-1], v[lo] = v[lo], v[hi-1]
		}
		if heavier(v[mid], v[hi-1]) {
			v[mid], v[hi-1] = v[hi-1], v[mid]
		}
		pivot := v[hi-1]
		at := lo
		for x := lo; x < hi-1; x++ {
			if heavier(v[x], pivot) {
				v[x], v[at] = v[at], v[x]
				at++
			}
		}
		v[at], v[hi-1] = v[hi-1], v[at]
		// v[lo:at] are heavier than the pivot, now at v[at].
		switch {
		case at+1 <= k:
			lo = at + 1
		default:
			hi = at
		}
	}
}

// keyTerms weighs v's terms by marker, keeps the KeyTerms heaviest and
// normalises them, sorted by term.
func (d *detector) keyTerms(v []weightedTerm, marker []float32) []weightedTerm {
	for k := range v {
		v[k].weight *= marker[v[k].term]
	}
	slices.SortFunc(v, func(a, b weightedTerm) int {
		if a.weight != b.weight {
			if a.weight > b.weight {
				return -1
			}
			return 1
		}
		return int(a.term - b.term)
	})
	v = v[:min(len(v), d.cfg.KeyTerms)]
	var norm float64
	for _, wt := range v {
		norm += float64(wt.weight) * float64(wt.weight)
	}
	norm = math.Sqrt(norm)
	for k := range v {
		v[k].weight = float32(float64(v[k].weight) / norm)
	}
	slices.SortFunc(v, func(a, b weightedTerm) int { return int(a.term - b.term) })
	return slices.Clip(v)
}

// servicesNamed are the services that mentions name, most named first; a
// mention in the title, the first text, counts three times.
func (d *detector) servicesNamed(mentions []mention) []string {
	if len(mentions) == 0 {
		return nil
	}
	count := map[int32]int{}
	var order []int32
	for _, m := range mentions {
		if _, ok := count[m.svc]; !ok {
			order = append(order, m.svc)
		}
		if m.part == 0 {
			count[m.svc] += 3
		} else {
			count[m.svc]++
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int { return count[b] - count[a] })
	out := make([]string, len(order))
	for k, s := range order {
		out[k] = d.cat.names[s]
	}
	return out
}

// wordsNaming are the first three distinct words of mentions that name
// svc.
func wordsNaming(mentions []mention, svc int32) []string {
	var out []string
	for _, m := range mentions {
		if m.svc == svc && !slices.Contains(out, m.word) {
			out = append(out, m.word)
			if len(out) == 3 {
				break
			}
		}
	}
	return out
}

// primaryServices sets each report's services: those of its metadata,
// or else the one its text names most.
func (d *detector) primaryServices() {
	d.services = make([][]string, len(d.reports))
	for i, r := range d.reports {
		d.services[i] = uniq(r.Services)
		if len(d.services[i]) == 0 && len(d.textServices[i]) > 0 {
			d.services[i] = d.textServices[i][:1]
		}
	}
}

// serviceMarkers finds the words that mark a service rather than a
// failure: a dashboard's id, a host name no pattern matches, the team
// that runs it. Such a word is among the key terms of most reports on its
// service and of few others; it would make every report on the service
// look like a repeat of every other. A word that a few of the service's
// reports share, as a repeat's error string is, stays. It returns each
// term's weight multiplier, 1 for a word that marks no service, and for
// a marker 1 − (the share of the service's reports
// that have it) × (the share of its reports that are on the service), at
// least minMarkerWeight.
func (d *detector) serviceMarkers() []float32 {
	const minMarkerDocs = 2
	const minMarkerWeight = 0.2
	svcID := map[string]uint64{}
	var svcDocs []int32
	termDocs := make([]int32, len(d.terms))
	// Each (term, service) pair once per report that has both, as one
	// number, sorted and counted in runs: far cheaper than a map. Sized
	// first: grown as it was filled, the list (millions of pairs at
	// 100,000 reports) was most of the time spent here.
	size := 0
	for i, v := range d.vectors {
		if len(d.services[i]) > 0 {
			size += len(v)
		}
	}
	pairs := make([]uint64, 0, size)
	for i, v := range d.vectors {
		if len(d.services[i]) == 0 {
			continue
		}
		name := d.services[i][0]
		id, ok := svcID[name]
		if !ok {
			id = uint64(len(svcID))
			svcID[name] = id
			svcDocs = append(svcDocs, 0)
		}
		svcDocs[id]++
		for _, wt := range v {
			termDocs[wt.term]++
			pairs = append(pairs, uint64(wt.term)<<32|id)
		}
	}
	pairs = sortSplit(pairs, runtime.GOMAXPROCS(0))
	out := make([]float32, len(d.terms))
	for k := range out {
		out[k] = 1
	}
	for k := 0; k < len(pairs); {
		run := k + 1
		for run < len(pairs) && pairs[run] == pairs[k] {
			run++
		}
		c, term, docs := int32(run-k), int32(pairs[k]>>32), svcDocs[pairs[k]&(1<<32-1)]
		k = run
		if c < 2 || docs < minMarkerDocs {
			continue
		}
		// The share of the service's reports, counted as if one more
		// report without the word were on it: two reports alone on a
		// service, a repeat and its original, keep some of the words
		// they share.
		m := max(minMarkerWeight, float32(steady(float64(1-float32(c)/float32(docs+1)*float32(c)/float32(termDocs[term])))))
		out[term] = min(out[term], m)
	}
	return out
}

// radixSort sorts s a byte at a time, from the lowest, skipping the
// bytes that all of s share: several times faster than a comparison sort
// on the millions of (term, service) pairs of a large archive.
func radixSort(s []uint64) {
	if len(s) < 1<<12 {
		slices.Sort(s)
		return
	}
	src, dst := s, make([]uint64, len(s))
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for _, v := range src {
			count[v>>shift&0xff]++
		}
		if count[src[0]>>shift&0xff] == len(src) {
			continue // the same byte in every value
		}
		at := 0
		for b, c := range count {
			count[b] = at
			at += c
		}
		for _, v := range src {
			b := v >> shift & 0xff
			dst[count[b]] = v
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

// sortSplit sorts s in parts, one per worker at once, and merges them.
func sortSplit(s []uint64, workers int) []uint64 {
	if workers < 2 || len(s) < 1<<16 {
		radixSort(s)
		return s
	}
	size := (len(s) + workers - 1) / workers
	var parts [][]uint64
	for lo := 0; lo < len(s); lo += size {
		parts = append(parts, s[lo:min(lo+size, len(s))])
	}
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Go(func() { radixSort(p) })
	}
	wg.Wait()
	out := make([]uint64, 0, len(s))
	for len(parts) > 1 {
		a, b := parts[0], parts[1]
		out = out[:0]
		for len(a) > 0 && len(b) > 0 {
			if a[0] <= b[0] {
				out, a = append(out, a[0]), a[1:]
			} else {
				out, b = append(out, b[0]), b[1:]
			}
		}
		out = append(append(out, a...), b...)
		merged := append([]uint64(nil), out...)
		parts = append([][]uint64{merged}, parts[2:]...)
	}
	return parts[0]
}

func (d *detector) buildServices() {
	d.serviceDocs = map[string][]int32{}
	for p, i := range d.order {
		for _, s := range d.services[i] {
			d.serviceDocs[s] = append(d.serviceDocs[s], int32(p))
		}
	}
	n := float64(len(d.reports))
	d.serviceIDF = map[string]float64{}
	for s, docs := range d.serviceDocs {
		d.serviceIDF[s] = steady(math.Log((n + 1) / float64(len(docs))))
	}
	// Each service's own reports, chronologically, by position; then
	// each service's index built from its reports' vectors, on every CPU
	// (they are independent). A worker holds one service's postings
	// unsorted at a time: at 100,000 reports, every service's held at
	// once were 89 MB beside the indexes made of them.
	reportsOf := map[string][]int32{}
	for p, i := range d.order {
		if len(d.services[i]) > 0 {
			s := d.services[i][0]
			reportsOf[s] = append(reportsOf[s], int32(p))
		}
	}
	type servicePosting struct {
		term int32
		posting
	}
	names := slices.Collect(maps.Keys(reportsOf))
	built := make([]*termPostings, len(names))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var list []servicePosting
			for k := w; k < len(names); k += workers {
				list = list[:0]
				for _, p := range reportsOf[names[k]] {
					for _, wt := range d.vectors[d.order[p]] {
						list = append(list, servicePosting{wt.term, posting{p, wt.weight}})
					}
				}
				// Chronological already: sorted by term, the order within
				// a term stays.
				slices.SortStableFunc(list, func(a, b servicePosting) int { return int(a.term - b.term) })
				x := &termPostings{terms: make([]int32, len(list)), posts: make([]posting, len(list))}
				for j, sp := range list {
					x.terms[j], x.posts[j] = sp.term, sp.posting
				}
				built[k] = x
			}
		})
	}
	wg.Wait()
	d.serviceIndex = make(map[string]*termPostings, len(names))
	for k, s := range names {
		d.serviceIndex[s] = built[k]
	}
	d.serviceW = make([][]float64, len(d.reports))
	d.causes = make([][]string, len(d.reports))
	for i, r := range d.reports {
		if len(d.services[i]) > 0 {
			w := make([]float64, len(d.services[i]))
			for k, s := range d.services[i] {
				w[k] = d.serviceIDF[s]
			}
			d.serviceW[i] = w
		}
		d.causes[i] = uniq(r.Causes)
	}
}

// statisticStep is the step the archive's statistics are rounded to: a
// word's and a service's rarity, and the weight of a word that marks a
// service. Rounded, most edits leave them as they were: a report with one
// more word changes that word's document frequency by one, which moves its
// rarity by far less than a step unless the word is in few reports. The
// other reports' vectors then stay the same, and so do their lists (see
// DetectAgain).
const statisticStep = 1.0 / 32

// steady rounds x to statisticStep.
func steady(x float64) float64 { return math.Round(x/statisticStep) * statisticStep }

// gather adds to acc, for each term of q in turn, its weight times the
// weight of each of its postings (postingsOf) before position p, the
// latest first when the budget of postings left cannot take them all,
// until the budget is spent. Each report counted is stamped in hit and
// appended to touched once; it returns touched. When read is not nil, it
// sets read[k] to how many postings of q[k] it read.
func gather(q []weightedTerm, budget int, postingsOf func(term int32) []posting, p int32, acc []float32, hit []int32, stamp int32, touched []int32, read []int32) []int32 {
	for k := range read {
		read[k] = 0
	}
	for k, wt := range q {
		list := postingsOf(wt.term)
		end := sort.Search(len(list), func(k int) bool { return list[k].doc >= p })
		// Keep the most recent postings: recurrences cluster in time.
		list = list[max(0, end-budget):end]
		for _, post := range list {
			if hit[post.doc] != stamp {
				hit[post.doc] = stamp
				touched = append(touched, post.doc)
			}
			acc[post.doc] += wt.weight * post.weight
		}
		if read != nil {
			read[k] = int32(len(list))
		}
		budget -= len(list)
		if budget <= 0 {
			break
		}
	}
	return touched
}

// scratch is one worker's working memory, reused from report to report.
type scratch struct {
	acc     []float32 // per report: text score so far; all zero between calls
	seen    []int32   // per report: i+1 once a candidate of report i
	hit     []int32   // per report: i+1 (-(i+1) within its service) once its text score for report i is counted
	touched []int32
	pool    []int32
	best    []int32
	out     []Candidate
	// With reads set, pool sets q to the report's key terms in the order
	// it read them, and read to how many postings of each it read in the
	// archive's index (read[k][0]) and its service's (read[k][1]).
	reads bool
	q     []weightedTerm
	read  [2][]int32
}

// candidates finds and scores report i's candidates.
func (d *detector) candidates(i int, sc *scratch) []Candidate {
	return d.rank(i, d.pool(i, sc), sc)
}

// pool returns the earlier reports, by chronological position, that
// report i is scored against: its best text matches, the latest reports on
// its services and the reports linked to it. The slice is sc's, reused by
// the next call. Which reports it holds decides report i's candidates;
// their order does not (see rank).
func (d *detector) pool(i int, sc *scratch) []int32 {
	acc, seen := sc.acc, sc.seen
	mark := int32(i + 1)
	p := int32(d.pos[i])
	if p == 0 {
		return nil
	}
	// Text: accumulate dot products over the postings of i's key terms,
	// rarest first, within the budget; only earlier reports count.
	touched := sc.touched[:0]
	defer func() { sc.touched = touched[:0] }()
	q := append(sc.q[:0], d.vectors[i]...)
	sc.q = q
	var readA, readS []int32
	if sc.reads {
		for k := range sc.read {
			sc.read[k] = slices.Grow(sc.read[k][:0], len(q))[:len(q)]
			clear(sc.read[k])
		}
		readA, readS = sc.read[0], sc.read[1]
	}
	slices.SortFunc(q, func(a, b weightedTerm) int {
		la, lb := len(d.index[a.term]), len(d.index[b.term])
		if la != lb {
			return la - lb
		}
		return int(a.term - b.term)
	})
	touched = gather(q, d.cfg.PostingBudget, func(term int32) []posting { return d.index[term] }, p, acc, sc.hit, mark, touched, readA)
	pool := bestN(touched, acc, d.cfg.Pool, sc.pool[:0])
	defer func() { sc.pool = pool }()
	for _, doc := range touched {
		acc[doc] = 0
	}
	for _, doc := range pool {
		seen[doc] = mark
	}
	// The same within the reports that failed on this one's failed
	// service, where a recurrence years apart is not crowded out: in a
	// large archive, the budget above reads only the latest postings of
	// the common words.
	if len(d.services[i]) > 0 {
		touched = gather(q, d.cfg.PostingBudget, d.serviceIndex[d.services[i][0]].of, p, acc, sc.hit, -mark, touched[:0], readS)
		best := bestN(touched, acc, d.cfg.Pool, sc.best[:0])
		for _, doc := range touched {
			acc[doc] = 0
		}
		for _, doc := range best {
			if seen[doc] != mark {
				seen[doc] = mark
				pool = append(pool, doc)
			}
		}
		sc.best = best[:0]
	}
	// The latest reports on the same services, and explicit links, bring
	// candidates the words missed.
	r := &d.reports[i]
	for _, s := range d.services[i] {
		docs := d.serviceDocs[s]
		end := sort.Search(len(docs), func(k int) bool { return docs[k] >= p })
		for _, doc := range docs[max(0, end-d.cfg.ServiceRecent):end] {
			if seen[doc] != mark {
				seen[doc] = mark
				pool = append(pool, doc)
			}
		}
	}
	for _, id := range append(slices.Clone(r.RepeatOf), r.Related...) {
		if j, ok := d.byID[id]; ok && int32(d.pos[j]) < p && seen[int32(d.pos[j])] != mark {
			seen[int32(d.pos[j])] = mark
			pool = append(pool, int32(d.pos[j]))
		}
	}
	// Reports this one's text names, and earlier reports whose text
	// names this one.
	for _, ref := range d.refs[i] {
		if doc := int32(d.pos[ref.doc]); doc < p && seen[doc] != mark {
			seen[doc] = mark
			pool = append(pool, doc)
		}
	}
	for _, j := range d.namedBy[i] {
		if doc := int32(d.pos[j]); doc < p && seen[doc] != mark {
			seen[doc] = mark
			pool = append(pool, doc)
		}
	}
	for _, t := range r.Tasks {
		for _, j := range d.tasks[t] {
			if doc := int32(d.pos[j]); doc < p && seen[doc] != mark {
				seen[doc] = mark
				pool = append(pool, doc)
			}
		}
	}
	return pool
}

// rank scores report i against the reports of its pool and returns the
// best, best first, in a slice of their own. The order is total (no two
// candidates have the same id), so the pool's order does not change it.
func (d *detector) rank(i int, pool []int32, sc *scratch) []Candidate {
	out := sc.out[:0]
	defer func() { sc.out = out[:0] }()
	for _, doc := range pool {
		j := d.order[doc]
		c := d.score(i, j, false)
		if c.Score >= d.cfg.Similar {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		// Candidates called unrelated last: they are shown as such.
		if ua, ub := a.Why.Unrelated(), b.Why.Unrelated(); ua != ub {
			if ua {
				return 1
			}
			return -1
		}
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(b.ID, a.ID) // the later id first
	})
	if len(out) > d.cfg.Top {
		out = out[:d.cfg.Top]
	}
	if len(out) == 0 {
		return nil
	}
	// A slice of its own: out is reused for the next report.
	kept := make([]Candidate, len(out))
	for k := range out {
		j := d.byID[out[k].ID]
		kept[k] = d.score(i, j, true)
		kept[k].Why.Terms = d.sharedTerms(i, j)
	}
	return kept
}

// bestN returns the n documents with the highest acc, best first (ties:
// the later document first), in heap, an empty slice to reuse.
func bestN(docs []int32, acc []float32, n int, heap []int32) []int32 {
	better := func(a, b int32) bool {
		if acc[a] != acc[b] {
			return acc[a] > acc[b]
		}
		return a > b
	}
	// A min-heap of the best n seen so far: its root is the worst of them.
	down := func(k int) {
		for {
			l, small := 2*k+1, k
			if l < len(heap) && better(heap[small], heap[l]) {
				small = l
			}
			if r := l + 1; r < len(heap) && better(heap[small], heap[r]) {
				small = r
			}
			if small == k {
				return
			}
			heap[k], heap[small] = heap[small], heap[k]
			k = small
		}
	}
	for _, doc := range docs {
		switch {
		case len(heap) < n:
			heap = append(heap, doc)
			for k := len(heap) - 1; k > 0; {
				parent := (k - 1) / 2
				if !better(heap[parent], heap[k]) {
					break
				}
				heap[k], heap[parent] = heap[parent], heap[k]
				k = parent
			}
		case better(doc, heap[0]):
			heap[0] = doc
			down(0)
		}
	}
	slices.SortFunc(heap, func(a, b int32) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return heap
}

// score combines the signals for report i against the earlier report j.
// With full false it leaves out the lists of shared services and causes,
// which only the candidates kept need.
func (d *detector) score(i, j int, full bool) Candidate {
	a, b := &d.reports[i], &d.reports[j]
	why := Reasons{}
	// The exact cosine and the words that carry it.
	why.Text = d.cosine(i, j)
	// Services: rarity-weighted Jaccard.
	var shared, union float64
	as, bs := d.services[i], d.services[j]
	for k, s := range as {
		union += d.serviceW[i][k]
		if slices.Contains(bs, s) {
			shared += d.serviceW[i][k]
			if full {
				why.Services = append(why.Services, s)
			}
		}
	}
	for k, s := range bs {
		if !slices.Contains(as, s) {
			union += d.serviceW[j][k]
		}
	}
	if union > 0 {
		why.ServiceSim = shared / union
	}
	// Causes: Jaccard; reports without tags neither gain nor lose.
	causeSim := 0.0
	ac, bc := d.causes[i], d.causes[j]
	if len(ac) > 0 && len(bc) > 0 {
		common := 0
		for _, c := range ac {
			if slices.Contains(bc, c) {
				common++
				if full {
					why.Causes = append(why.Causes, c)
				}
			}
		}
		causeSim = float64(common) / float64(len(ac)+len(bc)-common)
	}
	trigger, mode := 0.0, 0.0
	if a.Trigger != "" && a.Trigger == b.Trigger {
		trigger, why.Trigger = 1, a.Trigger
	}
	if a.FailureMode != "" && a.FailureMode == b.FailureMode {
		mode, why.FailureMode = 1, a.FailureMode
	}
	cfg := d.cfg
	overlap := math.Min(1, why.ServiceSim/cfg.ServiceFull)
	if len(as) > 0 && len(bs) > 0 && as[0] == bs[0] {
		why.SamePrimary = true
		overlap = math.Max(overlap, cfg.SamePrimaryOverlap)
	} else {
		overlap *= cfg.SecondaryShare
	}
	why.ServiceFactor = cfg.ServiceFloor + (1-cfg.ServiceFloor)*overlap
	if len(as) == 0 || len(bs) == 0 {
		why.NoServices = true
		why.ServiceFactor = max(why.ServiceFactor, cfg.ServiceUnknown)
	}
	why.TextScore = math.Round(min(1, cfg.TextScale*why.Text)*1000) / 1000
	score := why.ServiceFactor * (cfg.TextWeight*why.TextScore + cfg.CauseWeight*causeSim +
		cfg.TriggerWeight*trigger + cfg.FailureModeWeight*mode)
	if full {
		why.ServiceWords, why.EarlierServiceWords = d.serviceWords[i], d.serviceWords[j]
	}
	// Explicit links: what the authors wrote outranks what was inferred.
	sameService := why.ServiceSim > 0
	for _, t := range uniq(a.Tasks) {
		if slices.Contains(b.Tasks, t) {
			why.Tasks = append(why.Tasks, t)
		}
	}
	ref, back, named := d.reference(i, j)
	if named {
		why.ReferenceBack = back
		why.Reference = [...]string{Names: "names", Same: "same", Unrelated: "unrelated"}[ref.stance]
		if ref.byDate {
			why.Reference = "day"
		}
		why.Phrase = ref.phrase
	}
	// raise raises the score to the likely threshold, saying why.
	raise := func(why_ string) {
		if score < cfg.Likely {
			score, why.Raised = cfg.Likely, why_
		}
	}
	switch {
	case slices.Contains(a.RepeatOf, b.ID):
		why.Link = "repeat_of"
		score = max(score, 1)
	case why.Unrelated():
		// Shown, never as a likely repeat.
		score = min(score, cfg.Likely-0.01)
	default:
		related := slices.Contains(a.Related, b.ID) || slices.Contains(b.Related, a.ID)
		if related {
			why.Link = "related"
			why.Bonus += cfg.RelatedBonus
		} else if len(why.Tasks) > 0 {
			why.Link = "task " + why.Tasks[0]
		}
		if len(why.Tasks) > 0 {
			why.Bonus += cfg.TaskBonus
		}
		if why.Reference != "" && !related {
			// A report listed in related and named in the text is
			// linked once.
			why.Bonus += cfg.RelatedBonus
		}
		why.Bonus = math.Round(why.Bonus*1000) / 1000
		score += why.Bonus
		if why.Reference == "same" || why.Reference == "day" && !ref.shared {
			// The author says it: the same failure, or like it (by its
			// day, when no other report started that day).
			raise("said")
		}
		// A link between two reports on the same service makes a likely
		// repeat.
		if sameService && (related || why.Reference != "" || len(why.Tasks) > 0) {
			raise("linked")
		}
	}
	score = math.Min(1, score)
	score = math.Round(score*1000) / 1000
	return Candidate{ID: b.ID, Score: score, Likely: score >= cfg.Likely, Why: why}
}

// cosine is the similarity of two reports' key-term vectors.
func (d *detector) cosine(i, j int) float64 {
	a, b := d.vectors[i], d.vectors[j]
	var sum float64
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x].term < b[y].term:
			x++
		case a[x].term > b[y].term:
			y++
		default:
			sum += float64(a[x].weight) * float64(b[y].weight)
			x++
			y++
		}
	}
	return math.Min(1, math.Round(sum*1000)/1000)
}

// sharedTerms are the shared words that contribute most to the cosine of
// two reports, most first. Contributions within about 1% of each other
// (the same coarseContribution) rank by word: every report added moves
// the words' rarity, and with it every contribution a little, which would
// otherwise reorder near-equal words on thousands of pages.
func (d *detector) sharedTerms(i, j int) []string {
	a, b := d.vectors[i], d.vectors[j]
	type contrib struct {
		term int32
		w    float32
	}
	var parts []contrib
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x].term < b[y].term:
			x++
		case a[x].term > b[y].term:
			y++
		default:
			parts = append(parts, contrib{a[x].term, a[x].weight * b[y].weight})
			x++
			y++
		}
	}
	slices.SortFunc(parts, func(p, q contrib) int {
		if cp, cq := coarseContribution(p.w), coarseContribution(q.w); cp != cq {
			if cp > cq {
				return -1
			}
			return 1
		}
		return strings.Compare(d.terms[p.term], d.terms[q.term])
	})
	var words []string
	for _, p := range parts {
		if len(words) == 6 {
			break
		}
		if p.w < 0.001 {
			// A word that counts for nothing; one of the same coarse
			// share may still follow it.
			continue
		}
		words = append(words, d.words[p.term])
	}
	return words
}

// coarseContribution is a contribution to a cosine (0 or more) to about
// 1%: its float32 bits without the lowest 16 of the mantissa, whose order
// is the numbers' order.
func coarseContribution(w float32) uint32 { return math.Float32bits(w) >> 16 }

func uniq(s []string) []string {
	if len(s) < 2 {
		return s
	}
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// reference is what report i's text says of report j, or j's of i
// (back).
func (d *detector) reference(i, j int) (best reference, back, found bool) {
	for k, pair := range [2][2]int{{i, j}, {j, i}} {
		for _, ref := range d.refs[pair[0]] {
			if ref.doc == pair[1] && (!found || ref.stance > best.stance) {
				best, back, found = ref, k == 1, true
			}
		}
	}
	return best, back, found
}

// quotedTerm is the term of a quoted string: its words without the ones
// that hold digits, lowercased, behind a backquote that no word has; and
// the words shown for it. ok is false for a quote of fewer than
// minQuotedWords such words, too short to tell a failure.
func quotedTerm(q string) (key, shown string, ok bool) {
	const minQuotedWords = 3
	var b strings.Builder
	b.WriteByte('`')
	words := 0
	for _, w := range strings.Fields(q) {
		if strings.ContainsAny(w, "0123456789") {
			continue
		}
		if words > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(w))
		words++
	}
	if words < minQuotedWords {
		return "", "", false
	}
	key = b.String()
	shown = key + "`"
	if len(shown) > 60 {
		shown = strings.ToValidUTF8(shown[:58], "") + "…`"
	}
	return key, shown, true
}
