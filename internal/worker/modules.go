package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/modulecall"
	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// moduleCallRetention is how long the call log of a module is kept.
const moduleCallRetention = 30 * 24 * time.Hour

// PurgeModuleCalls deletes call log entries older than the retention.
func (s *Worker) PurgeModuleCalls(ctx context.Context) (int, error) {
	n, err := s.db.ModuleCall.Delete().Where(modulecall.CreateTimeLT(s.Clock().Add(-moduleCallRetention))).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge module calls: %w", err)
	}
	return n, nil
}

// refreshBalances reads the balance of every enabled module that has one.
func (s *Worker) refreshBalances(ctx context.Context) {
	mods, err := s.db.ProcessingModule.Query().Where(processingmodule.Enabled(true)).All(ctx)
	if err != nil {
		if ctx.Err() == nil { // not when the worker is stopping
			s.log.ErrorContext(ctx, "list modules for their balances", "error", err)
		}
		return
	}
	for _, m := range mods {
		p, err := s.ProviderOf(m)
		if err == nil {
			_, err = s.RefreshBalance(ctx, m, p)
		}
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "refresh module balance", "module", m.ID, "error", err)
		}
	}
	s.NoticeModules(ctx)
}

// monitorModules refreshes the modules' balances every interval until ctx ends.
func (s *Worker) monitorModules(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.refreshBalances(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// failover moves an order that was never placed to the next module that
// sells its plan, when its module is down or short of money. It reports
// whether it did.
func (s *Worker) failover(ctx context.Context, j core.Job, c *ent.Certificate, cause error) (bool, error) {
	if core.OpOf(c) != lifecycle.OpOrder || c.CaOrderID != "" {
		return false, nil // renewals and reissues stay with the CA that has the certificate
	}
	next, err := s.nextModule(ctx, c.PlanID, c.ProcessingModuleID)
	if err != nil || next == nil {
		return false, err
	}
	err = s.InTx(ctx, func(tx *core.Tx) error {
		cur, err := tx.LockCert(ctx, c.ID)
		if err != nil {
			return err
		}
		if ok, err := tx.StillMine(ctx, j); err != nil || !ok || core.OpOf(cur) != lifecycle.OpOrder ||
			cur.ProcessingModuleID != c.ProcessingModuleID || cur.CaOrderID != "" {
			return errors.Join(err, core.ErrSuperseded)
		}
		msg := fmt.Sprintf("moved from processing module %d to %d: %s", c.ProcessingModuleID, next.ID, core.PublicReason(cause))
		if err := tx.MoveToModule(ctx, cur, next.ID, msg); err != nil {
			return err
		}
		now := s.Clock()
		return tx.FinishJob(ctx, j, &now, "")
	})
	if errors.Is(err, core.ErrSuperseded) {
		return false, nil
	}
	return err == nil, err
}

// nextModule is the module after current, by priority, that sells planID
// and can take an order now; nil when there is none.
func (s *Worker) nextModule(ctx context.Context, planID, current int64) (*ent.ProcessingModule, error) {
	mods, err := s.db.ProcessingModule.Query().Where(processingmodule.Enabled(true), processingmodule.IDNEQ(current)).
		Order(ent.Asc(processingmodule.FieldPriority), ent.Asc(processingmodule.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	for _, m := range mods {
		if s.CanTake(m, planID) {
			return m, nil
		}
	}
	return nil, nil
}
