package mdimport

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/matter"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Options are what converting a file needs beyond the file and the
// mapping.
type Options struct {
	// Site gives the service catalogue: service names and aliases are
	// written as the catalogue's names. Nil reads every service as it is.
	Site *siteconfig.Site
}

// The kinds of warning this package gives (importer.Warning.Kind), for the
// import's summary table.
const (
	kindNotMapped     = "key not in mapping"
	kindNotUnderstood = "value not understood"
	kindGuessed       = "guessed"
	kindMissing       = "required field missing"
	kindConflict      = "conflicting values"
	kindUnreadable    = "front matter not read"
	kindEncoding      = "text encoding repaired"
)

// converter holds the state of converting one file.
type converter struct {
	path string
	m    *Mapping
	site *siteconfig.Site
	r    *importer.Report
	// from names the source of each of our keys that is set (a front-matter
	// key, "the Date: line", "the file name"), for messages.
	from map[string]string
	// origin is the source key (or label) and value as written that set
	// each of our single-valued keys, to keep if the value must go.
	origin map[string]importer.Field

	lines []string     // the body's lines
	drop  map[int]bool // indexes of lines taken into the front matter
	// Values of labelled lines that wait for a date (from the file name)
	// or for the start.
	pendingClock, pendingEnd, pendingDetected *pendingClock
	pendingDuration                           *pendingDuration
}

// Convert turns one Markdown file into a report. path is the file's path
// as the user gave it (recorded as imported_from and named in warnings);
// m may be nil when the files have no front matter, in which case only
// keys of ours are read from front matter that exists. Convert never
// fails: what it cannot read is kept under "Imported metadata" or left in
// the body, with a warning, and a report without a start is a draft.
func Convert(path string, data []byte, m *Mapping, opt Options) *importer.Report {
	sum := sha256.Sum256(data)
	c := &converter{
		path: path, m: m, site: opt.Site,
		r:    &importer.Report{ImportedFrom: path, SourceHash: hex.EncodeToString(sum[:])},
		from: map[string]string{}, origin: map[string]importer.Field{},
	}
	text := c.cleanText(data)
	body, bodyLine := text, 1
	if hasFrontMatter(text) {
		body, bodyLine = c.frontMatter(text)
	}
	c.fromBody(body, bodyLine)
	c.fromFileName()
	c.finish()
	c.r.Body = c.body()
	return c.r
}

