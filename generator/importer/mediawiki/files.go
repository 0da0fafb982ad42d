package mediawiki

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// wikitextExtensions are the file name endings of raw wikitext files.
var wikitextExtensions = []string{".wiki", ".wikitext", ".mediawiki", ".txt"}

// IsWikitextFile reports whether name ends as a file of raw wikitext does:
// .wiki, .wikitext, .mediawiki or .txt, in any case.
func IsWikitextFile(name string) bool {
	return wikitextExt(name) != ""
}

func wikitextExt(name string) string {
	lower := strings.ToLower(name)
	for _, ext := range wikitextExtensions {
		if strings.HasSuffix(lower, ext) {
			return name[len(name)-len(ext):]
		}
	}
	return ""
}

// ReadFiles reads files of raw wikitext and calls fn with each as a page
// whose title is the file's name (see TitleFromFileName). Each path is a
// file, or a directory walked for wikitext files (IsWikitextFile; names
// starting with a dot are skipped), in the order given, a directory's files
// sorted by path. Page.Source is the file's path, RevisionID is 0 and
// Timestamp zero: a file's modification time says nothing of its content.
//
// A file whose text is a redirect ("#REDIRECT [[Target]]", as a page
// saved from the wiki holds it) is passed on with Redirect set, as the
// other sources pass on redirect pages.
//
// A file that cannot be read, is not UTF-8 or is longer than MaxTextSize is
// passed on with Problem set, and so is a second file whose name gives the
// same title as an earlier one; the other files are read. A byte order mark
// is dropped and CRLF line ends become LF, as MediaWiki stores text. A path
// that does not exist, a named file that is not a wikitext file, or a
// directory without any are errors, all reported together before any file
// is read. An error that fn returns stops the reading and is returned as
// it is.
func ReadFiles(paths []string, fn func(Page) error) error {
	return readFiles(paths, true, fn)
}

// FileTitles lists the pages that ReadFiles would read, without reading
// their text: the titles-only first pass of an import. Problem is set only
// for a title seen twice. Redirect is set as ReadFiles sets it (only the
// start of each file is read for it).
func FileTitles(paths []string, fn func(Page) error) error {
	return readFiles(paths, false, fn)
}

func readFiles(paths []string, withText bool, fn func(Page) error) error {
	files, err := wikitextFiles(paths)
	if err != nil {
		return err
	}
	seen := make(map[string]string) // title → path of the first file
	for _, path := range files {
		p := Page{Title: TitleFromFileName(filepath.Base(path)), Source: path}
		switch first, dup := seen[p.Title]; {
		case p.Title == "":
			p.Problem = "the file's name gives no page title"
		case dup:
			p.Problem = fmt.Sprintf("the file's name gives the same title as %s: one of the two is read", first)
		default:
			seen[p.Title] = path
			if withText {
				p.Text, p.Problem = readWikitextFile(path)
				p.Redirect = RedirectTarget(p.Text)
			} else {
				p.Redirect = fileRedirect(path)
			}
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// wikitextFiles expands paths into the wikitext files to read, each once.
func wikitextFiles(paths []string) ([]string, error) {
	var files []string
	var errs []error
	listed := make(map[string]bool)
	add := func(path string) {
		key := path
		if abs, err := filepath.Abs(path); err == nil {
			key = abs
		}
		if !listed[key] {
			listed[key] = true
			files = append(files, path)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", root, describePathError(err)))
			continue
		}
		if !info.IsDir() {
			if !IsWikitextFile(root) {
				errs = append(errs, fmt.Errorf("%s: not a file of wikitext: its name should end in .wiki or .txt (or .wikitext, .mediawiki)", root))
				continue
			}
			add(root)
			continue
		}
		var found []string
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", path, describePathError(err)))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if path != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !IsWikitextFile(d.Name()) {
				return nil
			}
			if !d.Type().IsRegular() {
				// A symbolic link to a file is read, one that leads nowhere
				// is reported when read; a link to anything else is not
				// a page.
				if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
					return nil
				}
			}
			found = append(found, path)
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", root, err))
			continue
		}
		if len(found) == 0 {
			errs = append(errs, fmt.Errorf("%s: no files of wikitext (.wiki, .txt, .wikitext, .mediawiki) in this directory", root))
			continue
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return files, errors.Join(errs...)
}

// describePathError drops the path that fs errors repeat, the caller
// having named it already.
func describePathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return errors.New("no such file or directory")
		}
		return pe.Err
	}
	return err
}

// readWikitextFile returns a file's text, or why it cannot be a page's.
func readWikitextFile(path string) (text, problem string) {
	f, err := os.Open(path)
	if err != nil {
		return "", "the file cannot be read: " + describePathError(err).Error()
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxTextSize+int64(len(utf8BOM))+1))
	if err != nil {
		return "", "the file cannot be read: " + describePathError(err).Error()
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(data) > MaxTextSize {
		return "", fmt.Sprintf("the file is more than %d MiB, more than a report may hold", MaxTextSize>>20)
	}
	if !utf8.Valid(data) {
		at := invalidUTF8At(data)
		line := 1 + bytes.Count(data[:at], []byte("\n"))
		return "", fmt.Sprintf("the file is not valid UTF-8 (line %d, byte %d): save it as UTF-8", line, at+1)
	}
	return strings.ReplaceAll(string(data), "\r\n", "\n"), ""
}

var utf8BOM = []byte("\xef\xbb\xbf")

// invalidUTF8At returns the offset of the first byte that is not part of
// valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// TitleFromFileName returns the page title that a wikitext file's name
// gives: the name without its extension, with %XX escapes decoded (so
// "%2F" gives the "/" that file names cannot hold, as in
// "Incidents%2F2025-03-31 sessionstore unavailability.wiki") and
// underscores read as spaces, runs of spaces as one and none at either end,
// as MediaWiki reads titles. Escapes that would not give UTF-8 are kept as
// written.
func TitleFromFileName(name string) string {
	name = strings.TrimSuffix(name, wikitextExt(name))
	if decoded, ok := percentDecode(name); ok {
		name = decoded
	}
	name = strings.ReplaceAll(name, "_", " ")
	return strings.Join(strings.Fields(name), " ")
}

// percentDecode decodes %XX escapes; a % not followed by two hex digits is
// kept. It reports false when the result is not UTF-8.
func percentDecode(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	out := b.String()
	return out, utf8.ValidString(out)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// redirectLine matches the start of a redirect page's text: "#REDIRECT
// [[Target]]", "#redirect: [[Target|text]]", "#REDIRECT [[Target#Section]]".
var redirectLine = regexp.MustCompile(`(?i)^\s*#REDIRECT\s*:?\s*\[\[([^\]|#\n]*)`)

// RedirectTarget returns the title a page's text redirects to, without
// its section; "" when the text is not a redirect. Only the English magic
// word is known.
func RedirectTarget(text string) string {
	m := redirectLine.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(m[1], "_", " ")), " ")
}

// fileRedirect reads the start of a wikitext file for a redirect; "" when
// it is none or cannot be read (ReadFiles reports that).
func fileRedirect(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 1024)
	n, _ := io.ReadFull(f, buf)
	return RedirectTarget(string(bytes.TrimPrefix(buf[:n], utf8BOM)))
}
