package publish

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/incidents-archive/incidents/generator/internal/wire"
)

// The manifest's form. A site of 100,000 reports has over 200,000 files,
// and a manifest of one text line per file (version 1: hex hash, size,
// time in nanoseconds, path) took 20 MB, written and read by every build.
// Version 2 holds the same records in columns, each of which compresses
// well on its own, and gzips them:
//
//	incidents manifest 2: gzip of count, sums, sizes, mtimes, paths\n
//	gzip(
//	  uvarint count
//	  count × 16 bytes   the first half of each file's SHA-256
//	  count × uvarint    the sizes
//	  count × varint     the modification times in nanoseconds, each the
//	                     difference from the one before (the first from 0)
//	  count × (uvarint shared, uvarint n, n bytes)
//	                     the paths, sorted: how many bytes a path shares
//	                     with the one before, then the rest of it
//	)
//
// The times of the files one build writes lie close together, and sorted
// paths share most of their bytes, so what is left is mostly the hashes:
// about a fifth of version 1's size. gzip's checksum catches a damaged
// file, which then counts as no manifest (the build writes every file).
// A version 1 manifest, as older builds wrote, is still read.
const (
	manifestHeader   = "incidents manifest 2: gzip of count, sums, sizes, mtimes, paths\n"
	manifestHeaderV1 = "incidents manifest 1: sha256/128 size mtime-ns path\n"
)

// maxManifest bounds what a manifest may unpack to, so that a damaged or
// planted file cannot take the build's memory: far above what a site of
// millions of files needs.
const maxManifest = 1 << 30

// encodeManifest writes files as a manifest (version 2).
func encodeManifest(files map[string]FileState) ([]byte, error) {
	type record struct {
		rel string
		st  FileState
	}
	recs := make([]record, 0, len(files))
	for rel, st := range files {
		recs = append(recs, record{rel, st})
	}
	slices.SortFunc(recs, func(a, b record) int { return strings.Compare(a.rel, b.rel) })
	raw := make([]byte, 0, len(recs)*(len(FileState{}.Sum)+16))
	raw = binary.AppendUvarint(raw, uint64(len(recs)))
	for i := range recs {
		raw = append(raw, recs[i].st.Sum[:]...)
	}
	for i := range recs {
		raw = binary.AppendUvarint(raw, uint64(recs[i].st.Size))
	}
	var last int64
	for i := range recs {
		t := recs[i].st.ModTime
		raw = binary.AppendVarint(raw, t-last)
		last = t
	}
	prev := ""
	for i := range recs {
		rel := recs[i].rel
		shared := commonPrefix(prev, rel)
		raw = binary.AppendUvarint(raw, uint64(shared))
		raw = binary.AppendUvarint(raw, uint64(len(rel)-shared))
		raw = append(raw, rel[shared:]...)
		prev = rel
	}
	var out bytes.Buffer
	out.WriteString(manifestHeader)
	zw, err := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// commonPrefix is the length of the longest prefix a and b share.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// readManifest parses a manifest. Any flaw makes the whole manifest
// unusable, and the build then simply writes every file.
func readManifest(p string) (map[string]FileState, error) {
	if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
		return nil, errors.New("no manifest")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return decodeManifest(data)
}

// decodeManifest reads a manifest of either version.
func decodeManifest(data []byte) (map[string]FileState, error) {
	if text, ok := bytes.CutPrefix(data, []byte(manifestHeaderV1)); ok {
		return decodeManifestV1(string(text))
	}
	packed, ok := bytes.CutPrefix(data, []byte(manifestHeader))
	if !ok {
		return nil, errors.New("unknown manifest version")
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	zr.Multistream(false)
	raw, err := io.ReadAll(io.LimitReader(zr, maxManifest+1))
	if err == nil && len(raw) > maxManifest {
		err = errors.New("too large")
	}
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	r := wire.NewReader(raw)
	count := r.Uint()
	// Every file takes at least 16 + 4 bytes: a bound on count before
	// anything is allocated for it.
	if r.Err() != nil || count > uint64(len(raw))/20 {
		return nil, errors.New("manifest: malformed count")
	}
	n := int(count)
	sts := make([]FileState, n)
	for i := range sts {
		copy(sts[i].Sum[:], r.Raw(len(sts[i].Sum)))
	}
	for i := range sts {
		sts[i].Size = int64(r.Uint())
		if sts[i].Size < 0 {
			r.Fail()
		}
	}
	var last int64
	for i := range sts {
		last += r.Int()
		sts[i].ModTime = last
	}
	out := make(map[string]FileState, n)
	prev := ""
	for i := range sts {
		shared, rest := r.Uint(), r.Uint()
		if r.Err() != nil || shared > uint64(len(prev)) || rest == 0 {
			return nil, errors.New("manifest: malformed path")
		}
		rel := prev[:shared] + string(r.Raw(int(min(rest, uint64(len(raw))))))
		if r.Err() != nil || rel <= prev {
			return nil, errors.New("manifest: paths out of order")
		}
		out[rel] = sts[i]
		prev = rel
	}
	if r.Done() != nil {
		return nil, errors.New("manifest: malformed")
	}
	return out, nil
}

// decodeManifestV1 reads the text of a version 1 manifest after its
// header: one line per file, "hex-sum size mtime-ns path".
func decodeManifestV1(text string) (map[string]FileState, error) {
	out := map[string]FileState{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), " ", 4)
		if len(fields) != 4 {
			return nil, errors.New("malformed manifest line")
		}
		var st FileState
		sum, err := hex.DecodeString(fields[0])
		if err != nil || len(sum) != len(st.Sum) {
			return nil, errors.New("malformed manifest hash")
		}
		copy(st.Sum[:], sum)
		if st.Size, err = strconv.ParseInt(fields[1], 10, 64); err != nil {
			return nil, err
		}
		if st.ModTime, err = strconv.ParseInt(fields[2], 10, 64); err != nil {
			return nil, err
		}
		out[fields[3]] = st
	}
	return out, sc.Err()
}
