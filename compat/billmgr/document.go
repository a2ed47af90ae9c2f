package billmgr

import (
	"net/http"
	"net/url"
)

// Kind is the kind of a response document.
type Kind int

// The document kinds. Each encoder renders every kind.
const (
	// KindOK is a successful action: <ok/>, optionally with the id of a
	// created object.
	KindOK Kind = iota
	// KindList is a list function's result: rows plus paging.
	KindList
	// KindForm is a form/view: ordered fields and select lists.
	KindForm
	// KindError is an API-level error (still HTTP 200).
	KindError
	// KindFile is a raw file download; it bypasses the output format.
	KindFile
	// KindData is a document of nested elements only (Doc.Nodes), such as
	// pricelist.export: no <ok/>, no model.
	KindData
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindOK:
		return "ok"
	case KindList:
		return "list"
	case KindForm:
		return "form"
	case KindError:
		return "error"
	case KindFile:
		return "file"
	case KindData:
		return "data"
	}
	return "unknown"
}

// Attr is one named attribute, such as orig="2" on a cell.
type Attr struct {
	Name, Value string
}

// Field is one named value: a cell of a list row or a field of a form. Attrs
// become XML attributes ("$orig" in json, "<name>_orig" in bjson).
type Field struct {
	Name  string
	Value string
	Attrs []Attr
}

// F returns a Field without attributes.
func F(name, value string) Field { return Field{Name: name, Value: value} }

// FO returns a Field whose displayed value differs from its raw value, e.g.
// FO("item_status", "Active", "2") → <item_status orig="2">Active</item_status>.
func FO(name, display, orig string) Field {
	return Field{Name: name, Value: display, Attrs: []Attr{{"orig", orig}}}
}

// Row is one list element (<elem>), its cells in display order.
type Row []Field

// Option is one entry of a select list: <val key="K">Label</val>. Attrs
// carries extras such as image="/manimg/common/flag/RU.png".
type Option struct {
	Key, Label string
	Attrs      []Attr
}

// SList is a named select list of a form.
type SList struct {
	Name    string
	Options []Option
}

// ErrorInfo describes an API-level error. Msg is the final localised text,
// chosen by the caller for Doc.Lang.
type ErrorInfo struct {
	// Type is the error type: auth, access, missed, value, exists,
	// not_enough_money, ...
	Type string
	// Object is the object of the error (badpassword, a parameter name, ...).
	Object string
	// Value is the offending value, if any.
	Value string
	// Msg is the localised message (also rendered as <detail>).
	Msg string
	// Params are extra named parameters (amount, currency, ...).
	Params []Attr
}

// File is a raw download (certificate.file).
type File struct {
	// ContentType defaults to application/octet-stream when empty/invalid.
	ContentType string
	// Name is the suggested file name; it is sanitised before use.
	Name string
	// Data is the file content.
	Data []byte
}

// Doc is a format-neutral response document. Everything is kept in slices
// so the output order is exactly the order the caller built.
type Doc struct {
	// Kind selects which of the fields below are rendered.
	Kind Kind
	// Func is echoed as the func attribute of <doc> (and "func" in bjson).
	Func string
	// Lang is echoed as the lang attribute of <doc> and <error>.
	Lang string
	// Status is the HTTP status Encode sends; 0 is 200, which every
	// API-level answer uses except an outage (503).
	Status int
	// Attrs are extra attributes of the root <doc> (binary, host, ...).
	Attrs []Attr

	// Rows are the list elements (KindList).
	Rows []Row
	// PageNum, PageCnt and PageElems are p_num, p_cnt and p_elems of a list;
	// p_num/p_cnt are omitted when zero, p_elems is always present.
	PageNum, PageCnt, PageElems int

	// Fields are the form values (KindForm), in order.
	Fields []Field
	// SLists are the form's select lists, in order.
	SLists []SList

	// ID is the id of a created object (KindOK): rendered as <id> next to
	// <ok/>.
	ID string
	// OKText is optional text inside <ok> (a redirect target); OKType its
	// optional type attribute.
	OKText, OKType string

	// Error is the error (KindError).
	Error *ErrorInfo

	// File is the download (KindFile).
	File *File

	// Nodes are nested elements (see nested.go), rendered after the kind's
	// own content: the whole payload of KindData, or extras such as the
	// inner <doc> of a service.prolong answer.
	Nodes []*Node

	// TParams, when non-nil, is echoed as <tparams>. The encoder always
	// passes it through Redact first, so secrets never leave the gateway.
	TParams url.Values
}

// NewList returns an empty list document for fn.
func NewList(fn, lang string) *Doc { return &Doc{Kind: KindList, Func: fn, Lang: lang} }

// AddRow appends a row to a list document and returns d.
func (d *Doc) AddRow(cells ...Field) *Doc {
	d.Rows = append(d.Rows, Row(cells))
	return d
}

// NewForm returns a form document for fn with the given fields.
func NewForm(fn, lang string, fields ...Field) *Doc {
	return &Doc{Kind: KindForm, Func: fn, Lang: lang, Fields: fields}
}

// AddSList appends a select list to a form document and returns d.
func (d *Doc) AddSList(name string, opts ...Option) *Doc {
	d.SLists = append(d.SLists, SList{Name: name, Options: opts})
	return d
}

// NewOK returns a success document; id is the created object's id or "".
func NewOK(fn, lang, id string) *Doc { return &Doc{Kind: KindOK, Func: fn, Lang: lang, ID: id} }

// NewError returns an error document.
func NewError(fn, lang, typ, object, value, msg string) *Doc {
	return &Doc{Kind: KindError, Func: fn, Lang: lang,
		Error: &ErrorInfo{Type: typ, Object: object, Value: value, Msg: msg}}
}

// NewUnavailable returns the error document of an outage (type internal,
// object unavailable), sent with HTTP 503 so that clients retry later.
func NewUnavailable(fn, lang, msg string) *Doc {
	d := NewError(fn, lang, ErrorInternal, "unavailable", "", msg)
	d.Status = http.StatusServiceUnavailable
	return d
}

// The error types of BILLmanager's error documents that certsvc answers.
const (
	ErrorAuth           = "auth"
	ErrorAccess         = "access"
	ErrorMissed         = "missed"
	ErrorValue          = "value"
	ErrorExists         = "exists"
	ErrorInternal       = "internal"
	ErrorNotEnoughMoney = "not_enough_money"
)

// NewFile returns a download document.
func NewFile(contentType, name string, data []byte) *Doc {
	return &Doc{Kind: KindFile, File: &File{ContentType: contentType, Name: name, Data: data}}
}
