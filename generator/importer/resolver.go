package importer

import (
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Resolver finds the report a link to another page means. It knows the
// ids of the archive's reports and of the pages being imported (with the
// titles they came from), and resolves a link's title to an id:
//
//   - a title it was given (Add), compared without case of the first
//     letter and with underscores as spaces, as the wiki compares titles;
//   - a title whose id (IDFor) is a known id;
//   - otherwise, tolerantly, the one known id of the same date that shares
//     most of the title's words (at least half of the words of each): real
//     pages link to titles that were since renamed ("sessionstore quorum
//     issue" for "sessionstore quorum issues"). Two equally good
//     candidates resolve to neither.
//
// It is safe for concurrent use once filled.
type Resolver struct {
	// IDFor is the id a title gives, as the importer of the pages makes
	// ids (wiki.IDFromTitle); ok is false when the title names no report.
	IDFor func(title string) (id string, ok bool)

	titles map[string]string   // normalized title → id
	ids    map[string]bool     // every known id
	byDate map[string][]string // date (first 10 bytes) → ids

	mu     sync.Mutex
	approx map[string]string // title → id, resolved by likeness
}

// NewResolver returns an empty Resolver that makes ids with idFor.
func NewResolver(idFor func(title string) (string, bool)) *Resolver {
	return &Resolver{IDFor: idFor, titles: map[string]string{}, ids: map[string]bool{}, byDate: map[string][]string{}, approx: map[string]string{}}
}

// Add records that the page title becomes the report id.
func (r *Resolver) Add(title, id string) {
	r.titles[normalizeTitle(title)] = id
	r.AddID(id)
}

// AddRedirect records that the page title redirects to the page target:
// a link to the title means target's report.
func (r *Resolver) AddRedirect(title, target string) {
	if id, ok := r.Resolve(target); ok {
		r.titles[normalizeTitle(title)] = id
	}
}

// AddID records an id of the archive.
func (r *Resolver) AddID(id string) {
	if id == "" || r.ids[id] {
		return
	}
	r.ids[id] = true
	if len(id) >= 10 {
		r.byDate[id[:10]] = append(r.byDate[id[:10]], id)
	}
}

// Known reports whether id is an id of the archive or of the import.
func (r *Resolver) Known(id string) bool { return r.ids[id] }

// Resolve returns the id of the report the title links to.
func (r *Resolver) Resolve(title string) (string, bool) {
	title, _, _ = strings.Cut(title, "#") // a section of the page
	if id, ok := r.titles[normalizeTitle(title)]; ok {
		return id, true
	}
	if r.IDFor == nil {
		return "", false
	}
	id, ok := r.IDFor(strings.TrimSpace(title))
	if !ok {
		return "", false
	}
	if r.ids[id] {
		return id, true
	}
	if len(id) < 10 {
		return "", false
	}
	best, bestScore, tie := "", 0.0, false
	want := words(id[10:])
	for _, cand := range r.byDate[id[:10]] {
		s := likeness(want, words(cand[10:]))
		switch {
		case s > bestScore:
			best, bestScore, tie = cand, s, false
		case s == bestScore:
			tie = true
		}
	}
	if best == "" || tie || bestScore < 0.5 {
		return "", false
	}
	r.mu.Lock()
	r.approx[title] = best
	r.mu.Unlock()
	return best, true
}

// Approximate returns the titles resolved by likeness, with their ids,
// for a person to check.
func (r *Resolver) Approximate() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.approx))
	for k, v := range r.approx {
		out[k] = v
	}
	return out
}

// normalizeTitle compares titles as MediaWiki does: underscores are
// spaces, runs of spaces are one, and the first letter's case does not
// count.
func normalizeTitle(t string) string {
	t = strings.Join(strings.Fields(strings.ReplaceAll(t, "_", " ")), " ")
	for i, r := range t {
		return string(unicode.ToUpper(r)) + t[i+len(string(r)):]
	}
	return t
}

// words are the lower-cased words of s, without a plural "s".
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) > 3 {
			w = strings.TrimSuffix(w, "s")
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// likeness is the share of words a and b have in common, the smaller of
// the two shares: 1 for the same words, 0 for none in common.
func likeness(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			common++
		}
	}
	return min(float64(common)/float64(len(a)), float64(common)/float64(len(b)))
}
