// Package testutil holds helpers shared by tests across the project.
package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteFiles creates files under root, making folders as needed. Names are
// slash-separated paths relative to root; values are file contents.
func WriteFiles(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Golden compares got with the golden file path, after rewriting the file
// with got when update is set (the tests' -update flag).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// BillionLaughs is a report whose front matter is a YAML bomb: levels
// anchors, each a list of width aliases of the one before, which expanded
// would hold width^levels values, and fields that name the last one.
func BillionLaughs(levels, width int) string {
	var b strings.Builder
	b.WriteString("---\nid: 2026-02-07 bomb\ntitle: Bomb\nstart: 2026-02-07\nl0: &l0 [lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := 0; j < width; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	for _, key := range []string{"services", "causes", "responders", "actionables", "scorecard", "related"} {
		fmt.Fprintf(&b, "%s: *l%d\n", key, levels)
	}
	b.WriteString("---\nBody\n")
	return b.String()
}
