package render

import (
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/matter"
)

// TestPrintedTimesParseBack: every form in which pages, feeds and the
// trends JSON print a time is one the front matter accepts, read as the
// same instant to the precision printed, so a time copied from a page
// into a report means what it said.
func TestPrintedTimesParseBack(t *testing.T) {
	instant := time.Date(2026, 2, 23, 14, 50, 30, 0, time.FixedZone("", 5*3600+1800))
	tests := []struct {
		name      string
		printed   string
		precision time.Duration
	}{
		{"datetime", formatDateTime(instant), time.Minute},
		{"date", formatDate(instant), 24 * time.Hour},
		{"ISO", formatISO(instant), time.Second},
		{"feeds and trends.json", instant.Format(time.RFC3339), time.Second},
	}
	for _, tt := range tests {
		got, err := matter.ParseTime(tt.printed)
		if err != nil {
			t.Errorf("%s: %q does not read back: %v", tt.name, tt.printed, err)
			continue
		}
		if want := instant.UTC().Truncate(tt.precision); !got.Equal(want) {
			t.Errorf("%s: %q reads back as %v, want %v", tt.name, tt.printed, got, want)
		}
	}
}
