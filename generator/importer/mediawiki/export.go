package mediawiki

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ReadExport reads a MediaWiki XML export (Special:Export or a dump, any
// schema version from 0.3 to 0.11) and calls fn with each page in the
// order of the export, holding one page in memory at a time.
//
// A page may hold several revisions: the one with the latest timestamp is
// kept (the highest id among equal timestamps), whatever their order. Its
// text is Text; when that revision's text was deleted, is absent (a stub
// export) or is longer than MaxTextSize, the page is passed on with Problem
// set instead. A title seen a second time in the same export is passed on
// with a Problem naming the line of the first: nothing says which of the
// two is right. Redirect pages carry their target in Redirect.
//
// source names the export in messages and in Page.Source (the file's
// path). Errors name it with the line where reading stopped:
// "export.xml:120: page \"Incidents/x\": revision: timestamp: …". An error
// that fn returns stops the reading and is returned as it is.
func ReadExport(r io.Reader, source string, fn func(Page) error) error {
	return readExport(r, source, true, fn)
}

// ExportTitles reads an export as ReadExport does, but passes on each page
// without its text: the titles-only first pass of an import, which needs
// every title (and every redirect) before it converts links. It parses the
// same XML and so costs about as much time, but holds no text in memory.
// Problem is set as ReadExport would set it, except for a text that is too
// long, which only ReadExport measures.
func ExportTitles(r io.Reader, source string, fn func(Page) error) error {
	return readExport(r, source, false, fn)
}

// exportReader is the state of one pass over an export.
type exportReader struct {
	d        *xml.Decoder
	source   string
	withText bool
	seen     map[string]int // title → line of its <page>
}

func readExport(r io.Reader, source string, withText bool, fn func(Page) error) error {
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	d.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("the export is in %s: only UTF-8 exports are read, as MediaWiki writes them", charset)
	}
	er := &exportReader{d: d, source: source, withText: withText, seen: make(map[string]int)}
	root, err := er.root()
	if err != nil {
		return err
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return er.syntaxError(err, "<"+root+">")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "page" {
				// siteinfo, logitem and anything newer schemas add.
				if err := d.Skip(); err != nil {
					return er.syntaxError(err, "<"+t.Name.Local+">")
				}
				continue
			}
			page, err := er.page()
			if err != nil {
				return err
			}
			if err := fn(page); err != nil {
				return err
			}
		case xml.EndElement:
			// The root's end: anything after it is not read.
			return nil
		}
	}
}

// root reads up to the export's root element and checks that it is one.
func (er *exportReader) root() (string, error) {
	for {
		tok, err := er.d.Token()
		if err == io.EOF {
			return "", fmt.Errorf("%s: not a MediaWiki XML export: no <mediawiki> element", er.source)
		}
		if err != nil {
			return "", er.syntaxError(err, "")
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != "mediawiki" {
				return "", er.errorf("not a MediaWiki XML export: the root element is <%s>, not <mediawiki>", t.Name.Local)
			}
			return t.Name.Local, nil
		}
	}
}

// revision is one <revision> of a page, as far as it matters here.
type revision struct {
	id        int64
	timestamp time.Time
	text      string
	problem   string
	line      int
}

// newer reports whether r is a later revision than old: the later
// timestamp wins, then the higher id.
func (r *revision) newer(old *revision) bool {
	if old == nil {
		return true
	}
	if !r.timestamp.Equal(old.timestamp) {
		return r.timestamp.After(old.timestamp)
	}
	return r.id > old.id
}

// page reads one <page> element, its start tag just read.
func (er *exportReader) page() (Page, error) {
	line, _ := er.d.InputPos()
	p := Page{Source: er.source, Line: line}
	var last *revision
	revisions := 0
	for {
		tok, err := er.d.Token()
		if err != nil {
			return Page{}, er.syntaxError(err, "<page>")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "title":
				if p.Title, err = er.text(t, 0); err != nil {
					return Page{}, err
				}
			case "redirect":
				p.Redirect = attr(t, "title")
				if err := er.d.Skip(); err != nil {
					return Page{}, er.syntaxError(err, "<page>")
				}
			case "revision":
				rev, err := er.revision(p.Title)
				if err != nil {
					return Page{}, err
				}
				revisions++
				if rev.newer(last) {
					last = rev
				}
			default:
				// ns, id, restrictions, upload, discussionthreadinginfo…
				if err := er.d.Skip(); err != nil {
					return Page{}, er.syntaxError(err, "<page>")
				}
			}
		case xml.EndElement:
			p.Title = strings.TrimSpace(p.Title)
			if p.Title == "" {
				return Page{}, fmt.Errorf("%s:%d: page: no <title>", er.source, line)
			}
			if first, ok := er.seen[p.Title]; ok {
				p.Problem = fmt.Sprintf("the page appears a second time in the export (first at line %d): it is read once; export it once", first)
				return p, nil
			}
			er.seen[p.Title] = line
			if last == nil {
				p.Problem = "the export holds no revision of the page"
				return p, nil
			}
			p.RevisionID, p.Timestamp, p.Text, p.Problem = last.id, last.timestamp, last.text, last.problem
			return p, nil
		}
	}
}

