// Package incident defines an incident report as the archive understands
// it, and decodes one report file into it.
//
// A report is a Markdown file whose front matter follows the content model
// (id, title and start required; everything else optional, because the
// oldest reports in real archives have nothing more). Decoding checks every
// field on its own and reports every problem with its file, line and key;
// checks that need the whole archive (duplicate ids, references to other
// reports) belong to package archive.
package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Status is the editorial state of a report.
type Status string

// The report states. Drafts are left out of the site unless asked for.
const (
	Draft  Status = "draft"
	Review Status = "review"
	Final  Status = "final"
)

// Statuses lists the valid states in order.
var Statuses = []string{string(Draft), string(Review), string(Final)}

// Detections are the ways an incident can be noticed.
var Detections = []string{"automated", "human"}

// Triggers are what set an incident off.
var Triggers = []string{"deploy", "config-change", "upgrade", "traffic", "hardware", "network", "dependency", "expiry", "other"}

// FailureModes are how the system failed, as the incident-response guide
// classifies outages.
var FailureModes = []string{"fast-fail", "overload", "slow-backend", "degraded", "data-loss"}

// ActionStatuses are the states of an action item.
var ActionStatuses = []string{"open", "done", "declined"}

// Answer values of the scorecard.
const (
	Yes = "yes"
	No  = "no"
	NA  = "n/a"
)

// Incident is one report.
type Incident struct {
	ID              string         `json:"id"`
	Slug            string         `json:"slug"`
	Title           string         `json:"title"`
	Status          Status         `json:"status"`
	Task            string         `json:"task,omitempty"`
	Start           time.Time      `json:"start"`
	End             time.Time      `json:"end,omitzero"`
	Detected        time.Time      `json:"detected,omitzero"`
	Detection       string         `json:"detection,omitempty"`
	Paged           *int64         `json:"paged,omitempty"`
	PagedAfterHours *int64         `json:"paged_after_hours,omitempty"`
	Responders      []string       `json:"responders,omitempty"`
	Coordinators    []string       `json:"coordinators,omitempty"`
	Services        []string       `json:"services,omitempty"`
	Sites           []string       `json:"sites,omitempty"`
	SLOs            []string       `json:"slos,omitempty"`
	Impact          string         `json:"impact,omitempty"`
	RequestsFailed  *int64         `json:"requests_failed,omitempty"`
	Trigger         string         `json:"trigger,omitempty"`
	Causes          []string       `json:"causes,omitempty"`
	FailureMode     string         `json:"failure_mode,omitempty"`
	Related         []string       `json:"related,omitempty"`
	RepeatOf        []string       `json:"repeat_of,omitempty"`
	Actionables     []Actionable   `json:"actionables,omitempty"`
	Scorecard       []ScoredAnswer `json:"scorecard,omitempty"`
	// ImportedFrom names the source 'incidents import' read the report
	// from: "wiki: TITLE @ REVISION" or a file's path. It is provenance
	// for the archive's keepers: exported in incidents.json, not shown on
	// the report's page.
	ImportedFrom string `json:"imported_from,omitempty"`

	// Computed from the fields above.
	Duration time.Duration `json:"-"`
	TTD      time.Duration `json:"-"`
	Score    Score         `json:"score"`

	// Where the report came from: Path as diagnostics name it (with the
	// content folder), File relative to the content folder.
	Path     string `json:"-"`
	File     string `json:"source"`
	Body     []byte `json:"-"`
	BodyLine int    `json:"-"`
	// Digest identifies the file the report was decoded from: a hash of
	// File and of its bytes, set by the archive's loader (zero for a
	// report decoded otherwise). Two reports with one digest hold the same
	// fields, under the same site.yaml.
	Digest [16]byte `json:"-"`
	// FieldsDigest identifies the file's front matter: a hash of File and
	// of the bytes before the body (of the whole file when the body is
	// not found at its end), set when the report is decoded and kept in
	// the build cache's record of it. Two reports with one fields digest
	// hold the same fields, under the same site.yaml, whatever their
	// bodies say: the list pages, term pages and feeds, which show
	// reports' fields and not their bodies, are keyed by it.
	FieldsDigest [16]byte `json:"-"`
	// lines holds the file line of each front-matter key, "" for the
	// front matter's opening delimiter, sorted by key: a slice, not a
	// map, since a map of some 25 keys took about four times the memory
	// and every report of the archive keeps one to the end of a build.
	lines   []keyLine
	bad     []string     // keys whose values could not be decoded
	foreign []foreignKey // keys other site generators use, with hints
}

// Actionable is a follow-up action item.
type Actionable struct {
	Title  string `json:"title"`
	Task   string `json:"task,omitempty"`
	Owner  string `json:"owner,omitempty"`
	Status string `json:"status"`
	// Line is the file line the item starts on.
	Line int `json:"-"`
}

