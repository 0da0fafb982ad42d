// Package docs holds the project's guides. Its only Go file is this test,
// which keeps the guides' links from rotting as sections move between
// files: every relative link in README.md, SECURITY.md and docs/*.md must
// name a file or folder that exists, and every #anchor a heading of the
// file it points into.
package docs

import (
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// guides lists the Markdown files whose links are checked, relative to
// this folder.
func guides(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no guides in docs/")
	}
	return append([]string{"../README.md", "../SECURITY.md"}, files...)
}

var (
	// link matches an inline link or image, capturing its destination.
	link = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	// codeSpan matches inline code, whose text is not Markdown.
	codeSpan = regexp.MustCompile("(`+)[^`]+(`+)")
	heading  = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
)

// outsideFences yields the lines of a Markdown file outside fenced code
// blocks, each with its 0-based index.
func outsideFences(text string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		fence := ""
		for i, line := range strings.Split(text, "\n") {
			trimmed := strings.TrimSpace(line)
			if fence != "" {
				if strings.HasPrefix(trimmed, fence) {
					fence = ""
				}
				continue
			}
			if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
				fence = trimmed[:3]
				continue
			}
			if !yield(i, line) {
				return
			}
		}
	}
}

// prose returns the lines of a Markdown file outside fenced code blocks,
// each with its 1-based line number, with inline code removed.
func prose(text string) (lines []string, numbers []int) {
	for i, line := range outsideFences(text) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(line, "    ") && !strings.HasPrefix(trimmed, "-") && !strings.HasPrefix(trimmed, "|") {
			continue // an indented code block, or a list item's continuation
		}
		lines = append(lines, codeSpan.ReplaceAllString(line, ""))
		numbers = append(numbers, i+1)
	}
	return lines, numbers
}

// anchors returns the anchors GitHub gives the headings of a Markdown
// file: lower case, punctuation dropped, spaces as hyphens, and "-1",
// "-2"… after a heading's text repeats.
func anchors(text string) []string {
	var out []string
	seen := map[string]int{}
	for _, line := range outsideFences(text) {
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		a := slug(m[1])
		if n := seen[a]; n > 0 {
			seen[a]++
			a += "-" + strconv.Itoa(n)
		} else {
			seen[a] = 1
		}
		out = append(out, a)
	}
	return out
}

func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"Live preview", "live-preview"},
		{"incidents check", "incidents-check"},
		{"`incidents repeats`", "incidents-repeats"},
		{"On a pull request: is a new report a repeat?", "on-a-pull-request-is-a-new-report-a-repeat"},
		{"/api/search", "apisearch"},
		{"2026-12-02 — issue 13 (hardening, round 2)", "2026-12-02--issue-13-hardening-round-2"},
	} {
		if got := slug(tc.title); got != tc.want {
			t.Errorf("slug(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
	text := "# A\n```\n# not a heading\n```\n## A\n## B\n"
	if got, want := anchors(text), []string{"a", "a-1", "b"}; !slices.Equal(got, want) {
		t.Errorf("anchors = %q, want %q", got, want)
	}
}

// TestLinksResolve checks every relative link of the guides.
func TestLinksResolve(t *testing.T) {
	cache := map[string][]string{} // file → its anchors
	anchorsOf := func(path string) ([]string, error) {
		if a, ok := cache[path]; ok {
			return a, nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		cache[path] = anchors(string(data))
		return cache[path], nil
	}
	checked := 0
	for _, file := range guides(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines, numbers := prose(string(data))
		for i, line := range lines {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				dest := m[1]
				if strings.Contains(dest, "://") || strings.HasPrefix(dest, "mailto:") {
					continue
				}
				checked++
				where := file + ":" + strconv.Itoa(numbers[i])
				target, fragment, _ := strings.Cut(dest, "#")
				path := file
				if target != "" {
					path = filepath.Join(filepath.Dir(file), filepath.FromSlash(target))
					if _, err := os.Stat(path); err != nil {
						t.Errorf("%s: link %q: no such file or folder %s", where, dest, path)
						continue
					}
				}
				if fragment == "" {
					continue
				}
				if !strings.HasSuffix(path, ".md") {
					t.Errorf("%s: link %q: an anchor into a file that is not Markdown", where, dest)
					continue
				}
				list, err := anchorsOf(path)
				if err != nil {
					t.Errorf("%s: link %q: %v", where, dest, err)
					continue
				}
				if !slices.Contains(list, fragment) {
					t.Errorf("%s: link %q: %s has no heading with the anchor %q (it has %s)", where, dest, path, fragment, strings.Join(list, ", "))
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d relative links found; is the link pattern broken?", checked)
	}
}

// TestReadmeIsShort: the README is for a user's first ten minutes; the
// details belong in docs/ (issue 16 asks for under 150 lines).
func TestReadmeIsShort(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n >= 150 {
		t.Errorf("README.md has %d lines; keep it under 150 and move the details into docs/", n)
	}
}
