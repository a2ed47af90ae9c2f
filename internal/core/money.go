package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/account"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/money"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// LockAccount reads an account for update inside tx, so balance changes on
// one account happen one at a time.
func (tx *Tx) LockAccount(ctx context.Context, id int64) (*ent.Account, error) {
	q := tx.Account.Query().Where(account.ID(id))
	if tx.core.CanLock() {
		q.ForUpdate()
	}
	a, err := q.First(ctx)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", id, store.Translate(err))
	}
	return a, nil
}

// Movement is one change of a balance.
type Movement struct {
	AccountID   int64
	Kind        ledgerentry.Kind
	Amount      int64  // minor units, signed
	Currency    string // optional guard: must equal the account's currency
	Description string
	IdemKey     string
	Actor       *int64
	// AllowNegative lets the balance go below zero; never for customers' money.
	AllowNegative bool
	// Locked is the account, when the caller locked its row in this
	// transaction already.
	Locked *ent.Account
	// NewKey says idemKey cannot have been used (it names an object made in
	// this transaction): the look-up is skipped, and the unique index still
	// refuses a second use.
	NewKey bool
}

// MoveMoney changes a balance and appends the ledger entry, in one
// transaction with the account row locked. A movement whose idempotency key
// was already used on the account returns the first entry and moves nothing.
func (s *Core) MoveMoney(ctx context.Context, m Movement) (*ent.LedgerEntry, *ent.Account, error) {
	var e *ent.LedgerEntry
	var a *ent.Account
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		e, a, err = tx.MoveMoney(ctx, m)
		return err
	})
	return e, a, err
}

// MoveMoney is Core.MoveMoney inside the caller's transaction, for changes that
// move money together with something else (an order and its charge).
func (tx *Tx) MoveMoney(ctx context.Context, m Movement) (*ent.LedgerEntry, *ent.Account, error) {
	e, a, _, err := tx.MoveMoneyOnce(ctx, m)
	return e, a, err
}

// MoveMoneyOnce is MoveMoney that also reports whether the movement is new:
// false when its idempotency key was used before and nothing moved (a
// replay), so that the caller records what it did only once.
func (tx *Tx) MoveMoneyOnce(ctx context.Context, m Movement) (e *ent.LedgerEntry, a *ent.Account, moved bool, err error) {
	e, a, err = tx.moveMoney(ctx, m, &moved)
	return e, a, moved, err
}

func (tx *Tx) moveMoney(ctx context.Context, m Movement, moved *bool) (*ent.LedgerEntry, *ent.Account, error) {
	a := m.Locked
	if a == nil {
		var err error
		if a, err = tx.LockAccount(ctx, m.AccountID); err != nil {
			return nil, nil, rpc.FieldErr("account_id", err)
		}
	}
	if m.Currency != "" && m.Currency != a.Currency {
		return nil, nil, errkind.Invalid("currency", "account %d keeps its balance in %s, not %s", a.ID, a.Currency, m.Currency)
	}
	if m.IdemKey != "" && !m.NewKey {
		prev, err := tx.LedgerEntry.Query().
			Where(ledgerentry.AccountID(a.ID), ledgerentry.IdempotencyKey(m.IdemKey)).Only(ctx)
		switch {
		case err == nil:
			if prev.Amount != m.Amount || prev.Kind != m.Kind {
				return nil, nil, errkind.Field(errkind.FailedPrecondition, "idempotency_key",
					"already used on account %d for a different movement (entry %d)", a.ID, prev.ID)
			}
			return prev, a, nil
		case !ent.IsNotFound(err):
			return nil, nil, fmt.Errorf("look up idempotency key: %w", err)
		}
	}
	balance, err := money.Add(a.Balance, m.Amount)
	if err != nil {
		return nil, nil, errkind.Invalid("amount_minor", "the balance would overflow")
	}
	if balance < 0 && !m.AllowNegative {
		return nil, nil, &errkind.Error{Kind: errkind.FailedPrecondition, Field: "amount_minor",
			Reason: errkind.ReasonNotEnoughMoney,
			Msg:    fmt.Sprintf("the balance would go below zero: it is %d, the change is %d", a.Balance, m.Amount)}
	}
	now := tx.core.Clock()
	// Update, not UpdateOne: the row is locked and its new values known, so
	// no read back.
	if err := tx.Account.Update().Where(account.ID(a.ID)).SetBalance(balance).SetUpdateTime(now).Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("update balance of account %d: %w", m.AccountID, err)
	}
	a.Balance, a.UpdateTime = balance, now
	c := tx.LedgerEntry.Create().SetAccountID(a.ID).SetKind(m.Kind).SetAmount(m.Amount).
		SetCurrency(a.Currency).SetBalanceAfter(balance).SetDescription(m.Description).
		SetNillableActorUserID(m.Actor).SetCreateTime(now)
	if m.IdemKey != "" {
		c.SetIdempotencyKey(m.IdemKey)
	}
	e, err := c.Save(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("append ledger entry: %w", store.Translate(err))
	}
	if err := tx.noticeLowBalance(ctx, a, e, balance-m.Amount); err != nil {
		return nil, nil, err
	}
	*moved = true
	return e, a, nil
}