// ScoredAnswer is a report's answer to one scorecard question.
type ScoredAnswer struct {
	Key    string `json:"key"`
	Answer string `json:"answer"` // yes, no or n/a
	Note   string `json:"note,omitempty"`
	// Line is the file line of the answer's key.
	Line int `json:"-"`
}

// Score counts a report's scorecard answers.
type Score struct {
	Yes      int `json:"yes"`
	Answered int `json:"answered"` // yes or no; n/a does not count
}

// HasEnd reports whether the incident has ended.
func (in *Incident) HasEnd() bool { return !in.End.IsZero() }

// URLPath is the path of the report's page under the site root, as the
// site links it: "incidents/", the slug percent-encoded, and a slash.
func (in *Incident) URLPath() string { return "incidents/" + url.PathEscape(in.Slug) + "/" }

// TaskURL links a task id through tmpl, site.yaml's task_url, whose
// "{task}" it replaces; "" when tmpl is not an http or https URL or task
// is not a task id (site.yaml is checked; this guards the HTML against
// any other source).
func TaskURL(tmpl, task string) string {
	if !TaskPattern.MatchString(task) || !(strings.HasPrefix(tmpl, "https://") || strings.HasPrefix(tmpl, "http://")) {
		return ""
	}
	return strings.ReplaceAll(tmpl, "{task}", url.PathEscape(task))
}

// Year is the calendar year (UTC) the incident started in.
func (in *Incident) Year() int { return in.Start.Year() }

// Answer returns the report's answer to the scorecard question key.
func (in *Incident) Answer(key string) (ScoredAnswer, bool) {
	for _, a := range in.Scorecard {
		if a.Key == key {
			return a, true
		}
	}
	return ScoredAnswer{}, false
}

// Line returns the file line of a front-matter key, or the line of the
// front matter's opening delimiter when the key is absent.
func (in *Incident) Line(key string) int {
	if l, ok := in.lineOf(key); ok {
		return l
	}
	l, _ := in.lineOf("")
	return l
}

// keyLine is the file line of a front-matter key.
type keyLine struct {
	key  string
	line int
}

// lineOf is the line of key, and whether the front matter has it.
func (in *Incident) lineOf(key string) (int, bool) {
	i, ok := slices.BinarySearchFunc(in.lines, key, func(kl keyLine, key string) int { return strings.Compare(kl.key, key) })
	if !ok {
		return 0, false
	}
	return in.lines[i].line, true
}

// has reports whether the front matter has key.
func (in *Incident) has(key string) bool {
	_, ok := in.lineOf(key)
	return ok
}

// OpenActionables returns the action items still open.
func (in *Incident) OpenActionables() []Actionable {
	var out []Actionable
	for _, a := range in.Actionables {
		if a.Status == "open" {
			out = append(out, a)
		}
	}
	return out
}

// Slugify turns an incident id or a term into the path segment used in
// permalinks: "2026-02-23 ml-serve" becomes "2026-02-23-ml-serve",
// "José García" "jose-garcia" and "障害 東京" "障害-東京".
//
// The rules, chosen so that a slug is readable in the browser's address bar
// (which shows the percent-encoded UTF-8 as text), stable, and safe as one
// file name on every file system:
//   - compatibility forms are unified first (NFKD: full-width "Ａ" is "a",
//     "ﬁ" is "fi", "²" is "2") and everything is lowercased;
//   - letters and decimal digits of every script are kept; the marks that
//     belong to a letter are kept with it (Devanagari vowel signs, Japanese
//     voicing marks), except on Latin and Greek letters, whose diacritics
//     are dropped so that "José" and "Jose" give the same slug, and the
//     diaeresis of the Cyrillic "ё", which Russian text often leaves out; a
//     few Latin letters without a decomposition are spelled out ("ß" is
//     "ss", "ø" is "o", "æ" is "ae");
//   - invisible characters (zero-width spaces and joiners, bidi controls,
//     variation selectors, soft hyphens) are dropped;
//   - every other run of characters (spaces, punctuation, symbols, emoji,
//     control characters, "/" and ".") becomes one hyphen, and hyphens at
//     either end are trimmed;
//   - the result is NFC, and at most MaxSlugChars characters and
//     MaxSlugBytes bytes long, cut at a hyphen where one is in the second
//     half, and never inside a letter's marks.
//
// The result therefore holds only letters, marks, digits and single inner
// hyphens: no "/", ".", "..", control or invisible characters. It is ""
// when s has no letter or digit; see SlugOr for a slug in that case.
// Slugify is idempotent: a slug is its own slug.
func Slugify(s string) string {
	slug, _ := slugify(s)
	return slug
}

