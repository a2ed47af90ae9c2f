package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/provider"
)

// revoke sends the order's revocation to the CA (provider.Revoker) and
// applies the answer through the CA-report table: the CA's revocation is
// ReportRevoked, which moves an issued or suspended order to revoked with
// its event. The intent is committed before the call under a held lease, so
// two workers never send it at once; an interrupted call is sent again
// (revoking is idempotent at the CA; providers answer an "already revoked"
// certificate with success). A refusal ends the request, the state stays.
func (s *Worker) revoke(ctx context.Context, j core.Job, c *ent.Certificate) error {
	mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return err
	}
	r, ok := p.(provider.Revoker)
	if !ok {
		return s.revokeFailed(ctx, j, c, fmt.Sprintf("the processing module %q cannot revoke certificates", mod.Name))
	}
	if err := s.markSent(ctx, j, c, c.OpSentTime != nil); err != nil {
		return err
	}
	reason := 0
	if c.RevokeReason != nil {
		reason = int(*c.RevokeReason)
	}
	callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	err = r.Revoke(callCtx, core.RemoteRef(c), c.SerialNumber, reason)
	cancel()
	switch {
	case err == nil:
	case errors.Is(err, provider.ErrRejected), errors.Is(err, provider.ErrNotFound):
		return s.revokeFailed(ctx, j, c, "the CA refused the revocation: "+core.PublicReason(err))
	default:
		// Unavailable or unknown outcome: the job backs off and sends again.
		return fmt.Errorf("revoke at the CA: %w", err)
	}
	remote := provider.Remote{RemoteRef: core.RemoteRef(c), State: provider.StateRevoked, RawStatus: "revoked",
		Message: "revoked at the CA"}
	return s.store(ctx, j, c, mod, remote, "")
}

// revokeFailed ends a revocation request the CA refused.
func (s *Worker) revokeFailed(ctx context.Context, j core.Job, c *ent.Certificate, msg string) error {
	return s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if ok, err := tx.StillMine(ctx, j); err != nil || !ok || core.OpOf(cur) != lifecycle.OpRevoke {
			return errors.Join(err, core.ErrSuperseded)
		}
		cur, err = tx.RevocationFailed(ctx, cur, msg)
		if err != nil {
			return err
		}
		// RevocationFailed scheduled the maintenance of an issued order,
		// which released this job: finishing it is superseded then.
		if err := tx.FinishJob(ctx, j, nil, ""); err != nil && !errors.Is(err, core.ErrSuperseded) {
			return err
		}
		return nil
	})
}
