package render

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"sort"
	"strings"

	builtin "github.com/incidents-archive/incidents/layouts"
)

// pageTemplates are the page layouts; each is parsed together with
// base.html and partials.html into its own set, once per build.
var pageTemplates = []string{"home", "incidents", "incident", "taxonomy", "term", "page", "404", "search", "repeats", "rates", "chain", "trends"}

// Overlay returns a file system that serves files from top where they
// exist and from bottom otherwise: a layouts folder on disk over the
// embedded defaults. top may be nil.
func Overlay(top, bottom fs.FS) fs.FS {
	if top == nil {
		return bottom
	}
	return overlayFS{top, bottom}
}

type overlayFS struct{ top, bottom fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.bottom.Open(name)
}

// ReadDir lists the union of both layers, so that a layouts folder can add
// static files as well as replace them.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	for _, layer := range []fs.FS{o.bottom, o.top} {
		entries, err := fs.ReadDir(layer, name)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			firstErr = err
			continue
		}
		for _, e := range entries {
			seen[e.Name()] = e
		}
	}
	if len(seen) == 0 && firstErr != nil {
		return nil, firstErr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// parseTemplates builds one template set per page layout.
func parseTemplates(layouts fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(layouts, name)
		if err != nil {
			return "", fmt.Errorf("reading layout %s: %w", name, err)
		}
		return string(b), nil
	}
	common := template.New("base").Funcs(funcs)
	for _, name := range []string{"base.html", "partials.html"} {
		text, err := read(name)
		if err != nil {
			return nil, err
		}
		if name == "partials.html" {
			if err := parseBuiltinUnder(common, text); err != nil {
				return nil, err
			}
		}
		if _, err := common.New(name).Parse(text); err != nil {
			return nil, fmt.Errorf("parsing layout: %w", err)
		}
	}
	sets := map[string]*template.Template{}
	var errs []error
	for _, page := range pageTemplates {
		name := page + ".html"
		text, err := read(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t, err := common.Clone()
		if err != nil {
			return nil, fmt.Errorf("cloning layouts: %w", err)
		}
		if _, err := t.New(name).Parse(text); err != nil {
			errs = append(errs, fmt.Errorf("parsing layout: %w", err))
			continue
		}
		if t.Lookup("main") == nil {
			errs = append(errs, fmt.Errorf("layout %s must define \"main\"", name))
			continue
		}
		sets[page] = t
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return sets, nil
}

// parseBuiltinUnder parses the built-in partials into t when partials,
// the partials.html the build reads, is the site's own: one written for
// an earlier version then redefines the partials it has and finds those
// it lacks (list-pages, say) instead of failing the build. They are a
// template of their own, so that errors in the site's file keep its
// line numbers.
func parseBuiltinUnder(t *template.Template, partials string) error {
	b, err := fs.ReadFile(builtin.FS, "partials.html")
	if err != nil {
		return fmt.Errorf("reading the built-in partials: %w", err)
	}
	if string(b) == partials {
		return nil
	}
	if _, err := t.New("builtin-partials.html").Parse(string(b)); err != nil {
		return fmt.Errorf("parsing the built-in partials: %w", err)
	}
	return nil
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
