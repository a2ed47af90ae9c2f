package service

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"certsvc/ent"
	"certsvc/ent/certificate"
	"certsvc/ent/job"
	"certsvc/ent/predicate"
	"certsvc/internal/errkind"
	"certsvc/internal/lifecycle"
	"certsvc/internal/localca"
	"certsvc/internal/pki"
	"certsvc/internal/provider"
	"certsvc/internal/store"
)

// WorkerOptions tune the background worker.
type WorkerOptions struct {
	// ID names this worker in job leases; a random one when "".
	ID string
	// Poll is how often the worker looks for due jobs when idle; 1s when 0.
	Poll time.Duration
	// Batch is how many jobs one claim takes; 16 when 0.
	Batch int
	// Concurrency is how many jobs run at once; 4 when 0.
	Concurrency int
	// Lease is how long a claimed job stays with this worker; 2 minutes when 0.
	Lease time.Duration
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

func (o WorkerOptions) withDefaults() WorkerOptions {
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
		o.Lease = 2 * time.Minute
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

// RunWorker does the background work until ctx ends: it claims due jobs
// (leased with SELECT ... FOR UPDATE SKIP LOCKED on MySQL, so replicas share
// them) and runs each. A job whose worker died is claimed again once its
// lease ends; every step is safe to repeat.
func (s *Service) RunWorker(ctx context.Context) error {
	o := s.worker
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
		case <-s.events.kicked():
		}
	}
}

// RunDue runs every job due now, one after another, and returns how many
// ran. It is the worker's loop without the waiting, for tests and the
// command line.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := s.claim(ctx, s.worker.Batch)
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

// claimedJob is a job this worker leased.
type claimedJob struct {
	id, certID int64
	runTime    time.Time
	attempts   int32
}

// claim leases up to n due jobs. On MySQL it reads under READ COMMITTED:
// the scan then locks the due rows it takes and not the gaps of the
// run_time index, so new orders insert their jobs meanwhile instead of
// waiting for the claim to commit.
func (s *Service) claim(ctx context.Context, n int) ([]claimedJob, error) {
	var opts *stdsql.TxOptions
	if s.canLock() {
		opts = &stdsql.TxOptions{Isolation: stdsql.LevelReadCommitted}
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin tx: %w", store.Translate(err))
	}
	out, err := s.claimIn(ctx, tx, n)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", store.Translate(err))
	}
	return out, nil
}

// claimIn is claim in tx.
func (s *Service) claimIn(ctx context.Context, tx *ent.Tx, n int) ([]claimedJob, error) {
	now := s.clock()
	q := tx.Job.Query().Where(job.RunTimeLTE(now), job.Or(job.LeaseTimeIsNil(), job.LeaseTimeLT(now))).
		Order(ent.Asc(job.FieldRunTime)).Limit(n)
	if s.canLock() {
		q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
	}
	jobs, err := q.All(ctx)
	if err != nil || len(jobs) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(jobs))
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	err = tx.Job.Update().Where(job.IDIn(ids...)).SetLeaseOwner(s.worker.ID).
		SetLeaseTime(now.Add(s.worker.Lease)).AddAttempts(1).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease jobs: %w", err)
	}
	out := make([]claimedJob, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, claimedJob{id: j.ID, certID: j.CertificateID, runTime: j.RunTime, attempts: j.Attempts + 1})
	}
	return out, nil
}

// stillMine reports, inside tx, whether this worker still holds the job:
// a change by a person or another worker releases it.
func (s *Service) stillMine(ctx context.Context, tx *ent.Tx, j claimedJob) (bool, error) {
	n, err := tx.Job.Query().Where(job.ID(j.id), job.LeaseOwner(s.worker.ID), job.RunTime(j.runTime)).Count(ctx)
	return n > 0, err
}

