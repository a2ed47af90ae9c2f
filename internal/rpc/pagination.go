package rpc

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/certsvc/certsvc/internal/errkind"
)

const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Page is a keyset position in a listing ordered by id.
type Page struct {
	Size  int   // rows to return
	After int64 // the last id of the previous page; 0 on the first page
	key   string
}

// pageToken is what a page token carries: the last id returned and a
// fingerprint of the filters, so a token is not reused with other filters.
type pageToken struct {
	After  int64  `json:"a"`
	Filter string `json:"f"`
}

// ReadPage reads page_size and page_token from a List request.
func ReadPage(req proto.Message) (Page, error) {
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	p := Page{Size: DefaultPageSize, key: FilterKey(req)}
	if f := fields.ByName("page_size"); f != nil {
		if n := int(m.Get(f).Int()); n > 0 {
			p.Size = min(n, MaxPageSize)
		}
	}
	tok := ""
	if f := fields.ByName("page_token"); f != nil {
		tok = m.Get(f).String()
	}
	if tok == "" {
		return p, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	var pt pageToken
	if err == nil {
		err = json.Unmarshal(raw, &pt)
	}
	if err != nil || pt.After <= 0 {
		return p, errkind.Invalid("page_token", "not a token this listing returned")
	}
	if pt.Filter != p.key {
		return p, errkind.Invalid("page_token", "was issued for other filters; start again without a token")
	}
	p.After = pt.After
	return p, nil
}

// Limit is how many rows to fetch: one more than the page, so the last page
// is known to be the last.
func (p Page) Limit() int { return p.Size + 1 }

// Cut trims rows fetched with limit to the page and returns the token of the
// next Page, "" when this is the last one.
func Cut[T any](p Page, rows []T, id func(T) int64) ([]T, string) {
	if len(rows) <= p.Size {
		return rows, ""
	}
	rows = rows[:p.Size]
	b, _ := json.Marshal(pageToken{After: id(rows[len(rows)-1]), Filter: p.key})
	return rows, base64.RawURLEncoding.EncodeToString(b)
}

// FilterKey fingerprints a request without its paging fields.
func FilterKey(req proto.Message) string {
	c := proto.Clone(req)
	m := c.ProtoReflect()
	for _, name := range []protoreflect.Name{"page_size", "page_token"} {
		if f := m.Descriptor().Fields().ByName(name); f != nil {
			m.Clear(f)
		}
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum := sha256.Sum256(append([]byte(m.Descriptor().FullName()), b...))
	return hex.EncodeToString(sum[:6])
}
