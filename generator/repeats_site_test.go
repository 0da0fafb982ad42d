package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/incidents-archive/incidents/generator/repeats"
)

// repeatArchive is a small archive in which "search-heap-again" repeats
// "search-heap": the same service and nearly the same words. Two other
// reports, on other services and in other words, give the words their
// weights. The repeat's scorecard contradicts the archive on every
// question the archive can answer.
var repeatArchive = map[string]string{
	"site.yaml": "title: Repeat archive\nbase_url: https://incidents.example.org/\ntask_url: https://tasks.example.org/{task}\n",
	"incidents/2024/a.md": `---
id: 2024-03-01 search-heap
title: "Search heap <b>exhausted</b> & reindex"
start: 2024-03-01 10:00
end: 2024-03-01 12:00
services: [search]
causes: [heap-exhaustion]
trigger: config-change
failure_mode: overload
responders: [Ana Berg, Ben Costa]
actionables:
  - {title: Cap reindex batches, task: T200011, owner: search-team, status: open}
  - {title: Alert on heap, task: T200012, owner: search-team, status: done}
---
## Summary

A mapping change started a full reindex of the elasticsearch cluster. The
cluster ran out of heap, garbage collection pauses grew, shards went
unassigned and queries timed out until the reindex was stopped.
`,
	"incidents/2024/b.md": `---
id: 2024-06-01 search-heap-again
title: Search heap exhausted by reindex again
start: 2024-06-01 10:00
end: 2024-06-01 11:00
task: T300000
paged: 7
services: [search]
causes: [heap-exhaustion]
trigger: config-change
failure_mode: overload
responders: [Ana Berg, Ben Costa, Cy Dahl]
actionables:
  - {title: Throttle reindex, status: open}
scorecard:
  not_a_repeat: yes
  responders_differ: yes
  few_paged: yes
  task_exists: yes
  actionables_assigned: yes
  task_queue_clear: yes
---
## Summary

A mapping change started a full reindex of the elasticsearch cluster. The
cluster ran out of heap, garbage collection pauses grew, shards went
unassigned and queries timed out until the reindex was stopped.
`,
	"incidents/2024/c.md": `---
id: 2024-04-01 payments
title: Payment provider certificate expired
start: 2024-04-01 08:00
services: [payments]
causes: [certificate-expiry]
trigger: expiry
responders: [Dee Eze]
---
The provider's TLS certificate expired and every checkout failed until it
was renewed by hand.
`,
	"incidents/2024/d.md": `---
id: 2024-05-01 dns
title: DNS resolver overloaded by a client bug
start: 2024-05-01 09:00
services: [dns]
causes: [client-bug]
trigger: deploy
---
A client release resolved every name on each request and the resolvers fell
over from the load.
`,
}

