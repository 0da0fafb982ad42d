package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// The fixtures: an XML export of four pages (two reports, one linking
// to the other; a redirect; an index page that is no report) and a
// folder of two .wiki files, one with an old-style title.
var (
	importExport  = filepath.Join("testdata", "import", "export.xml")
	importWikiDir = filepath.Join("testdata", "import", "wiki")
)

const (
	thumbsPath  = "incidents/2025/2025-02-11-image-thumbnail-backlog.md"
	storagePath = "incidents/2024/2024-10-08-thumbnail-storage-full.md"
	searchPath  = "incidents/2023/2023-07-19-search-cluster-split-brain.md"
	mailPath    = "incidents/2018/2018-03-12-mail-relay.md"
	existing    = "---\nid: 2022-01-05 resolver outage\ntitle: The resolvers stopped answering\nstart: 2022-01-05 10:00\n---\nWritten here, not imported.\n"
)

// TestImportWiki imports the fixtures into an archive that already holds
// a report: a dry run first (the default there), then --write, then again
// (nothing changes); then builds the result and checks that the reports
// link each other both ways and say where they came from.
func TestImportWiki(t *testing.T) {
	dir := writeContent(t, map[string]string{"content/incidents/2022/resolver.md": existing})
	content := filepath.Join(dir, "content")
	args := []string{"import", "wiki", importExport, importWikiDir, "-s", content}

	before := tree(t, content)
	stdout, stderr := checkRun(t, args, 0, []string{"(dry run: nothing written)", "would import                     4   new 4, updated 0, unchanged 0", "skipped (not reports)            2", "already holds 1 report.", "--write"},
		[]string{"skipped: a redirect to Incidents/2024-10-08 thumbnail storage full", "Incidents/Index @ 88122: skipped"})
	if diff := sameTree(before, tree(t, content)); diff != "" {
		t.Fatalf("the dry run wrote: %s\n%s\n%s", diff, stdout, stderr)
	}

	checkRun(t, append(args, "--write"), 0, []string{"imported                         4   new 4, updated 0, unchanged 0", "Fields understood, of 4 reports"}, nil)
	for _, p := range []string{thumbsPath, storagePath, searchPath, mailPath, ".import-state.json"} {
		if _, err := os.Stat(filepath.Join(content, p)); err != nil {
			t.Errorf("not written: %v", err)
		}
	}
	written := tree(t, content)
	checkRun(t, append(args, "--write"), 0, []string{"imported                         4   new 0, updated 0, unchanged 4"}, nil)
	if diff := sameTree(written, tree(t, content)); diff != "" {
		t.Errorf("a second import of the same pages changed files: %s", diff)
	}

	if _, stderr := checkRun(t, []string{"check", "-s", content}, 0, nil, nil); strings.Contains(stderr, "imported_from") || strings.Contains(stderr, "error") {
		t.Errorf("check complains about the imported reports:\n%s", stderr)
	}
	public := filepath.Join(dir, "public")
	_, stderr = checkRun(t, []string{"build", "-s", content, "-d", public, "--drafts", "--cache-dir", filepath.Join(dir, "cache"), "--base-url", "https://incidents.example.org/"},
		0, []string{"Built 5 reports"}, nil)
	if stderr != "" {
		t.Errorf("the build of the imported archive complained:\n%s", stderr)
	}
	var feed struct {
		Incidents []struct {
			ID           string   `json:"id"`
			ImportedFrom string   `json:"imported_from"`
			Mentions     []string `json:"mentions"`
			ReferencedBy []string `json:"referenced_by"`
		} `json:"incidents"`
	}
	data, err := os.ReadFile(filepath.Join(public, "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &feed); err != nil {
		t.Fatal(err)
	}
	reports := feed.Incidents
	byID := map[string]int{}
	for i, r := range reports {
		byID[r.ID] = i
	}
	thumbs, storage := reports[byID["2025-02-11 image thumbnail backlog"]], reports[byID["2024-10-08 thumbnail storage full"]]
	if thumbs.ImportedFrom != "wiki: Incidents/2025-02-11 image thumbnail backlog @ 90211" || storage.ImportedFrom != "wiki: Incidents/2024-10-08 thumbnail storage full @ 88120" {
		t.Errorf("imported_from: %q, %q", thumbs.ImportedFrom, storage.ImportedFrom)
	}
	if mail := reports[byID["2018-03-12 Mail relay"]]; !strings.HasSuffix(mail.ImportedFrom, "20180312-Mail relay.wiki") {
		t.Errorf("imported_from of a .wiki file: %q", mail.ImportedFrom)
	}
	if !slices.Contains(thumbs.Mentions, storage.ID) || !slices.Contains(storage.ReferencedBy, thumbs.ID) {
		t.Errorf("the link is not resolved both ways: %s mentions %q; %s is referenced by %q", thumbs.ID, thumbs.Mentions, storage.ID, storage.ReferencedBy)
	}
	page, err := os.ReadFile(filepath.Join(public, "incidents", "2025-02-11-image-thumbnail-backlog", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `/incidents/2024-10-08-thumbnail-storage-full/"`) {
		t.Errorf("the page of %s does not link to %s", thumbs.ID, storage.ID)
	}
	page, err = os.ReadFile(filepath.Join(public, "incidents", "2024-10-08-thumbnail-storage-full", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `/incidents/2025-02-11-image-thumbnail-backlog/"`) {
		t.Errorf("the page of %s does not link back to %s", storage.ID, thumbs.ID)
	}
}

// TestImportReRun changes the source after an import: a report edited by
// hand since is left alone and named; an untouched one is rewritten; a
// person's file in the way is refused (exit status 1) and kept.
func TestImportReRun(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.Mkdir(content, 0o755); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export.xml")
	orig, err := os.ReadFile(importExport)
	if err != nil {
		t.Fatal(err)
	}
	testutil.WriteFiles(t, dir, map[string]string{"export.xml": string(orig)})
	// An empty archive: no dry run by default.
	checkRun(t, []string{"import", "wiki", export, "-s", content}, 0, []string{"imported                         2   new 2"}, nil)

	edited := readTestFile(t, filepath.Join(content, storagePath)) + "\nA person wrote this after the import.\n"
	testutil.WriteFiles(t, content, map[string]string{storagePath: edited})
	changed := strings.ReplaceAll(string(orig), "halved their worker count", "cut their worker count by half")
	changed = strings.ReplaceAll(changed, "the storage had room this time.", "the storage had room this time.\nAdded later.")
	changed = strings.ReplaceAll(changed, "a cleanup job had been failing", "a cleanup job, it turned out, had been failing")
	testutil.WriteFiles(t, dir, map[string]string{"export.xml": changed})

	_, stderr := checkRun(t, []string{"import", "wiki", export, "-s", content}, 0,
		[]string{"(dry run: nothing written)", "new 0, updated 1, unchanged 0", "edited by hand, left alone       1"},
		[]string{"content/" + storagePath + ": edited since the import; left alone"})
	_ = stderr
	checkRun(t, []string{"import", "wiki", export, "-s", content, "--write"}, 0, []string{"new 0, updated 1, unchanged 0", "edited by hand, left alone       1"}, nil)
	if got := readTestFile(t, filepath.Join(content, storagePath)); got != edited {
		t.Errorf("the hand-edited report was overwritten:\n%s", got)
	}
	if got := readTestFile(t, filepath.Join(content, thumbsPath)); !strings.Contains(got, "cut their worker count by half") {
		t.Errorf("the changed page was not rewritten:\n%s", got)
	}

	// A person's own file where a page would go: refused, kept, exit 1.
	mine := "---\nid: 2023-07-19 search cluster split brain\ntitle: Mine\nstart: 2023-07-19\n---\n"
	testutil.WriteFiles(t, content, map[string]string{searchPath: mine})
	checkRun(t, []string{"import", "wiki", importWikiDir, "-s", content, "--write"}, 1,
		[]string{"refused                          1", "new 1"},
		[]string{searchPath + ": refused: a file the importer did not write is in the way", "1 report refused"})
	if got := readTestFile(t, filepath.Join(content, searchPath)); got != mine {
		t.Errorf("a person's file was overwritten:\n%s", got)
	}
}

func readTestFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestImportUsage checks the command line: mistakes exit 2 with a
// message, and no import reads from where it writes.
func TestImportUsage(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/incidents/2022/resolver.md": existing,
		"content/incidents/old/page.wiki":    "text",
		"notes/report.md":                    "# A report\n",
		"notes/map.yaml":                     "start_time: start\n",
	})
	content := filepath.Join(dir, "content")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"nothing to import", []string{"import"}, 2, "say what to import"},
		{"an unknown kind", []string{"import", "confluence", "x"}, 2, `cannot import "confluence"`},
		{"wiki without sources", []string{"import", "wiki", "-s", content}, 2, "give an XML export"},
		{"not a wiki file", []string{"import", "wiki", filepath.Join(dir, "notes", "report.md"), "-s", content}, 2, "neither an XML export"},
		{"a missing file", []string{"import", "wiki", filepath.Join(dir, "nope.xml"), "-s", content}, 1, "nope.xml"},
		{"dry run and write", []string{"import", "wiki", importExport, "--dry-run", "--write", "-s", content}, 2, "contradict"},
		{"a markdown flag for wiki", []string{"import", "wiki", importExport, "--map", "m.yaml", "-s", content}, 2, "--map is not a flag of incidents import wiki"},
		{"a wiki flag for markdown", []string{"import", "markdown", filepath.Join(dir, "notes"), "--map", "m", "--wiki-url", "https://w/", "-s", content}, 2, "--wiki-url is not a flag"},
		{"api and files", []string{"import", "wiki", importExport, "--api", "https://wiki.example.org/w/api.php", "--contact", "a@b", "-s", content}, 2, "not both"},
		{"api without contact", []string{"import", "wiki", "--api", "https://wiki.example.org/w/api.php", "-s", content}, 2, "--api needs --contact"},
		{"api not http", []string{"import", "wiki", "--api", "ftp://wiki.example.org/", "--contact", "a@b", "-s", content}, 2, "not an http or https URL"},
		{"since without api", []string{"import", "wiki", importExport, "--since", "2024-01-01", "-s", content}, 2, "--since goes with --api"},
		{"a bad since", []string{"import", "wiki", "--api", "https://wiki.example.org/w/api.php", "--contact", "a@b", "--since", "last week", "-s", content}, 2, "--since \"last week\" is not a date"},
		{"a bad wiki url", []string{"import", "wiki", importExport, "--wiki-url", "wiki.example.org", "-s", content}, 2, "--wiki-url"},
		{"markdown without map", []string{"import", "markdown", filepath.Join(dir, "notes"), "-s", content}, 2, "--map FILE"},
		{"markdown of two folders", []string{"import", "markdown", "a", "b", "--map", "m", "-s", content}, 2, "give one folder"},
		{"a source inside incidents/", []string{"import", "wiki", filepath.Join(content, "incidents", "old", "page.wiki"), "-s", content}, 2, "where the import writes"},
		{"a markdown folder holding the content", []string{"import", "markdown", dir, "--map", filepath.Join(dir, "notes", "map.yaml"), "-s", content}, 2, "would read its own reports"},
		{"a markdown folder inside incidents/", []string{"import", "markdown", filepath.Join(content, "incidents"), "--map", filepath.Join(dir, "notes", "map.yaml"), "-s", content}, 2, "where the import writes"},
		{"no content folder", []string{"import", "wiki", importExport, "-s", filepath.Join(dir, "none")}, 1, "content folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRun(t, tt.args, tt.code, nil, []string{tt.stderr})
		})
	}
	checkRun(t, []string{"help", "import"}, 0, []string{"Usage: incidents import wiki", "--dry-run", "--write", "--recreate", "--map", "--api", "--contact"}, nil)
	if _, err := os.Stat(filepath.Join(content, ".import-state.json")); err == nil {
		t.Errorf("a refused command line wrote the import state")
	}
}

