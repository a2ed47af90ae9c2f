package core

import (
	"context"
	"fmt"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/job"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// OpOf is the operation at the CA that c carries (its op column). A value
// this build does not know is returned as it is: Op.Valid is false for it,
// and lifecycle.Decide drops it.
func OpOf(c *ent.Certificate) lifecycle.Op { return lifecycle.Op(c.Op) }

// BeginOp makes op the operation the worker is to carry out at the CA, under
// our reference ref; nothing is sent yet.
func BeginOp(u *ent.CertificateUpdateOne, op lifecycle.Op, ref string) *ent.CertificateUpdateOne {
	return u.SetOp(op.String()).SetOpRef(ref).ClearOpSentTime().ClearOpAnswerTime()
}

// SetOp makes op the operation of the order without a new reference: the
// cancellation of a deleted order, under the reference the CA knows it by.
func SetOp(u *ent.CertificateUpdateOne, op lifecycle.Op) *ent.CertificateUpdateOne {
	return u.SetOp(op.String())
}

// EndOp records that the operation at the CA is over.
func EndOp(u *ent.CertificateUpdateOne) *ent.CertificateUpdateOne {
	return u.SetOp(lifecycle.OpNone.String()).ClearOpSentTime().ClearOpAnswerTime()
}

// AbandonOp ends the operation and drops the new request it carried.
func AbandonOp(u *ent.CertificateUpdateOne) *ent.CertificateUpdateOne {
	return EndOp(u).ClearNextCsrPem().ClearNextPrivateKey()
}

// Step is one event in a certificate's life with what goes with it.
type Step struct {
	Event   lifecycle.Event
	Message string     // the status message to show; kept when ""
	Amount  int64      // money moved: negative for a charge
	Ledger  *int64     // the ledger entry of Amount
	RunAt   *time.Time // when the worker is to look at the order next; nil leaves its job as it is
}

// Apply moves c through st.Event in tx: it checks the transition, saves the
// new state with the changes mut makes, appends the event to the history and
// schedules the worker. An illegal event answers failed_precondition naming
// the current state.
func (tx *Tx) Apply(ctx context.Context, c *ent.Certificate, st Step, mut func(*ent.CertificateUpdateOne)) (*ent.Certificate, error) {
	return tx.ApplyPath(ctx, c, []Step{st}, mut)
}

// ApplyPath moves c through the events of path, one after another, as Apply
// does for each, with one write of the certificate: the events before the
// last change nothing but the state (and the status message), and mut makes
// the changes of the last. Each event is recorded with the state it
// reached, but only the last tells its outbox notice: the others
// reached a state the same write leaves, and their notices would be out of
// date when read (a "validation needed" for a certificate issued at once).
// Nothing is written unless Next accepts every event.
func (tx *Tx) ApplyPath(ctx context.Context, c *ent.Certificate, path []Step, mut func(*ent.CertificateUpdateOne)) (*ent.Certificate, error) {
	if len(path) == 0 {
		return c, nil
	}
	states := make([]lifecycle.State, len(path)+1)
	states[0] = lifecycle.State(c.State)
	for i, st := range path {
		to, err := lifecycle.Next(states[i], st.Event)
		if err != nil {
			return nil, err
		}
		if err := lifecycle.CheckOp(OpOf(c), st.Event); err != nil {
			return nil, err
		}
		states[i+1] = to
	}
	last := len(path) - 1
	for i, st := range path[:last] {
		// The history entry names the state the event reached.
		after := *c
		after.State = certificate.State(states[i+1])
		if err := tx.record(ctx, &after, string(st.Event), states[i], st, false); err != nil {
			return nil, err
		}
	}
	u := tx.Certificate.UpdateOne(c).SetState(certificate.State(states[last+1])).SetUpdateTime(tx.core.Clock())
	for _, st := range path { // the last message given stays shown
		if st.Message != "" {
			u.SetStatusMessage(Truncate(st.Message, 512))
		}
	}
	if mut != nil {
		mut(u)
	}
	c2, err := tx.saveCert(ctx, c, u)
	if err != nil {
		return nil, fmt.Errorf("save certificate %d: %w", c.ID, err)
	}
	if err := tx.Record(ctx, c2, string(path[last].Event), states[last], path[last]); err != nil {
		return nil, err
	}
	return c2, nil
}

// Record appends an event to c's history (c in its new state) and schedules
// the worker when st asks for it. The event is written when tx commits
// (see queueEvent).
func (tx *Tx) Record(ctx context.Context, c *ent.Certificate, event string, from lifecycle.State, st Step) error {
	return tx.record(ctx, c, event, from, st, true)
}

// record is Record, with the event's outbox notice (if it tells one) only
// when notify.
func (tx *Tx) record(ctx context.Context, c *ent.Certificate, event string, from lifecycle.State, st Step, notify bool) error {
	cr := tx.CertificateEvent.Create().SetCertificateID(c.ID).SetAccountID(c.AccountID).SetEvent(event).
		SetFromState(certificateevent.FromState(from)).SetToState(certificateevent.ToState(c.State)).
		SetAmount(st.Amount).SetMessage(Truncate(st.Message, 512)).SetNillableLedgerEntryID(st.Ledger).
		SetNillableActorUserID(rpc.PrincipalFrom(ctx).ActorID()).SetCreateTime(tx.core.Clock())
	if st.Amount != 0 {
		cr.SetCurrency(c.Currency)
	}
	var n *outbox.Notice
	if notify {
		n = noticeOf(c, event, from, st)
	}
	tx.queueEvent(cr, n)
	if st.RunAt != nil {
		if err := tx.Schedule(ctx, c.ID, *st.RunAt); err != nil {
			return err
		}
	}
	return nil
}

// queueEvent adds an event to tx's batch. The batch is written in one
// statement just before tx commits (a failure fails the commit), and then
// the worker and the watchers are woken. So the events of a transaction
// are not visible inside it: nothing reads a history it is still writing.
//
// n is the outbox notice the event tells, or nil; it is written with the
// event (see writeEvents).
func (tx *Tx) queueEvent(cr *ent.CertificateEventCreate, n *outbox.Notice) {
	tx.events = append(tx.events, cr) // a transaction is used by one goroutine
	tx.notices = append(tx.notices, n)
	if len(tx.events) > 1 {
		return // the hook is registered and writes the whole batch
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, etx *ent.Tx) error {
			notices, err := writeEvents(ctx, etx, tx.events, tx.notices)
			if err != nil {
				return err
			}
			if err := next.Commit(ctx, etx); err != nil {
				return err
			}
			tx.core.events.poke()
			if notices > 0 {
				tx.core.PokeNotices()
			}
			return nil
		})
	})
}

