package core


// lockAccount reads an account for update inside tx, so balance changes on
// one account happen one at a time.
func (s *Service) lockAccount(ctx context.Context, tx *ent.Tx, id int64) (*ent.Account, error) {
	q := tx.Account.Query().Where(account.ID(id))
	if s.canLock() {
		q.ForUpdate()
	}
	a, err := q.First(ctx)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", id, store.Translate(err))
	}
	return a, nil
}


// movement is one change of a balance.
type movement struct {
	accountID   int64
	kind        ledgerentry.Kind
	amount      int64  // minor units, signed
	currency    string // optional guard: must equal the account's currency
	description string
	idemKey     string
	actor       *int64
	// allowNegative lets the balance go below zero; never for customers' money.
	allowNegative bool
	// locked is the account, when the caller locked its row in this
	// transaction already.
	locked *ent.Account
	// newKey says idemKey cannot have been used (it names an object made in
	// this transaction): the look-up is skipped, and the unique index still
	// refuses a second use.
	newKey bool
}


// moveMoney changes a balance and appends the ledger entry, in one
// transaction with the account row locked. A movement whose idempotency key
// was already used on the account returns the first entry and moves nothing.
func (s *Service) moveMoney(ctx context.Context, m movement) (*ent.LedgerEntry, *ent.Account, error) {
	type result struct {
		e *ent.LedgerEntry
		a *ent.Account
	}
	r, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (result, error) {
		e, a, err := s.moveMoneyTx(ctx, tx, m)
		return result{e, a}, err
	})
	return r.e, r.a, err
}


// moveMoneyTx is moveMoney inside the caller's transaction, for changes that
// move money together with something else (an order and its charge).
func (s *Service) moveMoneyTx(ctx context.Context, tx *ent.Tx, m movement) (*ent.LedgerEntry, *ent.Account, error) {
	a := m.locked
	if a == nil {
		var err error
		if a, err = s.lockAccount(ctx, tx, m.accountID); err != nil {
			return nil, nil, fieldErr("account_id", err)
		}
	}
	if m.currency != "" && m.currency != a.Currency {
		return nil, nil, errkind.Invalid("currency", "account %d keeps its balance in %s, not %s", a.ID, a.Currency, m.currency)
	}
	if m.idemKey != "" && !m.newKey {
		prev, err := tx.LedgerEntry.Query().
			Where(ledgerentry.AccountID(a.ID), ledgerentry.IdempotencyKey(m.idemKey)).Only(ctx)
		switch {
		case err == nil:
			if prev.Amount != m.amount || prev.Kind != m.kind {
				return nil, nil, errkind.Field(errkind.FailedPrecondition, "idempotency_key",
					"already used on account %d for a different movement (entry %d)", a.ID, prev.ID)
			}
			return prev, a, nil
		case !ent.IsNotFound(err):
			return nil, nil, fmt.Errorf("look up idempotency key: %w", err)
		}
	}
	balance, err := money.Add(a.Balance, m.amount)
	if err != nil {
		return nil, nil, errkind.Invalid("amount_minor", "the balance would overflow")
	}
	if balance < 0 && !m.allowNegative {
		return nil, nil, &errkind.Error{Kind: errkind.FailedPrecondition, Field: "amount_minor",
			Reason: errkind.ReasonNotEnoughMoney,
			Msg:    fmt.Sprintf("the balance would go below zero: it is %d, the change is %d", a.Balance, m.amount)}
	}
	now := s.clock()
	// Update, not UpdateOne: the row is locked and its new values known, so
	// no read back.
	if err := tx.Account.Update().Where(account.ID(a.ID)).SetBalance(balance).SetUpdateTime(now).Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("update balance of account %d: %w", m.accountID, err)
	}
	a.Balance, a.UpdateTime = balance, now
	c := tx.LedgerEntry.Create().SetAccountID(a.ID).SetKind(m.kind).SetAmount(m.amount).
		SetCurrency(a.Currency).SetBalanceAfter(balance).SetDescription(m.description).
		SetNillableActorUserID(m.actor).SetCreateTime(now)
	if m.idemKey != "" {
		c.SetIdempotencyKey(m.idemKey)
	}
	e, err := c.Save(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("append ledger entry: %w", store.Translate(err))
	}
	return e, a, nil
}



// price returns a plan's price for a period in a currency.
func (s *Service) price(ctx context.Context, planID int64, months int32, currency string) (*ent.PlanPrice, error) {
	pl, err := s.catalog.plan(ctx, planID)
	if err != nil {
		return nil, fmt.Errorf("load plan %d: %w", planID, err)
	}
	for _, pr := range pl.Edges.Prices {
		if pr.PeriodMonths == months && pr.Currency == currency {
			return pr, nil
		}
	}
	return nil, errkind.Invalid("period_months", "plan %d is not sold for %d months in %s", planID, months, currency)
}


// termCost is the price of a term: the certificate and its extra names.
func termCost(pr *ent.PlanPrice, slots int32) (int64, error) {
	extra, err := money.Mul(pr.ExtraNameAmount, int64(slots))
	if err != nil {
		return 0, errkind.Invalid("extra_name_slots", "the price overflows")
	}
	total, err := money.Add(pr.Amount, extra)
	if err != nil {
		return 0, errkind.Invalid("extra_name_slots", "the price overflows")
	}
	return total, nil
}


