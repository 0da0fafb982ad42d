package incident

import (
	"bytes"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// roundTrip encodes in and decodes it with its body.
func roundTrip(t *testing.T, in *Incident) *Incident {
	t.Helper()
	data := in.AppendBinary(nil)
	if again := in.AppendBinary(nil); !bytes.Equal(data, again) {
		t.Fatal("one report encodes to different bytes twice")
	}
	out, err := DecodeBinary(data, in.Body)
	if err != nil {
		t.Fatalf("DecodeBinary: %v", err)
	}
	// The report keeps no part of data, which the build cache reuses for
	// the next record: scribbled over, it must not change the report.
	for i := range data {
		data[i] = 0xAA
	}
	return out
}

func TestBinaryRoundTripsParsedReports(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"sparse", "---\nid: 2009-01-01 db\ntitle: Database down\nstart: 2009-01-01\n---\nIt broke.\n"},
		{"every key", `---
id: 2026-02-23 ml-serve
title: Istio upgrade broke model servers
status: review
task: T418722
start: 2026-02-23 17:20:00+01:00
end: 2026-02-24 12:50:00
detected: 2026-02-24 10:15:00
detection: human
paged: 0
paged_after_hours: 3
responders: [Ana, Ben, Ana]
coordinators: [Chen]
services: [mw-api, API-AppServers, parsoid]
sites: [CODFW]
slos: [api-latency]
impact: Model servers answered 5XX.
requests_failed: 120000
causes: [Mesh-Routing]
trigger: upgrade
failure_mode: fast-fail
related: [2020-01-01 older]
repeat_of: [2019-01-01 oldest]
actionables:
  - title: Route alerts
    task: T418800
    owner: ml-team
  - Write the runbook
scorecard:
  few_paged: yes
  task_exists: {answer: "Yes", note: see task}
  runbook_used: no
imported_from: "wiki: Incidents/2026-02-23 ml-serve @ 1234"
---
## Summary

Body text.
`},
		{"warnings, foreign keys and bad values", "---\nid: 2026-01-01 w\ntitle: W\nstart: 2026-01-01\nend: later\ntags: [a]\ndate: 2026-01-01\ncolour: red\ntrigger: moon\nscorecard:\n  nonsense: yes\nactionables:\n  - {title: T, task: nope, extra: 1}\n---\nbody\n"},
		{"no id: a file written for another tool", "---\ntitle: Hugo post\ndate: 2026-01-01\ntags: [x]\n---\ntext\n"},
		{"TOML", "+++\nid = \"2026-03-01 toml\"\ntitle = \"TOML report\"\nstart = \"2026-03-01 10:00\"\nservices = [\"a\", \"b\"]\n+++\nBody.\n"},
		{"no body", "---\nid: 2026-01-02 e\ntitle: E\nstart: 2026-01-02\n---\n"},
		{"CRLF", "---\r\nid: 2026-01-03 c\r\ntitle: C\r\nstart: 2026-01-03\r\n---\r\nLine one.\r\nLine two.\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.List
			in := Parse("content/r.md", []byte(tt.text), testSite(t), &diags)
			if in == nil {
				if tt.name != "no id: a file written for another tool" {
					t.Fatalf("Parse gave no report: %v", diags.All())
				}
				return
			}
			in.File = "r.md"
			if got := roundTrip(t, in); !reflect.DeepEqual(got, in) {
				t.Errorf("round trip changed the report:\n got %#v\nwant %#v", got, in)
			}
		})
	}
}

// fullIncident has every field set, the unexported ones included.
func fullIncident() *Incident {
	n := func(v int64) *int64 { return &v }
	at := time.Date(2026, 2, 23, 17, 20, 0, 5, time.UTC)
	return &Incident{
		ID: "2026-02-23 x", Slug: "2026-02-23-x", Title: "X", Status: Review, Task: "T1",
		Start: at, End: at.Add(time.Hour), Detected: at.Add(time.Minute), Detection: "human",
		Paged: n(0), PagedAfterHours: n(2), Responders: []string{"a"}, Coordinators: []string{}, Services: []string{"s"},
		Sites: []string{"eqiad"}, SLOs: []string{"slo"}, Impact: "i", RequestsFailed: n(-1), Trigger: "deploy",
		Causes: []string{"c"}, FailureMode: "overload", Related: []string{"r"}, RepeatOf: []string{"p"},
		Actionables:  []Actionable{{Title: "t", Task: "T2", Owner: "o", Status: "open", Line: 9}},
		Scorecard:    []ScoredAnswer{{Key: "k", Answer: Yes, Note: "n", Line: 10}},
		ImportedFrom: "wiki", Duration: time.Hour, TTD: time.Minute, Score: Score{Yes: 1, Answered: 1},
		Path: "content/x.md", File: "x.md", Body: []byte("body"), BodyLine: 30, Digest: [16]byte{1, 2, 3}, FieldsDigest: [16]byte{4, 5, 6},
		lines: []keyLine{{"", 1}, {"id", 2}}, bad: []string{"end"}, foreign: []foreignKey{{key: "tags", line: 4, hint: "h"}},
	}
}

// TestBinaryCoversEveryField fails when Incident gains a field that
// fullIncident leaves unset: set it there, and encode it in AppendBinary.
func TestBinaryCoversEveryField(t *testing.T) {
	in := fullIncident()
	v := reflect.ValueOf(in).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("fullIncident leaves %s unset", v.Type().Field(i).Name)
		}
	}
	if got := roundTrip(t, in); !reflect.DeepEqual(got, in) {
		t.Errorf("round trip changed the report:\n got %#v\nwant %#v", got, in)
	}
	empty := &Incident{}
	if got := roundTrip(t, empty); !reflect.DeepEqual(got, empty) {
		t.Errorf("round trip changed the empty report:\n got %#v", got)
	}
}

