package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// feedSize is the number of entries in a feed: enough for a reader that
// polls daily, small enough that a feed stays cheap to fetch.
const feedSize = 50

// writeFeed writes an Atom feed of the newest reports. Feeds are written
// directly rather than through encoding/xml: a large archive has one per
// term, thousands in all, and reflection dominated their cost.
func (s *site) writeFeed(buf *bytes.Buffer, title, selfPath, htmlPath string, ins []*incident.Incident) error {
	if len(ins) > feedSize {
		ins = ins[:feedSize]
	}
	buf.WriteString(xml.Header)
	buf.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	element(buf, " ", "title", title)
	element(buf, " ", "id", s.absolute(selfPath))
	element(buf, " ", "updated", newest(ins).Format(time.RFC3339))
	buf.WriteString(" <author>\n")
	element(buf, "  ", "name", s.arc.Site.Title)
	buf.WriteString(" </author>\n")
	link(buf, " ", s.absolute(selfPath), "self", "application/atom+xml")
	link(buf, " ", s.absolute(htmlPath), "alternate", "text/html")
	for _, in := range ins {
		u := s.absolute(s.incidentURL(in))
		buf.WriteString(" <entry>\n")
		element(buf, "  ", "title", in.Title)
		element(buf, "  ", "id", u)
		element(buf, "  ", "updated", updated(in).Format(time.RFC3339))
		element(buf, "  ", "published", in.Start.Format(time.RFC3339))
		link(buf, "  ", u, "alternate", "text/html")
		if in.Impact != "" {
			element(buf, "  ", "summary", in.Impact)
		}
		for _, svc := range in.Services {
			buf.WriteString(`  <category term="`)
			escapeXML(buf, svc)
			buf.WriteString("\"></category>\n")
		}
		buf.WriteString(" </entry>\n")
	}
	buf.WriteString("</feed>\n")
	return nil
}

func element(buf *bytes.Buffer, indent, name, text string) {
	buf.WriteString(indent + "<" + name + ">")
	escapeXML(buf, text)
	buf.WriteString("</" + name + ">\n")
}

func link(buf *bytes.Buffer, indent, href, rel, typ string) {
	buf.WriteString(indent + `<link href="`)
	escapeXML(buf, href)
	buf.WriteString(`" rel="` + rel + `" type="` + typ + "\"></link>\n")
}

// escapeXML escapes text for element content and attribute values alike.
func escapeXML(buf *bytes.Buffer, s string) {
	_ = xml.EscapeText(buf, []byte(s))
}

func (s *site) feedJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		return "feed.xml", s.writeFeed(buf, s.arc.Site.Title, s.root+"feed.xml", s.root, s.arc.Incidents)
	}
}

func (s *site) termFeedJob(t *archive.Taxonomy, term *archive.Term) job {
	rel := t.Kind + "/" + term.Slug + "/feed.xml"
	j := func(buf *bytes.Buffer) (string, error) {
		u := s.termURL(t.Kind, term.Name)
		title := fmt.Sprintf("%s: %s %s", s.arc.Site.Title, t.Singular, term.Name)
		return rel, s.writeFeed(buf, title, u+"feed.xml", u, term.Incidents)
	}
	// Not a layout: no site replaces it. The feed shows the newest
	// reports.
	return s.keyed(rel, "", func(k *keyWriter) { k.fieldsOf(term.Incidents[:min(feedSize, len(term.Incidents))]) }, nil, j)
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
	// Repeats are the earlier reports it may repeat, best first: likely
	// repeats and similar reports, with score and reasons.
	Repeats  []repeats.Candidate `json:"repeats"`
	Mentions []string            `json:"mentions,omitempty"`
	// BodyLine is the line of the report's file (source, relative to the
	// content folder) on which its Markdown body begins: the body itself
	// is not in incidents.json, which would be hundreds of megabytes.
	BodyLine int `json:"body_line"`
}

