package publish

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Intact checks that dest still holds exactly what the build that last
// finished there wrote: its marker, its manifest, and every file the
// manifest lists with the recorded size and modification time, and no
// other file. It returns a hash of the manifest, which names that build's
// output. A build that finds its inputs unchanged may leave such a
// destination alone instead of writing it again.
func Intact(dest string) ([32]byte, error) {
	var none [32]byte
	manifest := filepath.Join(dest, ManifestName)
	data, err := os.ReadFile(manifest)
	if err != nil {
		return none, fmt.Errorf("no manifest: %w", err)
	}
	files, err := readManifest(manifest)
	if err != nil {
		return none, err
	}
	seen := 0
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dest, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestName || rel == Marker {
			return nil
		}
		st, ok := files[rel]
		if !ok {
			return fmt.Errorf("%s is not in the manifest", rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() || info.Size() != st.Size || info.ModTime().UnixNano() != st.ModTime {
			return fmt.Errorf("%s changed since it was written", rel)
		}
		seen++
		return nil
	})
	if err != nil {
		return none, err
	}
	if seen != len(files) {
		return none, errors.New("files listed in the manifest are missing")
	}
	if _, err := os.Lstat(filepath.Join(dest, Marker)); err != nil {
		return none, err
	}
	return sha256.Sum256(data), nil
}
