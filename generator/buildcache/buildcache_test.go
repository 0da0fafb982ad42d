package buildcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestGetPut(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "program 1")
	if err := c.Put("kind", "key 1", []byte("payload")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		cache   *Cache
		key     string
		damage  func(b []byte) []byte
		want    string
		wantHit bool
	}{
		{"the same key", c, "key 1", nil, "payload", true},
		{"another key", c, "key 2", nil, "", false},
		{"another program", Open(dir, "program 2"), "key 1", nil, "", false},
		{"no cache", nil, "key 1", nil, "", false},
		{"truncated", c, "key 1", func(b []byte) []byte { return b[:len(b)-1] }, "", false},
		{"a byte changed", c, "key 1", func(b []byte) []byte { b[len(b)-40] ^= 1; return b }, "", false},
		{"empty", c, "key 1", func([]byte) []byte { return nil }, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "kind")
			orig, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if tt.damage != nil {
				if err := os.WriteFile(p, tt.damage(append([]byte(nil), orig...)), 0o644); err != nil {
					t.Fatal(err)
				}
				defer os.WriteFile(p, orig, 0o644)
			}
			got, ok := tt.cache.Get("kind", tt.key)
			if ok != tt.wantHit || string(got) != tt.want {
				t.Errorf("Get = %q, %v; want %q, %v", got, ok, tt.want, tt.wantHit)
			}
		})
	}
	if err := c.Remove("kind"); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("kind", "key 1"); ok {
		t.Error("a removed entry is still found")
	}
}

func TestKeyIsUnambiguous(t *testing.T) {
	if Key("ab", "c") == Key("a", "bc") || Key("a") == Key("a", "") {
		t.Error("different parts give the same key")
	}
}

