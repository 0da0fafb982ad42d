package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// build runs one Build of files into dest and returns which files the
// folder actually wrote (rather than kept).
func build(t *testing.T, dest string, files map[string]string) map[string]bool {
	t.Helper()
	changed := map[string]bool{}
	sum, err := Build(dest, func(f *Folder) error {
		for name, content := range files {
			c, err := f.WriteFile(name, []byte(content))
			if err != nil {
				return err
			}
			if c {
				changed[name] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Build's sum is the manifest's it published.
	if data, err := os.ReadFile(filepath.Join(dest, ManifestName)); err != nil || sha256.Sum256(data) != sum {
		t.Fatalf("Build returned %x, the published manifest hashes otherwise (%v)", sum, err)
	}
	return changed
}

// TestUnchangedFilesAreKept: output is double-buffered, so a file is kept
// when the build before last wrote the same content, and the file has not
// been touched since.
func TestUnchangedFilesAreKept(t *testing.T) {
	site := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	tests := []struct {
		name        string
		tamper      func(t *testing.T, spare string) // between the second and third build
		next        map[string]string                // the third build; site when nil
		wantChanged string
	}{
		{"nothing changed", nil, nil, ""},
		{"one page changed", nil, map[string]string{"index.html": "home", "a/index.html": "A", "b/index.html": "b"}, "a/index.html"},
		{"a file edited by hand, same size", func(t *testing.T, spare string) {
			p := filepath.Join(spare, "b", "index.html")
			write(t, p, "B")
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}, nil, "b/index.html"},
		{"a file removed by hand", func(t *testing.T, spare string) {
			if err := os.Remove(filepath.Join(spare, "index.html")); err != nil {
				t.Fatal(err)
			}
		}, nil, "index.html"},
		{"a corrupt manifest", func(t *testing.T, spare string) {
			write(t, filepath.Join(spare, ManifestName), manifestHeader+"not gzip")
		}, nil, "a/index.html b/index.html index.html"},
		{"a manifest of version 1, as older builds wrote", func(t *testing.T, spare string) {
			m, err := Manifest(spare)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(spare, ManifestName), manifestV1(m))
		}, nil, ""},
		{"no manifest, as after a killed build", func(t *testing.T, spare string) {
			if err := os.Remove(filepath.Join(spare, ManifestName)); err != nil {
				t.Fatal(err)
			}
		}, nil, "a/index.html b/index.html index.html"},
		{"a link planted where a page goes", func(t *testing.T, spare string) {
			outside := filepath.Join(filepath.Dir(spare), "outside.txt")
			write(t, outside, "keep me")
			p := filepath.Join(spare, "a", "index.html")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, p); err != nil {
				t.Fatal(err)
			}
		}, nil, "a/index.html"},
		{"a link planted where a folder goes", func(t *testing.T, spare string) {
			outside := filepath.Join(filepath.Dir(spare), "outside")
			if err := os.MkdirAll(outside, 0o755); err != nil {
				t.Fatal(err)
			}
			// The same page, with the recorded size and time, outside.
			if err := os.Rename(filepath.Join(spare, "a", "index.html"), filepath.Join(outside, "index.html")); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(spare, "a")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(spare, "a")); err != nil {
				t.Fatal(err)
			}
		}, nil, "a/index.html"},
		{"a FIFO where a page goes", func(t *testing.T, spare string) {
			p := filepath.Join(spare, "b", "index.html")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, "b/index.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.name, "link") && runtime.GOOS != "linux" {
				t.Skip("only Linux guards every component of an output path against links")
			}
			dest := filepath.Join(t.TempDir(), "public")
			build(t, dest, site)
			build(t, dest, site) // now the spare holds the first build
			if tt.tamper != nil {
				tt.tamper(t, SpareDir(dest))
			}
			next := tt.next
			if next == nil {
				next = site
			}
			changed := build(t, dest, next)
			var names []string
			for name := range changed {
				names = append(names, name)
			}
			if got := strings.Join(slices.Sorted(slices.Values(names)), " "); got != tt.wantChanged {
				t.Errorf("rewritten: %q, want %q", got, tt.wantChanged)
			}
			for name, content := range next {
				if b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name))); err != nil || string(b) != content {
					t.Errorf("%s = %q, %v; want %q", name, b, err, content)
				}
			}
			if b, err := os.ReadFile(filepath.Join(filepath.Dir(dest), "outside.txt")); err == nil && string(b) != "keep me" {
				t.Errorf("a write followed a link out of the folder: outside.txt = %q", b)
			}
			for _, p := range []string{"a", "b"} {
				if info, err := os.Lstat(filepath.Join(dest, p)); err != nil || !info.IsDir() {
					t.Errorf("%s is not a folder: %v %v", p, info, err)
				}
				if info, err := os.Lstat(filepath.Join(dest, p, "index.html")); err != nil || !info.Mode().IsRegular() {
					t.Errorf("%s/index.html is not a plain file: %v %v", p, info, err)
				}
			}
			entries, _ := os.ReadDir(filepath.Join(filepath.Dir(dest), "outside"))
			if len(entries) > 1 {
				t.Errorf("files were written outside the output: %v", entries)
			}
		})
	}
}

