package static_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/search"
	"github.com/incidents-archive/incidents/search/static"
)

// memWriter keeps written files in memory.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(rel string, data []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[rel] = data
	return true, nil
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// TestMeasureCorpus measures the static index of the archive in
// $INCIDENTS_SEARCH_CORPUS (a content folder, such as the 10,000-report
// archive of gencorpus.py); it is skipped without it.
func TestMeasureCorpus(t *testing.T) {
	dir := os.Getenv("INCIDENTS_SEARCH_CORPUS")
	if dir == "" {
		t.Skip("set INCIDENTS_SEARCH_CORPUS to a content folder to measure its static index")
	}
	ctx := context.Background()
	arc, diags, err := generator.Load(ctx, generator.Config{Source: dir})
	if err != nil || diags.HasErrors() {
		t.Fatalf("loading %s: %v %v", dir, err, diags)
	}
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	docs := search.Documents(arc)
	tDocs := time.Since(start)
	w := &memWriter{}
	st, err := static.Write(ctx, w, docs, static.Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	runtime.ReadMemStats(&ms1)
	t.Logf("Documents %v, Write %v, total %v; allocated %d MB", tDocs, total-tDocs, total, (ms1.TotalAlloc-ms0.TotalAlloc)>>20)
	t.Logf("stats %+v", st)
	raw, gz := map[string]int{}, map[string]int{}
	var names []string
	for name, b := range w.files {
		kind := name
		if i := strings.LastIndex(name, "/"); strings.Count(name, "/") > 1 {
			kind = name[:i]
		}
		raw[kind] += len(b)
		gz[kind] += gzipSize(b)
	}
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("%-20s raw %8d gzip %8d", k, raw[k], gz[k])
	}
}
