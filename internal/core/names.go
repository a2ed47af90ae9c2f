package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificatename"
)

// NameSuffixes are the rows of certificate_names for a certificate's names:
// each name, and what follows each of its dots, once, lower-case.
func NameSuffixes(names []string) []string {
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
func certNames(c *ent.Certificate) []string {
	return append([]string{c.CommonName}, c.ExtraNames...)
}

// namesChanged reports whether m changes a certificate's names.
func namesChanged(m *ent.CertificateMutation) bool {
	_, cn := m.CommonName()
	_, extra := m.ExtraNames()
	_, appended := m.AppendedExtraNames()
	return cn || extra || appended || m.ExtraNamesCleared()
}

// notAfterChanged reports whether m changes a certificate's end date,
// which certificate_names repeats.
func notAfterChanged(m *ent.CertificateMutation) bool {
	_, set := m.NotAfter()
	return set || m.NotAfterCleared()
}

// writeNames makes certificate_names hold names for certificate id, whose
// end date is notAfter: the rows of a new certificate (old nil) in one
// insert, else only the rows that differ. The caller holds the
// certificate's row lock.
func (tx *Tx) writeNames(ctx context.Context, id int64, notAfter *time.Time, old, names []string) error {
	want := NameSuffixes(names)
	var had []string
	if old != nil {
		had = NameSuffixes(old)
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
			creates = append(creates, tx.CertificateName.Create().SetCertificateID(id).SetSuffix(s).SetNillableNotAfter(notAfter))
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

// writeNamesNotAfter sets the end date certificate_names holds for
// certificate id, after the certificate's changed.
func (tx *Tx) writeNamesNotAfter(ctx context.Context, id int64, notAfter *time.Time) error {
	u := tx.CertificateName.Update().Where(certificatename.CertificateID(id))
	if notAfter == nil {
		u.ClearNotAfter()
	} else {
		u.SetNotAfter(*notAfter)
	}
	if _, err := u.Save(ctx); err != nil {
		return fmt.Errorf("record the end date of certificate %d by its names: %w", id, err)
	}
	return nil
}
