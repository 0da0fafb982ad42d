package buildcache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// value is the test value of record i: large enough, with n records,
// to pass compactBelow.
func value(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("value %d;", i)), 20000)
}

func name(i int) string { return fmt.Sprintf("record %d", i) }

// writeRecords stores records 0..n-1 as a build would, and saves.
func writeRecords(t *testing.T, c *Cache, n int) {
	t.Helper()
	r := c.OpenRecords("recs", "key", true)
	for i := range n {
		r.Put(name(i), value(i))
	}
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
}

// found lists the records of 0..n-1 that the entry gives back right.
func found(t *testing.T, c *Cache, key string, read bool, n int) []int {
	t.Helper()
	r := c.OpenRecords("recs", key, read)
	defer r.Save()
	var out []int
	for i := range n {
		if v, ok := r.Get(name(i)); ok {
			if !bytes.Equal(v, value(i)) {
				t.Fatalf("record %d came back wrong", i)
			}
			out = append(out, i)
		}
	}
	return out
}

func TestRecordsMisses(t *testing.T) {
	all := []int{0, 1, 2, 3, 4}
	header := len(recordsHeader("program 1", "key"))
	// Where record i's value starts in a file of records 0..4.
	valueAt := func(i int) int {
		at := header
		for j := range i {
			at += 12 + len(name(j)) + 4 + len(value(j)) + 4
		}
		return at + 12 + len(name(i)) + 4
	}
	for _, tt := range []struct {
		name    string
		program string
		key     string
		read    bool
		damage  func(b []byte) []byte
		want    []int
	}{
		{"as written", "program 1", "key", true, nil, all},
		{"a cold build reads nothing", "program 1", "key", false, nil, nil},
		{"another key", "program 1", "other", true, nil, nil},
		{"another program", "program 2", "key", true, nil, nil},
		{"header damaged", "program 1", "key", true, func(b []byte) []byte { b[3] ^= 1; return b }, nil},
		{"a value damaged: that record only", "program 1", "key", true, func(b []byte) []byte { b[valueAt(2)+7] ^= 1; return b }, []int{0, 1, 3, 4}},
		{"a name damaged: the records after it are lost", "program 1", "key", true, func(b []byte) []byte { b[valueAt(2)-6] ^= 1; return b }, []int{0, 1}},
		{"a length damaged", "program 1", "key", true, func(b []byte) []byte { b[valueAt(3)-len(name(3))-16+6] ^= 0x40; return b }, []int{0, 1, 2}},
		{"cut in a value", "program 1", "key", true, func(b []byte) []byte { return b[:valueAt(4)+10] }, []int{0, 1, 2, 3}},
		{"cut in a header", "program 1", "key", true, func(b []byte) []byte { return b[:valueAt(4)-20] }, []int{0, 1, 2, 3}},
		{"only the header", "program 1", "key", true, func(b []byte) []byte { return b[:header] }, nil},
		{"empty", "program 1", "key", true, func([]byte) []byte { return nil }, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeRecords(t, Open(dir, "program 1"), 5)
			p := filepath.Join(dir, "recs")
			if tt.damage != nil {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, tt.damage(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c := Open(dir, tt.program)
			if got := found(t, c, tt.key, tt.read, 5); !slices.Equal(got, tt.want) {
				t.Errorf("found %v, want %v", got, tt.want)
			}
			// Whatever was lost, a build that puts the records again
			// leaves an entry that has them all.
			r := c.OpenRecords("recs", tt.key, true)
			for i := range 5 {
				if _, ok := r.Get(name(i)); !ok {
					r.Put(name(i), value(i))
				}
			}
			if err := r.Save(); err != nil {
				t.Fatal(err)
			}
			if got := found(t, c, tt.key, true, 5); !slices.Equal(got, all) {
				t.Errorf("after putting them again, found %v", got)
			}
		})
	}
}

func TestRecordsKeepWhatIsUsed(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "program 1")
	p := filepath.Join(dir, "recs")
	size := func() int64 {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	writeRecords(t, c, 10)
	full := size()

	// One record changed: it is appended, the others are left alone.
	r := c.OpenRecords("recs", "key", true)
	for i := range 10 {
		if i == 3 {
			r.Put(name(3)+" v2", value(30))
			continue
		}
		r.Get(name(i))
	}
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if s := size(); s <= full || s > full+int64(len(value(30)))+100 {
		t.Errorf("after one change the entry is %d bytes, from %d: want one record appended", s, full)
	}
	// Record 3 went unused, but the entry is not written again for so
	// little: it is still there, as it was.
	if got := found(t, c, "key", true, 10); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("found %v", got)
	}

	// A build that uses only two records leaves more unused than used:
	// the entry is written again with those two.
	r = c.OpenRecords("recs", "key", true)
	r.Get(name(0))
	r.Get(name(9))
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if s := size(); s > full/4 {
		t.Errorf("the entry kept %d bytes for 2 records of 10 (%d bytes)", s, full)
	}
	if got := found(t, c, "key", true, 10); !slices.Equal(got, []int{0, 9}) {
		t.Errorf("after compaction found %v, want [0 9]", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the cache folder holds %d files, want only the entry", len(entries))
	}
	if err := Recognize(dir); err != nil {
		t.Errorf("Recognize: %v", err)
	}
}

func TestRecordsNilCache(t *testing.T) {
	var c *Cache
	r := c.OpenRecords("recs", "key", true)
	r.Put("a", []byte("b"))
	if _, ok := r.Get("a"); ok {
		t.Error("a nil cache found a record")
	}
	if err := r.Save(); err != nil {
		t.Error(err)
	}
}

func TestRecordsAfterSave(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "program 1")
	writeRecords(t, c, 2)
	r := c.OpenRecords("recs", "key", true)
	if _, ok := r.Get(name(0)); !ok {
		t.Fatal("record 0 not found")
	}
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	r.Put(name(5), value(5))
	if _, ok := r.Get(name(0)); ok {
		t.Error("Get found a record after Save")
	}
	if err := r.Save(); err != nil {
		t.Errorf("a second Save: %v", err)
	}
	if got := found(t, c, "key", true, 6); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("found %v after a Put that came after Save, want [0 1]", got)
	}
}