func TestSiteShowsRepeats(t *testing.T) {
	dir := writeArchive(t, repeatArchive)
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	checkLinks(t, out, "/", 10, 50)
	read := func(p string) string { return readPage(t, out, p) }
	tests := []struct {
		page     string
		contains []string
		absent   []string
	}{
		{"incidents/2024-06-01-search-heap-again/index.html", []string{
			`<h2 id="repeats-h">Repeats</h2>`,
			`<li class="toc-2"><a href="#repeats-h">Repeats</a></li>`,
			"<h3>Possible repeat of</h3>",
			`<a href="/incidents/2024-03-01-search-heap/">Search heap &lt;b&gt;exhausted&lt;/b&gt; &amp; reindex</a> <span class="score">score `,
			"shared services: search (the same one failed); causes: heap-exhaustion; trigger: config-change; failure mode: overload; matching terms: ",
			// The chain's other report is the possible repeat above: its
			// action items' states go with that line, and the chain is
			// not listed again.
			`<a class="task" href="https://tasks.example.org/T200011">T200011</a> was still open when this recurred`,
			`<a class="task" href="https://tasks.example.org/T200012">T200012</a> is done <span class="muted">(when is not recorded)</span>`,
			`<a href="/repeats/">All recurrence chains and repeat rates</a>`,
			// The scorecard against the archive.
			`<th scope="col">Archive shows</th>`,
			"<strong>5 answers disagree with what the archive shows.</strong>",
			"The report says <strong>yes</strong>; the archive shows <strong>no</strong>: likely repeat of 2024-03-01 search-heap (score ",
			"the archive shows <strong>no</strong>: 2 of 3 responders also responded to one of the 3 incidents before (Ana Berg, Ben Costa).",
			"the archive shows <strong>no</strong>: 7 people paged.",
			"the archive shows <strong>no</strong>: 1 of 1 action item has no owner.",
			"the archive shows <strong>no</strong>: still open: T200011 of 2024-03-01 search-heap.",
			`<strong class="flag">disagrees</strong>`,
			// The rule of a disagreeing answer is shown once, in words,
			// not again as the answer's title.
			`<td class="computed"><span class="answer-no">no</span> <strong class="flag">disagrees</strong><br><span class="muted">`,
			`How the archive computes its answers`,
		}, []string{"<h3>Recurred later as</h3>", "<h3>Similar earlier incidents</h3>", "<h3>Recurrence chain</h3>"}},
		{"incidents/2024-03-01-search-heap/index.html", []string{
			"<h3>Recurred later as</h3>",
			`<a href="/incidents/2024-06-01-search-heap-again/">Search heap exhausted by reindex again</a>`,
		}, []string{"<h3>Possible repeat of</h3>", "was still open when this recurred", "Archive shows", "<h3>Recurrence chain</h3>"}},
		{"incidents/2024-04-01-payments/index.html", nil, []string{`<h2 id="repeats-h">`}},
		{"repeats/index.html", []string{
			"1 of 4 reports is a likely repeat of an earlier one, in 1 recurrence chain.",
			`<section class="chain-group" id="chain-2024-03-01-search-heap"><h3>2 reports,`,
			`<a href="/incidents/2024-06-01-search-heap-again/">`,
			`<span class="warn">1 open action item</span>`,
			`<h2 id="service-rates-h">Repeat rate by service</h2>`,
			"<td><a href=\"/services/search/\">search</a></td>\n  <td class=\"num\">2</td>\n  <td class=\"num\">1</td>\n  <td class=\"num\" data-sort=\"0.5000\">50%</td>",
			"<td><a href=\"/causes/heap-exhaustion/\">heap-exhaustion</a></td>",
			"2 other services have none.",
			`<a href="/repeats/" aria-current="page">Repeats</a>`,
		}, []string{"&lt;b&gt;exhausted&lt;/b&gt; &amp;amp;"}},
		{"sitemap.xml", []string{"<loc>https://incidents.example.org/repeats/</loc>"}, nil},
		{"index.html", []string{`<a href="/repeats/">Repeats</a>`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			s := read(tt.page)
			for _, c := range tt.contains {
				if !strings.Contains(s, c) {
					t.Errorf("missing %q", c)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(s, a) {
					t.Errorf("unexpected %q", a)
				}
			}
			if strings.HasSuffix(tt.page, ".html") {
				doc, err := html.Parse(strings.NewReader(s))
				if err != nil {
					t.Fatal(err)
				}
				for _, problem := range injected(doc) {
					t.Error(problem)
				}
			}
		})
	}

	// incidents.json: every report has repeats, the repeat with its
	// likely candidate and the reasons.
	var doc struct {
		Incidents []struct {
			ID      string               `json:"id"`
			Repeats *[]repeats.Candidate `json:"repeats"`
		} `json:"incidents"`
	}
	data := read("incidents.json")
	if err := json.NewDecoder(bytes.NewReader([]byte(data))).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, in := range doc.Incidents {
		if in.Repeats == nil {
			t.Errorf("%s: no repeats key", in.ID)
			continue
		}
		if in.ID != "2024-06-01 search-heap-again" {
			continue
		}
		rs := *in.Repeats
		if len(rs) == 0 || rs[0].ID != "2024-03-01 search-heap" || !rs[0].Likely || rs[0].Score < 0.5 || len(rs[0].Why.Services) != 1 || len(rs[0].Why.Terms) == 0 {
			t.Errorf("repeats of the repeat = %+v", rs)
		}
	}
	if !strings.Contains(data, `"repeats":[{"id":"2024-03-01 search-heap","score":`) {
		t.Error(`incidents.json lacks "repeats":[{"id":..., "score":...`)
	}
}

// proseArchive is an archive shaped like an imported one: reports whose
// metadata names no service, whose text names hosts and earlier reports.
// "2024-05-02 store" says that "2024-02-10 store" was an earlier
// incarnation of it; "2024-06-20 store" names "2024-02-10 store" only to
// call it unrelated.
var proseArchive = map[string]string{
	"site.yaml": "title: Prose archive\nbase_url: https://incidents.example.org/\nservices:\n  sessionstore: {hosts: ['sessionstore\\d+']}\n  payments: {}\n",
	"incidents/2024/a.md": "---\nid: 2024-02-10 store\ntitle: Writes refused\nstart: 2024-02-10 08:00\n---\n" +
		"Two members of the ensemble on sessionstore1001 and sessionstore1002 restarted together and the cluster lost quorum.\n",
	"incidents/2024/b.md": "---\nid: 2024-05-02 store\ntitle: Stale reads\nstart: 2024-05-02 09:00\n---\n" +
		"Clients froze their configuration while sessionstore1003 was electing a leader. A previous incarnation of this occurred in 2024-02-10 store.\n",
	"incidents/2024/c.md": "---\nid: 2024-06-20 store\ntitle: Writes refused again\nstart: 2024-06-20 09:00\n---\n" +
		"Two members of the ensemble on sessionstore1004 restarted together and the cluster lost quorum. At first this looked like 2024-02-10 store, but it turned out to be unrelated: a disk failed.\n",
	"incidents/2024/d.md": "---\nid: 2024-03-01 payments\ntitle: Card payments declined\nstart: 2024-03-01 10:00\nservices: [payments]\n---\nThe card processor rotated its keys and every payment was declined.\n",
}

func TestSiteShowsWhatTheAuthorsWrote(t *testing.T) {
	dir := writeArchive(t, proseArchive)
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	read := func(p string) string { return readPage(t, out, p) }
	tests := []struct {
		page     string
		contains []string
		absent   []string
	}{
		{"incidents/2024-05-02-store/index.html", []string{
			"<h3>Possible repeat of</h3>",
			`this report names the other and says &#34;previous incarnation&#34;`,
			"the service named in the text by this report: sessionstore1003 ↔ sessionstore; the earlier report: sessionstore1001, sessionstore1002 ↔ sessionstore",
		}, []string{"called unrelated"}},
		{"incidents/2024-06-20-store/index.html", []string{
			"<h3>Similar, but called unrelated</h3>",
			`called unrelated by this report (&#34;unrelated&#34;)`,
		}, []string{"likely repeat of 2024-02-10 store"}},
		{"repeats/index.html", []string{`<p class="muted" id="score-meaning">What a score is worth, measured on generated archives`,
			`<table class="calibration" aria-describedby="score-meaning">`, `<td>shaped like real ones (long, uneven reports, few tags)</td><td class="num">99</td>`}, nil},
	}
	for _, tt := range tests {
		page := read(tt.page)
		for _, want := range tt.contains {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", tt.page, want)
			}
		}
		for _, not := range tt.absent {
			if strings.Contains(page, not) {
				t.Errorf("%s has %q", tt.page, not)
			}
		}
	}
	// The earlier report recurred as the one that says so, not as the one
	// that calls it unrelated.
	page := read("incidents/2024-02-10-store/index.html")
	_, later, _ := strings.Cut(page, "<h3>Recurred later as</h3>")
	later, _, _ = strings.Cut(later, "</ul>")
	if !strings.Contains(later, "/incidents/2024-05-02-store/") || strings.Contains(later, "/incidents/2024-06-20-store/") {
		t.Errorf("the earlier report's later recurrences: %s", later)
	}
}

