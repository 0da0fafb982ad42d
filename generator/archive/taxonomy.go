package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

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
type Term struct {
	Name          string
	Slug          string
	Description   string
	Incidents     []*incident.Incident // newest first
	TotalDuration time.Duration
}

// Term returns the term with the given name.
func (t *Taxonomy) Term(name string) (*Term, bool) {
	term, ok := t.byName[name]
	return term, ok
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
// taxonomy. Terms are ordered by report count, then name.
func buildTaxonomies(site *siteconfig.Site, ins []*incident.Incident) []*Taxonomy {
	var out []*Taxonomy
	for _, spec := range taxonomySpecs {
		t := &Taxonomy{Kind: spec.kind, Singular: spec.singular, Title: spec.title, Field: spec.field, byName: map[string]*Term{}, values: spec.values}
		for _, in := range ins {
			for _, v := range spec.values(in) {
				term := t.byName[v]
				if term == nil {
					term = &Term{Name: v, Slug: incident.Slugify(v)}
					if spec.describe != nil {
						term.Description = spec.describe(site, v)
					}
					t.byName[v] = term
					t.Terms = append(t.Terms, term)
				}
				term.Incidents = append(term.Incidents, in)
				term.TotalDuration += in.Duration
			}
		}
		sort.Slice(t.Terms, func(i, j int) bool {
			a, b := t.Terms[i], t.Terms[j]
			if len(a.Incidents) != len(b.Incidents) {
				return len(a.Incidents) > len(b.Incidents)
			}
			return a.Name < b.Name
		})
		disambiguateSlugs(t.Terms)
		out = append(out, t)
	}
	return out
}

// disambiguateSlugs keeps term permalinks unique and stable when two names
// slugify alike ("C++" and "c", "Ana Berg" and "ana berg"). The name that
// appeared first in the archive keeps the plain slug; the others get a
// suffix derived from the name itself, so adding reports never moves an
// existing term's page. A name with no letters or digits to slugify (such
// as one in a non-Latin script) gets a slug derived from its hash.
func disambiguateSlugs(terms []*Term) {
	byAge := append([]*Term(nil), terms...)
	first := func(t *Term) time.Time { return t.Incidents[len(t.Incidents)-1].Start }
	sort.Slice(byAge, func(i, j int) bool {
		a, b := first(byAge[i]), first(byAge[j])
		if !a.Equal(b) {
			return a.Before(b)
		}
		return byAge[i].Name < byAge[j].Name
	})
	used := map[string]bool{}
	for _, t := range byAge {
		if t.Slug == "" {
			t.Slug = "term-" + nameHash(t.Name)
		}
		if used[t.Slug] {
			t.Slug += "-" + nameHash(t.Name)
		}
		used[t.Slug] = true
	}
}

// nameHash is a short, stable digest of a name.
func nameHash(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:4])
}
