package accounts

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/account"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/money"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// CreateAccount implements AccountService.CreateAccount.
func (s *Handler) CreateAccount(ctx context.Context, req *certsvcv1.CreateAccountRequest) (*certsvcv1.CreateAccountResponse, error) {
	if err := rpc.CheckName("name", req.GetName(), 128); err != nil {
		return nil, err
	}
	if _, ok := money.Lookup(req.GetCurrency()); !ok {
		return nil, errkind.Invalid("currency", "%q is not a supported ISO 4217 currency", req.GetCurrency())
	}
	now := s.Clock()
	a, err := s.db.Account.Create().SetName(req.GetName()).SetCurrency(req.GetCurrency()).
		SetCreateTime(now).SetUpdateTime(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create account: %w", store.Translate(err))
	}
	return &certsvcv1.CreateAccountResponse{Account: rpc.AccountToProto(a)}, nil
}

// GetAccount implements AccountService.GetAccount.
func (s *Handler) GetAccount(ctx context.Context, req *certsvcv1.GetAccountRequest) (*certsvcv1.GetAccountResponse, error) {
	a, err := s.VisibleAccount(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	return &certsvcv1.GetAccountResponse{Account: rpc.AccountToProto(a)}, nil
}

// ListAccounts implements AccountService.ListAccounts.
func (s *Handler) ListAccounts(ctx context.Context, req *certsvcv1.ListAccountsRequest) (*certsvcv1.ListAccountsResponse, error) {
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.Account.Query().Where(account.IDGT(pg.After)).Order(ent.Asc(account.FieldID)).Limit(pg.Limit())
	if p := rpc.PrincipalFrom(ctx); !p.Admin {
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
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.Account) int64 { return x.ID })
	for _, a := range rows {
		res.Accounts = append(res.Accounts, rpc.AccountToProto(a))
	}
	return res, nil
}

// UpdateAccount implements AccountService.UpdateAccount.
func (s *Handler) UpdateAccount(ctx context.Context, req *certsvcv1.UpdateAccountRequest) (*certsvcv1.UpdateAccountResponse, error) {
	if _, err := rpc.MaskPaths(req.GetUpdateMask(), "name"); err != nil {
		return nil, err
	}
	in := req.GetAccount()
	if err := rpc.CheckName("account.name", in.GetName(), 128); err != nil {
		return nil, err
	}
	// Read, then Update, not UpdateOneID: the answer is the account with
	// the new name applied (store.Applied), not the row read back after the
	// update; the read answers not_found for a missing account.
	a, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.Account, error) {
		a, err := tx.Account.Get(ctx, in.GetId())
		if err != nil {
			return nil, err
		}
		upd := tx.Account.Update().Where(account.ID(a.ID)).SetName(in.GetName()).SetUpdateTime(s.Clock())
		if _, err := upd.Save(ctx); err != nil {
			return nil, err
		}
		return store.Applied(a, upd.Mutation())
	})
	if err != nil {
		return nil, rpc.FieldErr("account.id", fmt.Errorf("account %d: %w", in.GetId(), store.Translate(err)))
	}
	return &certsvcv1.UpdateAccountResponse{Account: rpc.AccountToProto(a)}, nil
}

