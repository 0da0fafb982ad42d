package publish

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/incidents-archive/incidents/generator/parallel"
)

// ManifestName is the file in every finished output that lists what it
// holds: for each file its content hash, size and modification time. The
// next build into the same folder leaves a file alone when its new content
// has the same hash and the file on disk still has the recorded size and
// time, so a rebuild that changes little writes little, and tools that sync
// the output to a web host (rsync, object-store uploads) see only the files
// that really changed.
const ManifestName = ".incidents-manifest"

// FileState is what a manifest records of one file.
type FileState struct {
	Sum     [16]byte // the first half of the SHA-256 of the content
	Size    int64
	ModTime int64 // nanoseconds since the epoch
}

// Folder is the build folder that a build writes its site into. Its
// methods are safe for concurrent use.
type Folder struct {
	dir  string
	root *os.File             // dir, for opening paths beneath it
	prev map[string]FileState // what the folder held when the build began

	// dest is the destination the folder will replace, whose files Keep
	// copies; published is its manifest, read on the first Keep.
	dest          string
	expected      string // ExpectPublished's
	publishedOnce sync.Once
	published     map[string]FileState
	destRoot      *os.File

	mu    sync.Mutex
	files map[string]FileState // what this build wrote or kept
}

// newFolder opens dir for a build. It reads the manifest of the build that
// last finished there, then removes it: from now on the folder is being
// changed, and a build killed half-way must leave no manifest that could
// vouch for files it did not finish.
func newFolder(dir, dest string) (*Folder, error) {
	root, err := openRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("build folder: %w", err)
	}
	f := &Folder{dir: dir, dest: dest, root: root, files: map[string]FileState{}}
	manifest := filepath.Join(dir, ManifestName)
	prev, err := readManifest(manifest)
	if err == nil {
		f.prev = prev
	}
	if err := os.Remove(manifest); err != nil && !errors.Is(err, fs.ErrNotExist) {
		root.Close()
		return nil, fmt.Errorf("build folder: %w", err)
	}
	return f, nil
}

func (f *Folder) close() error {
	if f.destRoot != nil {
		f.destRoot.Close()
	}
	return f.root.Close()
}

// OpenPublished opens the file that the destination holds at rel, as the
// last build published it, for the caller to read what it wrote then (see
// Keep, whose conditions it shares): false when ExpectPublished was not
// given the destination manifest's sum, or the manifest does not list rel,
// or the file is no longer as recorded.
func (f *Folder) OpenPublished(rel string) (*os.File, bool) {
	if checkRel(rel) != nil {
		return nil, false
	}
	f.readPublished()
	want, ok := f.published[rel]
	if !ok {
		return nil, false
	}
	return f.openPublished(rel, want)
}

// readPublished reads the destination's manifest, once, if it is the one
// ExpectPublished names.
func (f *Folder) readPublished() {
	f.publishedOnce.Do(func() {
		if f.dest == "" || f.expected == "" {
			return
		}
		// The build holds the destination's lock: its manifest cannot
		// change from here on, but may have since the caller read it.
		p := filepath.Join(f.dest, ManifestName)
		if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
			return
		}
		data, err := os.ReadFile(p)
		if sum := sha256.Sum256(data); err != nil || hex.EncodeToString(sum[:]) != f.expected {
			return
		}
		if m, err := decodeManifest(data); err == nil {
			if root, err := openRoot(f.dest); err == nil {
				f.published, f.destRoot = m, root
			}
		}
	})
}

