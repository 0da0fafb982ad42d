package generator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/render"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// The "pages-<dest>" entry of the build cache: the input keys of the
// pages the destination holds (render.Stats.Keys), keyed on a hash of the
// destination's manifest, so that they are used only while the
// destination holds exactly what they describe. A build renders only the
// pages whose keys changed and keeps the others as published (see
// render.Reuse).

func pagesKind(dest string) string { return "pages-" + stampKind(dest)[len("site-"):] }

// appendPageKeys lays the keys out with package wire, sorted by path:
// their number, then each path and its key. A build reads and writes
// them all (260,000 at 100,000 reports): gob took several times as long.
func appendPageKeys(b []byte, keys map[string]render.PageKey) []byte {
	b = wire.AppendUint(b, uint64(len(keys)))
	for _, rel := range slices.Sorted(maps.Keys(keys)) {
		k := keys[rel]
		b = wire.AppendString(b, rel)
		b = append(b, k[:]...)
	}
	return b
}

// decodePageKeys reads what appendPageKeys wrote.
func decodePageKeys(data []byte) (map[string]render.PageKey, error) {
	r := wire.NewStringsReader(data)
	var k render.PageKey
	// Each takes a path's length and a key at least.
	n := r.Count(len(k) + 1)
	out := make(map[string]render.PageKey, n)
	for range n {
		rel := r.String()
		copy(k[:], r.Raw(len(k)))
		if r.Err() != nil {
			break
		}
		out[rel] = k
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return out, nil
}

// manifestSum hashes the manifest of the output in dest; "" without one.
func manifestSum(dest string) string {
	data, err := os.ReadFile(filepath.Join(dest, publish.ManifestName))
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// pageReuse is what a build of arc may keep of the pages cfg.Dest holds:
// nil without a cache. files is filesKey's hash, taken before the content
// was loaded: an edit of site.yaml, tasks.json, a free page or a layout
// during the build changes the next build's key, never this one's to
// describe content it was not made from. With cfg.Cold it keeps nothing
// but still computes the keys for the next build.
func pageReuse(cfg Config, files string, arc *archive.Archive) (*render.Reuse, error) {
	if cfg.Cache == nil {
		return nil, nil
	}
	zone, day := buildDay(cfg, arc.Site.WorkingHours.Location)
	r := &render.Reuse{Global: buildcache.Key("pages", files, zone, day), Overridden: map[string]bool{}}
	if cfg.Layouts != "" {
		entries, err := os.ReadDir(cfg.Layouts)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			r.Overridden[e.Name()] = true
		}
	}
	if cfg.Cold {
		return r, nil
	}
	sum := manifestSum(cfg.Dest)
	if sum == "" {
		return r, nil
	}
	if data, ok := cfg.Cache.Get(pagesKind(cfg.Dest), sum); ok {
		if prev, err := decodePageKeys(data); err == nil {
			// Render keeps pages only while the destination's manifest is
			// still this one, once the destination is locked.
			r.Previous, r.Published = prev, sum
		}
	}
	return r, nil
}

// recordPages stores the keys of the pages just published to cfg.Dest,
// whose manifest hashes to sum (as publish.Build returned it).
func recordPages(cfg Config, sum string, keys map[string]render.PageKey) error {
	if cfg.Cache == nil || keys == nil {
		return nil
	}
	if sum == "" {
		return cfg.Cache.Remove(pagesKind(cfg.Dest))
	}
	return cfg.Cache.Put(pagesKind(cfg.Dest), sum, appendPageKeys(nil, keys))
}

// filesKey hashes what every page may show besides the reports and the
// day: the program, the settings, site.yaml, tasks.json, the free pages
// and the layouts.
func filesKey(ctx context.Context, cfg Config, h hooks) (string, error) {
	hash := sha256.New()
	for _, s := range []string{cfg.Cache.Program(), strconv.FormatBool(cfg.Drafts), h.searchAPI, strconv.FormatBool(h.local), cfg.BaseURL} {
		hash.Write([]byte(strconv.Quote(s)))
	}
	for _, name := range []string{"site.yaml", tasks.FileName} {
		data, err := os.ReadFile(filepath.Join(cfg.Source, name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		sum := sha256.Sum256(data)
		hash.Write(sum[:])
	}
	for _, dir := range []string{filepath.Join(cfg.Source, "pages"), cfg.Layouts} {
		if dir == "" {
			hash.Write([]byte("none"))
			continue
		}
		tree, err := cfg.Cache.TreeHash(ctx, dir)
		if err != nil {
			return "", err
		}
		hash.Write([]byte(tree))
	}
	return hex.EncodeToString(hash.Sum(nil)), nil
}
