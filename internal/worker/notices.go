package worker

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/outbox"
)

// NoticeModules writes the operator's notices about the enabled modules (the
// worker does after each reading of their balances): a
// balance below its minimum (once a day while it lasts) and an open circuit
// breaker (once per open period).
func (s *Worker) NoticeModules(ctx context.Context) {
	mods, err := s.db.ProcessingModule.Query().Where(processingmodule.Enabled(true)).All(ctx)
	if err != nil {
		if ctx.Err() == nil { // not when the worker is stopping
			s.log.ErrorContext(ctx, "list modules for notices", "error", err)
		}
		return
	}
	now := s.Clock()
	wrote := false
	for _, m := range mods {
		var key string
		var n outbox.Notice
		switch until := s.UnavailableUntil(m); {
		case !until.IsZero():
			key = fmt.Sprintf("breaker_open:%d:%d", m.ID, until.Unix())
			n = outbox.Notice{Type: outbox.BreakerOpen, Data: outbox.Data{ModuleName: m.Name,
				Reason: "calls fail at once until " + until.Format("2006-01-02 15:04:05 UTC")}}
		case core.ShortOfMoney(m):
			key = fmt.Sprintf("module_balance_low:%d:%s", m.ID, now.Format("2006-01-02"))
			n = outbox.Notice{Type: outbox.ModuleBalanceLow, Data: outbox.Data{ModuleName: m.Name,
				BalanceMinor: *m.BalanceMinor, ThresholdMinor: m.MinBalance, Currency: m.BalanceCurrency}}
		default:
			continue
		}
		if err := outbox.Add(ctx, s.db.OutboxNotice, key, n, now); err != nil {
			if ctx.Err() != nil {
				return // stopping
			}
			s.log.ErrorContext(ctx, "write a module notice", "module", m.ID, "error", err)
			continue
		}
		wrote = true
	}
	if wrote {
		s.PokeNotices()
	}
}
