package facts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// bodyRenderer renders bodies as the site links them, through the body
// cache if there is one.
type bodyRenderer struct {
	md    *markdown.Renderer
	cache BodyCache
	key   string // see bodyKey
	// dates holds, for each date that begins report ids, a hash of those
	// ids and their permalinks: what a body naming the date depends on
	// (see markdown.MentionDates).
	dates  map[string]string
	noHTML bool
}

func newBodyRenderer(arc *archive.Archive, opts Options) *bodyRenderer {
	ids := make([]string, len(arc.Incidents))
	for i, in := range arc.Incidents {
		ids[i] = in.ID
	}
	var taskURL func(string) string
	if arc.Site.TaskURL != "" || arc.Site.Tracker.Kind == "github" {
		taskURL = func(task string) string { return incident.TaskLink(arc.Site, task) }
	}
	var taskState func(string) (string, string, bool)
	if arc.Tasks != nil {
		taskState = arc.Tasks.Label
	}
	r := &bodyRenderer{cache: opts.Bodies, noHTML: opts.NoHTML}
	if r.noHTML {
		r.cache = nil // it keeps whole results
	}
	r.md = markdown.New(markdown.Options{
		UnsafeHTML:   arc.Site.UnsafeHTML,
		TaskURL:      taskURL,
		TaskKind:     arc.Site.Tracker.Kind,
		TaskProjects: jiraProjects(arc.Site.Tracker),
		TaskState:    taskState,
		IncidentIDs:  ids,
		ReservedIDs:  opts.ReservedIDs,
		IncidentURL: func(id string) (string, bool) {
			in, ok := arc.Incident(id)
			if !ok {
				return "", false
			}
			return opts.Root + in.URLPath(), true
		},
	})
	if r.cache != nil {
		r.key = bodyKey(arc, opts)
		r.dates = mentionedByDate(arc, opts.Root)
	}
	return r
}

// mentionedByDate hashes, for each date that begins report ids, those ids
// and the permalinks a mention of them links to.
func mentionedByDate(arc *archive.Archive, root string) map[string]string {
	byDate := map[string][]*incident.Incident{}
	for _, in := range arc.Incidents {
		if d, ok := markdown.IDDate(in.ID); ok {
			byDate[d] = append(byDate[d], in)
		}
	}
	out := make(map[string]string, len(byDate))
	for d, ins := range byDate {
		slices.SortFunc(ins, func(a, b *incident.Incident) int { return strings.Compare(a.ID, b.ID) })
		h := sha256.New()
		for _, in := range ins {
			fmt.Fprintf(h, "%q %q\x00", in.ID, root+in.URLPath())
		}
		out[d] = hex.EncodeToString(h.Sum(nil)[:16])
	}
	return out
}

// cacheKey is the body cache's key of md: bodyKey, md, and the reports of
// each date md names, which its mentions may link.
func (r *bodyRenderer) cacheKey(md []byte) string {
	h := sha256.New()
	h.Write(md)
	for _, d := range markdown.MentionDates(md) {
		if ids, ok := r.dates[d]; ok {
			h.Write([]byte("\x00" + d + " " + ids))
		}
	}
	return r.key + hex.EncodeToString(h.Sum(nil))
}

// jiraProjects are the project keys of a Jira tracker's project
// ("OPS" or "OPS, INFRA"), whose issue keys prose may name.
func jiraProjects(t siteconfig.Tracker) []string {
	if t.Kind != "jira" {
		return nil
	}
	var out []string
	for _, k := range strings.Split(t.Project, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// render renders Markdown through the body cache, if there is one. Each
// caller gets a result of its own: render drops the HTML of a report once
// its page is written.
func (r *bodyRenderer) render(md []byte) (*markdown.Result, error) {
	if r.noHTML {
		return r.md.Parse(md), nil
	}
	if r.cache == nil {
		return r.md.Render(md)
	}
	key := r.cacheKey(md)
	if res, ok := r.cache.Get(key); ok {
		c := *res
		return &c, nil
	}
	return r.renderMissed(md, key)
}

// renderMissed renders md, which the cache does not hold under key, and
// puts it there.
func (r *bodyRenderer) renderMissed(md []byte, key string) (*markdown.Result, error) {
	res, err := r.md.Render(md)
	if err != nil {
		return nil, err
	}
	c := *res
	r.cache.Put(key, &c)
	return res, nil
}

// bodyKey hashes everything besides the Markdown itself and the reports
// it may mention (cacheKey) that a rendered body depends on: raw HTML
// allowed or not, the task links and their states (tasks.json), the site
// root and the reserved ids.
func bodyKey(arc *archive.Archive, opts Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "%t\x00%q\x00%q\x00%q\x00", arc.Site.UnsafeHTML, arc.Site.TaskURL, opts.Root, opts.ReservedIDs)
	if t := arc.Site.Tracker; t.Kind != "" {
		fmt.Fprintf(h, "tracker %q %q %q\x00", t.Kind, t.URL, t.Project)
	}
	if arc.Tasks != nil {
		// The badges beside task links: a sync that changes a state or a
		// closing day renders the bodies naming that task again.
		for _, t := range arc.Tasks.Tasks {
			label, _ := t.Label()
			h.Write([]byte(t.ID + "\x00" + label + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil)) + ":"
}
