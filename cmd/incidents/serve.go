package main

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/incidents-archive/incidents/generator/server"
)

// serveDest is where serve builds by default: not public/, which is for
// deploying.
const serveDest = ".cache/serve"

func serveCommand() *command {
	c := &command{
		name:    "serve",
		summary: "build, then serve the site on 127.0.0.1",
		usage: `Usage: incidents serve [flags]

Builds the site as 'incidents build' does, into .cache/serve/ rather
than public/ (so that a preview with local links and --drafts never ends
up deployed), then serves it on http://127.0.0.1:PORT/ until interrupted
with Ctrl-C. Links point at the local server unless --base-url is given.
If the content has errors, they are printed and nothing is served.

Examples:
  incidents serve
  incidents serve --port 8080 --drafts
`,
	}
	var f buildFlags
	var port int
	c.flags = func(fs *pflag.FlagSet) any {
		f.register(fs, serveDest)
		fs.IntVarP(&port, "port", "p", 1313, "TCP `port` to listen on (0 picks a free one)")
		return &f
	}
	c.run = func(ctx context.Context, e *env, args []string) error {
		fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		c.flags(fs)
		if err := parseFlags(c, fs, args); err != nil {
			return err
		}
		if port < 0 || port > 65535 {
			return usageError{fmt.Sprintf("--port %d is not a TCP port", port)}
		}
		if err := f.check(); err != nil {
			return err
		}
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
		if _, err := build(ctx, e, cfg); err != nil {
			return err
		}
		return server.ServeListener(ctx, ln, server.Handler(cfg.Dest), func(addr string) {
			fmt.Fprintf(e.stdout, "Serving %s on http://%s/ (Ctrl-C to stop)\n", cfg.Dest, addr)
		})
	}
	return c
}