// revision reads one <revision> element, its start tag just read. Only its
// own <id>, <timestamp> and <text> are read: a <contributor> has an <id>
// too, and schema 0.11 puts the text of other slots in <content><text>.
func (er *exportReader) revision(title string) (*revision, error) {
	rev := &revision{}
	rev.line, _ = er.d.InputPos()
	hasText := false
	where := func(field string) string { return fmt.Sprintf("page %q: revision: %s", title, field) }
	for {
		tok, err := er.d.Token()
		if err != nil {
			return nil, er.syntaxError(err, "<revision>")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "id":
				s, err := er.text(t, 0)
				if err != nil {
					return nil, err
				}
				if rev.id, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64); err != nil || rev.id < 0 {
					return nil, er.errorf("%s: %q is not a revision id", where("id"), s)
				}
			case "timestamp":
				s, err := er.text(t, 0)
				if err != nil {
					return nil, err
				}
				if rev.timestamp, err = time.Parse(time.RFC3339, strings.TrimSpace(s)); err != nil {
					return nil, er.errorf("%s: %q is not a timestamp such as 2025-03-31T02:58:00Z", where("timestamp"), s)
				}
			case "text":
				hasText = true
				if err := er.revisionText(t, rev); err != nil {
					return nil, err
				}
			default:
				if err := er.d.Skip(); err != nil {
					return nil, er.syntaxError(err, "<revision>")
				}
			}
		case xml.EndElement:
			if !hasText {
				rev.problem = fmt.Sprintf("the export holds no text for revision %d", rev.id)
			}
			return rev, nil
		}
	}
}

// revisionText reads a revision's <text> element into rev.
func (er *exportReader) revisionText(t xml.StartElement, rev *revision) error {
	if attr(t, "deleted") != "" {
		rev.problem = fmt.Sprintf("the text of revision %d was deleted", rev.id)
		return er.skip(t)
	}
	if !er.withText {
		// A stub's <text> has an id or a location and no content; the
		// titles pass does not read content, so it cannot tell.
		return er.skip(t)
	}
	s, err := er.text(t, MaxTextSize)
	var tooLong *textTooLongError
	switch {
	case errors.As(err, &tooLong):
		rev.problem = fmt.Sprintf("the text of revision %d is more than %d MiB, more than a report may hold", rev.id, MaxTextSize>>20)
		return nil
	case err != nil:
		return err
	}
	if s == "" && (attr(t, "location") != "" || attr(t, "id") != "") {
		rev.problem = fmt.Sprintf("the export holds no text for revision %d (a stub export: export the pages with their text)", rev.id)
		return nil
	}
	rev.text = s
	return nil
}

func (er *exportReader) skip(t xml.StartElement) error {
	if err := er.d.Skip(); err != nil {
		return er.syntaxError(err, "<"+t.Name.Local+">")
	}
	return nil
}

// textTooLongError says that an element's text went over the limit; the
// element was read to its end.
type textTooLongError struct{}

func (*textTooLongError) Error() string { return "text too long" }

// text reads the character data of the element whose start tag t was just
// read, up to its end tag. With limit > 0, text longer than limit bytes is
// not kept: the element is read to its end and a *textTooLongError
// returned. Elements inside are an error: the export's text elements have
// none.
func (er *exportReader) text(t xml.StartElement, limit int) (string, error) {
	var b strings.Builder
	tooLong := false
	for {
		tok, err := er.d.Token()
		if err != nil {
			return "", er.syntaxError(err, "<"+t.Name.Local+">")
		}
		switch c := tok.(type) {
		case xml.CharData:
			if tooLong {
				continue
			}
			if limit > 0 && b.Len()+len(c) > limit {
				tooLong = true
				b = strings.Builder{}
				continue
			}
			b.Write(c)
		case xml.StartElement:
			return "", er.errorf("<%s> inside <%s>: the export's text is escaped, it holds no elements", c.Name.Local, t.Name.Local)
		case xml.EndElement:
			if tooLong {
				return "", &textTooLongError{}
			}
			return b.String(), nil
		}
	}
}

// errorf returns an error naming the export and the line being read.
func (er *exportReader) errorf(format string, args ...any) error {
	line, _ := er.d.InputPos()
	return fmt.Errorf("%s:%d: %s", er.source, line, fmt.Sprintf(format, args...))
}

// syntaxError describes an error of the XML decoder, met inside the
// element named by within ("<page>"; empty before the root).
func (er *exportReader) syntaxError(err error, within string) error {
	line, _ := er.d.InputPos()
	offset := er.d.InputOffset()
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if within == "" {
			return fmt.Errorf("%s:%d: the export ends before its <mediawiki> element (byte %d)", er.source, line, offset)
		}
		return fmt.Errorf("%s:%d: the export ends inside %s (byte %d): is it cut short?", er.source, line, within, offset)
	case errors.As(err, &se):
		msg := se.Msg
		if strings.Contains(msg, "unexpected EOF") {
			return fmt.Errorf("%s:%d: the export ends inside %s (byte %d): is it cut short?", er.source, se.Line, within, offset)
		}
		return fmt.Errorf("%s:%d: XML syntax error (byte %d): %s", er.source, se.Line, offset, msg)
	default:
		// A read error of the underlying reader, or the charset refusal.
		return fmt.Errorf("%s:%d: reading the export (byte %d): %w", er.source, line, offset, err)
	}
}

// attr returns the value of the attribute named local, or "".
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
