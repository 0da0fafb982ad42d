package generator

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestLongChainEdits: edits of a chain longer than a report page lists, after
// which a build with the cache into the published site must write what a
// cold build writes.
func TestLongChainEdits(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		edit func(t *testing.T, content string)
	}{
		{"the oldest report deleted (the chain's id moves)", 27, func(t *testing.T, content string) {
			os.Remove(filepath.Join(content, "incidents/r00.md"))
		}},
		{"long to short: two reports deleted", 27, func(t *testing.T, content string) {
			os.Remove(filepath.Join(content, "incidents/r13.md"))
			os.Remove(filepath.Join(content, "incidents/r14.md"))
		}},
		{"short to long: one report added", 25, func(t *testing.T, content string) {
			testutil.WriteFiles(t, content, map[string]string{"incidents/r25.md": longChainReport(25, "One more flood")})
		}},
		{"a middle report retitled, the chain split", 30, func(t *testing.T, content string) {
			testutil.WriteFiles(t, content, map[string]string{"incidents/r15.md": "---\nid: 2023-04-16 cache-flood-15\ntitle: Unrelated\nstart: 2023-04-16 09:00\nservices: [dns]\n---\nA resolver crashed.\n"})
		}},
		{"a report outside the window retitled", 30, func(t *testing.T, content string) {
			testutil.WriteFiles(t, content, map[string]string{"incidents/r27.md": longChainReport(27, "Renamed flood")})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			content := filepath.Join(dir, "content")
			testutil.WriteFiles(t, content, longChainArchive(tc.n))
			cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test", Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program"),
				Now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), ListPageSize: 10}
			mustBuild(t, cfg)
			mustBuild(t, cfg)
			tc.edit(t, content)
			mustBuild(t, cfg)
			cold := cfg
			cold.Cache, cold.Cold, cold.Dest = nil, true, filepath.Join(dir, "cold")
			mustBuild(t, cold)
			sameTree(t, tc.name, tree(t, cold.Dest), tree(t, cfg.Dest))
		})
	}
}
