package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/plural"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/generator/serve/live"
	"github.com/incidents-archive/incidents/generator/serve/watch"
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

// update is generator.Builder.UpdateIndex: searches wait while it runs.
func (x *liveIndex) update(ctx context.Context, docs []search.Document) (search.UpdateStats, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx != nil {
		x.idx.Close()
		x.idx, x.api = nil, nil
	}
	// Not cut short when serve cancels a rebuild that newer changes made
	// stale: an update interrupted half-way makes the next one start the
	// index from scratch.
	stats, err := search.Update(context.WithoutCancel(ctx), x.dir, docs, nil)
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

// liveLoop rebuilds the site as the content changes and tells the open
// tabs. Each batch of changes is first previewed (generator.Builder's
// Preview: the edited reports' pages alone, in some milliseconds, served
// from the overlay), then the whole site is rebuilt in the background, and
// the overlay's pages give way to it.
type liveLoop struct {
	e       *env
	cfg     generator.Config
	site    *generator.Builder // keeps what the previews start from
	hub     *live.Hub
	overlay *live.Overlay
	kick    chan struct{} // a whole build is wanted
	gc      gcPacing

	mu       sync.Mutex
	cancel   context.CancelFunc // stops the whole build under way, if any
	seq      int                // batches of changes seen
	builtSeq int                // the batches the site on disk includes
	since    map[string]int     // changed files not yet in a whole build, with the batch of their last change
	gone     bool               // the content folder is gone: no build until it is back
	watcher  *watch.Watcher
}

// watchContent starts watching what a live loop of cfg watches: the
// content (and layouts) folders. The content folder's incidents/ and
// pages/ are roots of their own, so that they are followed, as the build
// follows them, when they are links, and watched anew when they are
// replaced. serve starts it before its first build, so that no change
// made once the build has read the files goes unseen.
func watchContent(cfg generator.Config) (*watch.Watcher, error) {
	roots := []string{cfg.Source, filepath.Join(cfg.Source, "incidents"), filepath.Join(cfg.Source, "pages")}
	if cfg.Layouts != "" {
		roots = append(roots, cfg.Layouts)
	}
	return watch.New(roots, watch.DefaultWindow)
}

// newLiveLoop starts from the first build, which builder made with cfg,
// and the watcher w, started before it (watchContent).
func newLiveLoop(e *env, cfg generator.Config, builder *generator.Builder, hub *live.Hub, overlay *live.Overlay, gc gcPacing, w *watch.Watcher) *liveLoop {
	l := &liveLoop{e: e, cfg: cfg, site: builder, hub: hub, overlay: overlay,
		kick: make(chan struct{}, 1), since: map[string]int{}, gc: gc, watcher: w}
	if !builder.Ready() {
		l.kick <- struct{}{} // the first build was skipped as unchanged: build once to have an archive to preview with
	}
	return l
}

// run rebuilds on what the watcher sees until ctx is done.
func (l *liveLoop) run(ctx context.Context) error {
	builder := make(chan struct{})
	go func() {
		defer close(builder)
		l.builder(ctx)
	}()
	err := l.watcher.Run(ctx, func(b watch.Batch) { l.changed(ctx, b) })
	<-builder
	return err
}

// changed previews a batch of changes and asks for a whole build. A
// content folder that is gone stops the builds until it is back; a root
// replaced (the content folder copied back, a link retargeted, a checkout)
// is rebuilt whole, without a preview, since anything under it may have
// changed.
func (l *liveLoop) changed(ctx context.Context, b watch.Batch) {
	source := filepath.Clean(l.cfg.Source)
	if slices.Contains(b.Gone, source) {
		l.vanished()
		return
	}
	l.mu.Lock()
	back := l.gone
	l.gone = false
	l.mu.Unlock()
	if back || len(b.Replaced) > 0 {
		switch {
		case back:
			fmt.Fprintf(l.e.stdout, "The content folder %s is back; rebuilding the whole site\n", l.cfg.Source)
		default:
			fmt.Fprintf(l.e.stdout, "Replaced: %s; rebuilding the whole site\n", strings.Join(b.Replaced, ", "))
		}
		l.wholeBuild()
		return
	}
	var changed []string
	for _, p := range b.Paths {
		if relevant(p) {
			changed = append(changed, p)
		}
	}
	if len(changed) == 0 {
		return
	}
	started := time.Now()
	l.mu.Lock()
	l.seq++
	seq := l.seq
	for _, p := range changed {
		l.since[p] = seq
	}
	files := make([]string, 0, len(l.since))
	for p := range l.since {
		files = append(files, p)
	}
	stopped := l.cancel != nil
	if stopped {
		// The whole build under way is out of date: stop it, so that the
		// preview has the CPUs, and build again after.
		l.cancel()
	}
	l.mu.Unlock()
	what := changed[0]
	if len(changed) > 1 {
		what = fmt.Sprintf("%s and %d more", what, len(changed)-1)
	}
	pages, err := l.site.Preview(ctx, l.cfg, files, false)
	if !errors.Is(err, generator.ErrNoChange) {
		fmt.Fprintf(l.e.stdout, "Changed: %s\n", what)
	}
	var ce *diag.ContentError
	switch {
	case ctx.Err() != nil:
		return
	case errors.Is(err, generator.ErrNoChange):
		// Nothing the site is made from changed; a rebuild stopped above
		// must still be made.
		if stopped {
			l.askBuild()
		}
		return
	case errors.As(err, &ce):
		// A whole build would find the same errors.
		printDiagnostics(l.e, ce.Diagnostics)
		l.failed(ce.Diagnostics)
		return
	case err == nil:
		l.overlay.Set(pages, seq)
		rels := make([]string, 0, len(pages))
		for rel := range pages {
			rels = append(rels, rel)
		}
		l.hub.Previewed(rels)
		fmt.Fprintf(l.e.stdout, "Showing the edit %s after the change; rebuilding the whole site\n", time.Since(started).Round(time.Millisecond))
		// Then the year and term pages that list the edited reports.
		if lists, err := l.site.Preview(ctx, l.cfg, files, true); err == nil {
			var more []string
			for rel, data := range lists {
				if shown, ok := pages[rel]; !ok || !bytes.Equal(shown, data) {
					more = append(more, rel)
				}
			}
			l.overlay.Set(lists, seq)
			l.hub.Previewed(more)
		}
	}
	l.askBuild()
}

// vanished says, once, that the content folder is gone, and stops the
// build under way: the last good build stays served.
func (l *liveLoop) vanished() {
	l.mu.Lock()
	was := l.gone
	l.gone = true
	l.seq++ // a build under way when the folder went is out of date
	if l.cancel != nil {
		l.cancel()
	}
	l.mu.Unlock()
	if was {
		return
	}
	msg := fmt.Sprintf("content folder %s is gone; waiting for it to come back", l.cfg.Source)
	fmt.Fprintf(l.e.stdout, "The %s (still serving the last good build)\n", msg)
	l.hub.Gone(l.cfg.Source, msg)
}

// wholeBuild asks for a whole build of changes that no preview can show,
// stopping the one under way.
func (l *liveLoop) wholeBuild() {
	l.mu.Lock()
	l.seq++
	if l.cancel != nil {
		l.cancel()
	}
	l.mu.Unlock()
	l.askBuild()
}

// askBuild asks the builder for a whole build.
func (l *liveLoop) askBuild() {
	select {
	case l.kick <- struct{}{}:
	default: // one is already asked for
	}
}

func (l *liveLoop) failed(ds []diag.Diagnostic) {
	l.hub.Failed(ds)
	fmt.Fprintf(l.e.stdout, "Still serving the last good build: the content has %s (shown in the browser too)\n", plural.Count(len(ds), "problem"))
}

// builder runs whole builds, one at a time, as they are asked for.
func (l *liveLoop) builder(ctx context.Context) {
	logger := log.New(l.e.stderr, "", 0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.kick:
		}
		bctx, cancel := context.WithCancel(ctx)
		l.mu.Lock()
		if l.gone {
			// Asked for before the folder went; its return asks again.
			l.mu.Unlock()
			cancel()
			continue
		}
		startSeq := l.seq
		l.cancel = cancel
		l.mu.Unlock()
		before, _ := publish.Manifest(l.cfg.Dest) // what the tabs were served
		l.gc.building()
		_, err := buildWith(bctx, l.e, l.cfg, l.site.Build)
		cancel()
		if ctx.Err() != nil {
			return
		}
		l.mu.Lock()
		l.cancel = nil
		if bctx.Err() != nil && err != nil {
			// Stopped for newer changes, which asked for the next build,
			// or because the content folder went, which was said.
			gone := l.gone
			l.mu.Unlock()
			if !gone {
				fmt.Fprintln(l.e.stdout, "Stopped the rebuild: newer changes came")
			}
			continue
		}
		later := l.seq > startSeq // changes that this build may have missed
		wanted := startSeq > l.builtSeq
		gone := l.gone
		if err == nil {
			l.builtSeq = startSeq
			for p, seq := range l.since {
				if seq <= startSeq {
					delete(l.since, p)
				}
			}
		}
		l.mu.Unlock()
		var reload []string
		if err == nil {
			reload = l.toReload(before, l.overlay.Drop(startSeq))
		}
		var ce *diag.ContentError
		switch {
		case gone:
			// The tabs were told the content folder is gone.
		case later:
			// The batch after it told the tabs, and asked for another build.
		case errors.As(err, &ce):
			l.failed(ce.Diagnostics)
		case err != nil:
			l.hub.FailedText(err.Error())
			logger.Printf("rebuild failed: %v; still serving the last good build", err)
		case wanted:
			l.hub.Built(reload)
		}
		// After the tabs were told, and once the archive this build
		// replaced can be collected, so that the pace follows the heap
		// kept now.
		l.gc.serving()
	}
}