func (c *converter) warn(field, kind, format string, args ...any) {
	c.r.Warnings = append(c.r.Warnings, importer.Warning{Field: field, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

func (c *converter) keep(name, value string) {
	c.r.Unmapped = append(c.r.Unmapped, importer.Field{Name: name, Value: value})
}

// notUnderstood keeps a front-matter value under "Imported metadata" and
// says why it was not read.
func (c *converter) notUnderstood(key string, line int, value string, why error) {
	c.keep(key, value)
	c.warn(key, kindNotUnderstood, "line %d: %v; the value is kept under \"Imported metadata\"", line, why)
}

// cleanText repairs what would stop the file being read as text: a
// byte-order mark, CRLF line endings, bytes that are not UTF-8 and NUL
// bytes. The hash is of the file as it was.
func (c *converter) cleanText(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		c.warn("", kindEncoding, "the file is not valid UTF-8; bytes that are not were replaced by U+FFFD (�): check the text, or convert the file to UTF-8 and import it again")
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		c.warn("", kindEncoding, "the file holds NUL bytes; they were replaced by U+FFFD (�)")
		data = bytes.ReplaceAll(data, []byte{0}, []byte("\uFFFD"))
	}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// hasFrontMatter reports whether the first line that is not blank opens
// YAML ("---") or TOML ("+++") front matter.
func hasFrontMatter(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			return t == "---" || t == "+++"
		}
	}
	return false
}

// frontMatter reads the front matter through the mapping and returns the
// body after it, with the file line it begins on. Front matter that cannot
// be read is kept whole under "Imported metadata", with a warning, and
// the rest of the file is read as a report without front matter.
func (c *converter) frontMatter(text string) (body string, bodyLine int) {
	doc, d := matter.Split(c.path, []byte(text))
	if d != nil {
		raw, rest, restLine := splitUnreadable(text)
		c.warn("", kindUnreadable, "%s; the front matter is kept under \"Imported metadata\" and the file is read as if it had none", d.String())
		if raw != "" {
			c.keep("front matter", raw)
		}
		return rest, restLine
	}
	for _, f := range doc.Fields() {
		rule, ok := c.m.rule(f.Key)
		if !ok {
			c.keep(f.Key, render(f.Value))
			if c.m == nil {
				c.warn(f.Key, kindNotMapped, "line %d: no mapping file was given and this is not a key of ours; the value is kept under \"Imported metadata\"", f.Line)
			} else {
				c.warn(f.Key, kindNotMapped, "line %d: the key is not in the mapping %s; the value is kept under \"Imported metadata\" (map it to a key of ours, or to %s or %s)", f.Line, c.m.Path, Keep, Ignore)
			}
			continue
		}
		c.applyField(rule, f)
	}
	return string(doc.Body), doc.BodyLine
}

// splitUnreadable finds the front matter of a file whose front matter
// cannot be parsed: the text between the opening delimiter and the next
// line that repeats it. Without a closing line, the whole file is body.
func splitUnreadable(text string) (raw, rest string, restLine int) {
	lines := strings.SplitAfter(text, "\n")
	open := -1
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			open = i
			break
		}
	}
	if open < 0 {
		return "", text, 1
	}
	delim := strings.TrimSpace(lines[open])
	for i := open + 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == delim {
			return strings.TrimRight(strings.Join(lines[open+1:i], ""), "\n"), strings.Join(lines[i+1:], ""), i + 2
		}
	}
	return "", text, 1
}

// applyField reads one front-matter key through its rule.
func (c *converter) applyField(rule Rule, f matter.Field) {
	switch rule.Target {
	case Ignore:
		return
	case Keep:
		c.keep(f.Key, render(f.Value))
		return
	}
	n := resolve(f.Value)
	if isNull(n) {
		return // an empty value: nothing to read, nothing lost
	}
	t := targets[rule.Target]
	if t.kind == kindList || t.kind == kindTagList || t.kind == kindActions {
		c.applyList(rule, f, n, t)
		return
	}
	if n.Kind == yaml.SequenceNode && len(n.Content) == 1 && resolve(n.Content[0]).Kind == yaml.ScalarNode {
		n = resolve(n.Content[0]) // "[2024-01-05]": a list of one
	}
	if n.Kind != yaml.ScalarNode {
		c.notUnderstood(f.Key, f.Line, render(f.Value), fmt.Errorf("%s takes a single value, not %s", rule.Target, matter.KindName(n)))
		return
	}
	v, mapped := rule.mapValue(n.Value)
	if mapped && v == Ignore {
		return
	}
	if err := c.take(rule.Target, f.Key, v); err != nil {
		if errors.Is(err, errConflict) {
			c.keep(f.Key, n.Value)
			c.warn(f.Key, kindConflict, "line %d: %v; this value is kept under \"Imported metadata\"", f.Line, err)
			return
		}
		c.notUnderstood(f.Key, f.Line, n.Value, err)
		return
	}
	if _, set := c.origin[rule.Target]; !set {
		c.origin[rule.Target] = importer.Field{Name: f.Key, Value: n.Value}
	}
}

// applyList reads a front-matter key mapped to a list of ours. A single
// value is a list of one; for tag lists (services, sites, slos, causes)
// commas in it separate values.
func (c *converter) applyList(rule Rule, f matter.Field, n *yaml.Node, t target) {
	var items []string
	switch n.Kind {
	case yaml.ScalarNode:
		if t.kind == kindTagList {
			items = strings.Split(n.Value, ",")
		} else {
			items = []string{n.Value}
		}
	case yaml.SequenceNode:
		for _, child := range n.Content {
			if ch := resolve(child); ch.Kind == yaml.ScalarNode {
				items = append(items, ch.Value)
			} else if !isNull(ch) {
				c.notUnderstood(f.Key, child.Line, render(child), fmt.Errorf("a value of the list is %s, not a name", matter.KindName(ch)))
			}
		}
	default:
		c.notUnderstood(f.Key, f.Line, render(f.Value), fmt.Errorf("%s takes a list of names, not %s", rule.Target, matter.KindName(n)))
		return
	}
	for _, item := range items {
		v, mapped := rule.mapValue(item)
		if mapped && v == Ignore {
			continue
		}
		if err := c.take(rule.Target, f.Key, v); err != nil {
			c.notUnderstood(f.Key, f.Line, strings.TrimSpace(item), err)
		}
	}
}