// SlugIsCut reports whether Slugify(s) had to be cut to its bounds, so
// that two ids alike in their first MaxSlugChars characters share a slug.
func SlugIsCut(s string) bool {
	_, cut := slugify(s)
	return cut
}

func slugify(s string) (slug string, cut bool) {
	var b strings.Builder
	hyphen := false // a separator is pending
	keepMarks := false
	var prev rune       // the last letter or digit written
	ascii := isASCII(s) // ASCII is its own NFKD and NFC: skip both
	text := s
	if !ascii {
		// Invalid bytes are separators; norm would pass them through and
		// leave the text after them undecomposed.
		text = norm.NFKD.String(strings.ToValidUTF8(s, "\uFFFD"))
	}
	b.Grow(min(len(text), 4*MaxSlugBytes))
	for _, r := range text {
		if r < utf8.RuneSelf {
			// The common case, without tables: ASCII letters and digits
			// are kept, anything else in ASCII separates.
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				if hyphen && b.Len() > 0 {
					b.WriteByte('-')
				}
				hyphen, prev, keepMarks = false, r, false
				b.WriteByte(byte(r))
			} else {
				hyphen, prev, keepMarks = true, 0, false
			}
			if b.Len() > 4*MaxSlugBytes {
				break
			}
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case invisible(r):
			continue
		case unicode.Is(unicode.M, r):
			if keepMarks && !(prev == 'е' && r == '\u0308') {
				b.WriteRune(r)
			} else if prev == 0 {
				hyphen = true // a mark on nothing kept separates like a symbol
			}
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			if f, ok := fold[r]; ok {
				b.WriteString(f)
			} else {
				if r == 'ς' {
					r = 'σ' // the final sigma is a sigma
				}
				b.WriteRune(r)
			}
			prev = r
			keepMarks = unicode.IsLetter(r) && !unicode.In(r, unicode.Latin, unicode.Greek)
		default:
			hyphen, prev, keepMarks = true, 0, false
		}
		if b.Len() > 4*MaxSlugBytes {
			break // far more than will be kept
		}
	}
	if ascii {
		return cutSlug(b.String())
	}
	return cutSlug(norm.NFC.String(b.String()))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Bounds of a slug. A slug is one folder name of the site (and 14 more
// bytes with "/index.html" in a path); file systems allow 255 bytes in a
// name, some encrypted ones about 140.
const (
	MaxSlugChars = 80
	MaxSlugBytes = 120
)

// cutSlug trims hyphens at either end of s and cuts it to the bounds, at a
// hyphen where one is in the second half, and otherwise before a letter
// rather than between a letter and its marks.
func cutSlug(s string) (string, bool) {
	s = strings.Trim(s, "-")
	if len(s) <= MaxSlugBytes && utf8.RuneCountInString(s) <= MaxSlugChars {
		return s, false
	}
	end, n := 0, 0
	for i, r := range s {
		if n == MaxSlugChars || i+utf8.RuneLen(r) > MaxSlugBytes {
			break
		}
		end, n = i+utf8.RuneLen(r), n+1
	}
	cut := s[:end]
	if i := strings.LastIndexByte(cut, '-'); i > len(cut)/2 {
		return cut[:i], true
	}
	// Back off to the start of the last letter when the cut fell among
	// its marks, or just after it.
	for end < len(s) && end > 0 {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if !unicode.Is(unicode.M, r) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(s[:end])
		end -= size
	}
	return strings.TrimRight(s[:end], "-"), true
}

// invisible reports whether r is a character that shows nothing: format
// characters (zero-width space and joiners, bidi controls, soft hyphen)
// and variation selectors.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		r == '\u034f' || (r >= '\u115f' && r <= '\u1160') || r == '\u3164' || r == '\uffa0'
}

// SlugOr is Slugify(s), or, when s has no letter or digit (only emoji or
// symbols), prefix, a hyphen and eight hex digits of the SHA-256 of s in
// NFC: "id-1a2b3c4d". The fallback depends on s alone, so it never moves
// when other reports are added; and it is its own slug.
func SlugOr(prefix, s string) string {
	if slug := Slugify(s); slug != "" {
		return slug
	}
	sum := sha256.Sum256([]byte(norm.NFC.String(s)))
	return prefix + "-" + hex.EncodeToString(sum[:4])
}

// fold spells out the Latin letters that have no decomposition into a
// letter and a diacritic, so that "Søn" becomes "son" instead of "søn".
var fold = map[rune]string{
	'æ': "ae", 'ø': "o", 'ß': "ss", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th",
	'œ': "oe", 'ħ': "h", 'ı': "i", 'ŧ': "t", 'ŀ': "l",
}
