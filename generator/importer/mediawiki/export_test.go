package mediawiki

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// want is what a test expects of one page: Text is compared whole unless
// TextPrefix is set; Problem is a part of the message.
type want struct {
	Title      string
	RevisionID int64
	Timestamp  string
	Line       int
	Text       string
	TextPrefix string
	Redirect   string
	Problem    string
}

func readAll(t *testing.T, read func(io.Reader, string, func(Page) error) error, path string) []Page {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pages []Page
	if err := read(f, path, func(p Page) error { pages = append(pages, p); return nil }); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return pages
}

func checkPages(t *testing.T, got []Page, wants []want, source string, withText bool) {
	t.Helper()
	if len(got) != len(wants) {
		titles := make([]string, len(got))
		for i, p := range got {
			titles[i] = p.Title
		}
		t.Fatalf("got %d pages %q, want %d", len(got), titles, len(wants))
	}
	for i, w := range wants {
		p := got[i]
		if p.Title != w.Title {
			t.Errorf("page %d: title %q, want %q", i, p.Title, w.Title)
		}
		if p.RevisionID != w.RevisionID {
			t.Errorf("%s: revision %d, want %d", w.Title, p.RevisionID, w.RevisionID)
		}
		if ts := p.Timestamp.Format(time.RFC3339); w.Timestamp != "" && ts != w.Timestamp || w.Timestamp == "" && !p.Timestamp.IsZero() {
			t.Errorf("%s: timestamp %s, want %q", w.Title, ts, w.Timestamp)
		}
		if w.Line != 0 && p.Line != w.Line {
			t.Errorf("%s: line %d, want %d", w.Title, p.Line, w.Line)
		}
		if p.Source != source {
			t.Errorf("%s: source %q, want %q", w.Title, p.Source, source)
		}
		if p.Redirect != w.Redirect {
			t.Errorf("%s: redirect %q, want %q", w.Title, p.Redirect, w.Redirect)
		}
		if w.Problem == "" && p.Problem != "" || !strings.Contains(p.Problem, w.Problem) {
			t.Errorf("%s: problem %q, want one saying %q", w.Title, p.Problem, w.Problem)
		}
		switch {
		case !withText || p.Problem != "":
			if p.Text != "" {
				t.Errorf("%s: text %q, want none", w.Title, p.Text)
			}
		case w.TextPrefix != "":
			if !strings.HasPrefix(p.Text, w.TextPrefix) {
				t.Errorf("%s: text %q, want it to start %q", w.Title, p.Text, w.TextPrefix)
			}
		case p.Text != w.Text:
			t.Errorf("%s: text %q, want %q", w.Title, p.Text, w.Text)
		}
	}
}

var exportWants = map[string][]want{
	"export-0.10.xml": {
		{
			// Three revisions, the latest in the middle of the page.
			Title: "Incidents/2024-06-12 cache purge storm", RevisionID: 5003, Timestamp: "2024-06-14T07:00:00Z", Line: 13,
			Text: "{{irdoc|status=final}}\n== Summary ==\nA purge loop flooded the edge caches & the origin for <20 minutes.\n[[Incidents/2023-01-09 purge backlog]]",
		},
		{
			Title: "Incidents/2024-06-12 Cache purge storm (old name)", RevisionID: 5004, Timestamp: "2024-06-14T07:05:00Z",
			Redirect: "Incidents/2024-06-12 cache purge storm",
			Text:     "#REDIRECT [[Incidents/2024-06-12 cache purge storm]]",
		},
		{
			// The latest revision's text was deleted: an earlier text is
			// not put in its place.
			Title: "Incident documentation/20180502-Mailqueue", RevisionID: 955, Timestamp: "2018-06-01T12:00:00Z",
			Problem: "the text of revision 955 was deleted",
		},
		{
			Title: "Incidents/2022-11-30 same second", RevisionID: 4101, Timestamp: "2022-12-01T08:00:00Z",
			Text: "the higher id wins a tie",
		},
		{
			Title: "Incidents/2021-02-02 no revision", Problem: "no revision",
		},
	},
	"export-0.11.xml": {
		{
			// The text of the main slot, not of the <content> of another.
			Title: "Incidents/2025-01-20 dns resolver flaps", RevisionID: 7010, Timestamp: "2025-01-21T11:30:00Z", Line: 14,
			TextPrefix: "{{irdoc|status=final}}\n== Summary ==\n{{Incident scorecard\n| task = T400100\n",
			Text:       "",
		},
		{
			Title: "Incidents/2025-02-14 stub only", RevisionID: 7100, Timestamp: "2025-02-15T00:00:00Z",
			Problem: "stub export",
		},
		{
			Title: "Incidents/2025-03-01 no text element", RevisionID: 7200, Timestamp: "2025-03-02T00:00:00Z",
			Problem: "no text for revision 7200",
		},
		{
			Title: "Incidents/2025-01-20 dns resolver flaps", Problem: "second time in the export (first at line 14)",
		},
	},
}