// errConflict marks a value for a key of ours that an earlier source key
// already set to something else.
var errConflict = errors.New("conflicting value")

// take sets our key target (for a list, adds one value) from the value v
// of the source key src. It returns why not when v cannot be read.
func (c *converter) take(target, src, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if i := strings.IndexFunc(v, isControl); i >= 0 {
		return fmt.Errorf("the value holds the control character %U", []rune(v[i:])[0])
	}
	t := targets[target]
	switch t.kind {
	case kindText:
		return c.takeText(target, src, v)
	case kindEnum:
		v = strings.ToLower(v)
		if target == "status" && (v == "in review" || v == "in-review") {
			v = "review"
		}
		if !slices.Contains(t.allowed, v) {
			hint := ""
			if c.m != nil {
				hint = " (a value map in the mapping can say what it means)"
			}
			return fmt.Errorf("%q is not a value of %s, which is one of %s%s", v, target, strings.Join(t.allowed, ", "), hint)
		}
		return c.takeText(target, src, v)
	case kindTime:
		tm, err := parseTime(v)
		if err != nil {
			return err
		}
		p := c.timeField(target)
		if !p.IsZero() && !p.Equal(tm) {
			return fmt.Errorf("%w: %s already gave %s %s", errConflict, c.from[target], target, p.Format(time.RFC3339))
		}
		*p, c.from[target] = tm, src
	case kindInt:
		n, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 10, 64)
		if err != nil || n < 0 || n > incident.MaxPaged {
			return fmt.Errorf("%q is not a whole number from 0 to %s", v, matter.Thousands(incident.MaxPaged))
		}
		p := c.intField(target)
		if *p != nil && **p != n {
			return fmt.Errorf("%w: %s already gave %s %d", errConflict, c.from[target], target, **p)
		}
		*p, c.from[target] = &n, src
	case kindActions:
		c.r.Actionables = append(c.r.Actionables, importer.Actionable{Title: collapseSpace(v), Status: "open"})
	default:
		return c.takeItem(target, v)
	}
	return nil
}

// takeText sets a text key of ours, checked against the build's bounds.
func (c *converter) takeText(target, src, v string) error {
	if target != "impact" {
		v = collapseSpace(v)
	}
	limit := map[string]int{"title": incident.MaxTitleLen, "impact": incident.MaxImpactLen, "id": 200}[target]
	if n := utf8.RuneCountInString(v); limit > 0 && n > limit {
		return fmt.Errorf("%s would be %d characters long; it may have at most %d", target, n, limit)
	}
	p := c.textField(target)
	if *p != "" && *p != v {
		return fmt.Errorf("%w: %s already gave %s %q", errConflict, c.from[target], target, *p)
	}
	*p, c.from[target] = v, src
	return nil
}

// takeItem adds one name to a list of ours: services are written as the
// catalogue names them, other services and sites in lower case (as the
// build reads them), causes as slugs, so that "Config change" meets the
// taxonomy's "config-change".
func (c *converter) takeItem(target, v string) error {
	v = collapseSpace(v)
	switch target {
	case "services":
		if c.site != nil && c.site.InCatalogue(v) {
			v = c.site.CanonicalService(v)
		} else {
			v = strings.ToLower(v)
		}
	case "sites":
		v = strings.ToLower(v)
	case "causes":
		slug := incident.Slugify(v)
		if slug == "" {
			return fmt.Errorf("%q has no letter or digit to make a cause tag of", v)
		}
		v = slug
	}
	if n := utf8.RuneCountInString(v); n > incident.MaxNameLen {
		return fmt.Errorf("a value is %d characters long; names are at most %d", n, incident.MaxNameLen)
	}
	p := c.listField(target)
	for _, have := range *p {
		if strings.EqualFold(have, v) {
			return nil
		}
	}
	if len(*p) >= incident.MaxListLen {
		return fmt.Errorf("%s already has %d values, as many as a report may list", target, incident.MaxListLen)
	}
	*p = append(*p, v)
	return nil
}