// jsonTracked is a report in incidents.json of an archive with
// tasks.json: its task and its action items' tasks as the file has them.
// (A type of its own, since the action items it replaces come last in
// it: an archive without the file keeps the fields' order.)
type jsonTracked struct {
	jsonIncident
	// TaskInfo is the report's task as tasks.json has it, when it does.
	TaskInfo *jsonTask `json:"task_info,omitempty"`
	// Actionables are the report's action items, each with its task as
	// tasks.json has it (in place of the front matter's, which they
	// repeat field by field).
	Actionables []jsonActionable `json:"actionables,omitempty"`
}

// jsonActionable is an action item in incidents.json.
type jsonActionable struct {
	incident.Actionable
	TaskInfo *jsonTask `json:"task_info,omitempty"`
}

// jsonTask is what tasks.json says of a task, in incidents.json.
type jsonTask struct {
	State    string     `json:"state"`
	Status   string     `json:"status,omitempty"`
	Title    string     `json:"title,omitempty"`
	Assignee string     `json:"assignee,omitempty"`
	Created  *time.Time `json:"created,omitempty"`
	Closed   *time.Time `json:"closed,omitempty"`
	URL      string     `json:"url,omitempty"`
}

// taskInfo is task as tasks.json has it; nil without the file or when
// it does not hold the task.
func (s *site) taskInfo(id string) *jsonTask {
	t := s.arc.Tasks.Find(id)
	if t == nil {
		return nil
	}
	j := &jsonTask{State: t.State, Status: t.Status, Title: t.Title, Assignee: t.Assignee, URL: t.URL}
	if !t.Created.IsZero() {
		c := t.Created.UTC()
		j.Created = &c
	}
	if !t.Closed.IsZero() {
		c := t.Closed.UTC()
		j.Closed = &c
	}
	return j
}

type jsonTerm struct {
	Name string `json:"name"`
	// Spellings are every name the reports give the term, Name first: the
	// term's page and URL are shared by all of them.
	Spellings       []string `json:"spellings"`
	URL             string   `json:"url"`
	Incidents       int      `json:"incidents"`
	DurationMinutes int64    `json:"duration_minutes"`
}

// jsonJob writes incidents.json, one report at a time, in the form a
// script can read a line at a time as well as whole (see writeModel).
func (s *site) jsonJob() job {
	return func(*bytes.Buffer) (string, error) {
		return "", s.writeStream("incidents.json", s.writeModel)
	}
}