func TestReadExport(t *testing.T) {
	for name, wants := range exportWants {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			got := readAll(t, ReadExport, path)
			checkPages(t, got, wants, path, true)
		})
	}
	t.Run("entities and non-breaking spaces", func(t *testing.T) {
		path := filepath.Join("testdata", "export-0.11.xml")
		text := readAll(t, ReadExport, path)[0].Text
		for _, s := range []string{"<pre>dig +short example.org</pre>", "space:\u00a05 min.", "— and"} {
			if !strings.Contains(text, s) {
				t.Errorf("text %q lacks %q", text, s)
			}
		}
		if strings.Contains(text, "not the main slot") {
			t.Errorf("the text of another slot was read: %q", text)
		}
	})
}

// TestExportTitles checks the titles-only pass: the same pages, revisions
// and problems as ReadExport, no text.
func TestExportTitles(t *testing.T) {
	for name, wants := range exportWants {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			got := readAll(t, ExportTitles, path)
			titleWants := make([]want, len(wants))
			for i, w := range wants {
				if strings.Contains(w.Problem, "stub export") {
					w.Problem = "" // only the pass with text can tell
				}
				titleWants[i] = w
			}
			checkPages(t, got, titleWants, path, false)
		})
	}
}

func TestReadExportErrors(t *testing.T) {
	page := func(body string) string {
		return `<mediawiki version="0.10">
  <page>
    <title>Incidents/x</title>
` + body + `
  </page>
</mediawiki>
`
	}
	tests := []struct {
		name  string
		input string
		want  string // the error's text, or a part of it
	}{
		{"empty", "", "in.xml: not a MediaWiki XML export: no <mediawiki> element"},
		{"html", "<!DOCTYPE html>\n<html><body>Login required</body></html>", "in.xml:2: not a MediaWiki XML export: the root element is <html>, not <mediawiki>"},
		{"cut short", "<mediawiki>\n<page>\n<title>Incidents/x</title>\n<revision>\n<id>1</id>\n<text>half a", "in.xml:6: the export ends inside <text>"},
		{"cut after a page", "<mediawiki>\n<page><title>A</title></page>\n", "in.xml:3: the export ends inside <mediawiki>"},
		{"bad timestamp", page("    <revision>\n      <id>1</id>\n      <timestamp>yesterday</timestamp>\n    </revision>"), `in.xml:6: page "Incidents/x": revision: timestamp: "yesterday" is not a timestamp`},
		{"bad id", page("    <revision>\n      <id>one</id>\n    </revision>"), `in.xml:5: page "Incidents/x": revision: id: "one" is not a revision id`},
		{"no title", "<mediawiki>\n<page>\n<ns>0</ns>\n</page>\n</mediawiki>", "in.xml:2: page: no <title>"},
		{"syntax", page("    <revision>\n      <text>a & b</text>\n    </revision>"), "in.xml:5: XML syntax error (byte"},
		{"element in text", page("    <revision>\n      <text>a <b>bold</b></text>\n    </revision>"), "in.xml:5: <b> inside <text>"},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<mediawiki></mediawiki>", "only UTF-8 exports are read"},
		{"invalid UTF-8", page("    <revision>\n      <text>caf\xe9</text>\n    </revision>"), "in.xml:5: XML syntax error (byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReadExport(strings.NewReader(tt.input), "in.xml", func(Page) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestReadExportStopsOnCallbackError: fn's error comes back as it is, and
// no page is read after it.
func TestReadExportStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop here")
	calls := 0
	f, err := os.Open(filepath.Join("testdata", "export-0.10.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = ReadExport(f, "export", func(Page) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Fatalf("error %v after %d calls, want %v after 1", err, calls, stop)
	}
}

// syntheticExport writes an export of n pages, each with two revisions
// (the later one first, as a careless concatenation might) and a text of
// about textSize bytes.
func syntheticExport(w io.Writer, n, textSize int) error {
	if _, err := io.WriteString(w, `<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
  <siteinfo><sitename>Synthetic</sitename></siteinfo>
`); err != nil {
		return err
	}
	line := "* 02:58 '''OUTAGE BEGINS''' the session store stops answering &amp; the edge retries; see {{PhabT|123}}\n"
	body := strings.Repeat(line, max(1, textSize/len(line)))
	for i := range n {
		_, err := fmt.Fprintf(w, `  <page>
    <title>Incidents/2024-01-%02d synthetic outage %d</title>
    <ns>0</ns>
    <id>%d</id>
    <revision>
      <id>%d</id>
      <timestamp>2024-02-01T00:00:00Z</timestamp>
      <contributor><username>Generator</username><id>1</id></contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="%d" xml:space="preserve">{{irdoc|status=final}}
== Summary ==
Page %d.
%s</text>
    </revision>
    <revision>
      <id>%d</id>
      <timestamp>2024-01-15T00:00:00Z</timestamp>
      <contributor><username>Generator</username><id>1</id></contributor>
      <text xml:space="preserve">an older draft</text>
    </revision>
  </page>
`, i%28+1, i, i+1, 2*i+2, len(body), i, body, 2*i+1)
		if err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "</mediawiki>\n")
	return err
}

// countingWriter counts what goes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// TestReadExportStreams reads a 2,000-page export of about 40 MB generated
// on the fly through a pipe, and checks that the heap never grows by more
// than a fraction of it: ReadExport holds a page at a time, not the
// export. Reading it whole would grow the heap by at least its size.
func TestReadExportStreams(t *testing.T) {
	const pages, textSize = 2000, 20 << 10
	pr, pw := io.Pipe()
	cw := &countingWriter{w: pw}
	written := make(chan struct{})
	go func() {
		defer close(written)
		pw.CloseWithError(syntheticExport(cw, pages, textSize))
	}()

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	err := ReadExport(pr, "pipe", func(p Page) error {
		if p.Problem != "" || p.RevisionID != int64(2*n+2) || !strings.Contains(p.Text, fmt.Sprintf("Page %d.", n)) {
			return fmt.Errorf("page %d: %q revision %d, problem %q", n, p.Title, p.RevisionID, p.Problem)
		}
		n++
		if n%20 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != pages {
		t.Fatalf("read %d pages, want %d", n, pages)
	}
	pr.Close() // the writer may still be writing the last newline
	<-written
	growth := int64(peak) - int64(base)
	t.Logf("export %.1f MB, peak heap growth %.1f MB", float64(cw.n)/1e6, float64(growth)/1e6)
	// The heap holds a page or two (20 KB each), the decoder's buffers and
	// the garbage of the pages before the next collection: a few MB at
	// Go's default GOGC. A quarter of the export leaves room for a loaded
	// machine's late collections while failing any reading of it whole.
	if limit := cw.n / 4; growth > limit {
		t.Errorf("heap grew by %d bytes reading a %d-byte export: more than %d, so the export is not streamed", growth, cw.n, limit)
	}
}

// BenchmarkReadExport reads a 1,000-page export of about 8 MB (pages of
// 8 KB, the size of a long incident report), the target for a
// whole import being 5 s.
func BenchmarkReadExport(b *testing.B) {
	var sb strings.Builder
	if err := syntheticExport(&sb, 1000, 8<<10); err != nil {
		b.Fatal(err)
	}
	export := sb.String()
	b.SetBytes(int64(len(export)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := ReadExport(strings.NewReader(export), "bench", func(Page) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != 1000 {
			b.Fatalf("%d pages", n)
		}
	}
}

// FuzzReadExport: no input makes ReadExport panic, and every page it
// passes on has a title and either text or no problem with it.
func FuzzReadExport(f *testing.F) {
	for name := range exportWants {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<mediawiki><page><title>A</title><revision><id>1</id><text deleted="deleted"/></revision></page></mediawiki>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range []func(io.Reader, string, func(Page) error) error{ReadExport, ExportTitles} {
			_ = read(strings.NewReader(string(data)), "fuzz.xml", func(p Page) error {
				if p.Title == "" {
					t.Errorf("a page without a title: %+v", p)
				}
				if p.Problem != "" && p.Text != "" {
					t.Errorf("page %q has both a problem and text", p.Title)
				}
				return nil
			})
		}
	})
}
