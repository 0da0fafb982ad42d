package matter

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"go.yaml.in/yaml/v3"
)

// YAML that go.yaml.in/yaml/v3 rejects is parsed again with
// github.com/goccy/go-yaml, which follows YAML 1.2 closely enough to accept
// what the content model shows (flow mappings whose values end in "?") and
// whose errors point at the offending token. Its syntax tree is converted
// to yaml.Node, the positioned tree the decoders work on, keeping each
// value's text exactly as written.

// converter turns a goccy syntax tree into yaml.Node, one document at a
// time (see node). anchors maps each anchor's name to its converted node,
// so an alias becomes a reference to that same node and is never expanded:
// a "billion laughs" document costs no more than its own text. depth is
// the nesting of the node being converted, bounded by maxDepth.
type converter struct {
	anchors map[string]*yaml.Node
	depth   int
}

// maxDepth bounds nesting; reports are a few levels deep.
const maxDepth = 64

func (c *converter) node(n ast.Node) (*yaml.Node, error) {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, nil
	}
	line := 0
	if tok := n.GetToken(); tok != nil && tok.Position != nil {
		line = tok.Position.Line
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxDepth {
		return nil, &depthError{line: line}
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
		for _, v := range n.Values {
			if err := c.pair(out, v); err != nil {
				return nil, err
			}
		}
		if len(n.Values) > 0 {
			out.Line = out.Content[0].Line
		}
		return out, nil
	case *ast.MappingValueNode:
		out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if err := c.pair(out, n); err != nil {
			return nil, err
		}
		out.Line = out.Content[0].Line
		return out, nil
	case *ast.SequenceNode:
		out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line}
		for _, v := range n.Values {
			child, err := c.node(v)
			if err != nil {
				return nil, err
			}
			out.Content = append(out.Content, child)
		}
		return out, nil
	case *ast.AnchorNode:
		child, err := c.node(n.Value)
		if err != nil {
			return nil, err
		}
		c.anchors[n.Name.String()] = child
		return child, nil
	case *ast.AliasNode:
		target, ok := c.anchors[n.Value.String()]
		if !ok {
			return nil, fmt.Errorf("line %d: alias *%s has no anchor", line, n.Value.String())
		}
		return &yaml.Node{Kind: yaml.AliasNode, Alias: target, Line: line}, nil
	case *ast.TagNode:
		return c.node(n.Value)
	case *ast.NullNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: line}, nil
	case *ast.StringNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.Value, Line: line}, nil
	case *ast.LiteralNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.Value.Value, Line: line}, nil
	case *ast.BoolNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: n.GetToken().Value, Line: line}, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.GetToken().Value, Line: line}, nil
	case *ast.MergeKeyNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!merge", Value: "<<", Line: line}, nil
	case *ast.CommentGroupNode, *ast.CommentNode:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: line}, nil
	}
	if tok := n.GetToken(); tok != nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: tok.Value, Line: line}, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML construct", line)
}

func (c *converter) pair(out *yaml.Node, v *ast.MappingValueNode) error {
	key, err := c.node(v.Key)
	if err != nil {
		return err
	}
	if key.Kind == yaml.AliasNode {
		key = key.Alias
	}
	if key.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a key must be a single value", key.Line)
	}
	val, err := c.node(v.Value)
	if err != nil {
		return err
	}
	if val.Line == 0 {
		val.Line = key.Line
	}
	out.Content = append(out.Content, key, val)
	return nil
}
