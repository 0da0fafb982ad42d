package markdown

import (
	"slices"
	"testing"
)

func TestMentionDates(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{"", nil},
		{"No dates here, only 2024 and 12-31.", nil},
		{"As in 2024-01-01 a and 2023-12-31 b, then 2024-01-01 a again.", []string{"2024-01-01", "2023-12-31"}},
		{"Glued:x2024-02-03y and at the end 2025-06-07", []string{"2024-02-03", "2025-06-07"}},
		{"Not a date: 2024-1-011 or 20x4-01-01 or 2024/01/01.", nil},
		{"`2024-05-06 in code` counts too", []string{"2024-05-06"}},
	} {
		if got := MentionDates([]byte(tt.src)); !slices.Equal(got, tt.want) {
			t.Errorf("MentionDates(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestMentionDatesCoverMentions: every mention the renderer links begins
// at a date MentionDates finds, so a cache keyed on the ids of those dates
// sees every report a document can mention.
func TestMentionDatesCoverMentions(t *testing.T) {
	ids := []string{"2024-01-01 a", "2024-01-01 a-long", "2024-02-02 b", "2024-03-03 c"}
	r := New(Options{IncidentIDs: ids, IncidentURL: func(id string) (string, bool) { return "/x/", true }})
	src := "See 2024-01-01 a-long, *2024-02-02 b* and [2024-03-03 c](https://x.example/).\n\n| 2024-01-01 a |\n|---|\n"
	res, err := r.Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	dates := MentionDates([]byte(src))
	if len(res.Mentions) == 0 {
		t.Fatal("nothing mentioned")
	}
	for _, id := range res.Mentions {
		d, ok := IDDate(id)
		if !ok || !slices.Contains(dates, d) {
			t.Errorf("%s is mentioned, but its date is not among %q", id, dates)
		}
	}
}
