package billmgr

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Content types of the encoded documents.
//
// ContentTypeXML is exactly "text/xml", without a charset parameter: the
// strictest known client (regru/API-ISPManager, Perl) compares the raw
// header with `eq 'text/xml'` and rejects anything else; the XML prolog
// already declares UTF-8. The JSON content type of real mgr5 is not
// documented [INF].
const (
	// ContentTypeXML is used for xml and devel.
	ContentTypeXML = "text/xml"
	// ContentTypeJSON is used for json, sjson, bjson and JSONdata.
	ContentTypeJSON = "application/json; charset=UTF-8"
	// ContentTypeText is used for text.
	ContentTypeText = "text/plain; charset=UTF-8"
	// ContentTypeFile is the download type when File.ContentType is unusable.
	ContentTypeFile = "application/octet-stream"
)

// RetryAfterSeconds is the Retry-After of a 503 answer.
const RetryAfterSeconds = 5

const xmlProlog = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Encode writes d to w in format f with HTTP status 200 (API-level errors
// are documents, not statuses), or d.Status when set: an error document
// about an outage is sent with 503 and Retry-After, so that clients' retry
// policies retry. A KindFile document is written as an
// attachment whatever f is. A nil d is rendered as an internal error.
func Encode(w http.ResponseWriter, f Format, d *Doc) {
	body, ct := Marshal(f, d)
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if d != nil && d.Kind == KindFile {
		h.Set("Content-Disposition", `attachment; filename="`+SafeFileName(fileName(d))+`"`)
	}
	status := http.StatusOK
	if d != nil && d.Status != 0 {
		status = d.Status
	}
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client is gone if this fails; nothing to do
}

func fileName(d *Doc) string {
	if d.File == nil {
		return ""
	}
	return d.File.Name
}

// Marshal renders d in format f and returns the body and its content type.
// Unknown formats are rendered as xml; KindFile returns the file itself.
func Marshal(f Format, d *Doc) (body []byte, contentType string) {
	if d == nil {
		d = NewError("", "en", "internal", "", "", "Internal error")
	}
	if d.Kind == KindFile {
		if d.File == nil {
			return nil, ContentTypeFile
		}
		return d.File.Data, fileContentType(d.File.ContentType)
	}
	var b bytes.Buffer
	switch f {
	case FormatJSON, FormatSJSON:
		b.WriteString(`{"doc":`)
		writeJSONNode(&b, buildTree(d), f == FormatSJSON)
		b.WriteString("}\n")
		return b.Bytes(), ContentTypeJSON
	case FormatBJSON:
		writeBJSON(&b, d)
		b.WriteByte('\n')
		return b.Bytes(), ContentTypeJSON
	case FormatJSONData:
		writeJSONData(&b, d)
		b.WriteByte('\n')
		return b.Bytes(), ContentTypeJSON
	case FormatText:
		writeText(&b, d)
		return b.Bytes(), ContentTypeText
	default: // xml, devel [INF: devel answered like xml, without metadata]
		b.WriteString(xmlProlog)
		writeXMLNode(&b, buildTree(d), 0)
		return b.Bytes(), ContentTypeXML
	}
}

func fileContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ContentTypeFile
	}
	return mime.FormatMediaType(mt, params)
}

// SafeFileName reduces name to a file name that is safe in a
// Content-Disposition header and on any file system: the last path element,
// ASCII letters, digits, '.', '-' and '_' only (others become '_'), no
// leading dots, at most 100 bytes; "download" if nothing is left.
func SafeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	b := make([]byte, 0, len(name))
	for _, r := range name {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'):
			b = append(b, byte(r))
		default:
			b = append(b, '_')
		}
	}
	s := strings.TrimLeft(string(b), ".")
	if len(s) > 100 {
		s = s[:100]
	}
	if strings.Trim(s, "_.") == "" {
		return "download"
	}
	return s
}

// ---------------------------------------------------------------------------
// The generic tree shared by xml, devel, json and sjson.

type node struct {
	name     string
	attrs    []Attr
	text     string
	hasText  bool
	children []*node
	// array makes sjson render the element as an array even when it
	// occurs once (Node.Repeated).
	array bool
}

func (n *node) add(c *node) *node { n.children = append(n.children, c); return c }

// leaf returns a text element.
func leaf(name, text string, attrs ...Attr) *node {
	return &node{name: name, text: text, hasText: true, attrs: attrs}
}

