package core

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/money"
)

// SlotsKey is the ledger idempotency key of a purchase of extra-name slots
// with a reissue under the client's key. A client key too long for the
// ledger's 64 characters is replaced by the start of its SHA-256.
func SlotsKey(certID int64, key string) string { return clientKey(certID, "slots", key) }

// SlotsBought reports whether a purchase of extra-name slots for c under
// the client's key was charged already: a retry.
func (s *Core) SlotsBought(ctx context.Context, c *ent.Certificate, key string) (bool, error) {
	return slotsBought(ctx, s.db.LedgerEntry, c, key)
}

func slotsBought(ctx context.Context, le *ent.LedgerEntryClient, c *ent.Certificate, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	ok, err := le.Query().Where(ledgerentry.AccountID(c.AccountID), ledgerentry.IdempotencyKey(SlotsKey(c.ID, key))).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("look up the purchase of extra name slots of certificate %d: %w", c.ID, err)
	}
	return ok, nil
}

// CheckSlots checks the extra-name slots of a reissue: names is how many
// names it has, need the extra-name slots they need under the plan, have
// the slots the order has, and buy how many more the request buys. Without
// a purchase the names must fit the slots the order has (refused on
// extra_names, saying how many are missing). A purchase must buy exactly
// the missing slots: fewer leave names uncovered, more would charge for
// slots no name uses, at every renewal too; both are refused on
// buy_extra_name_slots, so a retried purchase without a key cannot buy twice.
func CheckSlots(names int, need, have, buy int32) error {
	missing := need - have
	switch {
	case buy == 0 && missing <= 0:
		return nil
	case buy == 0:
		return errkind.Invalid("extra_names", "%d names need %d extra name slots; the order has %d: buy the %d missing with buy_extra_name_slots",
			names, need, have, missing)
	case missing <= 0:
		return errkind.Invalid("buy_extra_name_slots", "the order's %d extra name slots cover the %d names; there are none to buy", have, names)
	case buy != missing:
		return errkind.Invalid("buy_extra_name_slots", "%d names need %d extra name slots; the order has %d: buy %d, not %d",
			names, need, have, missing, buy)
	}
	return nil
}

// SlotPrice is the price of n more extra-name slots of c for its current
// term: n times the plan's price of one extra name for c's period
// (period_months) in c's currency, the same figure an order of that period
// pays for each slot (TermCost). It is not prorated: a slot bought during a
// term costs the term's price, and each renewal charges every slot with the
// term.
func (s *Core) SlotPrice(ctx context.Context, c *ent.Certificate, n int32) (int64, error) {
	pr, err := s.Price(ctx, c.PlanID, c.PeriodMonths, c.Currency)
	if err != nil {
		return 0, errkind.Field(errkind.FailedPrecondition, "buy_extra_name_slots",
			"plan %d is no longer sold for %d months in %s: its extra name slots cannot be bought", c.PlanID, c.PeriodMonths, c.Currency)
	}
	price, err := money.Mul(pr.ExtraNameAmount, int64(n))
	if err != nil {
		return 0, errkind.Invalid("buy_extra_name_slots", "the price overflows")
	}
	return price, nil
}

// Reissue is a reissue as a customer asks for it, checked by the caller
// against the plan (names, validations, the new request).
type Reissue struct {
	// Names are every name of the reissue, the common name first.
	Names []string
	// Need is the extra-name slots Names need under the plan.
	Need        int32
	Validations []certdata.Validation
	// CSRPEM, KeyAlgorithm and SealedKey are the new request and its key,
	// when the reissue has one ("" keeps the previous request or key).
	CSRPEM, KeyAlgorithm, SealedKey string
	// BuySlots buys that many more extra-name slots (see CheckSlots) at
	// SlotPrice, charged in the reissue's transaction under SlotsKey(Key).
	BuySlots int32
	Key      string
}

// Reissue sends c to the worker for a reissue with what r asks for. A
// purchase of slots is charged from the balance and the order's slots grow,
// in tx with the reissue: a balance that does not cover it refuses the whole
// reissue (not enough money) and nothing changes. A purchase whose key was
// charged already is a retry: c is returned as it is, nothing charged or
// reissued again.
func (tx *Tx) Reissue(ctx context.Context, c *ent.Certificate, r Reissue) (*ent.Certificate, error) {
	if r.BuySlots > 0 {
		bought, err := slotsBought(ctx, tx.LedgerEntry, c, r.Key)
		if err != nil {
			return nil, err
		}
		if bought {
			return c, nil
		}
	}
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Reissue); err != nil {
		return nil, err
	}
	if err := CheckSlots(len(r.Names), r.Need, c.ExtraNameSlots, r.BuySlots); err != nil {
		return nil, err
	}
	now := tx.core.Clock()
	st := Step{Event: lifecycle.Reissue, Message: "reissue requested", RunAt: &now}
	var price int64
	if r.BuySlots > 0 {
		var err error
		if price, err = tx.core.SlotPrice(ctx, c, r.BuySlots); err != nil {
			return nil, err
		}
		what := fmt.Sprintf("%d extra name slots for %d months", r.BuySlots, c.PeriodMonths)
		if r.BuySlots == 1 {
			what = fmt.Sprintf("1 extra name slot for %d months", c.PeriodMonths)
		}
		st.Message = "reissue requested; bought " + what
		what = "purchase of " + what
		if price > 0 {
			key := ""
			if r.Key != "" {
				key = SlotsKey(c.ID, r.Key)
			}
			e, err := tx.Charge(ctx, c, Movement{Amount: price, IdemKey: key, Description: what})
			if err != nil {
				return nil, err
			}
			st.Amount, st.Ledger = e.Amount, &e.ID
		}
	}
	cost, err := money.Add(c.CostMinor, price)
	if err != nil {
		return nil, errkind.Invalid("buy_extra_name_slots", "the price overflows")
	}
	ref := tx.core.NewOpRef(c)
	return tx.Apply(ctx, c, st, func(u *ent.CertificateUpdateOne) {
		BeginOp(u, lifecycle.OpReissue, ref).SetExtraNames(r.Names[1:]).SetValidations(r.Validations)
		if r.BuySlots > 0 {
			u.SetExtraNameSlots(c.ExtraNameSlots + r.BuySlots).SetCostMinor(cost)
		}
		if r.CSRPEM != "" {
			u.SetNextCsrPem(r.CSRPEM).SetKeyAlgorithm(r.KeyAlgorithm)
			if r.SealedKey != "" {
				u.SetNextPrivateKey(r.SealedKey)
			}
		}
	})
}
