package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/provider"
)

// Options tune the background worker.
type Options struct {
	// ID names this worker in job leases; a random one when "".
	ID string
	// Poll is how often the worker looks for due jobs when idle; 1s when 0.
	Poll time.Duration
	// Batch is how many jobs one claim takes; 16 when 0.
	Batch int
	// Concurrency is how many jobs run at once; 4 when 0.
	Concurrency int
	// Lease is how long a claimed job stays with this worker without being
	// extended, and so how soon the jobs of a worker that died are claimed
	// again; 20s when 0.
	Lease time.Duration
	// LeaseRenew is how often the worker extends the leases of the jobs it
	// holds, also during a long call to a CA; a quarter of Lease when 0 or
	// not shorter than Lease.
	LeaseRenew time.Duration
	// CallTimeout bounds one call to a CA; 60s when 0.
	CallTimeout time.Duration
	// ReissueBefore is how long before a certificate ends its subscription
	// reissue starts; 30 days when 0.
	ReissueBefore time.Duration
	// RenewBefore is how long before the paid term ends auto-renewal
	// charges; 14 days when 0.
	RenewBefore time.Duration
	// BalanceEvery is how often the balances at the CAs are read; 5 minutes when 0.
	BalanceEvery time.Duration
}

// DefaultLease is the lease of a claimed job when Options.Lease is 0.
const DefaultLease = 20 * time.Second

// WithDefaults returns o with its zero values replaced by the defaults.
func (o Options) WithDefaults() Options {
	if o.ID == "" {
		o.ID = fmt.Sprintf("w-%x", rand.Uint64())
	}
	if o.Poll == 0 {
		o.Poll = time.Second
	}
	if o.Batch == 0 {
		o.Batch = 16
	}
	if o.BalanceEvery == 0 {
		o.BalanceEvery = 5 * time.Minute
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if o.Lease == 0 {
		o.Lease = DefaultLease
	}
	if o.LeaseRenew == 0 || o.LeaseRenew >= o.Lease {
		o.LeaseRenew = o.Lease / 4
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = time.Minute
	}
	if o.ReissueBefore == 0 {
		o.ReissueBefore = 30 * 24 * time.Hour
	}
	if o.RenewBefore == 0 {
		o.RenewBefore = 14 * 24 * time.Hour
	}
	return o
}

// Worker does the background work of certsvc: it carries orders to the CAs
// and back, handles the deadlines of issued certificates, watches the
// modules' balances and purges what expired. Every change to certificates,
// jobs and the ledger goes through the order core.
type Worker struct {
	*core.Core
	db   *ent.Client
	log  *slog.Logger
	opts Options
	held held // the jobs whose leases this worker extends
}

// New returns a Worker that works through c on db.
func New(c *core.Core, db *ent.Client, log *slog.Logger, o Options) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{Core: c, db: db, log: log, opts: o.WithDefaults()}
}

// RunWorker does the background work until ctx ends: it claims due jobs
// (leased with SELECT ... FOR UPDATE SKIP LOCKED on MySQL, so replicas share
// them) and runs each. A job whose worker died is claimed again once its
// lease ends (see lease.go); every step is safe to repeat.
func (s *Worker) RunWorker(ctx context.Context) (err error) {
	s.holdingLeases(ctx, func() { err = s.runWorker(ctx) })
	return err
}

func (s *Worker) runWorker(ctx context.Context) error {
	o := s.opts
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { s.monitorModules(ctx, o.BalanceEvery) })
	for {
		ids, err := s.claim(ctx, o.Batch)
		if err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "claim jobs", "error", err)
		}
		for _, id := range ids {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return nil
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				s.runJob(ctx, id)
			}()
		}
		if len(ids) == o.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Poll):
		case <-s.JobsDue():
		}
	}
}

// RunDue runs every job due now, one after another, and returns how many
// ran. It is the worker's loop without the waiting, for tests and the
// command line.
func (s *Worker) RunDue(ctx context.Context) (n int, err error) {
	s.holdingLeases(ctx, func() { n, err = s.runDue(ctx) })
	return n, err
}