// writeModel writes incidents.json: one JSON document, laid out in lines
// so that a reader can stream it (docs/site.md states the form):
//
//	{"generator":…,"site":{…},"count":N,"incidents":[
//	{…the first report…},
//	…
//	{…the last report…}
//	],"terms":{
//	"causes":[…],
//	"services":[…]
//	}}
//
// The first line is the header, and parses as JSON once "]}" is added;
// the next count lines are one report each, followed by a comma but for
// the last; then the terms, one taxonomy a line. No report's value holds a
// newline (encoding/json escapes it in strings), and the bodies are left
// out: each report names its Markdown file (source) and the line its body
// begins on (body_line).
func (s *site) writeModel(w *bufio.Writer) error {
	head, err := json.Marshal(struct {
		Generator string           `json:"generator"`
		Site      *siteconfig.Site `json:"site"`
		Count     int              `json:"count"`
	}{"incidents " + s.opts.Version, s.arc.Site, len(s.arc.Incidents)})
	if err != nil {
		return fmt.Errorf("encoding the header: %w", err)
	}
	w.Write(head[:len(head)-1]) // leave the object open
	w.WriteString(`,"incidents":[` + "\n")
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	// item writes v as one line, with a comma when more items follow.
	item := func(v any, last bool) error {
		line.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		b := bytes.TrimSuffix(line.Bytes(), []byte("\n"))
		w.Write(b)
		if !last {
			w.WriteByte(',')
		}
		return w.WriteByte('\n')
	}
	old := s.publishedModel()
	if old != nil {
		defer old.close()
	}
	for i, in := range s.arc.Incidents {
		last := i == len(s.arc.Incidents)-1
		// A report whose line has the inputs it had has the line it had.
		if s.sameLine(in) && old != nil {
			if b, ok := old.line(in.ID); ok {
				w.Write(b)
				if !last {
					w.WriteByte(',')
				}
				w.WriteByte('\n')
				continue
			}
		}
		if err := item(s.modelReport(i, in), last); err != nil {
			return fmt.Errorf("encoding %s: %w", in.ID, err)
		}
	}
	w.WriteString(`],"terms":{` + "\n")
	// One taxonomy a line, in the order of their names (as encoding/json
	// writes a map).
	taxes := slices.Clone(s.arc.Taxonomies)
	slices.SortFunc(taxes, func(a, b *archive.Taxonomy) int { return strings.Compare(a.Kind, b.Kind) })
	for i, t := range taxes {
		list := make([]jsonTerm, 0, len(t.Terms))
		for _, term := range t.Terms {
			list = append(list, jsonTerm{Name: term.Name, Spellings: term.Spellings, URL: s.termURL(t.Kind, term.Name), Incidents: len(term.Incidents), DurationMinutes: minutes(term.TotalDuration)})
		}
		key, err := json.Marshal(t.Kind)
		if err != nil {
			return fmt.Errorf("encoding terms: %w", err)
		}
		w.Write(key)
		w.WriteByte(':')
		if err := item(list, i == len(taxes)-1); err != nil {
			return fmt.Errorf("encoding the %s: %w", t.Kind, err)
		}
	}
	w.WriteString("}}\n")
	return nil
}

// publishedModel opens the incidents.json that the destination holds, as
// the last build wrote it, when the pages' keys are those it was written
// with: nil otherwise.
func (s *site) publishedModel() *modelLines {
	if s.out == nil || !s.keying("incident.html") {
		return nil
	}
	f, ok := s.out.OpenPublished("incidents.json")
	if !ok {
		return nil
	}
	return &modelLines{f: f, r: bufio.NewReaderSize(f, 256<<10), ahead: map[string][]byte{}}
}

// modelLines reads the report lines of a published incidents.json in
// order, for writeModel to take those of the reports that did not change.
// Both files list the reports in the archive's order, so the line wanted
// is usually the next one; the lines passed over on the way, of reports
// that changed or went, are held (up to maxAhead) in case a report moved.
type modelLines struct {
	f      *os.File
	r      *bufio.Reader
	ahead  map[string][]byte // by the report's id as JSON
	header bool              // read past the header
	done   bool              // at the end of the reports, or failed
}

// maxAhead bounds the lines modelLines holds: past it, a report that moved
// further is encoded again.
const maxAhead = 1024

// line returns the line of the report id without its comma and newline,
// valid until the next call; false when the file has no such line.
func (m *modelLines) line(id string) ([]byte, bool) {
	want, err := json.Marshal(id)
	if err != nil {
		return nil, false
	}
	if b, ok := m.ahead[string(want)]; ok {
		delete(m.ahead, string(want))
		return b, true
	}
	if !m.header {
		m.header = true
		if _, err := m.next(); err != nil {
			m.done = true
		}
	}
	for !m.done {
		b, err := m.next()
		if err != nil {
			m.done = true
			return nil, false
		}
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte(","))
		got, ok := lineID(b)
		if !ok {
			m.done = true // past the reports: the terms
			return nil, false
		}
		if bytes.Equal(got, want) {
			return b, true
		}
		if len(m.ahead) < maxAhead {
			m.ahead[string(got)] = slices.Clone(b)
		}
	}
	return nil, false
}

