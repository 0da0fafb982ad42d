package importer

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// entry is one key of the front matter as it will be written.
type entry struct {
	key string
	// value is the YAML after "key:": " scalar" on the same line, or
	// "\n  - item" lines for a block.
	value string
	// plain is the value as Imported metadata lists it, should the key
	// have to be moved there.
	plain string
	// comment follows the value on the key's line ("guessed by import").
	comment string
}

// frontMatter lists the keys of r that have a value, in the content
// model's order, ending with imported_from.
func frontMatter(r *Report, rubric []string) []entry {
	var out []entry
	add := func(key, value, plain string) {
		out = append(out, entry{key: key, value: value, plain: plain})
	}
	scalar := func(key, s string) {
		if s = strings.TrimSpace(s); s != "" {
			add(key, " "+yamlString(s), s)
		}
	}
	when := func(key string, t time.Time) {
		if !t.IsZero() {
			s := formatTime(t)
			add(key, " "+s, s)
		}
	}
	number := func(key string, n *int64) {
		if n != nil {
			s := strconv.FormatInt(*n, 10)
			add(key, " "+s, s)
		}
	}
	list := func(key string, values []string) {
		values = nonEmpty(values)
		if len(values) > 0 {
			add(key, " "+yamlList(values), strings.Join(values, ", "))
		}
	}

	scalar("id", r.ID)
	scalar("title", r.Title)
	status := r.Status
	if status == "" {
		status = "final"
	}
	scalar("status", status)
	scalar("task", r.Task)
	when("start", r.Start)
	when("end", r.End)
	when("detected", r.Detected)
	scalar("detection", r.Detection)
	number("paged", r.Paged)
	number("paged_after_hours", r.PagedAfterHours)
	list("responders", r.Responders)
	list("coordinators", r.Coordinators)
	list("services", r.Services)
	if r.ServicesGuessed && len(out) > 0 && out[len(out)-1].key == "services" {
		out[len(out)-1].comment = "guessed by import"
	}
	list("sites", r.Sites)
	list("slos", r.SLOs)
	scalar("impact", r.Impact)
	scalar("trigger", r.Trigger)
	list("causes", r.Causes)
	scalar("failure_mode", r.FailureMode)
	list("related", r.Related)
	list("repeat_of", r.RepeatOf)
	if len(r.Actionables) > 0 {
		var b, plain strings.Builder
		for i, a := range r.Actionables {
			b.WriteString("\n  - title: " + yamlString(strings.TrimSpace(a.Title)))
			for _, kv := range [][2]string{{"task", a.Task}, {"owner", a.Owner}, {"status", a.Status}} {
				if v := strings.TrimSpace(kv[1]); v != "" {
					b.WriteString("\n    " + kv[0] + ": " + yamlString(v))
				}
			}
			if i > 0 {
				plain.WriteString("; ")
			}
			plain.WriteString(strings.TrimSpace(strings.Join(nonEmpty([]string{a.Title, a.Task, a.Owner, a.Status}), ", ")))
		}
		add("actionables", b.String(), plain.String())
	}
	if len(r.Scorecard) > 0 {
		answers := slices.Clone(r.Scorecard)
		// The rubric's order, as the build keeps it; keys outside the
		// rubric (the writer moves them out first) last.
		order := func(key string) int {
			if i := slices.Index(rubric, key); i >= 0 {
				return i
			}
			return len(rubric)
		}
		slices.SortStableFunc(answers, func(a, b Answer) int { return order(a.Key) - order(b.Key) })
		var b, plain strings.Builder
		for i, a := range answers {
			b.WriteString("\n  " + a.Key + ": ")
			answer := yamlString(a.Answer)
			if slices.Contains([]string{"yes", "no", "n/a"}, a.Answer) {
				answer = a.Answer // as the content model writes them
			}
			if note := strings.TrimSpace(a.Note); note != "" {
				b.WriteString("{answer: " + answer + ", note: " + yamlString(note) + "}")
			} else {
				b.WriteString(answer)
			}
			if i > 0 {
				plain.WriteString("; ")
			}
			plain.WriteString(a.Key + " " + a.Answer)
			if a.Note != "" {
				plain.WriteString(" (" + strings.TrimSpace(a.Note) + ")")
			}
		}
		add("scorecard", b.String(), plain.String())
	}
	scalar("imported_from", r.ImportedFrom)
	return out
}