func TestDecodeBinaryDamaged(t *testing.T) {
	data := fullIncident().AppendBinary(nil)
	for n := range len(data) {
		if _, err := DecodeBinary(data[:n], nil); err == nil {
			t.Fatalf("the first %d of %d bytes decoded without an error", n, len(data))
		}
	}
	if _, err := DecodeBinary(append(data, 0), nil); err == nil {
		t.Error("a byte too many decoded without an error")
	}
	other := append([]byte{binaryVersion + 1}, data[1:]...)
	if _, err := DecodeBinary(other, nil); err == nil {
		t.Error("another encoding version decoded without an error")
	}
}

// TestBinaryNumbersCommonStrings: the front matter's keys, enumerated
// values and default scorecard are written as numbers, not spelled out in
// every record, and come back as this package's copy of them; strings of
// a report's own, such as a site's own scorecard question, are spelled
// out; a number past the list is damage.
func TestBinaryNumbersCommonStrings(t *testing.T) {
	in := fullIncident()
	in.Scorecard = []ScoredAnswer{{Key: "runbook_used", Answer: NA, Line: 3}, {Key: "our_own_question", Answer: Yes, Line: 4}}
	in.lines = []keyLine{{"", 1}, {"failure_mode", 7}, {"paged_after_hours", 5}}
	data := in.AppendBinary(nil)
	for _, s := range []string{"runbook_used", "paged_after_hours", "failure_mode", "overload", "human"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the record spells out %q", s)
		}
	}
	if !bytes.Contains(data, []byte("our_own_question")) {
		t.Error("the record lacks the site's own question")
	}
	out := roundTrip(t, in)
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip changed the report:\n got %#v\nwant %#v", out, in)
	}
	shared := func(got string) {
		k := slices.Index(commonStrings, got)
		if k < 0 || unsafe.StringData(commonStrings[k]) != unsafe.StringData(got) {
			t.Errorf("%q is not the package's copy", got)
		}
	}
	shared(out.Scorecard[0].Key)
	shared(out.Scorecard[0].Answer)
	shared(out.lines[2].key)
	shared(out.FailureMode)

	// The status is the first common string written, after the version
	// and three empty strings: make its number one past the list.
	plain := &Incident{Status: Final}
	good := plain.AppendBinary(nil)
	const at = 4
	if want := wire.AppendUint(nil, commonNumber[string(Final)]); !bytes.HasPrefix(good[at:], want) {
		t.Fatalf("test out of step with the encoding: % x, want the status's number % x at %d", good, want, at)
	}
	damaged := bytes.Clone(good)
	copy(damaged[at:], wire.AppendUint(nil, uint64(len(commonStrings)+1)))
	if _, err := DecodeBinary(good, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeBinary(damaged, nil); err == nil {
		t.Error("a common string's number past the list decoded without an error")
	}
}

func TestSiteKey(t *testing.T) {
	parse := func(yaml string) string {
		t.Helper()
		var diags diag.List
		site := siteconfig.Parse("site.yaml", []byte(yaml), &diags)
		if diags.Len() > 0 {
			t.Fatalf("site.yaml: %v", diags.All())
		}
		return SiteKey(site)
	}
	base := parse("title: A\nservices:\n  api: {aliases: [mw-api]}\nscorecard:\n  - {key: paged, question: Paged?}\n")
	for _, tt := range []struct {
		name, yaml string
		same       bool
	}{
		{"the title", "title: B\nservices:\n  api: {aliases: [mw-api]}\nscorecard:\n  - {key: paged, question: Paged?}\n", true},
		{"an alias", "title: A\nservices:\n  api: {aliases: [api2]}\nscorecard:\n  - {key: paged, question: Paged?}\n", false},
		{"a service", "title: A\nservices:\n  api: {aliases: [mw-api]}\n  db: {}\nscorecard:\n  - {key: paged, question: Paged?}\n", false},
		{"the rubric", "title: A\nservices:\n  api: {aliases: [mw-api]}\nscorecard:\n  - {key: runbook, question: Runbook?}\n", false},
		{"the tracker", "title: A\nservices:\n  api: {aliases: [mw-api]}\nscorecard:\n  - {key: paged, question: Paged?}\ntracker: {kind: jira, url: https://jira.example.org/}\n", false},
	} {
		if got := parse(tt.yaml); (got == base) != tt.same {
			t.Errorf("changing %s: same key %v, want %v", tt.name, got == base, tt.same)
		}
	}
}

// FuzzBinaryRoundTrip: every report Parse makes encodes and decodes back
// to itself, and DecodeBinary takes any bytes without panicking.
func FuzzBinaryRoundTrip(f *testing.F) {
	f.Add("---\nid: 2009-01-01 db\ntitle: Database down\nstart: 2009-01-01\n---\nIt broke.\n")
	f.Add("---\nid: a\ntitle: b\nstart: 2026-01-01 10:00+02:00\nend: x\ntags: [a]\nscorecard: {few_paged: yes, z: no}\nactionables: [t, {title: u, task: T1}]\npaged: 3\n---\n")
	f.Add("+++\nid = \"x\"\ntitle = \"y\"\nstart = \"2026-01-01\"\n+++\n")
	f.Add(string(fullIncident().AppendBinary(nil)))
	site := siteconfig.Default()
	f.Fuzz(func(t *testing.T, text string) {
		DecodeBinary([]byte(text), nil)
		var diags diag.List
		in := Parse("r.md", []byte(text), site, &diags)
		if in == nil {
			return
		}
		if got := roundTrip(t, in); !reflect.DeepEqual(got, in) {
			t.Errorf("round trip changed the report:\n got %#v\nwant %#v", got, in)
		}
	})
}
