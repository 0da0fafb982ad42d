package buildcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

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
	if data, ok := c.Get(kind, "v1"); ok {
		if gob.NewDecoder(bytes.NewReader(data)).Decode(&prev) != nil {
			prev = nil
		}
	}
	sum, next, err := treeHash(ctx, dir, prev)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(next) == nil {
		// Remembering costs the next hash time, never correctness.
		_ = c.Put(kind, "v1", buf.Bytes())
	}
	return sum, nil
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
			e.kind = 'f'
			if info, err := d.Info(); err == nil {
				e.stamp = stampOf(info)
				if old, ok := prev[e.rel]; ok && old.Stamp == e.stamp {
					e.sum, e.known = old.Sum, true
				}
			}
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
	// Reading waits on the kernel; hashing is quick (SHA-256 in hardware).
	err = parallel.Each(ctx, 4, len(entries), func(_, i int) error {
		if entries[i].kind != 'f' || entries[i].known {
			return nil
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(entries[i].rel)))
		if err != nil {
			return fmt.Errorf("hashing %s: %w", dir, err)
		}
		entries[i].sum = sha256.Sum256(data)
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
