package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/incidents-archive/incidents/search/internal/blevex"
)

// Index is an open bleve index of the archive, for searching: one
// snapshot of it, which does not change while the Index is open, and a
// table of its documents' facet values and dates (see collect).
type Index struct {
	idx   bleve.Index
	path  string
	snap  *blevex.Snapshot
	table *facetTable
}

// newIndex takes idx's current snapshot for searching.
func newIndex(idx bleve.Index, path string) (*Index, error) {
	snap, err := blevex.Open(idx)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	t, err := buildTable(snap.Reader)
	if err != nil {
		snap.Close()
		return nil, err
	}
	return &Index{idx: idx, path: path, snap: snap, table: t}, nil
}

// Keys of the values the index keeps beside its documents.
var (
	versionKey = []byte("incidents:version")
	hashesKey  = []byte("incidents:hashes") // JSON: report id → Document.Hash
)

// batchSize is how many changes go to bleve at once, and how many reports
// each segment of a new index holds. On the 10,000-report archive 1,000
// took the same CPU time as 500 but peaked at 440 MB instead of 290 MB (the
// word positions kept for phrase queries are most of it); 100 was twice
// as slow.
const batchSize = 500

// UpdateStats says what Update did.
type UpdateStats struct {
	Indexed, Deleted, Unchanged int
	Rebuilt                     bool   // written from scratch
	Warning                     string // why an existing index was discarded, if it was
	// Skipped, when not empty, says why the index was left as it was
	// (another process keeps it up to date, say); the counts are zero.
	Skipped string
}

// ErrInUse means another process holds the index open for writing (or,
// for an update, for reading) for longer than Open and Update wait. The
// index is left as it was: an index in use is never rebuilt.
var ErrInUse = errors.New("the search index is in use by another process")

// How long opening the index waits for another process's lock on it. A
// search holds a shared lock for as long as it runs, and an update an
// exclusive one: readers wait a second (a caller may try again, see
// ErrInUse); an update, which must not give up on an index that is merely
// being read, waits longer than any search takes on a loaded machine.
const (
	readerWait = time.Second
	writerWait = 10 * time.Second
)

// Update brings the index in dir up to date with docs (the warning in
// the stats, if any, is about dir): it indexes the
// reports whose content hash changed, deletes those that are gone and
// leaves the rest. Without a usable index in dir (none yet, another
// version, unreadable, or interrupted mid-update) it builds one from
// scratch beside it and moves it into place, so a reader never sees half
// an index. An index that another process holds (ErrInUse) is left as it
// is, and so is a dir that does not look like a bleve index (see
// checkIndexFolder): Update never deletes what it did not write.
//
// Two processes must not update one index at once: callers keep them
// apart (incidents does, with a lock file in the cache folder).
//
// progress, when not nil, is told how many of the reports to index are
// done, under the stage name "indexing".
func Update(ctx context.Context, dir string, docs []Document, progress func(stage string, done, total int)) (UpdateStats, error) {
	return update(ctx, dir, docs, progress, writerWait)
}

// update is Update, waiting at most wait for another process's lock.
func update(ctx context.Context, dir string, docs []Document, progress func(stage string, done, total int), wait time.Duration) (UpdateStats, error) {
	progress, hashes := prepareUpdate(docs, progress)
	var stats UpdateStats
	if _, err := os.Stat(dir); err == nil {
		warning, err := updateExisting(ctx, dir, docs, hashes, &stats, progress, wait)
		if err == nil {
			return stats, nil
		}
		if ctx.Err() != nil {
			return stats, ctx.Err()
		}
		if errors.Is(err, ErrInUse) {
			return UpdateStats{}, err
		}
		var stale errStale
		if warning == "" && !errors.As(err, &stale) {
			warning = fmt.Sprintf("the search index could not be updated (%v); rebuilding it", err)
		}
		stats = UpdateStats{Warning: warning}
	}
	if err := rebuild(ctx, dir, docs, hashes, progress); err != nil {
		return stats, err
	}
	stats.Rebuilt = true
	stats.Indexed = len(docs)
	return stats, nil
}

// Rebuild builds the index in dir from scratch, whatever dir holds, as
// Update does when it finds no usable index.
func Rebuild(ctx context.Context, dir string, docs []Document, progress func(stage string, done, total int)) (UpdateStats, error) {
	progress, hashes := prepareUpdate(docs, progress)
	if err := rebuild(ctx, dir, docs, hashes, progress); err != nil {
		return UpdateStats{}, err
	}
	return UpdateStats{Rebuilt: true, Indexed: len(docs)}, nil
}

// prepareUpdate returns a progress function that is never nil and the
// content hash of each document by id.
func prepareUpdate(docs []Document, progress func(string, int, int)) (func(string, int, int), map[string]string) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	hashes := make(map[string]string, len(docs))
	for i := range docs {
		hashes[docs[i].ID] = docs[i].Hash()
	}
	return progress, hashes
}

// errStale means an index is fine but must be rebuilt; it carries the
// reason to tell the user.
type errStale struct{ reason string }

