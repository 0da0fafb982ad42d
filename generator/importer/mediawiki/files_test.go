package mediawiki

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTitleFromFileName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"2025-03-31 sessionstore unavailability.wiki", "2025-03-31 sessionstore unavailability"},
		{"Incidents%2F2025-03-31 sessionstore unavailability.wiki", "Incidents/2025-03-31 sessionstore unavailability"},
		{"Incidents%2f2025-03-31_sessionstore_unavailability.txt", "Incidents/2025-03-31 sessionstore unavailability"},
		{"20190101-Big_outage.WIKI", "20190101-Big outage"},
		{"Incident documentation%2F20190101-Name%3A part two.mediawiki", "Incident documentation/20190101-Name: part two"},
		{"__spaced___out_.wikitext", "spaced out"},
		{"100% done.wiki", "100% done"},          // not an escape: kept
		{"caf%C3%A9 outage.wiki", "café outage"}, // an escaped UTF-8 letter
		{"bad%FF escape.wiki", "bad%FF escape"},  // would not be UTF-8: kept as written
		{"trailing%2.txt", "trailing%2"},
		{"no extension", "no extension"},
		{".wiki", ""},
	}
	for _, tt := range tests {
		if got := TitleFromFileName(tt.name); got != tt.want {
			t.Errorf("TitleFromFileName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

type filePage struct {
	Title, Source, Text, Problem string
}

func collectFiles(t *testing.T, read func([]string, func(Page) error) error, paths ...string) []filePage {
	t.Helper()
	var got []filePage
	err := read(paths, func(p Page) error {
		if p.RevisionID != 0 || !p.Timestamp.IsZero() || p.Redirect != "" || p.Line != 0 {
			t.Errorf("%s: %+v: a file has no revision, timestamp, redirect or line", p.Source, p)
		}
		got = append(got, filePage{p.Title, p.Source, p.Text, p.Problem})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func checkFilePages(t *testing.T, got, want []filePage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d pages:\n%+v\nwant %d:\n%+v", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Title != w.Title || g.Source != w.Source || g.Text != w.Text ||
			(w.Problem == "") != (g.Problem == "") || !strings.Contains(g.Problem, w.Problem) {
			t.Errorf("page %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestReadFilesDirectory(t *testing.T) {
	dir := filepath.Join("testdata", "wikifiles")
	backlog := filepath.Join(dir, "2024-08-02 queue backlog.wiki")
	purge := filepath.Join(dir, "Incidents%2F2023-01-09 purge backlog.wiki")
	farm := filepath.Join(dir, "older", "2019-07-07_Build_farm__outage.txt")
	want := []filePage{
		{"2024-08-02 queue backlog", backlog, "{{irdoc|status=review}}\n== Summary ==\nThe job queue grew for an hour after a worker pool was drained by mistake.\n", ""},
		{"Incidents/2023-01-09 purge backlog", purge, "{{irdoc|status=final}}\nPurges piled up behind a stuck consumer; [[Incidents/2024-06-12 cache purge storm]] came later.\n", ""},
		{"2019-07-07 Build farm outage", farm, "{{irdoc-final}}\nThe build farm lost its shared disk.\n", ""},
	}
	t.Run("ReadFiles", func(t *testing.T) {
		// The directory and one of its files again: each file is read once.
		checkFilePages(t, collectFiles(t, ReadFiles, dir, backlog), want)
	})
	t.Run("FileTitles", func(t *testing.T) {
		titles := make([]filePage, len(want))
		for i, w := range want {
			titles[i] = filePage{Title: w.Title, Source: w.Source}
		}
		checkFilePages(t, collectFiles(t, FileTitles, dir), titles)
	})
}

func TestReadFilesProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bom := write("a bom and crlf.wiki", []byte("\xef\xbb\xbf== Summary ==\r\nLine two\r\n"))
	latin1 := write("b latin1.wiki", []byte("fine line\nsecond line: caf\xe9\n"))
	huge := write("c huge.wiki", []byte(strings.Repeat("x", MaxTextSize+1)))
	exact := write("d exact.wiki", []byte(strings.Repeat("y", MaxTextSize)))
	dup := write("e_same.wiki", []byte("one"))
	dup2 := write("e same.wiki", []byte("two"))
	gone := filepath.Join(dir, "f gone.wiki")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), gone); err != nil {
		t.Fatal(err)
	}
	empty := write("g empty.wiki", nil)

	got := collectFiles(t, ReadFiles, dir)
	want := []filePage{
		{"a bom and crlf", bom, "== Summary ==\nLine two\n", ""},
		{"b latin1", latin1, "", "not valid UTF-8 (line 2, byte 27)"},
		{"c huge", huge, "", "more than 4 MiB"},
		{"d exact", exact, strings.Repeat("y", MaxTextSize), ""},
		// Sorted by path: "e same" before "e_same".
		{"e same", dup2, "two", ""},
		{"e same", dup, "", "same title as " + dup2},
		{"f gone", gone, "", "cannot be read: no such file or directory"},
		{"g empty", empty, "", ""},
	}
	checkFilePages(t, got, want)
}

// TestReadFilesErrors: paths that cannot be read at all are errors, all
// of them at once, before any file is read.
func TestReadFilesErrors(t *testing.T) {
	dir := t.TempDir()
	emptyDir := filepath.Join(dir, "empty")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	md := filepath.Join(dir, "report.md")
	good := filepath.Join(dir, "fine.wiki")
	for _, p := range []string{md, good} {
		if err := os.WriteFile(p, []byte("text"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "typo.wiki")
	calls := 0
	err := ReadFiles([]string{good, missing, md, emptyDir}, func(Page) error { calls++; return nil })
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		missing + ": no such file or directory",
		md + ": not a file of wikitext",
		emptyDir + ": no files of wikitext",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if calls != 0 {
		t.Errorf("%d pages read before the error, want none", calls)
	}

	stop := errors.New("stop")
	if err := ReadFiles([]string{good}, func(Page) error { return stop }); err != stop {
		t.Errorf("fn's error came back as %v", err)
	}
}

// A wikitext file that holds a redirect is passed on as a redirect page,
// by both passes: before, it became a report whose body was "1. REDIRECT
// …".
func TestReadFilesRedirect(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Incidents%2F2024-06-12 search brownout.wiki", "#REDIRECT [[Incidents/2024-06-12 search_cluster brownout#Timeline]]\n\n[[Category:Redirects]]\n")
	write("Incidents%2F2024-06-12 search cluster brownout.wiki", "== Summary ==\nSee #REDIRECT [[x]] later.\n")
	want := map[string]string{
		"Incidents/2024-06-12 search brownout":         "Incidents/2024-06-12 search cluster brownout",
		"Incidents/2024-06-12 search cluster brownout": "",
	}
	for name, read := range map[string]func([]string, func(Page) error) error{"ReadFiles": ReadFiles, "FileTitles": FileTitles} {
		n := 0
		err := read([]string{dir}, func(p Page) error {
			n++
			if w, ok := want[p.Title]; !ok || p.Redirect != w {
				t.Errorf("%s: %q: redirect %q, want %q", name, p.Title, p.Redirect, w)
			}
			return nil
		})
		if err != nil || n != 2 {
			t.Errorf("%s: %d pages, %v", name, n, err)
		}
	}
	for text, target := range map[string]string{
		"#redirect:[[Foo bar|x]]": "Foo bar",
		"  #REDIRECT [[Foo]]":     "Foo",
		"#REDIRECTS are fun":      "",
		"text\n#REDIRECT [[Foo]]": "",
	} {
		if got := RedirectTarget(text); got != target {
			t.Errorf("RedirectTarget(%q) = %q, want %q", text, got, target)
		}
	}
}
