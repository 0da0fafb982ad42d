package archive

import (
	"path"
	"sort"
	"strings"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/matter"
)

// Page is a free page from pages/: process documents, guides, an about page.
type Page struct {
	Title string
	Slug  string
	// Describes names a taxonomy ("failure_mode", "causes"...) that this
	// page explains; that taxonomy's pages link here, to the heading whose
	// anchor matches the term where there is one.
	Describes string
	Weight    int
	Path      string
	Body      []byte
	BodyLine  int
}

var pageKeys = []string{"title", "slug", "describes", "weight"}

// reservedSlugs are top-level paths the generator writes itself.
var reservedSlugs = map[string]bool{
	"incidents": true, "years": true, "services": true, "causes": true, "sites": true,
	"triggers": true, "failure-modes": true, "responders": true, "search": true,
	"static": true, "repeats": true, "trends": true, "api": true,
}

func parsePage(label, rel string, data []byte, diags *diag.List) *Page {
	doc, d := matter.Split(label, data)
	if d != nil {
		diags.Add(*d)
		return nil
	}
	base := strings.TrimSuffix(path.Base(rel), ".md")
	p := &Page{Path: label, Body: doc.Body, BodyLine: doc.BodyLine, Slug: incident.Slugify(base)}
	dec := &matter.Decoder{Path: label, Diags: diags}
	for _, f := range doc.Fields() {
		switch f.Key {
		case "title":
			p.Title = dec.String(f.Key, f.Value)
		case "slug":
			if s := dec.String(f.Key, f.Value); s != "" {
				p.Slug = incident.Slugify(s)
			}
		case "describes":
			p.Describes = normalizeTaxonomy(dec.String(f.Key, f.Value))
			if p.Describes != "" && !knownTaxonomy(p.Describes) {
				diags.Errorf(label, f.Line, f.Key, "%q is not a taxonomy; use one of %s", p.Describes, strings.Join(taxonomyKinds(), ", "))
				p.Describes = ""
			}
		case "weight":
			w, _ := dec.Int(f.Key, f.Value)
			p.Weight = int(w)
		default:
			diags.Warnf(label, f.Line, f.Key, "unknown key%s", diag.DidYouMean(f.Key, pageKeys))
		}
	}
	if err := markdown.CheckLimits(p.Body, p.BodyLine); err != nil {
		// As for a report (see incident.Decode): refused, and never rendered.
		diags.Errorf(label, err.Line, "body", "%s", err.Msg)
		p.Body = nil
	}
	if p.Title == "" {
		diags.Errorf(label, doc.StartLine, "title", "required field is missing")
		return nil
	}
	if p.Slug == "" {
		diags.Errorf(label, doc.StartLine, "slug", "cannot build a permalink from the file name; set slug")
		return nil
	}
	if reservedSlugs[p.Slug] {
		diags.Errorf(label, doc.StartLine, "slug", "/%s/ is used by the archive itself; rename the file or set another slug", p.Slug)
		return nil
	}
	return p
}

// normalizeTaxonomy accepts a taxonomy by its kind, singular or field name:
// "failure_mode", "failure-modes" and "failure mode" are the same.
func normalizeTaxonomy(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, spec := range taxonomySpecs {
		if s == spec.kind || s == spec.field || s == spec.singular || s == strings.ReplaceAll(spec.kind, "-", "_") {
			return spec.kind
		}
	}
	return s
}

func knownTaxonomy(kind string) bool {
	for _, spec := range taxonomySpecs {
		if spec.kind == kind {
			return true
		}
	}
	return false
}

func taxonomyKinds() []string {
	var out []string
	for _, spec := range taxonomySpecs {
		out = append(out, spec.kind)
	}
	return out
}

func checkPages(pages []*Page, diags *diag.List) []*Page {
	seen := map[string]*Page{}
	var out []*Page
	for _, p := range pages {
		if first, dup := seen[p.Slug]; dup {
			diags.Errorf(p.Path, 1, "slug", "/%s/ is already the permalink of %s", p.Slug, first.Path)
			continue
		}
		seen[p.Slug] = p
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight < out[j].Weight
		}
		return out[i].Title < out[j].Title
	})
	return out
}

// PageDescribing returns the page that explains the taxonomy kind.
func (a *Archive) PageDescribing(kind string) (*Page, bool) {
	for _, p := range a.Pages {
		if p.Describes == kind {
			return p, true
		}
	}
	return nil, false
}