// sanitizeName turns an arbitrary string into an XML name (and uses the same
// name in every format): ASCII letters, digits, '_', '-', '.'; other bytes
// become '_'; a leading digit, '-' or '.' gets a '_' prefix.
func sanitizeName(s string) string {
	if s == "" {
		return "_"
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	if c := b[0]; c >= '0' && c <= '9' || c == '-' || c == '.' {
		return "_" + string(b)
	}
	return string(b)
}

// cleanAttrs sanitises names and drops duplicates (keeping the first), as
// duplicate attributes are not well-formed XML.
func cleanAttrs(in []Attr) []Attr {
	if len(in) == 0 {
		return nil
	}
	out := make([]Attr, 0, len(in))
	seen := map[string]bool{}
	for _, a := range in {
		n := sanitizeName(a.Name)
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, Attr{n, a.Value})
	}
	return out
}

func fieldNode(f Field) *node { return leaf(f.Name, f.Value, f.Attrs...) }

func buildTree(d *Doc) *node {
	var ra []Attr
	if d.Lang != "" {
		ra = append(ra, Attr{"lang", d.Lang})
	}
	if d.Func != "" {
		ra = append(ra, Attr{"func", d.Func})
	}
	root := &node{name: "doc", attrs: append(ra, d.Attrs...)}
	switch d.Kind {
	case KindList:
		for _, row := range d.Rows {
			e := root.add(&node{name: "elem"})
			for _, c := range row {
				e.add(fieldNode(c))
			}
		}
		if d.PageNum > 0 {
			root.add(leaf("p_num", strconv.Itoa(d.PageNum)))
		}
		if d.PageCnt > 0 {
			root.add(leaf("p_cnt", strconv.Itoa(d.PageCnt)))
		}
		root.add(leaf("p_elems", strconv.Itoa(pageElems(d))))
	case KindForm:
		for _, f := range d.Fields {
			root.add(fieldNode(f))
		}
		for _, sl := range d.SLists {
			s := root.add(&node{name: "slist", attrs: []Attr{{"name", sl.Name}}})
			for _, o := range sl.Options {
				s.add(leaf("val", o.Label, append([]Attr{{"key", o.Key}}, o.Attrs...)...))
			}
		}
	case KindError:
		e := d.Error
		if e == nil {
			e = &ErrorInfo{Type: "internal", Msg: "Internal error"}
		}
		attrs := []Attr{{"type", e.Type}, {"object", e.Object}, {"value", e.Value}}
		if d.Lang != "" {
			attrs = append(attrs, Attr{"lang", d.Lang})
		}
		en := root.add(&node{name: "error", attrs: attrs})
		en.add(leaf("param", e.Object, Attr{"name", "object"}, Attr{"type", "msg"}))
		en.add(leaf("param", e.Value, Attr{"name", "value"}))
		for _, p := range e.Params {
			en.add(leaf("param", p.Value, Attr{"name", p.Name}))
		}
		en.add(leaf("detail", e.Msg))
		en.add(leaf("msg", e.Msg))
	case KindData: // nothing but the nested elements below
	default: // KindOK
		if d.ID != "" {
			root.add(leaf("id", d.ID))
		}
		ok := root.add(&node{name: "ok"})
		if d.OKType != "" {
			ok.attrs = []Attr{{"type", d.OKType}}
		}
		if d.OKText != "" {
			ok.text, ok.hasText = d.OKText, true
		}
	}
	root.children = append(root.children, treeNodes(d.Nodes)...)
	if d.TParams != nil {
		tp := root.add(&node{name: "tparams"})
		red := Redact(d.TParams)
		for _, k := range sortedKeys(red) {
			for _, v := range red[k] {
				tp.add(leaf(k, v))
			}
		}
	}
	return root
}

func pageElems(d *Doc) int {
	if d.PageElems == 0 {
		return len(d.Rows)
	}
	return d.PageElems
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ---------------------------------------------------------------------------
// XML

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// writeXMLEscaped writes s as XML character data or an attribute value:
// invalid UTF-8 becomes U+FFFD, characters illegal in XML 1.0 are dropped,
// markup is escaped, and line breaks/tabs become character references where
// the parser would otherwise normalise them (CR always; TAB/LF in attributes).
func writeXMLEscaped(b *bytes.Buffer, s string, attr bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			r = '\uFFFD'
		}
		switch {
		case !isXMLChar(r):
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' && attr:
			b.WriteString("&#xA;")
		case r == '\t' && attr:
			b.WriteString("&#x9;")
		default:
			b.WriteRune(r)
		}
	}
}

func writeXMLNode(b *bytes.Buffer, n *node, depth int) {
	indent := strings.Repeat("  ", depth)
	name := sanitizeName(n.name)
	b.WriteString(indent)
	b.WriteByte('<')
	b.WriteString(name)
	for _, a := range cleanAttrs(n.attrs) {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		writeXMLEscaped(b, a.Value, true)
		b.WriteByte('"')
	}
	switch {
	case len(n.children) > 0:
		b.WriteString(">\n")
		if n.hasText && n.text != "" {
			b.WriteString(indent + "  ")
			writeXMLEscaped(b, n.text, false)
			b.WriteByte('\n')
		}
		for _, c := range n.children {
			writeXMLNode(b, c, depth+1)
		}
		b.WriteString(indent + "</" + name + ">\n")
	case n.text != "":
		b.WriteByte('>')
		writeXMLEscaped(b, n.text, false)
		b.WriteString("</" + name + ">\n")
	default:
		b.WriteString("/>\n")
	}
}

