package matter

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// printedForms are the forms the archive writes times in, with where
// each is printed and the precision it keeps. ParseTime must read every
// one back; TestPrintedTimesParseBack holds it to that. The printers in
// other packages (render's pages and feeds, incident's messages) test
// their own output against ParseTime too.
var printedForms = []struct {
	where     string
	format    func(time.Time) string
	precision time.Duration
}{
	{"pages and messages (2026-02-23 09:00 UTC)", func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }, time.Minute},
	{"dates in lists and file names", func(t time.Time) string { return t.UTC().Format(time.DateOnly) }, 24 * time.Hour},
	{"feeds, <time datetime>, trends.json (RFC 3339)", func(t time.Time) string { return t.Format(time.RFC3339) }, time.Second},
	{"RFC 3339 in UTC", func(t time.Time) string { return t.UTC().Format(time.RFC3339) }, time.Second},
	{"incidents.json (encoding/json)", func(t time.Time) string {
		b, err := json.Marshal(t)
		if err != nil {
			panic(err)
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			panic(err)
		}
		return s
	}, 1},
	{"TOML date-times read from front matter", func(t time.Time) string { return formatTOMLTime(t) }, 1},
	{"the content model's own example (2026-02-23 17:20:00)", func(t time.Time) string { return t.UTC().Format(time.DateTime) }, time.Second},
}

// TestPrintedTimesParseBack is a property test: for random instants in
// the years reports may have, in zones east and west of UTC, every form
// the archive prints reads back as the same instant, to the precision the
// form keeps.
func TestPrintedTimesParseBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2026)) // fixed: a failure can be repeated
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("", -8*3600), time.FixedZone("", 14*3600)}
	lo := time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	hi := time.Date(2200, 12, 30, 0, 0, 0, 0, time.UTC).UnixNano()
	for range 2000 {
		instant := time.Unix(0, lo+rng.Int64N(hi-lo)).In(zones[rng.IntN(len(zones))])
		for _, f := range printedForms {
			printed := f.format(instant)
			got, err := ParseTime(printed)
			if err != nil {
				t.Fatalf("%s: %v printed as %q does not read back: %v", f.where, instant, printed, err)
			}
			if want := instant.UTC().Truncate(f.precision); !got.Equal(want) {
				t.Fatalf("%s: %v printed as %q reads back as %v, want %v", f.where, instant, printed, got, want)
			}
		}
	}
}
