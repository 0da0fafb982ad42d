package matter

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		format   Format
		keys     string // "key@line key@line"
		bodyLine int
		body     string
		err      string // substring of the diagnostic; "" for success
		errLine  int
	}{
		{
			name: "yaml", in: "---\nid: a\ntitle: b\n---\nHello\n",
			format: YAML, keys: "id@2 title@3", bodyLine: 5, body: "Hello\n",
		},
		{
			name: "byte-order mark", in: "\ufeff---\nid: a\n---\nx\n",
			format: YAML, keys: "id@2", bodyLine: 4, body: "x\n",
		},
		{
			name: "crlf", in: "---\r\nid: a\r\ntitle: b\r\n---\r\nbody\r\n",
			format: YAML, keys: "id@2 title@3", bodyLine: 5, body: "body\r\n",
		},
		{
			name: "leading blank lines", in: "\n\n---\nid: a\n---\n",
			format: YAML, keys: "id@4", bodyLine: 6,
		},
		{
			name: "toml", in: "+++\nid = \"a\"\n\ntitle = \"b\"\n[scorecard]\nfew_paged = \"yes\"\n+++\nbody\n",
			format: TOML, keys: "id@2 title@4 scorecard@5", bodyLine: 8, body: "body\n",
		},
		{
			name: "empty front matter", in: "---\n---\nbody\n",
			format: YAML, keys: "", bodyLine: 3, body: "body\n",
		},
		{name: "empty file", in: "", err: "file is empty"},
		{name: "only whitespace", in: "  \n\n", err: "file is empty"},
		{name: "no front matter", in: "# Title\n\ntext\n", err: "no front matter", errLine: 1},
		{name: "unclosed", in: "---\nid: a\ntitle: b\n", err: "never closed", errLine: 1},
		{name: "not utf-8", in: "---\nid: a\ntitle: \xff\xfe\n---\n", err: "not valid UTF-8", errLine: 3},
		{name: "nul byte", in: "---\nid: a\n---\n\x00\n", err: "NUL", errLine: 4},
		{name: "yaml syntax", in: "---\nid: a\ntitle: [unclosed\nstart: x\n---\n", err: "not valid YAML", errLine: 4},
		{name: "yaml not a mapping", in: "---\n- a\n- b\n---\n", err: "must be a set of key: value lines", errLine: 2},
		{name: "yaml duplicate key", in: "---\nid: a\nid: b\n---\n", err: "already defined at line 2", errLine: 3},
		{name: "yaml error on first line", in: "---\na: b: c\n---\n", err: "not valid YAML", errLine: 2},
		{name: "yaml unterminated string", in: "---\nid: a\ntitle: \"open\nx: 1\n---\n", err: "not valid YAML", errLine: 3},
		{name: "too deep", in: "---\nid: a\ntitle: b\n\nx: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n---\n", err: "nested more than 64 levels deep", errLine: 5},
		{name: "too deep for the fallback parser", in: "---\nid: a\nq: {k: paged?}\nx: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n---\n", err: "nested more than 64 levels deep", errLine: 4},
		{name: "toml syntax", in: "+++\nid = \"a\"\ntitle = \n+++\n", err: "not valid TOML", errLine: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, d := Split("r.md", []byte(tt.in))
			if tt.err != "" {
				if d == nil {
					t.Fatalf("Split succeeded, want error containing %q", tt.err)
				}
				if !strings.Contains(d.Message, tt.err) {
					t.Errorf("error = %q, want it to contain %q", d.Message, tt.err)
				}
				if d.Line != tt.errLine {
					t.Errorf("error line = %d, want %d (%s)", d.Line, tt.errLine, d)
				}
				if d.Path != "r.md" {
					t.Errorf("error path = %q, want r.md", d.Path)
				}
				return
			}
			if d != nil {
				t.Fatalf("Split: %s", d)
			}
			if doc.Format != tt.format {
				t.Errorf("format = %q, want %q", doc.Format, tt.format)
			}
			var keys []string
			for _, f := range doc.Fields() {
				keys = append(keys, f.Key+"@"+itoa(f.Line))
			}
			if got := strings.Join(keys, " "); got != tt.keys {
				t.Errorf("keys = %q, want %q", got, tt.keys)
			}
			if doc.BodyLine != tt.bodyLine {
				t.Errorf("body line = %d, want %d", doc.BodyLine, tt.bodyLine)
			}
			if tt.body != "" && string(doc.Body) != tt.body {
				t.Errorf("body = %q, want %q", doc.Body, tt.body)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" means an error
	}{
		{"2026-02-23 17:20:00", "2026-02-23T17:20:00Z"},
		{"2026-02-23 17:20", "2026-02-23T17:20:00Z"},
		{"2026-02-23", "2026-02-23T00:00:00Z"},
		{"2026-02-23T17:20:00Z", "2026-02-23T17:20:00Z"},
		{"2026-02-23T19:20:00+02:00", "2026-02-23T17:20:00Z"},
		{"2026-02-23T17:20:00", "2026-02-23T17:20:00Z"},
		{"2026-02-23 19:20:00+02:00", "2026-02-23T17:20:00Z"},
		{"2026-02-23 17:20:00 UTC", "2026-02-23T17:20:00Z"},
		{" 2026-02-23 17:20:00 ", "2026-02-23T17:20:00Z"},
		// The form pages and messages print, to the minute, and its variants.
		{"2026-02-23 09:00 UTC", "2026-02-23T09:00:00Z"},
		{"2026-02-23 09:00 utc", "2026-02-23T09:00:00Z"},
		{"2026-02-23 09:00 GMT", "2026-02-23T09:00:00Z"},
		{"2026-02-23T09:00 UTC", "2026-02-23T09:00:00Z"},
		{"2026-02-23 09:00:00.5 UTC", "2026-02-23T09:00:00.5Z"},
		// Offsets: with and without a colon, hours alone, Z, after a space.
		{"2026-02-23T10:00:00+0530", "2026-02-23T04:30:00Z"},
		{"2026-02-23T10:00:00+05:30", "2026-02-23T04:30:00Z"},
		{"2026-02-23T10:00:00-0800", "2026-02-23T18:00:00Z"},
		{"2026-02-23T10:00+05", "2026-02-23T05:00:00Z"},
		{"2026-02-23T10:00+05:30", "2026-02-23T04:30:00Z"},
		{"2026-02-23 10:00:00 +0530", "2026-02-23T04:30:00Z"},
		{"2026-02-23 10:00:00 +05:30", "2026-02-23T04:30:00Z"},
		{"2026-02-23 10:00:00 Z", "2026-02-23T10:00:00Z"},
		{"2026-02-23 10:00Z", "2026-02-23T10:00:00Z"},
		// RFC 3339 lets "T" and "Z" be lower case.
		{"2026-02-23t10:00:00z", "2026-02-23T10:00:00Z"},
		{"2026-02-23t10:00:00+05:30", "2026-02-23T04:30:00Z"},
		// Fractional seconds, with a point or a comma.
		{"2026-02-23T10:00:00.123456789Z", "2026-02-23T10:00:00.123456789Z"},
		{"2026-02-23T10:00:00.5+0530", "2026-02-23T04:30:00.5Z"},
		{"2026-02-23 10:00:00,25", "2026-02-23T10:00:00.25Z"},
		// The year is checked in UTC, where the time is kept.
		{"1970-01-01T00:30:00+01:00", ""},
		{"1970-01-01T00:30:00-01:00", "1970-01-01T01:30:00Z"},
		{"2200-12-31T23:30:00-01:00", ""},
		{"2026-02-23 17:20:00 CET", ""},
		{"2026-02-23 17:20 cet", ""},
		{"2026-02-23T", ""},
		{"2026-02-23T10", ""},
		{"2026-02-23T10:00:00+5", ""},
		{"2026-02-23T10:00:00+05:3", ""},
		{"2026-02-23 10:00:00 UTC junk", ""},
		{"2026-02-23X10:00", ""},
		{"23/02/2026", ""},
		{"2026-02-30", ""},
		{"yesterday", ""},
		{"1899-01-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseTime(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if s := got.Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("ParseTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestTOMLDates(t *testing.T) {
	doc, d := Split("r.md", []byte("+++\nstart = 2026-02-23T17:20:00Z\nend = 2026-02-24T12:50:00\nday = 2026-02-25\n+++\n"))
	if d != nil {
		t.Fatal(d)
	}
	want := map[string]string{"start": "2026-02-23T17:20:00Z", "end": "2026-02-24T12:50:00Z", "day": "2026-02-25T00:00:00Z"}
	for _, f := range doc.Fields() {
		got, err := ParseTime(f.Value.Value)
		if err != nil {
			t.Fatalf("%s: %v", f.Key, err)
		}
		if got.Format(time.RFC3339) != want[f.Key] {
			t.Errorf("%s = %s, want %s", f.Key, got.Format(time.RFC3339), want[f.Key])
		}
	}
}

// TestParseTimeErrors: a date that cannot be is refused with the reason
// (the month's length, the part out of range), and one that cannot be
// read lists the forms ParseTime reads, the one the template shows
// (2026-02-23 17:20) among them. Before, both said "write YYYY-MM-DD
// hh:mm:ss (UTC), RFC 3339 or YYYY-MM-DD", and never why.
func TestParseTimeErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"2026-11-31 17:20", `"2026-11-31 17:20" is not a date: November has 30 days`},
		{"2026-04-31", `"2026-04-31" is not a date: April has 30 days`},
		{"2026-02-29", `"2026-02-29" is not a date: February 2026 has 28 days`},
		{"2026-02-30T10:00:00Z", `"2026-02-30T10:00:00Z" is not a date: February 2026 has 28 days`},
		{"2026-13-01", `"2026-13-01" is not a date: month 13 is out of range (01–12)`},
		{"2026-00-10", `"2026-00-10" is not a date: month 00 is out of range (01–12)`},
		{"2026-03-00", `"2026-03-00" is not a date: day 00 is out of range: days start at 01`},
		{"2026-02-23 25:00", `"2026-02-23 25:00" is not a date: hour 25 is out of range (00–23)`},
		{"2026-02-23 24:00:00", `"2026-02-23 24:00:00" is not a date: hour 24 is out of range (00–23)`},
		{"2026-02-23 17:61", `"2026-02-23 17:61" is not a date: minute 61 is out of range (00–59)`},
		{"2026-02-23T17:20:60+01:00", `"2026-02-23T17:20:60+01:00" is not a date: second 60 is out of range (00–59)`},
		{"1899-01-01", `year 1899 is out of range (1970–2200)`},
		{"last tuesday", `cannot read "last tuesday" as a date; write YYYY-MM-DD, or YYYY-MM-DD hh:mm or hh:mm:ss such as 2026-02-23 17:20, in UTC unless an offset follows (Z, +01:00, +0100, +01 or UTC); RFC 3339 (2026-02-23T17:20:00+01:00) works too`},
	} {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseTime(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseTime(%q): %v\nwant: %s", tt.in, err, tt.want)
			}
		})
	}
	// Every form the message names is read.
	for _, s := range []string{"2026-02-23", "2026-02-23 17:20", "2026-02-23 17:20:05", "2026-02-23 17:20Z", "2026-02-23 17:20+01:00", "2026-02-23 17:20+0100", "2026-02-23 17:20+01", "2026-02-23 17:20 UTC", "2026-02-23T17:20:00+01:00"} {
		if _, err := ParseTime(s); err != nil {
			t.Errorf("ParseTime(%q), a form the message names: %v", s, err)
		}
	}
}
