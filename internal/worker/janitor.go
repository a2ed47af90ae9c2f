package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/certsvc/certsvc/ent/loginkey"
	"github.com/certsvc/certsvc/ent/session"
)

// purgeGrace is how long ended sessions and login keys are kept, for audit.
const purgeGrace = 7 * 24 * time.Hour

// PurgeExpired deletes sessions and login keys that expired or were revoked
// more than a week ago, and the CA call log past its retention, and returns
// how many rows went. Safe to run on every
// replica at once: the deletes are idempotent.
func (s *Worker) PurgeExpired(ctx context.Context) (int, error) {
	cutoff := s.Clock().Add(-purgeGrace)
	n, err := s.db.Session.Delete().Where(session.Or(
		session.ExpireTimeLT(cutoff), session.RevokeTimeLT(cutoff))).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	m, err := s.db.LoginKey.Delete().Where(loginkey.ExpireTimeLT(cutoff)).Exec(ctx)
	if err != nil {
		return n, fmt.Errorf("purge login keys: %w", err)
	}
	k, err := s.PurgeModuleCalls(ctx)
	return n + m + k, err
}

// RunJanitor purges expired credentials every interval until ctx ends.
func (s *Worker) RunJanitor(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "purge expired credentials", "err", err)
		} else if n > 0 {
			s.log.InfoContext(ctx, "purged expired credentials", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
