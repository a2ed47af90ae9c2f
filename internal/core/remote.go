package core

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/internal/catalog"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
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
	csr, err := pki.StoredCSR([]byte(pemText))
	if err != nil {
		return nil, fmt.Errorf("stored CSR of certificate %d: %w", c.ID, err)
	}
	return csr.PublicKey, nil
}

func RemoteRef(c *ent.Certificate) provider.RemoteRef {
	return provider.RemoteRef{Ref: c.OpRef, RemoteID: c.CaOrderID, State: c.RemoteState}
}

// ApplyRemote records what the CA says about c's operation, as the
// lifecycle's CA-report table (lifecycle.React) decides, and returns the
// order and the verdict:
//
//   - Move: the events are applied through Apply, one after another, with
//     the CA's order id and state, validation instructions and, once issued,
//     the certificate; a failure or cancellation at the CA abandons the
//     operation.
//   - Stay: no state change; the answer's details are stored (a certificate
//     the CA sends again for an issued order included).
//   - Ignore: the answer does not concern the order in its state; only the
//     bookkeeping is stored (answer time, CA order id and state).
//   - NeedsOperator: the bookkeeping is stored, the order's status message
//     says why, and a "ca_report_needs_operator" event records it; the
//     caller stops polling, and an operator decides.
func (tx *Tx) ApplyRemote(ctx context.Context, c *ent.Certificate, r provider.Remote, msg string) (*ent.Certificate, lifecycle.Verdict, error) {
	if msg == "" {
		msg = r.Message
	}
	now := tx.core.Clock()
	// bookkeeping is what every answer stores: that the CA answered, and
	// the CA's id and state of the order.
	bookkeeping := func(u *ent.CertificateUpdateOne) {
		if OpOf(c) != lifecycle.OpNone {
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
	}
	mut := func(u *ent.CertificateUpdateOne) {
		bookkeeping(u)
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
	from := lifecycle.State(c.State)
	re := lifecycle.React(from, r.State)
	switch re.Verdict {
	case lifecycle.Ignore, lifecycle.NeedsOperator:
		tx.core.log.InfoContext(ctx, "CA report not applied", "certificate", c.ID, "state", c.State,
			"report", string(r.State), "ca_status", r.RawStatus, "verdict", string(re.Verdict), "reason", re.Reason)
		c2, err := tx.Edit(ctx, c, func(u *ent.CertificateUpdateOne) error {
			bookkeeping(u)
			if re.Verdict == lifecycle.NeedsOperator {
				u.SetStatusMessage(Truncate(re.Reason, 512))
			}
			return nil
		})
		if err != nil || re.Verdict == lifecycle.Ignore {
			return c2, re.Verdict, err
		}
		text := strings.TrimSpace(re.Reason + " (the CA reports: " + strings.TrimSpace(string(r.State)+" "+r.RawStatus) + ")")
		return c2, re.Verdict, tx.Record(ctx, c2, EventNeedsOperator, from, Step{Message: text})
	case lifecycle.Move, lifecycle.Stay:
	default:
		return nil, "", fmt.Errorf("certificate %d: unknown verdict %q on the CA's report", c.ID, re.Verdict)
	}
	if r.State == provider.StateIssued {
		pub, err := RequestKey(c)
		if err != nil {
			return nil, "", err
		}
		certs, err := pki.ParseCertificates([]byte(r.ChainPEM))
		if err != nil {
			return nil, "", fmt.Errorf("certificate from the CA: %w", err)
		}
		leaf, chain, err := pki.SplitChain(certs, pub)
		if err != nil {
			return nil, "", fmt.Errorf("certificate from the CA: %w", err)
		}
		details := mut
		mut = func(u *ent.CertificateUpdateOne) { details(u); Issued(u, c, leaf, chain) }
	}
	if re.Verdict == lifecycle.Stay {
		// No state change (still validating): store what changed.
		c2, err := tx.Edit(ctx, c, func(u *ent.CertificateUpdateOne) error { mut(u); return nil })
		if err == nil {
			err = tx.noticeOpValidation(ctx, c2, r.State)
		}
		return c2, re.Verdict, err
	}
	// The events with no change of their own (submit before ca_issued) are
	// written with the next one that has, in one update of the certificate.
	var path []Step
	for i, ev := range re.Events {
		m := mut
		if i < len(re.Events)-1 {
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
		if ev == lifecycle.Revoke {
			prev := m
			m = func(u *ent.CertificateUpdateOne) {
				if prev != nil {
					prev(u)
				} else {
					bookkeeping(u)
				}
				Revoked(u, c, now)
			}
		}
		path = append(path, Step{Event: ev, Message: text})
		if m == nil {
			continue
		}
		var err error
		if c, err = tx.ApplyPath(ctx, c, path, m); err != nil {
			return nil, "", err
		}
		path = nil
	}
	return c, re.Verdict, nil
}

// EventNeedsOperator is the history event of a CA's report that
// contradicts the order's state (lifecycle.NeedsOperator).
const EventNeedsOperator = "ca_report_needs_operator"

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