// openPublished opens the destination's file at rel when it has the size
// and time its manifest records as want, which is how every unchanged file
// is known (see unchanged).
func (f *Folder) openPublished(rel string, want FileState) (*os.File, bool) {
	src, err := openBeneath(f.destRoot, f.dest, rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	info, err := src.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() != want.Size || info.ModTime().UnixNano() != want.ModTime {
		src.Close()
		return nil, false
	}
	return src, true
}

// ExpectPublished says that the caller's knowledge of the destination,
// which Keep relies on, was taken when its manifest had the hex SHA-256
// sum: if another build has published there since, Keep keeps nothing.
// Call it before Keep; without it Keep keeps nothing.
func (f *Folder) ExpectPublished(sum string) { f.expected = sum }

// Keep puts at rel the file that the destination holds there, as the last
// build published it, instead of writing it again: the caller knows that
// file is what it would write (see render.Options.Reuse). It returns the
// file's size, and false when the destination's manifest does not list
// rel or its file is no longer as recorded; the caller then writes rel.
// The folder usually holds the file already (it is the output of the
// build before last, and most files do not change); otherwise the
// destination's copy is copied in.
func (f *Folder) Keep(rel string) (int64, bool) {
	if checkRel(rel) != nil {
		return 0, false
	}
	f.readPublished()
	want, ok := f.published[rel]
	if !ok {
		return 0, false
	}
	if old, ok := f.prev[rel]; ok && old.Sum == want.Sum && old.Size == want.Size && f.unchanged(rel, old) {
		f.record(rel, old)
		return old.Size, true
	}
	src, ok := f.openPublished(rel, want)
	if !ok {
		return 0, false
	}
	defer src.Close()
	// The destination's file has the size and time its manifest records,
	// which is how every unchanged file is known (see unchanged): it is
	// copied without being read into memory or hashed, in the kernel where
	// the system can (copy_file_range), sharing blocks where the file
	// system can.
	st := FileState{Sum: want.Sum, Size: want.Size}
	var err error
	st.ModTime, err = f.create(rel, func(w io.Writer) error {
		n, err := io.Copy(w, io.LimitReader(src, want.Size))
		if err == nil && n != want.Size {
			err = io.ErrUnexpectedEOF
		}
		return err
	})
	if err != nil {
		return 0, false
	}
	f.record(rel, st)
	return st.Size, true
}

// MakeDirs creates folders (slash-separated, parents listed before their
// children) that do not exist yet. A top-level entry that is not a real
// folder, such as a planted symbolic link, is replaced first, so that no
// folder is ever created through a link.
func (f *Folder) MakeDirs(dirs []string) error {
	var nested []string
	for _, d := range dirs {
		if err := checkRel(d); err != nil {
			return err
		}
		if strings.Contains(d, "/") {
			nested = append(nested, d)
			continue
		}
		p := filepath.Join(f.dir, d)
		if info, err := os.Lstat(p); err == nil && !info.IsDir() {
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("creating %s: %w", d, err)
			}
		}
		if err := os.Mkdir(p, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating %s: %w", d, err)
		}
	}
	// Deeper folders sit in checked ones; a link in their place is
	// replaced when the first file is written into it (see create).
	return parallelMkdir(f.dir, nested)
}

// Dir is the folder's path on disk.
func (f *Folder) Dir() string { return f.dir }

// Written reports whether this build has written (or kept) rel.
func (f *Folder) Written(rel string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.files[rel]
	return ok
}

// Files lists every file this build wrote or kept, sorted.
func (f *Folder) Files() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.files))
	for rel := range f.files {
		out = append(out, rel)
	}
	sort.Strings(out)
	return out
}

// checkRel refuses paths that would leave the folder. Callers build them
// from slugs, which hold only letters, digits and hyphens (see
// incident.Slugify), but they are checked anyway.
func checkRel(rel string) error {
	clean := path.Clean("/" + rel)[1:]
	if clean == "" || clean != rel || strings.Contains(rel, "..") || rel == Marker || rel == ManifestName {
		return fmt.Errorf("refusing to write %q outside the site", rel)
	}
	return nil
}

// WriteFile stores data at rel, a slash-separated path inside the folder,
// creating missing parent folders. When the folder already holds exactly
// that content, as its manifest and the file's size and time show, the
// file is left untouched and WriteFile reports changed false.
func (f *Folder) WriteFile(rel string, data []byte) (changed bool, err error) {
	if err := checkRel(rel); err != nil {
		return false, err
	}
	sum := sha256.Sum256(data)
	var st FileState
	copy(st.Sum[:], sum[:16])
	st.Size = int64(len(data))
	if old, ok := f.prev[rel]; ok && old.Sum == st.Sum && old.Size == st.Size && f.unchanged(rel, old) {
		f.record(rel, old)
		return false, nil
	}
	st.ModTime, err = f.create(rel, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("writing %s: %w", rel, err)
	}
	f.record(rel, st)
	return true, nil
}

