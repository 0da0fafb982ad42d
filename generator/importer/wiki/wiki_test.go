package wiki

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/importer/mediawiki"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// pageTitle is the wiki title of a fixture file: files named after a
// new-style page ("2024-06-12 name.wiki") live under "Incidents/", those
// named after an old one ("20190523-Name.wiki") under "Incident
// documentation/", as on the wiki.
func pageTitle(file string) string {
	name := strings.TrimSuffix(filepath.Base(file), ".wiki")
	if oldTitle.MatchString(name) && !newTitle.MatchString(name) {
		return "Incident documentation/" + name
	}
	return "Incidents/" + name
}

// readPage reads a fixture page as the importer would get it.
func readPage(t testing.TB, file string) mediawiki.Page {
	t.Helper()
	return mediawiki.Page{Title: pageTitle(file), Source: filepath.ToSlash(file), Text: string(readFile(t, file))}
}

// goldenReport is a Report as its golden file holds it: the body is in a
// Markdown file of its own, to be read as Markdown.
func goldenReport(r *importer.Report) []byte {
	front := *r
	front.Body = ""
	out, err := json.MarshalIndent(front, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}

// TestGolden converts whole pages written in the real layout and compares
// the Reports with the golden files (go test -run TestGolden -update
// rewrites them; read the diff before committing).
func TestGolden(t *testing.T) {
	site := bundledSite(t)
	for _, name := range []string{
		"2024-06-12 restbase storage timeouts",
		"20190523-Api appservers slow",
		"2023-11-15 mysql replication lag",
	} {
		t.Run(name, func(t *testing.T) {
			p := readPage(t, filepath.Join("testdata", "pages", name+".wiki"))
			r := Convert(p, Options{Site: site, WikiURL: "https://wiki.example.org/wiki/"})
			compareGolden(t, filepath.Join("testdata", "golden", name+".json"), goldenReport(r))
			compareGolden(t, filepath.Join("testdata", "golden", name+".md"), []byte(r.Body))
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readFile(t, path)
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what Convert gives now (run with -update and read the diff):\n%s", path, got)
	}
}