// TestManifestListsTheSite checks the manifest of a finished build.
func TestManifestListsTheSite(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"index.html": "home", "x y/index.html": "spaced"})
	m, err := readManifest(filepath.Join(dest, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["index.html"].Size != 4 || m["x y/index.html"].Size != 6 {
		t.Errorf("manifest = %v", m)
	}
	info, err := os.Stat(filepath.Join(dest, "index.html"))
	if err != nil || info.ModTime().UnixNano() != m["index.html"].ModTime {
		t.Errorf("manifest time %d, file %v (%v)", m["index.html"].ModTime, info.ModTime().UnixNano(), err)
	}
}

func TestWriteRefusesPathsOutside(t *testing.T) {
	for _, rel := range []string{"", "../x", "a/../../x", "/etc/passwd", "a//b", Marker, ManifestName} {
		_, err := Build(filepath.Join(t.TempDir(), "public"), func(f *Folder) error {
			_, err := f.WriteFile(rel, []byte("x"))
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("WriteFile(%q) err = %v", rel, err)
		}
	}
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMakeDirsReplacesLinks: a link planted where a top-level folder goes
// is replaced, and no folder is created through it.
func TestMakeDirsReplacesLinks(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	outside := filepath.Join(root, "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	build(t, dest, map[string]string{"index.html": "x"})
	build(t, dest, map[string]string{"index.html": "x"}) // now there is a spare
	if err := os.Symlink(outside, filepath.Join(SpareDir(dest), "a")); err != nil {
		t.Fatal(err)
	}
	_, err := Build(dest, func(f *Folder) error {
		if err := f.MakeDirs([]string{"a", "a/b"}); err != nil {
			return err
		}
		_, err := f.WriteFile("a/b/index.html", []byte("page"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("created through the link: %v", entries)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "a", "b", "index.html")); err != nil || string(b) != "page" {
		t.Errorf("a/b/index.html = %q, %v", b, err)
	}
}

// TestKeepTakesThePublishedFile: Keep puts the destination's file in the
// new output, whether the build folder (the build before last) holds the
// same or an older version; it refuses a file the destination's manifest
// does not list or that changed since it was published.
func TestKeepTakesThePublishedFile(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"a.html": "old a", "b.html": "b", "c.html": "c", "d.html": "old d", "e.html": "e"})
	build(t, dest, map[string]string{"a.html": "new a", "b.html": "b", "c.html": "c", "d.html": "new d", "e.html": "e"})
	// The destination holds the new a and d, the spare the old ones; d
	// is then edited by hand in the destination, and e in both.
	write(t, filepath.Join(dest, "d.html"), "edited by hand")
	write(t, filepath.Join(dest, "e.html"), "edited by hand")
	write(t, filepath.Join(SpareDir(dest), "e.html"), "edited by hand")
	manifest, err := os.ReadFile(filepath.Join(dest, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(manifest)
	// Without the manifest the caller knew, nothing is kept.
	_, err = Build(dest, func(f *Folder) error {
		f.ExpectPublished("0" + hex.EncodeToString(sum[1:]))
		if _, ok := f.Keep("b.html"); ok {
			t.Error("Keep kept a file of a destination published since")
		}
		_, err := f.WriteFile("b.html", []byte("b"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	build(t, dest, map[string]string{"a.html": "new a", "b.html": "b", "c.html": "c", "d.html": "new d", "e.html": "e"})
	write(t, filepath.Join(dest, "d.html"), "edited by hand")
	write(t, filepath.Join(dest, "e.html"), "edited by hand")
	write(t, filepath.Join(SpareDir(dest), "e.html"), "edited by hand")
	if manifest, err = os.ReadFile(filepath.Join(dest, ManifestName)); err != nil {
		t.Fatal(err)
	}
	sum = sha256.Sum256(manifest)
	kept := map[string]bool{}
	_, err = Build(dest, func(f *Folder) error {
		f.ExpectPublished(hex.EncodeToString(sum[:]))
		for _, rel := range []string{"a.html", "b.html", "d.html", "e.html", "missing.html", "../x"} {
			if _, ok := f.Keep(rel); ok {
				kept[rel] = true
			} else if _, err := f.WriteFile(rel, []byte("written "+rel)); err != nil && rel != "../x" {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{"a.html": true, "b.html": true, "d.html": false, "e.html": false, "missing.html": false, "../x": false} {
		if kept[rel] != want {
			t.Errorf("Keep(%q) = %v, want %v", rel, kept[rel], want)
		}
	}
	for rel, want := range map[string]string{"a.html": "new a", "b.html": "b", "d.html": "written d.html", "e.html": "written e.html", "missing.html": "written missing.html"} {
		if got, err := os.ReadFile(filepath.Join(dest, rel)); err != nil || string(got) != want {
			t.Errorf("%s holds %q (%v), want %q", rel, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "c.html")); !os.IsNotExist(err) {
		t.Errorf("c.html, neither kept nor written, is still there (%v)", err)
	}
	if _, err := Intact(dest); err != nil {
		t.Errorf("the output after Keep does not match its manifest: %v", err)
	}
}