// Price returns a plan's price for a period in a currency.
func (s *Core) Price(ctx context.Context, planID int64, months int32, currency string) (*ent.PlanPrice, error) {
	pl, err := s.Catalog().Plan(ctx, planID)
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

// TermCost is the price of a term: the certificate and its extra names.
func TermCost(pr *ent.PlanPrice, slots int32) (int64, error) {
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

// Charge takes m.Amount, the price of what m.Description names, from c's
// account, once per m.IdemKey. A balance that does not cover it is
// errkind.NotEnoughMoney, with the price, the balance and the currency.
func (tx *Tx) Charge(ctx context.Context, c *ent.Certificate, m Movement) (*ent.LedgerEntry, error) {
	amount, what := m.Amount, m.Description
	m.AccountID, m.Kind, m.Amount, m.Actor = c.AccountID, ledgerentry.KindCharge, -amount, rpc.PrincipalFrom(ctx).ActorID()
	m.Description = fmt.Sprintf("certificate %d: %s", c.ID, what)
	e, _, err := tx.MoveMoney(ctx, m)
	var ke *errkind.Error
	if errors.As(err, &ke) && ke.Reason == errkind.ReasonNotEnoughMoney {
		a, aerr := tx.Account.Get(ctx, c.AccountID)
		if aerr != nil {
			return nil, fmt.Errorf("load account %d: %w", c.AccountID, aerr)
		}
		return nil, errkind.NotEnoughMoney(amount, a.Balance, c.Currency,
			fmt.Sprintf("not enough money: the balance of account %d is %s, the %s costs %s", c.AccountID,
				FormatMoney(a.Balance, c.Currency), what, FormatMoney(amount, c.Currency)))
	}
	return e, err
}

// FormatMoney writes an amount with its currency: "25.00 RUB".
func FormatMoney(minor int64, code string) string {
	if cur, ok := money.Lookup(code); ok {
		return money.Format(minor, cur) + " " + code
	}
	return fmt.Sprintf("%d %s (minor units)", minor, code)
}

// Pay charges an unpaid order and sends it to the worker. locked is the
// order's account when the caller locked it in tx while creating the order.
func (tx *Tx) Pay(ctx context.Context, c *ent.Certificate, locked *ent.Account) (*ent.Certificate, error) {
	e, err := tx.Charge(ctx, c, Movement{Amount: c.CostMinor, IdemKey: OrderKey(c.ID),
		Description: "order", Locked: locked, NewKey: locked != nil})
	if err != nil {
		return nil, err
	}
	now := tx.core.Clock()
	return tx.Apply(ctx, c, Step{Event: lifecycle.Pay, Amount: e.Amount, Ledger: &e.ID, RunAt: &now},
		func(u *ent.CertificateUpdateOne) { BeginOp(u, lifecycle.OpOrder, fmt.Sprint(c.ID)) })
}

// OrderKey is the idempotency key of an order's charge.
func OrderKey(certID int64) string { return fmt.Sprintf("certificate/%d/order", certID) }

// PayOnce pays an unpaid order, and returns an order already paid as it is,
// charging nothing: a client retrying a payment whose answer it lost gets
// the order whatever the worker has done with it meanwhile. An order is paid
// when the charge under its key exists.
func (tx *Tx) PayOnce(ctx context.Context, c *ent.Certificate) (*ent.Certificate, error) {
	paid, err := tx.LedgerEntry.Query().
		Where(ledgerentry.AccountID(c.AccountID), ledgerentry.IdempotencyKey(OrderKey(c.ID))).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("look up the charge of certificate %d: %w", c.ID, err)
	}
	if paid {
		return c, nil
	}
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Pay); err != nil {
		return nil, err
	}
	return tx.Pay(ctx, c, nil)
}

