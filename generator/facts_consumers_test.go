package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/layouts"
	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// linkedArchive is an archive of n reports in which every fact the
// analysis stage computes has something to show: groups of reports that
// tell the same failure in the same words (likely repeats), reports that
// name earlier ones in prose and in related (the mention graph), scorecard
// answers that the archive contradicts, and bodies whose plain text
// differs from their Markdown (link targets, tables, code, HTML).
func linkedArchive(n int) map[string]string {
	failures := []string{
		"the elasticsearch cluster ran out of heap during a reindex and queries timed out",
		"a certificate expired on the payment gateway and every checkout failed",
		"the dns resolvers were overloaded by a client resolving every name on each request",
		"a config change removed a route from the load balancer and backends went dark",
	}
	files := map[string]string{
		"site.yaml": "title: Linked archive\nbase_url: https://incidents.example.org/\ntask_url: https://tasks.example.org/{task}\n",
	}
	id := func(i int) string { return fmt.Sprintf("2025-%02d-%02d r%02d", 1+i/28, 1+i%28, i) }
	for i := range n {
		g := i % len(failures)
		var b strings.Builder
		fmt.Fprintf(&b, "---\nid: %s\ntitle: Report %d on svc-%d\nstart: 2025-%02d-%02d 10:00\nend: 2025-%02d-%02d 12:00\n",
			id(i), i, g, 1+i/28, 1+i%28, 1+i/28, 1+i%28)
		fmt.Fprintf(&b, "services: [svc-%d]\ncauses: [cause-%d]\ntrigger: deploy\ntask: T%d\n", g, g, 100000+i)
		if i%5 == 4 {
			fmt.Fprintf(&b, "related: [%s]\n", id(i-1))
		}
		b.WriteString("scorecard:\n  not_a_repeat: yes\n---\n")
		fmt.Fprintf(&b, "## Summary\n\nThis time %s. See [the runbook](https://wiki.example.org/runbook-%d-zebra) and **T%d**.\n\n", failures[g], i, 200000+i)
		b.WriteString("## Timeline\n\n| time | what |\n|---|---|\n| 10:00 | paged for `svc-x` |\n\n")
		b.WriteString("## Details\n\n<details>\n<summary>Logs</summary>\nheap exhausted\n</details>\n\n")
		if i >= 3 && i%3 == 0 {
			fmt.Fprintf(&b, "It looked like %s at first, and like _%s_.\n", id(i-3), id(i-2))
		}
		files[fmt.Sprintf("incidents/2025/r%02d.md", i)] = b.String()
	}
	return files
}

