package server_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestReissueBuysExtraNameSlots: names beyond the order's slots are bought
// with the reissue (buy_extra_name_slots) at the plan's price per extra name
// for the order's period, charged once in the reissue's transaction. Without
// a purchase, or buying fewer or more than the missing slots, the reissue is
// refused naming the field; a balance that does not cover the slots refuses
// it with NOT_ENOUGH_MONEY and changes nothing; a retry with the same key
// charges nothing more, and one without a key cannot buy again; the renewal
// then charges every slot with the term.
func TestReissueBuysExtraNameSlots(t *testing.T) { dbtest.EachKind(t, testReissueBuysExtraNameSlots) }

func testReissueBuysExtraNameSlots(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "slots-admin")
	ctx := t.Context()
	cust := e.env.NewCustomer(t, "slots", "RUB")
	acc := cust.Account.GetId()
	const base, extra = int64(350_000), int64(108_000) // planMulti, 12 months: 3 names included
	// The order (4 names: one slot) and 1000.00 RUB left: not enough for two slots.
	deposit(t, e.admin, acc, base+extra+100_000)
	cl := e.env.Clients(apitest.ConnectJSON, cust.Auth)
	c := mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
		PlanId: planMulti, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Pay: true,
		Subject: &certsvcv1.Subject{CommonName: "slots.example.com"}, ExtraNames: []string{"a.slots.example.com", "b.slots.example.com", "c.slots.example.com"}}))
	if c.GetExtraNameSlots() != 1 || c.GetCostMinor() != base+extra {
		t.Fatalf("order: %d slots, cost %d; want 1 slot, cost %d", c.GetExtraNameSlots(), c.GetCostMinor(), base+extra)
	}
	c = waitState(t, cl, c.GetId(), stIssued)
	id := c.GetId()

	// Six names need three slots: two are missing.
	six := []string{"a.slots.example.com", "b.slots.example.com", "c.slots.example.com", "d.slots.example.com", "e.slots.example.com"}
	reissue := func(buy int32, key string) (*certsvcv1.Certificate, error) {
		res, err := cl.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: id, ReplaceExtraNames: true, ExtraNames: six,
			BuyExtraNameSlots: buy, IdempotencyKey: key})
		return res.GetCertificate(), err
	}
	charges := func() []*certsvcv1.LedgerEntry {
		t.Helper()
		res, err := cl.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{AccountId: acc, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var out []*certsvcv1.LedgerEntry
		for _, le := range res.GetEntries() {
			if le.GetKind() == certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_CHARGE {
				out = append(out, le)
			}
		}
		return out
	}
	unchanged := func(what string, balance int64, events int) {
		t.Helper()
		if got := balanceOf(t, e.admin, acc); got != balance {
			t.Errorf("%s: balance %d, want %d", what, got, balance)
		}
		if got := len(charges()); got != 1 {
			t.Errorf("%s: %d charges, want 1 (the order)", what, got)
		}
		now := get(t, cl, id)
		if now.GetExtraNameSlots() != 1 || len(now.GetExtraNames()) != 3 || now.GetState() != stIssued || now.GetCostMinor() != base+extra {
			t.Errorf("%s: %d slots, names %v, %v, cost %d; want the order as it was", what, now.GetExtraNameSlots(), now.GetExtraNames(), now.GetState(), now.GetCostMinor())
		}
		if got := len(eventNames(t, cl, id)); got != events {
			t.Errorf("%s: %d events, want %d", what, got, events)
		}
	}
	balance, events := balanceOf(t, e.admin, acc), len(eventNames(t, cl, id))

	for _, tc := range []struct {
		buy   int32
		field string
		text  string
	}{
		{0, "extra_names", "6 names need 3 extra name slots; the order has 1: buy the 2 missing with buy_extra_name_slots"},
		{1, "buy_extra_name_slots", "buy 2, not 1"},
		{3, "buy_extra_name_slots", "buy 2, not 3"},
	} {
		_, err := reissue(tc.buy, "")
		if codeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("buying %d of 2 missing slots: %v, want invalid_argument %q", tc.buy, err, tc.text)
		}
		if f := inputDetailFields(t, err); !slices.Equal(f, []string{tc.field}) {
			t.Errorf("buying %d of 2 missing slots: fields %v, want [%s]", tc.buy, f, tc.field)
		}
		unchanged("refused purchase", balance, events)
	}

	// 1000.00 RUB does not pay 2 × 1080.00 RUB: refused, nothing changes.
	_, err := reissue(2, "slots-1")
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeFailedPrecondition || reasonOf(err) != "NOT_ENOUGH_MONEY" ||
		!strings.Contains(err.Error(), "the purchase of 2 extra name slots for 12 months costs 2160.00 RUB") {
		t.Fatalf("buying with too little money: %v, want failed_precondition NOT_ENOUGH_MONEY", err)
	}
	if md := errorInfoMetadata(ce); md["amount_minor"] != "216000" || md["balance_minor"] != "100000" || md["currency"] != "RUB" {
		t.Errorf("metadata of the not-enough-money error: %v, want amount_minor 216000, balance_minor 100000, currency RUB", md)
	}
	unchanged("too little money", balance, events)

	// With the money: charged the two slots once, in the reissue.
	deposit(t, e.admin, acc, 200_000)
	balance += 200_000
	got, err := reissue(2, "slots-1")
	if err != nil {
		t.Fatalf("buying 2 slots: %v", err)
	}
	if got.GetExtraNameSlots() != 3 || got.GetCostMinor() != base+3*extra || len(got.GetExtraNames()) != 5 {
		t.Errorf("after buying: %d slots, cost %d, names %v; want 3 slots, cost %d, 5 extra names", got.GetExtraNameSlots(), got.GetCostMinor(), got.GetExtraNames(), base+3*extra)
	}
	balance -= 2 * extra
	check := func(what string, reissues int) {
		t.Helper()
		if b := balanceOf(t, e.admin, acc); b != balance {
			t.Errorf("%s: balance %d, want %d", what, b, balance)
		}
		ch := charges()
		if len(ch) != 2 || ch[0].GetAmountMinor() != -2*extra || !strings.Contains(ch[0].GetDescription(), "2 extra name slots for 12 months") ||
			ch[0].GetBalanceAfterMinor() != 100_000+200_000-2*extra {
			t.Errorf("%s: charges %v, want the order's and one of -%d for 2 extra name slots", what, ch, 2*extra)
		}
		n := 0
		for _, ev := range eventNames(t, cl, id) {
			if ev == "reissue" {
				n++
			}
		}
		if n != reissues {
			t.Errorf("%s: %d reissue events, want %d", what, n, reissues)
		}
	}
	check("bought 2 slots", 1)
	evs, err := cl.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: id, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs.GetEvents() {
		if ev.GetEvent() == "reissue" && (ev.GetAmountMinor() != -2*extra || ev.GetLedgerEntryId() != charges()[0].GetId()) {
			t.Errorf("reissue event: amount %d, ledger entry %d; want -%d and the charge", ev.GetAmountMinor(), ev.GetLedgerEntryId(), 2*extra)
		}
	}

	// The same key again: the certificate as it is, nothing charged or reissued again.
	again, err := reissue(2, "slots-1")
	if err != nil || again.GetExtraNameSlots() != 3 {
		t.Fatalf("retry with the key: %v, %d slots", err, again.GetExtraNameSlots())
	}
	check("retried with the key", 1)
	c = waitState(t, cl, id, stIssued)
	if leaf := verifyIssued(t, e, cl, id, "e.slots.example.com"); len(leaf.DNSNames) != 6 {
		t.Errorf("reissued certificate names %v, want 6", leaf.DNSNames)
	}
	// A retry without a key finds nothing to buy.
	if _, err := reissue(2, ""); codeOf(err) != connect.CodeInvalidArgument || !slices.Equal(inputDetailFields(t, err), []string{"buy_extra_name_slots"}) {
		t.Errorf("retry without a key: %v, want invalid_argument on buy_extra_name_slots", err)
	}
	check("retried without a key", 1)

	// The renewal charges the term with its three slots.
	deposit(t, e.admin, acc, base+3*extra)
	mustCert(t)(cl.Cert.RenewCertificate(ctx, &certsvcv1.RenewCertificateRequest{Id: id, IdempotencyKey: "renew-1"}))
	if b := balanceOf(t, e.admin, acc); b != balance {
		t.Errorf("after the renewal: balance %d, want %d (charged %d)", b, balance, base+3*extra)
	}

	// The reissued certificate uses the slots it bought: deleting it
	// returns nothing.
	deposit(t, e.admin, acc, base+2*extra)
	c2 := mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
		PlanId: planMulti, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Pay: true,
		Subject: &certsvcv1.Subject{CommonName: "slots2.example.com"}, ExtraNames: []string{"a.slots2.example.com", "b.slots2.example.com", "c.slots2.example.com"}}))
	waitState(t, cl, c2.GetId(), stIssued)
	mustCert(t)(cl.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: c2.GetId(), ReplaceExtraNames: true,
		ExtraNames: []string{"a.slots2.example.com", "b.slots2.example.com", "c.slots2.example.com", "d.slots2.example.com"}, BuyExtraNameSlots: 1}))
	waitState(t, cl, c2.GetId(), stIssued)
	if _, err := cl.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: []int64{c2.GetId()}}); err != nil {
		t.Fatal(err)
	}
	if b := balanceOf(t, e.admin, acc); b != balance {
		t.Errorf("after deleting a certificate reissued with a bought slot: balance %d, want %d (nothing returned)", b, balance)
	}
}
