package mdimport

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	for _, tc := range []struct {
		in   string
		want string // RFC 3339, or "" for an error
		err  string // part of the error, when want is ""
	}{
		// Ours, through matter.ParseTime.
		{in: "2024-01-05", want: "2024-01-05T00:00:00Z"},
		{in: "2024-01-05 10:00", want: "2024-01-05T10:00:00Z"},
		{in: "2024-01-05T10:00:00+02:00", want: "2024-01-05T08:00:00Z"},
		{in: "2024-01-05 10:00 UTC", want: "2024-01-05T10:00:00Z"},
		// Other tools'.
		{in: "January 5, 2024", want: "2024-01-05T00:00:00Z"},
		{in: "January 5, 2024 10:00 UTC", want: "2024-01-05T10:00:00Z"},
		{in: "Jan 5 2024 10:00:30", want: "2024-01-05T10:00:30Z"},
		{in: "5 January 2024", want: "2024-01-05T00:00:00Z"},
		{in: "5th Jan 2024 2:30 PM", want: "2024-01-05T14:30:00Z"},
		{in: "Friday, January 5, 2024 at 10:00 GMT", want: "2024-01-05T10:00:00Z"},
		{in: "Fri, 05 Jan 2024 10:00:00 +0100", want: "2024-01-05T09:00:00Z"},
		{in: "Fri, 05 Jan 2024 10:00:00 -05:00", want: "2024-01-05T15:00:00Z"},
		{in: "2024/01/05 23:10", want: "2024-01-05T23:10:00Z"},
		{in: "2024-01-05 2:30 am", want: "2024-01-05T02:30:00Z"},
		{in: "2024-01-05 12:15 p.m.", want: "2024-01-05T12:15:00Z"},
		{in: "january 5, 2024 (UTC)", want: "2024-01-05T00:00:00Z"},
		// Not understood, and said why.
		{in: "2024-01-05 10:00 PST", err: "ambiguous"},
		{in: "January 5, 2024 10:00 CET", err: "ambiguous"},
		{in: "01/05/2024", err: "not a date"},
		{in: "last Tuesday", err: "not a date"},
		{in: "January 32, 2024", err: "not a date"},
		{in: "June 1, 1900", err: "out of range"},
		{in: "", err: "not a date"},
	} {
		got, err := parseTime(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parseTime(%q) = %v; want an error", tc.in, got)
		case tc.want == "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("parseTime(%q): error %q; want one saying %q", tc.in, err, tc.err)
		case tc.want != "" && err != nil:
			t.Errorf("parseTime(%q): %v", tc.in, err)
		case tc.want != "" && !got.Equal(utc(tc.want)):
			t.Errorf("parseTime(%q) = %v; want %s", tc.in, got, tc.want)
		}
	}
}

func TestClockOnly(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"10:02", 10*time.Hour + 2*time.Minute, true},
		{"10:02 UTC", 10*time.Hour + 2*time.Minute, true},
		{"23:59:30", 23*time.Hour + 59*time.Minute + 30*time.Second, true},
		{"2:30 PM", 14*time.Hour + 30*time.Minute, true},
		{"9 am", 9 * time.Hour, true},
		{"10:00 +02:00", 8 * time.Hour, true},
		{"10:00 CEST", 0, false},
		{"25:00", 0, false},
		{"noon", 0, false},
		{"2024-01-05", 0, false},
	} {
		got, ok := clockOnly(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("clockOnly(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"45 minutes", 45 * time.Minute, true},
		{"45m", 45 * time.Minute, true},
		{"1h 30m", 90 * time.Minute, true},
		{"1 hour and 30 minutes", 90 * time.Minute, true},
		{"1.5 hours", 90 * time.Minute, true},
		{"2 days", 48 * time.Hour, true},
		{"about 6 hours", 6 * time.Hour, true},
		{"~20 min", 20 * time.Minute, true},
		{"1:30", 90 * time.Minute, true},
		{"0:45:30", 45*time.Minute + 30*time.Second, true},
		{"1:75", 0, false},
		{"a while", 0, false},
		{"45 minutes, then again later", 0, false},
		{"0 minutes", 0, false},
		{"", 0, false},
	} {
		got, ok := parseDuration(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
