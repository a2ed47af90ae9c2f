package billmgr

import "bytes"

// Node is a nested element of a document, for the answers whose shape is
// deeper than a form or a list: pricelist.export
// (<pricelist><price currency="RUB"><period …>…</period></price></pricelist>)
// or the inner <doc> of service.prolong. Build it with N and the methods
// below; attach it with Doc.AddNode.
//
// Formats:
//   - xml, devel, json, sjson: an element like any other ("$" text, "$attr");
//     sjson renders a Repeated element as an array even when it occurs once.
//   - bjson, JSONdata [INF]: a node without attributes or children is a
//     string; otherwise an object with its attributes as plain keys, its
//     text as "v" (as an ok with text is) and its children. Repeated or
//     several same-named siblings are an array.
//   - text: one line per top-level node of "path=value" cells, where a
//     child's path is parent.child and an attribute's is name_attr.
type Node struct {
	Name     string
	Value    string
	Attrs    []Attr
	Children []*Node
	// Repeated marks an element kind that may occur several times (a
	// pricelist, a period), so that sjson and bjson clients always get an
	// array.
	Repeated bool
}

// N returns an element named name with text value and children.
func N(name, value string, children ...*Node) *Node {
	return &Node{Name: name, Value: value, Children: children}
}

// Attr adds an attribute and returns n.
func (n *Node) Attr(name, value string) *Node {
	n.Attrs = append(n.Attrs, Attr{name, value})
	return n
}

// Add appends children and returns n.
func (n *Node) Add(children ...*Node) *Node {
	n.Children = append(n.Children, children...)
	return n
}

// List marks n Repeated and returns it.
func (n *Node) List() *Node {
	n.Repeated = true
	return n
}

// NewData returns a document made of nested elements only (KindData).
func NewData(fn, lang string, nodes ...*Node) *Doc {
	return &Doc{Kind: KindData, Func: fn, Lang: lang, Nodes: nodes}
}

// AddNode appends nested elements to d and returns d.
func (d *Doc) AddNode(nodes ...*Node) *Doc {
	d.Nodes = append(d.Nodes, nodes...)
	return d
}

// treeNodes converts nested elements into the generic tree of xml and json.
func treeNodes(in []*Node) []*node {
	out := make([]*node, 0, len(in))
	for _, n := range in {
		if n == nil {
			continue
		}
		out = append(out, &node{name: n.Name, attrs: n.Attrs, text: n.Value,
			hasText: n.Value != "" || len(n.Children) == 0, children: treeNodes(n.Children), array: n.Repeated})
	}
	return out
}

// groupNodes groups nodes by sanitised name, in first-occurrence order.
func groupNodes(in []*Node) (order []string, groups map[string][]*Node) {
	groups = map[string][]*Node{}
	for _, n := range in {
		if n == nil {
			continue
		}
		name := sanitizeName(n.Name)
		if _, ok := groups[name]; !ok {
			order = append(order, name)
		}
		groups[name] = append(groups[name], n)
	}
	return order, groups
}

// writeBJSONNodes writes nested elements as members of o.
func writeBJSONNodes(o *jsonObject, nodes []*Node) {
	order, groups := groupNodes(nodes)
	for _, name := range order {
		g := groups[name]
		if !o.key(name) {
			continue
		}
		if len(g) == 1 && !g[0].Repeated {
			writeBJSONValue(o.b, g[0])
			continue
		}
		o.b.WriteByte('[')
		for i, n := range g {
			if i > 0 {
				o.b.WriteByte(',')
			}
			writeBJSONValue(o.b, n)
		}
		o.b.WriteByte(']')
	}
}

func writeBJSONValue(b *bytes.Buffer, n *Node) {
	if len(n.Attrs) == 0 && len(n.Children) == 0 {
		writeJSONString(b, n.Value)
		return
	}
	o := openObject(b)
	for _, a := range cleanAttrs(n.Attrs) {
		o.str(a.Name, a.Value)
	}
	if n.Value != "" {
		o.str("v", n.Value)
	}
	writeBJSONNodes(o, n.Children)
	o.end()
}

// writeTextNodes writes one line per top-level node.
func writeTextNodes(b *bytes.Buffer, nodes []*Node) {
	for _, n := range nodes {
		if n == nil {
			continue
		}
		var cells []Field
		if len(n.Children) == 0 {
			cells = []Field{{Name: n.Name, Value: n.Value, Attrs: n.Attrs}}
		} else {
			cells = flattenNodes("", n.Children, nil)
		}
		writeTextFields(b, cells, ' ')
	}
}

// flattenNodes turns nested elements into path-named cells.
func flattenNodes(prefix string, nodes []*Node, out []Field) []Field {
	for _, n := range nodes {
		if n == nil {
			continue
		}
		path := prefix + sanitizeName(n.Name)
		switch {
		case n.Value != "" || len(n.Children) == 0:
			out = append(out, Field{Name: path, Value: n.Value, Attrs: n.Attrs})
		default: // a container: its attributes only
			for _, a := range n.Attrs {
				out = append(out, F(path+"_"+sanitizeName(a.Name), a.Value))
			}
		}
		out = flattenNodes(path+".", n.Children, out)
	}
	return out
}