func (s *Worker) runDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := s.claim(ctx, s.opts.Batch)
		if err != nil {
			return n, err
		}
		if len(ids) == 0 {
			return n, nil
		}
		for _, id := range ids {
			s.runJob(ctx, id)
			n++
		}
	}
}

// backoff is the wait before attempt n+1: exponential from 5 seconds to an
// hour, with jitter so that failures do not retry in lockstep.
func backoff(attempts int32) time.Duration {
	d := 5 * time.Second
	for i := int32(1); i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d/2 + rand.N(d/2+1)
}

// runJob runs one claimed job and logs its failure; the job then waits for
// its retry time, or for its lease to end when even that could not be written.
func (s *Worker) runJob(ctx context.Context, j core.Job) {
	defer s.held.drop(j.ID)
	// Each step is a trace of its own, linked to nothing: the RPC that
	// queued the job ended long ago.
	ctx, span := s.Tracer().Start(ctx, "worker.job", trace.WithNewRoot(),
		trace.WithAttributes(attribute.Int64("certsvc.certificate.id", j.CertID), attribute.Int64("certsvc.job.id", j.ID)))
	defer span.End()
	err := s.stepJob(ctx, j)
	if err == nil || errors.Is(err, core.ErrSuperseded) {
		return
	}
	if ctx.Err() != nil {
		// The worker is stopping: not the job's failure. The job keeps its
		// lease, no longer extended, and is taken up again when that runs
		// out (as after a kill), with no backoff.
		s.log.InfoContext(ctx, "job stopped with the worker", "certificate", j.CertID, "error", err)
		return
	}
	s.log.WarnContext(ctx, "job failed", "certificate", j.CertID, "attempt", j.Attempts, "error", err)
	next := s.Clock().Add(backoff(j.Attempts))
	ferr := s.InTx(ctx, func(tx *core.Tx) error {
		return tx.FinishJob(ctx, j, &next, err.Error())
	})
	if ferr != nil && !errors.Is(ferr, core.ErrSuperseded) && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "reschedule job", "certificate", j.CertID, "error", ferr)
	}
}

// step does what a certificate's state asks for.
func (s *Worker) stepJob(ctx context.Context, j core.Job) error {
	c, err := s.db.Certificate.Get(ctx, j.CertID)
	if ent.IsNotFound(err) {
		err = s.InTx(ctx, func(tx *core.Tx) error { return tx.FinishJob(ctx, j, nil, "") })
		return err
	}
	if err != nil {
		return fmt.Errorf("load certificate %d: %w", j.CertID, err)
	}
	op := core.OpOf(c)
	switch lifecycle.Decide(lifecycle.State(c.State), op, lifecycle.PhaseOf(op, c.OpSentTime != nil, c.OpAnswerTime != nil)) {
	case lifecycle.ActCancel:
		return s.cancelAtCA(ctx, j, c)
	case lifecycle.ActRevoke:
		return s.revoke(ctx, j, c)
	case lifecycle.ActSend:
		return s.send(ctx, j, c, false)
	case lifecycle.ActReconcile:
		// Sent before, and no answer was stored: the call timed out or the
		// process died mid-call. Reconcile before anything is sent again.
		return s.reconcile(ctx, j, c)
	case lifecycle.ActPoll:
		// The CA has the operation: ask how it stands.
		mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
		if err != nil {
			return err
		}
		return s.poll(ctx, j, c, mod, p)
	case lifecycle.ActMaintain:
		return s.maintain(ctx, j, c)
	case lifecycle.ActDropOp:
		return s.dropOp(ctx, j, c)
	default: // lifecycle.ActDone
		return s.done(ctx, j, c.ID, nil)
	}
}