// ---------------------------------------------------------------------------
// JSON helpers

// writeJSONString writes s as a JSON string: invalid UTF-8 becomes U+FFFD,
// control characters and U+2028/U+2029 are escaped.
func writeJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			r = '\uFFFD'
		}
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hex[(r>>uint(shift))&0xF])
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// jsonObject writes the members of one JSON object, skipping duplicate keys.
type jsonObject struct {
	b     *bytes.Buffer
	n     int
	seen  map[string]bool
	close byte
}

func openObject(b *bytes.Buffer) *jsonObject {
	b.WriteByte('{')
	return &jsonObject{b: b, seen: map[string]bool{}, close: '}'}
}

// key writes a member key and reports whether the caller should write the
// value (false for a duplicate key, which is dropped).
func (o *jsonObject) key(k string) bool {
	if o.seen[k] {
		return false
	}
	o.seen[k] = true
	if o.n > 0 {
		o.b.WriteByte(',')
	}
	o.n++
	writeJSONString(o.b, k)
	o.b.WriteByte(':')
	return true
}

func (o *jsonObject) str(k, v string) {
	if o.key(k) {
		writeJSONString(o.b, v)
	}
}

func (o *jsonObject) end() { o.b.WriteByte(o.close) }

// ---------------------------------------------------------------------------
// json and sjson: the XML tree with "$" for text and "$attr" for attributes.
// An element that occurs once is an object, several times an array. In
// sjson [INF: no public spec] the kinds that can repeat always become
// arrays: elem, slist, val, and the cells inside an elem (a client reads
// doc.elem[0].balance[0].$); everything else follows the json rule.

func sjsonArray(name, parent string) bool {
	switch name {
	case "elem", "slist", "val":
		return true
	}
	return parent == "elem"
}

func writeJSONNode(b *bytes.Buffer, n *node, sjson bool) {
	o := openObject(b)
	for _, a := range cleanAttrs(n.attrs) {
		o.str("$"+a.Name, a.Value)
	}
	if n.hasText {
		o.str("$", n.text)
	}
	// Group children by sanitised name, in first-occurrence order.
	var order []string
	groups := map[string][]*node{}
	for _, c := range n.children {
		cn := sanitizeName(c.name)
		if _, ok := groups[cn]; !ok {
			order = append(order, cn)
		}
		groups[cn] = append(groups[cn], c)
	}
	parent := sanitizeName(n.name)
	for _, cn := range order {
		g := groups[cn]
		o.key(cn)
		if len(g) == 1 && !(sjson && (sjsonArray(cn, parent) || g[0].array)) {
			writeJSONNode(b, g[0], sjson)
			continue
		}
		b.WriteByte('[')
		for i, c := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONNode(b, c, sjson)
		}
		b.WriteByte(']')
	}
	o.end()
}

// ---------------------------------------------------------------------------
// bjson (BILLmanager 6 client area): no doc wrapper, flat string values,
// cell attributes as "<field>_<attr>", form values under "model", select
// lists as "slist":{"<name>":[{"k":…,"v":…}]}, success "ok":true.

// writeFlat writes fields as one flat object: name → value, plus
// name_attr → attribute value. Duplicate keys keep the first value.
func writeFlat(b *bytes.Buffer, fields []Field) {
	o := openObject(b)
	for _, f := range fields {
		name := sanitizeName(f.Name)
		o.str(name, f.Value)
		for _, a := range f.Attrs {
			o.str(name+"_"+sanitizeName(a.Name), a.Value)
		}
	}
	o.end()
}

func writeRows(b *bytes.Buffer, rows []Row) {
	b.WriteByte('[')
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		writeFlat(b, r)
	}
	b.WriteByte(']')
}

func writeErrorObject(b *bytes.Buffer, e *ErrorInfo) {
	if e == nil {
		e = &ErrorInfo{Type: "internal", Msg: "Internal error"}
	}
	o := openObject(b)
	o.str("type", e.Type)
	o.str("object", e.Object)
	o.str("value", e.Value)
	for _, p := range e.Params {
		if p.Name != "type" && p.Name != "object" && p.Name != "value" && p.Name != "msg" {
			o.str(p.Name, p.Value)
		}
	}
	o.str("msg", e.Msg)
	o.end()
}