// holdLease reports, inside tx, whether this worker still holds the job
// with its lease running, and extends the lease by another term. Every call
// that places something at the CA is made under it: a worker whose lease ran
// out (a job that waited too long in its queue, a slow call) may have been
// replaced by another, which may be sending the same operation right now.
func (s *Service) holdLease(ctx context.Context, tx *ent.Tx, j claimedJob) (bool, error) {
	now := s.clock()
	q := tx.Job.Query().Where(job.ID(j.id), job.LeaseOwner(s.worker.ID), job.RunTime(j.runTime), job.LeaseTimeGTE(now))
	if s.canLock() {
		q.ForUpdate()
	}
	ids, err := q.IDs(ctx)
	if err != nil || len(ids) == 0 {
		return false, err
	}
	return true, tx.Job.Update().Where(job.ID(j.id)).SetLeaseTime(now.Add(s.worker.Lease)).Exec(ctx)
}

// errSuperseded ends a job whose order changed while it ran.
var errSuperseded = errors.New("the order changed while the job ran")

// finish ends a job in the transaction of its effect: it deletes it or
// moves it to next, unless the job was superseded meanwhile. The write
// itself checks that this worker still holds the job (a change releases it
// by taking the lease away), so nothing is read first.
func (s *Service) finish(ctx context.Context, tx *ent.Tx, j claimedJob, next *time.Time, lastErr string) error {
	mine := []predicate.Job{job.ID(j.id), job.LeaseOwner(s.worker.ID), job.RunTime(j.runTime)}
	var n int
	var err error
	if next == nil {
		n, err = tx.Job.Delete().Where(mine...).Exec(ctx)
	} else {
		// Clearing the lease owner changes the row, so a row found is a row
		// counted as affected.
		u := tx.Job.Update().Where(mine...).SetRunTime(*next).SetLeaseOwner("").ClearLeaseTime().SetLastError(truncate(lastErr, 512))
		if lastErr == "" {
			u.SetAttempts(0)
		}
		n, err = u.Save(ctx)
	}
	if err != nil {
		return fmt.Errorf("finish job %d: %w", j.id, err)
	}
	if n == 0 {
		return errSuperseded
	}
	return nil
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
func (s *Service) runJob(ctx context.Context, j claimedJob) {
	err := s.step(ctx, j)
	if err == nil || errors.Is(err, errSuperseded) {
		return
	}
	s.log.WarnContext(ctx, "job failed", "certificate", j.certID, "attempt", j.attempts, "error", err)
	next := s.clock().Add(backoff(j.attempts))
	_, ferr := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		return struct{}{}, s.finish(ctx, tx, j, &next, err.Error())
	})
	if ferr != nil && !errors.Is(ferr, errSuperseded) && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "reschedule job", "certificate", j.certID, "error", ferr)
	}
}

// step does what a certificate's state asks for.
func (s *Service) step(ctx context.Context, j claimedJob) error {
	c, err := s.db.Certificate.Get(ctx, j.certID)
	if ent.IsNotFound(err) {
		_, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) { return struct{}{}, s.finish(ctx, tx, j, nil, "") })
		return err
	}
	if err != nil {
		return fmt.Errorf("load certificate %d: %w", j.certID, err)
	}
	switch {
	case c.Op == opCancel:
		return s.cancelAtCA(ctx, j, c)
	case c.Op != "" && c.OpSentTime == nil:
		return s.send(ctx, j, c, false)
	case c.Op != "" && c.OpAnswerTime == nil:
		// Sent before, and no answer was stored: the call timed out or the
		// process died mid-call. Reconcile before anything is sent again.
		return s.reconcile(ctx, j, c)
	case c.Op != "":
		// The CA has the operation: ask how it stands.
		mod, p, err := s.providerFor(ctx, c.ProcessingModuleID)
		if err != nil {
			return err
		}
		return s.poll(ctx, j, c, mod, p)
	case c.State == certificate.StateIssued || c.State == certificate.StateSuspended || c.State == certificate.StateReissuing:
		return s.maintain(ctx, j, c)
	default:
		return s.done(ctx, j, c.ID, nil)
	}
}

// done finishes a job with nothing else changed.
func (s *Service) done(ctx context.Context, j claimedJob, certID int64, next *time.Time) error {
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		if _, err := s.lockCert(ctx, tx, certID); err != nil && !errors.Is(err, errkind.NotFound) {
			return struct{}{}, err
		}
		return struct{}{}, s.finish(ctx, tx, j, next, "")
	})
	return err
}

