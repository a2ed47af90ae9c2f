package service

import (
	"context"
	"fmt"
	"time"

	"certsvc/ent"
	"certsvc/ent/certificate"
	"certsvc/ent/certificateevent"
	"certsvc/ent/job"
	"certsvc/internal/lifecycle"
)

// The operations at the CA the worker carries out (certificate.op).
const (
	opOrder   = "order"
	opReissue = "reissue"
	opRenew   = "renew"
	opCancel  = "cancel"
)

// beginOp makes op the operation the worker is to carry out at the CA, under
// our reference ref; nothing is sent yet.
func beginOp(u *ent.CertificateUpdateOne, op, ref string) *ent.CertificateUpdateOne {
	return u.SetOp(op).SetOpRef(ref).ClearOpSentTime().ClearOpAnswerTime()
}

// endOp records that the operation at the CA is over.
func endOp(u *ent.CertificateUpdateOne) *ent.CertificateUpdateOne {
	return u.SetOp("").ClearOpSentTime().ClearOpAnswerTime()
}

// abandonOp ends the operation and drops the new request it carried.
func abandonOp(u *ent.CertificateUpdateOne) *ent.CertificateUpdateOne {
	return endOp(u).ClearNextCsrPem().ClearNextPrivateKey()
}

// step is one event in a certificate's life with what goes with it.
type step struct {
	event   lifecycle.Event
	message string     // the status message to show; kept when ""
	amount  int64      // money moved: negative for a charge
	ledger  *int64     // the ledger entry of amount
	runAt   *time.Time // when the worker is to look at the order next; nil leaves its job as it is
}

// apply moves c through st.event in tx: it checks the transition, saves the
// new state with the changes mut makes, appends the event to the history and
// schedules the worker. An illegal event answers failed_precondition naming
// the current state.
func (s *Service) apply(ctx context.Context, tx *ent.Tx, c *ent.Certificate, st step, mut func(*ent.CertificateUpdateOne)) (*ent.Certificate, error) {
	from := lifecycle.State(c.State)
	to, err := lifecycle.Next(from, st.event)
	if err != nil {
		return nil, err
	}
	u := tx.Certificate.UpdateOne(c).SetState(certificate.State(to)).SetUpdateTime(s.clock())
	if st.message != "" {
		u.SetStatusMessage(truncate(st.message, 512))
	}
	if mut != nil {
		mut(u)
	}
	c2, err := saveCert(ctx, tx, c, u)
	if err != nil {
		return nil, fmt.Errorf("save certificate %d: %w", c.ID, err)
	}
	if err := s.record(ctx, tx, c2, string(st.event), from, st); err != nil {
		return nil, err
	}
	return c2, nil
}

// record appends an event to c's history (c in its new state) and schedules
// the worker when st asks for it. The event is written when tx commits
// (see queueEvent).
func (s *Service) record(ctx context.Context, tx *ent.Tx, c *ent.Certificate, event string, from lifecycle.State, st step) error {
	cr := tx.CertificateEvent.Create().SetCertificateID(c.ID).SetAccountID(c.AccountID).SetEvent(event).
		SetFromState(certificateevent.FromState(from)).SetToState(certificateevent.ToState(c.State)).
		SetAmount(st.amount).SetMessage(truncate(st.message, 512)).SetNillableLedgerEntryID(st.ledger).
		SetNillableActorUserID(principalFrom(ctx).actorID()).SetCreateTime(s.clock())
	if st.amount != 0 {
		cr.SetCurrency(c.Currency)
	}
	s.queueEvent(tx, cr)
	if st.runAt != nil {
		if err := s.schedule(ctx, tx, c.ID, *st.runAt); err != nil {
			return err
		}
	}
	return nil
}

// eventBatch is the events a transaction has recorded so far.
type eventBatch struct{ creates []*ent.CertificateEventCreate }

// queueEvent adds an event to tx's batch. The batch is written in one
// statement just before tx commits (a failure fails the commit), and then
// the worker and the watchers are woken. So the events of a transaction
// are not visible inside it: nothing reads a history it is still writing.
func (s *Service) queueEvent(tx *ent.Tx, cr *ent.CertificateEventCreate) {
	if b, ok := s.pendingEvents.Load(tx); ok {
		b.(*eventBatch).creates = append(b.(*eventBatch).creates, cr) // a transaction is used by one goroutine
		return
	}
	b := &eventBatch{creates: []*ent.CertificateEventCreate{cr}}
	s.pendingEvents.Store(tx, b)
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			s.pendingEvents.Delete(tx)
			if err := tx.CertificateEvent.CreateBulk(b.creates...).Exec(ctx); err != nil {
				return fmt.Errorf("record %d certificate events: %w", len(b.creates), err)
			}
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			s.events.poke()
			return nil
		})
	})
	tx.OnRollback(func(next ent.Rollbacker) ent.Rollbacker {
		return ent.RollbackFunc(func(ctx context.Context, tx *ent.Tx) error {
			s.pendingEvents.Delete(tx)
			return next.Rollback(ctx, tx)
		})
	})
}

// schedule sets when the worker next looks at a certificate. The caller
// holds the certificate's row lock, which serialises writers of its job.
// A job a worker holds is released: the change supersedes what it does, and
// the worker's own update of the job fails its lease check.
func (s *Service) schedule(ctx context.Context, tx *ent.Tx, certID int64, at time.Time) error {
	// One upsert, not an update then an insert: under REPEATABLE READ the
	// update of a missing row takes a gap lock, and two new orders' inserts
	// into the same gap deadlock.
	err := tx.Job.Create().SetCertificateID(certID).SetRunTime(at).SetCreateTime(s.clock()).
		OnConflictColumns(job.FieldCertificateID).
		Update(func(u *ent.JobUpsert) {
			u.SetRunTime(at).SetAttempts(0).SetLeaseOwner("").ClearLeaseTime().SetLastError("")
		}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("schedule certificate %d: %w", certID, err)
	}
	return nil
}

// unschedule removes a certificate's job.
func (s *Service) unschedule(ctx context.Context, tx *ent.Tx, certID int64) error {
	if _, err := tx.Job.Delete().Where(job.CertificateID(certID)).Exec(ctx); err != nil {
		return fmt.Errorf("unschedule certificate %d: %w", certID, err)
	}
	return nil
}
