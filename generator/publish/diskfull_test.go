package publish

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBuildOnAFullDisk: writers that fail with ENOSPC part-way, as on a
// full disk, give one error that says the disk is full, naming one file,
// not one per file; dest is untouched; and the spare is emptied, so that
// its leftovers do not keep the disk full for the next build. (The
// generator's TestDiskFull does the same on a real, small tmpfs.)
func TestBuildOnAFullDisk(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	if _, err := Build(dest, site(t, map[string]string{"index.html": "old", "a/index.html": "old a"})); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dest)
	_, err := Build(dest, func(f *Folder) error {
		var errs []error
		for i := range 20 {
			if _, err := f.WriteFile(fmt.Sprintf("p%d/index.html", i), []byte("new")); err != nil {
				return err
			}
			_, err := f.WriteStream(fmt.Sprintf("big%d.json", i), func(w *bufio.Writer) error {
				w.WriteString("partial")
				return &os.PathError{Op: "write", Path: fmt.Sprintf("big%d.json", i), Err: syscall.ENOSPC}
			})
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"the disk holding " + root + " is full", dest + " was not changed", "was removed to free the space", "writing big0.json: write big0.json: no space left on device"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "big1.json") {
		t.Errorf("error names more than one file: %q", msg)
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Error("the error does not wrap ENOSPC")
	}
	if got := tree(t, dest); got != before {
		t.Errorf("dest changed: %s", got)
	}
	if _, err := os.Stat(SpareDir(dest)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the spare is still there: %v", err)
	}
	if _, err := Build(dest, site(t, map[string]string{"index.html": "next"})); err != nil {
		t.Fatalf("the build after: %v", err)
	}
	if got := tree(t, dest); !strings.Contains(got, "index.html=next") || strings.Contains(got, "=old") {
		t.Errorf("after: %s", got)
	}
}