// importBenchPages writes an XML export of n report pages in the layout
// of real ones: the wiki pages the importer's own tests are written with
// (status template, metadata template, sections, scorecard table, tables,
// references), taken in turn under new titles, each with a timeline of 60
// more lines and a link to the page before it. Pages average about 6 KB,
// as the reports of a real wiki archive do.
func importBenchPages(t testing.TB, path string, n int) {
	t.Helper()
	var fixtures []string
	for _, dir := range []string{"../../generator/importer/wiki/testdata/seeds", "../../generator/importer/wiki/testdata/pages", "../../generator/importer/wikitext/testdata"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.wiki"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no wiki pages in %s: %v", dir, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fixtures = append(fixtures, string(data))
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, `<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">`)
	day := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := ""
	for i := range n {
		title := fmt.Sprintf("Incidents/%s service %d degraded", day.AddDate(0, 0, i*2).Format(time.DateOnly), i)
		var text strings.Builder
		text.WriteString(fixtures[i%len(fixtures)])
		text.WriteString("\n== More timeline ==\n")
		for m := range 60 {
			fmt.Fprintf(&text, "* 12:%02d mw%04d answered 503 for [[phab:T%d|T%d]]; '''still degraded''' while the team looked at the dashboards\n", m, 1000+m, 200000+i, 200000+i)
		}
		if prev != "" {
			text.WriteString("\nIt followed [[" + prev + "]] closely.\n")
		}
		fmt.Fprintf(w, `<page><title>%s</title><ns>0</ns><id>%d</id><revision><id>%d</id><timestamp>2024-01-01T00:00:00Z</timestamp><model>wikitext</model><format>text/x-wiki</format><text xml:space="preserve">`, title, i+1, 1000+i)
		if err := xml.EscapeText(w, []byte(text.String())); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(w, "</text></revision></page>")
		prev = title
	}
	fmt.Fprintln(w, "</mediawiki>")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkImportWiki imports 1,000 pages of one XML export (see
// importBenchPages) into an empty archive each time: a cold import, the
// first run of a migration.
func BenchmarkImportWiki(b *testing.B) {
	dir := b.TempDir()
	export := filepath.Join(dir, "export.xml")
	importBenchPages(b, export, 1000)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		content := filepath.Join(dir, fmt.Sprintf("content%d", i))
		if err := os.Mkdir(content, 0o755); err != nil {
			b.Fatal(err)
		}
		var out, errOut strings.Builder
		if code := run(b.Context(), []string{"import", "wiki", export, "-s", content}, &out, &errOut); code != 0 {
			b.Fatalf("exit %d\n%s", code, errOut.String())
		}
	}
}

// TestImportWikitextFileNames: a folder of wikitext is read whatever the
// extension MediaWiki tools give its files (.wiki, .wikitext, .mediawiki,
// .txt), as package mediawiki reads them; other files are left alone.
func TestImportWikitextFileNames(t *testing.T) {
	page := "{{irdoc|status=final}}\n== Summary ==\n{{Incident scorecard\n| start = %s 10:00\n}}\nThe disks filled up.\n"
	dir := writeContent(t, map[string]string{
		"content/incidents/.keep":             "",
		"pages/2025-01-02 disk full.wiki":     fmt.Sprintf(page, "2025-01-02"),
		"pages/2025-01-03 disk full.txt":      fmt.Sprintf(page, "2025-01-03"),
		"pages/2025-01-04 disk full.WIKITEXT": fmt.Sprintf(page, "2025-01-04"),
		"pages/2025-01-05 notes.md":           "# not wikitext\n",
	})
	checkRun(t, []string{"import", "wiki", filepath.Join(dir, "pages"), "-s", filepath.Join(dir, "content")}, 0,
		[]string{"imported                         3   new 3"}, nil)
}
