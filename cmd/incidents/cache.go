package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/cachedir"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/search"
)

// defaultCacheRoot is where the caches live unless --cache-dir moves
// them: in the working directory, beside content/ and public/, and
// git-ignored. Each content folder has its own folder in it (see
// sourceCacheName), so that building a second archive from the same
// working directory leaves the first one's search index alone.
const defaultCacheRoot = ".cache"

// cacheFlag is --cache-dir, which every command that reads or writes a
// cache takes. Without it, the cache folder is the content folder's own
// folder in defaultCacheRoot; a value given is used as it is.
type cacheFlag struct {
	dir  string // the cache folder, once resolved
	root string // defaultCacheRoot when dir is its folder for a content folder; "" when --cache-dir was given
}

func (c *cacheFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.dir, "cache-dir", "", "`folder` for the search index and other caches (default: the content folder's own folder in .cache/, such as .cache/content-1a2b3c4d5e6f); must be empty, new, or one incidents marked as its own")
}

// resolve sets the cache folder of the content folder source when
// --cache-dir was not given. It must be called after the flags are
// parsed, before the folder is used.
func (c *cacheFlag) resolve(source string) error {
	if c.dir != "" {
		return nil
	}
	name, err := sourceCacheName(source)
	if err != nil {
		return usageError{fmt.Sprintf("--source %s: %v", source, err)}
	}
	c.root, c.dir = defaultCacheRoot, filepath.Join(defaultCacheRoot, name)
	return nil
}

// sourceCacheName names the cache folder of the content folder source:
// the last part of its path, for a person reading .cache/, and 12 hex
// digits of the SHA-256 of its whole resolved path, so that two content
// folders never share one ("content-1a2b3c4d5e6f"). The same folder,
// however it is written (relative, absolute, through a link), has the
// same name; a content folder moved elsewhere starts a new one.
func sourceCacheName(source string) (string, error) {
	abs, err := resolvePath(source)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	base := strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, filepath.Base(abs))
	base = strings.TrimLeft(base, ".-")
	if len(base) > 32 {
		base = base[:32]
	}
	if base == "" || base == "_" {
		base = "content"
	}
	return base + "-" + hex.EncodeToString(sum[:6]), nil
}

// apart is the folder that --cache-dir stands for when folders are kept
// apart (see checkApart): the whole of .cache/ when it is the default,
// since incidents writes anywhere in it.
func (c *cacheFlag) apart() string {
	if c.root != "" {
		return c.root
	}
	return c.dir
}

// searchIndex is the folder of the bleve index.
func (c *cacheFlag) searchIndex() string { return filepath.Join(c.dir, "search") }

// serveDest is where serve builds: not public/, which is for deploying.
func (c *cacheFlag) serveDest() string { return filepath.Join(c.dir, "serve") }

// indexLock is the file whose lock keeps two processes from updating the
// search index at once. serve holds it as long as it runs, since it
// updates the index on every rebuild; a build holds it while it updates
// the index.
func (c *cacheFlag) indexLock() string { return filepath.Join(c.dir, ".search.lock") }

// build is the build cache: results of earlier builds keyed on hashes of
// their inputs (see generator/buildcache).
func (c *cacheFlag) build() *buildcache.Cache {
	return buildcache.Open(filepath.Join(c.dir, "build"), buildcache.ProgramID(version()))
}

// earlierCache lists what versions of incidents that wrote no marker left
// in their cache folder, and how each is recognised by its contents, so
// that such a folder is taken over rather than refused. A folder holding
// anything else (a Go package named search/, notes, a build/ of another
// tool) is not.
func earlierCache() cachedir.Known {
	output := cachedir.HoldsFile(publish.Marker)
	return cachedir.Known{
		"search":       search.Recognize,
		"search.new":   search.RecognizeLeftover,
		"search.old":   search.RecognizeLeftover,
		"build":        buildcache.Recognize,
		"serve":        output,
		".serve.spare": output,
		".serve.lock":  cachedir.EmptyFile,
	}
}