// writeOK writes the ok member(s) into o: "ok":true, or "ok":{"v":text}
// when ok carries text; a created id goes into "id" and, because bjson
// clients read form data from "model", also into "model":{"id":…} [INF].
func writeOK(o *jsonObject, d *Doc, withModel bool) {
	if o.key("ok") {
		if d.OKText == "" {
			o.b.WriteString("true")
		} else {
			oo := openObject(o.b)
			oo.str("v", d.OKText)
			oo.end()
		}
	}
	if d.ID != "" {
		o.str("id", d.ID)
		if withModel && o.key("model") {
			writeFlat(o.b, []Field{F("id", d.ID)})
		}
	}
}

func writeBJSON(b *bytes.Buffer, d *Doc) {
	o := openObject(b)
	if d.Func != "" {
		o.str("func", d.Func)
	}
	switch d.Kind {
	case KindList:
		o.key("elem")
		writeRows(b, d.Rows)
		// Paging values are strings like every other bjson value [INF].
		if d.PageNum > 0 {
			o.str("p_num", strconv.Itoa(d.PageNum))
		}
		if d.PageCnt > 0 {
			o.str("p_cnt", strconv.Itoa(d.PageCnt))
		}
		o.str("p_elems", strconv.Itoa(pageElems(d)))
	case KindForm:
		o.key("model")
		writeFlat(b, d.Fields)
		if len(d.SLists) > 0 {
			o.key("slist")
			so := openObject(b)
			for _, sl := range d.SLists {
				if !so.key(sanitizeName(sl.Name)) {
					continue
				}
				b.WriteByte('[')
				for i, opt := range sl.Options {
					if i > 0 {
						b.WriteByte(',')
					}
					kv := openObject(b)
					kv.str("k", opt.Key)
					kv.str("v", opt.Label)
					kv.end()
				}
				b.WriteByte(']')
			}
			so.end()
		}
	case KindError:
		o.key("error")
		writeErrorObject(b, d.Error)
	case KindData:
	default:
		writeOK(o, d, true)
	}
	writeBJSONNodes(o, d.Nodes)
	o.end()
}

// ---------------------------------------------------------------------------
// JSONdata: data only. A list is a bare array of flat objects (as bjson
// rows); a form is one flat object of its fields, select lists omitted; ok
// and error use the bjson members without func [INF: undocumented].

func writeJSONData(b *bytes.Buffer, d *Doc) {
	switch d.Kind {
	case KindList:
		writeRows(b, d.Rows)
	case KindForm:
		writeFlat(b, d.Fields)
	case KindError:
		o := openObject(b)
		o.key("error")
		writeErrorObject(b, d.Error)
		o.end()
	case KindData:
		o := openObject(b)
		writeBJSONNodes(o, d.Nodes)
		o.end()
	default:
		o := openObject(b)
		writeOK(o, d, false)
		writeBJSONNodes(o, d.Nodes)
		o.end()
	}
}

// ---------------------------------------------------------------------------
// text: mgrctl-style. ok → "OK" (plus "id=…"); error → "ERROR
// type(object): msg"; a list → one line per row of space-separated
// key=value cells; a form → one key=value per line. Line breaks, tabs and
// backslashes in values are escaped as \n, \r, \t, \\ so that every record
// stays on one line; other control characters are dropped [INF].

func writeTextValue(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			r = '\uFFFD'
		}
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7F:
		default:
			b.WriteRune(r)
		}
	}
}

func writeTextFields(b *bytes.Buffer, fields []Field, sep byte) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(sep)
		}
		name := sanitizeName(f.Name)
		b.WriteString(name + "=")
		writeTextValue(b, f.Value)
		for _, a := range f.Attrs {
			b.WriteByte(sep)
			b.WriteString(name + "_" + sanitizeName(a.Name) + "=")
			writeTextValue(b, a.Value)
		}
	}
	if len(fields) > 0 {
		b.WriteByte('\n')
	}
}

func writeText(b *bytes.Buffer, d *Doc) {
	switch d.Kind {
	case KindList:
		for _, r := range d.Rows {
			writeTextFields(b, r, ' ')
		}
	case KindForm:
		writeTextFields(b, d.Fields, '\n')
	case KindError:
		e := d.Error
		if e == nil {
			e = &ErrorInfo{Type: "internal", Msg: "Internal error"}
		}
		b.WriteString("ERROR ")
		writeTextValue(b, e.Type)
		if e.Object != "" {
			b.WriteByte('(')
			writeTextValue(b, e.Object)
			b.WriteByte(')')
		}
		if e.Msg != "" {
			b.WriteString(": ")
			writeTextValue(b, e.Msg)
		}
		b.WriteByte('\n')
	case KindData:
	default:
		b.WriteString("OK\n")
		if d.ID != "" {
			b.WriteString("id=")
			writeTextValue(b, d.ID)
			b.WriteByte('\n')
		}
		if d.OKText != "" {
			b.WriteString("ok=")
			writeTextValue(b, d.OKText)
			b.WriteByte('\n')
		}
	}
	writeTextNodes(b, d.Nodes)
}
