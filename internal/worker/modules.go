package worker


// moduleCallRetention is how long the call log of a module is kept.
const moduleCallRetention = 30 * 24 * time.Hour


// PurgeModuleCalls deletes call log entries older than the retention.
func (s *Service) PurgeModuleCalls(ctx context.Context) (int, error) {
	n, err := s.db.ModuleCall.Delete().Where(modulecall.CreateTimeLT(s.clock().Add(-moduleCallRetention))).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge module calls: %w", err)
	}
	return n, nil
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


