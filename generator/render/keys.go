package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// Pages kept from the last build.
//
// Most pages of a large archive show a handful of reports: a report's
// page shows the report and its neighbours (its possible repeats, the
// later reports that repeat it, its chain, the reports it links and those
// that link it, the ones just before it); a term's pages and a year's
// show that term's or year's reports. Each such page gets an input key: a
// hash of everything its layout is given, reduced to the digests of the
// report files it shows (incident.Incident.Digest; for a page that shows
// only their fields, a list's or a feed's, the digests of their front
// matter, FieldsDigest) and the facts the analysis stage found about
// them, besides Reuse.Global and the shape of the taxonomies, which every
// page depends on. When a page's key is the one the published page was
// made with, the page is kept as published (publish.Folder.Keep) instead
// of rendered: one edited report renders its own page, its neighbours',
// its lists' when its fields changed, and the pages that show the whole
// archive (home, trends, repeats, the site's feed). A taxonomy's index
// pages are keyed on their terms' counts, durations and latest dates;
// incidents.json is written again, but a report whose line keeps its key
// (modelKey: its page's key and its candidates' every figure) keeps its
// line, copied from the published file (writeModel).
//
// A key must change whenever the page would: a dependency left out shows
// a stale page. The tests build random edit sequences with and without
// the keys and compare every byte (generator's TestIncrementalBuildsMatchCold).
// Layouts of a site's own that replace a page kind's layout may show more
// than the built-in one (a term page's layout is given every term of its
// taxonomy): pages of such kinds are always rendered (Reuse.Overridden).

// PageKey is a page's input key.
type PageKey [16]byte

// Reuse says what Render may keep of the build last published.
type Reuse struct {
	// Global hashes every input outside the reports that a page may show:
	// the program, the settings, site.yaml, tasks.json, the free pages,
	// the layouts, the day the trends are computed for.
	Global string
	// Previous are the keys of the pages the destination holds, by path
	// in the site, as Stats.Keys returned them, and Published the hex
	// SHA-256 of the destination's manifest when they were (see
	// publish.Folder.ExpectPublished): if another build has published
	// since, nothing is kept.
	Previous  map[string]PageKey
	Published string
	// Overridden names the layouts (such as "term.html") that the site's
	// own layouts folder replaces.
	Overridden map[string]bool
}

// keyWriter builds a page's input key: what it is given is gathered in b
// and hashed once, at the end.
type keyWriter struct {
	b  []byte
	ok bool // false once a report without a digest was written
}

// newKey starts the key of a page of kind; done gives the key.
func (s *site) newKey(kind string) *keyWriter {
	k, _ := s.keyPool.Get().(*keyWriter)
	if k == nil {
		k = &keyWriter{b: make([]byte, 0, 4096)}
	}
	k.b, k.ok = k.b[:0], true
	k.str(kind)
	k.b = append(k.b, s.globalKey[:]...)
	return k
}

func (k *keyWriter) str(v string) {
	k.int(len(v))
	k.b = append(k.b, v...)
}

func (k *keyWriter) int(v int) {
	k.b = binary.LittleEndian.AppendUint64(k.b, uint64(v))
}

func (k *keyWriter) float(v float64) {
	k.b = binary.LittleEndian.AppendUint64(k.b, math.Float64bits(v))
}

func (k *keyWriter) bool(v bool) {
	if v {
		k.b = append(k.b, 1)
	} else {
		k.b = append(k.b, 0)
	}
}

// report writes what a page shows of in: its file, through its digest;
// nil writes a marker of its own.
func (k *keyWriter) report(in *incident.Incident) {
	if in == nil {
		k.b = append(k.b, 0xff)
		return
	}
	k.digest(in.Digest)
}

// digest writes a report's digest; a zero one, of a report not read by
// the archive's loader, leaves the page unkeyed.
func (k *keyWriter) digest(d [16]byte) {
	if d == ([16]byte{}) {
		k.ok = false
	}
	k.b = append(k.b, d[:]...)
}