// WriteStream writes rel through a buffered writer, for files too large to
// build in memory. It always writes, and returns the size written.
func (f *Folder) WriteStream(rel string, fill func(w *bufio.Writer) error) (int64, error) {
	if err := checkRel(rel); err != nil {
		return 0, err
	}
	h := sha256.New()
	var n countWriter
	modTime, err := f.create(rel, func(file io.Writer) error {
		w := bufio.NewWriterSize(io.MultiWriter(file, h, &n), 256<<10)
		if err := fill(w); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", rel, err)
	}
	st := FileState{Size: int64(n), ModTime: modTime}
	copy(st.Sum[:], h.Sum(nil)[:16])
	f.record(rel, st)
	return int64(n), nil
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// unchanged reports whether the file at rel, reached without following
// any link, is a plain file that still has the size and time recorded.
func (f *Folder) unchanged(rel string, old FileState) bool {
	size, modTime, ok := statBeneath(f.root, f.dir, rel)
	return ok && size == old.Size && modTime == old.ModTime
}

func (f *Folder) record(rel string, st FileState) {
	f.mu.Lock()
	f.files[rel] = st
	f.mu.Unlock()
}

// create (re)writes the file at rel with what fill writes and returns its
// modification time. It never follows a symbolic link anywhere on the
// path: an older output's file, folder, link or other special file in the
// way is replaced.
func (f *Folder) create(rel string, fill func(io.Writer) error) (modTime int64, err error) {
	p := filepath.Join(f.dir, filepath.FromSlash(rel))
	open := func() (*os.File, error) {
		// O_NONBLOCK: a FIFO in the way fails (ENXIO) instead of waiting
		// for a reader; it makes no difference to a plain file.
		return openBeneath(f.root, f.dir, rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NONBLOCK, 0o644)
	}
	file, err := open()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A parent folder the caller did not create, such as one under
		// static/. The part of the path that exists holds no link, or the
		// open would have failed on it.
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			file, err = open()
		}
	case errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ELOOP) ||
		errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.ENXIO):
		// The folder holds an older build whose shape differs (a file where
		// this build needs a folder, or the reverse) or something planted:
		// a link, a FIFO. Older output is ours to replace.
		if err = f.clearPath(rel); err == nil {
			file, err = open()
		}
	}
	if err != nil {
		return 0, err
	}
	err = fill(file)
	var info fs.FileInfo
	if err == nil {
		info, err = file.Stat()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return info.ModTime().UnixNano(), nil
}

func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow|syscall.O_NONBLOCK, 0o644)
}

// writeNoFollow writes a file of the folder's own, never through a link.
func writeNoFollow(p string, data []byte) error {
	file, err := openNoFollow(p)
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENXIO) {
		if err = os.RemoveAll(p); err == nil {
			file, err = openNoFollow(p)
		}
	}
	if err != nil {
		return err
	}
	_, err = file.Write(data)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

// clearPath removes what an older build left in the way of rel: files or
// links where rel needs folders, and a folder or link where rel is a file.
func (f *Folder) clearPath(rel string) error {
	parts := strings.Split(rel, "/")
	dir := f.dir
	for _, part := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, part)
		if info, err := os.Lstat(dir); err == nil && !info.IsDir() {
			if err := os.Remove(dir); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	p := filepath.Join(f.dir, filepath.FromSlash(rel))
	if info, err := os.Lstat(p); err == nil && !info.Mode().IsRegular() {
		return os.RemoveAll(p)
	}
	return nil
}

// parallelMkdir creates the folders rels under dir, eight at a time:
// creating a folder mostly waits on the kernel.
func parallelMkdir(dir string, rels []string) error {
	return parallel.Each(context.Background(), 8, len(rels), func(_, i int) error {
		if err := os.Mkdir(filepath.Join(dir, filepath.FromSlash(rels[i])), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating %s: %w", rels[i], err)
		}
		return nil
	})
}

// writeManifest records what the folder now holds.
func (f *Folder) writeManifest() ([sha256.Size]byte, error) {
	f.mu.Lock()
	data, err := encodeManifest(f.files)
	f.mu.Unlock()
	if err == nil {
		err = writeNoFollow(filepath.Join(f.dir, ManifestName), data)
	}
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("writing the build manifest: %w", err)
	}
	return sha256.Sum256(data), nil
}

// writePartialManifest records, after a build that did not finish, what
// the folder is known to hold: each file this build wrote or kept, and for
// every other file what the manifest of the build before said. A file
// this build changed without recording it (a write that failed half-way)
// no longer has its recorded size and time, so the next build writes it
// again; so do files nobody touched whose content the next build changes.
func (f *Folder) writePartialManifest() error {
	f.mu.Lock()
	for rel, st := range f.prev {
		if _, ok := f.files[rel]; !ok {
			f.files[rel] = st
		}
	}
	f.mu.Unlock()
	_, err := f.writeManifest()
	return err
}

// Manifest reads the manifest of the output in dir: what each file held
// when the build that finished there wrote it.
func Manifest(dir string) (map[string]FileState, error) {
	return readManifest(filepath.Join(dir, ManifestName))
}
