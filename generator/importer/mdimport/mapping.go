package mdimport

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/matter"
)

// The two targets that are not keys of ours.
const (
	// Ignore drops a source key, or one value of a value map, on purpose:
	// it is not listed under "Imported metadata" and raises no warning.
	Ignore = "ignore"
	// Keep lists a source key under "Imported metadata" on purpose,
	// without a warning: a value worth keeping that has no place in the
	// front matter, such as the address of the original write-up.
	Keep = "keep"
)

// kind is the shape of value a target key takes.
type kind int

const (
	kindText    kind = iota // one line or paragraph of text
	kindEnum                // one of a fixed set of words
	kindTime                // a date or date-time
	kindInt                 // a whole number, 0 or more
	kindList                // a list of names; a single value is a list of one
	kindTagList             // a list of names; commas in a single value separate names
	kindActions             // a list of action-item titles
)

// target describes one key of ours that a source key may map to.
type target struct {
	kind    kind
	allowed []string // kindEnum: the values the key takes
}

// targets are the keys of our front matter that a mapping may name.
// actionables takes a list of titles; scorecard, requests_failed and
// imported_from cannot be mapped to (see notTargets).
var targets = map[string]target{
	"id":                {kind: kindText},
	"title":             {kind: kindText},
	"status":            {kind: kindEnum, allowed: incident.Statuses},
	"task":              {kind: kindText},
	"start":             {kind: kindTime},
	"end":               {kind: kindTime},
	"detected":          {kind: kindTime},
	"detection":         {kind: kindEnum, allowed: incident.Detections},
	"paged":             {kind: kindInt},
	"paged_after_hours": {kind: kindInt},
	"responders":        {kind: kindList},
	"coordinators":      {kind: kindList},
	"services":          {kind: kindTagList},
	"sites":             {kind: kindTagList},
	"slos":              {kind: kindTagList},
	"impact":            {kind: kindText},
	"trigger":           {kind: kindEnum, allowed: incident.Triggers},
	"causes":            {kind: kindTagList},
	"failure_mode":      {kind: kindEnum, allowed: incident.FailureModes},
	"related":           {kind: kindList},
	"repeat_of":         {kind: kindList},
	"actionables":       {kind: kindActions},
}

// notTargets are keys of ours that a mapping cannot name, with the reason.
var notTargets = map[string]string{
	"scorecard":       "the scorecard's answers are keyed by the rubric in site.yaml; no other tool's value fits it",
	"requests_failed": "the importer does not carry it; map the key to keep and copy the number by hand",
	"imported_from":   "the importer writes it itself (the source file's path); map the key to keep instead",
}

// targetNames lists what a mapping may name, for messages.
func targetNames() []string {
	names := make([]string, 0, len(targets)+2)
	for k := range targets {
		names = append(names, k)
	}
	sort.Strings(names)
	return append(names, Ignore, Keep)
}

// Rule is one line of a mapping file: where one source key goes.
type Rule struct {
	// Source is the source's key as the mapping file writes it.
	Source string
	// Target is a key of ours, Ignore or Keep.
	Target string
	// Values maps source values (lower-cased) to ours, or to Ignore; a
	// value not in it is read as it is.
	Values map[string]string
	// Line is the rule's line in the mapping file.
	Line int
}

// mapValue returns the value a source value stands for, and whether the
// value map named it.
func (r Rule) mapValue(v string) (string, bool) {
	if len(r.Values) == 0 {
		return v, false
	}
	key := strings.ToLower(strings.TrimSpace(v))
	if to, ok := r.Values[key]; ok {
		return to, true
	}
	// YAML 1.1 spells booleans several ways; "resolved: yes" should meet
	// a value map written for true.
	switch key {
	case "yes", "on", "y":
		key = "true"
	case "no", "off", "n":
		key = "false"
	default:
		return v, false
	}
	to, ok := r.Values[key]
	if !ok {
		return v, false
	}
	return to, true
}

// Mapping is a parsed mapping file: how another tool's front-matter keys
// become ours. The zero Mapping maps nothing; our own keys are still read
// as ours.
type Mapping struct {
	// Path is the mapping file, named in warnings.
	Path  string
	rules map[string]Rule // lower-cased source key → rule
}

