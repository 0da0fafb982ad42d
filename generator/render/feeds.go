package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"sort"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// feedSize is the number of entries in a feed: enough for a reader that
// polls daily, small enough that a feed stays cheap to fetch.
const feedSize = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Link       atomLink       `xml:"link"`
	Summary    string         `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

func (s *site) writeFeed(buf *bytes.Buffer, title, selfPath, htmlPath string, ins []*incident.Incident) error {
	if len(ins) > feedSize {
		ins = ins[:feedSize]
	}
	f := atomFeed{
		Title:   title,
		ID:      s.absolute(selfPath),
		Updated: newest(ins).Format(time.RFC3339),
		Links: []atomLink{
			{Href: s.absolute(selfPath), Rel: "self", Type: "application/atom+xml"},
			{Href: s.absolute(htmlPath), Rel: "alternate", Type: "text/html"},
		},
	}
	for _, in := range ins {
		e := atomEntry{
			Title:     in.Title,
			ID:        s.absolute(s.incidentURL(in)),
			Updated:   updated(in).Format(time.RFC3339),
			Published: in.Start.Format(time.RFC3339),
			Link:      atomLink{Href: s.absolute(s.incidentURL(in)), Rel: "alternate", Type: "text/html"},
			Summary:   in.Impact,
		}
		for _, svc := range in.Services {
			e.Categories = append(e.Categories, atomCategory{Term: svc})
		}
		f.Entries = append(f.Entries, e)
	}
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encoding feed %s: %w", selfPath, err)
	}
	buf.WriteByte('\n')
	return nil
}

func (s *site) feedJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		return "feed.xml", s.writeFeed(buf, s.arc.Site.Title, s.root+"feed.xml", s.root, s.arc.Incidents)
	}
}

func (s *site) termFeedJob(t *archive.Taxonomy, term *archive.Term) job {
	return func(buf *bytes.Buffer) (string, error) {
		u := s.termURL(t.Kind, term.Name)
		title := fmt.Sprintf("%s: %s %s", s.arc.Site.Title, t.Singular, term.Name)
		return t.Kind + "/" + term.Slug + "/feed.xml", s.writeFeed(buf, title, u+"feed.xml", u, term.Incidents)
	}
}

// jsonIncident is a report as other tools read it from /incidents.json:
// the front matter plus what the archive computed.
type jsonIncident struct {
	*incident.Incident
	URL             string   `json:"url"`
	Year            int      `json:"year"`
	DurationMinutes *int64   `json:"duration_minutes,omitempty"`
	TTDMinutes      *int64   `json:"ttd_minutes,omitempty"`
	ReferencedBy    []string `json:"referenced_by,omitempty"`
	Mentions        []string `json:"mentions,omitempty"`
}

type jsonTerm struct {
	Name            string `json:"name"`
	URL             string `json:"url"`
	Incidents       int    `json:"incidents"`
	DurationMinutes int64  `json:"duration_minutes"`
}

// jsonJob writes incidents.json. It streams one report at a time to the
// file: the whole archive as one value would need tens of megabytes.
func (s *site) jsonJob() job {
	return func(*bytes.Buffer) (string, error) {
		const rel = "incidents.json"
		return "", s.writeStream(rel, func(w *bufio.Writer) error {
			head, err := json.Marshal(struct {
				Generator string           `json:"generator"`
				Site      *siteconfig.Site `json:"site"`
				Count     int              `json:"count"`
			}{"incidents " + s.opts.Version, s.arc.Site, len(s.arc.Incidents)})
			if err != nil {
				return err
			}
			w.Write(head[:len(head)-1]) // leave the object open
			w.WriteString(`,"incidents":[`)
			enc := json.NewEncoder(w)
			for i, in := range s.arc.Incidents {
				if i > 0 {
					w.WriteByte(',')
				}
				j := jsonIncident{Incident: in, URL: s.incidentURL(in), Year: in.Year(), Mentions: s.bodies[in].Mentions}
				if in.HasEnd() {
					m := minutes(in.Duration)
					j.DurationMinutes = &m
				}
				if !in.Detected.IsZero() {
					m := minutes(in.TTD)
					j.TTDMinutes = &m
				}
				for _, r := range mergeNewestFirst(s.arc.RelatedBy(in.ID), s.mentionedBy[in.ID]) {
					j.ReferencedBy = append(j.ReferencedBy, r.ID)
				}
				if err := enc.Encode(j); err != nil {
					return fmt.Errorf("encoding %s: %w", in.ID, err)
				}
			}
			terms := map[string][]jsonTerm{}
			for _, t := range s.arc.Taxonomies {
				list := []jsonTerm{}
				for _, term := range t.Terms {
					list = append(list, jsonTerm{Name: term.Name, URL: s.termURL(t.Kind, term.Name), Incidents: len(term.Incidents), DurationMinutes: minutes(term.TotalDuration)})
				}
				terms[t.Kind] = list
			}
			w.WriteString(`],"terms":`)
			if err := enc.Encode(terms); err != nil {
				return fmt.Errorf("encoding terms: %w", err)
			}
			w.WriteString("}\n")
			return nil
		})
	}
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc string `xml:"loc"`
}

// writeSitemap lists every HTML page written, in path order.
func (s *site) writeSitemap() error {
	paths := append([]string(nil), s.htmlPaths...)
	sort.Strings(paths)
	set := sitemapURLSet{}
	for _, p := range paths {
		u := s.root + p
		if len(u) >= len("index.html") && u[len(u)-len("index.html"):] == "index.html" {
			u = u[:len(u)-len("index.html")]
		}
		set.URLs = append(set.URLs, sitemapURL{Loc: s.absolute(u)})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(set); err != nil {
		return fmt.Errorf("encoding sitemap: %w", err)
	}
	buf.WriteByte('\n')
	return s.write("sitemap.xml", buf.Bytes())
}