// TestConsumersReadTheFacts computes the analysis stage's facts once, as
// Build computes them, then builds the site and checks that every consumer
// shows those facts: the mention graph in incidents.json and on the report
// pages, the repeats on the pages, in incidents.json and in the warnings of
// the build and of incidents check, the plain text of the static search
// index and of the documents the bleve index gets, and the trends.
// (incidents repeats is checked in cmd/incidents.)
func TestConsumersReadTheFacts(t *testing.T) {
	ctx := context.Background()
	dir := writeArchive(t, linkedArchive(40))
	src, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	var indexed []search.Document
	cfg := Config{Source: src, Dest: out, Version: "test", Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		SearchIndex: filepath.Join(dir, "index")}
	index := hooks{update: func(ctx context.Context, docs []search.Document) (search.UpdateStats, error) {
		indexed = docs
		return search.UpdateStats{Indexed: len(docs)}, nil
	}}

	arc, diags, err := Load(ctx, cfg)
	if err != nil || diags.HasErrors() {
		t.Fatalf("Load: %v %v", err, diags.All())
	}
	opts, err := renderOptions(cfg, hooks{}, arc, layouts.FS, diags)
	if err != nil {
		t.Fatal(err)
	}
	f, err := facts.Compute(ctx, arc, factsOptions(cfg, opts))
	if err != nil {
		t.Fatal(err)
	}
	// The archive gives every fact something to show.
	likely, referenced := 0, 0
	for i := range arc.Incidents {
		for _, c := range f.Repeats[i] {
			if c.Likely {
				likely++
			}
		}
		referenced += len(f.ReferencedBy[i])
	}
	if likely < 10 || referenced < 10 {
		t.Fatalf("the archive has %d likely repeats and %d references: too few to test with", likely, referenced)
	}

	res, _, err := build(ctx, cfg, index)
	if err != nil {
		t.Fatal(err)
	}
	url := func(id string) string {
		in, _ := arc.Incident(id)
		return "/" + in.URLPath()
	}

	t.Run("incidents.json", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, "incidents.json"))
		if err != nil {
			t.Fatal(err)
		}
		var site struct {
			Incidents []struct {
				ID           string          `json:"id"`
				ReferencedBy []string        `json:"referenced_by"`
				Repeats      json.RawMessage `json:"repeats"`
				Mentions     []string        `json:"mentions"`
			} `json:"incidents"`
		}
		if err := json.Unmarshal(data, &site); err != nil {
			t.Fatal(err)
		}
		if len(site.Incidents) != len(arc.Incidents) {
			t.Fatalf("%d reports, want %d", len(site.Incidents), len(arc.Incidents))
		}
		for i, j := range site.Incidents {
			if want := idsOf(f.ReferencedBy[i]); !slices.Equal(j.ReferencedBy, want) {
				t.Errorf("%s: referenced_by %q, the facts %q", j.ID, j.ReferencedBy, want)
			}
			if want := f.Bodies[i].Mentions; !slices.Equal(j.Mentions, want) {
				t.Errorf("%s: mentions %q, the facts %q", j.ID, j.Mentions, want)
			}
			want, _ := json.Marshal(append([]repeats.Candidate{}, f.Repeats[i]...))
			var got bytes.Buffer
			if err := json.Compact(&got, j.Repeats); err != nil || got.String() != string(want) {
				t.Errorf("%s: repeats\n%s\nthe facts\n%s", j.ID, got.String(), want)
			}
		}
	})

	t.Run("report pages", func(t *testing.T) {
		listed := 0
		for i, in := range arc.Incidents {
			page := readIncidentPage(t, out, in)
			var wantLikely, wantSimilar []string
			for _, c := range f.Repeats[i] {
				line := url(c.ID) + " " + strconv.FormatFloat(c.Score, 'f', 2, 64)
				if c.Likely {
					wantLikely = append(wantLikely, line)
				} else {
					wantSimilar = append(wantSimilar, line)
				}
			}
			if !slices.Equal(page.likely, wantLikely) || !slices.Equal(page.similar, wantSimilar) {
				t.Errorf("%s: the page shows likely repeats %q and similar %q, the facts %q and %q", in.ID, page.likely, page.similar, wantLikely, wantSimilar)
			}
			// A report the repeat section shows is not listed again
			// under "Referenced by".
			shown := map[string]bool{}
			for _, l := range slices.Concat(page.likely, page.similar, page.later) {
				shown[strings.Fields(l)[0]] = true
			}
			var want []string
			for _, r := range f.ReferencedBy[i] {
				if !shown[url(r.ID)] {
					want = append(want, url(r.ID))
				}
			}
			if !slices.Equal(page.referencedBy, want) {
				t.Errorf("%s: the page lists as referencing it %q, the facts %q", in.ID, page.referencedBy, want)
			}
			listed += len(want)
		}
		if listed == 0 {
			t.Error("no page lists a report under Referenced by")
		}
	})

	t.Run("check and build warnings", func(t *testing.T) {
		var want []string
		for i, in := range arc.Incidents {
			for _, c := range f.Repeats[i] {
				if c.Likely && !slices.Contains(in.RepeatOf, c.ID) && !slices.Contains(in.Related, c.ID) {
					want = append(want, fmt.Sprintf("%s %q", in.Path, c.ID))
				}
			}
		}
		slices.Sort(want)
		_, checked, err := Check(ctx, Config{Source: src, Now: cfg.Now})
		if err != nil {
			t.Fatal(err)
		}
		for what, ds := range map[string][]string{"check": repeatWarnings(checked.All()), "build": repeatWarnings(res.Warnings)} {
			if !slices.Equal(ds, want) {
				t.Errorf("%s warns of likely repeats\n%s\nthe facts\n%s", what, strings.Join(ds, "\n"), strings.Join(want, "\n"))
			}
		}
	})

	docs := Documents(f)
	t.Run("bleve documents", func(t *testing.T) {
		for i := range docs {
			if p := f.Bodies[i].Plain; docs[i].Summary != p.Summary || docs[i].Body != p.Rest || p.Rest == "" {
				t.Errorf("%s: document text %q / %q, the facts %q / %q", docs[i].ID, docs[i].Summary, docs[i].Body, p.Summary, p.Rest)
			}
			if strings.Contains(docs[i].Summary, "zebra") || strings.Contains(docs[i].Body, "|") {
				t.Errorf("%s: markup in the plain text: %q / %q", docs[i].ID, docs[i].Summary, docs[i].Body)
			}
		}
		if !reflect.DeepEqual(indexed, docs) {
			t.Error("the bleve index was given other documents than those of the facts")
		}
	})

	t.Run("static search index", func(t *testing.T) {
		w := &memFiles{files: map[string][]byte{}}
		if _, err := static.Write(ctx, w, docs, static.Options{}); err != nil {
			t.Fatal(err)
		}
		if len(w.files) == 0 {
			t.Fatal("no index")
		}
		for rel, data := range w.files {
			got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("the site's %s is not the index of the facts' documents (%v)", rel, err)
			}
		}
	})

	t.Run("trends", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, "trends.json"))
		if err != nil {
			t.Fatal(err)
		}
		var j struct {
			Generated string `json:"generated"`
			Monthly   []struct {
				Month         string `json:"month"`
				Incidents     int    `json:"incidents"`
				LikelyRepeats int    `json:"likely_repeats"`
			} `json:"monthly"`
		}
		if err := json.Unmarshal(data, &j); err != nil {
			t.Fatal(err)
		}
		tr := f.Trends
		if j.Generated != tr.Now.Format(time.DateOnly) || len(j.Monthly) != len(tr.Months) {
			t.Fatalf("trends.json of %s with %d months, the facts of %s with %d", j.Generated, len(j.Monthly), tr.Now.Format(time.DateOnly), len(tr.Months))
		}
		repeated := 0
		for k, m := range j.Monthly {
			fm := tr.Months[k]
			if m.Month != fm.Key || m.Incidents != fm.Figures.Incidents || m.LikelyRepeats != fm.Figures.Repeats.Count {
				t.Errorf("trends.json's %s: %d reports, %d likely repeats; the facts' %s: %d, %d", m.Month, m.Incidents, m.LikelyRepeats, fm.Key, fm.Figures.Incidents, fm.Figures.Repeats.Count)
			}
			repeated += m.LikelyRepeats
		}
		if repeated == 0 {
			t.Error("no month has a likely repeat")
		}
	})
}