// Rules returns the mapping's rules in the order of the file.
func (m *Mapping) Rules() []Rule {
	if m == nil {
		return nil
	}
	out := make([]Rule, 0, len(m.rules))
	for _, r := range m.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// rule finds the rule for a source key, ignoring case. A key of ours that
// the mapping does not name maps to itself.
func (m *Mapping) rule(key string) (Rule, bool) {
	if m != nil {
		if r, ok := m.rules[strings.ToLower(key)]; ok {
			return r, true
		}
	}
	lower := strings.ToLower(key)
	if _, ours := targets[lower]; ours {
		return Rule{Source: key, Target: lower}, true
	}
	return Rule{}, false
}

// MappingError is a mapping file that cannot be used: every problem in it,
// each naming the file, the line and the key.
type MappingError struct {
	Diagnostics []diag.Diagnostic
}

func (e *MappingError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// ParseMapping reads the mapping file at path (see the package
// documentation for its format). Every problem in the file is reported at
// once, in a *MappingError.
func ParseMapping(path string, data []byte) (*Mapping, error) {
	doc, d := matter.ParseYAMLFile(path, data)
	if d != nil {
		return nil, &MappingError{Diagnostics: []diag.Diagnostic{*d}}
	}
	var diags diag.List
	m := &Mapping{Path: path, rules: map[string]Rule{}}
	for _, f := range doc.Fields() {
		rule, ok := parseRule(path, f, &diags)
		if !ok {
			continue
		}
		lower := strings.ToLower(rule.Source)
		if prev, dup := m.rules[lower]; dup {
			diags.Errorf(path, f.Line, f.Key, "the source key %q is already mapped at line %d (keys are matched without case)", prev.Source, prev.Line)
			continue
		}
		m.rules[lower] = rule
	}
	if len(doc.Fields()) == 0 {
		diags.Errorf(path, 1, "", "the mapping maps no keys; write one line \"source_key: our_key\" per key of the other tool (see docs/examples/import/)")
	}
	if diags.HasErrors() {
		return nil, &MappingError{Diagnostics: diags.All()}
	}
	return m, nil
}

// parseRule reads one entry: "source: target" or
// "source: {to: target, values: {theirs: ours}}".
func parseRule(path string, f matter.Field, diags *diag.List) (Rule, bool) {
	rule := Rule{Source: strings.TrimSpace(f.Key), Line: f.Line}
	if rule.Source == "" {
		diags.Errorf(path, f.Line, "", "a source key is empty")
		return rule, false
	}
	dec := &matter.Decoder{Path: path, Diags: diags}
	before := diags.Len()
	var valuesNode *yaml.Node
	var targetLine int
	switch {
	case f.Value == nil || f.Value.Kind == yaml.ScalarNode:
		rule.Target = strings.ToLower(dec.String(f.Key, f.Value))
		targetLine = f.Line
	case f.Value.Kind == yaml.MappingNode:
		for _, p := range dec.Mapping(f.Key, f.Value) {
			switch p.Key {
			case "to":
				rule.Target = strings.ToLower(dec.String(f.Key+".to", p.Value))
				targetLine = p.Line
			case "values":
				valuesNode = p.Value
			default:
				diags.Errorf(path, p.Line, f.Key+"."+p.Key, "unknown key; a rule with values has only \"to\" and \"values\"%s", diag.DidYouMean(p.Key, []string{"to", "values"}))
			}
		}
		if targetLine == 0 {
			diags.Errorf(path, f.Line, f.Key, "says no target: add \"to: our_key\" (or write \"%s: %s\")", f.Key, Ignore)
			return rule, false
		}
	default:
		diags.Errorf(path, f.Line, f.Key, "expected our key (such as start) or {to: our_key, values: {...}}, got %s", matter.KindName(f.Value))
		return rule, false
	}
	if diags.Len() > before {
		return rule, false
	}
	if !checkTarget(path, targetLine, f.Key, rule.Target, diags) {
		return rule, false
	}
	if valuesNode != nil {
		rule.Values = parseValues(path, f.Key, rule.Target, valuesNode, dec)
	}
	return rule, diags.Len() == before
}

// checkTarget reports a target that is not a key of ours, Ignore or Keep.
func checkTarget(path string, line int, field, to string, diags *diag.List) bool {
	switch _, ok := targets[to]; {
	case ok || to == Ignore || to == Keep:
		return true
	case to == "":
		diags.Errorf(path, line, field, "has no target; write our key, or %q to drop the key on purpose", Ignore)
	case notTargets[to] != "":
		diags.Errorf(path, line, field, "cannot be mapped to %q: %s", to, notTargets[to])
	default:
		if hint := diag.DidYouMean(to, targetNames()); hint != "" {
			diags.Errorf(path, line, field, "%q is not a key of ours%s", to, hint)
		} else {
			diags.Errorf(path, line, field, "%q is not a key of ours; write one of %s", to, strings.Join(targetNames(), ", "))
		}
	}
	return false
}

// parseValues reads a value map. For a target with a fixed set of values,
// each value must be one of them or Ignore.
func parseValues(path, field, to string, n *yaml.Node, dec *matter.Decoder) map[string]string {
	if to == Ignore || to == Keep {
		dec.Diags.Errorf(path, n.Line, field+".values", "a value map means nothing for %q; remove it", to)
		return nil
	}
	t := targets[to]
	out := map[string]string{}
	lines := map[string]int{}
	for _, p := range dec.Mapping(field+".values", n) {
		vf := field + ".values." + p.Key
		from := strings.ToLower(strings.TrimSpace(p.Key))
		ours := strings.TrimSpace(dec.String(vf, p.Value))
		if t.kind == kindEnum || ours == Ignore {
			ours = strings.ToLower(ours)
		}
		switch {
		case from == "":
			dec.Diags.Errorf(path, p.Line, vf, "a source value is empty")
			continue
		case ours == "":
			dec.Diags.Errorf(path, p.Line, vf, "maps to nothing; write our value, or %q to drop this value on purpose", Ignore)
			continue
		case t.kind == kindEnum && ours != Ignore && !slices.Contains(t.allowed, ours):
			dec.Diags.Errorf(path, p.Line, vf, "%q is not a value of %s; write one of %s, or %s%s", ours, to, strings.Join(t.allowed, ", "), Ignore, diag.DidYouMean(ours, t.allowed))
			continue
		}
		if prev, dup := lines[from]; dup {
			dec.Diags.Errorf(path, p.Line, vf, "the source value %q is already mapped at line %d (values are matched without case)", p.Key, prev)
			continue
		}
		lines[from] = p.Line
		out[from] = ours
	}
	return out
}

// String describes a rule for messages: "start_time → start".
func (r Rule) String() string {
	return fmt.Sprintf("%s → %s", r.Source, r.Target)
}
