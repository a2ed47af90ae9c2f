package service

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"certsvc/internal/errkind"
)

const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// page is a keyset position in a listing ordered by id.
type page struct {
	size  int   // rows to return
	after int64 // the last id of the previous page; 0 on the first page
	key   string
}

// pageToken is what a page token carries: the last id returned and a
// fingerprint of the filters, so a token is not reused with other filters.
type pageToken struct {
	After  int64  `json:"a"`
	Filter string `json:"f"`
}

// readPage reads page_size and page_token from a List request.
func readPage(req proto.Message) (page, error) {
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	p := page{size: defaultPageSize, key: filterKey(req)}
	if f := fields.ByName("page_size"); f != nil {
		if n := int(m.Get(f).Int()); n > 0 {
			p.size = min(n, maxPageSize)
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
	p.after = pt.After
	return p, nil
}

// limit is how many rows to fetch: one more than the page, so the last page
// is known to be the last.
func (p page) limit() int { return p.size + 1 }

// cut trims rows fetched with limit to the page and returns the token of the
// next page, "" when this is the last one.
func cut[T any](p page, rows []T, id func(T) int64) ([]T, string) {
	if len(rows) <= p.size {
		return rows, ""
	}
	rows = rows[:p.size]
	b, _ := json.Marshal(pageToken{After: id(rows[len(rows)-1]), Filter: p.key})
	return rows, base64.RawURLEncoding.EncodeToString(b)
}

// filterKey fingerprints a request without its paging fields.
func filterKey(req proto.Message) string {
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
