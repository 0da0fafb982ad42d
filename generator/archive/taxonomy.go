package archive

import (
	"sort"
	"time"
	"unicode/utf8"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Taxonomy is a way of classifying reports, such as by service or cause.
type Taxonomy struct {
	Kind     string // URL segment and JSON key: "services", "failure-modes"
	Singular string // "service", "failure mode"
	Title    string // "Services"
	Field    string // front-matter key: "services", "failure_mode"
	Terms    []*Term
	byName   map[string]*Term
	values   func(*incident.Incident) []string
}

// Values returns the report's terms in this taxonomy, as the report lists
// them.
func (t *Taxonomy) Values(in *incident.Incident) []string { return t.values(in) }

// Term is one value of a taxonomy and the reports that carry it.
//
// A term is every spelling that gives the same slug: "José García" and
// "Jose Garcia" are one responder, with one page whose URL is the slug of
// the spelling alone, so that no report added or removed can move it. The
// page shows the spelling most reports use (see Spellings); only that
// display name, never the URL, changes as reports come and go.
type Term struct {
	Name string // the spelling shown: Spellings[0]
	Slug string
	// Spellings are the names reports give the term, the most used first;
	// among as many reports, the one with more letters outside ASCII
	// first (the accented "José" over "Jose"), then in code-point order
	// ("Ana Berg" over "ana berg"). The order depends on the reports'
	// names alone, never on their order.
	Spellings     []string
	Description   string
	Incidents     []*incident.Incident // newest first
	TotalDuration time.Duration
	uses          map[string]int // reports per spelling
}

// OtherSpellings are the term's spellings other than the one shown.
func (t *Term) OtherSpellings() []string { return t.Spellings[1:] }

// Term returns the term with the given name, in any of its spellings.
func (t *Taxonomy) Term(name string) (*Term, bool) {
	term, ok := t.byName[name]
	return term, ok
}

// TermName is the name the term of name is shown by, or name itself when
// no report names it.
func (t *Taxonomy) TermName(name string) string {
	if term, ok := t.byName[name]; ok {
		return term.Name
	}
	return name
}

// taxonomySpec says how to read one taxonomy's values off a report.
type taxonomySpec struct {
	kind, singular, title, field string
	values                       func(*incident.Incident) []string
	describe                     func(*siteconfig.Site, string) string
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

var taxonomySpecs = []taxonomySpec{
	{"services", "service", "Services", "services",
		func(in *incident.Incident) []string { return in.Services },
		func(s *siteconfig.Site, name string) string {
			svc, _ := s.Service(name)
			return svc.Description
		}},
	{"causes", "cause", "Causes", "causes",
		func(in *incident.Incident) []string { return in.Causes },
		func(s *siteconfig.Site, name string) string { return siteconfig.Describe(s.Causes, name) }},
	{"sites", "site", "Sites", "sites",
		func(in *incident.Incident) []string { return in.Sites }, nil},
	{"triggers", "trigger", "Triggers", "trigger",
		func(in *incident.Incident) []string { return one(in.Trigger) }, nil},
	{"failure-modes", "failure mode", "Failure modes", "failure_mode",
		func(in *incident.Incident) []string { return one(in.FailureMode) },
		func(s *siteconfig.Site, name string) string { return siteconfig.Describe(s.FailureModes, name) }},
	{"responders", "responder", "Responders", "responders",
		func(in *incident.Incident) []string { return unionStrings(in.Responders, in.Coordinators) }, nil},
}

// unionStrings is a followed by the values of b that a lacks, compared
// exactly, case included: it is how a report's responders and
// coordinators make one list. Spellings that differ only in case ("Ana
// Berg", "ana berg") both stay, as the report wrote them: the taxonomy
// makes them one term, through the slug, and counts each spelling's uses.
// (Report lists are free of exact duplicates already: the parser drops
// them.)
func unionStrings(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := append([]string(nil), a...)
	for _, s := range b {
		found := false
		for _, x := range a {
			if x == s {
				found = true
				break
			}
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}

// buildTaxonomies indexes the reports (already newest first) by every
// taxonomy. Spellings that slugify alike are one term (see Term); terms are
// ordered by report count, then name.
func buildTaxonomies(site *siteconfig.Site, ins []*incident.Incident) []*Taxonomy {
	var out []*Taxonomy
	for _, spec := range taxonomySpecs {
		t := &Taxonomy{Kind: spec.kind, Singular: spec.singular, Title: spec.title, Field: spec.field, byName: map[string]*Term{}, values: spec.values}
		bySlug := map[string]*Term{}
		for _, in := range ins {
			for _, v := range spec.values(in) {
				term := t.byName[v]
				if term == nil {
					slug := TermSlug(v)
					if term = bySlug[slug]; term == nil {
						term = &Term{Slug: slug, uses: map[string]int{}}
						bySlug[slug] = term
						t.Terms = append(t.Terms, term)
					}
					t.byName[v] = term
					term.Spellings = append(term.Spellings, v)
				}
				term.uses[v]++
				if n := len(term.Incidents); n > 0 && term.Incidents[n-1] == in {
					continue // the report gives two spellings of the term
				}
				term.Incidents = append(term.Incidents, in)
				term.TotalDuration += in.Duration
			}
		}
		for _, term := range t.Terms {
			term.orderSpellings()
			if spec.describe != nil {
				for _, name := range term.Spellings {
					if term.Description = spec.describe(site, name); term.Description != "" {
						break
					}
				}
			}
		}
		sort.Slice(t.Terms, func(i, j int) bool {
			a, b := t.Terms[i], t.Terms[j]
			if len(a.Incidents) != len(b.Incidents) {
				return len(a.Incidents) > len(b.Incidents)
			}
			if a.Name != b.Name {
				return a.Name < b.Name
			}
			return a.Slug < b.Slug
		})
		out = append(out, t)
	}
	return out
}

// TermSlug is the slug of a term's page: that of the name alone, or, for
// a name with no letter or digit, "term-" and a hash of the name.
func TermSlug(name string) string { return incident.SlugOr("term", name) }

// orderSpellings sorts the spellings as Term documents and names the term
// by the first.
func (t *Term) orderSpellings() {
	sort.Slice(t.Spellings, func(i, j int) bool {
		a, b := t.Spellings[i], t.Spellings[j]
		if t.uses[a] != t.uses[b] {
			return t.uses[a] > t.uses[b]
		}
		if na, nb := nonASCII(a), nonASCII(b); na != nb {
			return na > nb
		}
		return a < b
	})
	t.Name = t.Spellings[0]
}

// nonASCII counts the characters of s outside ASCII.
func nonASCII(s string) int {
	n := 0
	for _, r := range s {
		if r >= utf8.RuneSelf {
			n++
		}
	}
	return n
}
