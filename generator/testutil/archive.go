package testutil

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// SyntheticArchive writes a content folder of n reports under dir (site.yaml
// and incidents/YEAR/NAME.md), made up from seed: a few dozen services,
// causes and responders shared between reports, timelines, action items and
// task ids, so that every page type has something on it. It returns the
// content folder.
func SyntheticArchive(t testing.TB, dir string, n int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(list []string, k int) []string {
		out := make([]string, 0, k)
		for _, i := range rng.Perm(len(list))[:k] {
			out = append(out, list[i])
		}
		return out
	}
	var services, causes, people []string
	for i := range 40 {
		services = append(services, fmt.Sprintf("svc-%02d", i))
	}
	for i := range 15 {
		causes = append(causes, fmt.Sprintf("cause-%02d", i))
	}
	for i := range 30 {
		people = append(people, fmt.Sprintf("Person %02d", i))
	}
	words := strings.Fields("the cache tier timed out while a deploy rolled across the cluster and clients retried " +
		"without backoff so the load balancer marked backends down memory grew until pods were killed " +
		"a config change removed a route and the database primary failed over to the replica")
	sentence := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	triggers := []string{"deploy", "config-change", "upgrade", "traffic", "hardware", "network", "dependency"}
	modes := []string{"fast-fail", "overload", "slow-backend", "degraded"}
	files := map[string]string{
		"site.yaml": "title: Synthetic archive\nbase_url: https://incidents.example.org/\ntask_url: https://tasks.example.org/{task}\n",
	}
	for i := range n {
		year := 2015 + i%11
		day := 1 + i%28
		month := 1 + (i/28)%12
		id := fmt.Sprintf("%d-%02d-%02d r%04d", year, month, day, i)
		var b strings.Builder
		fmt.Fprintf(&b, "---\nid: %s\ntitle: %s\nstart: %d-%02d-%02d 10:%02d:00\nend: %d-%02d-%02d 12:%02d:00\n",
			id, sentence(6), year, month, day, i%60, year, month, day, i%60)
		fmt.Fprintf(&b, "task: T%d\nservices: [%s]\ncauses: [%s]\nresponders: [%s]\ntrigger: %s\nfailure_mode: %s\n",
			100000+i, strings.Join(pick(services, 1+rng.IntN(3)), ", "), strings.Join(pick(causes, 1+rng.IntN(2)), ", "),
			strings.Join(pick(people, 1+rng.IntN(4)), ", "), triggers[rng.IntN(len(triggers))], modes[rng.IntN(len(modes))])
		fmt.Fprintf(&b, "impact: %s.\nactionables:\n  - {title: %s, task: T%d, owner: team-%d, status: open}\n---\n",
			sentence(12), sentence(5), 200000+i, i%7)
		fmt.Fprintf(&b, "## Summary\n\n%s.\n\n## Timeline\n\n- 10:%02d %s\n- 11:00 %s, see T%d\n\n## Details\n\n%s.\n",
			sentence(30), i%60, sentence(8), sentence(8), 300000+i, sentence(120))
		files[fmt.Sprintf("incidents/%d/r%04d.md", year, i)] = b.String()
	}
	content := filepath.Join(dir, "content")
	WriteFiles(t, content, files)
	return content
}
