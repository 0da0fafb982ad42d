package mdimport

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/importer"
)

// testMapping is a mapping in the style of the shipped examples, with a
// value map, for the table tests.
const testMapping = `uuid: ignore
url: keep
start_time: start
end_time: end
date: start
categories: causes
keywords: causes
company: services
product: services
summary: impact
pages: paged
state:
  to: status
  values: {published: final, wip: draft}
kind:
  to: trigger
  values: {Deployment: deploy}
`

// expect is what one case checks; zero fields are not checked, except
// that Unmapped, Warnings and Status are always compared.
type expect struct {
	id, title, status string
	start, end        string // RFC 3339; "-" for zero
	services, causes  []string
	impact            string
	paged             string // as text; "-" for none
	unmapped          []string
	warnings          []string // "field/kind"
	bodyHas           []string
	bodyHasNot        []string
}

func runCases(t *testing.T, m *Mapping, cases []struct {
	name, path, text string
	want             expect
}) {
	t.Helper()
	site := bundledSite(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Convert(tc.path, []byte(tc.text), m, Options{Site: site})
			checkInvariants(t, r, site)
			w := tc.want
			eq := func(what, got, want string) {
				if want != "" && got != want {
					t.Errorf("%s = %q; want %q", what, got, want)
				}
			}
			eq("id", r.ID, w.id)
			eq("title", r.Title, w.title)
			if r.Status != w.status {
				t.Errorf("status = %q; want %q", r.Status, w.status)
			}
			eq("start", fmtTime(r.Start), w.start)
			eq("end", fmtTime(r.End), w.end)
			eq("impact", r.Impact, w.impact)
			paged := "-"
			if r.Paged != nil {
				paged = fmt.Sprint(*r.Paged)
			}
			eq("paged", paged, w.paged)
			if w.services != nil && !slices.Equal(r.Services, w.services) {
				t.Errorf("services = %q; want %q", r.Services, w.services)
			}
			if w.causes != nil && !slices.Equal(r.Causes, w.causes) {
				t.Errorf("causes = %q; want %q", r.Causes, w.causes)
			}
			var unmapped []string
			for _, f := range r.Unmapped {
				unmapped = append(unmapped, f.Name+"="+f.Value)
			}
			if !slices.Equal(unmapped, w.unmapped) {
				t.Errorf("unmapped = %q; want %q", unmapped, w.unmapped)
			}
			var warnings []string
			for _, x := range r.Warnings {
				warnings = append(warnings, x.Field+"/"+x.Kind)
			}
			if !slices.Equal(warnings, w.warnings) {
				t.Errorf("warnings = %q; want %q\n%s", warnings, w.warnings, describe(r.Warnings))
			}
			for _, s := range w.bodyHas {
				if !strings.Contains(r.Body, s) {
					t.Errorf("body lacks %q:\n%s", s, r.Body)
				}
			}
			for _, s := range w.bodyHasNot {
				if strings.Contains(r.Body, s) {
					t.Errorf("body still holds %q:\n%s", s, r.Body)
				}
			}
		})
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func describe(ws []importer.Warning) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "  %s [%s] %s\n", w.Field, w.Kind, w.Message)
	}
	return b.String()
}

