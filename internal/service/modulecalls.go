package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"certsvc/ent"
	"certsvc/ent/modulecall"
	"certsvc/ent/processingmodule"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/errkind"
	"certsvc/internal/lifecycle"
	"certsvc/internal/provider"
	"certsvc/internal/provider/calls"
	"certsvc/internal/store"
)

// moduleCallRetention is how long the call log of a module is kept.
const moduleCallRetention = 30 * 24 * time.Hour

// guards holds each module's circuit breaker and call slots. They live as
// long as the process: a module's Provider is rebuilt when its settings
// change, its breaker is not.
type guards struct {
	mu sync.Mutex
	m  map[int64]*guardEntry
}

type guardEntry struct {
	g     *calls.Guard
	limit int32
}

func (gs *guards) of(m *ent.ProcessingModule) *calls.Guard {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	if gs.m == nil {
		gs.m = map[int64]*guardEntry{}
	}
	e, ok := gs.m[m.ID]
	if !ok || e.limit != m.MaxConcurrentCalls {
		e = &guardEntry{g: calls.NewGuard(int(m.MaxConcurrentCalls), 0, 0), limit: m.MaxConcurrentCalls}
		gs.m[m.ID] = e
	}
	return e.g
}

// unavailableUntil is when this replica's breaker lets calls to m through
// again; zero when it does now.
func (s *Service) unavailableUntil(m *ent.ProcessingModule) time.Time {
	if open, until := s.guards.of(m).Open(s.now()); open {
		return until
	}
	return time.Time{}
}

// moduleClient is the HTTP client a module's Provider calls its CA with:
// limited, guarded by the module's breaker, and recorded in its call log.
// moduleID 0 (a module being created) records nothing.
func (s *Service) moduleClient(moduleID int64, g *calls.Guard, debug bool, secrets map[string]string) *http.Client {
	t := calls.NewTransport(calls.Options{ModuleID: moduleID, Guard: g, Base: s.transport, Debug: debug,
		Record: s.recordCall, Secrets: slices.Collect(maps.Values(secrets)), Now: s.now, Logger: s.log})
	return t.Client(2 * s.worker.CallTimeout)
}

// recordCall appends a call to its module's log. The log is best effort: a
// failure to write it is logged, never fails the call.
func (s *Service) recordCall(ctx context.Context, c calls.Call) {
	if c.ModuleID == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := s.db.ModuleCall.Create().SetModuleID(c.ModuleID).SetCreateTime(c.Time.UTC().Truncate(time.Microsecond)).
		SetMethod(truncate(c.Method, 8)).SetURL(truncate(c.URL, 1024)).SetStatus(int32(c.Status)).
		SetDurationUs(c.Duration.Microseconds()).SetError(truncate(c.Err, 1024)).
		SetRequest(c.Request).SetResponse(c.Response).Exec(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "record a call to the CA", "module", c.ModuleID, "error", err)
	}
}

// ListModuleCalls implements ProcessingModuleService.ListModuleCalls.
func (s *Service) ListModuleCalls(ctx context.Context, req *certsvcv1.ListModuleCallsRequest) (*certsvcv1.ListModuleCallsResponse, error) {
	pg, err := readPage(req)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ProcessingModule.Get(ctx, req.GetId()); err != nil {
		return nil, fieldErr("id", store.Translate(err))
	}
	q := s.db.ModuleCall.Query().Where(modulecall.ModuleID(req.GetId())).Order(ent.Desc(modulecall.FieldID)).Limit(pg.limit())
	if pg.after > 0 {
		q.Where(modulecall.IDLT(pg.after))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list calls of module %d: %w", req.GetId(), err)
	}
	res := &certsvcv1.ListModuleCallsResponse{}
	rows, res.NextPageToken = cut(pg, rows, func(c *ent.ModuleCall) int64 { return c.ID })
	for _, c := range rows {
		res.Calls = append(res.Calls, &certsvcv1.ModuleCall{Id: c.ID, CreateTime: ts(c.CreateTime), Method: c.Method,
			Url: c.URL, Status: c.Status, Duration: durationpb.New(time.Duration(c.DurationUs) * time.Microsecond),
			Error: c.Error, Request: c.Request, Response: c.Response})
	}
	return res, nil
}

