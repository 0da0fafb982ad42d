package render

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0m"},
		{-time.Minute, "0m"},
		{20 * time.Second, "<1m"},
		{45 * time.Minute, "45m"},
		{time.Hour, "1h"},
		{3*time.Hour + 20*time.Minute, "3h 20m"},
		{19*time.Hour + 30*time.Minute, "19h 30m"},
		{24 * time.Hour, "1d"},
		{52 * time.Hour, "2d 4h"},
		{52*time.Hour + 59*time.Minute + 40*time.Second, "2d 5h"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.in); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	tests := map[int64]string{0: "0", 999: "999", 1000: "1,000", 120000: "120,000", 1234567: "1,234,567"}
	for in, want := range tests {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatTimes(t *testing.T) {
	ts := time.Date(2026, 2, 23, 17, 20, 0, 0, time.FixedZone("CET", 3600))
	if got := formatDateTime(ts); got != "2026-02-23 16:20 UTC" {
		t.Errorf("formatDateTime = %q; times are shown in UTC", got)
	}
	if got := formatISO(ts); got != "2026-02-23T16:20:00Z" {
		t.Errorf("formatISO = %q", got)
	}
	if formatDate(time.Time{}) != "" || formatISO(time.Time{}) != "" {
		t.Error("unknown times must format as empty")
	}
}
