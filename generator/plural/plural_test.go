package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "report", "0 reports"},
		{1, "report", "1 report"},
		{2, "report", "2 reports"},
		{1, "incident report", "1 incident report"},
		{14, "incident report", "14 incident reports"},
		{3, "entry", "3 entries"},
		{2, "day", "2 days"},
		{2, "match", "2 matches"},
		{2, "fix", "2 fixes"},
		{2, "status", "2 statuses"},
		{2, "person", "2 people"},
		{1, "person", "1 person"},
		{2, "failure mode", "2 failure modes"},
		{2, "recurrence chain", "2 recurrence chains"},
		{-1, "degree", "-1 degree"},
		{1051, "other service", "1051 other services"},
	} {
		if got := Count(tt.n, tt.noun); got != tt.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}
