package mdimport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzConvert feeds arbitrary files, file names and mapping files to
// ParseMapping and Convert. Neither may panic; a mapping that parses is
// used, else the shipped postmortem-collection example. Whatever the
// input, the report has an id, a title and a hash, its texts are UTF-8,
// and a report without a start is a draft.
func FuzzConvert(f *testing.F) {
	example, err := os.ReadFile(filepath.Join(exampleDir, "postmortem-collection.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	fallback, err := ParseMapping("example.yaml", example)
	if err != nil {
		f.Fatal(err)
	}
	for _, dir := range []string{"postmortem-collection", "status-page", "plain"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.md"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(filepath.Base(file), data, example)
		}
	}
	f.Add("2024-01-05-x.md", []byte("# T\n\nDate: 2024-01-05\nStart: 23:00\nEnd: 01:00\nDuration: 2h\n"), []byte(testMapping))
	f.Add("x.md", []byte("---\na: &x [*x]\nb: [&y {k: *y}]\n---\n"), []byte("a: {to: services}\n"))
	f.Add("index.md", []byte("+++\nstart_time = 1979-05-27T07:32:00Z\n+++\n"), []byte("start_time: start\n"))
	f.Add("", []byte("---\n---\n"), []byte(""))
	f.Fuzz(func(t *testing.T, name string, data, mapping []byte) {
		m, err := ParseMapping("fuzz.yaml", mapping)
		if err != nil {
			m = fallback
		}
		r := Convert(name, data, m, Options{Site: nil})
		if r.ID == "" || r.Title == "" || len(r.SourceHash) != 64 {
			t.Fatalf("id %q, title %q, hash %q: none may be empty", r.ID, r.Title, r.SourceHash)
		}
		if r.Start.IsZero() && r.Status != "draft" {
			t.Fatalf("no start, status %q", r.Status)
		}
		if !r.End.IsZero() && r.End.Before(r.Start) {
			t.Fatalf("end %v before start %v", r.End, r.Start)
		}
		for _, s := range []string{r.ID, r.Title, r.Impact, r.Body} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("text not clean UTF-8: %q", s)
			}
		}
		for _, s := range append(append([]string{r.ID, r.Title}, r.Services...), r.Causes...) {
			if strings.IndexFunc(s, isControl) >= 0 {
				t.Fatalf("control character in %q", s)
			}
		}
	})
}