// Schedule sets when the worker next looks at a certificate. The caller
// holds the certificate's row lock, which serialises writers of its job.
// A job a worker holds is released: the change supersedes what it does, and
// the worker's own update of the job fails its lease check.
func (tx *Tx) Schedule(ctx context.Context, certID int64, at time.Time) error {
	// One upsert, not an update then an insert: under REPEATABLE READ the
	// update of a missing row takes a gap lock, and two new orders' inserts
	// into the same gap deadlock.
	err := tx.Job.Create().SetCertificateID(certID).SetRunTime(at).SetCreateTime(tx.core.Clock()).
		OnConflictColumns(job.FieldCertificateID).
		Update(func(u *ent.JobUpsert) {
			u.SetRunTime(at).SetAttempts(0).SetLeaseOwner("").ClearLeaseTime().SetLastError("")
		}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("schedule certificate %d: %w", certID, err)
	}
	tx.jobDue(at)
	return nil
}

// jobDue wakes the worker when tx commits, if a job it wrote for at is
// due by then.
func (tx *Tx) jobDue(at time.Time) {
	if tx.wakes || at.After(tx.core.Clock()) {
		return
	}
	tx.wakes = true
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, etx *ent.Tx) error {
			if err := next.Commit(ctx, etx); err != nil {
				return err
			}
			select {
			case tx.core.jobKick <- struct{}{}:
			default:
			}
			return nil
		})
	})
}