// dropOp ends an operation the order's state does not allow, without
// calling the CA, and lets the worker decide again: an issued order is
// maintained from now on, any other is done.
func (s *Worker) dropOp(ctx context.Context, j core.Job, c *ent.Certificate) error {
	return s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if ok, err := tx.StillMine(ctx, j); err != nil || !ok || cur.Op != c.Op {
			return errors.Join(err, core.ErrSuperseded)
		}
		if cur, err = tx.DropOp(ctx, cur); err != nil {
			return err
		}
		s.log.WarnContext(ctx, "dropped an operation its state does not allow", "certificate", c.ID, "op", c.Op, "state", c.State)
		var next *time.Time
		if lifecycle.Decide(lifecycle.State(cur.State), lifecycle.OpNone, lifecycle.PhaseNone) == lifecycle.ActMaintain {
			now := s.Clock()
			next = &now
		}
		return tx.FinishJob(ctx, j, next, "")
	})
}

// done finishes a job with nothing else changed.
func (s *Worker) done(ctx context.Context, j core.Job, certID int64, next *time.Time) error {
	err := s.InTx(ctx, func(tx *core.Tx) error {
		if _, err := tx.LockCert(ctx, certID); err != nil && !errors.Is(err, errkind.NotFound) {
			return err
		}
		return tx.FinishJob(ctx, j, next, "")
	})
	return err
}

// orderRequest is what the CA is sent for c.
func (s *Worker) orderRequest(ctx context.Context, c *ent.Certificate, mod *ent.ProcessingModule) (provider.OrderRequest, error) {
	pl, err := s.Catalog().Plan(ctx, c.PlanID)
	if err != nil {
		return provider.OrderRequest{}, fmt.Errorf("load plan %d: %w", c.PlanID, err)
	}
	code, _ := core.ServesPlan(mod, c.PlanID)
	dcv := map[string]provider.DCVChoice{}
	for _, v := range c.Validations {
		dcv[v.Domain] = provider.DCVChoice{Method: provider.DCVMethod(v.Method), Email: v.Email}
	}
	csr := c.CsrPem
	if c.NextCsrPem != "" {
		csr = c.NextCsrPem
	}
	now := s.Clock()
	paid := now.AddDate(0, int(c.PeriodMonths), 0)
	if c.PaidUntil != nil && c.PaidUntil.After(now) {
		paid = *c.PaidUntil
	}
	r := provider.OrderRequest{Ref: c.OpRef, ProductCode: code, Validation: string(pl.Validation),
		PeriodMonths: int(c.PeriodMonths), CSRPEM: csr, CommonName: c.CommonName, SANs: c.ExtraNames, DCV: dcv,
		Admin: provider.Contact(c.AdminContact), Tech: provider.Contact(c.TechContact),
		NotAfter: localca.ValidityEnd(now, paid)}
	if pl.Validation != "dv" {
		country, _ := core.CountryCode("", c.Organization.CountryID)
		o := c.Organization
		r.Org = &provider.Organization{Name: o.Name, Department: o.Department, Address: o.Address, City: o.City,
			State: o.State, PostalCode: o.PostalCode, Country: country, Phone: o.Phone}
	}
	return r, nil
}

