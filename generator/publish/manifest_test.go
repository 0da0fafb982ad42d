package publish

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// manifestV1 writes files as a version 1 manifest, as builds before
// version 2 did.
func manifestV1(files map[string]FileState) string {
	var b strings.Builder
	b.WriteString(manifestHeaderV1)
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		st := files[rel]
		fmt.Fprintf(&b, "%s %d %d %s\n", hex.EncodeToString(st.Sum[:]), st.Size, st.ModTime, rel)
	}
	return b.String()
}

// sum is a FileState's hash made from a seed.
func sum(seed byte) (s [16]byte) {
	for i := range s {
		s[i] = seed + byte(i)*31
	}
	return s
}

// TestManifestRoundTrip: what a manifest records reads back the same, in
// either version.
func TestManifestRoundTrip(t *testing.T) {
	large := map[string]FileState{}
	for i := range 3000 {
		dir := fmt.Sprintf("incidents/2026-%02d-%02d-svc-%04d", i%12+1, i%28+1, i)
		// Times out of path order, as parallel writes leave them, some
		// before the epoch and some kept from an older build.
		t := 1796244404905934651 + int64((i*7919)%3000)*1_000_003 - int64(i%3)*86400e9
		large[dir+"/index.html"] = FileState{Sum: sum(byte(i)), Size: int64(i * 37), ModTime: t}
		if i%4 == 0 {
			large[dir+"/feed.xml"] = FileState{Sum: sum(byte(i + 1)), Size: 0, ModTime: -t}
		}
	}
	tests := []struct {
		name  string
		files map[string]FileState
	}{
		{"empty", map[string]FileState{}},
		{"one file", map[string]FileState{"index.html": {Sum: sum(1), Size: 4, ModTime: 1}}},
		{"paths that are prefixes of others", map[string]FileState{
			"a":         {Sum: sum(1), Size: 1, ModTime: 5},
			"a/b":       {Sum: sum(2), Size: 1 << 40, ModTime: -5},
			"a/b/c.xml": {Sum: sum(3), Size: 3, ModTime: 1 << 62},
			"ab":        {Sum: sum(4), Size: 4, ModTime: -1 << 62},
			"b":         {Sum: sum(5), Size: 5, ModTime: 0},
		}},
		{"spaces, newlines and other scripts", map[string]FileState{
			"x y/index.html":      {Sum: sum(1), Size: 6, ModTime: 7},
			"x\ny/index.html":     {Sum: sum(2), Size: 6, ModTime: 8},
			"services/José/a.xml": {Sum: sum(3), Size: 6, ModTime: 9},
			"services/日本語/a.xml":  {Sum: sum(4), Size: 6, ModTime: 10},
		}},
		{"3,000 folders", large},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := encodeManifest(tt.files)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeManifest(data)
			if err != nil {
				t.Fatalf("version 2: %v", err)
			}
			if !maps.Equal(got, tt.files) {
				t.Errorf("version 2 read back %d files, want %d, or different ones", len(got), len(tt.files))
			}
			again, err := encodeManifest(got)
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("writing the same files again gave other bytes (%v)", err)
			}
			if strings.Contains(tt.name, "newlines") {
				return // version 1 has one line per file
			}
			v1, err := decodeManifest([]byte(manifestV1(tt.files)))
			if err != nil || !maps.Equal(v1, tt.files) {
				t.Errorf("version 1: %v, %d files", err, len(v1))
			}
		})
	}
	v1, v2 := len(manifestV1(large)), 0
	if data, err := encodeManifest(large); err == nil {
		v2 = len(data)
	}
	if v2*3 > v1 {
		t.Errorf("version 2 takes %d bytes for %d files, version 1 %d: want it under a third", v2, len(large), v1)
	}
}