// Unschedule removes a certificate's job.
func (tx *Tx) Unschedule(ctx context.Context, certID int64) error {
	if _, err := tx.Job.Delete().Where(job.CertificateID(certID)).Exec(ctx); err != nil {
		return fmt.Errorf("unschedule certificate %d: %w", certID, err)
	}
	return nil
}

// Tx is a transaction of the order core: the ent transaction, for reads and
// for writes of what the core does not own, and the certificate events it
// has recorded, which are written in one statement when it commits. A Tx is
// used by one goroutine and lives only inside the function given to InTx.
type Tx struct {
	*ent.Tx
	core   *Core
	events []*ent.CertificateEventCreate
	// notices are the outbox notices of events, nil where an event tells none.
	notices []*outbox.Notice
	// wakes is whether tx wakes the worker when it commits (see jobDue).
	wakes bool
}

// InTx runs fn in a transaction and commits when fn returns no error: see
// store.InTx for rollback and the retry of deadlocks, which runs fn again
// on a fresh Tx (fn must have no effects outside the database). The events
// fn records are written just before the commit, and the worker and the
// watchers are woken after it.
func (s *Core) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	ctx, end := s.span(ctx, "core.tx")
	defer func() { end(err) }()
	_, err = store.InTx(ctx, s.db, func(etx *ent.Tx) (struct{}, error) {
		return struct{}{}, fn(&Tx{Tx: etx, core: s})
	})
	return err
}

// WithCert runs fn in a transaction on the certificate id, locked and
// visible to the caller; another account's certificate is not found.
func (s *Core) WithCert(ctx context.Context, id int64, fn func(*Tx, *ent.Certificate) (*ent.Certificate, error)) (*ent.Certificate, error) {
	var out *ent.Certificate
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.LockCert(ctx, id)
		if err != nil {
			return err
		}
		if !rpc.PrincipalFrom(ctx).OwnsAccount(c.AccountID) {
			return errkind.Field(errkind.NotFound, "id", "certificate %d not found", id)
		}
		out, err = fn(tx, c)
		return err
	})
	return out, err
}

// LockCert reads a certificate with its row locked for the transaction.
func (tx *Tx) LockCert(ctx context.Context, id int64) (*ent.Certificate, error) {
	q := tx.Certificate.Query().Where(certificate.ID(id))
	if tx.core.CanLock() {
		q.ForUpdate()
	}
	c, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, errkind.Field(errkind.NotFound, "id", "certificate %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("lock certificate %d: %w", id, err)
	}
	return c, nil
}

// InTxValue is InTx for a function that returns a value, which InTxValue
// returns when the transaction commits.
func InTxValue[T any](ctx context.Context, s *Core, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.InTx(ctx, func(tx *Tx) error {
		v, err := fn(tx)
		out = v
		return err
	})
	return out, err
}

// Edit changes c without a lifecycle event of its own: fill sets the
// changes (files, contacts, an administrator's correction) on the update, or
// returns an error that leaves c as it was. The caller records the change
// with Record. Like Apply, it keeps certificate_names current when the
// names change.
//
// Edit is the one place an administrator's override of the state goes
// through: when fill sets the state, Edit saves the other changes, then
// moves the order along the path lifecycle.Override finds, each event
// through Apply (so Next checks it and the history shows it), ending or
// beginning the operation at the CA as the events ask. A state no path
// reaches is refused (*lifecycle.OverrideError, failed_precondition) before
// anything is written.
func (tx *Tx) Edit(ctx context.Context, c *ent.Certificate, fill func(*ent.CertificateUpdateOne) error) (*ent.Certificate, error) {
	u := tx.Certificate.UpdateOne(c).SetUpdateTime(tx.core.Clock())
	if err := fill(u); err != nil {
		return nil, err
	}
	var path []lifecycle.Event
	to, override := u.Mutation().State()
	if override {
		u.Mutation().ResetState()
		var err error
		if path, err = lifecycle.Override(lifecycle.State(c.State), lifecycle.State(to)); err != nil {
			return nil, err
		}
	}
	c2, err := tx.saveCert(ctx, c, u)
	if err != nil {
		return nil, fmt.Errorf("update certificate %d: %w", c.ID, store.Translate(err))
	}
	if !override {
		return c2, nil
	}
	if c2, err = tx.overrideState(ctx, c2, path); err != nil {
		return nil, err
	}
	if msg, set := u.Mutation().StatusMessage(); set && c2.StatusMessage != msg {
		// The administrator's own message wins over the override's.
		return tx.saveCertOnly(ctx, c2, tx.Certificate.UpdateOne(c2).SetStatusMessage(msg).SetUpdateTime(tx.core.Clock()))
	}
	return c2, nil
}