func remoteRef(c *ent.Certificate) provider.RemoteRef {
	return provider.RemoteRef{Ref: c.OpRef, RemoteID: c.CaOrderID, State: c.RemoteState}
}

// orderRequest is what the CA is sent for c.
func (s *Service) orderRequest(ctx context.Context, c *ent.Certificate, mod *ent.ProcessingModule) (provider.OrderRequest, error) {
	pl, err := s.catalog.plan(ctx, c.PlanID)
	if err != nil {
		return provider.OrderRequest{}, fmt.Errorf("load plan %d: %w", c.PlanID, err)
	}
	code, _ := servesPlan(mod, c.PlanID)
	dcv := map[string]provider.DCVChoice{}
	for _, v := range c.Validations {
		dcv[v.Domain] = provider.DCVChoice{Method: provider.DCVMethod(v.Method), Email: v.Email}
	}
	csr := c.CsrPem
	if c.NextCsrPem != "" {
		csr = c.NextCsrPem
	}
	now := s.clock()
	paid := now.AddDate(0, int(c.PeriodMonths), 0)
	if c.PaidUntil != nil && c.PaidUntil.After(now) {
		paid = *c.PaidUntil
	}
	r := provider.OrderRequest{Ref: c.OpRef, ProductCode: code, Validation: string(pl.Validation),
		PeriodMonths: int(c.PeriodMonths), CSRPEM: csr, CommonName: c.CommonName, SANs: c.ExtraNames, DCV: dcv,
		Admin: provider.Contact(c.AdminContact), Tech: provider.Contact(c.TechContact),
		NotAfter: localca.ValidityEnd(now, paid)}
	if pl.Validation != "dv" {
		country, _ := countryCode("", c.Organization.CountryID)
		o := c.Organization
		r.Org = &provider.Organization{Name: o.Name, Department: o.Department, Address: o.Address, City: o.City,
			State: o.State, PostalCode: o.PostalCode, Country: country, Phone: o.Phone}
	}
	return r, nil
}

// send places the certificate's operation at the CA. The intent is
// committed first (op_sent_time), so a crash during the call is seen by the
// next attempt, which then reconciles instead of sending blindly.
func (s *Service) send(ctx context.Context, j claimedJob, c *ent.Certificate, again bool) error {
	mod, p, err := s.providerFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	req, err := s.orderRequest(ctx, c, mod)
	if err != nil {
		return err
	}
	op := c.Op
	// A resend (again) is of an operation sent before; either way the job
	// must still be this worker's, with a lease that covers the call. A CA
	// for which sending twice is harmless needs neither the intent nor the
	// lease: the transaction is saved.
	if _, repeatSafe := p.(provider.RepeatSafe); !repeatSafe {
		if err := s.markSent(ctx, j, c, again); err != nil {
			return err
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, s.worker.CallTimeout)
	defer cancel()
	var remote provider.Remote
	switch op {
	case opOrder:
		remote, err = p.PlaceOrder(callCtx, req)
	case opRenew:
		if r, ok := p.(provider.Renewer); ok {
			remote, err = r.Renew(callCtx, remoteRef(c), req)
		} else {
			remote, err = p.PlaceOrder(callCtx, req)
		}
	case opReissue:
		r, ok := p.(provider.Reissuer)
		switch {
		case !ok && mod.Kind == "manual":
			// An administrator uploads the reissued certificate.
			remote = provider.Remote{RemoteRef: remoteRef(c), State: provider.StateReissuing}
			break
		case !ok:
			return s.failOp(ctx, j, c, "the processing module cannot reissue; an administrator uploads the new certificate")
		}
		if !ok {
			break
		}
		remote, err = r.Reissue(callCtx, remoteRef(c), provider.ReissueRequest{CSRPEM: req.CSRPEM,
			CommonName: c.CommonName, SANs: c.ExtraNames, DCV: req.DCV, NotAfter: req.NotAfter})
	}
	if err != nil {
		return s.callFailed(ctx, j, c, err)
	}
	_, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if ok, err := s.stillMine(ctx, tx, j); err != nil || !ok || cur.Op != op {
			return struct{}{}, errors.Join(err, errSuperseded)
		}
		cur, err = s.applyRemote(ctx, tx, cur, remote, "")
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.finish(ctx, tx, j, s.nextRun(mod, cur, 0), "")
	})
	return err
}

