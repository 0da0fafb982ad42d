package matter

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/diag"
)

// Decoder turns front-matter nodes into Go values. Each method records a
// diagnostic naming the file, the value's line and the field when the value
// has the wrong shape, and returns the zero value, so that decoding goes on
// and every problem in a file is reported in one pass.
type Decoder struct {
	Path  string
	Diags *diag.List
}

func (d *Decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	d.Diags.Errorf(d.Path, n.Line, field, format, args...)
}

// isNull reports whether n is absent or an explicit null ("key:" or "~").
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// String decodes a single value as text. Numbers and dates are accepted as
// written, so "title: 404" is the string "404".
func (d *Decoder) String(field string, n *yaml.Node) string {
	if isNull(n) {
		return ""
	}
	r := resolve(n)
	if r.Kind != yaml.ScalarNode {
		d.errorf(n, field, "expected a single value, got %s", KindName(n))
		return ""
	}
	if i := strings.IndexFunc(r.Value, isControl); i >= 0 {
		// A raw NUL never gets here (Split refuses the file), but YAML's
		// "\0" and "\e" escapes do; no page, feed or terminal should get them.
		d.errorf(n, field, "contains the control character %U; remove it", []rune(r.Value[i:])[0])
		return ""
	}
	if i := strings.IndexFunc(r.Value, isBidiControl); i >= 0 {
		d.Diags.Warnf(d.Path, n.Line, field, "contains %U, an invisible character that reorders the text after it on screen; remove it unless it is needed", []rune(r.Value[i:])[0])
	}
	return strings.TrimSpace(r.Value)
}

// isControl reports the C0 and C1 control characters other than tab and
// line breaks, and DEL.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r < 0xa0)
}