// charge takes m.amount, the price of what m.description names, from c's
// account, once per m.idemKey.
func (s *Service) charge(ctx context.Context, tx *ent.Tx, c *ent.Certificate, m movement) (*ent.LedgerEntry, error) {
	amount, what := m.amount, m.description
	m.accountID, m.kind, m.amount, m.actor = c.AccountID, ledgerentry.KindCharge, -amount, principalFrom(ctx).actorID()
	m.description = fmt.Sprintf("certificate %d: %s", c.ID, what)
	e, _, err := s.moveMoneyTx(ctx, tx, m)
	var ke *errkind.Error
	if errors.As(err, &ke) && ke.Reason == errkind.ReasonNotEnoughMoney {
		a, aerr := tx.Account.Get(ctx, c.AccountID)
		if aerr != nil {
			return nil, fmt.Errorf("load account %d: %w", c.AccountID, aerr)
		}
		return nil, &errkind.Error{Kind: errkind.FailedPrecondition, Reason: errkind.ReasonNotEnoughMoney,
			Msg: fmt.Sprintf("not enough money: the balance of account %d is %s, the %s costs %s", c.AccountID,
				formatMoney(a.Balance, c.Currency), what, formatMoney(amount, c.Currency))}
	}
	return e, err
}


// formatMoney writes an amount with its currency: "25.00 RUB".
func formatMoney(minor int64, code string) string {
	if cur, ok := money.Lookup(code); ok {
		return money.Format(minor, cur) + " " + code
	}
	return fmt.Sprintf("%d %s (minor units)", minor, code)
}


// pay charges an unpaid order and sends it to the worker. locked is the
// order's account when the caller locked it in tx while creating the order.
func (s *Service) pay(ctx context.Context, tx *ent.Tx, c *ent.Certificate, locked *ent.Account) (*ent.Certificate, error) {
	e, err := s.charge(ctx, tx, c, movement{amount: c.CostMinor, idemKey: fmt.Sprintf("certificate/%d/order", c.ID),
		description: "order", locked: locked, newKey: locked != nil})
	if err != nil {
		return nil, err
	}
	now := s.clock()
	return s.apply(ctx, tx, c, step{event: lifecycle.Pay, amount: e.Amount, ledger: &e.ID, runAt: &now},
		func(u *ent.CertificateUpdateOne) { beginOp(u, opOrder, fmt.Sprint(c.ID)) })
}



func renewKey(certID int64, key string) string {
	return fmt.Sprintf("certificate/%d/renew/%s", certID, key)
}


// renew charges the next term of c and sends the renewal to the worker. The
// term starts when the current one ends, or now when it has ended.
func (s *Service) renew(ctx context.Context, tx *ent.Tx, c *ent.Certificate, months int32, key string) (*ent.Certificate, error) {
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Renew); err != nil {
		return nil, err
	}
	if months == 0 {
		months = c.PeriodMonths
	}
	pr, err := s.price(ctx, c.PlanID, months, c.Currency)
	if err != nil {
		return nil, err
	}
	cost, err := termCost(pr, c.ExtraNameSlots)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	start := now
	if c.PaidUntil != nil && c.PaidUntil.After(now) {
		start = *c.PaidUntil
	}
	if key == "" {
		key = fmt.Sprint(start.Unix())
	}
	e, err := s.charge(ctx, tx, c, movement{amount: cost, idemKey: renewKey(c.ID, key), description: fmt.Sprintf("renewal for %d months", months)})
	if err != nil {
		return nil, err
	}
	until := start.AddDate(0, int(months), 0)
	return s.apply(ctx, tx, c, step{event: lifecycle.Renew, amount: e.Amount, ledger: &e.ID, runAt: &now,
		message: fmt.Sprintf("renewed until %s", until.Format(time.DateOnly))},
		func(u *ent.CertificateUpdateOne) {
			beginOp(u, opRenew, s.newOpRef(c)).SetPaidUntil(until).SetPeriodMonths(months).SetCostMinor(cost)
			if c.PendingSubject != nil {
				u.SetSubject(*c.PendingSubject).ClearPendingSubject()
			}
		})
}


// unusedCharges is the money charged for c that no issued certificate has
// used: the net of its money movements since the last issue. The refund
// policy returns it on deletion; once the CA issued, nothing is returned.
func (s *Service) unusedCharges(ctx context.Context, tx *ent.Tx, c *ent.Certificate) (int64, error) {
	evs, err := tx.CertificateEvent.Query().Where(certificateevent.CertificateID(c.ID)).
		Order(ent.Asc(certificateevent.FieldID)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("load history of certificate %d: %w", c.ID, err)
	}
	var net int64
	for _, e := range evs {
		switch lifecycle.Event(e.Event) {
		case lifecycle.CAIssued, lifecycle.ActivateManually:
			net = 0
		default:
			net += e.Amount
		}
	}
	return max(0, -net), nil
}