// markSent commits the intent to send c's operation (op_sent_time), after
// checking the job is still this worker's with a lease that covers the call.
// A resend (again) is of an operation sent before and changes nothing.
func (s *Service) markSent(ctx context.Context, j claimedJob, c *ent.Certificate, again bool) error {
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if ok, err := s.holdLease(ctx, tx, j); err != nil || !ok || cur.Op != c.Op || cur.OpRef != c.OpRef || (cur.OpSentTime != nil) != again {
			return struct{}{}, errors.Join(err, errSuperseded)
		}
		if again {
			return struct{}{}, nil
		}
		// Update, not UpdateOne: nothing reads the row back.
		return struct{}{}, tx.Certificate.Update().Where(certificate.ID(cur.ID)).SetOpSentTime(s.clock()).Exec(ctx)
	})
	return err
}

// callFailed decides what a failed call to the CA means for the order.
func (s *Service) callFailed(ctx context.Context, j claimedJob, c *ent.Certificate, err error) error {
	if errors.Is(err, provider.ErrUnavailable) || errors.Is(err, provider.ErrInsufficientFunds) {
		// Nothing was placed: another module selling the plan may take it.
		if moved, ferr := s.failover(ctx, j, c, err); ferr != nil || moved {
			return ferr
		}
	}
	switch {
	case errors.Is(err, provider.ErrRejected), errors.Is(err, provider.ErrInsufficientFunds):
		return s.failOp(ctx, j, c, "the CA refused the request: "+publicReason(err))
	case errors.Is(err, provider.ErrUnknownOutcome), ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("outcome unknown, reconciling next: %w", err) // op_sent_time stays: reconcile next time
	default:
		// Nothing happened at the CA (unavailable): send again later.
		_, terr := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
			cur, err := s.lockCert(ctx, tx, c.ID)
			if err != nil {
				return struct{}{}, err
			}
			return struct{}{}, tx.Certificate.UpdateOne(cur).ClearOpSentTime().Exec(ctx)
		})
		return errors.Join(err, terr)
	}
}

// failOp records that the CA refused the operation.
func (s *Service) failOp(ctx context.Context, j claimedJob, c *ent.Certificate, msg string) error {
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if ok, err := s.stillMine(ctx, tx, j); err != nil || !ok {
			return struct{}{}, errors.Join(err, errSuperseded)
		}
		cur, err = s.apply(ctx, tx, cur, step{event: lifecycle.CAFailed, message: msg}, func(u *ent.CertificateUpdateOne) {
			abandonOp(u)
		})
		if err != nil {
			return struct{}{}, err
		}
		var next *time.Time
		if cur.State == certificate.StateIssued {
			t := s.maintenanceAfterOp(cur)
			next = &t
		}
		return struct{}{}, s.finish(ctx, tx, j, next, "")
	})
	return err
}

