package service

import (
	"context"
	"fmt"

	"certsvc/ent"
	"certsvc/ent/account"
	"certsvc/ent/ledgerentry"
	"certsvc/ent/user"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/errkind"
	"certsvc/internal/money"
	"certsvc/internal/store"
)

// CreateAccount implements AccountService.CreateAccount.
func (s *Service) CreateAccount(ctx context.Context, req *certsvcv1.CreateAccountRequest) (*certsvcv1.CreateAccountResponse, error) {
	if err := checkName("name", req.GetName(), 128); err != nil {
		return nil, err
	}
	if _, ok := money.Lookup(req.GetCurrency()); !ok {
		return nil, errkind.Invalid("currency", "%q is not a supported ISO 4217 currency", req.GetCurrency())
	}
	now := s.clock()
	a, err := s.db.Account.Create().SetName(req.GetName()).SetCurrency(req.GetCurrency()).
		SetCreateTime(now).SetUpdateTime(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create account: %w", store.Translate(err))
	}
	return &certsvcv1.CreateAccountResponse{Account: accountToProto(a)}, nil
}

// visibleAccount loads an account the caller may see; others are NotFound,
// so a user cannot probe which account ids exist.
func (s *Service) visibleAccount(ctx context.Context, field string, id int64) (*ent.Account, error) {
	if !principalFrom(ctx).ownsAccount(id) {
		return nil, errkind.Field(errkind.NotFound, field, "account %d not found", id)
	}
	a, err := s.db.Account.Get(ctx, id)
	if err != nil {
		return nil, fieldErr(field, fmt.Errorf("account %d: %w", id, store.Translate(err)))
	}
	return a, nil
}