func TestTreeHash(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hash := func() string {
		t.Helper()
		h, err := TreeHash(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	write("a/b.md", "one")
	seen := map[string]string{hash(): "start"}
	for _, step := range []struct {
		name string
		do   func()
	}{
		{"content changed", func() { write("a/b.md", "two") }},
		{"file added", func() { write("a/c.md", "") }},
		{"file renamed", func() { os.Rename(filepath.Join(dir, "a/c.md"), filepath.Join(dir, "a/d.md")) }},
		{"folder added", func() { os.Mkdir(filepath.Join(dir, "e"), 0o755) }},
		{"link added", func() { os.Symlink("a/b.md", filepath.Join(dir, "l")) }},
	} {
		step.do()
		h := hash()
		if prev, ok := seen[h]; ok {
			t.Errorf("%s: same hash as after %s", step.name, prev)
		}
		seen[h] = step.name
		if hash() != h {
			t.Errorf("%s: hashing twice differs", step.name)
		}
	}
	if h, err := TreeHash(context.Background(), filepath.Join(dir, "missing")); err != nil || h == "" {
		t.Errorf("missing folder: %q, %v", h, err)
	}
}

// TestRememberedTreeHash: the cache's TreeHash, which reads only files
// whose stamps changed, always equals TreeHash, also for a file rewritten
// with the same size and its old modification time put back, and for
// files written just before and after a hash.
func TestRememberedTreeHash(t *testing.T) {
	dir := t.TempDir()
	c := Open(filepath.Join(t.TempDir(), "cache"), "test program")
	old := time.Now().Add(-time.Hour)
	write := func(name, data string, settled bool) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if settled {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 20 {
		write(fmt.Sprintf("incidents/r%d.md", i), fmt.Sprint("report ", i), true)
	}
	for _, step := range []struct {
		name string
		do   func()
	}{
		{"first", func() {}},
		{"nothing changed", func() {}},
		{"rewritten with the same size and time", func() { write("incidents/r3.md", "REPORT 3", true) }},
		{"rewritten just now", func() { write("incidents/r4.md", "REPORT 4", false) }},
		{"rewritten again at once", func() { write("incidents/r4.md", "report 4", false) }},
		{"removed", func() { os.Remove(filepath.Join(dir, "incidents/r5.md")) }},
		{"added", func() { write("incidents/new.md", "new", true) }},
	} {
		step.do()
		want, err := TreeHash(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if got, err := c.TreeHash(context.Background(), dir); err != nil || got != want {
				t.Errorf("%s: the cache's TreeHash gives %s (%v), TreeHash %s", step.name, got, err, want)
			}
		}
	}
	var none *Cache
	if got, err := none.TreeHash(context.Background(), dir); err != nil || got == "" {
		t.Errorf("a nil cache's TreeHash: %q, %v", got, err)
	}
}

// TestPutLargeEntry checks that a payload larger than any buffer is
// stored and read back whole, and that Put leaves the entry alone in the
// cache folder.
func TestPutLargeEntry(t *testing.T) {
	payload := bytes.Repeat([]byte("repeat lists "), 300000)
	c := Open(t.TempDir(), "prog")
	if err := c.Put("repeats", "k", payload); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get("repeats", "k"); !ok || !bytes.Equal(got, payload) {
		t.Fatalf("Get after Put: %v", ok)
	}
	if _, ok := c.Get("repeats", "other key"); ok {
		t.Fatal("the entry was read back under another key")
	}
	entries, _ := os.ReadDir(c.Dir())
	if len(entries) != 1 {
		t.Fatalf("Put left %d files, want the entry alone", len(entries))
	}
}

// TestStampsRoundTrip: the remembered hashes read back as written, and a
// cut entry is refused whole rather than read as fewer files.
func TestStampsRoundTrip(t *testing.T) {
	m := map[string]stamped{
		"incidents/2024/a.md": {Stamp: stamp{Size: 1200, ModNs: 1_700_000_000_000_000_000, ChangNs: 1_700_000_000_000_000_001, Inode: 42}, Sum: sha256.Sum256([]byte("a"))},
		"site.yaml":           {Stamp: stamp{Size: 0, ModNs: -1, ChangNs: 0, Inode: 0}, Sum: sha256.Sum256(nil)},
	}
	data := appendStamps(nil, m)
	got, err := decodeStamps(data)
	if err != nil || !maps.Equal(got, m) {
		t.Fatalf("read back %v, %v; want %v", got, err, m)
	}
	for n := range len(data) {
		if got, err := decodeStamps(data[:n]); err == nil {
			t.Errorf("the first %d of %d bytes read as %d stamps", n, len(data), len(got))
		}
	}
	// TreeHash takes a remembered hash for a file whose stamp is the
	// remembered one: told a wrong hash, it gives another sum.
	dir := t.TempDir()
	p := filepath.Join(dir, "r.md")
	if err := os.WriteFile(p, []byte("report"), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	c := Open(filepath.Join(t.TempDir(), "cache"), "test program")
	abs, _ := filepath.Abs(dir)
	lie := map[string]stamped{"r.md": {Stamp: stampOf(info), Sum: sha256.Sum256([]byte("something else"))}}
	if err := c.Put("stamps-"+Key(abs)[:16], stampsFormat, appendStamps(nil, lie)); err != nil {
		t.Fatal(err)
	}
	truth, err := TreeHash(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.TreeHash(context.Background(), dir); err != nil || got == truth {
		t.Errorf("TreeHash read the file rather than the remembered hash (%v)", err)
	}
}

// TestPutWith: a payload written in pieces is stored as one; one that
// fails, or is not the size announced, leaves the older entry as it was
// and no temporary file behind.
func TestPutWith(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "test program")
	pieces := func(parts ...string) func(io.Writer) error {
		return func(w io.Writer) error {
			for _, p := range parts {
				if _, err := io.WriteString(w, p); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if err := c.PutWith("k", "key", 9, pieces("one", "two", "six")); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get("k", "key"); !ok || string(got) != "onetwosix" {
		t.Fatalf("Get: %q, %v", got, ok)
	}
	for _, tc := range []struct {
		name  string
		size  int64
		write func(io.Writer) error
	}{
		{"shorter than said", 9, pieces("one", "two")},
		{"longer than said", 3, pieces("one", "two")},
		{"failed", 6, func(w io.Writer) error { io.WriteString(w, "one"); return errors.New("disk on fire") }},
	} {
		if err := c.PutWith("k", "key", tc.size, tc.write); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
		if got, ok := c.Get("k", "key"); !ok || string(got) != "onetwosix" {
			t.Errorf("%s: the older entry reads %q, %v", tc.name, got, ok)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("the cache folder holds %d files (%v), want the entry alone", len(entries), err)
	}
}