func (k *keyWriter) reports(ins []*incident.Incident) {
	k.int(len(ins))
	for _, in := range ins {
		k.report(in)
	}
}

// fields writes what a page shows of in's fields, not of its body: its
// front matter and file, through its fields digest. A list's rows and a
// feed's entries show no more, so an edit to a body keeps them.
func (k *keyWriter) fields(in *incident.Incident) {
	if in == nil {
		k.b = append(k.b, 0xff)
		return
	}
	k.digest(in.FieldsDigest)
}

// fieldsOf is fields for each of ins, after their count.
func (k *keyWriter) fieldsOf(ins []*incident.Incident) {
	k.int(len(ins))
	for _, in := range ins {
		k.fields(in)
	}
}

// candidates writes possible repeats as the built-in layouts show them:
// the score to two places, as the pages, the scorecard's computed answers
// and lint print it, and the reasons in words. The similarities behind
// them move a little with every report added (the words' rarity changes):
// a page that shows the same is kept. A site whose own layout shows more
// renders its report pages (Reuse.Overridden); incidents.json, which holds
// every figure, has its own key (modelKey).
func (k *keyWriter) candidates(cs []repeats.Candidate) {
	k.int(len(cs))
	for i := range cs {
		c := &cs[i]
		k.str(c.ID)
		k.str(scoreText(c.Score))
		k.bool(c.Likely)
		k.reasons(&c.Why)
	}
}

// reasons writes the fields of w that reasonText reads, not the sentence
// it makes of them: formatting the sentence of every candidate of every
// report was a fifth of the page keys' CPU time in a warm build.
// TestKeyReasonsCoverReasonText fails when reasonText reads a field that
// reasons does not write.
func (k *keyWriter) reasons(w *repeats.Reasons) {
	k.str(w.Link)
	k.bool(w.ReferenceBack)
	k.str(w.Reference)
	k.str(w.Phrase)
	k.strs(w.Services)
	k.bool(w.SamePrimary)
	k.strs(w.ServiceWords)
	k.strs(w.EarlierServiceWords)
	k.strs(w.Causes)
	k.str(w.Trigger)
	k.str(w.FailureMode)
	k.strs(w.Terms)
	k.strs(w.Tasks)
}

func (k *keyWriter) strs(list []string) {
	k.int(len(list))
	for _, v := range list {
		k.str(v)
	}
}

// exactCandidates writes possible repeats with every figure and reason,
// as the repeat results' encoding holds them.
func (k *keyWriter) exactCandidates(cs []repeats.Candidate) {
	k.int(len(cs))
	for i := range cs {
		k.b = repeats.AppendCandidate(k.b, &cs[i])
	}
}

// value writes v, field by field: a struct of numbers, strings, booleans
// and slices of them (repeats.Reasons), whatever fields it grows.
func (k *keyWriter) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		k.str(v.String())
	case reflect.Float64, reflect.Float32:
		k.float(v.Float())
	case reflect.Bool:
		k.bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		k.int(int(v.Int()))
	case reflect.Slice:
		k.int(v.Len())
		for i := range v.Len() {
			k.value(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			k.value(v.Field(i))
		}
	default:
		// A kind a key cannot stand for: the page is always rendered.
		k.ok = false
	}
}

// done returns the key k has written, and recycles k: a site's keys
// gather hundreds of megabytes at 100,000 reports, a few kilobytes at a
// time.
func (s *site) done(k *keyWriter) (PageKey, bool) {
	var p PageKey
	sum := sha256.Sum256(k.b)
	copy(p[:], sum[:])
	ok := k.ok
	if cap(k.b) <= 1<<20 {
		s.keyPool.Put(k)
	}
	return p, ok
}

