package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

// domainFilter keeps the certificates with a name that begins with d, or
// that has a label (the text after one of its dots) beginning with d: the
// prefix range of d over certificate_names.
func domainFilter(d string) predicate.Certificate {
	return func(s *sql.Selector) {
		names := sql.Table(certificatename.Table)
		s.Where(sql.In(s.C(certificate.FieldID),
			sql.Select(names.C(certificatename.FieldCertificateID)).From(names).
				Where(sql.HasPrefix(names.C(certificatename.FieldSuffix), d))))
	}
}
