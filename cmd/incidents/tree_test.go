package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// repositoryLike is a clone of a project like this one, in a home folder
// like a user's, every file written by the test: what a mistyped
// --source, --dest or --cache-dir must never delete or change. Its
// folders are named as what incidents writes (search/, build/, serve/,
// search.old/, .cache/ of other tools) on purpose.
var repositoryLike = map[string]string{
	"repo/go.mod":                          "module example.org/reports\n\ngo 1.22\n",
	"repo/go.sum":                          "",
	"repo/README.md":                       "# Our incident reports\n\nRun incidents build.\n",
	"repo/Makefile":                        "all:\n\tincidents build\n",
	"repo/.gitignore":                      "public/\n.cache/\n",
	"repo/.git/HEAD":                       "ref: refs/heads/main\n",
	"repo/.git/config":                     "[core]\n\tbare = false\n",
	"repo/search/index.go":                 "package search\n\n// Index is not a bleve index.\ntype Index struct{}\n",
	"repo/search/index_test.go":            "package search\n",
	"repo/search.old/README":               "an older search package, kept on purpose\n",
	"repo/build/release.sh":                "#!/bin/sh\necho release\n",
	"repo/serve/main.go":                   "package main\n",
	"repo/cmd/reports/main.go":             "package main\n\nfunc main() {}\n",
	"repo/layouts/base.html":               "<!doctype html><title>{{.Title}}</title>\n",
	"repo/docs/guide.md":                   "How we write reports.\n",
	"repo/content/site.yaml":               "title: Reports\nbase_url: https://reports.example.org/\n",
	"repo/content/incidents/2026/queue.md": "---\nid: 2026-02-01 queue\ntitle: The job queue stalled\nstart: 2026-02-01 09:00\nservices: [jobrunner]\n---\nThe queue stopped taking jobs for an hour.\n",
	"repo/content/pages/about.md":          "---\ntitle: About\n---\nWho keeps these reports.\n",
	".bashrc":                              "export EDITOR=vi\n",
	"notes/todo.md":                        "- renew the certificate\n",
	".cache/othertool/state":               "another program's cache\n",
	".cache/search/history":                "another program's search history\n",
}

// repositoryLinks are symbolic links in the tree: name → target.
var repositoryLinks = map[string]string{
	"repo/link-search": "search",
	"repo/link-repo":   ".",
	"repo/link-home":   "..",
}