// TestLongChainPages builds an archive where one problem came back 30
// times, more than /repeats/ and a report's page list whole: the chain
// gets pages of its own, ListPageSize reports a page, and each report's
// page lists the chain's oldest and newest reports and the ten either
// side of itself, numbered as in the whole chain.
func TestLongChainPages(t *testing.T) {
	const reports = 30
	dir := writeArchive(t, longChainArchive(reports))
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test", ListPageSize: 12}); err != nil {
		t.Fatal(err)
	}
	slug := func(i int) string {
		return time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).Format("2006-01-02") + fmt.Sprintf("-cache-flood-%02d", i)
	}
	listed := func(page string) []int {
		var got []int
		for i := range reports {
			if strings.Contains(page, `href="/incidents/`+slug(i)+`/"`) {
				got = append(got, i)
			}
		}
		return got
	}
	chainDir := "/repeats/chains/" + slug(0) + "/"
	repeatsPage := readPage(t, out, "repeats/index.html")
	if !strings.Contains(repeatsPage, `5 more reports in between: <a href="`+chainDir+`">the whole chain</a>`) {
		t.Errorf("/repeats/ does not link the whole chain at %s", chainDir)
	}
	// The chain's own pages: 12, 12 and 6 reports, numbered on.
	for n, want := range [][]int{seq(0, 12), seq(12, 24), seq(24, 30)} {
		p := strings.TrimPrefix(chainDir, "/") + "index.html"
		if n > 0 {
			p = strings.TrimPrefix(chainDir, "/") + fmt.Sprintf("page/%d/index.html", n+1)
		}
		page := readPage(t, out, p)
		if got := listed(page); !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", p, got, want)
		}
		if start := fmt.Sprintf(`<ol class="chain" start="%d">`, want[0]+1); !strings.Contains(page, start) {
			t.Errorf("%s has no %s", p, start)
		}
		if !strings.Contains(page, "30 reports joined by likely repeats") {
			t.Errorf("%s does not count the chain's reports", p)
		}
	}
	if _, err := os.Stat(filepath.Join(out, strings.TrimPrefix(chainDir, "/"), "page", "4")); err == nil {
		t.Errorf("a fourth page of the chain was written")
	}
	for _, tt := range []struct {
		at     int
		listed []int // besides the report itself
		gaps   []string
	}{
		{0, append(seq(1, 11), 29), []string{"18 more reports"}},
		{15, append(append([]int{0}, seq(5, 15)...), append(seq(16, 26), 29)...), []string{"4 more reports", "3 more reports"}},
		{29, append([]int{0}, seq(19, 29)...), []string{"18 more reports"}},
		{11, append([]int{0}, append(seq(1, 11), append(seq(12, 22), 29)...)...), []string{"7 more reports"}},
	} {
		page := readPage(t, out, "incidents/"+slug(tt.at)+"/index.html")
		chain := page[strings.Index(page, "<h3>Recurrence chain</h3>"):]
		chain = chain[:strings.Index(chain, "</ol>")]
		if got := listed(chain); !slices.Equal(got, tt.listed) {
			t.Errorf("report %d's chain lists %v, want %v", tt.at, got, tt.listed)
		}
		if !strings.Contains(chain, `<a href="`+chainDir+`">The whole chain</a>`) {
			t.Errorf("report %d does not link the whole chain", tt.at)
		}
		if got := strings.Count(chain, `class="gap"`); got != len(tt.gaps) {
			t.Errorf("report %d's chain has %d gaps, want %d", tt.at, got, len(tt.gaps))
		}
		for _, g := range tt.gaps {
			if !strings.Contains(chain, `<li class="gap">`+g+"</li>") {
				t.Errorf("report %d's chain has no gap of %s:\n%s", tt.at, g, chain)
			}
		}
		if !strings.Contains(chain, `<li aria-current="true"`) {
			t.Errorf("report %d's chain does not mark it", tt.at)
		}
		// The newest report keeps its number in the whole chain.
		if tt.at < 29 && !strings.Contains(chain, `<li value="30">`) {
			t.Errorf("report %d's chain does not number the newest 30", tt.at)
		}
	}
	checkLinks(t, out, "/", 30, 100)
}

