package generator

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// onceArchive is an archive whose pages could easily say one thing twice:
// "router-flap-again" lists "router-flap" as related, and repeat
// detection finds it similar too; its text lists its follow-ups, which its
// front matter lists as action items, without tasks. "router-flap" lists
// follow-ups in its text that differ from its front matter. Twelve
// services, each on one report, are two more than a top-ten chart shows.
var onceArchive = map[string]string{
	"site.yaml": "title: Once archive\nbase_url: https://incidents.example.org/\ntask_url: https://tasks.example.org/{task}\n",
	"incidents/2025/a.md": `---
id: 2025-01-10 router-flap
title: Core router flapped after a firmware upgrade
start: 2025-01-10 09:00
end: 2025-01-10 10:30
services: [edge-router, dns, svc-a, svc-b, svc-c, svc-d]
causes: [firmware-bug]
trigger: upgrade
actionables:
  - {title: Roll the firmware back on every core router, task: T500001, owner: net-team, status: done}
---
## Summary

A firmware upgrade on the core routers made their BGP sessions flap every
few minutes; traffic to two sites dropped in waves until the upgrade was
rolled back.

## Actionables

- Write a staged rollout plan for router firmware.
- Add a canary router that takes each upgrade a week early.
`,
	"incidents/2025/b.md": `---
id: 2025-02-20 router-flap-again
title: Core routers flapped again on the next firmware release
start: 2025-02-20 09:00
end: 2025-02-20 09:45
services: [edge-router, svc-e, svc-f, svc-g, svc-h, svc-i, svc-j]
causes: [firmware-bug]
trigger: upgrade
related: [2025-01-10 router-flap]
actionables:
  - {title: Test router firmware on the lab routers before production, owner: net-team, status: open}
  - {title: Page the network team on BGP session flaps, owner: net-team, status: open}
---
## Summary

The next firmware release brought the same BGP session flapping back on
the core routers, as in 2025-01-10 router-flap; it was rolled back within
the hour.

## Actionables

- Test every router firmware release on the lab routers before it reaches
  production. Owner: net-team.
- Page the network team when BGP sessions flap, not only log it. Owner:
  net-team.
`,
}

// buildOnceSite builds onceArchive as if on 15 March 2026: a month, and a
// quarter's first weeks, without incidents.
func buildOnceSite(t *testing.T) string {
	t.Helper()
	dir := writeArchive(t, onceArchive)
	out := filepath.Join(dir, "public")
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test", Now: now}); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return out
}

// mainOf returns the <main> element of a page, without the head, header
// and footer.
func mainOf(page string) string {
	start, end := strings.Index(page, "<main"), strings.Index(page, "</main>")
	if start < 0 || end < start {
		return ""
	}
	return page[start:end]
}