// TestNothingOfTheTreeIsDeleted runs build, serve, search, check and
// repeats in a repository-like folder with --source, --dest and
// --cache-dir taking, in every combination, each of: the folder itself
// (., its absolute path, a link to it), its parent (a home folder), its
// content, its Go packages, a link to one, a path with "..", a new folder,
// the root. After every run every file the test wrote must still be there,
// byte for byte, and at the end nothing may have appeared anywhere but in
// the folders incidents writes (public/, out/, .cache/ and the spare and
// lock beside an output). Combinations that overlap are refused; the
// others build. Before the cache folder was owned, --cache-dir . deleted
// search/ (and search.old/), and --cache-dir public replaced the site's
// own search folder.
func TestNothingOfTheTreeIsDeleted(t *testing.T) {
	root := t.TempDir()
	testutil.WriteFiles(t, root, repositoryLike)
	for name, target := range repositoryLinks {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	repo := filepath.Join(root, "repo")
	t.Chdir(repo)
	want := snapshot(t, root)

	values := []string{".", "..", "../..", repo, "content", "content/incidents", "content/../search", "public", "search",
		"search.old", "layouts", "cmd", "docs", "link-search", "link-repo", "link-home", "../.cache", "../notes", "../new1", "out", ".cache", "/"}
	readable := slices.DeleteFunc(slices.Clone(values), func(v string) bool { return v == "/" || v == "../.." })

	codes := map[int]int{}
	check := func(args []string, code int, out string) {
		t.Helper()
		codes[code]++
		if code == 1 && os.Getenv("TREE_DEBUG") != "" {
			t.Logf("%q: %s", args, out)
		}
		if strings.Contains(out, "panic") {
			t.Fatalf("%q crashed:\n%s", args, out)
		}
		if diff := compareSnapshot(t, root, want); diff != "" {
			t.Fatalf("after incidents %s (exit %d): %s\n%s", strings.Join(args, " "), code, diff, out)
		}
	}
	started := time.Now()
	// Every value for each flag with every value for another; the third
	// takes its default or a new folder. make stress tries every triple
	// (10,648 builds, about 7 s on an idle machine).
	var triples [][3]string
	if os.Getenv("INCIDENTS_STRESS") != "" {
		for _, s := range values {
			for _, d := range values {
				for _, c := range values {
					triples = append(triples, [3]string{s, d, c})
				}
			}
		}
	} else {
		for _, a := range values {
			for _, b := range values {
				for _, third := range [][3]string{{"content", "public", ".cache"}, {"../new1", "../new2", "../new3"}} {
					triples = append(triples, [3]string{a, b, third[2]}, [3]string{a, third[1], b}, [3]string{third[0], a, b})
				}
			}
		}
	}
	for _, tr := range triples {
		args := []string{"build", "-s", tr[0], "-d", tr[1], "--cache-dir", tr[2]}
		t0 := time.Now()
		code, out := runIn(args)
		if d := time.Since(t0); d > 20*time.Millisecond && os.Getenv("TREE_DEBUG") != "" {
			t.Logf("%s %d %q", d, code, args)
		}
		check(args, code, out)
	}
	t.Logf("build: %d runs in %s, exit codes %v", len(triples), time.Since(started).Round(time.Millisecond), codes)
	for _, s := range values {
		for _, c := range values {
			args := []string{"serve", "--port", "0", "-s", s, "--cache-dir", c}
			code, out := runServeOnce(t, args)
			check(args, code, out)
		}
	}
	for _, d := range []string{".", "..", "content", "search", ".cache", ".cache/search", "link-repo", "out"} {
		args := []string{"serve", "--port", "0", "-d", d}
		code, out := runServeOnce(t, args)
		check(args, code, out)
	}
	for _, v := range readable {
		for _, args := range [][]string{
			{"search", "--cache-dir", v, "queue"},
			{"check", "-s", v},
			{"repeats", "-s", v, "2026-02-01 queue"},
		} {
			code, out := runIn(args)
			check(args, code, out)
		}
	}
	t.Logf("all: exit codes %v in %s", codes, time.Since(started).Round(time.Millisecond))
	if codes[0] < 10 || codes[2] < 2500 {
		t.Errorf("exit codes %v: want many refusals and many builds, or the combinations were not tried", codes)
	}

	// Nothing new but what incidents writes.
	allowed := []string{"new1", "new2", "new3", ".new1.spare", ".new1.lock", ".new2.spare", ".new2.lock", "repo/public", "repo/.public.spare", "repo/.public.lock", "repo/out", "repo/.out.spare", "repo/.out.lock", "repo/.cache", "repo/..cache.spare", "repo/..cache.lock"}
	for rel := range snapshot(t, root) {
		if _, ok := want[rel]; ok {
			continue
		}
		if !slices.ContainsFunc(allowed, func(a string) bool { return rel == a || strings.HasPrefix(rel, a+"/") }) {
			t.Errorf("%s appeared", rel)
		}
	}
}

// runIn runs a command in this process and returns its exit code and
// output.
func runIn(args []string) (int, string) {
	var out strings.Builder
	code := run(context.Background(), args, &out, &out)
	return code, out.String()
}

// runServeOnce runs serve until it serves (then stops it as Ctrl-C does)
// or exits by itself.
func runServeOnce(t *testing.T, args []string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, args, outW, &errOut)
		outW.Close()
		done <- code
	}()
	var out strings.Builder
	lines := bufio.NewScanner(outR)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "Serving ") {
			cancel()
		}
	}
	select {
	case code := <-done:
		return code, out.String() + errOut.String()
	case <-time.After(time.Minute): // a serve that neither serves nor exits, even on a loaded machine
		t.Fatalf("incidents %s did not stop:\n%s%s", strings.Join(args, " "), out.String(), errOut.String())
		return 0, ""
	}
}

// snapshot maps every path under root to what it holds: a file's bytes,
// a link's target, "dir" for a folder.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "link " + target
		case d.IsDir():
			out[rel] = "dir"
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = "file " + string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compareSnapshot describes the first entry of want that is no longer in
// root as it was, or "".
func compareSnapshot(t *testing.T, root string, want map[string]string) string {
	t.Helper()
	for rel, was := range want {
		p := filepath.Join(root, filepath.FromSlash(rel))
		info, err := os.Lstat(p)
		if err != nil {
			return fmt.Sprintf("%s is gone (%v)", rel, err)
		}
		var now string
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			now = "link " + target
		case info.IsDir():
			now = "dir"
		default:
			data, _ := os.ReadFile(p)
			now = "file " + string(data)
		}
		if now != was {
			return fmt.Sprintf("%s changed: was %.60q, now %.60q", rel, was, now)
		}
	}
	return ""
}
