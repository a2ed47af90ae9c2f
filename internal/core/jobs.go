package core

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/job"
	"github.com/certsvc/certsvc/ent/predicate"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/store"
)

// Job is a job a worker leased: the certificate to look at, as of the run
// time it was claimed at, and the lease that makes it this worker's.
type Job struct {
	ID, CertID int64
	RunTime    time.Time
	Attempts   int32
	// Owner is the worker holding the lease; Lease its term.
	Owner string
	Lease time.Duration
}

// ClaimJobs leases up to n due jobs to owner for lease (with SELECT ... FOR
// UPDATE SKIP LOCKED on MySQL, so replicas share them). On MySQL it reads
// under READ COMMITTED: the scan then locks the due rows it takes and not
// the gaps of the run_time index, so new orders insert their jobs meanwhile
// instead of waiting for the claim to commit.
func (s *Core) ClaimJobs(ctx context.Context, owner string, n int, lease time.Duration) ([]Job, error) {
	// A plain read first: when nothing is due, as after most wake-ups, the
	// claim costs one statement instead of a locking transaction's four. A
	// job this read misses is claimed on the next round.
	due, err := s.db.Job.Query().Where(dueJobs(s.Clock())...).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("look for due jobs: %w", store.Translate(err))
	}
	if !due {
		return nil, nil
	}
	var opts *stdsql.TxOptions
	if s.CanLock() {
		opts = &stdsql.TxOptions{Isolation: stdsql.LevelReadCommitted}
	}
	etx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin tx: %w", store.Translate(err))
	}
	out, err := (&Tx{Tx: etx, core: s}).claimJobs(ctx, owner, n, lease)
	if err != nil {
		_ = etx.Rollback()
		if store.IsRetryable(err) {
			return nil, nil // see below
		}
		return nil, err
	}
	if err := etx.Commit(); err != nil {
		if store.IsRetryable(err) {
			// Another worker claimed some of these jobs at the same time on
			// another Galera node (SKIP LOCKED locks only on its own node)
			// and certified first: this claim took nothing, and the caller
			// runs none of them. It claims again on its next round.
			s.log.DebugContext(ctx, "claim lost to another worker", "jobs", len(out), "error", err)
			return nil, nil
		}
		return nil, fmt.Errorf("commit: %w", store.Translate(err))
	}
	return out, nil
}

// claimJobs is ClaimJobs in tx.
func (tx *Tx) claimJobs(ctx context.Context, owner string, n int, lease time.Duration) ([]Job, error) {
	now := tx.core.Clock()
	q := tx.Job.Query().Where(dueJobs(now)...).Order(ent.Asc(job.FieldRunTime)).Limit(n)
	if tx.core.CanLock() {
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
	err = tx.Job.Update().Where(job.IDIn(ids...)).SetLeaseOwner(owner).
		SetLeaseTime(now.Add(lease)).AddAttempts(1).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease jobs: %w", err)
	}
	out := make([]Job, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, Job{ID: j.ID, CertID: j.CertificateID, RunTime: j.RunTime, Attempts: j.Attempts + 1,
			Owner: owner, Lease: lease})
	}
	return out, nil
}

// dueJobs are the jobs due at now that no worker holds.
func dueJobs(now time.Time) []predicate.Job {
	return []predicate.Job{job.RunTimeLTE(now), job.Or(job.LeaseTimeIsNil(), job.LeaseTimeLT(now))}
}

// StillMine reports, inside tx, whether j.Owner still holds the job:
// a change by a person or another worker releases it.
func (tx *Tx) StillMine(ctx context.Context, j Job) (bool, error) {
	n, err := tx.Job.Query().Where(job.ID(j.ID), job.LeaseOwner(j.Owner), job.RunTime(j.RunTime)).Count(ctx)
	return n > 0, err
}

// Superseded is err, the failure of a job's step inside tx, or
// ErrSuperseded when j is no longer its worker's: a step that failed
// because a change took the job away ends quietly. A step that succeeds
// need not ask first: FinishJob's write checks the job, and a superseded
// step's transaction is rolled back with everything it wrote.
func (tx *Tx) Superseded(ctx context.Context, j Job, err error) error {
	if ok, qerr := tx.StillMine(ctx, j); qerr == nil && !ok {
		return ErrSuperseded
	}
	return err
}

// HoldLease reports, inside tx, whether j.Owner still holds the job
// with its lease running, and extends the lease by another term. Every call
// that places something at the CA is made under it: a worker whose lease ran
// out (a job that waited too long in its queue, a slow call) may have been
// replaced by another, which may be sending the same operation right now.
func (tx *Tx) HoldLease(ctx context.Context, j Job) (bool, error) {
	now := tx.core.Clock()
	q := tx.Job.Query().Where(job.ID(j.ID), job.LeaseOwner(j.Owner), job.RunTime(j.RunTime), job.LeaseTimeGTE(now))
	if tx.core.CanLock() {
		q.ForUpdate()
	}
	ids, err := q.IDs(ctx)
	if err != nil || len(ids) == 0 {
		return false, err
	}
	return true, tx.Job.Update().Where(job.ID(j.ID)).SetLeaseTime(now.Add(j.Lease)).Exec(ctx)
}