func (e errStale) Error() string { return e.reason }

// updateExisting applies the changes to an existing index. An error means
// the index must be rebuilt; the returned warning says why, for the user.
func updateExisting(ctx context.Context, dir string, docs []Document, hashes map[string]string, stats *UpdateStats, progress func(string, int, int), wait time.Duration) (string, error) {
	idx, err := openIndex(dir, false, wait)
	if errors.Is(err, ErrInUse) {
		return "", fmt.Errorf("%w: %s could not be locked for writing within %s; it was left as it was", ErrInUse, dir, wait)
	}
	if err != nil {
		return fmt.Sprintf("the search index could not be opened (%v); rebuilding it", err), err
	}
	closed := false
	defer func() {
		if !closed {
			idx.Close()
		}
	}()
	version, err := idx.GetInternal(versionKey)
	if err != nil || string(version) != MappingVersion {
		return "the search index was written by another version of incidents; rebuilding it", errStale{"version"}
	}
	if err := blevex.VerifySegments(idx); err != nil {
		return fmt.Sprintf("the search index is damaged (%v); rebuilding it", err), err
	}
	raw, err := idx.GetInternal(hashesKey)
	if err != nil || raw == nil {
		// An update that did not finish: which documents it changed is
		// unknown, so start again. Not worth a warning.
		return "", errStale{"interrupted"}
	}
	old := map[string]string{}
	if err := json.Unmarshal(raw, &old); err != nil {
		return fmt.Sprintf("the search index is damaged (%v); rebuilding it", err), err
	}
	var changed []int
	for i := range docs {
		if old[docs[i].ID] != hashes[docs[i].ID] {
			changed = append(changed, i)
		}
	}
	var gone []string
	for id := range old {
		if _, ok := hashes[id]; !ok {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	stats.Unchanged = len(docs) - len(changed)
	if len(changed) == 0 && len(gone) == 0 {
		closed = true
		return "", idx.Close()
	}
	// Forget the hashes first: if this update is interrupted, the next
	// one sees an index it cannot trust and rebuilds it.
	if err := idx.DeleteInternal(hashesKey); err != nil {
		return "", err
	}
	b := idx.NewBatch()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
		b.Reset()
		return ctx.Err()
	}
	for _, id := range gone {
		b.Delete(id)
		stats.Deleted++
		if b.Size() >= batchSize {
			if err := flush(); err != nil {
				return "", err
			}
		}
	}
	for _, i := range changed {
		if err := b.Index(docs[i].ID, toIndexed(&docs[i])); err != nil {
			return "", fmt.Errorf("indexing %s: %w", docs[i].ID, err)
		}
		stats.Indexed++
		if b.Size() >= batchSize {
			if err := flush(); err != nil {
				return "", err
			}
			progress("indexing", stats.Indexed, len(changed))
		}
	}
	table, err := json.Marshal(hashes)
	if err != nil {
		return "", err
	}
	b.SetInternal(hashesKey, table)
	if err := flush(); err != nil {
		return "", err
	}
	closed = true
	return "", idx.Close()
}

// rebuild writes a new index of docs beside dir with bleve's offline
// builder (one segment, the fastest way) and swaps it into place.
func rebuild(ctx context.Context, dir string, docs []Document, hashes map[string]string, progress func(string, int, int)) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	tmp, old := dir+".new", dir+".old"
	// Everything removed below must be an index (or what is left of one):
	// a folder of the same name that something else wrote stays.
	for _, p := range []string{dir, tmp, old} {
		if err := checkIndexFolder(p); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	table, err := json.Marshal(hashes)
	if err != nil {
		return err
	}
	b, err := bleve.NewBuilder(tmp, NewMapping(), map[string]interface{}{"batchSize": batchSize})
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for i := range docs {
		if err := ctx.Err(); err != nil {
			b.Close()
			os.RemoveAll(tmp)
			return err
		}
		if err := b.Index(docs[i].ID, toIndexed(&docs[i])); err != nil {
			b.Close()
			os.RemoveAll(tmp)
			return fmt.Errorf("indexing %s: %w", docs[i].ID, err)
		}
		if i%100 == 99 {
			progress("indexing", i+1, len(docs))
		}
	}
	progress("indexing", len(docs), len(docs))
	if err := b.Close(); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("search index: %w", err)
	}
	// The builder keeps no values of ours: add them to the finished index.
	if err := setInternals(tmp, map[string][]byte{string(versionKey): []byte(MappingVersion), string(hashesKey): table}); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("search index: %w", err)
	}
	os.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("search index: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return os.RemoveAll(old)
}

