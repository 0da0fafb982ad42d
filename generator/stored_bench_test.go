package generator

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/testutil"
)

// BenchmarkStored times the two stages the cache's "reports" and "bodies"
// entries spare, on a copy of the content folder in
// $INCIDENTS_BENCH_CORPUS (a folder gencorpus.py made; it is not written)
// or on a synthetic archive of 2,000 reports:
//
//   - load: reading and decoding the archive (generator.Load), the
//     linter's checks of each body decoded included (lint.Body, which the
//     reports' records keep);
//   - bodies: rendering every report's body, or taking it from the cache
//     slim, as a build does (storedBodies.GetSlim: the HTML and text stay
//     in the record until a page or the search documents read them).
//
// Each is run cold (no cache: decode or render everything, and store it),
// after one report changed (its record is new, the others are taken) and
// with nothing changed.
func BenchmarkStored(b *testing.B) {
	src := os.Getenv("INCIDENTS_BENCH_CORPUS")
	content := filepath.Join(b.TempDir(), "content")
	if src == "" {
		content = testutil.SyntheticArchive(b, b.TempDir(), 2000, 1)
	} else if err := os.CopyFS(content, os.DirFS(src)); err != nil {
		b.Fatal(err)
	}
	var edited string
	filepath.WalkDir(filepath.Join(content, "incidents"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && edited == "" {
			edited = p
		}
		return err
	})
	original, err := os.ReadFile(edited)
	if err != nil {
		b.Fatal(err)
	}
	edit := func(i int) {
		if err := os.WriteFile(edited, append(original, []byte("\nEdited "+string(rune('a'+i%26))+".\n")...), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	defer os.WriteFile(edited, original, 0o644)

	for _, mode := range []string{"cold", "one-change", "no-change"} {
		cfg := Config{Source: content, Cache: buildcache.Open(filepath.Join(b.TempDir(), "cache"), "bench"), Cold: mode == "cold"}
		load := func() *archive.Archive {
			arc, diags, err := Load(context.Background(), cfg)
			if err != nil || diags.HasErrors() {
				b.Fatalf("Load: %v %v", err, diags.Errors())
			}
			return arc
		}
		b.Run("load/"+mode, func(b *testing.B) {
			load() // fills the cache
			b.ResetTimer()
			for i := range b.N {
				if mode == "one-change" {
					b.StopTimer()
					edit(i)
					b.StartTimer()
				}
				load()
			}
		})
		arc := load()
		r := markdown.New(markdown.Options{IncidentIDs: idsOf(arc.Incidents)})
		renderAll := func(i int) {
			bodies := openBodies(cfg)
			for j, in := range arc.Incidents {
				key := "bench:" + string(in.Body)
				if mode == "one-change" && j == 0 {
					key += string(rune('a' + i%26))
				}
				if _, _, ok := bodies.GetSlim(key); ok {
					continue
				}
				res, err := r.Render(in.Body)
				if err != nil {
					b.Fatal(err)
				}
				bodies.Put(key, res)
			}
			if err := bodies.recs.Save(); err != nil {
				b.Fatal(err)
			}
		}
		b.Run("bodies/"+mode, func(b *testing.B) {
			renderAll(-1) // fills the cache
			b.ResetTimer()
			for i := range b.N {
				renderAll(i)
			}
		})
	}
}