// next reads the next line, valid until the next read.
func (m *modelLines) next() ([]byte, error) {
	b, err := m.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return b, err
	}
	// A line longer than the buffer: read it whole.
	b = slices.Clone(b)
	rest, err := m.r.ReadBytes('\n')
	return append(b, rest...), err
}

// lineID is the id of the report a line of incidents.json holds, as JSON,
// the value of its first field.
func lineID(b []byte) ([]byte, bool) {
	const prefix = `{"id":"`
	if !bytes.HasPrefix(b, []byte(prefix)) {
		return nil, false
	}
	for i := len(prefix); i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return b[len(prefix)-1 : i+1], true
		}
	}
	return nil, false
}

func (m *modelLines) close() { m.f.Close() }

// modelReport is the i-th report as incidents.json holds it.
func (s *site) modelReport(i int, in *incident.Incident) any {
	j := jsonIncident{Incident: in, URL: s.incidentURL(in), Year: in.Year(), Mentions: s.facts.Bodies[i].Mentions, BodyLine: in.BodyLine, Repeats: []repeats.Candidate{}}
	if i < len(s.facts.Repeats) && s.facts.Repeats[i] != nil {
		j.Repeats = s.facts.Repeats[i]
	}
	if in.HasEnd() {
		m := minutes(in.Duration)
		j.DurationMinutes = &m
	}
	if !in.Detected.IsZero() {
		m := minutes(in.TTD)
		j.TTDMinutes = &m
	}
	for _, r := range s.facts.ReferencedBy[i] {
		j.ReferencedBy = append(j.ReferencedBy, r.ID)
	}
	if s.arc.Tasks == nil {
		return j
	}
	t := jsonTracked{jsonIncident: j, TaskInfo: s.taskInfo(in.Task)}
	if len(in.Actionables) > 0 {
		t.Actionables = make([]jsonActionable, len(in.Actionables))
		for k, a := range in.Actionables {
			t.Actionables[k] = jsonActionable{Actionable: a, TaskInfo: s.taskInfo(a.Task)}
		}
	}
	return t
}

// The sitemap protocol's limits on one sitemap file
// (https://www.sitemaps.org/protocol.html): 50,000 URLs and 50 MB
// (52,428,800 bytes) before compression.
const (
	sitemapMaxURLs  = 50000
	sitemapMaxBytes = 50 << 20
)

// writeSitemap lists every HTML page written, in path order, each with
// the time its content last changed as far as the content says: for a
// report's page, its end (its start while it has none), the time its
// feed entry gives as updated; for a year's or a term's page, the latest
// of its reports'; for every other page (the home page, the lists,
// trends, free pages), the latest of the archive's. The file times of
// the reports would say when a report was last edited, but they differ
// between clones and checkouts, and the same content must build the same
// site; the cache's first sight of a report would differ between a
// machine with the cache and one without. A page without a dated report
// has no lastmod.
//
// A site with more pages than one sitemap may hold (Options.SitemapLimit,
// the protocol's 50,000 by default, or 50 MB) gets them in sitemap-1.xml,
// sitemap-2.xml…, in path order, and sitemap.xml is the sitemap index that
// lists those files; a smaller site's sitemap.xml lists the pages itself.
func (s *site) writeSitemap() error {
	paths := append([]string(nil), s.htmlPaths...)
	sort.Strings(paths)
	dates := s.sitemapDates()
	site := lastMod(newest(s.arc.Incidents))
	entries := make([]sitemapEntry, len(paths))
	for i, p := range paths {
		u := s.root + escapePath(p)
		u = strings.TrimSuffix(u, "index.html")
		mod, ok := dates[p]
		if !ok {
			mod = site
		}
		entries[i] = sitemapEntry{loc: s.absolute(u), lastMod: mod}
	}
	maxURLs := s.opts.SitemapLimit
	if maxURLs <= 0 || maxURLs > sitemapMaxURLs {
		maxURLs = sitemapMaxURLs
	}
	files := splitSitemap(entries, maxURLs, sitemapMaxBytes)
	if len(files) == 1 {
		return s.write("sitemap.xml", sitemapFile("urlset", "url", files[0]))
	}
	index := make([]sitemapEntry, len(files))
	for i, f := range files {
		name := "sitemap-" + strconv.Itoa(i+1) + ".xml"
		if err := s.write(name, sitemapFile("urlset", "url", f)); err != nil {
			return err
		}
		index[i] = sitemapEntry{loc: s.absolute(s.root + name), lastMod: latestMod(f)}
	}
	return s.write("sitemap.xml", sitemapFile("sitemapindex", "sitemap", index))
}

