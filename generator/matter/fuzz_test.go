package matter

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// FuzzSplit holds Split to its contract on any file: it never panics, it
// returns a document or a diagnostic naming the file, and a document's
// front matter is a mapping whose lines are lines of the file.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"---\nid: 2026-02-23 ml-serve\ntitle: T\nstart: 2026-02-23 17:20\n---\n## Summary\nBody\n",
		"+++\nid = \"a\"\ntitle = \"T\"\nstart = 2026-02-23T17:20:00Z\n[scorecard]\nfew_paged = \"yes\"\n+++\nBody\n",
		"\xef\xbb\xbf---\r\ntitle: crlf\r\n---\r\nbody\r\n",
		"---\na: &x [1, 2]\nb: *x\nc: {d: e?, f: g}\n---\n",
		"---\ntitle: |\n  block\n  text\nlist:\n  - one\n  - {title: two, owner: x}\n---\n",
		"---\n---\n",
		"---\nunclosed: true\n",
		"no front matter",
		"---\n\x00\n---\n",
		"---\n- a list\n---\n",
		"---\nkey: value\n---\n---\nsecond: doc\n---\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		doc, d := Split("r.md", []byte(data))
		if (doc == nil) == (d == nil) {
			t.Fatalf("document %v and diagnostic %v: want exactly one", doc, d)
		}
		if d != nil {
			if d.Path != "r.md" || d.Message == "" {
				t.Fatalf("diagnostic without its file or message: %+v", d)
			}
			return
		}
		lines := strings.Count(data, "\n") + 1
		if doc.Root == nil || doc.Root.Kind != yaml.MappingNode {
			t.Fatalf("front matter is not a mapping: %+v", doc.Root)
		}
		for _, fl := range doc.Fields() {
			if fl.Line < 1 || fl.Line > lines {
				t.Fatalf("key %q on line %d of a %d-line file", fl.Key, fl.Line, lines)
			}
		}
		if doc.BodyLine < 1 || doc.BodyLine > lines+1 {
			t.Fatalf("body on line %d of a %d-line file", doc.BodyLine, lines)
		}
	})
}

// FuzzParseTime holds ParseTime to its contract: no panic, and a time it
// accepts is UTC, within the years reports can have, and reads back the
// same when written out in RFC 3339 or in any form the archive prints
// (printedForms), to the precision the form keeps.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2026-02-23 17:20:00", "2026-02-23 17:20", "2026-02-23T17:20:00+01:00", "2026-02-23T17:20:00.123456789Z",
		"2026-02-23", "2026-02-23 17:20:00 UTC", "2026-02-23 17:20:00 CET", "2026-02-23 17:20:00 +0200",
		"1969-12-31", "2201-01-01", "someday", " 2026-02-23 ", "2026-02-30", "2026-13-01T25:61",
		"2026-02-23 09:00 UTC", "2026-02-23 09:00 utc", "2026-02-23T10:00:00+0530", "2026-02-23t10:00:00z",
		"2026-02-23T10:00+05", "2026-02-23 10:00:00 +05:30", "2026-02-23 10:00:00,25", "2026-02-23T10:00:00.5+0530",
		"1970-01-01T00:30:00+01:00", "2200-12-31T23:59:59-23:59", "2026-02-23 09:00 GMT+1", "2026-02-23T",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			if got != (time.Time{}) {
				t.Fatalf("error %v with a time %v", err, got)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q read in %v, not UTC", s, got.Location())
		}
		if y := got.Year(); y < 1970 || y > 2200 {
			t.Fatalf("%q read as year %d", s, y)
		}
		again, err := ParseTime(got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q read as %v, which reads back as %v (%v)", s, got, again, err)
		}
		for _, f := range printedForms {
			printed := f.format(got)
			again, err := ParseTime(printed)
			if want := got.Truncate(f.precision); err != nil || !again.Equal(want) {
				t.Fatalf("%q read as %v, printed for %s as %q, reads back as %v (%v), want %v", s, got, f.where, printed, again, err, want)
			}
		}
	})
}

// TestYAMLBombStaysSmall: a billion-laughs file, which expanded would hold
// 10^30 values, parses in memory proportional to its size, because
// aliases are kept as references, and decoding its lists does not expand
// them either.
func TestYAMLBombStaysSmall(t *testing.T) {
	bomb := testutil.BillionLaughs(30, 10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	doc, d := Split("bomb.md", []byte(bomb))
	if d != nil {
		t.Fatalf("Split: %v", d)
	}
	var diags diag.List
	dec := &Decoder{Path: "bomb.md", Diags: &diags}
	for _, f := range doc.Fields() {
		dec.Strings(f.Key, f.Value)
		dec.Sequence(f.Key, f.Value)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d-byte bomb: %d bytes allocated", len(bomb), alloc)
	if alloc > 64*uint64(len(bomb))+(1<<20) {
		t.Errorf("parsing a %d-byte bomb allocated %d bytes", len(bomb), alloc)
	}
	if !diags.HasErrors() {
		t.Error("a list of lists decoded as a list of values without an error")
	}
}
