package buildcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/parallel"
)

// TreeHash hashes every file under dir: each path relative to dir, its
// kind and its content (a symbolic link's target, not what it points to).
// Two folders hash the same only when they hold the same files with the
// same bytes. A dir that does not exist hashes as empty.
func TreeHash(ctx context.Context, dir string) (string, error) {
	sum, _, err := treeHash(ctx, dir, nil)
	return sum, err
}

// TreeHash is the package's TreeHash, which it equals, reading only the
// files that changed since the cache's last TreeHash of dir: the others'
// hashes are remembered by their file-system stamps (see stamp). A nil
// cache reads every file.
func (c *Cache) TreeHash(ctx context.Context, dir string) (string, error) {
	if c == nil {
		return TreeHash(ctx, dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	kind := "stamps-" + Key(abs)[:16]
	var prev map[string]stamped
	if data, ok := c.Get(kind, stampsFormat); ok {
		prev, _ = decodeStamps(data)
	}
	sum, next, err := treeHash(ctx, dir, prev)
	if err != nil {
		return "", err
	}
	if !maps.Equal(next, prev) {
		// Remembering costs the next hash time, never correctness.
		_ = c.Put(kind, stampsFormat, appendStamps(nil, next))
	}
	return sum, nil
}

// stampsFormat is the key of the entry of remembered hashes, which names
// its layout (appendStamps).
const stampsFormat = "stamps 2"

// appendStamps lays the remembered hashes out with package wire, sorted
// by path: their number, then each file's path, stamp and hash. A build
// reads and writes them twice (before and after), for every file of the
// content folder: gob took four times as long.
func appendStamps(b []byte, m map[string]stamped) []byte {
	b = wire.AppendUint(b, uint64(len(m)))
	for _, rel := range slices.Sorted(maps.Keys(m)) {
		st := m[rel]
		b = wire.AppendString(b, rel)
		b = wire.AppendInt(b, st.Stamp.Size)
		b = wire.AppendInt(b, st.Stamp.ModNs)
		b = wire.AppendInt(b, st.Stamp.ChangNs)
		b = wire.AppendUint(b, st.Stamp.Inode)
		b = append(b, st.Sum[:]...)
	}
	return b
}

// decodeStamps reads what appendStamps wrote.
func decodeStamps(data []byte) (map[string]stamped, error) {
	r := wire.NewStringsReader(data)
	// Each takes 37 bytes at least: a path's length, four varints, a hash.
	n := r.Count(37)
	m := make(map[string]stamped, n)
	for range n {
		rel := r.String()
		st := stamped{Stamp: stamp{Size: r.Int(), ModNs: r.Int(), ChangNs: r.Int(), Inode: r.Uint()}}
		copy(st.Sum[:], r.Raw(len(st.Sum)))
		if r.Err() != nil {
			break
		}
		m[rel] = st
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}

// stamped is a file's hash with the stamp it had when it was read.
type stamped struct {
	Stamp stamp
	Sum   [sha256.Size]byte
}

// A stamp identifies a version of a file without reading it: its size,
// its modification and change times and its inode (where the system has
// them). Writing a file changes its change time, which no program can set,
// so a file whose stamp is unchanged holds the bytes it held. One case is
// left: a file written twice within the clock's resolution around the
// moment it was read, whose second write the stamp may not show. So a hash
// is remembered only for a file whose last change was well before it was
// read (stampSettled), as git does with its index.
type stamp struct {
	Size           int64
	ModNs, ChangNs int64
	Inode          uint64
}

// stampSettled is how long before it is read a file must have last
// changed for its hash to be remembered.
const stampSettled = 2 * time.Second

// treeHash is TreeHash, taking the hashes of files whose stamps are those
// remembered in prev, and returning what to remember next time.
func treeHash(ctx context.Context, dir string, prev map[string]stamped) (string, map[string]stamped, error) {
	type entry struct {
		rel   string
		kind  byte // 'f' file, 'l' link, 'd' folder, 'o' other
		sum   [sha256.Size]byte
		stamp stamp
		known bool // sum is the remembered hash
	}
	// A folder given as a symbolic link (a layouts folder linked from a
	// shared checkout) is hashed as what it points to: the build reads
	// that. Links inside it are hashed as links.
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	var entries []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		e := entry{rel: filepath.ToSlash(rel), kind: 'o'}
		switch t := d.Type(); {
		case t.IsDir():
			e.kind = 'd'
		case t.IsRegular():
			e.kind = 'f' // stamped and hashed below, on several cores
		case t&fs.ModeSymlink != 0:
			e.kind = 'l'
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			e.sum = sha256.Sum256([]byte(target))
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return "", nil, fmt.Errorf("hashing %s: %w", dir, err)
	}
	read := time.Now()
	// Each file's stamp, then its bytes unless the stamp is remembered:
	// the walk above only lists the folders, and looking at 100,000
	// files one by one took it 0.6 s. Reading and looking wait on the
	// kernel; hashing is quick (SHA-256 in hardware).
	err = parallel.Each(ctx, 4, len(entries), func(_, i int) error {
		e := &entries[i]
		if e.kind != 'f' {
			return nil
		}
		p := filepath.Join(dir, filepath.FromSlash(e.rel))
		if info, err := os.Lstat(p); err == nil {
			e.stamp = stampOf(info)
			if old, ok := prev[e.rel]; ok && old.Stamp == e.stamp {
				e.sum, e.known = old.Sum, true
				return nil
			}
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("hashing %s: %w", dir, err)
		}
		e.sum = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].rel < entries[j].rel })
	h := sha256.New()
	next := map[string]stamped{}
	settled := read.Add(-stampSettled).UnixNano()
	for _, e := range entries {
		h.Write([]byte(e.rel))
		h.Write([]byte{0, e.kind})
		h.Write(e.sum[:])
		if e.kind == 'f' && e.stamp != (stamp{}) && (e.known || max(e.stamp.ModNs, e.stamp.ChangNs) < settled) {
			next[e.rel] = stamped{Stamp: e.stamp, Sum: e.sum}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), next, nil
}
