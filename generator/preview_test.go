package generator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/testutil"
	"github.com/incidents-archive/incidents/search"
)

// TestPreview: the preview of an edit is the edited report's page as the
// whole build that follows writes it, when the edit changes nothing that
// other reports' pages or the repeat lists show.
func TestPreview(t *testing.T) {
	dir := writeArchive(t, cacheArchive())
	content := filepath.Join(dir, "content")
	cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test"}
	b := NewBuilder()
	if _, err := b.Preview(context.Background(), cfg, []string{filepath.Join(content, "incidents", "2020", "2020-05-01-cache.md")}, false); err != ErrNoPreview {
		t.Errorf("a preview before any build: %v, want ErrNoPreview", err)
	}
	if _, err := b.Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if !b.Ready() {
		t.Fatal("the first build, of an archive never built, kept nothing to preview from")
	}
	file := filepath.Join(content, "incidents", "2020", "2020-05-01-cache.md")
	edited := strings.Replace(cacheArchive()["incidents/2020/2020-05-01-cache.md"], "until the kernel", "until, at last, the kernel", 1)
	testutil.WriteFiles(t, content, map[string]string{"incidents/2020/2020-05-01-cache.md": edited})
	pages, err := b.Preview(context.Background(), cfg, []string{file}, true)
	if err != nil {
		t.Fatal(err)
	}
	const rel = "incidents/2020-05-01-cache/index.html"
	if !strings.Contains(string(pages[rel]), "until, at last, the kernel") {
		t.Fatalf("the preview has no %s with the edit", rel)
	}
	for _, want := range []string{"years/2020/index.html", "services/memcached/index.html", "services/mediawiki-api/index.html", "causes/memory-leak/index.html"} {
		if _, ok := pages[want]; !ok {
			t.Errorf("the preview has no %s, which lists the report", want)
		}
	}
	if len(pages) != 5 {
		t.Errorf("the preview has %d pages, want the report's and the 4 that list it", len(pages))
	}
	testutil.WriteFiles(t, content, map[string]string{"incidents/2020/notes.txt": "not a report"})
	for _, tt := range []struct {
		name  string
		paths []string
		want  error
	}{
		{"site.yaml", []string{filepath.Join(content, "site.yaml")}, ErrNoPreview},
		{"a free page", []string{filepath.Join(content, "pages", "guide.md")}, ErrNoPreview},
		{"a folder", []string{filepath.Join(content, "incidents", "2020")}, ErrNoPreview},
		{"a folder of reports removed", []string{filepath.Join(content, "incidents", "2015")}, nil},
		{"vim's test file, gone", []string{filepath.Join(content, "incidents", "2020", "4913")}, ErrNoChange},
		{"a file that is no report", []string{filepath.Join(content, "incidents", "2020", "notes.txt")}, ErrNoChange},
		{"vim's test file beside the report", []string{filepath.Join(content, "incidents", "2020", "4913"), file}, nil},
	} {
		if tt.name == "a folder of reports removed" {
			// Moved away, not deleted, so that the rest of the test has it.
			moved := filepath.Join(dir, "moved")
			if err := os.Rename(tt.paths[0], moved); err != nil {
				t.Fatal(err)
			}
			_, err := b.Preview(context.Background(), cfg, tt.paths, false)
			if err := os.Rename(moved, tt.paths[0]); err != nil {
				t.Fatal(err)
			}
			if err != ErrNoPreview {
				t.Errorf("%s: %v, want ErrNoPreview", tt.name, err)
			}
			continue
		}
		if _, err := b.Preview(context.Background(), cfg, tt.paths, false); err != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := b.Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for rel, page := range pages {
		built, err := os.ReadFile(filepath.Join(cfg.Dest, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if string(built) != string(page) {
			t.Errorf("the preview of %s differs from the built page: %s", rel, firstDiff(string(built), string(page)))
		}
	}
	testutil.WriteFiles(t, content, map[string]string{"incidents/2020/2020-05-01-cache.md": strings.Replace(edited, "start: 2020-05-01 10:00", "start: never", 1)})
	_, err = b.Preview(context.Background(), cfg, []string{file}, false)
	var ce *diag.ContentError
	if !errors.As(err, &ce) || len(ce.Diagnostics) == 0 || !strings.Contains(ce.Diagnostics[0].String(), "2020-05-01-cache.md") || !strings.Contains(ce.Diagnostics[0].String(), "start") {
		t.Errorf("preview of a broken report: %v, want its error about start", err)
	}
}

// BenchmarkPreview times the preview of a one-report edit on the archive
// in $INCIDENTS_BENCH_CORPUS (a folder gencorpus.py made), or on a
// generated one of 2,000 reports: the report's page alone, and with the
// pages that list it.
func BenchmarkPreview(b *testing.B) {
	b.Run("page", func(b *testing.B) { benchmarkPreview(b, false) })
	b.Run("lists", func(b *testing.B) { benchmarkPreview(b, true) })
}

func benchmarkPreview(b *testing.B, lists bool) {
	src := os.Getenv("INCIDENTS_BENCH_CORPUS")
	if src == "" {
		src = filepath.Join(b.TempDir(), "content")
		files := map[string]string{"site.yaml": "title: Bench\n"}
		for i := 0; i < 2000; i++ {
			files[fmt.Sprintf("incidents/%d/r%d.md", 2000+i%20, i)] = fmt.Sprintf("---\nid: %d-01-01 r%d\ntitle: Report %d on svc-%d\nstart: %d-01-01\nservices: [svc-%d]\n---\n## Summary\n\nThe svc-%d cluster word%d failed with word%d and word%d.\n", 2000+i%20, i, i, i%50, 2000+i%20, i%50, i%50, i%300, i%170, i%70)
		}
		testutil.WriteFiles(b, src, files)
	}
	var file string
	filepath.WalkDir(filepath.Join(src, "incidents"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && file == "" {
			file = p
		}
		return err
	})
	cfg := Config{Source: src, Dest: filepath.Join(b.TempDir(), "public"), Version: "bench"}
	builder := NewBuilder()
	if _, err := builder.Build(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := builder.Preview(context.Background(), cfg, []string{file}, lists); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuilderStartsAsServeDoes: a Builder's first build, like Build, is
// skipped when the destination already holds the output of the same
// inputs, so serve starts at once; it then has nothing to preview from,
// and its next build builds, though nothing changed, to keep the archive
// the previews start from. Its index updater replaces search.Update.
func TestBuilderStartsAsServeDoes(t *testing.T) {
	ctx := context.Background()
	dir := writeArchive(t, cacheArchive())
	content := filepath.Join(dir, "content")
	cfg := Config{Source: content, Dest: filepath.Join(dir, "public"), Version: "test",
		Cache: buildcache.Open(filepath.Join(dir, "cache"), "test program"), SearchIndex: filepath.Join(dir, "index")}
	if _, err := Build(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	b := NewBuilder()
	res, err := b.Build(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unchanged || b.Ready() {
		t.Fatalf("the first build: unchanged %t, ready %t; want it skipped, with nothing to preview from", res.Unchanged, b.Ready())
	}
	file := filepath.Join(content, "incidents", "2020", "2020-05-01-cache.md")
	if _, err := b.Preview(ctx, cfg, []string{file}, false); err != ErrNoPreview {
		t.Errorf("a preview after a skipped build: %v, want ErrNoPreview", err)
	}
	var indexed int
	b.UpdateIndex = func(ctx context.Context, docs []search.Document) (search.UpdateStats, error) {
		indexed = len(docs)
		return search.UpdateStats{Unchanged: len(docs)}, nil
	}
	res, err = b.Build(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || !b.Ready() {
		t.Fatalf("the second build: unchanged %t, ready %t; want it built, ready to preview", res.Unchanged, b.Ready())
	}
	if indexed != res.Reports || res.Index.Unchanged != res.Reports {
		t.Errorf("the updater got %d documents, the build says %+v; want the %d reports through the Builder's updater", indexed, res.Index, res.Reports)
	}
	pages, err := b.Preview(ctx, cfg, []string{file}, false)
	if err != nil {
		t.Fatal(err)
	}
	const rel = "incidents/2020-05-01-cache/index.html"
	built, err := os.ReadFile(filepath.Join(cfg.Dest, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || string(pages[rel]) != string(built) {
		t.Errorf("the preview of an unedited report: %d pages, want its page as built", len(pages))
	}
}