// longChainArchive is an archive in which one problem came back n times,
// a week apart, as reports r00.md … (ids "2023-01-01 cache-flood-00" …),
// beside three reports of other things.
func longChainArchive(n int) map[string]string {
	files := map[string]string{"site.yaml": "title: Long chain\n"}
	for i := range n {
		files[fmt.Sprintf("incidents/r%02d.md", i)] = longChainReport(i, fmt.Sprintf("Cache flood number %d", i))
	}
	for i, words := range []string{"A certificate expired on the payment gateway.", "A disk filled on the log host.", "A resolver crashed after a bad release."} {
		files[fmt.Sprintf("incidents/other%d.md", i)] = fmt.Sprintf("---\nid: 2022-0%d-01 other-%d\ntitle: Other %d\nstart: 2022-0%d-01 10:00\nservices: [other-%d]\n---\n%s\n", i+1, i, i, i+1, i, words)
	}
	return files
}

// longChainReport is the i-th report of longChainArchive, titled title.
func longChainReport(i int, title string) string {
	day := time.Date(2023, 1, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i)
	return fmt.Sprintf(`---
id: %s cache-flood-%02d
title: %s
start: %s
services: [cache]
causes: [thundering-herd]
trigger: expiry
failure_mode: overload
---
The cache's keys expired together and every request went to the origin
database, which ran out of connections until the keys were warmed again.
It began on shard%02d and spread to shard%02d.
`, day.Format("2006-01-02"), i, title, day.Format("2006-01-02 15:04"), i, i+1)
}

// seq is the integers from lo up to hi, hi left out.
func seq(lo, hi int) []int {
	var out []int
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}
