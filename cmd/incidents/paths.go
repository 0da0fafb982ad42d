package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// folderFlag is a folder given on the command line: the flag's name, its
// value as typed, and whether the command writes into it.
type folderFlag struct {
	flag, value string
	writes      bool
}

// checkApart refuses folders that overlap: one the same as another, or
// inside it, in either direction. A build replaces --dest as a whole and
// deletes and rewrites what --cache-dir holds, so either one overlapping
// the content, the layouts or the other would destroy files that it
// did not write (a cache folder inside the output replaced the site's
// own search/; --dest . would be the folder of the reports). Two folders
// that are only read may overlap. Paths are compared after making them
// absolute and resolving "..", and symbolic links as far as the path
// exists, and existing folders are also compared by identity (a bind
// mount, a case-insensitive file system).
//
// allow, when it returns true for a pair, lets that pair be (serve's
// output is its own folder in the cache folder).
func checkApart(folders []folderFlag, allow func(a, b folderFlag, pa, pb string) bool) error {
	resolved := make([]string, len(folders))
	for i, f := range folders {
		p, err := resolvePath(f.value)
		if err != nil {
			return usageError{fmt.Sprintf("%s %s: %v", f.flag, f.value, err)}
		}
		resolved[i] = p
	}
	for i := range folders {
		for j := range folders {
			a, b := folders[i], folders[j]
			if i == j || (!a.writes && !b.writes) {
				continue
			}
			pa, pb := resolved[i], resolved[j]
			if !within(pa, pb) {
				continue
			}
			if allow != nil && allow(a, b, pa, pb) {
				continue
			}
			if within(pb, pa) {
				if i > j {
					continue // said once, for i < j
				}
				return usageError{fmt.Sprintf("%s %s and %s %s are the same folder (%s): give separate folders, neither inside the other",
					a.flag, quoteArg(a.value), b.flag, quoteArg(b.value), pa)}
			}
			return usageError{fmt.Sprintf("%s %s (%s) is inside %s %s (%s): give separate folders, neither inside the other, since %s",
				a.flag, quoteArg(a.value), pa, b.flag, quoteArg(b.value), pb, whyApart(a, b))}
		}
	}
	return nil
}

// whyApart says what would go wrong if the folder of a were inside b's.
func whyApart(a, b folderFlag) string {
	w := a
	if b.writes {
		w = b
	}
	switch w.flag {
	case "--dest":
		return "the build replaces --dest as a whole"
	case "--cache-dir":
		return "incidents deletes and rewrites what --cache-dir holds"
	}
	return w.flag + " is written"
}

func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// resolvePath makes p absolute and resolves it as the system would: each
// "..", and each symbolic link, in the part of the path that exists. The
// part that does not exist yet cannot hold a link, and is cleaned as
// written.
func resolvePath(p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("empty path")
	}
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		// Not filepath.Join, which would clean "link/.." away before
		// the link is followed.
		p = wd + string(filepath.Separator) + p
	}
	// The longest prefix that exists is resolved by the system's rules
	// (filepath.EvalSymlinks follows each link before the ".." after it).
	parts := strings.Split(p, string(filepath.Separator))
	for n := len(parts); n > 0; n-- {
		prefix := strings.Join(parts[:n], string(filepath.Separator))
		if prefix == "" {
			prefix = string(filepath.Separator)
		}
		real, err := filepath.EvalSymlinks(prefix)
		if err != nil {
			continue
		}
		return filepath.Join(append([]string{real}, parts[n:]...)...), nil
	}
	return filepath.Clean(p), nil
}

// within reports whether the folder a is b or inside it.
func within(a, b string) bool {
	if a == b || b == string(filepath.Separator) || strings.HasPrefix(a, b+string(filepath.Separator)) {
		return true
	}
	// Where both exist, compare identities too: a path of a's may reach
	// b's folder under another name.
	bi, err := os.Stat(b)
	if err != nil {
		return false
	}
	for p := a; ; p = filepath.Dir(p) {
		if pi, err := os.Stat(p); err == nil && os.SameFile(pi, bi) {
			return true
		}
		if parent := filepath.Dir(p); parent == p {
			return false
		}
	}
}