// isBidiControl reports the characters that override or isolate the
// direction of the text after them: a title holding one can show words
// in another order than they are stored ("Trojan Source").
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// Strings decodes a list of values. A single value is read as a list of
// one, because "services: parsoid" is what people write.
func (d *Decoder) Strings(field string, n *yaml.Node) []string {
	if isNull(n) {
		return nil
	}
	r := resolve(n)
	switch r.Kind {
	case yaml.ScalarNode:
		if s := strings.TrimSpace(r.Value); s != "" {
			return []string{s}
		}
		return nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(r.Content))
		for i, c := range r.Content {
			s := d.String(fmt.Sprintf("%s[%d]", field, i+1), c)
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	d.errorf(n, field, "expected a list of values, got %s", KindName(n))
	return nil
}

// Int decodes a whole number that is not negative. ok is false when the
// value is absent or wrong.
func (d *Decoder) Int(field string, n *yaml.Node) (v int64, ok bool) {
	return d.IntUpTo(field, n, math.MaxInt64)
}

// IntUpTo decodes a whole number from 0 to most. A number past most, or
// too long for any integer, is an error that gives most; ok is false
// when the value is absent or wrong.
func (d *Decoder) IntUpTo(field string, n *yaml.Node, most int64) (v int64, ok bool) {
	s := d.String(field, n)
	if s == "" {
		return 0, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	v, err := strconv.ParseInt(digits, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(digits, "-"):
		d.errorf(n, field, "must not be negative, got %s", s)
		return 0, false
	case errors.Is(err, strconv.ErrRange) || (err == nil && v > most):
		d.errorf(n, field, "%s is too large; it may be at most %s", s, Thousands(most))
		return 0, false
	case err != nil:
		d.errorf(n, field, "expected a whole number, got %q", s)
		return 0, false
	case v < 0:
		d.errorf(n, field, "must not be negative, got %d", v)
		return 0, false
	}
	return v, true
}

// Thousands writes n with commas between groups of three digits, as
// messages give limits: 1000000 is "1,000,000".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Bool decodes true/false (also yes/no).
func (d *Decoder) Bool(field string, n *yaml.Node) (v bool, ok bool) {
	s := strings.ToLower(d.String(field, n))
	switch s {
	case "":
		return false, false
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	d.errorf(n, field, "expected true or false, got %q", s)
	return false, false
}

// Time decodes a date or date-time; see ParseTime for the forms accepted.
func (d *Decoder) Time(field string, n *yaml.Node) (t time.Time, ok bool) {
	s := d.String(field, n)
	if s == "" {
		return time.Time{}, false
	}
	t, err := ParseTime(s)
	if err != nil {
		d.errorf(n, field, "%v", err)
		return time.Time{}, false
	}
	return t, true
}

// Mapping decodes a set of key: value pairs, in order.
func (d *Decoder) Mapping(field string, n *yaml.Node) []Field {
	if isNull(n) {
		return nil
	}
	r := resolve(n)
	if r.Kind != yaml.MappingNode {
		d.errorf(n, field, "expected key: value pairs, got %s", KindName(n))
		return nil
	}
	out := make([]Field, 0, len(r.Content)/2)
	for i := 0; i+1 < len(r.Content); i += 2 {
		out = append(out, Field{Key: r.Content[i].Value, Line: r.Content[i].Line, Value: r.Content[i+1]})
	}
	return out
}

// Sequence decodes a list of items of any shape.
func (d *Decoder) Sequence(field string, n *yaml.Node) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	r := resolve(n)
	if r.Kind != yaml.SequenceNode {
		d.errorf(n, field, "expected a list, got %s", KindName(n))
		return nil
	}
	return r.Content
}

// IsScalar reports whether n holds a single value.
func IsScalar(n *yaml.Node) bool { return resolve(n).Kind == yaml.ScalarNode }

// timeLayout returns the one layout that can read s, a time normalized
// by normalizeTime, or false when s has no shape ParseTime reads: a date;
// or a date, "T" or a space, a time of day to the minute or the second
// (Go reads fractional seconds after the seconds of any layout), and
// nothing (UTC), an offset ("Z", "+05:30", "+0530", "+05") or a zone
// name, with or without a space before it. Choosing the layout from the
// text, instead of trying a list, keeps a failed attempt (which costs an
// error value) off the path of every date read.
func timeLayout(s string) (string, bool) {
	const date = time.DateOnly
	switch {
	case len(s) == len(date):
		return date, true
	case len(s) < len(date)+2 || (s[len(date)] != ' ' && s[len(date)] != 'T'):
		return "", false
	}
	rest := s[len(date)+1:]
	end := strings.IndexFunc(rest, func(r rune) bool { return !strings.ContainsRune("0123456789:.,", r) })
	if end < 0 {
		end = len(rest)
	}
	layout := date + s[len(date):len(date)+1]
	switch strings.Count(rest[:end], ":") {
	case 1:
		layout += "15:04"
	case 2:
		layout += "15:04:05"
	default:
		return "", false
	}
	zone := rest[end:]
	if z, ok := strings.CutPrefix(zone, " "); ok {
		layout, zone = layout+" ", z
	}
	switch {
	case zone == "":
		return layout, !strings.HasSuffix(layout, " ")
	case zone == "Z":
		return layout + "Z07:00", true
	case zone[0] == '+' || zone[0] == '-':
		switch {
		case len(zone) == len("+05:30") && zone[3] == ':':
			return layout + "Z07:00", true
		case len(zone) == len("+0530"):
			return layout + "Z0700", true
		case len(zone) == len("+05"):
			return layout + "Z07", true
		}
		return "", false
	}
	return layout + "MST", true
}

// ParseTime reads a report date. It accepts a plain date "2026-02-23";
// a date and time "2026-02-23 17:20" or "2026-02-23 17:20:00", with "T"
// or a space between them and optional fractional seconds; and after the
// time an optional offset "Z", "+01:00", "+0100" or "+01" (with or
// without a space before it) or the zone name "UTC" (or "GMT"). This
// covers RFC 3339, in which "t" and "z" may be lower case, and every
// form the archive prints (pages and messages print "2026-02-23 17:20
// UTC"). Times without an offset are UTC. Other zone names are refused,
// because abbreviations are ambiguous. The error of a text of one of
// these shapes says what is out of range ("November has 30 days", "hour
// 25 is out of range (00–23)"); that of any other text lists the shapes.
func ParseTime(s string) (time.Time, error) {
	s = normalizeTime(strings.TrimSpace(s))
	if layout, ok := timeLayout(s); ok {
		t, err := time.Parse(layout, s)
		if err != nil {
			return time.Time{}, notADate(s, err)
		}
		if strings.HasSuffix(layout, "MST") {
			if name, off := t.Zone(); off != 0 || (name != "UTC" && name != "GMT") {
				return time.Time{}, fmt.Errorf("time zone %q is ambiguous; write an offset such as +02:00 instead", name)
			}
		}
		// The year is checked in UTC, the zone the time is kept in:
		// 1970-01-01T00:30+01:00 is still 1969 there.
		t = t.UTC()
		if t.Year() < 1970 || t.Year() > 2200 {
			return time.Time{}, fmt.Errorf("year %d is out of range (1970–2200)", t.Year())
		}
		return t, nil
	}
	return time.Time{}, cannotRead(s)
}

// cannotRead says that s has no shape ParseTime reads, and lists those
// it does, as its doc comment says them.
func cannotRead(s string) error {
	return fmt.Errorf("cannot read %q as a date; write YYYY-MM-DD, or YYYY-MM-DD hh:mm or hh:mm:ss such as 2026-02-23 17:20, in UTC unless an offset follows (Z, +01:00, +0100, +01 or UTC); RFC 3339 (2026-02-23T17:20:00+01:00) works too", s)
}

// notADate says why s, which has a shape ParseTime reads, is no time:
// the part that is out of range ("November has 30 days", "hour 25 is out
// of range"), else what the time package found.
func notADate(s string, err error) error {
	if why := outOfRange(s); why != "" {
		return fmt.Errorf("%q is not a date: %s", s, why)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) && pe.Message != "" {
		return fmt.Errorf("%q is not a date: %s", s, strings.TrimPrefix(pe.Message, ": "))
	}
	return cannotRead(s)
}

// outOfRange names the first part of s (a normalized time of a shape
// timeLayout reads) whose number is out of range; "" when none is.
func outOfRange(s string) string {
	date := strings.Split(s[:len(time.DateOnly)], "-")
	if len(date) != 3 {
		return ""
	}
	year, yerr := strconv.Atoi(date[0])
	month, merr := strconv.Atoi(date[1])
	day, derr := strconv.Atoi(date[2])
	if yerr != nil || merr != nil || derr != nil {
		return ""
	}
	switch {
	case month < 1 || month > 12:
		return fmt.Sprintf("month %s is out of range (01–12)", date[1])
	case day < 1:
		return fmt.Sprintf("day %s is out of range: days start at 01", date[2])
	}
	if days := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > days {
		if month == 2 {
			return fmt.Sprintf("February %d has %d days", year, days)
		}
		return fmt.Sprintf("%s has %d days", time.Month(month), days)
	}
	if len(s) <= len(time.DateOnly) {
		return ""
	}
	clock := s[len(time.DateOnly)+1:]
	if end := strings.IndexFunc(clock, func(r rune) bool { return !strings.ContainsRune("0123456789:", r) }); end >= 0 {
		clock = clock[:end]
	}
	for i, part := range strings.Split(clock, ":") {
		n, err := strconv.Atoi(part)
		if err != nil || i > 2 {
			return ""
		}
		name, most := [3]string{"hour", "minute", "second"}[i], [3]int{23, 59, 59}[i]
		if n > most {
			return fmt.Sprintf("%s %s is out of range (00–%d)", name, part, most)
		}
	}
	return ""
}

// normalizeTime upper-cases what RFC 3339 lets be lower case, the "T"
// between date and time and the "Z" of UTC, and a zone name after a
// space ("utc"), so that the layouts need only one spelling.
func normalizeTime(s string) string {
	if len(s) <= len("2006-01-02") {
		return s
	}
	b := []byte(s)
	if b[10] == 't' {
		b[10] = 'T'
	}
	if b[len(b)-1] == 'z' {
		b[len(b)-1] = 'Z'
	}
	if i := strings.LastIndexByte(s, ' '); i > 10 {
		zone := b[i+1:]
		letters := len(zone) > 0
		for _, c := range zone {
			letters = letters && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
		}
		if letters {
			copy(zone, strings.ToUpper(string(zone)))
		}
	}
	return string(b)
}