// idsOf are the ids of ins.
func idsOf(ins []*incident.Incident) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}

// repeatWarnings are the warnings of likely repeats not recorded, as
// "path id", sorted.
func repeatWarnings(ds []diag.Diagnostic) []string {
	const prefix = "likely a repeat of "
	var out []string
	for _, d := range ds {
		if d.Field != "repeat_of" || !strings.HasPrefix(d.Message, prefix) {
			continue
		}
		id, err := strconv.QuotedPrefix(d.Message[len(prefix):])
		if err != nil {
			continue
		}
		out = append(out, d.Path+" "+id)
	}
	slices.Sort(out)
	return out
}

// incidentPageLists are the lists of other reports on a report's page:
// links, with scores for the repeat lists.
type incidentPageLists struct {
	likely, similar, later []string // "URL score"
	referencedBy           []string // URL
}

func readIncidentPage(t *testing.T, out string, in *incident.Incident) incidentPageLists {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "incidents", in.Slug, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var p incidentPageLists
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "ul" {
			switch {
			case hasClass(n, "repeat-list") && hasClass(n, "likely"):
				p.likely = repeatItems(n)
			case hasClass(n, "repeat-list") && hasClass(n, "similar"):
				p.similar = repeatItems(n)
			case hasClass(n, "repeat-list") && hasClass(n, "later"):
				p.later = repeatItems(n)
			case hasClass(n, "incident-list") && precededBy(n, "Referenced by"):
				for _, a := range elements(n, "a") {
					p.referencedBy = append(p.referencedBy, attr(a, "href"))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

// repeatItems reads a repeat list: each item's first link and score.
func repeatItems(ul *html.Node) []string {
	var out []string
	for li := ul.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.Data != "li" {
			continue
		}
		score := ""
		for _, s := range elements(li, "span") {
			if hasClass(s, "score") {
				score = strings.TrimPrefix(text(s), "score ")
			}
		}
		out = append(out, attr(elements(li, "a")[0], "href")+" "+score)
	}
	return out
}

// precededBy reports whether the element before n is a heading reading h.
func precededBy(n *html.Node, h string) bool {
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode {
			return s.Data == "h3" && text(s) == h
		}
	}
	return false
}

// memFiles keeps written files in memory.
type memFiles struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memFiles) WriteFile(rel string, data []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[path.Clean(rel)] = bytes.Clone(data)
	return true, nil
}