// ErrSuperseded ends a job whose order changed while it ran.
var ErrSuperseded = errors.New("the order changed while the job ran")

// FinishJob ends a job in the transaction of its effect: it deletes it or
// moves it to next, unless the job was superseded meanwhile. The write
// itself checks that this worker still holds the job (a change releases it
// by taking the lease away), so nothing is read first.
func (tx *Tx) FinishJob(ctx context.Context, j Job, next *time.Time, lastErr string) error {
	mine := []predicate.Job{job.ID(j.ID), job.LeaseOwner(j.Owner), job.RunTime(j.RunTime)}
	var n int
	var err error
	if next == nil {
		n, err = tx.Job.Delete().Where(mine...).Exec(ctx)
	} else {
		// Clearing the lease owner changes the row, so a row found is a row
		// counted as affected.
		// At the precision the database keeps (SQLite would keep
		// nanoseconds), so that a clock at the run time finds it due.
		u := tx.Job.Update().Where(mine...).SetRunTime(next.Truncate(time.Microsecond)).SetLeaseOwner("").ClearLeaseTime().SetLastError(Truncate(lastErr, 512))
		if lastErr == "" {
			u.SetAttempts(0)
		}
		n, err = u.Save(ctx)
	}
	if err != nil {
		return fmt.Errorf("finish job %d: %w", j.ID, err)
	}
	if n == 0 {
		return ErrSuperseded
	}
	if next != nil {
		tx.jobDue(*next)
	}
	return nil
}

// KeepAttempts sets the job's attempt count back to what it was when it
// was claimed, after FinishJob reset it: polls of a CA that is still at work
// keep counting, so that they back off.
func (tx *Tx) KeepAttempts(ctx context.Context, j Job) error {
	// Update, not UpdateOne: a read back after the locked claim can lose an
	// update on Galera (see store.LoginLimiter.Failure).
	return tx.Job.Update().Where(job.ID(j.ID)).SetAttempts(j.Attempts).Exec(ctx)
}

// MarkSent commits the intent to send c's operation (op_sent_time).
func (tx *Tx) MarkSent(ctx context.Context, c *ent.Certificate) error {
	// Update, not UpdateOne: nothing reads the row back.
	return tx.Certificate.Update().Where(certificate.ID(c.ID)).SetOpSentTime(tx.core.Clock()).Exec(ctx)
}

// Unsent clears the intent to send c's operation: the CA did nothing, and
// the operation is to be sent again.
func (tx *Tx) Unsent(ctx context.Context, c *ent.Certificate) error {
	_, err := tx.saveCertOnly(ctx, c, tx.Certificate.UpdateOne(c).ClearOpSentTime().SetUpdateTime(tx.core.Clock()))
	return err
}

// EndOpNow ends c's operation at the CA without a state change (a deleted
// order cancelled at the CA).
func (tx *Tx) EndOpNow(ctx context.Context, c *ent.Certificate) error {
	_, err := tx.saveCertOnly(ctx, c, EndOp(tx.Certificate.UpdateOne(c)).SetUpdateTime(tx.core.Clock()))
	return err
}

// MoveToModule hands c's unsent order to another processing module and
// records why (failover).
func (tx *Tx) MoveToModule(ctx context.Context, c *ent.Certificate, moduleID int64, msg string) error {
	if _, err := tx.saveCertOnly(ctx, c, tx.Certificate.UpdateOne(c).SetProcessingModuleID(moduleID).ClearOpSentTime().
		ClearRemoteState().SetUpdateTime(tx.core.Clock())); err != nil {
		return fmt.Errorf("move certificate %d to module %d: %w", c.ID, moduleID, err)
	}
	return tx.Record(ctx, c, "failover", lifecycle.State(c.State), Step{Message: msg})
}

// ExtendLeases extends by lease the leases owner still holds on the jobs
// ids, and returns how many it extended. A lease that ran out is not
// extended: another worker may have claimed the job, and the holder finds
// out when it next writes (HoldLease, StillMine, FinishJob).
func (s *Core) ExtendLeases(ctx context.Context, owner string, ids []int64, lease time.Duration) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	now := s.Clock()
	n, err := s.db.Job.Update().Where(job.IDIn(ids...), job.LeaseOwner(owner), job.LeaseTimeGTE(now)).
		SetLeaseTime(now.Add(lease)).Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("extend job leases: %w", err)
	}
	return n, nil
}