// overrideMessage is the status message of an administrator's override.
const overrideMessage = "state set by an administrator"

// overrideState applies an administrator's override path to c.
func (tx *Tx) overrideState(ctx context.Context, c *ent.Certificate, path []lifecycle.Event) (*ent.Certificate, error) {
	for _, ev := range path {
		var mut func(*ent.CertificateUpdateOne)
		switch ev {
		case lifecycle.CAFailed, lifecycle.CACancelled:
			mut = func(u *ent.CertificateUpdateOne) { AbandonOp(u) }
		case lifecycle.ActivateManually:
			mut = func(u *ent.CertificateUpdateOne) { EndOp(u) }
		case lifecycle.Retry:
			ref := tx.core.NewOpRef(c)
			mut = func(u *ent.CertificateUpdateOne) {
				BeginOp(u, lifecycle.OpOrder, ref).SetCaOrderID("").ClearRemoteState()
			}
		}
		var err error
		if c, err = tx.Apply(ctx, c, Step{Event: ev, Message: overrideMessage}, mut); err != nil {
			return nil, err
		}
	}
	if !OpOf(c).AllowedIn(lifecycle.State(c.State)) {
		return tx.saveCertOnly(ctx, c, EndOp(tx.Certificate.UpdateOne(c)).SetUpdateTime(tx.core.Clock()))
	}
	return c, nil
}

// DropOp ends an operation c's state does not allow (left behind by a change
// that did not end it), without calling the CA, and records why.
func (tx *Tx) DropOp(ctx context.Context, c *ent.Certificate) (*ent.Certificate, error) {
	op := c.Op
	c2, err := tx.saveCertOnly(ctx, c, AbandonOp(tx.Certificate.UpdateOne(c)).SetUpdateTime(tx.core.Clock()))
	if err != nil {
		return nil, fmt.Errorf("drop the operation of certificate %d: %w", c.ID, err)
	}
	msg := fmt.Sprintf("the operation %q at the CA is not allowed in state %q; dropped without calling the CA", op, c.State)
	return c2, tx.Record(ctx, c2, EventOpDropped, lifecycle.State(c.State), Step{Message: msg})
}

// EventOpDropped is the history event of DropOp.
const EventOpDropped = "op_dropped"

// CreateOrder inserts a new, unpaid order with what fill sets, with the
// rows the domain filter finds it by, and records it in the order's history
// with message.
func (tx *Tx) CreateOrder(ctx context.Context, message string, fill func(*ent.CertificateCreate)) (*ent.Certificate, error) {
	now := tx.core.Clock()
	cr := tx.Certificate.Create().SetState(certificate.StateUnpaid).SetCreateTime(now).SetUpdateTime(now)
	fill(cr)
	c, err := cr.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", store.Translate(err))
	}
	if err := tx.writeNames(ctx, c.ID, c.NotAfter, nil, certNames(c)); err != nil {
		return nil, err
	}
	if err := tx.Record(ctx, c, "order", lifecycle.Unpaid, Step{Message: message}); err != nil {
		return nil, err
	}
	return c, nil
}
