package matter

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"github.com/incidents-archive/incidents/generator/diag"
)

// TOML front matter is decoded with github.com/BurntSushi/toml, which gives
// values and key order but no positions. A line scan of the raw text finds
// the line of each key, and the values are rebuilt as the same yaml.Node
// tree YAML front matter produces, so the decoders need not know which
// format a file used.

// parseTOML decodes raw, the front matter between the "+++" lines, into a
// mapping node whose lines are file lines (offset is the opening
// delimiter's line).
func parseTOML(path string, raw []byte, offset int) (*yaml.Node, *diag.Diagnostic) {
	var values map[string]any
	md, err := toml.Decode(string(raw), &values)
	if err != nil {
		line := offset
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = offset + pe.Position.Line
			err = errors.New(pe.Message)
		}
		return nil, &diag.Diagnostic{Severity: diag.Error, Path: path, Line: line, Message: "front matter is not valid TOML: " + err.Error()}
	}
	lines := tomlKeyLines(raw)
	order := map[string]int{}
	for i, k := range md.Keys() {
		order[k.String()] = i
	}
	root := tomlNode(values, "", lines, order, 1)
	for _, n := range allNodes(root) {
		n.Line += offset
	}
	return root, nil
}

func allNodes(n *yaml.Node) []*yaml.Node {
	out := []*yaml.Node{n}
	for _, c := range n.Content {
		out = append(out, allNodes(c)...)
	}
	return out
}

var (
	tomlArrayTable = regexp.MustCompile(`^\[\[\s*([^\]]+?)\s*\]\]`)
	tomlTable      = regexp.MustCompile(`^\[\s*([^\]]+?)\s*\]`)
	tomlKey        = regexp.MustCompile(`^("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=`)
)

// tomlKeyLines maps each key path ("title", "scorecard.few_paged",
// "actionables[1].owner") to the front-matter line that defines it. The
// TOML decoder does not report positions, and a line scan is enough for
// the flat documents reports are.
func tomlKeyLines(raw []byte) map[string]int {
	lines := map[string]int{}
	table := ""
	counts := map[string]int{}
	for i, l := range strings.Split(string(raw), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case tomlArrayTable.MatchString(l):
			name := tomlArrayTable.FindStringSubmatch(l)[1]
			table = fmt.Sprintf("%s[%d]", name, counts[name])
			counts[name]++
			lines[table] = i + 1
			if _, ok := lines[name]; !ok {
				lines[name] = i + 1
			}
		case tomlTable.MatchString(l):
			table = tomlTable.FindStringSubmatch(l)[1]
			lines[table] = i + 1
		case tomlKey.MatchString(l):
			key := strings.Trim(tomlKey.FindStringSubmatch(l)[1], `"'`)
			if table != "" {
				key = table + "." + key
			}
			if _, ok := lines[key]; !ok {
				lines[key] = i + 1
			}
		}
	}
	return lines
}

func tomlNode(v any, path string, lines map[string]int, order map[string]int, fallback int) *yaml.Node {
	line := fallback
	if l, ok := lines[path]; ok {
		line = l
	}
	switch v := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sortKeys(keys, path, lines, order)
		for _, k := range keys {
			child := k
			if path != "" {
				child = path + "." + k
			}
			kl := line
			if l, ok := lines[child]; ok {
				kl = l
			}
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: kl},
				tomlNode(v[k], child, lines, order, kl))
		}
		return n
	case []map[string]any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line}
		for i, e := range v {
			n.Content = append(n.Content, tomlNode(e, fmt.Sprintf("%s[%d]", path, i), lines, order, line))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line}
		for i, e := range v {
			n.Content = append(n.Content, tomlNode(e, fmt.Sprintf("%s[%d]", path, i), lines, order, line))
		}
		return n
	default:
		return tomlScalar(v, line)
	}
}

func sortKeys(keys []string, path string, lines map[string]int, order map[string]int) {
	pos := func(k string) int {
		if path != "" {
			k = path + "." + k
		}
		if l, ok := lines[k]; ok {
			return l
		}
		return 1 << 30
	}
	// Insertion sort: front matter has a few dozen keys at most.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0; j-- {
			a, b := keys[j-1], keys[j]
			if pos(a) < pos(b) || (pos(a) == pos(b) && a <= b) {
				break
			}
			keys[j-1], keys[j] = b, a
		}
	}
}

func tomlScalar(v any, line int) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Line: line}
	switch v := v.(type) {
	case string:
		n.Tag, n.Value = "!!str", v
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(v)
	case int64:
		n.Tag, n.Value = "!!int", strconv.FormatInt(v, 10)
	case float64:
		n.Tag, n.Value = "!!float", strconv.FormatFloat(v, 'g', -1, 64)
	case interface{ Format(string) string }:
		n.Tag, n.Value = "!!timestamp", formatTOMLTime(v)
	default:
		n.Tag, n.Value = "!!str", fmt.Sprint(v)
	}
	return n
}

// formatTOMLTime writes a TOML date-time back in the form it was written:
// local date-times carry no offset, so that they are read as UTC like any
// other date without an offset.
func formatTOMLTime(v interface{ Format(string) string }) string {
	zone := v.Format("MST")
	switch zone {
	case "datetime-local":
		return v.Format("2006-01-02T15:04:05.999999999")
	case "date-local":
		return v.Format("2006-01-02")
	case "time-local":
		return v.Format("15:04:05")
	}
	return v.Format("2006-01-02T15:04:05.999999999Z07:00")
}
