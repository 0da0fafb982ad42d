package generator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/buildcache"
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
// nil without a cache. With cfg.Cold it keeps nothing but still computes
// the keys for the next build.
func pageReuse(ctx context.Context, cfg Config, h hooks, arc *archive.Archive) (*render.Reuse, error) {
	if cfg.Cache == nil {
		return nil, nil
	}
	global, err := globalKey(ctx, cfg, h, arc)
	if err != nil {
		return nil, err
	}
	r := &render.Reuse{Global: global, Overridden: map[string]bool{}}
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
		var prev map[string]render.PageKey
		if gob.NewDecoder(bytes.NewReader(data)).Decode(&prev) == nil {
			r.Previous = prev
		}
	}
	return r, nil
}

// recordPages stores the keys of the pages just published to cfg.Dest.
func recordPages(cfg Config, keys map[string]render.PageKey) error {
	if cfg.Cache == nil || keys == nil {
		return nil
	}
	sum := manifestSum(cfg.Dest)
	if sum == "" {
		return cfg.Cache.Remove(pagesKind(cfg.Dest))
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(keys); err != nil {
		return err
	}
	return cfg.Cache.Put(pagesKind(cfg.Dest), sum, buf.Bytes())
}

// globalKey hashes what every page may show besides the reports: the
// program, the settings, the day the trend pages are made for, site.yaml,
// tasks.json, the free pages and the layouts.
func globalKey(ctx context.Context, cfg Config, h hooks, arc *archive.Archive) (string, error) {
	hash := sha256.New()
	zone, day := buildDay(cfg, arc.Site.WorkingHours.Location)
	for _, s := range []string{cfg.Cache.Program(), zone, day, strconv.FormatBool(cfg.Drafts), h.searchAPI, strconv.FormatBool(h.local), cfg.BaseURL} {
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
	return buildcache.Key("pages", hex.EncodeToString(hash.Sum(nil))), nil
}
