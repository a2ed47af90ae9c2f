package worker


// claimedJob is a job this worker leased.
type claimedJob struct {
	id, certID int64
	runTime    time.Time
	attempts   int32
}


// claim leases up to n due jobs.
func (s *Service) claim(ctx context.Context, n int) ([]claimedJob, error) {
	return store.InTx(ctx, s.db, func(tx *ent.Tx) ([]claimedJob, error) {
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
	})
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


