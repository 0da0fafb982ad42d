package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestDiskFull builds onto a small tmpfs that the next, larger build does
// not fit on: the build fails with an error that says the disk is full and
// that public/ was not changed, public/ is byte for byte the previous site,
// and once there is room again the next build succeeds. Mounting needs
// root, as make test runs on the project's machines and CI.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=3m"); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): this test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(disk, syscall.MNT_DETACH) })

	small := testutil.SyntheticArchive(t, filepath.Join(dir, "small"), 20, 3)
	large := testutil.SyntheticArchive(t, filepath.Join(dir, "large"), 200, 3)
	out := filepath.Join(disk, "public")
	index := filepath.Join(dir, "cache", "search")
	if _, err := Build(context.Background(), Config{Source: small, Dest: out, SearchIndex: index}); err != nil {
		t.Fatalf("the small site does not fit on the small disk: %v", err)
	}
	before := snapshot(t, out)
	_, err := Build(context.Background(), Config{Source: large, Dest: out, SearchIndex: index})
	if err == nil {
		t.Fatal("a site larger than the disk built")
	}
	t.Logf("error: %v", err)
	for _, want := range []string{"no space left on device", "the disk holding " + disk + " is full", "public was not changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q", want)
		}
	}
	if snapshot(t, out) != before {
		t.Error("the failed build changed public/")
	}
	if _, err := Build(context.Background(), Config{Source: small, Dest: out, SearchIndex: index}); err != nil {
		t.Fatalf("the build after the full disk: %v", err)
	}
}
