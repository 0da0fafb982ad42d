package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/serve/live"
	"github.com/incidents-archive/incidents/generator/serve/server"
	"github.com/incidents-archive/incidents/search"
)

func serveCommand() *command {
	c := &command{
		name:    "serve",
		summary: "build, then serve the site on 127.0.0.1",
		usage: `Usage: incidents serve [flags]

Builds the site as 'incidents build' does, into serve/ in the cache folder
(--cache-dir; by default .cache/NAME-HASH/ in the working directory)
rather than public/, so that a preview with local links and --drafts never
ends up deployed; then serves it on http://127.0.0.1:PORT/ until interrupted
with Ctrl-C. The search page asks the server's /api/search, which reads
the search index in the cache folder. Links point at the local server unless --base-url is given.
If the content has errors, they are printed and nothing is served.

While it serves, it watches the content folder (and --layouts) and
rebuilds when a file is saved, created or deleted; every open tab then
reloads itself. While the content has errors, the last good build stays
served and the errors are shown over the page, with file and line.
A content folder replaced whole (copied back, moved aside and made
again, a link pointed elsewhere) is watched anew and rebuilt; one that
goes away is said to be gone, and rebuilt when it is back.

Examples:
  incidents serve
  incidents serve --port 8080 --drafts
`,
	}
	var f buildFlags
	var port int
	c.flags = func(fs *pflag.FlagSet) any {
		f.register(fs, "")
		fs.Lookup("dest").Usage = "output `folder` (default: serve/ in the cache folder)"
		fs.IntVarP(&port, "port", "p", 1313, "TCP `port` to listen on (0 picks a free one)")
		return &f
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		c.flags(fs)
		if err := parseFlags(c, fs, args); err != nil {
			return err
		}
		if f.dest == "" && f.source != "" {
			if err := f.cache.resolve(f.source); err != nil {
				return err
			}
			f.dest = f.cache.serveDest()
		}
		if port < 0 || port > 65535 {
			return usageError{fmt.Sprintf("--port %d is not a TCP port", port)}
		}
		if err := f.check(); err != nil {
			return err
		}
		release, err := f.cache.holdIndexForServe(ctx, e, f.source)
		if err != nil {
			return err
		}
		defer release()
		// Bind first, so that the links can name the port actually used.
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listening on %s: %w", addr, err)
		}
		defer ln.Close()
		cfg := f.config()
		if cfg.BaseURL == "" {
			cfg.BaseURL = "http://" + ln.Addr().String() + "/"
		}
		// It keeps rendered bodies in memory between rebuilds, and what
		// the previews of edits start from.
		builder := generator.NewBuilder()
		builder.SearchAPI = "/api/search" // the search page asks the server, not the static index
		builder.Local = true              // a preview: its links name this machine on purpose
		// Watching starts before the first build: a change made while it
		// runs, or before the loop below is under way, makes a rebuild.
		watcher, err := watchContent(cfg)
		if err != nil {
			return err
		}
		defer watcher.Close()
		if _, err := buildWith(ctx, e, cfg, builder.Build); err != nil {
			return err
		}
		idx, err := openLiveIndex(cfg.SearchIndex, search.APIOptions{Log: log.New(e.stderr, "", log.LstdFlags)})
		if err != nil {
			return err
		}
		defer idx.Close()
		gc := newGCPacing()
		gc.serving() // after the index's table, which stays
		defer gc.building()
		builder.UpdateIndex = idx.update
		hub, overlay := live.NewHub(), live.NewOverlay()
		mux := http.NewServeMux()
		mux.Handle("/api/search", idx)
		mux.Handle("/", hub.Handler(overlay.Handler(server.Handler(cfg.Dest))))
		loop := newLiveLoop(e, cfg, builder, hub, overlay, gc, watcher)
		ctx, stop := context.WithCancel(ctx)
		defer stop()
		watched := make(chan error, 1)
		go func() {
			watched <- loop.run(ctx)
			stop() // a watcher that fails stops the server rather than serve stale pages
		}()
		go func() {
			<-ctx.Done()
			hub.Close() // ends the event streams, which would hold the shutdown up
		}()
		err = server.ServeListener(ctx, ln, mux, func(addr string) {
			fmt.Fprintf(e.stdout, "Serving %s on http://%s/ (Ctrl-C to stop); rebuilding when %s changes\n", cfg.Dest, addr, cfg.Source)
		})
		stop()
		if werr := <-watched; err == nil {
			err = werr
		}
		return err
	}
	return c
}
