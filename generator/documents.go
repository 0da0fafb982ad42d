package generator

import (
	"context"
	"runtime"
	"slices"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/search"
)

// Documents are the reports of f's archive as both search indexes read
// them, in the order of its Incidents: their fields, their terms by the
// names their pages show, and their bodies' plain text from the analysis
// stage. The facts must hold that text (computed without Options.Plain,
// as serve's are); readDocuments reads it back where the stage moved it.
func Documents(f *facts.Facts) []search.Document {
	responders := f.Archive.Taxonomy("responders")
	docs := make([]search.Document, len(f.Archive.Incidents))
	for i, in := range f.Archive.Incidents {
		docs[i] = reportDocument(f.Archive, responders, in, f.Bodies[i].Plain)
	}
	return docs
}

// readDocuments is Documents of any facts: the plain text comes from
// Facts.ReportPlain, which reads back what the analysis stage moved out
// of memory (facts.Options.Plain, or the body cache).
func readDocuments(ctx context.Context, f *facts.Facts, workers int) ([]search.Document, error) {
	arc := f.Archive
	responders := arc.Taxonomy("responders")
	docs := make([]search.Document, len(arc.Incidents))
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Reading the text back waits on the disk and decodes: on every CPU.
	err := parallel.Each(ctx, workers, len(arc.Incidents), func(_, i int) error {
		in := arc.Incidents[i]
		plain, err := f.ReportPlain(i)
		if err != nil {
			return err
		}
		docs[i] = reportDocument(arc, responders, in, plain)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// reportDocument is the search document of in, as Documents gives it.
func reportDocument(arc *archive.Archive, responders *archive.Taxonomy, in *incident.Incident, plain markdown.PlainText) search.Document {
	d := document(in, responders.Values(in), plain)
	nameTerms(&d, arc)
	return d
}

// document is the search document of one report, whose responders and
// coordinators are responders (as the responders taxonomy lists them) and
// whose body's plain text is plain.
func document(in *incident.Incident, responders []string, plain markdown.PlainText) search.Document {
	d := search.Document{
		ID:          in.ID,
		Title:       in.Title,
		URL:         in.URLPath(), // as the site links it
		Start:       in.Start,
		End:         in.End,
		Year:        in.Year(),
		Status:      string(in.Status),
		Task:        in.Task,
		Trigger:     in.Trigger,
		FailureMode: in.FailureMode,
		Services:    in.Services,
		Causes:      in.Causes,
		Sites:       in.Sites,
		Responders:  responders,
		Impact:      in.Impact,
		Summary:     plain.Summary,
		Body:        plain.Rest,
	}
	if in.HasEnd() {
		m := in.Duration.Minutes()
		d.DurationMinutes = &m
	}
	if in.Score.Answered > 0 {
		y := float64(in.Score.Yes)
		d.Score = &y
	}
	if in.Paged != nil {
		p := float64(*in.Paged)
		d.Paged = &p
	}
	return d
}

// nameTerms replaces the report's terms by the names their pages show,
// and lists the other spellings of its services and causes.
func nameTerms(d *search.Document, arc *archive.Archive) {
	seen := map[string]bool{}
	for _, f := range []struct {
		kind   string
		values *[]string
	}{{"services", &d.Services}, {"causes", &d.Causes}, {"sites", &d.Sites}, {"responders", &d.Responders}} {
		tax := arc.Taxonomy(f.kind)
		if tax == nil || len(*f.values) == 0 {
			continue
		}
		named := make([]string, 0, len(*f.values))
		for _, v := range *f.values {
			term, ok := tax.Term(v)
			if !ok {
				named = append(named, v)
				continue
			}
			if !slices.Contains(named, term.Name) {
				named = append(named, term.Name)
			}
			if f.kind == "services" || f.kind == "causes" {
				for _, other := range term.OtherSpellings() {
					if !seen[other] {
						seen[other] = true
						d.Spellings = append(d.Spellings, other)
					}
				}
			}
		}
		*f.values = named
	}
}
