package certificates

import (
	"cmp"
	"context"
	stdsql "database/sql"
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

// domainIDLimit is the most rows of certificate_names a domain filter reads
// to find the certificates it matches by their ids; a filter that matches
// more is tested row by row instead.
const domainIDLimit = 2000

// domainPlans remembers, for a few minutes, the domain filters that matched
// more than domainIDLimit names, so they are not counted each time.
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

// domainMatch is a certificate a narrow domain filter matched, with its
// end date as certificate_names holds it.
type domainMatch struct {
	ID       int64
	NotAfter *time.Time
}

// domainFilter keeps the certificates with a name that begins with d, or
// that has a label (the text after one of its dots) that begins with d: a
// prefix range of d over certificate_names. Up to domainIDLimit matching
// names are read from that range (with the end dates of their certificates
// when dated) and their certificates listed by id; when more match, each row
// the listing's order reaches is tested with the (certificate_id, suffix)
// index until the page is full, which finds a page soon as so many match.
// (Left to itself, the optimizer materialises the whole range for the one
// and scans the whole table for the other.)
//
// With the matches it returns them too (one per certificate, sorted by id),
// nil when it tests rows.
func (s *Handler) domainFilter(ctx context.Context, d string, dated bool) (predicate.Certificate, []domainMatch, error) {
	if s.broadDomains.isBroad(d, s.Clock()) {
		return domainTest(d), nil, nil
	}
	found, err := s.domainRows(ctx, d, dated, domainIDLimit+1)
	if err != nil {
		return nil, nil, fmt.Errorf("find certificates by domain: %w", err)
	}
	if len(found) > domainIDLimit {
		s.broadDomains.setBroad(d, s.Clock())
		return domainTest(d), nil, nil
	}
	slices.SortFunc(found, func(a, b domainMatch) int { return cmp.Compare(a.ID, b.ID) })
	found = slices.CompactFunc(found, func(a, b domainMatch) bool { return a.ID == b.ID })
	ids := make([]int64, len(found))
	for i, m := range found {
		ids[i] = m.ID
	}
	return certificate.IDIn(ids...), found, nil
}

// domainRows reads up to limit rows of certificate_names whose suffix
// begins with d: the certificate of each, with its end date when dated. Not
// DISTINCT: a certificate with two names that match is rare, and the caller
// drops repeats without a temporary table. It scans the rows itself; ent's
// scan, by reflection, took two thirds of the server's time of a listing
// whose filter matched 1,000 names.
func (s *Handler) domainRows(ctx context.Context, d string, dated bool, limit int) ([]domainMatch, error) {
	cols := []string{certificatename.FieldCertificateID}
	if dated {
		cols = append(cols, certificatename.FieldNotAfter)
	}
	query, args := sql.Dialect(s.Dialect()).Select(cols...).From(sql.Table(certificatename.Table)).
		Where(sql.HasPrefix(certificatename.FieldSuffix, d)).Limit(limit).Query()
	rows, err := s.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := []domainMatch{} // none: a narrow filter all the same
	var m domainMatch
	var notAfter stdsql.NullTime
	dest := []any{&m.ID, &notAfter}[:len(cols)]
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil { // sets notAfter, when dated
			return nil, err
		}
		m.NotAfter = nil
		if notAfter.Valid {
			t := notAfter.Time
			m.NotAfter = &t
		}
		found = append(found, m)
	}
	return found, rows.Err()
}

// pageOf lists the rows q finds among ids, which are in q's order, in
// chunks until more than size are found: so a page reads about a page of
// rows, not every row the domain filter matched.
func pageOf(ctx context.Context, q *ent.CertificateQuery, ids []int64, size int) ([]*ent.Certificate, error) {
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

// idOrder are the ids of matches after the cursor id after (0 for none) in
// ascending order, or descending when desc.
func idOrder(matches []domainMatch, desc bool, after int64) []int64 {
	ids := make([]int64, 0, len(matches))
	for _, m := range matches {
		if after == 0 || desc && m.ID < after || !desc && m.ID > after {
			ids = append(ids, m.ID)
		}
	}
	if desc {
		slices.Reverse(ids)
	}
	return ids
}

// notAfterOrder are the ids of matches with an end date, soonest first (then
// by id), after the cursor (at, after) (after 0 for none).
func notAfterOrder(matches []domainMatch, at time.Time, after int64) []int64 {
	var dated []domainMatch
	for _, m := range matches {
		if m.NotAfter == nil {
			continue
		}
		if after != 0 {
			if c := m.NotAfter.Compare(at); c < 0 || c == 0 && m.ID <= after {
				continue
			}
		}
		dated = append(dated, m)
	}
	slices.SortFunc(dated, func(a, b domainMatch) int {
		return cmp.Or(a.NotAfter.Compare(*b.NotAfter), cmp.Compare(a.ID, b.ID))
	})
	ids := make([]int64, len(dated))
	for i, m := range dated {
		ids[i] = m.ID
	}
	return ids
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