// DeleteAccount implements AccountService.DeleteAccount.
func (s *Handler) DeleteAccount(ctx context.Context, req *certsvcv1.DeleteAccountRequest) (*certsvcv1.DeleteAccountResponse, error) {
	id := req.GetId()
	err := s.InTx(ctx, func(tx *core.Tx) error {
		a, err := tx.LockAccount(ctx, id)
		if err != nil {
			return rpc.FieldErr("id", err)
		}
		users, err := tx.User.Query().Where(user.AccountID(id)).Count(ctx)
		if err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		entries, err := tx.LedgerEntry.Query().Where(ledgerentry.AccountID(id)).Count(ctx)
		if err != nil {
			return fmt.Errorf("count ledger entries: %w", err)
		}
		if users > 0 || entries > 0 {
			return errkind.Field(errkind.FailedPrecondition, "id",
				"account %d has %d users and %d ledger entries; money records are kept, so only an unused account can be deleted", a.ID, users, entries)
		}
		return store.Translate(tx.Account.DeleteOne(a).Exec(ctx))
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.DeleteAccountResponse{}, nil
}

// Deposit implements AccountService.Deposit.
func (s *Handler) Deposit(ctx context.Context, req *certsvcv1.DepositRequest) (*certsvcv1.DepositResponse, error) {
	desc := req.GetDescription()
	if desc == "" {
		desc = "deposit"
	}
	e, a, err := s.moveAudited(ctx, core.Movement{
		AccountID: req.GetAccountId(), Kind: ledgerentry.KindDeposit, Amount: req.GetAmountMinor(),
		Currency: req.GetCurrency(), Description: desc, IdemKey: req.GetIdempotencyKey(),
		Actor: rpc.PrincipalFrom(ctx).ActorID(),
	}, rpc.AuditDeposit, func(e *ent.LedgerEntry) string {
		return fmt.Sprintf("ledger entry %d: %d %s", e.ID, req.GetAmountMinor(), req.GetCurrency())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.DepositResponse{Entry: ledgerEntryToProto(e), Account: rpc.AccountToProto(a)}, nil
}

// AdjustBalance implements AccountService.AdjustBalance.
func (s *Handler) AdjustBalance(ctx context.Context, req *certsvcv1.AdjustBalanceRequest) (*certsvcv1.AdjustBalanceResponse, error) {
	if err := rpc.CheckName("reason", req.GetReason(), 256); err != nil {
		return nil, err
	}
	e, a, err := s.moveAudited(ctx, core.Movement{
		AccountID: req.GetAccountId(), Kind: ledgerentry.KindAdjustment, Amount: req.GetAmountMinor(),
		Currency: req.GetCurrency(), Description: req.GetReason(), IdemKey: req.GetIdempotencyKey(),
		Actor: rpc.PrincipalFrom(ctx).ActorID(),
	}, rpc.AuditAdjustBalance, func(e *ent.LedgerEntry) string {
		return fmt.Sprintf("ledger entry %d: %d %s, %s", e.ID, req.GetAmountMinor(), req.GetCurrency(), req.GetReason())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.AdjustBalanceResponse{Entry: ledgerEntryToProto(e), Account: rpc.AccountToProto(a)}, nil
}

// moveAudited moves money and audits the movement as action in the same
// transaction; a replay of an idempotency key moves nothing and is not
// audited again.
func (s *Handler) moveAudited(ctx context.Context, m core.Movement, action string, detail func(*ent.LedgerEntry) string) (*ent.LedgerEntry, *ent.Account, error) {
	var e *ent.LedgerEntry
	var a *ent.Account
	err := s.InTx(ctx, func(tx *core.Tx) error {
		var moved bool
		var err error
		e, a, moved, err = tx.MoveMoneyOnce(ctx, m)
		if err != nil || !moved {
			return err
		}
		return rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), action, fmt.Sprintf("account/%d", a.ID), detail(e))
	})
	return e, a, err
}

// ListLedgerEntries implements AccountService.ListLedgerEntries.
func (s *Handler) ListLedgerEntries(ctx context.Context, req *certsvcv1.ListLedgerEntriesRequest) (*certsvcv1.ListLedgerEntriesResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.LedgerEntry.Query().Order(ent.Desc(ledgerentry.FieldID)).Limit(pg.Limit())
	if pg.After > 0 {
		q.Where(ledgerentry.IDLT(pg.After))
	}
	switch id := req.GetAccountId(); {
	case id != 0 && !p.OwnsAccount(id):
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
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.LedgerEntry) int64 { return x.ID })
	for _, e := range rows {
		res.Entries = append(res.Entries, ledgerEntryToProto(e))
	}
	return res, nil
}