// RenewKey is the idempotency key of a renewal's charge.
func RenewKey(certID int64, key string) string { return clientKey(certID, "renew", key) }

// clientKey is the ledger's idempotency key of a charge of certificate
// certID that a client's key names: "certificate/ID/what/key", or, when that
// is longer than the ledger keeps (64), the same with a hash of the key
// ("…/what/#" and as much of its SHA-256 as fits), as a client may send 64
// characters of its own.
func clientKey(certID int64, what, key string) string {
	k := fmt.Sprintf("certificate/%d/%s/%s", certID, what, key)
	if utf8.RuneCountInString(k) <= 64 {
		return k
	}
	sum := sha256.Sum256([]byte(key))
	k = fmt.Sprintf("certificate/%d/%s/#", certID, what)
	return k + hex.EncodeToString(sum[:])[:64-len(k)]
}

// Renew charges the next term of c and sends the renewal to the worker. The
// term starts when the current one ends, or now when it has ended.
func (tx *Tx) Renew(ctx context.Context, c *ent.Certificate, months int32, key string) (*ent.Certificate, error) {
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Renew); err != nil {
		return nil, err
	}
	if months == 0 {
		months = c.PeriodMonths
	}
	pr, err := tx.core.Price(ctx, c.PlanID, months, c.Currency)
	if err != nil {
		return nil, err
	}
	cost, err := TermCost(pr, c.ExtraNameSlots)
	if err != nil {
		return nil, err
	}
	now := tx.core.Clock()
	start := now
	if c.PaidUntil != nil && c.PaidUntil.After(now) {
		start = *c.PaidUntil
	}
	if key == "" {
		key = fmt.Sprint(start.Unix())
	}
	e, err := tx.Charge(ctx, c, Movement{Amount: cost, IdemKey: RenewKey(c.ID, key), Description: fmt.Sprintf("renewal for %d months", months)})
	if err != nil {
		return nil, err
	}
	until := start.AddDate(0, int(months), 0)
	return tx.Apply(ctx, c, Step{Event: lifecycle.Renew, Amount: e.Amount, Ledger: &e.ID, RunAt: &now,
		Message: fmt.Sprintf("renewed until %s", until.Format(time.DateOnly))},
		func(u *ent.CertificateUpdateOne) {
			BeginOp(u, lifecycle.OpRenew, tx.core.NewOpRef(c)).SetPaidUntil(until).SetPeriodMonths(months).SetCostMinor(cost)
			if c.PendingSubject != nil {
				u.SetSubject(*c.PendingSubject).ClearPendingSubject()
			}
		})
}

// UnusedCharges is the money charged for c that no issued certificate has
// used: the net of its money movements since the last issue (of the order,
// a renewal or a reissue, whose extra name slots the reissued certificate
// uses). The refund policy returns it on deletion; once the CA issued,
// nothing is returned.
func (tx *Tx) UnusedCharges(ctx context.Context, c *ent.Certificate) (int64, error) {
	evs, err := tx.CertificateEvent.Query().Where(certificateevent.CertificateID(c.ID)).
		Order(ent.Asc(certificateevent.FieldID)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("load history of certificate %d: %w", c.ID, err)
	}
	var net int64
	for _, e := range evs {
		switch lifecycle.Event(e.Event) {
		case lifecycle.CAIssued, lifecycle.ActivateManually, lifecycle.ReissueIssued:
			net = 0
		default:
			net += e.Amount
		}
	}
	return max(0, -net), nil
}
