package incident

import (
	"regexp"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/matter"
)

// TestMessageTimesParseBack: the times a message prints ("end 2026-02-23
// 09:00 UTC is before start …") can be pasted back into the front matter
// and mean the same instant.
func TestMessageTimesParseBack(t *testing.T) {
	file := "---\nid: a\ntitle: T\nstart: 2026-02-23T14:30:00+05:30\nend: 2026-02-23 08:00\ndetected: 2026-02-23 08:59:59\n---\nBody\n"
	var diags diag.List
	Parse("r.md", []byte(file), testSite(t), &diags)
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`)
	want := map[string]time.Time{
		"2026-02-23 09:00 UTC": time.Date(2026, 2, 23, 9, 0, 0, 0, time.UTC),
		"2026-02-23 08:00 UTC": time.Date(2026, 2, 23, 8, 0, 0, 0, time.UTC),
		"2026-02-23 08:59 UTC": time.Date(2026, 2, 23, 8, 59, 0, 0, time.UTC),
	}
	seen := 0
	for _, d := range diags.All() {
		for _, s := range stamp.FindAllString(d.Message, -1) {
			seen++
			got, err := matter.ParseTime(s)
			if err != nil {
				t.Errorf("%q, printed in %q, does not read back: %v", s, d.Message, err)
				continue
			}
			if w, ok := want[s]; !ok || !got.Equal(w) {
				t.Errorf("%q reads back as %v, want %v", s, got, w)
			}
		}
	}
	if seen != 4 {
		t.Errorf("want the end and detected messages to print 4 times, saw %d in %v", seen, diags.All())
	}
}
