package certificates

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/net/idna"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificatename"
	"github.com/certsvc/certsvc/ent/predicate"
)

// The domain filter of ListCertificates reads certificate_names, which the
// order core keeps: see core.NameSuffixes.

// domainQuery normalises the domain filter: lower case, punycode for a
// name given in Unicode, without spaces and leading dots.
func domainQuery(d string) string {
	d = strings.TrimLeft(strings.ToLower(strings.TrimSpace(d)), ".")
	if strings.ContainsFunc(d, func(r rune) bool { return r > 0x7f }) {
		if a, err := idna.Lookup.ToASCII(d); err == nil && a != "" {
			d = a
		}
	}
	return d
}

// domainIDLimit is the most certificates a domain filter finds by their ids;
// a filter that matches more is tested row by row instead.
const domainIDLimit = 2000

// domainPlans remembers, for a few minutes, the domain filters that matched
// more than domainIDLimit certificates, so they are not counted each time.
// It holds only such filters (few), and forgets them all past a bound.
type domainPlans struct {
	mu    sync.Mutex
	broad map[string]time.Time // until when
}

func (p *domainPlans) isBroad(d string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return now.Before(p.broad[d])
}

func (p *domainPlans) setBroad(d string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.broad == nil || len(p.broad) >= 4096 {
		p.broad = map[string]time.Time{}
	}
	p.broad[d] = now.Add(5 * time.Minute)
}

// domainFilter keeps the certificates with a name that begins with d, or
// that has a label (the text after one of its dots) that begins with d: a
// prefix range of d over certificate_names. Up to domainIDLimit matching
// certificates are read from that range and listed by id; when more match,
// each row the listing's order reaches is tested with the
// (certificate_id, suffix) index until the page is full, which finds a page
// soon as so many match. (Left to itself, the optimizer materialises the
// whole range for the one and scans the whole table for the other.)
//
// With the ids it returns them too (sorted ascending), nil when it tests rows.
func (s *Handler) domainFilter(ctx context.Context, d string) (predicate.Certificate, []int64, error) {
	if s.broadDomains.isBroad(d, s.Clock()) {
		return domainTest(d), nil, nil
	}
	ids, err := s.db.CertificateName.Query().Where(certificatename.SuffixHasPrefix(d)).Unique(true).
		Limit(domainIDLimit + 1).Select(certificatename.FieldCertificateID).Ints(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("find certificates by domain: %w", err)
	}
	if len(ids) > domainIDLimit {
		s.broadDomains.setBroad(d, s.Clock())
		return domainTest(d), nil, nil
	}
	ids64 := make([]int64, len(ids))
	for i, id := range ids {
		ids64[i] = int64(id)
	}
	slices.Sort(ids64)
	return certificate.IDIn(ids64...), ids64, nil
}

// byIDs lists the rows q finds among ids in chunks, in q's order by id
// (descending when desc) after the cursor id after (0 for none), until more
// than size are found: so a page of a listing by id reads about a page of
// rows, not every row the domain filter matched.
func byIDs(ctx context.Context, q *ent.CertificateQuery, ids []int64, desc bool, after int64, size int) ([]*ent.Certificate, error) {
	ids = slices.Clone(ids)
	if desc {
		slices.Reverse(ids)
	}
	ids = slices.DeleteFunc(ids, func(id int64) bool { return after > 0 && (desc && id >= after || !desc && id <= after) })
	var rows []*ent.Certificate
	for chunk := range slices.Chunk(ids, 2*(size+1)) {
		got, err := q.Clone().Where(certificate.IDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		if len(rows) > size {
			return rows[:size+1], nil
		}
	}
	return rows, nil
}

// domainTest keeps a row when one of its names has the prefix d: a
// subquery per row, written as a scalar so that it is not turned into a
// semi-join.
func domainTest(d string) predicate.Certificate {
	return func(s *sql.Selector) {
		n := sql.Table(certificatename.Table).As("n")
		sub := sql.Select(n.C(certificatename.FieldID)).From(n).
			Where(sql.And(sql.ColumnsEQ(n.C(certificatename.FieldCertificateID), s.C(certificate.FieldID)),
				sql.HasPrefix(n.C(certificatename.FieldSuffix), d))).Limit(1)
		s.Where(sql.P(func(b *sql.Builder) {
			b.Wrap(func(b *sql.Builder) { b.Join(sub) }).WriteString(" IS NOT NULL")
		}))
	}
}
