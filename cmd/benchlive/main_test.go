package main

import (
	"testing"
	"time"
)

func TestSluggy(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"---\nid: 2021-03-04 cache purge\ntitle: x\n---\n", "2021-03-04-cache-purge"},
		{"---\nid: \"2019-01-01 DNS: resolvers\"\n---\n", "2019-01-01-dns-resolvers"},
		{"---\nid: '2020-05-05 svc-0001 '\n---\n", "2020-05-05-svc-0001"},
		{"---\ntitle: no id\n---\n", ""},
	} {
		if got := sluggy([]byte(tc.in)); got != tc.want {
			t.Errorf("sluggy(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSummary(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		in   []time.Duration
		want string
	}{
		{nil, "no runs"},
		{[]time.Duration{380 * ms}, "median 380ms (380ms–380ms)"},
		{[]time.Duration{410 * ms, 290 * ms, 380 * ms}, "median 380ms (290ms–410ms)"},
	} {
		if got := summary(tc.in); got != tc.want {
			t.Errorf("summary(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
