package buildcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/incidents-archive/incidents/generator/parallel"
)

// TreeHash hashes every file under dir: each path relative to dir, its
// kind and its content (a symbolic link's target, not what it points to).
// Two folders hash the same only when they hold the same files with the
// same bytes. A dir that does not exist hashes as empty.
func TreeHash(ctx context.Context, dir string) (string, error) {
	type entry struct {
		rel  string
		kind byte // 'f' file, 'l' link, 'd' folder, 'o' other
		sum  [sha256.Size]byte
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
		return "", fmt.Errorf("hashing %s: %w", dir, err)
	}
	// Reading waits on the kernel; hashing is quick (SHA-256 in hardware).
	err = parallel.Each(ctx, 4, len(entries), func(_, i int) error {
		if entries[i].kind != 'f' {
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
		return "", err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].rel < entries[j].rel })
	h := sha256.New()
	for _, e := range entries {
		h.Write([]byte(e.rel))
		h.Write([]byte{0, e.kind})
		h.Write(e.sum[:])
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
