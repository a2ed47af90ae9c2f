package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"certsvc/ent"
	"certsvc/ent/job"
	"certsvc/ent/predicate"
	"certsvc/internal/lifecycle"
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
// UPDATE SKIP LOCKED on MySQL, so replicas share them).
func (s *Core) ClaimJobs(ctx context.Context, owner string, n int, lease time.Duration) ([]Job, error) {
	var out []Job
	err := s.InTx(ctx, func(tx *Tx) error {
		now := s.Clock()
		q := tx.Job.Query().Where(job.RunTimeLTE(now), job.Or(job.LeaseTimeIsNil(), job.LeaseTimeLT(now))).
			Order(ent.Asc(job.FieldRunTime)).Limit(n)
		if s.CanLock() {
			q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
		}
		jobs, err := q.All(ctx)
		if err != nil || len(jobs) == 0 {
			return err
		}
		ids := make([]int64, 0, len(jobs))
		for _, j := range jobs {
			ids = append(ids, j.ID)
		}
		err = tx.Job.Update().Where(job.IDIn(ids...)).SetLeaseOwner(owner).
			SetLeaseTime(now.Add(lease)).AddAttempts(1).Exec(ctx)
		if err != nil {
			return fmt.Errorf("lease jobs: %w", err)
		}
		out = make([]Job, 0, len(jobs))
		for _, j := range jobs {
			out = append(out, Job{ID: j.ID, CertID: j.CertificateID, RunTime: j.RunTime, Attempts: j.Attempts + 1,
				Owner: owner, Lease: lease})
		}
		return nil
	})
	return out, err
}

// StillMine reports, inside tx, whether j.Owner still holds the job:
// a change by a person or another worker releases it.
func (tx *Tx) StillMine(ctx context.Context, j Job) (bool, error) {
	n, err := tx.Job.Query().Where(job.ID(j.ID), job.LeaseOwner(j.Owner), job.RunTime(j.RunTime)).Count(ctx)
	return n > 0, err
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
		u := tx.Job.Update().Where(mine...).SetRunTime(*next).SetLeaseOwner("").ClearLeaseTime().SetLastError(Truncate(lastErr, 512))
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
	return nil
}

// KeepAttempts sets the job's attempt count back to what it was when it
// was claimed, after FinishJob reset it: polls of a CA that is still at work
// keep counting, so that they back off.
func (tx *Tx) KeepAttempts(ctx context.Context, j Job) error {
	return tx.Job.UpdateOneID(j.ID).SetAttempts(j.Attempts).Exec(ctx)
}

// MarkSent commits the intent to send c's operation (op_sent_time).
func (tx *Tx) MarkSent(ctx context.Context, c *ent.Certificate) error {
	return tx.Certificate.UpdateOne(c).SetOpSentTime(tx.core.Clock()).Exec(ctx)
}

// Unsent clears the intent to send c's operation: the CA did nothing, and
// the operation is to be sent again.
func (tx *Tx) Unsent(ctx context.Context, c *ent.Certificate) error {
	return tx.Certificate.UpdateOne(c).ClearOpSentTime().Exec(ctx)
}

// EndOpNow ends c's operation at the CA without a state change (a deleted
// order cancelled at the CA).
func (tx *Tx) EndOpNow(ctx context.Context, c *ent.Certificate) error {
	return EndOp(tx.Certificate.UpdateOne(c)).Exec(ctx)
}

// MoveToModule hands c's unsent order to another processing module and
// records why (failover).
func (tx *Tx) MoveToModule(ctx context.Context, c *ent.Certificate, moduleID int64, msg string) error {
	if err := tx.Certificate.UpdateOne(c).SetProcessingModuleID(moduleID).ClearOpSentTime().ClearRemoteState().
		SetUpdateTime(tx.core.Clock()).Exec(ctx); err != nil {
		return fmt.Errorf("move certificate %d to module %d: %w", c.ID, moduleID, err)
	}
	return tx.Record(ctx, c, "failover", lifecycle.State(c.State), Step{Message: msg})
}
