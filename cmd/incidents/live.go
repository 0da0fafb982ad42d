package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/live"
	"github.com/incidents-archive/incidents/generator/watch"
	"github.com/incidents-archive/incidents/search"
)

// liveIndex is the search index that serve's /api/search reads, closed
// while a rebuild updates it and opened again after.
type liveIndex struct {
	dir  string
	opts search.APIOptions
	mu   sync.RWMutex
	idx  *search.Index
	api  *search.API
}

func openLiveIndex(dir string, opts search.APIOptions) (*liveIndex, error) {
	x := &liveIndex{dir: dir, opts: opts}
	idx, err := search.Open(dir)
	if err != nil {
		return nil, err
	}
	x.idx, x.api = idx, search.NewAPI(idx, opts)
	return x, nil
}

func (x *liveIndex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.api == nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":"the search index is being rebuilt"}`, http.StatusServiceUnavailable)
		return
	}
	x.api.ServeHTTP(w, r)
}

// update is generator.Config.UpdateIndex: searches wait while it runs.
func (x *liveIndex) update(ctx context.Context, docs []search.Document) (search.UpdateStats, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx != nil {
		x.idx.Close()
		x.idx, x.api = nil, nil
	}
	stats, err := search.Update(ctx, x.dir, docs, nil)
	if err != nil {
		return stats, err
	}
	idx, err := search.Open(x.dir)
	if err != nil {
		return stats, err
	}
	x.idx, x.api = idx, search.NewAPI(idx, x.opts)
	return stats, nil
}

func (x *liveIndex) Close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx != nil {
		x.idx.Close()
		x.idx, x.api = nil, nil
	}
}

// relevant reports whether a change to p can change the site: editors'
// swap, backup and temporary files (hidden, or ending in ~) cannot, since
// the build skips them.
func relevant(p string) bool {
	if p == "" {
		return true // the watcher lost events: anything may have changed
	}
	base := filepath.Base(p)
	return !strings.HasPrefix(base, ".") && !strings.HasSuffix(base, "~")
}

// watchAndRebuild rebuilds the site whenever files under the content or
// layouts folder change, until ctx is done, and tells the open tabs.
func watchAndRebuild(ctx context.Context, e *env, cfg generator.Config, hub *live.Hub) error {
	roots := []string{cfg.Source}
	if cfg.Layouts != "" {
		roots = append(roots, cfg.Layouts)
	}
	w, err := watch.New(roots, watch.DefaultWindow)
	if err != nil {
		return err
	}
	logger := log.New(e.stderr, "", 0)
	return w.Run(ctx, func(paths []string) {
		var changed []string
		for _, p := range paths {
			if relevant(p) {
				changed = append(changed, p)
			}
		}
		if len(changed) == 0 {
			return
		}
		started := time.Now()
		what := changed[0]
		if len(changed) > 1 {
			what = fmt.Sprintf("%s and %d more", what, len(changed)-1)
		}
		fmt.Fprintf(e.stdout, "Changed: %s\n", what)
		_, err := build(ctx, e, cfg)
		var ce *diag.ContentError
		switch {
		case ctx.Err() != nil:
			return
		case errors.As(err, &ce):
			hub.Failed(ce.Diagnostics)
			fmt.Fprintf(e.stdout, "Still serving the last good build: the content has %d problems (shown in the browser too)\n", len(ce.Diagnostics))
		case err != nil:
			hub.FailedText(err.Error())
			logger.Printf("rebuild failed: %v; still serving the last good build", err)
		default:
			hub.Built()
			fmt.Fprintf(e.stdout, "Reloading the browser %s after the change\n", time.Since(started).Round(time.Millisecond))
		}
	})
}