// sitemapEntry is a URL of a sitemap, or a sitemap of a sitemap index,
// with its lastmod ("" for none).
type sitemapEntry struct{ loc, lastMod string }

// splitSitemap cuts entries into runs of at most maxURLs entries whose
// sitemap file stays within maxBytes; there is always one run, empty for
// a site without pages.
func splitSitemap(entries []sitemapEntry, maxURLs, maxBytes int) [][]sitemapEntry {
	frame := len(sitemapFile("urlset", "url", nil)) + 1 // the newline before the closing tag
	files := [][]sitemapEntry{}
	var scratch bytes.Buffer
	start, size := 0, frame
	for i, e := range entries {
		scratch.Reset()
		writeSitemapEntry(&scratch, "url", e)
		n := scratch.Len()
		if i > start && (i-start == maxURLs || size+n > maxBytes) {
			files = append(files, entries[start:i])
			start, size = i, frame
		}
		size += n
	}
	return append(files, entries[start:])
}

// latestMod is the latest lastmod of entries ("" when none has one).
// lastMod writes every date in UTC in one form, so the latest sorts last.
func latestMod(entries []sitemapEntry) string {
	latest := ""
	for _, e := range entries {
		latest = max(latest, e.lastMod)
	}
	return latest
}

// sitemapFile writes a sitemap (root "urlset", element "url") or a
// sitemap index (root "sitemapindex", element "sitemap"), one element per
// entry, laid out as encoding/xml indents it with one space.
func sitemapFile(root, element string, entries []sitemapEntry) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString("<" + root + ` xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, e := range entries {
		writeSitemapEntry(&buf, element, e)
	}
	if len(entries) > 0 {
		buf.WriteByte('\n')
	}
	buf.WriteString("</" + root + ">\n")
	return buf.Bytes()
}

// writeSitemapEntry writes one url or sitemap element of a sitemap file.
func writeSitemapEntry(buf *bytes.Buffer, name string, e sitemapEntry) {
	buf.WriteString("\n <" + name + ">\n")
	element(buf, "  ", "loc", e.loc)
	if e.lastMod != "" {
		element(buf, "  ", "lastmod", e.lastMod)
	}
	buf.WriteString(" </" + name + ">")
}

// sitemapDates are the lastmod of the pages of one report or of a
// report's list (a year, a term), by their paths in the output folder.
func (s *site) sitemapDates() map[string]string {
	dates := map[string]string{}
	for _, in := range s.arc.Incidents {
		dates["incidents/"+in.Slug+"/index.html"] = lastMod(updated(in))
	}
	for _, y := range s.arc.Years {
		dates["years/"+strconv.Itoa(y.Year)+"/index.html"] = lastMod(newest(y.Incidents))
	}
	for _, t := range s.arc.Taxonomies {
		for _, term := range t.Terms {
			dates[t.Kind+"/"+term.Slug+"/index.html"] = lastMod(newest(term.Incidents))
		}
	}
	return dates
}

// lastMod writes t as a sitemap's lastmod (W3C Datetime, in UTC); "" for
// no date (newest of no reports).
func lastMod(t time.Time) string {
	if t.Equal(time.Unix(0, 0)) || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