// reconcile settles an operation whose outcome is unknown: a provider that
// can look orders up by our reference is asked; one for which sending twice
// is harmless is sent to again; any other order waits for an operator.
func (s *Service) reconcile(ctx context.Context, j claimedJob, c *ent.Certificate) error {
	mod, p, err := s.providerFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	if rl, ok := p.(provider.RefLookup); ok {
		callCtx, cancel := context.WithTimeout(ctx, s.worker.CallTimeout)
		remote, found, err := rl.FindByRef(callCtx, c.OpRef)
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
func (s *Service) poll(ctx context.Context, j claimedJob, c *ent.Certificate, mod *ent.ProcessingModule, p provider.Provider) error {
	callCtx, cancel := context.WithTimeout(ctx, s.worker.CallTimeout)
	defer cancel()
	remote, err := p.Sync(callCtx, remoteRef(c))
	if err != nil {
		return fmt.Errorf("sync with the CA: %w", err)
	}
	return s.store(ctx, j, c, mod, remote, "")
}

// store applies what the CA said and schedules the next look.
func (s *Service) store(ctx context.Context, j claimedJob, c *ent.Certificate, mod *ent.ProcessingModule, remote provider.Remote, msg string) error {
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if ok, err := s.stillMine(ctx, tx, j); err != nil || !ok {
			return struct{}{}, errors.Join(err, errSuperseded)
		}
		if cur, err = s.applyRemote(ctx, tx, cur, remote, msg); err != nil {
			return struct{}{}, err
		}
		next := s.nextRun(mod, cur, j.attempts)
		if err := s.finish(ctx, tx, j, next, ""); err != nil || next == nil || cur.Op == "" {
			return struct{}{}, err
		}
		// The CA is still at work: keep counting the polls, which finish
		// reset, so that they back off.
		return struct{}{}, tx.Job.UpdateOneID(j.id).SetAttempts(j.attempts).Exec(ctx)
	})
	return err
}

// nextRun is when the worker looks at c again: polls back off while the CA
// works, an issued certificate waits for its next deadline, and a manual
// module's orders wait for an administrator.
func (s *Service) nextRun(mod *ent.ProcessingModule, c *ent.Certificate, attempts int32) *time.Time {
	switch {
	case c.Op == "" && (c.State == certificate.StateIssued || c.State == certificate.StateSuspended):
		t := s.maintenanceAfterOp(c)
		return &t
	case c.Op == "" || mod.Kind == "manual":
		return nil
	}
	t := s.clock().Add(backoff(attempts + 1))
	return &t
}

