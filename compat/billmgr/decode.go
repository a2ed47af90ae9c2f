package billmgr

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// Element is one element of an xml document as a client reads it back:
// its attributes, its text and its child elements, in order. Methods on a
// nil Element return the zero value, so lookups chain.
type Element struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	CharData string     `xml:",chardata"`
	Nodes    []*Element `xml:",any"`
}

// ParseXML reads an out=xml (or devel) answer: a <doc> root.
func ParseXML(body []byte) (*Element, error) {
	var doc Element
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.XMLName.Local != "doc" {
		return nil, fmt.Errorf("root element <%s>, want <doc>", doc.XMLName.Local)
	}
	return &doc, nil
}

// Child returns the first child element called name, or nil.
func (e *Element) Child(name string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Nodes {
		if c.XMLName.Local == name {
			return c
		}
	}
	return nil
}

// Children returns the child elements called name.
func (e *Element) Children(name string) []*Element {
	if e == nil {
		return nil
	}
	var out []*Element
	for _, c := range e.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// Value returns the trimmed text of the first child called name: a form
// field or a list cell.
func (e *Element) Value(name string) string {
	if c := e.Child(name); c != nil {
		return strings.TrimSpace(c.CharData)
	}
	return ""
}

// Attr returns the value of an attribute of e.
func (e *Element) Attr(name string) string {
	if e == nil {
		return ""
	}
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// Param returns the text of the child <param name="name"> (error
// documents).
func (e *Element) Param(name string) string {
	for _, p := range e.Children("param") {
		if p.Attr("name") == name {
			return strings.TrimSpace(p.CharData)
		}
	}
	return ""
}

// Orig returns a cell's raw value: its orig attribute, else its text.
func (e *Element) Orig(name string) string {
	c := e.Child(name)
	if c == nil {
		return ""
	}
	if v := c.Attr("orig"); v != "" {
		return v
	}
	return strings.TrimSpace(c.CharData)
}

// ErrorOf returns the error of a document, as NewError builds it (type,
// object and value attributes, <msg> or else <detail>, and the <param>
// children other than object and value), or nil for a document without
// an <error>.
func ErrorOf(doc *Element) *ErrorInfo {
	e := doc.Child("error")
	if e == nil {
		return nil
	}
	info := &ErrorInfo{Type: e.Attr("type"), Object: e.Attr("object"), Value: e.Attr("value"), Msg: e.Value("msg")}
	if info.Msg == "" {
		info.Msg = e.Value("detail")
	}
	for _, p := range e.Children("param") {
		if n := p.Attr("name"); n != "object" && n != "value" {
			info.Params = append(info.Params, Attr{Name: n, Value: strings.TrimSpace(p.CharData)})
		}
	}
	return info
}

// Param returns the value of the named extra parameter of an error ("" if
// none).
func (e *ErrorInfo) Param(name string) string {
	for _, p := range e.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}