// checkIndexFolder fails unless dir is missing, empty, or shaped as the
// folder of a scorch index (index_meta.json, and store/ holding root.bolt
// and .zap segments): what Update and Rebuild may delete. A Go package,
// a folder of notes or a symbolic link that happens to be named as the
// index is refused, whatever is in the rest of the cache folder.
func checkIndexFolder(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	refuse := func(what string) error {
		return fmt.Errorf("%s is not a search index that incidents wrote (%s); it was left alone: remove it yourself, or give another --cache-dir", dir, what)
	}
	if !info.IsDir() {
		return refuse("it is not a folder")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, e := range entries {
		switch {
		case e.Name() == "index_meta.json" && e.Type().IsRegular():
		case e.Name() == "store" && e.IsDir():
			files, err := os.ReadDir(filepath.Join(dir, "store"))
			if err != nil {
				return fmt.Errorf("search index: %w", err)
			}
			for _, f := range files {
				if !f.Type().IsRegular() || (f.Name() != "root.bolt" && filepath.Ext(f.Name()) != ".zap") {
					return refuse("it holds store/" + f.Name())
				}
			}
		default:
			return refuse("it holds " + e.Name())
		}
	}
	return nil
}

// Recognize reports whether dir holds an index that incidents wrote, of
// this version or another: a folder shaped as a scorch index (see
// checkIndexFolder) whose stored values include the version stamp that
// only incidents writes. It is how a cache folder of an earlier version,
// which carried no marker, is told from a folder that merely has a
// search/ in it. An empty folder, which holds nothing to lose, and an
// index that another process holds, taken on its shape, pass too.
func Recognize(dir string) error {
	if err := plainIndexFolder(dir); err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) == 0 {
		return nil // nothing to lose
	}
	idx, err := openIndex(dir, true, readerWait)
	if errors.Is(err, ErrInUse) {
		return nil
	}
	if err != nil {
		return err
	}
	defer idx.Close()
	v, err := idx.GetInternal(versionKey)
	if err != nil || len(v) == 0 {
		return errors.New("a bleve index without the version stamp of incidents")
	}
	return nil
}

// RecognizeLeftover reports whether dir is what a rebuild leaves beside
// the index (the new index before its swap, the old one after): shaped as
// an index, or empty. The version stamp may not be written yet.
func RecognizeLeftover(dir string) error { return plainIndexFolder(dir) }

func plainIndexFolder(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errors.New("not a folder")
	}
	if err := checkIndexFolder(dir); err != nil {
		return errors.New("not shaped as a bleve index")
	}
	return nil
}

func setInternals(dir string, values map[string][]byte) error {
	idx, err := openIndex(dir, false, writerWait)
	if err != nil {
		return err
	}
	b := idx.NewBatch()
	for k, v := range values {
		b.SetInternal([]byte(k), v)
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return err
	}
	return idx.Close()
}

// Open opens the index in dir for searching. Another process may be
// updating it; Open waits a second for it at most. It trusts the index's
// files, as after a build, which checks them before it updates them; see
// OpenVerified.
func Open(dir string) (*Index, error) { return open(dir, false) }

// OpenVerified is Open after checking each segment file the index uses
// against its checksum, for a search that no build has just preceded
// (incidents search). bleve reads a damaged segment without noticing, and
// some damage makes it panic in goroutines of its own, which no caller can
// recover: the check costs a read of the files, a few milliseconds per
// 10 MB.
func OpenVerified(dir string) (*Index, error) { return open(dir, true) }

func open(dir string, verify bool) (*Index, error) {
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no search index in %s: run incidents build first", dir)
		}
		return nil, fmt.Errorf("search index: %w", err)
	}
	idx, err := openIndex(dir, true, readerWait)
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("%w: %s is being updated", ErrInUse, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("search index in %s: %w (run incidents build to rebuild it)", dir, err)
	}
	if v, err := idx.GetInternal(versionKey); err != nil || string(v) != MappingVersion {
		idx.Close()
		return nil, fmt.Errorf("the search index in %s was written by another version of incidents: run incidents build to rebuild it", dir)
	}
	if verify {
		if err := blevex.VerifySegments(idx); err != nil {
			idx.Close()
			return nil, fmt.Errorf("the search index in %s is damaged (%v): run incidents build to rebuild it", dir, err)
		}
	}
	x, err := newIndex(idx, dir)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("search index in %s: %w (run incidents build to rebuild it)", dir, err)
	}
	return x, nil
}

// openIndex opens the index in dir. bleve v2.6.1 trusts the offsets in
// its segment files and panics on a damaged one (a slice out of range
// while loading fields): that is an error here, so that a damaged index is
// rebuilt instead of crashing the build.
//
// Another process's lock on the index, held longer than wait, is ErrInUse.
func openIndex(dir string, readOnly bool, wait time.Duration) (idx bleve.Index, err error) {
	cfg := map[string]interface{}{"bolt_timeout": wait.String()}
	if readOnly {
		cfg["read_only"] = true
	}
	defer blevex.RecoverDamage(&err)
	idx, err = bleve.OpenUsing(dir, cfg)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrInUse
	}
	if err != nil {
		// bleve's messages can span lines ("mapping contents:\n...").
		err = errors.New(strings.Join(strings.Fields(err.Error()), " "))
	}
	return idx, err
}

// Close releases the index.
func (x *Index) Close() error {
	return errors.Join(x.snap.Close(), x.idx.Close())
}

// DocCount is the number of reports in the index.
func (x *Index) DocCount() (uint64, error) { return x.idx.DocCount() }
