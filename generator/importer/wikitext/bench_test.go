package wikitext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchPage is a page of about 20 KB made of the fixture reports.
func benchPage(b *testing.B) string {
	pages, _ := filepath.Glob("testdata/*.wiki")
	var sb strings.Builder
	for sb.Len() < 20<<10 {
		for _, p := range pages {
			src, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			sb.Write(src)
		}
	}
	return sb.String()[:20<<10]
}

// BenchmarkConvert converts a 20 KB page. An import of 1,000 pages must
// take under 5 s in all, so one conversion should take well under 2 ms.
func BenchmarkConvert(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		Convert(page, testOpt)
	}
}
