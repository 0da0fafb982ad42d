package buildcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"slices"
	"sync"
)

// An entry of many records (Records) is laid out as: the format line
// below, the program line, the key line, and the SHA-256 of those three;
// then records, each
//
//	name length (4 bytes), value length (8 bytes), name, CRC-32C of the
//	three before, value, CRC-32C of the value
//
// all integers big-endian. A record is checked when it is read: a damaged
// value is a miss for that record alone, and a damaged name or length,
// or a record cut short, ends the entry there (what follows cannot be
// found). New records are appended to the file, so that a build which
// changed one report writes one record, not the archive's; when the
// records no build uses any more take more room than those it uses, the
// file is written again with only the latter, through a temporary file
// renamed into place.
const recordsFormat = "incidents build cache records 1\n"

// compactBelow is the size under which an entry of records is never
// rewritten only to drop unused records.
const compactBelow = 1 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Records is an entry holding many named records, each looked up and
// stored on its own: a report's decoding, a body's rendering. A record's
// name must say everything its value depends on that the entry's key does
// not (a hash of the input, above all), since a name found is taken.
//
// A build opens the entry, takes the records it can (Get), stores those
// it computes (Put), and ends with Save, which keeps exactly the records
// got or put since the entry was opened: records of reports deleted or
// changed are dropped, so the entry does not grow with the archive's
// history. Its methods are safe for concurrent use.
type Records struct {
	c         *Cache
	kind, key string

	mu    sync.Mutex
	file  *os.File        // the entry read, nil when none is usable
	index map[string]span // the records of file, by name
	used  map[string]bool // names got or put since Open
	size  int64           // bytes of file that hold valid records, header included
	whole bool            // file holds valid records only, to its end
	out   *os.File        // where Put writes: file's end (append) or a new file
	w     *bufio.Writer   // buffers out
	put   map[string]span // records written to out, by name
	outAt int64           // out's size as written so far
	err   error           // the first error writing out
	saved bool            // Save was called: Put does nothing
}

// span is where a record's value lies in a file.
type span struct{ at, n int64 }

// OpenRecords opens the entry of kind for key. With read false (a cold
// build) the entry is not read, but Save writes it. A missing, damaged or
// foreign entry has no records; it is never an error.
func (c *Cache) OpenRecords(kind, key string, read bool) *Records {
	r := &Records{c: c, kind: kind, key: key, used: map[string]bool{}, put: map[string]span{}}
	if c == nil || !read {
		return r
	}
	f, err := os.Open(c.path(kind))
	if err != nil {
		return r
	}
	index, size, whole, err := scanRecords(f, c.program, key)
	if err != nil {
		f.Close()
		return r
	}
	r.file, r.index, r.size, r.whole = f, index, size, whole
	return r
}

// recordsHeader is the header of an entry for program and key.
func recordsHeader(program, key string) []byte {
	h := []byte(recordsFormat + oneLine(program) + "\n" + oneLine(key) + "\n")
	sum := sha256.Sum256(h)
	return append(h, sum[:]...)
}

// scanRecords indexes the records of f, an entry for program and key. It
// reads the names and lengths only; values are checked when they are got.
func scanRecords(f *os.File, program, key string) (index map[string]span, size int64, whole bool, err error) {
	info, err := f.Stat()
	if err != nil {
		return nil, 0, false, err
	}
	want := recordsHeader(program, key)
	head := make([]byte, len(want))
	if _, err := f.ReadAt(head, 0); err != nil || !bytes.Equal(head, want) {
		return nil, 0, false, errBad
	}
	index = map[string]span{}
	at, end := int64(len(head)), info.Size()
	r := bufio.NewReaderSize(io.NewSectionReader(f, at, end-at), 64<<10)
	var fixed [12]byte
	for at < end {
		if _, err := io.ReadFull(r, fixed[:]); err != nil {
			break
		}
		nameLen, valueLen := int64(binary.BigEndian.Uint32(fixed[:4])), int64(binary.BigEndian.Uint64(fixed[4:]))
		if nameLen > end-at || valueLen > end-at {
			break
		}
		rest := make([]byte, nameLen+4)
		if _, err := io.ReadFull(r, rest); err != nil {
			break
		}
		name, sum := rest[:nameLen], rest[nameLen:]
		crc := crc32.Update(crc32.Checksum(fixed[:], castagnoli), castagnoli, name)
		if binary.BigEndian.Uint32(sum) != crc {
			break
		}
		valueAt := at + 12 + nameLen + 4
		next := valueAt + valueLen + 4
		if next > end {
			break
		}
		if _, err := r.Discard(int(valueLen + 4)); err != nil {
			break
		}
		index[string(name)] = span{at: valueAt, n: valueLen}
		at = next
	}
	return index, at, at == end, nil
}