func TestConvertFrontMatter(t *testing.T) {
	m, err := ParseMapping("map.yaml", []byte(testMapping))
	if err != nil {
		t.Fatal(err)
	}
	runCases(t, m, []struct {
		name, path, text string
		want             expect
	}{
		{"every key mapped", "x/2021-05-01-api.md", `---
uuid: 1234
url: https://example.test/pm/1
title: API answered 503
start_time: 2021-05-01T10:00:00Z
end_time: May 1, 2021 11:30 UTC
categories: [Config Change, retry storm]
keywords: config-change
company: Example
product: [MW-API, search]
summary: Half the API calls failed.
pages: 3
state: Published
kind: deployment
---
Body text.
`, expect{id: "2021-05-01 api", title: "API answered 503", status: "final",
			start: "2021-05-01T10:00:00Z", end: "2021-05-01T11:30:00Z",
			services: []string{"example", "mediawiki-api", "search"}, causes: []string{"config-change", "retry-storm"},
			impact: "Half the API calls failed.", paged: "3",
			unmapped: []string{"url=https://example.test/pm/1"}, bodyHas: []string{"Body text."}}},

		{"unmapped keys preserved", "x/2021-05-02-db.md", `---
title: DB slow
start_time: 2021-05-02 08:00
author: Sam
owners: [ops, dba]
extra: {region: eu, zones: [a, b]}
---
`, expect{status: "", start: "2021-05-02T08:00:00Z",
			unmapped: []string{"author=Sam", "owners=ops, dba", "extra={region: eu, zones: [a, b]}"},
			warnings: []string{"author/key not in mapping", "owners/key not in mapping", "extra/key not in mapping"}}},

		{"values not understood are kept", "x/2021-05-03-cache.md", `---
title: Cache
start_time: 2021-05-03 08:00
end_time: when it was fixed
pages: batphone
state: retracted
kind: solar flare
company: {name: Example}
---
`, expect{start: "2021-05-03T08:00:00Z", end: "-", paged: "-",
			unmapped: []string{"end_time=when it was fixed", "pages=batphone", "state=retracted", "kind=solar flare", "company={name: Example}"},
			warnings: []string{"end_time/value not understood", "pages/value not understood", "state/value not understood", "kind/value not understood", "company/value not understood"}}},

		{"conflicting sources for one key", "x/2021-05-04-x.md", `---
title: X
start_time: 2021-05-04 08:00
date: 2021-05-05
---
`, expect{start: "2021-05-04T08:00:00Z",
			unmapped: []string{"date=2021-05-05"}, warnings: []string{"date/conflicting values"}}},

		{"same value from two sources is no conflict", "x/2021-05-04-y.md", `---
title: Y
start_time: 2021-05-04 08:00
date: 2021-05-04T08:00:00Z
---
`, expect{start: "2021-05-04T08:00:00Z"}},

		{"end before start is kept, not written", "x/2021-05-06-z.md", `---
title: Z
start_time: 2021-05-06 10:00
end_time: 2021-05-06 09:00
---
`, expect{start: "2021-05-06T10:00:00Z", end: "-",
			unmapped: []string{"end_time=2021-05-06 09:00"}, warnings: []string{"end/conflicting values"}}},

		{"keys of ours need no mapping", "x/whatever.md", `---
id: 2021-05-07 ours
title: Ours
start: 2021-05-07
status: review
services: [parsoid-js]
---
`, expect{id: "2021-05-07 ours", status: "review", start: "2021-05-07T00:00:00Z", services: []string{"parsoid"}}},

		{"source keys match without case", "x/2021-05-08-c.md", `---
Title: Case
START_TIME: 2021-05-08 10:00
URL: https://example.test
---
`, expect{title: "Case", start: "2021-05-08T10:00:00Z", unmapped: []string{"URL=https://example.test"}}},

		{"TOML front matter", "x/2021-05-09-toml.md", `+++
title = "Toml"
start_time = 2021-05-09T10:00:00Z
categories = "dns, tls"
uuid = "abc"
+++
Text.
`, expect{title: "Toml", start: "2021-05-09T10:00:00Z", causes: []string{"dns", "tls"}, bodyHas: []string{"Text."}}},

		{"front matter that is not YAML", "x/2021-05-10-bad.md", `---
title: [unclosed
start_time: 2021-05-10
---
# Broken front matter

Start: 2021-05-10 10:00
`, expect{title: "Broken front matter", start: "2021-05-10T10:00:00Z",
			unmapped: []string{"front matter=title: [unclosed\nstart_time: 2021-05-10"},
			warnings: []string{"/front matter not read"}, bodyHasNot: []string{"Start:", "unclosed"}}},

		{"no start anywhere: a draft", "x/notes.md", `---
title: Notes
state: published
---
`, expect{id: "notes", status: "draft", start: "-", warnings: []string{"start/required field missing"}}},

		{"labelled lines fill what the front matter lacks, not more", "x/2021-05-11-mix.md", `---
title: Mix
end_time: 2021-05-11 12:00
---
Start: 2021-05-11 11:00
End: 2021-05-11 13:00
`, expect{start: "2021-05-11T11:00:00Z", end: "2021-05-11T12:00:00Z",
			bodyHas: []string{"End: 2021-05-11 13:00"}, bodyHasNot: []string{"Start:"}}},

		{"a heading repeating the title is removed", "x/2021-05-12-h.md", `---
title: Same Title
start_time: 2021-05-12
---

# Same  title

Text.
`, expect{title: "Same Title", bodyHasNot: []string{"# Same"}, bodyHas: []string{"Text."}}},

		{"a heading unlike the title stays", "x/2021-05-13-h.md", `---
title: Front title
start_time: 2021-05-13
---
# Another heading
`, expect{title: "Front title", bodyHas: []string{"# Another heading"}}},

		{"control characters are refused", "x/2021-05-14-ctl.md", "---\ntitle: \"Bad\\x07title\"\nstart_time: 2021-05-14\n---\n",
			expect{title: "ctl", unmapped: []string{"title=Bad\atitle"},
				warnings: []string{"title/value not understood", "title/guessed"}}},

		{"a title too long for the build", "x/2021-05-15-long.md", "---\ntitle: " + strings.Repeat("word ", 70) + "\nstart_time: 2021-05-15\n---\n",
			expect{title: "long", unmapped: []string{"title=" + strings.TrimSpace(strings.Repeat("word ", 70))},
				warnings: []string{"title/value not understood", "title/guessed"}}},
	})
}