// toReload lists the pages that the tabs show otherwise than the site on
// disk now has them: the pages whose content differs between the
// manifests of the output served before the build and after it (added
// and removed pages included), but for those the preview already showed
// as they are now (shown, by path in the site). nil means every page:
// the build changed a stylesheet or a script, or a manifest is missing.
func (l *liveLoop) toReload(before map[string]publish.FileState, shown map[string][]byte) []string {
	after, err := publish.Manifest(l.cfg.Dest)
	if before == nil || err != nil {
		return nil
	}
	pages := map[string]bool{}
	differ := func(rel string) {
		switch {
		case strings.HasPrefix(rel, "static/"):
			pages[""] = true
		case strings.HasSuffix(rel, ".html"):
			pages[rel] = true
		}
	}
	for rel, st := range after {
		if old, ok := before[rel]; !ok || old.Sum != st.Sum || old.Size != st.Size {
			differ(rel)
		}
	}
	for rel := range before {
		if _, ok := after[rel]; !ok {
			differ(rel)
		}
	}
	if pages[""] {
		return nil
	}
	for rel := range shown {
		pages[rel] = true
	}
	out := []string{}
	for rel := range pages {
		if data, ok := shown[rel]; ok {
			if disk, err := os.ReadFile(filepath.Join(l.cfg.Dest, filepath.FromSlash(rel))); err == nil && bytes.Equal(disk, data) {
				continue
			}
		}
		out = append(out, rel)
	}
	sort.Strings(out)
	return out
}
