package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") || strings.HasSuffix(e.Name(), ".old") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestBuild(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "sub", "public")

	// First build creates dest, and its parent.
	if err := Build(dest, func(dir string) error { write(t, dir, "index.html", "v1"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dest, "index.html")); got != "v1" {
		t.Fatalf("after first build: %q", got)
	}
	info, err := os.Stat(dest)
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("dest mode = %v, %v; want 0755", info.Mode(), err)
	}

	// A failing build leaves dest exactly as it was and cleans up.
	boom := errors.New("boom")
	err = Build(dest, func(dir string) error { write(t, dir, "index.html", "half"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got := read(t, filepath.Join(dest, "index.html")); got != "v1" {
		t.Errorf("after failed build: %q, want v1", got)
	}
	if l := leftovers(t, filepath.Dir(dest)); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}

	// A successful build replaces dest as a whole: old files disappear.
	write(t, dest, "stale.html", "stale")
	if err := Build(dest, func(dir string) error { write(t, dir, "index.html", "v2"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dest, "index.html")); got != "v2" {
		t.Errorf("after second build: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dest, "stale.html")); !os.IsNotExist(err) {
		t.Error("a file of the previous build survived")
	}
	if l := leftovers(t, filepath.Dir(dest)); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestBuildRemovesWhatAKilledBuildLeft(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	stale := filepath.Join(root, ".public.tmp-123")
	if err := os.MkdirAll(filepath.Join(stale, "incidents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Build(dest, func(dir string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the killed build's folder is still there")
	}
}

func TestBuildRefusesAFile(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	write(t, root, "public", "not a folder")
	err := Build(dest, func(dir string) error { t.Error("fill must not run"); return nil })
	if err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("err = %v", err)
	}
	if got := read(t, dest); got != "not a folder" {
		t.Error("the file was changed")
	}
}