func TestConvertWithoutMapping(t *testing.T) {
	r := Convert("a/2021-06-01-x.md", []byte("---\ntitle: T\nstart: 2021-06-01\nuuid: 1\n---\n"), nil, Options{})
	if len(r.Unmapped) != 1 || r.Unmapped[0].Name != "uuid" || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Message, "no mapping file was given") {
		t.Errorf("unmapped %v, warnings %v; want uuid kept with a warning that no mapping was given", r.Unmapped, r.Warnings)
	}
}

// TestConvertPlain covers reports without front matter: the title from
// the first heading, dates from labelled lines in each style and from the
// file name, and drafts when no date is found.
func TestConvertPlain(t *testing.T) {
	const body = "\nThe story.\n"
	runCases(t, nil, []struct {
		name, path, text string
		want             expect
	}{
		{"Date: and Start: lines", "p/db.md", "# DB\n\nDate: 2024-01-05\nStart: 10:02 UTC\n" + body,
			expect{id: "2024-01-05 db", title: "DB", start: "2024-01-05T10:02:00Z", bodyHasNot: []string{"Date:", "Start:", "# DB"}, bodyHas: []string{"The story."}}},
		{"bold labels, colon inside", "p/a.md", "# A\n\n**Date:** January 5, 2024\n**Start:** 2:30 PM\n**End:** 3:10 PM\n" + body,
			expect{start: "2024-01-05T14:30:00Z", end: "2024-01-05T15:10:00Z", bodyHasNot: []string{"**"}}},
		{"bold labels, colon outside", "p/a.md", "# A\n\n**Start**: 2024-01-05 10:00\n**Duration**: 1h 15m\n" + body,
			expect{start: "2024-01-05T10:00:00Z", end: "2024-01-05T11:15:00Z"}},
		{"list labels", "p/a.md", "# A\n\n- Start: 2024-01-05 10:00\n- End: 2024-01-05 10:30\n- Owner: me\n" + body,
			expect{start: "2024-01-05T10:00:00Z", end: "2024-01-05T10:30:00Z", bodyHas: []string{"- Owner: me"}}},
		{"bold list labels and a numbered list", "p/a.md", "# A\n\n* **Date:** 5 Jan 2024\n1. Start: 09:00\n" + body,
			expect{start: "2024-01-05T09:00:00Z"}},
		{"a zone in the label", "p/a.md", "# A\n\nStart (UTC): 2024-01-05 10:00\n" + body,
			expect{start: "2024-01-05T10:00:00Z"}},
		{"an ambiguous zone in the label", "p/a.md", "# A\n\nStart (PST): 2024-01-05 10:00\n" + body,
			expect{status: "draft", start: "-", warnings: []string{"Start/value not understood", "start/required field missing"}, bodyHas: []string{"Start (PST)"}}},
		{"a date-time that carries its own offset", "p/a.md", "# A\n\nStarted at: 2024-01-05T10:00:00+02:00\nResolved at: 2024-01-05T12:00:00+02:00\n" + body,
			expect{start: "2024-01-05T08:00:00Z", end: "2024-01-05T10:00:00Z"}},
		{"an end past midnight", "p/a.md", "# A\n\nDate: 2024-01-05\nStart: 23:40\nEnd: 00:20\n" + body,
			expect{start: "2024-01-05T23:40:00Z", end: "2024-01-06T00:20:00Z", warnings: []string{"end/guessed"}}},
		{"the file name's date and a Start: time", "p/2024-01-05-x.md", "# A\n\nStart: 10:00\n" + body,
			expect{id: "2024-01-05 x", start: "2024-01-05T10:00:00Z", warnings: []string{"start/guessed"}}},
		{"the file name's date alone", "p/20240105_cache.md", "# A\n" + body,
			expect{id: "2024-01-05 cache", start: "2024-01-05T00:00:00Z", warnings: []string{"start/guessed"}}},
		{"a page bundle's folder", "p/2024-01-05-bundle/index.md", "# A\n" + body,
			expect{id: "2024-01-05 bundle", start: "2024-01-05T00:00:00Z", warnings: []string{"start/guessed"}}},
		{"a hash for a file name: the id from the title", "p/91b2e7d05c3a4f8e.md", "# Queue full\n\nDate: 2024-01-05\n" + body,
			expect{id: "2024-01-05 queue-full"}},
		{"no date: a draft", "p/notes.md", "# Notes\n" + body,
			expect{id: "notes", status: "draft", start: "-", warnings: []string{"start/required field missing"}}},
		{"a time of day and no date: a draft", "p/notes.md", "# Notes\n\nStart: 10:00\n" + body,
			expect{status: "draft", start: "-", warnings: []string{"Start/value not understood", "start/required field missing"}, bodyHas: []string{"Start: 10:00"}}},
		{"a date not understood stays in the body", "p/notes.md", "# Notes\n\nDate: the day after the launch\n" + body,
			expect{status: "draft", start: "-", warnings: []string{"Date/value not understood", "start/required field missing"}, bodyHas: []string{"Date: the day after"}}},
		{"a duration not understood stays in the body", "p/a.md", "# A\n\nStart: 2024-01-05 10:00\nDuration: most of the morning\n" + body,
			expect{start: "2024-01-05T10:00:00Z", end: "-", warnings: []string{"Duration/value not understood"}, bodyHas: []string{"Duration: most"}}},
		{"labels after the first section are prose", "p/a.md", "# A\n\nStart: 2024-01-05 10:00\n\n## Timeline\n\nEnd: 2024-01-05 11:00\n",
			expect{start: "2024-01-05T10:00:00Z", end: "-", bodyHas: []string{"End: 2024-01-05 11:00"}}},
		{"labels in fenced code are code", "p/a.md", "# A\n\n```\nStart: 2024-01-05 10:00\n```\n",
			expect{status: "draft", start: "-", warnings: []string{"start/required field missing"}, bodyHas: []string{"Start: 2024-01-05 10:00"}}},
		{"a level-2 first heading is not the title", "p/2024-01-05-name-here.md", "## Summary\n\nText.\n",
			expect{title: "name here", warnings: []string{"start/guessed", "title/guessed"}, bodyHas: []string{"## Summary"}}},
		{"no title anywhere", "p/2024-01-05.md", "Text.\n",
			expect{status: "draft", warnings: []string{"start/guessed", "title/required field missing"}}},
		{"other labels", "p/a.md", "# A\n\nDate: 2024-01-05\nImpact: Logins failed.\nTicket: T1234\nAffected services: mw-api, Search\nResponders: Ana, Bo\nIncident commander: Cy\n" + body,
			expect{impact: "Logins failed.", services: []string{"mediawiki-api", "search"},
				bodyHasNot: []string{"Impact:", "Ticket:", "Affected", "Responders:", "commander"}}},
		{"an impact over several lines", "p/a.md", "# A\n\nDate: 2024-01-05\nImpact: Logins failed\nfor an hour.\nTask: see the notes\nbelow.\n" + body,
			expect{impact: "Logins failed\nfor an hour.", bodyHasNot: []string{"Impact:", "for an hour."}, bodyHas: []string{"Task: see the notes\nbelow."}}},
		{"CRLF line endings and a byte-order mark", "p/a.md", "\ufeff# A\r\n\r\nDate: 2024-01-05\r\n\r\nText.\r\n",
			expect{title: "A", start: "2024-01-05T00:00:00Z", bodyHasNot: []string{"\r"}}},
		{"bytes that are not UTF-8", "p/a.md", "# A\xff\n\nDate: 2024-01-05\n",
			expect{title: "A\uFFFD", warnings: []string{"/text encoding repaired"}}},
	})
}

func TestConvertRecordsSource(t *testing.T) {
	data := []byte("# A\n\nDate: 2024-01-05\n")
	r := Convert("in/a.md", data, nil, Options{})
	if r.ImportedFrom != "in/a.md" {
		t.Errorf("imported_from = %q; want the path", r.ImportedFrom)
	}
	// SHA-256 of the bytes above, computed with sha256sum.
	if want := "65c6504095ff6a76106272724104d9b2b363738b1d4b3eb8f8b6a8b487dbacc5"; r.SourceHash != want {
		t.Errorf("source hash = %s; want %s", r.SourceHash, want)
	}
	other := Convert("in/a.md", append(data, '\n'), nil, Options{})
	if other.SourceHash == r.SourceHash {
		t.Error("a changed file has the same hash")
	}
}
