package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestFoldersMustBeApart: --source, --dest, --cache-dir and --layouts
// that are the same folder, or one inside another in either direction,
// however written (relative, absolute, with "..", through a link), are a
// usage error naming both flags, before anything is read or written. Two
// folders that are only read may overlap. Before, --cache-dir public
// replaced the site's search/ with the bleve index and exited 0.
func TestFoldersMustBeApart(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nBody\n",
		"content/layouts/x.html": "",
	})
	if err := os.Symlink("content", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	tests := []struct {
		name string
		args []string
		want []string // in the message, besides "incidents CMD:"
	}{
		{"cache inside dest", []string{"build", "--cache-dir", "public/cache"}, []string{"--cache-dir public/cache", "is inside --dest public"}},
		{"cache is dest", []string{"build", "--cache-dir", "public"}, []string{"--dest public and --cache-dir public are the same folder"}},
		{"dest inside cache", []string{"build", "-d", ".cache/site"}, []string{"--dest .cache/site", "is inside --cache-dir .cache"}},
		{"dest is source", []string{"build", "-d", "content"}, []string{"--source content and --dest content are the same folder"}},
		{"dest is the working folder", []string{"build", "-d", "."}, []string{"--source content", "is inside --dest .", "replaces --dest as a whole"}},
		{"dest holds the source, through ..", []string{"build", "-d", "content/.."}, []string{"is inside --dest content/.."}},
		{"dest inside source", []string{"build", "-d", "content/public"}, []string{"--dest content/public", "is inside --source content"}},
		{"source inside dest", []string{"build", "-s", "public/content"}, []string{"--source public/content", "is inside --dest public"}},
		{"source is dest", []string{"build", "-s", "public"}, []string{"--source public and --dest public are the same folder"}},
		{"cache is the working folder", []string{"build", "--cache-dir", "."}, []string{"is inside --cache-dir .", "deletes and rewrites what --cache-dir holds"}},
		{"cache is the parent", []string{"build", "--cache-dir", ".."}, []string{"is inside --cache-dir .."}},
		{"cache is the root", []string{"build", "--cache-dir", "/"}, []string{"is inside --cache-dir /"}},
		{"dest is the root", []string{"build", "-d", "/"}, []string{"is inside --dest /"}},
		{"cache inside source", []string{"build", "--cache-dir", "content/.cache"}, []string{"--cache-dir content/.cache", "is inside --source content"}},
		{"cache is source, absolute", []string{"build", "--cache-dir", filepath.Join(dir, "content")}, []string{"are the same folder"}},
		{"dest through a link to the source", []string{"build", "-d", "link"}, []string{"--source content and --dest link are the same folder"}},
		{"dest inside a link to the source", []string{"build", "-d", "link/out"}, []string{"--dest link/out", "is inside --source content"}},
		{"layouts inside dest", []string{"build", "--layouts", "public/layouts"}, []string{"--layouts public/layouts", "is inside --dest public"}},
		{"cache inside layouts", []string{"build", "--layouts", "lay", "--cache-dir", "lay/cache"}, []string{"--cache-dir lay/cache", "is inside --layouts lay"}},
		{"serve: dest is source", []string{"serve", "-d", "content"}, []string{"--source content and --dest content are the same folder"}},
		{"serve: cache is the working folder", []string{"serve", "--cache-dir", "."}, []string{"is inside --cache-dir ."}},
		{"serve: dest elsewhere in the cache", []string{"serve", "-d", ".cache/other"}, []string{"--dest .cache/other", "is inside --cache-dir .cache"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr := checkRun(t, tt.args, 2, nil, tt.want)
			if !strings.Contains(stderr, "give separate folders") {
				t.Errorf("stderr does not say what to do:\n%s", stderr)
			}
		})
	}
	// Nothing was written by any of them.
	for _, p := range []string{"public", ".cache", "content/public", "content/.cache", "lay"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}

	// Folders that are only read may overlap, and serve's own output
	// lives in the cache folder.
	for _, args := range [][]string{
		{"build", "--layouts", "content/layouts", "--base-url", "https://x.example/"},
		{"build", "--layouts", "content", "-d", "out", "--base-url", "https://x.example/"},
	} {
		checkRun(t, args, 0, []string{"Built 1 report "}, nil)
	}
	if err := checkApart([]folderFlag{{flag: "--source", value: "content"}, {flag: "--dest", value: ".cache/serve", writes: true}, {flag: "--cache-dir", value: ".cache", writes: true}},
		func(a, b folderFlag, _, _ string) bool { return a.flag == "--dest" && a.value == ".cache/serve" }); err != nil {
		t.Errorf("serve's output in the cache folder: %v", err)
	}
}

// TestResolvePath resolves a path as the system would, where a link
// followed by ".." leads elsewhere than the path's text says.
func TestResolvePath(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testutil.WriteFiles(t, dir, map[string]string{"a/b/c/file": "", "x/file": ""})
	if err := os.Symlink(filepath.Join(dir, "a", "b", "c"), filepath.Join(dir, "x", "deep")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "x"))
	for in, want := range map[string]string{
		".":                dir + "/x",
		"deep":             dir + "/a/b/c",
		"deep/..":          dir + "/a/b", // not x/, as filepath.Clean would say
		"deep/../new/../y": dir + "/a/b/y",
		"new/sub":          dir + "/x/new/sub",
		"../x/./deep/":     dir + "/a/b/c",
		dir + "//a/../x":   dir + "/x",
	} {
		got, err := resolvePath(in)
		if err != nil || got != filepath.FromSlash(want) {
			t.Errorf("resolvePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
