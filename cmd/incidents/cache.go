package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/cachedir"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/search"
)

// defaultCacheDir is where the search index, the serve preview and other
// caches live unless --cache-dir moves them: in the working directory,
// beside content/ and public/, and git-ignored.
const defaultCacheDir = ".cache"

// cacheFlag is --cache-dir, which every command that reads or writes a
// cache takes.
type cacheFlag struct{ dir string }

func (c *cacheFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.dir, "cache-dir", defaultCacheDir, "`folder` for the search index and other caches; must be empty, new, or one incidents marked as its own")
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

// claim makes sure the cache folder is one incidents may write into,
// creating and marking it if needed (see generator/cachedir), before
// anything is written there. A folder that holds what incidents did not
// write is a usage error: nothing was read or written yet, and the remedy
// is another --cache-dir.
func (c *cacheFlag) claim(e *env) error {
	adopted, err := cachedir.Claim(c.dir, earlierCache())
	var foreign *cachedir.ForeignError
	if errors.As(err, &foreign) {
		return usageError{"--cache-dir: " + err.Error()}
	}
	if err != nil {
		return err
	}
	if adopted {
		fmt.Fprintf(e.stderr, "incidents: marked %s as the cache folder (%s), which an earlier version of incidents wrote\n", c.dir, cachedir.Marker)
	}
	return nil
}

// inspect checks, without writing anything, that the cache folder is one
// incidents may read (incidents search): a folder of someone else's is a
// usage error, as in claim.
func (c *cacheFlag) inspect() error {
	_, err := cachedir.Inspect(c.dir, earlierCache())
	var foreign *cachedir.ForeignError
	if errors.As(err, &foreign) {
		return usageError{"--cache-dir: " + err.Error()}
	}
	return err
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
