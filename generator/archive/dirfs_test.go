package archive

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/matter"
)

// TestDirFSReadsAsOSDirFS checks that DirFS reads every kind of file as
// reading through os.DirFS does: the same bytes, the same refusals.
func TestDirFSReadsAsOSDirFS(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("incidents/2024/small.md", []byte("---\nid: a\n---\nBody.\n"))
	write("incidents/2024/empty.md", nil)
	write("incidents/2024/large.md", bytes.Repeat([]byte("x"), 3<<20))
	write("incidents/2024/limit.md", bytes.Repeat([]byte("y"), matter.MaxFileSize))
	write("incidents/2024/over.md", nil)
	if err := os.Truncate(filepath.Join(dir, "incidents/2024/over.md"), matter.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "incidents/2024/folder.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	fast, plain := DirFS(dir), os.DirFS(dir)
	tests := []struct {
		name string
		buf  []byte
	}{
		{"incidents/2024/small.md", nil},
		{"incidents/2024/small.md", make([]byte, 0, 4)},      // too small: grown
		{"incidents/2024/small.md", make([]byte, 100, 4096)}, // old bytes: overwritten
		{"incidents/2024/empty.md", nil},
		{"incidents/2024/large.md", nil},
		{"incidents/2024/limit.md", nil},
		{"incidents/2024/over.md", nil},
		{"incidents/2024/missing.md", nil},
		{"incidents/2024/folder.md", nil},
		{"../outside.md", nil},
	}
	for _, tt := range tests {
		want, wantErr := readBounded(plain, tt.name, append(make([]byte, 0, cap(tt.buf)), tt.buf...))
		got, err := readBounded(fast, tt.name, tt.buf)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: read %d bytes, want %d as os.DirFS gives", tt.name, len(got), len(want))
		}
		// A buffer with room is read into, not replaced.
		if len(got) > 0 && cap(tt.buf) > len(got) && &got[0] != &tt.buf[:1][0] {
			t.Errorf("%s: read into new memory though the buffer given had room", tt.name)
		}
		if (err == nil) != (wantErr == nil) {
			t.Errorf("%s: error %v, want %v as os.DirFS gives", tt.name, err, wantErr)
			continue
		}
		for _, target := range []error{errTooBig, fs.ErrNotExist, fs.ErrInvalid} {
			if errors.Is(err, target) != errors.Is(wantErr, target) {
				t.Errorf("%s: error %v, want %v as os.DirFS gives", tt.name, err, wantErr)
			}
		}
		if err != nil && !strings.Contains(err.Error(), filepath.Base(tt.name)) && !errors.Is(err, errTooBig) {
			t.Errorf("%s: error %q does not name the file", tt.name, err)
		}
	}
}
