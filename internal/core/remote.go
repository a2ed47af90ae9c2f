package core

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"certsvc/ent"
	"certsvc/ent/certificate"
	"certsvc/internal/catalog"
	"certsvc/internal/errkind"
	"certsvc/internal/lifecycle"
	"certsvc/internal/pki"
	"certsvc/internal/provider"
)

// NewOpRef is a fresh reference for an operation at the CA: the order id
// and the time, so each attempt has its own and a lookup finds only it.
func (s *Core) NewOpRef(c *ent.Certificate) string {
	return fmt.Sprintf("%d-%d", c.ID, s.now().UnixMicro())
}

// Issued sets what a newly issued certificate brings: the files and dates,
// the reissue's request in place of the old one, and the paid term, which
// starts when the first certificate does.
func Issued(u *ent.CertificateUpdateOne, c *ent.Certificate, leaf *x509.Certificate, chain []*x509.Certificate) {
	nb, na := leaf.NotBefore.UTC(), leaf.NotAfter.UTC()
	u.SetCertPem(string(pki.EncodePEMCertificates(leaf))).SetChainPem(string(pki.EncodePEMCertificates(chain...))).
		SetSerialNumber(fmt.Sprintf("%x", leaf.SerialNumber)).SetNotBefore(nb).SetNotAfter(na)
	EndOp(u)
	if c.IssueTime == nil {
		u.SetIssueTime(nb)
	}
	if c.PaidUntil == nil {
		u.SetPaidUntil(nb.AddDate(0, int(c.PeriodMonths), 0))
	}
	if c.NextCsrPem != "" {
		u.SetCsrPem(c.NextCsrPem).ClearNextCsrPem()
		if c.NextPrivateKey != "" {
			u.SetPrivateKey(c.NextPrivateKey).ClearNextPrivateKey()
		}
	}
	vs := slices.Clone(c.Validations)
	for i := range vs {
		vs[i].Status = "valid"
	}
	u.SetValidations(vs)
}

// RequestKey is the public key the next certificate of c must carry.
func RequestKey(c *ent.Certificate) (any, error) {
	pemText := c.CsrPem
	if c.NextCsrPem != "" {
		pemText = c.NextCsrPem
	}
	csr, err := pki.ParseCSR([]byte(pemText))
	if err != nil {
		return nil, fmt.Errorf("stored CSR of certificate %d: %w", c.ID, err)
	}
	return csr.PublicKey, nil
}

func RemoteRef(c *ent.Certificate) provider.RemoteRef {
	return provider.RemoteRef{Ref: c.OpRef, RemoteID: c.CaOrderID, State: c.RemoteState}
}