// TestIncidentPageSaysEachThingOnce checks that an earlier report the
// repeat section shows is not listed again under related incidents nor
// named by the pager, that a text's list of the front matter's own items
// gives way to the table (and the table shows no empty Task column), and
// that a text's list of other items is kept beside the table.
func TestIncidentPageSaysEachThingOnce(t *testing.T) {
	out := buildOnceSite(t)
	page := readPage(t, out, "incidents/2025-02-20-router-flap-again/index.html")
	main := mainOf(page)
	const earlier = "Core router flapped after a firmware upgrade"
	if n := strings.Count(main, earlier); n != 1 {
		t.Errorf("the earlier report's title is on the page %d times, want once (in Repeats)", n)
	}
	if !strings.Contains(main, `<h2 id="repeats-h">Repeats</h2>`) || !strings.Contains(main, "listed as related") {
		t.Error("the earlier report is not in the repeat section, with the related link as a reason")
	}
	if strings.Contains(main, `id="links-h"`) {
		t.Error("a Related incidents section is shown though its only report is in Repeats")
	}
	if !strings.Contains(main, `rel="prev"`) {
		t.Error("the pager lost its link to the older report")
	}

	// The text's list named the front matter's two items: one table, in
	// the text's Actionables section, and no second section.
	if n := strings.Count(main, `<table class="actionables">`); n != 1 {
		t.Errorf("%d action-item tables, want 1", n)
	}
	if strings.Contains(main, `id="action-items"`) || strings.Contains(main, `href="#action-items"`) {
		t.Error(`a separate "Action items" section (or its contents entry) is shown though the text's list is the same items`)
	}
	for _, gone := range []string{"Page the network team when BGP sessions flap", "Test every router firmware release"} {
		if strings.Contains(main, gone) {
			t.Errorf("the text's copy of the items is still shown: %q", gone)
		}
	}
	section := main[strings.Index(main, `<h2 id="actionables">`):]
	section = section[:strings.Index(section, "</table>")]
	if !strings.Contains(section, "Page the network team on BGP session flaps") {
		t.Error("the table is not in the text's Actionables section")
	}
	// No item has a task: no Task column. An owner that is one token is
	// kept on one line.
	if strings.Contains(section, `<th scope="col">Task</th>`) || strings.Contains(section, `<td class="task">`) {
		t.Error("the action-item table has a Task column though no item has a task")
	}
	if !strings.Contains(section, `<td class="owner">net-team</td>`) {
		t.Error(`the owner "net-team" is not marked to stay on one line`)
	}

	// The older report's text lists other items than its front matter:
	// both are shown, and its item has a task, so the column is there.
	older := mainOf(readPage(t, out, "incidents/2025-01-10-router-flap/index.html"))
	for _, want := range []string{"Add a canary router that takes each upgrade a week early.", `<h2 id="action-items">Action items</h2>`, `<th scope="col">Task</th>`} {
		if !strings.Contains(older, want) {
			t.Errorf("router-flap's page lacks %q", want)
		}
	}
	// Its pager names the newer report by its date, not by the title
	// the repeat section already shows.
	if n := strings.Count(older, "Core routers flapped again on the next firmware release"); n != 1 {
		t.Errorf("the later report's title is on the older report's page %d times, want once", n)
	}
}

// TestTrendsShowTheRestAsText checks that a top-ten chart has no bar for
// the terms outside the ten: their sum would be the longest bar by far.
// The rest is said under the chart; the data table keeps its row.
func TestTrendsShowTheRestAsText(t *testing.T) {
	out := buildOnceSite(t)
	main := mainOf(readPage(t, out, "trends/index.html"))
	sec := main[strings.Index(main, `<section class="trend-figure" id="services"`):]
	sec = sec[:strings.Index(sec, "</section>")]
	chart := sec[strings.Index(sec, "<svg"):strings.Index(sec, "</svg>")]
	if n := strings.Count(chart, "<rect"); n != 10 {
		t.Errorf("the services chart has %d bars, want the top 10 and none for the rest", n)
	}
	if strings.Contains(chart, "others") {
		t.Error(`the services chart has an "others" bar or label`)
	}
	// 12 services: edge-router on two reports, eleven on one; the ten
	// shown leave two, named once each.
	want := `<figcaption class="chart-rest">And 2 other services, named twice in all, none more than once.</figcaption>`
	if !strings.Contains(sec, want) {
		t.Errorf("the services figure lacks %s", want)
	}
	if !strings.Contains(sec, "(2 others)") {
		t.Error("the data table lost its row for the rest")
	}
}

// TestEmptyPeriodSaysSoOnce checks that a month without incidents is one
// sentence, not a row of cards of zeros ("0 of 0 reports record it").
func TestEmptyPeriodSaysSoOnce(t *testing.T) {
	out := buildOnceSite(t)
	for _, p := range []string{"index.html", "trends/index.html"} {
		main := mainOf(readPage(t, out, p))
		if n := strings.Count(main, `<p class="empty">No incidents this month.</p>`); n != 1 {
			t.Errorf("%s: %d lines saying no incidents this month, want 1", p, n)
		}
		if m := regexp.MustCompile(`\b0 of 0\b`).FindString(main); m != "" {
			t.Errorf("%s: says %q", p, m)
		}
	}
	// This year has incidents in none of its months, this quarter too.
	main := mainOf(readPage(t, out, "trends/index.html"))
	for _, period := range []string{"quarter", "year"} {
		if !strings.Contains(main, fmt.Sprintf(`<p class="empty">No incidents this %s.</p>`, period)) {
			t.Errorf("/trends/ does not say there were no incidents this %s", period)
		}
	}
}