// prepareKeys computes what every key holds: Reuse.Global and the shape
// of the taxonomies (each term's name, spellings and slug, which every
// link to a term prints). The years are not in it: the lists' navigation
// and the terms' sparklines, which show them, write them into their own
// keys, so that the first report of a new year does not render every page.
func (s *site) prepareKeys() {
	r := s.opts.Reuse
	if r == nil {
		return
	}
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %q %q %d\x00", r.Global, s.opts.BaseURL, s.opts.Version, s.opts.SearchAPI, s.pageSize)
	for _, t := range s.arc.Taxonomies {
		fmt.Fprintf(h, "%q %q %q %d\x00", t.Kind, t.Title, t.Singular, len(t.Terms))
		// By slug: t.Terms is in the order of their counts, which most
		// edits change and few pages show (the taxonomy indexes, whose
		// keys hold the order of their own rows).
		terms := slices.Clone(t.Terms)
		slices.SortFunc(terms, func(a, b *archive.Term) int { return strings.Compare(a.Slug, b.Slug) })
		for _, term := range terms {
			fmt.Fprintf(h, "%q %q %q\x00", term.Slug, term.Spellings, term.Description)
		}
	}
	for _, p := range s.arc.Pages {
		fmt.Fprintf(h, "page %q %q %q\x00", p.Slug, p.Title, p.Describes)
	}
	copy(s.globalKey[:], h.Sum(nil))
	s.keys = make(map[string]PageKey)
	s.reportKeys = make([]reportKey, len(s.arc.Incidents))
}

// keyed returns j, which writes the page rel, made to keep the published
// page instead when key, which writes its inputs, gives the key the
// published page was made with. kept runs when the page is kept. layout is
// the page kind's layout file: a site that replaces it renders every page
// of the kind. Without Options.Reuse, j runs as it is.
func (s *site) keyed(rel, layout string, key func(k *keyWriter), kept func(), j job) job {
	return s.keyedBy(rel, layout, func() (PageKey, bool) {
		k := s.newKey(layout)
		k.str(rel)
		key(k)
		return s.done(k)
	}, kept, j)
}

// keying tells whether the pages of layout are keyed: a site that
// replaces it, or base.html or partials.html, which are given every page's
// data and may show anything, renders them all.
func (s *site) keying(layout string) bool {
	r := s.opts.Reuse
	return r != nil && !r.Overridden[layout] && !r.Overridden["base.html"] && !r.Overridden["partials.html"]
}

// keyedBy is keyed with the page's key computed by sum.
func (s *site) keyedBy(rel, layout string, sum func() (PageKey, bool), kept func(), j job) job {
	if !s.keying(layout) {
		return j
	}
	r := s.opts.Reuse
	return func(buf *bytes.Buffer) (string, error) {
		sum, ok := sum()
		if !ok {
			return j(buf)
		}
		s.keysMu.Lock()
		s.keys[rel] = sum
		s.keysMu.Unlock()
		if prev, found := r.Previous[rel]; found && prev == sum && s.out != nil {
			if n, ok := s.out.Keep(rel); ok {
				if kept != nil {
					kept()
				}
				s.keep(rel, n)
				return "", nil
			}
		}
		return j(buf)
	}
}

// keep counts the page rel of n bytes, kept as published.
func (s *site) keep(rel string, n int64) {
	s.bytes.Add(n)
	s.files.Add(1)
	s.kept.Add(1)
	if strings.HasSuffix(rel, ".html") && rel != "404.html" {
		s.pathsMu.Lock()
		s.htmlPaths = append(s.htmlPaths, rel)
		s.pathsMu.Unlock()
	}
}

// reportKey is the input key of a report's page, computed once for the
// page and for the report's line of incidents.json, whichever needs it
// first.
type reportKey struct {
	once sync.Once
	sum  PageKey
	ok   bool
}

