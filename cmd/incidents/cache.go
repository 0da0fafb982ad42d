package main

import (
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/buildcache"
)

// defaultCacheDir is where the search index, the serve preview and other
// caches live unless --cache-dir moves them: in the working directory,
// beside content/ and public/, and git-ignored.
const defaultCacheDir = ".cache"

// cacheFlag is --cache-dir, which every command that reads or writes a
// cache takes.
type cacheFlag struct{ dir string }

func (c *cacheFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.dir, "cache-dir", defaultCacheDir, "`folder` for the search index and other caches")
}

// searchIndex is the folder of the bleve index.
func (c *cacheFlag) searchIndex() string { return filepath.Join(c.dir, "search") }

// serveDest is where serve builds: not public/, which is for deploying.
func (c *cacheFlag) serveDest() string { return filepath.Join(c.dir, "serve") }

// build is the build cache: results of earlier builds keyed on hashes of
// their inputs (see generator/buildcache).
func (c *cacheFlag) build() *buildcache.Cache {
	return buildcache.Open(filepath.Join(c.dir, "build"), buildcache.ProgramID(version()))
}