// send places the certificate's operation at the CA. The intent is
// committed first (op_sent_time), so a crash during the call is seen by the
// next attempt, which then reconciles instead of sending blindly.
func (s *Worker) send(ctx context.Context, j core.Job, c *ent.Certificate, again bool) error {
	mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	req, err := s.orderRequest(ctx, c, mod)
	if err != nil {
		return err
	}
	kind := s.KindOf(mod)
	op := core.OpOf(c)
	// A resend (again) is of an operation sent before; either way the job
	// must still be this worker's, with a lease that covers the call. A CA
	// for which sending twice is harmless needs neither the intent nor the
	// lease: the transaction is saved.
	if _, repeatSafe := p.(provider.RepeatSafe); !repeatSafe {
		if err := s.markSent(ctx, j, c, again); err != nil {
			return err
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	endCall := func(error) {} // a reissue the module cannot do calls nobody
	if _, ok := p.(provider.Reissuer); op != lifecycle.OpReissue || ok {
		callCtx, endCall = s.CallCA(callCtx, mod, string(op))
	}
	var remote provider.Remote
	switch op {
	case lifecycle.OpOrder:
		remote, err = p.PlaceOrder(callCtx, req)
	case lifecycle.OpRenew:
		if r, ok := p.(provider.Renewer); ok {
			remote, err = r.Renew(callCtx, core.RemoteRef(c), req)
		} else {
			remote, err = p.PlaceOrder(callCtx, req)
		}
	case lifecycle.OpReissue:
		r, ok := p.(provider.Reissuer)
		switch {
		case !ok && kind.Caps.ManualActivation:
			// An administrator uploads the reissued certificate.
			remote = provider.Remote{RemoteRef: core.RemoteRef(c), State: provider.StateReissuing}
			break
		case !ok:
			return s.failOp(ctx, j, c, "the processing module cannot reissue; an administrator uploads the new certificate")
		}
		if !ok {
			break
		}
		remote, err = r.Reissue(callCtx, core.RemoteRef(c), provider.ReissueRequest{CSRPEM: req.CSRPEM,
			CommonName: c.CommonName, SANs: c.ExtraNames, DCV: req.DCV, NotAfter: req.NotAfter})
	}
	endCall(err)
	if err != nil {
		return s.callFailed(ctx, j, c, err)
	}
	err = s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if core.OpOf(cur) != op {
			return core.ErrSuperseded
		}
		cur, verdict, err := tx.ApplyRemote(ctx, cur, remote, "")
		if err != nil {
			return tx.Superseded(ctx, j, err)
		}
		return tx.FinishJob(ctx, j, s.nextRun(kind, cur, verdict, 0), "")
	})
	return err
}

// markSent commits the intent to send c's operation (op_sent_time), after
// checking the job is still this worker's with a lease that covers the call.
// A resend (again) is of an operation sent before and changes nothing.
func (s *Worker) markSent(ctx context.Context, j core.Job, c *ent.Certificate, again bool) error {
	err := s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if ok, err := tx.HoldLease(ctx, j); err != nil || !ok || cur.Op != c.Op || cur.OpRef != c.OpRef || (cur.OpSentTime != nil) != again {
			return errors.Join(err, core.ErrSuperseded)
		}
		if again {
			return nil
		}
		return tx.MarkSent(ctx, cur)
	})
	return err
}

// callFailed decides what a failed call to the CA means for the order.
func (s *Worker) callFailed(ctx context.Context, j core.Job, c *ent.Certificate, err error) error {
	if errors.Is(err, provider.ErrUnavailable) || errors.Is(err, provider.ErrInsufficientFunds) {
		// Nothing was placed: another module selling the plan may take it.
		if moved, ferr := s.failover(ctx, j, c, err); ferr != nil || moved {
			return ferr
		}
	}
	switch {
	case errors.Is(err, provider.ErrRejected), errors.Is(err, provider.ErrInsufficientFunds):
		return s.failOp(ctx, j, c, "the CA refused the request: "+core.PublicReason(err))
	case errors.Is(err, provider.ErrUnknownOutcome), ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("outcome unknown, reconciling next: %w", err) // op_sent_time stays: reconcile next time
	default:
		// Nothing happened at the CA (unavailable): send again later.
		terr := s.InTx(ctx, func(tx *core.Tx) error {
			cur, err := tx.LockCert(ctx, c.ID)
			if err != nil {
				return err
			}
			return tx.Unsent(ctx, cur)
		})
		return errors.Join(err, terr)
	}
}

// failOp records that the CA refused the operation.
func (s *Worker) failOp(ctx context.Context, j core.Job, c *ent.Certificate, msg string) error {
	err := s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if ok, err := tx.StillMine(ctx, j); err != nil || !ok {
			return errors.Join(err, core.ErrSuperseded)
		}
		cur, err = tx.Apply(ctx, cur, core.Step{Event: lifecycle.CAFailed, Message: msg}, func(u *ent.CertificateUpdateOne) {
			core.AbandonOp(u)
		})
		if err != nil {
			return err
		}
		var next *time.Time
		if cur.State == certificate.StateIssued {
			t := s.MaintenanceAfterOp(cur)
			next = &t
		}
		return tx.FinishJob(ctx, j, next, "")
	})
	return err
}