// TestManifestRefusesDamage: a damaged manifest is refused whole, never
// read in part.
func TestManifestRefusesDamage(t *testing.T) {
	files := map[string]FileState{"a/index.html": {Sum: sum(1), Size: 10, ModTime: 100}, "b/index.html": {Sum: sum(2), Size: 20, ModTime: 200}}
	good, err := encodeManifest(files)
	if err != nil {
		t.Fatal(err)
	}
	// packed gzips raw after the header, as a manifest's columns.
	packed := func(raw []byte) []byte {
		var b bytes.Buffer
		b.WriteString(manifestHeader)
		zw := gzip.NewWriter(&b)
		zw.Write(raw)
		zw.Close()
		return b.Bytes()
	}
	// columns writes the columns of two files, with paths given as
	// (shared, rest) pairs.
	columns := func(count uint64, shared1 uint64, rest1 string, shared2 uint64, rest2 string) []byte {
		raw := binary.AppendUvarint(nil, count)
		for range 2 {
			raw = append(raw, make([]byte, 16)...)
		}
		raw = binary.AppendUvarint(binary.AppendUvarint(raw, 1), 2)
		raw = binary.AppendVarint(binary.AppendVarint(raw, 3), 4)
		raw = append(binary.AppendUvarint(binary.AppendUvarint(raw, shared1), uint64(len(rest1))), rest1...)
		raw = append(binary.AppendUvarint(binary.AppendUvarint(raw, shared2), uint64(len(rest2))), rest2...)
		return raw
	}
	twoFiles := columns(2, 0, "a", 0, "bc")
	if _, err := decodeManifest(packed(twoFiles)); err != nil {
		t.Fatalf("the well-formed columns of the tests are refused: %v", err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-12] ^= 0x40 // inside the deflate data, before gzip's checksum
	tests := []struct {
		name string
		data []byte
	}{
		{"no header", good[len(manifestHeader):]},
		{"another version", append([]byte("incidents manifest 3\n"), good[len(manifestHeader):]...)},
		{"cut short", good[:len(good)-5]},
		{"a flipped bit", flipped},
		{"not gzip", []byte(manifestHeader + "index.html\n")},
		{"a count larger than the data", packed(columns(1<<40, 0, "a", 0, "b"))},
		{"a count smaller than the data", packed(columns(1, 0, "a", 0, "b"))},
		{"paths out of order", packed(columns(2, 0, "b", 0, "a"))},
		{"the same path twice", packed(columns(2, 0, "a", 1, ""))},
		{"a shared prefix longer than the path before", packed(columns(2, 0, "a", 2, "b"))},
		{"a path longer than the data", packed(twoFiles[:len(twoFiles)-1])},
		{"a version 1 line without a path", []byte(manifestHeaderV1 + "00 1 2\n")},
	}
	for _, tt := range tests {
		if got, err := decodeManifest(tt.data); err == nil {
			t.Errorf("%s: read as %d files, want an error", tt.name, len(got))
		}
	}
}

// BenchmarkManifest writes and reads the manifest of a site of 200,000
// files, about what 100,000 reports make.
func BenchmarkManifest(b *testing.B) {
	files := map[string]FileState{}
	for i := range 200000 {
		rel := fmt.Sprintf("incidents/2026-%02d-%02d-svc-%05d-some-words/index.html", i%12+1, i%28+1, i)
		if i%2 == 1 {
			rel = fmt.Sprintf("services/svc-%05d/feed.xml", i)
		}
		files[rel] = FileState{Sum: sum(byte(i)), Size: int64(i % 90000), ModTime: 1796244404905934651 + int64(i*7919%200000)*4_000_000}
	}
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			data, err := encodeManifest(files)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(data)), "bytes")
		}
	})
	data, err := encodeManifest(files)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeManifest(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read version 1", func(b *testing.B) {
		v1 := []byte(manifestV1(files))
		b.ReportMetric(float64(len(v1)), "bytes")
		b.ResetTimer()
		for b.Loop() {
			if _, err := decodeManifest(v1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
