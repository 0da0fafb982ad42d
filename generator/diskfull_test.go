package generator

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestDiskFull builds a small site onto a tmpfs of three times its size,
// then a larger one that does not fit: the build fails with an error that
// says the disk is full and that public/ was not changed, public/ is byte
// for byte the previous site, and the small site builds again at once.
// Mounting needs root, as make test has on the project's machines and CI.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	small := testutil.SyntheticArchive(t, filepath.Join(dir, "small"), 20, 3)
	large := testutil.SyntheticArchive(t, filepath.Join(dir, "large"), 300, 3)
	// Room for the small site three times over: two copies of it fit, the
	// large site beside it does not.
	measured := filepath.Join(dir, "measured")
	if _, err := Build(context.Background(), Config{Source: small, Dest: measured}); err != nil {
		t.Fatal(err)
	}
	size := 3 * diskUsage(t, measured)
	disk := filepath.Join(dir, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): this test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(disk, syscall.MNT_DETACH) })

	out := filepath.Join(disk, "public")
	index := filepath.Join(dir, "cache", "search")
	if _, err := Build(context.Background(), Config{Source: small, Dest: out, SearchIndex: index}); err != nil {
		t.Fatalf("the small site does not fit on a disk of %d bytes: %v", size, err)
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

// diskUsage is the space the files and folders under dir take on disk.
func diskUsage(t *testing.T, dir string) int64 {
	t.Helper()
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total
}
