package facts

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// TestCachedRepeatsMatchCold: over a long random sequence of edits
// (bodies, titles, services, dates, reports added and deleted, the
// thresholds of site.yaml), the repeat lists of a build that reuses the
// cache are exactly those of a build without one, and so are those of the
// same build again, taken from the cache whole; an edit of one report's
// text reads that text alone again.
func TestCachedRepeatsMatchCold(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	kinds := [][]string{
		strings.Fields("heap exhausted reindex queries timed out search cluster garbage collection"),
		strings.Fields("certificate expired handshake rejected clients renewal cron"),
		strings.Fields("replica lag migration locked table writes queued"),
		strings.Fields("zone typo records removed resolvers negative cache"),
	}
	svcs := []string{"search", "api", "db", "dns"}
	words := func(list []string, n int) string {
		out := make([]string, n)
		for k := range out {
			out[k] = list[rng.Intn(len(list))]
		}
		return strings.Join(out, " ")
	}
	type rep struct{ id, title, start, services, body string }
	file := func(r rep) string {
		return report(r.id, r.start, "services: ["+r.services+"]\n", "## Summary\n\n"+r.body+"\n")
	}
	next := 0
	newReport := func() rep {
		next++
		k := kinds[rng.Intn(len(kinds))]
		return rep{id: fmt.Sprintf("2024-01-01 r%d", next), start: fmt.Sprintf("20%02d-%02d-%02d", 10+rng.Intn(14), 1+rng.Intn(12), 1+rng.Intn(28)),
			services: svcs[rng.Intn(len(svcs))], body: words(k, 10) + ". The on-call engineer was paged."}
	}
	reports := map[string]rep{}
	for range 40 {
		r := newReport()
		reports[r.id] = r
	}
	site := "title: Test\n"
	lastSite := site
	checked := 0 // text edits whose reading was checked
	c := buildcache.Open(t.TempDir(), "test")
	for step := range 60 {
		how := "first build"
		if step > 0 {
			ids := slices.Sorted(maps.Keys(reports))
			r := reports[ids[rng.Intn(len(ids))]]
			switch kind := rng.Intn(7); kind {
			case 0:
				how, r.body = "a sentence added", r.body+" "+words(kinds[rng.Intn(len(kinds))], 6)+"."
			case 1:
				how, r.body = "a word changed", strings.Replace(r.body, "engineer", "enginer", 1)
			case 2:
				how, r.title = "the title", words(kinds[rng.Intn(len(kinds))], 3)
			case 3:
				how, r.services = "the services", svcs[rng.Intn(len(svcs))]+", "+svcs[rng.Intn(len(svcs))]
			case 4:
				how, r.start = "the date", fmt.Sprintf("20%02d-%02d-%02d", 10+rng.Intn(14), 1+rng.Intn(12), 1+rng.Intn(28))
			case 5:
				if rng.Intn(2) == 0 && len(reports) > 10 {
					how = "deleted"
					delete(reports, r.id)
				} else {
					how, r = "added", newReport()
				}
			case 6:
				how, site = "site.yaml", fmt.Sprintf("title: Test\nrepeats: {likely: %.2f}\n", 0.45+0.05*float64(rng.Intn(3)))
			}
			if how != "deleted" {
				reports[r.id] = r
			}
		}
		files := fstest.MapFS{"site.yaml": {Data: []byte(site)}}
		for id, r := range reports {
			files["incidents/"+strings.ReplaceAll(id, " ", "-")+".md"] = &fstest.MapFile{Data: []byte(file(r))}
		}
		arc, diags, err := archive.Load(context.Background(), files, archive.Options{Label: "content"})
		if err != nil || diags.HasErrors() {
			t.Fatalf("step %d: %v %v", step, err, diags.All())
		}
		stored := func() (repeats.Digest, *repeats.Results) {
			data, ok := c.Get("repeats", repeatKey(c, RepeatConfig(arc)))
			if !ok {
				return repeats.Digest{}, nil
			}
			res, err := decodeRepeats(data)
			if err != nil {
				t.Fatalf("step %d (%s): %v", step, how, err)
			}
			return repeats.Digest(data), res
		}
		before, _ := stored()
		warm := compute(t, arc, Options{Cache: c, NoTrends: true, NoHTML: true})
		// An edit of one report's text reads that text alone again (when
		// the last build was of the same configuration, and stored its
		// results under the same key, and the edit changed the text).
		if after, res := stored(); (how == "a sentence added" || how == "a word changed") && site == lastSite && after != before {
			checked++
			if res.Read != 1 {
				t.Errorf("step %d (%s): %d texts read of %d reports", step, how, res.Read, len(reports))
			}
		}
		lastSite = site
		cold := compute(t, arc, Options{NoTrends: true, NoHTML: true})
		wj, _ := json.Marshal(warm.Repeats)
		cj, _ := json.Marshal(cold.Repeats)
		if !reflect.DeepEqual(warm.Repeats, cold.Repeats) || string(wj) != string(cj) {
			t.Fatalf("step %d (%s): with the cache\n%s\nwithout\n%s", step, how, wj, cj)
		}
		// The same input again takes the stored lists as they are.
		same := compute(t, arc, Options{Cache: c, NoTrends: true, NoHTML: true})
		if !reflect.DeepEqual(same.Repeats, cold.Repeats) {
			t.Fatalf("step %d (%s): built again, the stored lists differ from a build without the cache", step, how)
		}
		if step == 0 && !strings.Contains(string(cj), `"likely":true`) {
			t.Fatalf("no likely repeat in the archive: it tests little: %s", cj)
		}
	}
	if checked == 0 {
		t.Error("no edit of a text was checked for what it read again")
	}
}
