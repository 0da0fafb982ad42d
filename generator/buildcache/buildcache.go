// Package buildcache keeps what a build computed under the cache folder,
// keyed on hashes of what it was computed from, so that a later build whose
// inputs hash the same can take the result instead of computing it again.
//
// An entry is one file per kind of result (the repeat lists, the summary of
// the build last published to a destination). Each file carries a header
// naming the cache format and the program that wrote it, the key it was
// computed for, and a SHA-256 of everything before it. A file from another
// version of incidents, for another key, truncated or damaged in any way is
// a miss, never an error: the caller computes the result and stores it
// again. Entries are written to a temporary file and renamed into place, so
// a build killed while writing leaves the previous entry or none.
//
// Records is the other kind of entry: many records, one per report say,
// each with a checksum of its own, looked up one at a time, appended to
// by a build and compacted when the records no build uses take more room
// than the others (see records.go).
package buildcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// formatVersion changes whenever the layout of an entry file changes.
const formatVersion = "incidents build cache 1\n"

// Cache is a folder of entries. A nil *Cache is valid and always misses,
// which is what a cold build uses.
type Cache struct {
	dir     string
	program string
}

// Open returns the cache in dir, created on the first Put. program names
// the code that computes the results (see ProgramID): entries written by
// another program are misses.
func Open(dir, program string) *Cache {
	return &Cache{dir: dir, program: program}
}

// Dir is the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// Program is the program id the cache was opened with.
func (c *Cache) Program() string { return c.program }

// Get returns the entry of kind stored for key, or false when there is
// none usable.
func (c *Cache) Get(kind, key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	data, err := os.ReadFile(c.path(kind))
	if err != nil {
		return nil, false
	}
	payload, err := decode(data, c.program, key)
	if err != nil {
		return nil, false
	}
	return payload, true
}

// Put stores data as the entry of kind for key, replacing any older one.
// The entry is written straight from data, without a copy of it.
func (c *Cache) Put(kind, key string, data []byte) error {
	return c.PutWith(kind, key, int64(len(data)), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// PutWith is Put of a payload of size bytes that write writes to w, in
// as many pieces as it likes: the payload is never in memory as a whole
// (the repeat lists of 100,000 reports are some 300 MB). A write that
// fails, or writes other than size bytes, stores nothing and leaves the
// older entry in place.
func (c *Cache) PutWith(kind, key string, size int64, write func(w io.Writer) error) error {
	if c == nil {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("build cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.dir, "."+kind+".tmp*")
	if err != nil {
		return fmt.Errorf("build cache: %w", err)
	}
	err = writeEntry(tmp, c.program, key, size, write)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.path(kind))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("build cache: %s: %w", kind, err)
	}
	return nil
}

// Remove deletes the entry of kind, if any.
func (c *Cache) Remove(kind string) error {
	if c == nil {
		return nil
	}
	if err := os.Remove(c.path(kind)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("build cache: %w", err)
	}
	return nil
}

func (c *Cache) path(kind string) string { return filepath.Join(c.dir, kind) }

// writeEntry writes an entry to w: format line, program line, key line, the
// payload's length (8 bytes, big-endian), the payload (size bytes, which
// write writes), and the SHA-256 of everything before it.
func writeEntry(w io.Writer, program, key string, size int64, write func(io.Writer) error) error {
	sum := sha256.New()
	// Large pieces for the file and the hash, whatever write gives.
	out := bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<20)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(size))
	head := formatVersion + oneLine(program) + "\n" + oneLine(key) + "\n" + string(n[:])
	if _, err := out.WriteString(head); err != nil {
		return err
	}
	counted := &countingWriter{w: out}
	if err := write(counted); err != nil {
		return err
	}
	if counted.n != size {
		return fmt.Errorf("payload of %d bytes, not the %d announced", counted.n, size)
	}
	if err := out.Flush(); err != nil {
		return err
	}
	_, err := w.Write(sum.Sum(nil))
	return err
}

// countingWriter counts what it passes on.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var errBad = errors.New("not a usable cache entry")

func decode(data []byte, program, key string) ([]byte, error) {
	if len(data) < sha256.Size {
		return nil, errBad
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(want[:], sum) {
		return nil, errBad
	}
	rest, ok := bytes.CutPrefix(body, []byte(formatVersion))
	if !ok {
		return nil, errBad
	}
	for _, want := range []string{oneLine(program), oneLine(key)} {
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok || string(line) != want {
			return nil, errBad
		}
		rest = after
	}
	if len(rest) < 8 {
		return nil, errBad
	}
	n := binary.BigEndian.Uint64(rest[:8])
	rest = rest[8:]
	if uint64(len(rest)) != n {
		return nil, errBad
	}
	return rest, nil
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

var (
	exeOnce sync.Once
	exeSum  string
)

// ProgramID names this program for cache entries: the version it reports
// and a hash of its executable, so that a rebuilt binary (whose code may
// compute results differently) never takes another binary's entries, even
// when both call themselves "dev".
func ProgramID(version string) string {
	exeOnce.Do(func() {
		// An executable that cannot be read gets a name no other run
		// shares: every lookup misses, which is slow but never wrong.
		exeSum = fmt.Sprintf("unreadable-%d-%d", os.Getpid(), time.Now().UnixNano())
		p, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(p)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			exeSum = hex.EncodeToString(h.Sum(nil)[:16])
		}
	})
	return version + " " + exeSum
}

// Key hashes parts into a key, each part length-prefixed so that no two
// different lists of parts give the same key.
func Key(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// formatFamily begins every entry file of every format version.
const formatFamily = "incidents build cache "

// Recognize reports whether dir is a build cache folder that incidents
// wrote, of this version or another: a folder (not a link to one) holding
// only entry files, each beginning with the cache's format line, and the
// temporary files of entries being written (".KIND.tmpNNN"). An empty
// folder passes too: it holds nothing to lose. It is how a cache folder of
// an earlier version, which carried no marker, is told from a folder that
// merely has a build/ in it.
func Recognize(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errors.New("not a folder")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return fmt.Errorf("%s is not a cache entry", e.Name())
		}
		head := make([]byte, len(formatFamily))
		n, err := readHead(filepath.Join(dir, e.Name()), head)
		if err != nil {
			return err
		}
		temp := strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp")
		switch {
		case string(head[:n]) == formatFamily:
		case temp && strings.HasPrefix(formatFamily, string(head[:n])):
			// an entry cut short while being written
		default:
			return fmt.Errorf("%s is not a cache entry", e.Name())
		}
	}
	return nil
}

// readHead reads up to len(buf) bytes from the start of the file p.
func readHead(p string, buf []byte) (int, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}
