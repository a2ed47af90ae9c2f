package core

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// History events of revocation that change no state; the state change
// itself is the lifecycle's "revoke" event.
const (
	// EventRevokeRequested: a revocation was asked for and waits for the
	// worker to send it to the CA.
	EventRevokeRequested = "revoke_requested"
	// EventRevokeFailed: the CA refused the revocation (or the module cannot
	// revoke); the certificate stays as it was.
	EventRevokeFailed = "revoke_failed"
)

// RequestRevocation asks for c's certificate to be revoked at the CA for
// reason (an RFC 5280 CRLReason code): it makes OpRevoke the order's
// operation, records "revoke_requested" with msg and schedules the worker
// now. The state does not change until the CA's answer applies Revoke
// (ApplyRemote). Next must accept Revoke from c's state (issued or
// suspended). An order already carrying OpRevoke is returned unchanged: a
// request repeated while the first waits calls the CA once.
func (tx *Tx) RequestRevocation(ctx context.Context, c *ent.Certificate, reason int32, msg string) (*ent.Certificate, error) {
	if OpOf(c) == lifecycle.OpRevoke {
		return c, nil
	}
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Revoke); err != nil {
		return nil, err
	}
	if c.SerialNumber == "" {
		return nil, fmt.Errorf("certificate %d in state %q has no serial number to revoke: %w",
			c.ID, c.State, lifecycle.ErrIllegalTransition)
	}
	c2, err := tx.Edit(ctx, c, func(u *ent.CertificateUpdateOne) error {
		// The reference the CA knows the order by stays (SetOp, not BeginOp).
		SetOp(u, lifecycle.OpRevoke).ClearOpSentTime().ClearOpAnswerTime().SetRevokeReason(reason)
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := tx.core.Clock()
	return c2, tx.Record(ctx, c2, EventRevokeRequested, lifecycle.State(c.State), Step{Message: msg, RunAt: &now})
}

// RevokeNow applies Revoke to c at once, for a module whose certificates an
// operator revokes at the CA by hand (the manual module): the operator's
// request is the revocation. No job is left for the order.
func (tx *Tx) RevokeNow(ctx context.Context, c *ent.Certificate, reason int32, msg string) (*ent.Certificate, error) {
	c2, err := tx.Apply(ctx, c, Step{Event: lifecycle.Revoke, Message: msg}, func(u *ent.CertificateUpdateOne) {
		Revoked(u, c, tx.core.Clock())
		u.SetRevokeReason(reason)
	})
	if err != nil {
		return nil, err
	}
	return c2, tx.Unschedule(ctx, c2.ID)
}

// Revoked sets what a revocation at the CA brings: the operation ends, the
// revocation time is kept (the built-in CA's CRL lists the serial from
// then on) and auto-renewal stops, as a revoked certificate's subscription
// ends without refund.
func Revoked(u *ent.CertificateUpdateOne, c *ent.Certificate, now time.Time) {
	EndOp(u).SetAutoRenew(false)
	if c.RevokeTime == nil {
		u.SetRevokeTime(now)
	}
}

// RevocationFailed ends c's revocation request without a state change and
// records why ("revoke_failed"); an issued certificate is maintained again.
func (tx *Tx) RevocationFailed(ctx context.Context, c *ent.Certificate, msg string) (*ent.Certificate, error) {
	c2, err := tx.Edit(ctx, c, func(u *ent.CertificateUpdateOne) error {
		EndOp(u).SetStatusMessage(Truncate(msg, 512))
		return nil
	})
	if err != nil {
		return nil, err
	}
	st := Step{Message: msg}
	if c2.State == certificate.StateIssued || c2.State == certificate.StateSuspended {
		t := tx.core.MaintenanceAfterOp(c2)
		st.RunAt = &t
	}
	return c2, tx.Record(ctx, c2, EventRevokeFailed, lifecycle.State(c.State), st)
}

// Revocation is one certificate a module revoked, for its CRL.
type Revocation struct {
	Serial *big.Int
	Time   time.Time
	Reason int
}

// Revocations lists the certificates module moduleID revoked (revoke_time
// set, whatever their state now: deleted ones stay revoked), ordered by
// revocation time.
func (s *Core) Revocations(ctx context.Context, moduleID int64) ([]Revocation, error) {
	rows, err := s.db.Certificate.Query().
		Where(certificate.ProcessingModuleID(moduleID), certificate.RevokeTimeNotNil(), certificate.SerialNumberNEQ("")).
		Order(ent.Asc(certificate.FieldRevokeTime), ent.Asc(certificate.FieldID)).
		Select(certificate.FieldSerialNumber, certificate.FieldRevokeTime, certificate.FieldRevokeReason).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the revocations of module %d: %w", moduleID, err)
	}
	out := make([]Revocation, 0, len(rows))
	for _, r := range rows {
		serial, ok := new(big.Int).SetString(r.SerialNumber, 16)
		if !ok || serial.Sign() <= 0 {
			s.log.WarnContext(ctx, "revoked certificate with an unreadable serial left out of the CRL", "certificate", r.ID)
			continue
		}
		rv := Revocation{Serial: serial, Time: r.RevokeTime.UTC()}
		if r.RevokeReason != nil {
			rv.Reason = int(*r.RevokeReason)
		}
		out = append(out, rv)
	}
	return out, nil
}

// LatestRevocation is the newest revocation time of module moduleID (zero
// when none) and how many it revoked: two indexed reads, so that a cached
// CRL is checked cheaply on every fetch.
func (s *Core) LatestRevocation(ctx context.Context, moduleID int64) (time.Time, int, error) {
	rows, err := s.db.Certificate.Query().
		Where(certificate.ProcessingModuleID(moduleID), certificate.RevokeTimeNotNil()).
		Order(ent.Desc(certificate.FieldRevokeTime)).Select(certificate.FieldRevokeTime).Limit(1).All(ctx)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("read the latest revocation of module %d: %w", moduleID, err)
	}
	n, err := s.db.Certificate.Query().
		Where(certificate.ProcessingModuleID(moduleID), certificate.RevokeTimeNotNil()).Count(ctx)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("count the revocations of module %d: %w", moduleID, err)
	}
	if len(rows) == 0 {
		return time.Time{}, n, nil
	}
	return rows[0].RevokeTime.UTC(), n, nil
}
