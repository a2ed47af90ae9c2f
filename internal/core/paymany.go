package core

import (
	"context"
	"fmt"
	"slices"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/money"
	"github.com/certsvc/certsvc/internal/rpc"
)

// PaidMany is the outcome of PayMany.
type PaidMany struct {
	// Certificates are the orders of the request, in its order, as they
	// are after the payment.
	Certificates []*ent.Certificate
	// Charged is what this call took from the balance, in Currency.
	Charged  int64
	Currency string
}

// PayMany pays the unpaid orders among ids, all of one account, in one
// transaction: every one of them is charged and sent to the worker, or
// nothing is (the basket). Orders paid already (the charge under OrderKey
// exists) are returned as they are and charged nothing, so a second call
// charges nothing. When the balance does not cover the total of the unpaid
// orders the error is errkind.NotEnoughMoney with the total, the balance
// and the currency. key, when given, goes into the description of every
// charge, naming the payment in the ledger.
//
// An id the caller may not see is not found; an order that cannot be paid
// (deleted, or cancelled) fails the whole call, naming it.
func (s *Core) PayMany(ctx context.Context, ids []int64, key string) (*PaidMany, error) {
	return InTxValue(ctx, s, func(tx *Tx) (*PaidMany, error) { return tx.payMany(ctx, ids, key) })
}

func (tx *Tx) payMany(ctx context.Context, ids []int64, key string) (*PaidMany, error) {
	if len(ids) == 0 {
		return nil, errkind.Invalid("ids", "name at least one order")
	}
	// Lock the orders in id order (as every caller that locks several
	// does), then the account: the order of single payments.
	q := tx.Certificate.Query().Where(certificate.IDIn(ids...)).Order(ent.Asc(certificate.FieldID))
	if tx.core.CanLock() {
		q.ForUpdate()
	}
	found, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock certificates: %w", err)
	}
	p := rpc.PrincipalFrom(ctx)
	byID := make(map[int64]*ent.Certificate, len(found))
	for _, c := range found {
		if p.OwnsAccount(c.AccountID) {
			byID[c.ID] = c
		}
	}
	certs := make([]*ent.Certificate, len(ids))
	for i, id := range ids {
		c, ok := byID[id]
		if !ok {
			return nil, errkind.Field(errkind.NotFound, "ids", "certificate %d not found", id)
		}
		if i > 0 && c.AccountID != certs[0].AccountID {
			return nil, errkind.Invalid("ids", "certificates %d and %d belong to different accounts: pay each account's orders apart", certs[0].ID, id)
		}
		certs[i] = c
	}
	accountID, currency := certs[0].AccountID, certs[0].Currency

	// The orders charged already, in one look-up.
	keys := make([]string, len(certs))
	for i, c := range certs {
		keys[i] = OrderKey(c.ID)
	}
	paidKeys, err := tx.LedgerEntry.Query().
		Where(ledgerentry.AccountID(accountID), ledgerentry.IdempotencyKeyIn(keys...)).
		Select(ledgerentry.FieldIdempotencyKey).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("look up the charges of certificates: %w", err)
	}
	var due []int
	var total int64
	for i, c := range certs {
		if slices.Contains(paidKeys, keys[i]) {
			continue
		}
		if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Pay); err != nil {
			return nil, errkind.Field(errkind.FailedPrecondition, "ids", "certificate %d cannot be paid: %s", c.ID, PublicReason(err))
		}
		if c.Currency != currency {
			return nil, errkind.Invalid("ids", "certificate %d is priced in %s, certificate %d in %s", c.ID, c.Currency, certs[0].ID, currency)
		}
		if total, err = money.Add(total, c.CostMinor); err != nil {
			return nil, errkind.Invalid("ids", "the total overflows")
		}
		due = append(due, i)
	}
	out := &PaidMany{Certificates: certs, Currency: currency}
	if len(due) == 0 {
		return out, nil
	}
	acc, err := tx.LockAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if acc.Balance < total {
		return nil, errkind.NotEnoughMoney(total, acc.Balance, acc.Currency,
			fmt.Sprintf("not enough money: the balance of account %d is %s, the %d orders cost %s",
				accountID, FormatMoney(acc.Balance, acc.Currency), len(due), FormatMoney(total, acc.Currency)))
	}
	what := "order"
	if key != "" {
		what = "order (payment " + key + ")"
	}
	now := tx.core.Clock()
	for _, i := range due {
		c := certs[i]
		e, err := tx.Charge(ctx, c, Movement{Amount: c.CostMinor, IdemKey: keys[i], Description: what, Locked: acc, NewKey: true})
		if err != nil {
			return nil, err
		}
		c, err = tx.Apply(ctx, c, Step{Event: lifecycle.Pay, Amount: e.Amount, Ledger: &e.ID, RunAt: &now},
			func(u *ent.CertificateUpdateOne) { BeginOp(u, lifecycle.OpOrder, fmt.Sprint(c.ID)) })
		if err != nil {
			return nil, err
		}
		certs[i] = c
	}
	out.Charged = total
	return out, nil
}