// reconcile settles an operation whose outcome is unknown: a provider that
// can look orders up by our reference is asked; one for which sending twice
// is harmless is sent to again; any other order waits for an operator.
func (s *Worker) reconcile(ctx context.Context, j core.Job, c *ent.Certificate) error {
	mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	if rl, ok := p.(provider.RefLookup); ok {
		callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
		callCtx, endCall := s.CallCA(callCtx, mod, "find_by_ref")
		remote, found, err := rl.FindByRef(callCtx, c.OpRef)
		endCall(err)
		cancel()
		if err != nil {
			return fmt.Errorf("look up order %s at the CA: %w", c.OpRef, err)
		}
		if !found {
			return s.send(ctx, j, c, true)
		}
		return s.store(ctx, j, c, mod, remote, "found at the CA after an interrupted call")
	}
	if _, ok := p.(provider.RepeatSafe); ok {
		return s.send(ctx, j, c, true)
	}
	return s.failOp(ctx, j, c, "the call to the CA was interrupted and the CA cannot be asked by our reference; "+
		"check the order at the CA, then activate it by hand or retry")
}

// poll asks the CA about an order it has.
func (s *Worker) poll(ctx context.Context, j core.Job, c *ent.Certificate, mod *ent.ProcessingModule, p provider.Provider) error {
	callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	callCtx, endCall := s.CallCA(callCtx, mod, "sync")
	remote, err := p.Sync(callCtx, core.RemoteRef(c))
	endCall(err)
	if err != nil {
		return fmt.Errorf("sync with the CA: %w", err)
	}
	return s.store(ctx, j, c, mod, remote, "")
}

// store applies what the CA said and schedules the next look.
func (s *Worker) store(ctx context.Context, j core.Job, c *ent.Certificate, mod *ent.ProcessingModule, remote provider.Remote, msg string) error {
	err := s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		cur, verdict, err := tx.ApplyRemote(ctx, cur, remote, msg)
		if err != nil {
			return tx.Superseded(ctx, j, err)
		}
		next := s.nextRun(s.KindOf(mod), cur, verdict, j.Attempts)
		if err := tx.FinishJob(ctx, j, next, ""); err != nil || next == nil || core.OpOf(cur) == lifecycle.OpNone {
			return err
		}
		// The CA is still at work: keep counting the polls, which finish
		// reset, so that they back off.
		return tx.KeepAttempts(ctx, j)
	})
	return err
}

// nextRun is when the worker looks at c again after the CA's answer got
// the verdict v: polls back off while the CA works, an issued certificate
// waits for its next deadline, and the orders of a kind an administrator
// activates by hand wait for the administrator, as do orders whose CA
// report needs an operator (polling stops).
func (s *Worker) nextRun(kind provider.Kind, c *ent.Certificate, v lifecycle.Verdict, attempts int32) *time.Time {
	op := core.OpOf(c)
	switch lifecycle.Decide(lifecycle.State(c.State), op, lifecycle.PhaseOf(op, c.OpSentTime != nil, c.OpAnswerTime != nil)) {
	case lifecycle.ActMaintain:
		if c.State == certificate.StateReissuing {
			return nil // a reissue waiting for an administrator's upload
		}
		t := s.MaintenanceAfterOp(c)
		return &t
	case lifecycle.ActDone:
		return nil
	case lifecycle.ActDropOp:
		now := s.Clock() // drop it now
		return &now
	}
	if kind.Caps.ManualActivation || v == lifecycle.NeedsOperator {
		return nil
	}
	t := s.Clock().Add(backoff(attempts + 1))
	return &t
}