// applyRemote records what the CA says about c's operation: the state
// change it implies, the CA's order id and state, validation instructions
// and, once issued, the certificate.
func (s *Service) applyRemote(ctx context.Context, tx *ent.Tx, c *ent.Certificate, r provider.Remote, msg string) (*ent.Certificate, error) {
	if msg == "" {
		msg = r.Message
	}
	now := s.clock()
	mut := func(u *ent.CertificateUpdateOne) {
		if c.Op != "" {
			u.SetOpAnswerTime(now)
			if c.OpSentTime == nil { // sent without an intent: a repeat-safe CA
				u.SetOpSentTime(now)
			}
		}
		if r.RemoteID != "" {
			u.SetCaOrderID(truncate(r.RemoteID, 128))
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
	events := eventsFor(lifecycle.State(c.State), r.State)
	if r.State == provider.StateIssued {
		pub, err := requestKey(c)
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
		mut = func(u *ent.CertificateUpdateOne) { issue(u); issued(u, c, leaf, chain) }
	}
	if len(events) == 0 {
		// No state change (still validating): store what changed.
		u := tx.Certificate.UpdateOne(c).SetUpdateTime(s.clock())
		mut(u)
		return saveCert(ctx, tx, c, u)
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
				abandonOp(u)
			}
		}
		var err error
		if c, err = s.apply(ctx, tx, c, step{event: ev, message: text}, m); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// eventsFor is the path from an order's state to what the CA reports.
func eventsFor(from lifecycle.State, r provider.State) []lifecycle.Event {
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

// nextMaintenance is the next deadline of an issued certificate: the end of
// the paid term, the auto-renewal before it, or the reissue before the
// certificate ends while the term goes on.
func (s *Service) nextMaintenance(c *ent.Certificate) time.Time {
	far := s.clock().Add(24 * time.Hour)
	if c.PaidUntil == nil {
		return far
	}
	next := *c.PaidUntil
	if c.AutoRenew {
		next = earliest(next, c.PaidUntil.Add(-s.worker.RenewBefore))
	}
	if c.NotAfter != nil && c.PaidUntil.After(*c.NotAfter) && c.State == certificate.StateIssued {
		next = earliest(next, c.NotAfter.Add(-s.worker.ReissueBefore))
	}
	// Look at least daily, so that a changed setting (auto-renew switched
	// on) is seen without a reschedule.
	return earliest(next, far)
}

// maintenanceAfterOp is when the worker looks at an issued certificate
// again after an operation at the CA ended. A deadline passed already means
// the CA failed what was due (a subscription reissue it refused): starting it
// again at once would fail again, in a loop, so it waits a day. The end of
// the paid term is kept.
func (s *Service) maintenanceAfterOp(c *ent.Certificate) time.Time {
	t, now := s.nextMaintenance(c), s.clock()
	if t.After(now) {
		return t
	}
	t = now.Add(24 * time.Hour)
	if c.PaidUntil != nil {
		t = earliest(t, *c.PaidUntil)
	}
	return t
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// maintain handles the deadlines of an issued certificate.
func (s *Service) maintain(ctx context.Context, j claimedJob, c *ent.Certificate) error {
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if ok, err := s.stillMine(ctx, tx, j); err != nil || !ok {
			return struct{}{}, errors.Join(err, errSuperseded)
		}
		now := s.clock()
		paid := cur.PaidUntil
		switch {
		case paid == nil || cur.Op != "":
			return struct{}{}, s.finish(ctx, tx, j, nil, "")
		case cur.AutoRenew && cur.State == certificate.StateIssued && !now.Before(paid.Add(-s.worker.RenewBefore)):
			_, err := s.renew(ctx, tx, cur, 0, fmt.Sprint(paid.Unix()))
			if err == nil {
				return struct{}{}, nil // renew scheduled the job anew
			}
			if !errors.Is(err, errkind.FailedPrecondition) && !errors.Is(err, errkind.InvalidArgument) {
				return struct{}{}, err
			}
			// Not enough money (failed_precondition) or the period is no
			// longer sold (invalid_argument): say so, try again tomorrow.
			if err := s.record(ctx, tx, cur, "auto_renew_failed", lifecycle.State(cur.State),
				step{message: "auto-renewal failed: " + errMessage(err)}); err != nil {
				return struct{}{}, err
			}
			next := earliest(now.Add(24*time.Hour), *paid)
			if !now.Before(*paid) {
				next = now
				cur, err = s.apply(ctx, tx, cur, step{event: lifecycle.Expire, message: "the paid term ended"}, nil)
				if err != nil {
					return struct{}{}, err
				}
				return struct{}{}, s.finish(ctx, tx, j, nil, "")
			}
			return struct{}{}, s.finish(ctx, tx, j, &next, "")
		case !now.Before(*paid):
			if _, err := s.apply(ctx, tx, cur, step{event: lifecycle.Expire, message: "the paid term ended"}, nil); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, s.finish(ctx, tx, j, nil, "")
		case cur.State == certificate.StateIssued && cur.NotAfter != nil && paid.After(*cur.NotAfter) &&
			!now.Before(cur.NotAfter.Add(-s.worker.ReissueBefore)):
			_, err := s.apply(ctx, tx, cur, step{event: lifecycle.Reissue, runAt: &now,
				message: "subscription reissue: the certificate ends before the paid term"},
				func(u *ent.CertificateUpdateOne) { beginOp(u, opReissue, s.newOpRef(cur)) })
			return struct{}{}, err
		}
		next := s.nextMaintenance(cur)
		return struct{}{}, s.finish(ctx, tx, j, &next, "")
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
func (s *Service) cancelAtCA(ctx context.Context, j claimedJob, c *ent.Certificate) error {
	_, p, err := s.providerFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	callCtx, cancel := context.WithTimeout(ctx, s.worker.CallTimeout)
	defer cancel()
	if err := p.Cancel(callCtx, remoteRef(c), "deleted"); err != nil && !errors.Is(err, provider.ErrNotFound) {
		if errors.Is(err, provider.ErrRejected) {
			s.log.WarnContext(ctx, "the CA refused to cancel a deleted order", "certificate", c.ID, "error", err)
		} else {
			return fmt.Errorf("cancel at the CA: %w", err)
		}
	}
	_, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if err := endOp(tx.Certificate.UpdateOne(cur)).Exec(ctx); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.finish(ctx, tx, j, nil, "")
	})
	return err
}
