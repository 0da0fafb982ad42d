package wikitext

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the converter's output")

// TestGolden converts the whole reports in testdata/*.wiki (written for
// these tests, in the layout of the wiki's incident pages) and compares
// the Markdown, and the warnings, with the golden files beside them.
func TestGolden(t *testing.T) {
	pages, err := filepath.Glob("testdata/*.wiki")
	if err != nil || len(pages) < 3 {
		t.Fatalf("want at least 3 fixture pages in testdata/, found %d (%v)", len(pages), err)
	}
	for _, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".wiki")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			md, warnings := Convert(string(src), testOpt)
			checkMarkdown(t, md)
			var w strings.Builder
			for _, x := range warnings {
				w.WriteString(x.Field + ": " + x.Kind + ": " + x.Message + "\n")
			}
			golden(t, strings.TrimSuffix(page, ".wiki")+".md", md)
			golden(t, strings.TrimSuffix(page, ".wiki")+".warnings", w.String())
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (go test -run TestGolden -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
