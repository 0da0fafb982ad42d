// Package diag describes problems found in content: each one names the file,
// the line and the field it concerns, so that a person can go straight to it.
//
// Loading never stops at the first problem. Every stage appends to a List and
// the caller decides, once all content has been read, whether errors occurred.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a problem stops the build.
type Severity int

const (
	// Error problems make the build fail.
	Error Severity = iota
	// Warning problems are reported but the build goes on.
	Warning
)

// Diagnostic is one problem in one place.
type Diagnostic struct {
	Severity Severity
	Path     string // file path as the user knows it (relative to the content folder's parent where possible)
	Line     int    // 1-based; 0 when the problem concerns the whole file
	Field    string // front-matter key such as "end" or "actionables[2].status"; empty for whole-file problems
	Message  string
}

// String formats the diagnostic as path:line: field: message, the form
// editors and CI annotations recognise.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Path)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return Printable(b.String())
}

// Printable writes control and direction-control characters as \u escapes:
// a diagnostic quotes what a file holds (a key, a value) and is printed on
// a terminal or in a CI log, where an escape sequence could repaint the
// screen, and it must stay on one line. Every other form of a diagnostic
// (String, GitHub annotations) goes through it.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unprintable(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unprintable(r rune) bool {
	return (r < 0x20 && r != '\t') || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// List collects diagnostics. The zero value is ready to use. It is not safe
// for concurrent use; parallel stages keep a List each and Merge them.
type List struct {
	items []Diagnostic
}

// Errorf records an error.
func (l *List) Errorf(path string, line int, field, format string, args ...any) {
	l.items = append(l.items, Diagnostic{Severity: Error, Path: path, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Warnf records a warning.
func (l *List) Warnf(path string, line int, field, format string, args ...any) {
	l.items = append(l.items, Diagnostic{Severity: Warning, Path: path, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Add records d as it is.
func (l *List) Add(d Diagnostic) { l.items = append(l.items, d) }

// AddAll records each of ds as it is.
func (l *List) AddAll(ds []Diagnostic) { l.items = append(l.items, ds...) }

// Grow makes room for n more diagnostics, so that adding them does not
// copy the list again and again.
func (l *List) Grow(n int) { l.items = slices.Grow(l.items, n) }

// Merge appends every diagnostic of other.
func (l *List) Merge(other *List) {
	if other != nil {
		l.items = append(l.items, other.items...)
	}
}

// All returns the diagnostics sorted by path, line and message, so that
// output is stable whatever order parallel workers finished in.
func (l *List) All() []Diagnostic {
	out := slices.Clone(l.items)
	slices.SortStableFunc(out, compareDiagnostics)
	return out
}

// compareDiagnostics orders diagnostics by path, line, field and message.
func compareDiagnostics(a, b Diagnostic) int {
	if c := strings.Compare(a.Path, b.Path); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	if c := strings.Compare(a.Field, b.Field); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

// Errors returns only the errors, sorted.
func (l *List) Errors() []Diagnostic { return l.filter(Error) }

// Warnings returns only the warnings, sorted.
func (l *List) Warnings() []Diagnostic { return l.filter(Warning) }

// filter returns the diagnostics of severity s, sorted as All sorts them:
// a large archive has hundreds of thousands of warnings, which are
// counted, copied and sorted once.
func (l *List) filter(s Severity) []Diagnostic {
	n := 0
	for _, d := range l.items {
		if d.Severity == s {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Diagnostic, 0, n)
	for _, d := range l.items {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, compareDiagnostics)
	return out
}

// HasErrors reports whether any error was recorded.
func (l *List) HasErrors() bool {
	for _, d := range l.items {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Items returns the diagnostics in the order they were recorded.
func (l *List) Items() []Diagnostic { return append([]Diagnostic(nil), l.items...) }

// Len is the number of diagnostics recorded.
func (l *List) Len() int { return len(l.items) }

// ContentError is returned by a build whose content has errors. It carries
// every diagnostic, warnings included, so the caller can print them all.
type ContentError struct {
	Diagnostics []Diagnostic
}

func (e *ContentError) Error() string {
	n := 0
	for _, d := range e.Diagnostics {
		if d.Severity == Error {
			n++
		}
	}
	if n == 1 {
		return "content has 1 error"
	}
	return fmt.Sprintf("content has %d errors", n)
}

// Suggest returns the candidate closest to word by edit distance, or "" when
// none is close enough to be a plausible typo.
func Suggest(word string, candidates []string) string {
	if len(word) > maxSuggestLen {
		return "" // no typo is that long, and the distance costs len(word) per candidate
	}
	best, bestDist := "", -1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := editDistance(lw, strings.ToLower(c))
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	limit := 2
	if len(word) > 8 {
		limit = 3
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// maxSuggestLen bounds the words Suggest compares.
const maxSuggestLen = 64

// DidYouMean formats a suggestion as a suffix for a message, or "".
func DidYouMean(word string, candidates []string) string {
	if s := Suggest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, on bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