func (c *converter) textField(target string) *string {
	switch target {
	case "id":
		return &c.r.ID
	case "title":
		return &c.r.Title
	case "status":
		return &c.r.Status
	case "task":
		return &c.r.Task
	case "detection":
		return &c.r.Detection
	case "impact":
		return &c.r.Impact
	case "trigger":
		return &c.r.Trigger
	case "failure_mode":
		return &c.r.FailureMode
	}
	panic("mdimport: not a text key: " + target)
}

func (c *converter) timeField(target string) *time.Time {
	switch target {
	case "start":
		return &c.r.Start
	case "end":
		return &c.r.End
	case "detected":
		return &c.r.Detected
	}
	panic("mdimport: not a time key: " + target)
}

func (c *converter) intField(target string) **int64 {
	switch target {
	case "paged":
		return &c.r.Paged
	case "paged_after_hours":
		return &c.r.PagedAfterHours
	}
	panic("mdimport: not a number key: " + target)
}

func (c *converter) listField(target string) *[]string {
	switch target {
	case "responders":
		return &c.r.Responders
	case "coordinators":
		return &c.r.Coordinators
	case "services":
		return &c.r.Services
	case "sites":
		return &c.r.Sites
	case "slos":
		return &c.r.SLOs
	case "causes":
		return &c.r.Causes
	case "related":
		return &c.r.Related
	case "repeat_of":
		return &c.r.RepeatOf
	}
	panic("mdimport: not a list key: " + target)
}

// isControl reports the characters the build refuses in a front-matter
// value: C0 and C1 controls other than tab and line breaks, and DEL.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r < 0xa0)
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// render writes a source value for "Imported metadata" as one line: a
// single value as written, a list as "a, b, c", anything deeper in YAML's
// flow style ("{name: x, region: [eu, us]}"). Aliases are written out, so
// the output is bounded (a few nested aliases could otherwise expand a
// short file into gigabytes): past maxRendered bytes it ends in "…".
func render(n *yaml.Node) string {
	var w renderer
	r := resolve(n)
	if r.Kind == yaml.SequenceNode {
		for i, child := range r.Content {
			if i > 0 {
				w.put(", ")
			}
			w.flow(child, 0)
		}
	} else {
		w.flow(n, 0)
	}
	return w.b.String()
}

// maxRendered bounds one rendered value.
const maxRendered = 64 << 10

type renderer struct {
	b    strings.Builder
	full bool
}

func (w *renderer) put(s string) {
	if w.full {
		return
	}
	if w.b.Len()+len(s) > maxRendered {
		w.b.WriteString("…")
		w.full = true
		return
	}
	w.b.WriteString(s)
}

func (w *renderer) flow(n *yaml.Node, depth int) {
	r := resolve(n)
	if w.full {
		return
	}
	if depth > 64 {
		w.put("…")
		return
	}
	switch r.Kind {
	case yaml.ScalarNode:
		if r.Tag != "!!null" {
			w.put(r.Value)
		}
	case yaml.SequenceNode:
		w.put("[")
		for i, child := range r.Content {
			if i > 0 {
				w.put(", ")
			}
			w.flow(child, depth+1)
		}
		w.put("]")
	case yaml.MappingNode:
		w.put("{")
		for i := 0; i+1 < len(r.Content); i += 2 {
			if i > 0 {
				w.put(", ")
			}
			w.flow(r.Content[i], depth+1)
			w.put(": ")
			w.flow(r.Content[i+1], depth+1)
		}
		w.put("}")
	}
}
