package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/net/idna"

	"certsvc/ent"
	"certsvc/ent/certificate"
	"certsvc/ent/certificatename"
	"certsvc/ent/predicate"
)

// nameSuffixes are the rows of certificate_names for a certificate's names:
// each name, and what follows each of its dots, once.
func nameSuffixes(names []string) []string {
	var out []string
	for _, n := range names {
		n = strings.ToLower(n)
		for n != "" {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
			_, rest, ok := strings.Cut(n, ".")
			if !ok {
				break
			}
			n = rest
		}
	}
	return out
}

// certNames is a certificate's names: its common name and extra names.
func certNames(commonName string, extra []string) []string {
	return append([]string{commonName}, extra...)
}

// writeNames makes certificate_names hold names for certificate id in tx:
// one multi-row insert for a new certificate (old nil), else only the rows
// that differ. The caller holds the certificate's row lock.
func writeNames(ctx context.Context, tx *ent.Tx, id int64, old, names []string) error {
	want := nameSuffixes(names)
	var had []string
	if old != nil {
		had = nameSuffixes(old)
	}
	var gone []string
	for _, s := range had {
		if !slices.Contains(want, s) {
			gone = append(gone, s)
		}
	}
	if len(gone) > 0 {
		if _, err := tx.CertificateName.Delete().Where(certificatename.CertificateID(id), certificatename.SuffixIn(gone...)).Exec(ctx); err != nil {
			return fmt.Errorf("remove names of certificate %d: %w", id, err)
		}
	}
	creates := make([]*ent.CertificateNameCreate, 0, len(want))
	for _, s := range want {
		if !slices.Contains(had, s) {
			creates = append(creates, tx.CertificateName.Create().SetCertificateID(id).SetSuffix(s))
		}
	}
	if len(creates) == 0 {
		return nil
	}
	if err := tx.CertificateName.CreateBulk(creates...).Exec(ctx); err != nil {
		return fmt.Errorf("record names of certificate %d: %w", id, err)
	}
	return nil
}

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
func (s *Service) domainFilter(ctx context.Context, d string) (predicate.Certificate, error) {
	if s.broadDomains.isBroad(d, s.now()) {
		return domainTest(d), nil
	}
	ids, err := s.db.CertificateName.Query().Where(certificatename.SuffixHasPrefix(d)).Unique(true).
		Limit(domainIDLimit + 1).Select(certificatename.FieldCertificateID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find certificates by domain: %w", err)
	}
	if len(ids) > domainIDLimit {
		s.broadDomains.setBroad(d, s.now())
		return domainTest(d), nil
	}
	ids64 := make([]int64, len(ids))
	for i, id := range ids {
		ids64[i] = int64(id)
	}
	return certificate.IDIn(ids64...), nil
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