// rootKnown is earlierCache for the default .cache/ root: what an
// earlier version left there (one cache folder for every content folder,
// and its lock), and the content folders' own cache folders, each
// recognised by its marker.
func rootKnown(root string) cachedir.Known {
	known := earlierCache()
	known[".search.lock"] = cachedir.EmptyFile
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if sourceCacheDir.MatchString(e.Name()) {
			known[e.Name()] = cachedir.HoldsFile(cachedir.Marker)
		}
	}
	return known
}

// sourceCacheDir matches the names sourceCacheName gives.
var sourceCacheDir = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*-[0-9a-f]{12}$`)

// claim makes sure the cache folder is one incidents may write into,
// creating and marking it if needed (see generator/cachedir), before
// anything is written there. A folder that holds what incidents did not
// write is a usage error: nothing was read or written yet, and the remedy
// is another --cache-dir. The default .cache/ is claimed first, and what
// an earlier version left in it is moved into the content folder's own
// folder (see adoptFlat).
func (c *cacheFlag) claim(e *env) error {
	if c.root != "" {
		if err := claimDir(e, c.root, rootKnown(c.root)); err != nil {
			return err
		}
		if err := c.adoptFlat(e); err != nil {
			return err
		}
	}
	return claimDir(e, c.dir, earlierCache())
}

func claimDir(e *env, dir string, known cachedir.Known) error {
	adopted, err := cachedir.Claim(dir, known)
	var foreign *cachedir.ForeignError
	if errors.As(err, &foreign) {
		return usageError{"--cache-dir: " + err.Error()}
	}
	if err != nil {
		return err
	}
	if adopted {
		fmt.Fprintf(e.stderr, "incidents: marked %s as the cache folder (%s), which an earlier version of incidents wrote\n", dir, cachedir.Marker)
	}
	return nil
}

// inspect checks, without writing anything, that the cache folder is one
// incidents may read (incidents search): a folder of someone else's is a
// usage error, as in claim.
func (c *cacheFlag) inspect() error {
	dirs := []struct {
		dir   string
		known cachedir.Known
	}{{c.dir, earlierCache()}}
	if c.root != "" {
		dirs = append([]struct {
			dir   string
			known cachedir.Known
		}{{c.root, rootKnown(c.root)}}, dirs...)
	}
	for _, d := range dirs {
		_, err := cachedir.Inspect(d.dir, d.known)
		var foreign *cachedir.ForeignError
		if errors.As(err, &foreign) {
			return usageError{"--cache-dir: " + err.Error()}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flatEntries are what versions before per-content-folder caches wrote
// straight into .cache/, lock aside.
var flatEntries = []string{"search", "build", "serve", ".serve.spare", "search.new", "search.old"}

// adoptFlat moves the caches that an earlier version kept straight in
// .cache/, for whichever content folder it last built, into the cache
// folder of this content folder, when that folder does not exist yet and
// no process holds the old index lock: the first build after an upgrade
// (of the bundled archive, typically) then updates its index in place
// instead of building it from scratch, and nothing is left behind in
// .cache/. If the index was another content folder's, the build brings it
// up to date as it always did, since it compares every report. Each
// entry moves by one rename within .cache/, so nothing is copied.
func (c *cacheFlag) adoptFlat(e *env) error {
	if _, err := os.Lstat(c.dir); !errors.Is(err, fs.ErrNotExist) {
		return nil // already there, or unreadable: Claim says why
	}
	var found []string
	for _, name := range flatEntries {
		if _, err := os.Lstat(filepath.Join(c.root, name)); err == nil {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return nil
	}
	lock := filepath.Join(c.root, ".search.lock")
	if holder, held := cachedir.Peek(lock); held {
		fmt.Fprintf(e.stderr, "incidents: left the caches in %s where they are: %s uses them\n", c.root, holder)
		return nil
	}
	if err := os.Mkdir(c.dir, 0o755); err != nil {
		return fmt.Errorf("creating the cache folder: %w", err)
	}
	for _, name := range found {
		if err := os.Rename(filepath.Join(c.root, name), filepath.Join(c.dir, name)); err != nil {
			return fmt.Errorf("moving the cache %s into %s: %w", filepath.Join(c.root, name), c.dir, err)
		}
	}
	if cachedir.EmptyFile(lock) == nil {
		_ = os.Remove(lock) // a lock no one holds, which the new folder has its own of
	}
	// Marked here, so that claim does not say it adopted the folder too.
	if _, err := cachedir.Claim(c.dir, earlierCache()); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "incidents: moved the caches in %s (%s) into %s, this content folder's own\n", c.root, strings.Join(found, ", "), c.dir)
	return nil
}

// lockPoll is how often a process waiting for the index lock tries again.
const lockPoll = 100 * time.Millisecond

// lockIndexForBuild is generator.Config.LockIndex for incidents build. It
// takes the index lock, waiting for another build that holds it and
// saying so. When incidents serve holds it, the build leaves the index
// alone: serve updates it on every change of its content folder, and
// waiting would last as long as serve runs.
func (c *cacheFlag) lockIndexForBuild(e *env, source string) func(ctx context.Context) (func(), string, error) {
	return func(ctx context.Context) (func(), string, error) {
		me := cachedir.Holder{PID: os.Getpid(), Command: "build", Source: absPath(source)}
		var told *cachedir.Holder
		for {
			lock, other, err := cachedir.TryLock(c.indexLock(), me)
			if err != nil {
				return nil, "", err
			}
			if lock != nil {
				return func() { lock.Release() }, "", nil
			}
			if other.Command == "serve" {
				return nil, fmt.Sprintf("it is in use by %s, which keeps it up to date itself", other), nil
			}
			if told == nil || *told != other {
				fmt.Fprintf(e.stderr, "incidents build: waiting for %s, which is updating the search index in %s\n", other, c.searchIndex())
				told = &other
			}
			select {
			case <-ctx.Done():
				return nil, "", ctx.Err()
			case <-time.After(lockPoll):
			}
		}
	}
}

// holdIndexForServe claims the cache folder and takes the index lock for
// as long as serve runs, waiting for a build that holds it. Another serve
// on the same cache folder is refused: both would update one index and
// build into one serve/.
func (c *cacheFlag) holdIndexForServe(ctx context.Context, e *env, source string) (release func(), err error) {
	if err := c.claim(e); err != nil {
		return nil, err
	}
	me := cachedir.Holder{PID: os.Getpid(), Command: "serve", Source: absPath(source)}
	told := false
	for {
		lock, other, err := cachedir.TryLock(c.indexLock(), me)
		if err != nil {
			return nil, err
		}
		if lock != nil {
			return func() { lock.Release() }, nil
		}
		if other.Command == "serve" {
			return nil, fmt.Errorf("the cache folder %s is in use by %s: stop it, or give this one another --cache-dir", c.dir, other)
		}
		if !told {
			fmt.Fprintf(e.stderr, "incidents serve: waiting for %s, which is updating the search index in %s\n", other, c.searchIndex())
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// openIndexWaiting opens the search index for incidents search. While
// another process updates it, the open waits, saying for whom, for as
// long as an update takes at most on a large archive; a reader never
// changes the index.
func (c *cacheFlag) openIndexWaiting(ctx context.Context, e *env) (*search.Index, error) {
	deadline := time.Now().Add(indexWait)
	told := false
	for {
		idx, err := search.OpenVerified(c.searchIndex())
		if !errors.Is(err, search.ErrInUse) {
			return idx, err
		}
		if !told {
			holder, _ := cachedir.Peek(c.indexLock())
			fmt.Fprintf(e.stderr, "incidents search: waiting for %s, which is updating the search index in %s\n", holder, c.searchIndex())
			told = true
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w; still after %s: try again later", err, indexWait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// indexWait bounds how long incidents search waits for an update of the
// index: a rebuild of 10,000 reports takes 7–16 s, an update in place far
// less, so two minutes is several times the longest on a loaded machine.
const indexWait = 2 * time.Minute

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