// incidentPageKey is the input key of in's page at rel.
func (s *site) incidentPageKey(in *incident.Incident, rel string) (PageKey, bool) {
	compute := func() (PageKey, bool) {
		k := s.newKey("incident.html")
		k.str(rel)
		s.incidentKey(in)(k)
		return s.done(k)
	}
	i, ok := s.facts.Position(in)
	if !ok || i >= len(s.reportKeys) {
		return compute()
	}
	c := &s.reportKeys[i]
	c.once.Do(func() { c.sum, c.ok = compute() })
	return c.sum, c.ok
}

// modelKey is the input key of in's line of incidents.json: its page's
// key and its possible repeats with every figure (the page shows them
// rounded). It is kept with the pages' keys, under modelKeyPath.
func (s *site) modelKey(in *incident.Incident) (PageKey, bool) {
	page, ok := s.incidentPageKey(in, incidentPagePath(in))
	i, found := s.facts.Position(in)
	if !ok || !found {
		return PageKey{}, false
	}
	k := s.newKey("incidents.json")
	k.b = append(k.b, page[:]...)
	k.exactCandidates(s.facts.Repeats[i])
	return s.done(k)
}

// modelKeyPath is where the keys of the pages hold the key of in's line of
// incidents.json: no file's path.
func modelKeyPath(in *incident.Incident) string { return "incidents.json#" + in.Slug }

// sameLine tells whether in's line of incidents.json has the inputs it had
// when the destination was published, and records its key.
func (s *site) sameLine(in *incident.Incident) bool {
	if !s.keying("incident.html") {
		return false
	}
	sum, ok := s.modelKey(in)
	if !ok {
		return false
	}
	rel := modelKeyPath(in)
	s.keysMu.Lock()
	s.keys[rel] = sum
	s.keysMu.Unlock()
	prev, found := s.opts.Reuse.Previous[rel]
	return found && prev == sum
}

// incidentKey writes the inputs of in's page: the report, what detection
// found for it, and every report the page shows or computes from.
func (s *site) incidentKey(in *incident.Incident) func(k *keyWriter) {
	return func(k *keyWriter) {
		k.report(in)
		i, ok := s.facts.Position(in)
		if !ok {
			k.ok = false
			return
		}
		// Its possible repeats, and what each says of them.
		k.candidates(s.facts.Repeats[i])
		for _, c := range s.facts.Repeats[i] {
			other, _ := s.arc.Incident(c.ID)
			k.report(other)
		}
		// The later reports that repeat it, and what they say.
		later := s.rep.RecurredLater(in)
		k.int(len(later))
		for _, r := range later {
			k.report(r.Incident)
			k.candidates([]repeats.Candidate{*r.Candidate})
		}
		if c := s.rep.ChainOf(in); c != nil {
			k.str(c.ID)
			// A long chain shows its length, its oldest and newest
			// reports and those around this one, numbered (chainAround).
			lo, hi := chainWindow(c, in)
			k.int(len(c.Incidents))
			k.int(lo)
			k.report(c.Incidents[0])
			k.report(c.Incidents[len(c.Incidents)-1])
			k.reports(c.Incidents[lo:hi])
		} else {
			k.str("")
		}
		// The reports it links and that link it, the ones its body
		// mentions (whose permalinks its HTML holds), its neighbours in
		// the archive and the reports before it that the scorecard's
		// answers compare with.
		k.reports(s.facts.ReferencedBy[i])
		for _, ids := range [][]string{in.Related, in.RepeatOf, s.facts.Bodies[i].Mentions} {
			k.int(len(ids))
			for _, id := range ids {
				other, _ := s.arc.Incident(id)
				k.report(other)
			}
		}
		if i > 0 {
			k.report(s.arc.Incidents[i-1])
		}
		if i+1 < len(s.arc.Incidents) {
			k.report(s.arc.Incidents[i+1])
		}
		k.reports(s.rep.Previous(in))
		// Its action items as the page shows them: from tasks.json, their
		// ages count from the time of the build, not its day.
		for _, a := range in.Actionables {
			k.value(reflect.ValueOf(s.actionRow(a)))
		}
	}
}