// maintain handles the deadlines of an issued certificate.
func (s *Worker) maintain(ctx context.Context, j core.Job, c *ent.Certificate) error {
	err := s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if ok, err := tx.StillMine(ctx, j); err != nil || !ok {
			return errors.Join(err, core.ErrSuperseded)
		}
		now := s.Clock()
		paid := cur.PaidUntil
		switch {
		case paid == nil || core.OpOf(cur) != lifecycle.OpNone:
			return tx.FinishJob(ctx, j, nil, "")
		case cur.AutoRenew && cur.State == certificate.StateIssued && !now.Before(paid.Add(-s.opts.RenewBefore)):
			var months int32 // the current period, unless autoprolong chose one
			if cur.AutoRenewPeriodMonths != nil {
				months = *cur.AutoRenewPeriodMonths
			}
			_, err := tx.Renew(ctx, cur, months, fmt.Sprint(paid.Unix()))
			if err == nil {
				return nil // renew scheduled the job anew
			}
			if !errors.Is(err, errkind.FailedPrecondition) && !errors.Is(err, errkind.InvalidArgument) {
				return err
			}
			// Not enough money (failed_precondition) or the period is no
			// longer sold (invalid_argument): say so, try again tomorrow.
			if err := tx.Record(ctx, cur, core.EventAutoRenewFailed, lifecycle.State(cur.State),
				core.Step{Message: "auto-renewal failed: " + errMessage(err)}); err != nil {
				return err
			}
			next := core.Earliest(now.Add(24*time.Hour), *paid)
			if !now.Before(*paid) {
				next = now
				cur, err = tx.Apply(ctx, cur, core.Step{Event: lifecycle.Expire, Message: "the paid term ended"}, nil)
				if err != nil {
					return err
				}
				return tx.FinishJob(ctx, j, nil, "")
			}
			return tx.FinishJob(ctx, j, &next, "")
		case !now.Before(*paid):
			if _, err := tx.Apply(ctx, cur, core.Step{Event: lifecycle.Expire, Message: "the paid term ended"}, nil); err != nil {
				return err
			}
			return tx.FinishJob(ctx, j, nil, "")
		case cur.State == certificate.StateIssued && cur.NotAfter != nil && paid.After(*cur.NotAfter) &&
			!now.Before(cur.NotAfter.Add(-s.opts.ReissueBefore)):
			_, err := tx.Apply(ctx, cur, core.Step{Event: lifecycle.Reissue, RunAt: &now,
				Message: "subscription reissue: the certificate ends before the paid term"},
				func(u *ent.CertificateUpdateOne) { core.BeginOp(u, lifecycle.OpReissue, s.NewOpRef(cur)) })
			return err
		}
		next := s.NextMaintenance(cur)
		return tx.FinishJob(ctx, j, &next, "")
	})
	return err
}

// errMessage is the public text of an error of a known kind.
func errMessage(err error) string {
	var ke *errkind.Error
	if errors.As(err, &ke) {
		return ke.Msg
	}
	return err.Error()
}

// cancelAtCA cancels a deleted order at the CA, where that is possible.
func (s *Worker) cancelAtCA(ctx context.Context, j core.Job, c *ent.Certificate) error {
	mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	callCtx, endCall := s.CallCA(callCtx, mod, "cancel")
	err = p.Cancel(callCtx, core.RemoteRef(c), "deleted")
	endCall(err)
	if err != nil && !errors.Is(err, provider.ErrNotFound) {
		if errors.Is(err, provider.ErrRejected) {
			s.log.WarnContext(ctx, "the CA refused to cancel a deleted order", "certificate", c.ID, "error", err)
		} else {
			return fmt.Errorf("cancel at the CA: %w", err)
		}
	}
	err = s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := tx.EndOpNow(ctx, cur); err != nil {
			return err
		}
		return tx.FinishJob(ctx, j, nil, "")
	})
	return err
}

// claim leases up to n due jobs to this worker.
func (s *Worker) claim(ctx context.Context, n int) ([]core.Job, error) {
	jobs, err := s.ClaimJobs(ctx, s.opts.ID, n, s.opts.Lease)
	s.held.add(jobs)
	return jobs, err
}