// Get returns the value of the record name, or false when the entry has
// none usable.
func (r *Records) Get(name string) ([]byte, bool) {
	value, ok := r.GetInto(name, nil)
	// Appending to the value must not reach the checksum behind it.
	return value[:len(value):len(value)], ok
}

// GetInto is Get, reading the value into buf's memory when it has room:
// a caller that decodes each value and keeps nothing of it reuses one
// buffer for all. The value returned may have room behind it, so that
// it can serve as the next buf.
func (r *Records) GetInto(name string, buf []byte) ([]byte, bool) {
	r.mu.Lock()
	s, ok := r.index[name]
	f := r.file
	r.mu.Unlock()
	if !ok {
		return nil, false
	}
	if int64(cap(buf)) >= s.n+4 {
		buf = buf[:s.n+4]
	} else {
		buf = make([]byte, s.n+4)
	}
	if _, err := f.ReadAt(buf, s.at); err != nil {
		return nil, false
	}
	value, sum := buf[:s.n], buf[s.n:s.n+4]
	if binary.BigEndian.Uint32(sum) != crc32.Checksum(value, castagnoli) {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saved {
		return nil, false
	}
	r.used[name] = true
	return value, true
}

// Put stores value as the record name. It is written at once (to the end
// of the entry, or to the new entry Save will put in its place), so that
// the values of a large build are not all held in memory; a failure to
// write is reported by Save.
func (r *Records) Put(name string, value []byte) {
	if r.c == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saved {
		return
	}
	if r.err == nil && r.out == nil {
		r.err = r.startOutput()
	}
	if r.err != nil {
		return
	}
	var fixed [12]byte
	binary.BigEndian.PutUint32(fixed[:4], uint32(len(name)))
	binary.BigEndian.PutUint64(fixed[4:], uint64(len(value)))
	crc := crc32.Update(crc32.Checksum(fixed[:], castagnoli), castagnoli, []byte(name))
	var sums [8]byte
	binary.BigEndian.PutUint32(sums[:4], crc)
	binary.BigEndian.PutUint32(sums[4:], crc32.Checksum(value, castagnoli))
	r.w.Write(fixed[:])
	r.w.WriteString(name)
	r.w.Write(sums[:4])
	r.w.Write(value)
	if _, err := r.w.Write(sums[4:]); err != nil {
		r.err = err
		return
	}
	valueAt := r.outAt + 12 + int64(len(name)) + 4
	r.outAt = valueAt + int64(len(value)) + 4
	r.put[name] = span{at: valueAt, n: int64(len(value))}
	r.used[name] = true
}

// startOutput opens where Put writes: the end of the entry read, when it
// holds valid records only, or else a new entry.
func (r *Records) startOutput() error {
	if r.file != nil && r.whole {
		f, err := os.OpenFile(r.c.path(r.kind), os.O_WRONLY, 0)
		if err == nil {
			if _, err = f.Seek(r.size, io.SeekStart); err == nil {
				r.out, r.outAt = f, r.size
				r.w = bufio.NewWriterSize(f, 1<<20)
				return nil
			}
			f.Close()
		}
	}
	return r.startNew()
}

// startNew starts a new entry, which Save renames into place.
func (r *Records) startNew() error {
	if err := os.MkdirAll(r.c.dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(r.c.dir, "."+r.kind+".tmp*")
	if err != nil {
		return err
	}
	r.out = f
	r.w = bufio.NewWriterSize(f, 1<<20)
	header := recordsHeader(r.c.program, r.key)
	_, err = r.w.Write(header)
	r.outAt = int64(len(header))
	return err
}

// Save ends the use of the entry: it keeps the records got or put since
// Open and drops the others, either by leaving the appended file as it is
// (while the dropped records take less room than those kept) or by
// writing the entry again. The Records must not be used afterwards.
func (r *Records) Save() error {
	if r.c == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saved {
		return nil
	}
	r.saved = true
	err := r.save()
	if r.file != nil {
		r.file.Close()
	}
	r.file, r.index, r.out, r.w, r.used, r.put = nil, nil, nil, nil, nil, nil
	if err != nil {
		return fmt.Errorf("build cache: %s: %w", r.kind, err)
	}
	return nil
}

func (r *Records) save() error {
	appending := r.out != nil && r.file != nil && r.out.Name() == r.c.path(r.kind)
	if r.out != nil {
		err := r.err
		if err == nil {
			err = r.w.Flush()
		}
		if err != nil {
			r.out.Close()
			if !appending {
				os.Remove(r.out.Name())
			}
			// An append cut short leaves a damaged record at the end:
			// the next build reads the records before it.
			return err
		}
	}
	if r.out == nil || appending {
		if r.out != nil {
			if err := r.out.Close(); err != nil {
				return err
			}
		}
		if r.file == nil {
			return nil // nothing read, nothing put
		}
		if r.whole {
			// The entry holds valid records only: keep it unless those
			// no build uses take more room than the others.
			var kept int64
			for name := range r.used {
				if s, ok := r.put[name]; ok {
					kept += s.n
				} else {
					kept += r.index[name].n
				}
			}
			total := max(r.size, r.outAt)
			if total < compactBelow || total-kept <= kept {
				return nil
			}
		}
		// Write the records used again, into a new entry.
		r.out = nil
		if err := r.startNew(); err != nil {
			return err
		}
		for _, name := range sortedNames(r.used) {
			s, ok := r.put[name]
			if !ok {
				s = r.index[name]
			}
			if err := r.copyRecord(name, s); err != nil {
				return r.abandon(err)
			}
		}
		return r.finish()
	}
	// The records put went to a new entry: add the records got from the
	// old one, and put it in its place.
	for _, name := range sortedNames(r.used) {
		if _, ok := r.put[name]; ok {
			continue
		}
		if err := r.copyRecord(name, r.index[name]); err != nil {
			return r.abandon(err)
		}
	}
	return r.finish()
}

// copyRecord writes the record name, whose value lies at s in r.file, to
// the new entry.
func (r *Records) copyRecord(name string, s span) error {
	buf := make([]byte, s.n+4) // the value and its checksum, as they are
	if _, err := r.file.ReadAt(buf, s.at); err != nil {
		return err
	}
	var fixed [12]byte
	binary.BigEndian.PutUint32(fixed[:4], uint32(len(name)))
	binary.BigEndian.PutUint64(fixed[4:], uint64(s.n))
	var crc [4]byte
	binary.BigEndian.PutUint32(crc[:], crc32.Update(crc32.Checksum(fixed[:], castagnoli), castagnoli, []byte(name)))
	r.w.Write(fixed[:])
	r.w.WriteString(name)
	r.w.Write(crc[:])
	_, err := r.w.Write(buf)
	return err
}

// finish flushes the new entry and renames it into place.
func (r *Records) finish() error {
	if r.file != nil {
		// Closed first: some systems refuse to rename over an open file.
		r.file.Close()
		r.file = nil
	}
	err := r.w.Flush()
	if cerr := r.out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(r.out.Name(), r.c.path(r.kind))
	}
	if err != nil {
		os.Remove(r.out.Name())
	}
	return err
}

// abandon removes the new entry after err.
func (r *Records) abandon(err error) error {
	r.out.Close()
	os.Remove(r.out.Name())
	return err
}

func sortedNames(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}