// GetAccount implements AccountService.GetAccount.
func (s *Service) GetAccount(ctx context.Context, req *certsvcv1.GetAccountRequest) (*certsvcv1.GetAccountResponse, error) {
	a, err := s.visibleAccount(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	return &certsvcv1.GetAccountResponse{Account: accountToProto(a)}, nil
}

// ListAccounts implements AccountService.ListAccounts.
func (s *Service) ListAccounts(ctx context.Context, req *certsvcv1.ListAccountsRequest) (*certsvcv1.ListAccountsResponse, error) {
	pg, err := readPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.Account.Query().Where(account.IDGT(pg.after)).Order(ent.Asc(account.FieldID)).Limit(pg.limit())
	if p := principalFrom(ctx); !p.Admin {
		q.Where(account.ID(p.AccountID))
	}
	if v := req.GetNameContains(); v != "" {
		q.Where(account.NameContainsFold(v))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	res := &certsvcv1.ListAccountsResponse{}
	rows, res.NextPageToken = cut(pg, rows, func(x *ent.Account) int64 { return x.ID })
	for _, a := range rows {
		res.Accounts = append(res.Accounts, accountToProto(a))
	}
	return res, nil
}

// UpdateAccount implements AccountService.UpdateAccount.
func (s *Service) UpdateAccount(ctx context.Context, req *certsvcv1.UpdateAccountRequest) (*certsvcv1.UpdateAccountResponse, error) {
	if _, err := maskPaths(req.GetUpdateMask(), "name"); err != nil {
		return nil, err
	}
	in := req.GetAccount()
	if err := checkName("account.name", in.GetName(), 128); err != nil {
		return nil, err
	}
	a, err := s.db.Account.UpdateOneID(in.GetId()).SetName(in.GetName()).SetUpdateTime(s.clock()).Save(ctx)
	if err != nil {
		return nil, fieldErr("account.id", fmt.Errorf("account %d: %w", in.GetId(), store.Translate(err)))
	}
	return &certsvcv1.UpdateAccountResponse{Account: accountToProto(a)}, nil
}

// DeleteAccount implements AccountService.DeleteAccount.
func (s *Service) DeleteAccount(ctx context.Context, req *certsvcv1.DeleteAccountRequest) (*certsvcv1.DeleteAccountResponse, error) {
	id := req.GetId()
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		a, err := s.lockAccount(ctx, tx, id)
		if err != nil {
			return struct{}{}, fieldErr("id", err)
		}
		users, err := tx.User.Query().Where(user.AccountID(id)).Count(ctx)
		if err != nil {
			return struct{}{}, fmt.Errorf("count users: %w", err)
		}
		entries, err := tx.LedgerEntry.Query().Where(ledgerentry.AccountID(id)).Count(ctx)
		if err != nil {
			return struct{}{}, fmt.Errorf("count ledger entries: %w", err)
		}
		if users > 0 || entries > 0 {
			return struct{}{}, errkind.Field(errkind.FailedPrecondition, "id",
				"account %d has %d users and %d ledger entries; money records are kept, so only an unused account can be deleted", a.ID, users, entries)
		}
		return struct{}{}, store.Translate(tx.Account.DeleteOne(a).Exec(ctx))
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.DeleteAccountResponse{}, nil
}

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

// Deposit implements AccountService.Deposit.
func (s *Service) Deposit(ctx context.Context, req *certsvcv1.DepositRequest) (*certsvcv1.DepositResponse, error) {
	desc := req.GetDescription()
	if desc == "" {
		desc = "deposit"
	}
	e, a, err := s.moveMoney(ctx, movement{
		accountID: req.GetAccountId(), kind: ledgerentry.KindDeposit, amount: req.GetAmountMinor(),
		currency: req.GetCurrency(), description: desc, idemKey: req.GetIdempotencyKey(),
		actor: principalFrom(ctx).actorID(),
	})
	if err != nil {
		return nil, err
	}
	s.auditDone(ctx, auditDeposit, fmt.Sprintf("account/%d", a.ID), fmt.Sprintf("ledger entry %d: %d %s", e.ID, req.GetAmountMinor(), req.GetCurrency()))
	return &certsvcv1.DepositResponse{Entry: ledgerEntryToProto(e), Account: accountToProto(a)}, nil
}

// AdjustBalance implements AccountService.AdjustBalance.
func (s *Service) AdjustBalance(ctx context.Context, req *certsvcv1.AdjustBalanceRequest) (*certsvcv1.AdjustBalanceResponse, error) {
	if err := checkName("reason", req.GetReason(), 256); err != nil {
		return nil, err
	}
	e, a, err := s.moveMoney(ctx, movement{
		accountID: req.GetAccountId(), kind: ledgerentry.KindAdjustment, amount: req.GetAmountMinor(),
		currency: req.GetCurrency(), description: req.GetReason(), idemKey: req.GetIdempotencyKey(),
		actor: principalFrom(ctx).actorID(),
	})
	if err != nil {
		return nil, err
	}
	s.auditDone(ctx, auditAdjustBalance, fmt.Sprintf("account/%d", a.ID), fmt.Sprintf("ledger entry %d: %d %s, %s", e.ID, req.GetAmountMinor(), req.GetCurrency(), req.GetReason()))
	return &certsvcv1.AdjustBalanceResponse{Entry: ledgerEntryToProto(e), Account: accountToProto(a)}, nil
}

// ListLedgerEntries implements AccountService.ListLedgerEntries.
func (s *Service) ListLedgerEntries(ctx context.Context, req *certsvcv1.ListLedgerEntriesRequest) (*certsvcv1.ListLedgerEntriesResponse, error) {
	p := principalFrom(ctx)
	pg, err := readPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.LedgerEntry.Query().Order(ent.Desc(ledgerentry.FieldID)).Limit(pg.limit())
	if pg.after > 0 {
		q.Where(ledgerentry.IDLT(pg.after))
	}
	switch id := req.GetAccountId(); {
	case id != 0 && !p.ownsAccount(id):
		return nil, errkind.Field(errkind.NotFound, "account_id", "account %d not found", id)
	case id != 0:
		q.Where(ledgerentry.AccountID(id))
	case !p.Admin:
		q.Where(ledgerentry.AccountID(p.AccountID))
	}
	if t := req.GetStartTime(); t != nil {
		q.Where(ledgerentry.CreateTimeGTE(t.AsTime()))
	}
	if t := req.GetEndTime(); t != nil {
		if st := req.GetStartTime(); st != nil && !t.AsTime().After(st.AsTime()) {
			return nil, errkind.Invalid("end_time", "must be after start_time")
		}
		q.Where(ledgerentry.CreateTimeLT(t.AsTime()))
	}
	if len(req.GetKinds()) > 0 {
		var kinds []ledgerentry.Kind
		for _, k := range req.GetKinds() {
			kinds = append(kinds, ledgerKindFromProto(k))
		}
		q.Where(ledgerentry.KindIn(kinds...))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list ledger entries: %w", err)
	}
	res := &certsvcv1.ListLedgerEntriesResponse{}
	rows, res.NextPageToken = cut(pg, rows, func(x *ent.LedgerEntry) int64 { return x.ID })
	for _, e := range rows {
		res.Entries = append(res.Entries, ledgerEntryToProto(e))
	}
	return res, nil
}