// PurgeModuleCalls deletes call log entries older than the retention.
func (s *Service) PurgeModuleCalls(ctx context.Context) (int, error) {
	n, err := s.db.ModuleCall.Delete().Where(modulecall.CreateTimeLT(s.clock().Add(-moduleCallRetention))).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge module calls: %w", err)
	}
	return n, nil
}

// RefreshModuleBalance implements ProcessingModuleService.RefreshModuleBalance.
func (s *Service) RefreshModuleBalance(ctx context.Context, req *certsvcv1.RefreshModuleBalanceRequest) (*certsvcv1.RefreshModuleBalanceResponse, error) {
	m, p, err := s.providerFor(ctx, req.GetId())
	if err != nil {
		return nil, fieldErr("id", err)
	}
	if _, ok := p.(provider.BalanceReporter); !ok {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "a %s module has no balance at its CA", m.Kind)
	}
	if m, err = s.refreshBalance(ctx, m, p); err != nil {
		return nil, &errkind.Error{Kind: errkind.Unavailable, Msg: "Cannot connect to the processing module: " + publicReason(err), Cause: err}
	}
	return &certsvcv1.RefreshModuleBalanceResponse{Module: s.moduleToProto(m)}, nil
}

// refreshBalance reads m's balance at its CA and stores it. It keeps
// update_time, which says when the configuration changed.
func (s *Service) refreshBalance(ctx context.Context, m *ent.ProcessingModule, p provider.Provider) (*ent.ProcessingModule, error) {
	br, ok := p.(provider.BalanceReporter)
	if !ok {
		return m, nil
	}
	callCtx, cancel := context.WithTimeout(ctx, s.worker.CallTimeout)
	defer cancel()
	bal, err := br.Balance(callCtx)
	if err != nil {
		return nil, fmt.Errorf("balance of module %d: %w", m.ID, err)
	}
	s.metrics.moduleBalance.WithLabelValues(strconv.FormatInt(m.ID, 10), bal.Currency).Set(float64(bal.AmountMinor))
	m, err = s.db.ProcessingModule.UpdateOne(m).SetBalanceMinor(bal.AmountMinor).
		SetBalanceCurrency(truncate(bal.Currency, 3)).SetBalanceTime(s.clock()).SetUpdateTime(m.UpdateTime).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("store balance of module %d: %w", m.ID, err)
	}
	return m, nil
}

// refreshBalances reads the balance of every enabled module that has one.
func (s *Service) refreshBalances(ctx context.Context) {
	mods, err := s.db.ProcessingModule.Query().Where(processingmodule.Enabled(true)).All(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "list modules for their balances", "error", err)
		return
	}
	for _, m := range mods {
		p, err := s.modules.provider(m)
		if err == nil {
			_, err = s.refreshBalance(ctx, m, p)
		}
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "refresh module balance", "module", m.ID, "error", err)
		}
	}
}

// monitorModules refreshes the modules' balances every interval until ctx ends.
func (s *Service) monitorModules(ctx context.Context, interval time.Duration) {
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

// ListModuleProducts implements ProcessingModuleService.ListModuleProducts.
func (s *Service) ListModuleProducts(ctx context.Context, req *certsvcv1.ListModuleProductsRequest) (*certsvcv1.ListModuleProductsResponse, error) {
	m, p, err := s.providerFor(ctx, req.GetId())
	if err != nil {
		return nil, fieldErr("id", err)
	}
	cat, ok := p.(provider.Catalog)
	if !ok {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "a %s module has no product list", m.Kind)
	}
	callCtx, cancel := context.WithTimeout(ctx, s.worker.CallTimeout)
	defer cancel()
	products, err := cat.Products(callCtx)
	if err != nil {
		return nil, &errkind.Error{Kind: errkind.Unavailable, Msg: "Cannot connect to the processing module: " + publicReason(err), Cause: err}
	}
	res := &certsvcv1.ListModuleProductsResponse{}
	for _, p := range products {
		out := &certsvcv1.ModuleProduct{Code: p.Code, Name: p.Name, Brand: p.Brand, Validation: p.Validation,
			Wildcard: p.Wildcard, IncludedNames: int32(p.IncludedNames), MaxNames: int32(p.MaxNames)}
		for _, months := range p.Periods {
			out.PeriodMonths = append(out.PeriodMonths, int32(months))
		}
		for _, price := range p.Prices {
			out.Prices = append(out.Prices, &certsvcv1.Money{Currency: price.Currency, AmountMinor: price.AmountMinor})
		}
		res.Products = append(res.Products, out)
	}
	return res, nil
}