// ApplyRemote records what the CA says about c's operation: the state
// change it implies, the CA's order id and state, validation instructions
// and, once issued, the certificate.
func (tx *Tx) ApplyRemote(ctx context.Context, c *ent.Certificate, r provider.Remote, msg string) (*ent.Certificate, error) {
	if msg == "" {
		msg = r.Message
	}
	now := tx.core.Clock()
	mut := func(u *ent.CertificateUpdateOne) {
		if c.Op != "" {
			u.SetOpAnswerTime(now)
			if c.OpSentTime == nil { // sent without an intent: a repeat-safe CA
				u.SetOpSentTime(now)
			}
		}
		if r.RemoteID != "" {
			u.SetCaOrderID(Truncate(r.RemoteID, 128))
		}
		if r.State != "" || len(r.RemoteRef.State) > 0 {
			u.SetRemoteState(r.RemoteRef.State)
		}
		if len(r.DCV) > 0 {
			vs := c.Validations
			for _, in := range r.DCV {
				for i := range vs {
					if vs[i].Domain == in.Domain {
						vs[i].Status, vs[i].HTTPURL, vs[i].DNSName, vs[i].DNSType, vs[i].Value =
							in.Status, in.HTTPURL, in.DNSName, in.DNSType, in.Content
						if in.Email != "" {
							vs[i].Email = in.Email
						}
					}
				}
			}
			u.SetValidations(vs)
		}
	}
	events := EventsFor(lifecycle.State(c.State), r.State)
	if r.State == provider.StateIssued {
		pub, err := RequestKey(c)
		if err != nil {
			return nil, err
		}
		certs, err := pki.ParseCertificates([]byte(r.ChainPEM))
		if err != nil {
			return nil, fmt.Errorf("certificate from the CA: %w", err)
		}
		leaf, chain, err := pki.SplitChain(certs, pub)
		if err != nil {
			return nil, fmt.Errorf("certificate from the CA: %w", err)
		}
		issue := mut
		mut = func(u *ent.CertificateUpdateOne) { issue(u); Issued(u, c, leaf, chain) }
	}
	if len(events) == 0 {
		// No state change (still validating): store what changed.
		u := tx.Certificate.UpdateOne(c).SetUpdateTime(tx.core.Clock())
		mut(u)
		return u.Save(ctx)
	}
	for i, ev := range events {
		m := mut
		if i < len(events)-1 {
			m = nil
		}
		text := msg
		if ev == lifecycle.CAFailed || ev == lifecycle.CACancelled {
			text = strings.TrimSpace("the CA reports: " + r.RawStatus + " " + r.Message)
			m = func(u *ent.CertificateUpdateOne) {
				mut(u)
				AbandonOp(u)
			}
		}
		var err error
		if c, err = tx.Apply(ctx, c, Step{Event: ev, Message: text}, m); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// EventsFor is the path from an order's state to what the CA reports.
func EventsFor(from lifecycle.State, r provider.State) []lifecycle.Event {
	switch from {
	case lifecycle.Submitting:
		switch r {
		case provider.StateSubmitted, provider.StateAwaitingDCV:
			return []lifecycle.Event{lifecycle.Submit}
		case provider.StateProcessing:
			return []lifecycle.Event{lifecycle.Submit, lifecycle.ValidationPassed}
		case provider.StateIssued:
			return []lifecycle.Event{lifecycle.Submit, lifecycle.CAIssued}
		}
	case lifecycle.AwaitingValidation:
		switch r {
		case provider.StateProcessing:
			return []lifecycle.Event{lifecycle.ValidationPassed}
		case provider.StateIssued:
			return []lifecycle.Event{lifecycle.CAIssued}
		}
	case lifecycle.Processing:
		switch r {
		case provider.StateAwaitingDCV:
			return []lifecycle.Event{lifecycle.ValidationStarted}
		case provider.StateIssued:
			return []lifecycle.Event{lifecycle.CAIssued}
		}
	case lifecycle.Reissuing:
		if r == provider.StateIssued {
			return []lifecycle.Event{lifecycle.ReissueIssued}
		}
	case lifecycle.Renewing:
		if r == provider.StateIssued {
			return []lifecycle.Event{lifecycle.CAIssued}
		}
	case lifecycle.Issued, lifecycle.Suspended:
		if r == provider.StateRevoked {
			return []lifecycle.Event{lifecycle.Revoke}
		}
		return nil
	}
	switch r {
	case provider.StateFailed:
		return []lifecycle.Event{lifecycle.CAFailed}
	case provider.StateCancelled:
		return []lifecycle.Event{lifecycle.CACancelled}
	case provider.StateRevoked:
		return []lifecycle.Event{lifecycle.Revoke}
	}
	return nil
}

// NextMaintenance is the next deadline of an issued certificate: the end of
// the paid term, the auto-renewal before it, or the reissue before the
// certificate ends while the term goes on.
func (s *Core) NextMaintenance(c *ent.Certificate) time.Time {
	far := s.Clock().Add(24 * time.Hour)
	if c.PaidUntil == nil {
		return far
	}
	next := *c.PaidUntil
	if c.AutoRenew {
		next = Earliest(next, c.PaidUntil.Add(-s.renewBefore))
	}
	if c.NotAfter != nil && c.PaidUntil.After(*c.NotAfter) && c.State == certificate.StateIssued {
		next = Earliest(next, c.NotAfter.Add(-s.reissueBefore))
	}
	// Look at least daily, so that a changed setting (auto-renew switched
	// on) is seen without a reschedule.
	return Earliest(next, far)
}

// MaintenanceAfterOp is when the worker looks at an issued certificate
// again after an operation at the CA ended. A deadline passed already means
// the CA failed what was due (a subscription reissue it refused): starting it
// again at once would fail again, in a loop, so it waits a day. The end of
// the paid term is kept.
func (s *Core) MaintenanceAfterOp(c *ent.Certificate) time.Time {
	t, now := s.NextMaintenance(c), s.Clock()
	if t.After(now) {
		return t
	}
	t = now.Add(24 * time.Hour)
	if c.PaidUntil != nil {
		t = Earliest(t, *c.PaidUntil)
	}
	return t
}

func Earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// CountryCode returns the alpha-2 code of a legacy country id.
func CountryCode(field string, id int32) (string, error) {
	if id == 0 {
		return "", nil
	}
	c, ok := catalog.CountryByID(id)
	if !ok {
		return "", errkind.Invalid(field, "unknown country id %d; see CatalogService.ListCountries", id)
	}
	return c.Alpha2, nil
}