// renderFile writes a report file: the front matter, the problems that
// made it a draft, the body, and the values not understood.
// was is the status the source gives, for the notice to name.
func renderFile(entries []entry, problems []string, was, body string, unmapped []Field) []byte {
	var b strings.Builder
	b.WriteString("---\n")
	for _, e := range entries {
		b.WriteString(e.key + ":" + e.value)
		if e.comment != "" {
			b.WriteString("  # " + e.comment)
		}
		b.WriteByte('\n')
	}
	b.WriteString("---\n")
	if len(problems) > 0 {
		b.WriteString("\n> **Imported as a draft.** The import could not make this report one the\n")
		if was != "" {
			b.WriteString("> build accepts as it stands. Fix these, then set its status (the source\n")
			b.WriteString("> says " + was + "):\n>\n")
		} else {
			b.WriteString("> build accepts as it stands. Fix these, then set its status:\n>\n")
		}
		for _, p := range problems {
			b.WriteString("> - " + escapeInline(oneLine(p)) + "\n")
		}
	}
	if body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n")); body != "" {
		b.WriteString("\n" + body + "\n")
	}
	if len(unmapped) > 0 {
		b.WriteString("\n## Imported metadata\n\n")
		b.WriteString("The import did not understand these values of the source; they are kept\nhere as they were written.\n\n")
		for _, f := range unmapped {
			b.WriteString("- **" + escapeInline(oneLine(f.Name)) + "**:")
			lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(f.Value, "\r\n", "\n")), "\n")
			for i, l := range lines {
				l = strings.TrimSpace(l)
				switch {
				case i == 0 && l != "":
					b.WriteString(" " + escapeInline(l))
				case i > 0 && l != "":
					b.WriteString("\\\n  " + escapeInline(l))
				}
			}
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// formatTime writes t as the content model does: UTC, to the second.
func formatTime(t time.Time) string { return t.UTC().Format(time.DateTime) }

// plainScalar matches the strings YAML reads back as the same string
// without quotes: letters, digits, spaces and a little punctuation,
// starting with a letter or digit.
var plainScalar = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._/()'+&-]*$`)

// yamlWords are the plain scalars some YAML readers take for booleans
// or null.
var yamlWords = []string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"}

// yamlString writes s as a YAML scalar that reads back as s: plain when
// that is safe, otherwise double-quoted with JSON's escapes (which YAML
// and TOML read alike).
func yamlString(s string) string {
	if plainScalar.MatchString(s) && !strings.HasSuffix(s, " ") && !strings.Contains(s, "  ") &&
		strings.ContainsFunc(s, unicode.IsLetter) && !slices.Contains(yamlWords, strings.ToLower(s)) &&
		utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(strings.ToValidUTF8(s, "\uFFFD")); err != nil {
		panic(fmt.Sprintf("importer: a string does not encode: %v", err))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// yamlList writes values as a YAML flow sequence.
func yamlList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = yamlString(v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var orderedItem = regexp.MustCompile(`^(\d+)[.)]`)

// escapeInline keeps Markdown from reading s as markup: the value is
// shown as written, not as emphasis, a link or HTML.
func escapeInline(s string) string {
	if m := orderedItem.FindStringSubmatchIndex(s); m != nil {
		// "1. x" at the start of a line would begin a numbered list.
		return s[:m[3]] + "\\" + s[m[3]:m[3]+1] + escapeInline(s[m[3]+1:])
	}
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~':
			b.WriteByte('\\')
		case '#', '+', '-', '=':
			if i == 0 {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}