// shortOfMoney reports whether m's last known balance is below its minimum.
func shortOfMoney(m *ent.ProcessingModule) bool {
	return m.MinBalance > 0 && m.BalanceMinor != nil && *m.BalanceMinor < m.MinBalance
}

// errNoModuleNow refuses an order whose modules are all short of money or
// unavailable; nothing was written.
func errNoModuleNow(planID int64) error {
	return errkind.Field(errkind.Unavailable, "plan_id",
		"plan %d cannot be ordered now: its processing modules are short of money at the CA or unavailable; try again later", planID)
}

// failover moves an order that was never placed to the next module that
// sells its plan, when its module is down or short of money. It reports
// whether it did.
func (s *Service) failover(ctx context.Context, j claimedJob, c *ent.Certificate, cause error) (bool, error) {
	if c.Op != opOrder || c.CaOrderID != "" {
		return false, nil // renewals and reissues stay with the CA that has the certificate
	}
	next, err := s.nextModule(ctx, c.PlanID, c.ProcessingModuleID)
	if err != nil || next == nil {
		return false, err
	}
	_, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		cur, err := s.lockCert(ctx, tx, c.ID)
		if err != nil {
			return struct{}{}, err
		}
		if ok, err := s.stillMine(ctx, tx, j); err != nil || !ok || cur.Op != opOrder ||
			cur.ProcessingModuleID != c.ProcessingModuleID || cur.CaOrderID != "" {
			return struct{}{}, errors.Join(err, errSuperseded)
		}
		if err := tx.Certificate.UpdateOne(cur).SetProcessingModuleID(next.ID).ClearOpSentTime().ClearRemoteState().
			SetUpdateTime(s.clock()).Exec(ctx); err != nil {
			return struct{}{}, err
		}
		msg := fmt.Sprintf("moved from processing module %d to %d: %s", c.ProcessingModuleID, next.ID, publicReason(cause))
		if err := s.record(ctx, tx, cur, "failover", lifecycle.State(cur.State), step{message: msg}); err != nil {
			return struct{}{}, err
		}
		now := s.clock()
		return struct{}{}, s.finish(ctx, tx, j, &now, "")
	})
	if errors.Is(err, errSuperseded) {
		return false, nil
	}
	return err == nil, err
}

// nextModule is the module after current, by priority, that sells planID
// and can take an order now; nil when there is none.
func (s *Service) nextModule(ctx context.Context, planID, current int64) (*ent.ProcessingModule, error) {
	mods, err := s.db.ProcessingModule.Query().Where(processingmodule.Enabled(true), processingmodule.IDNEQ(current)).
		Order(ent.Asc(processingmodule.FieldPriority), ent.Asc(processingmodule.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	for _, m := range mods {
		if s.canTake(m, planID) {
			return m, nil
		}
	}
	return nil, nil
}

// canTake reports whether m sells planID and can take an order now.
func (s *Service) canTake(m *ent.ProcessingModule, planID int64) bool {
	_, sells := servesPlan(m, planID)
	_, known := s.kinds[m.Kind]
	return sells && known && !shortOfMoney(m) && s.unavailableUntil(m).IsZero()
}
