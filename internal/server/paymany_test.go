package server_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestPayCertificates: the basket paid in one transaction. With a balance
// that covers the first order but not all three, nothing is charged and
// the error carries NOT_ENOUGH_MONEY with the total, the balance and the
// currency; an order paid on its own meanwhile is not charged again; paying
// twice charges once; the key names the payment in the ledger; another
// account's order is not found, a deleted one fails the whole call, and
// orders of two accounts are refused, each without charging anything.
func TestPayCertificates(t *testing.T) { dbtest.EachKind(t, testPayCertificates) }

func testPayCertificates(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "paymany")
	ctx := t.Context()
	poor := e.env.NewCustomer(t, "paymany-poor", "RUB")
	acc := poor.Account.GetId()
	deposit(t, e.admin, acc, 100_000) // 1000.00 RUB: one order of 810.00, not three
	pc := e.env.Clients(apitest.ConnectJSON, poor.Auth)
	order := func(cl apitest.Clients, n int) int64 {
		cn := fmt.Sprintf("paymany%d.example.com", n)
		return mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, CsrPem: csrPEM(t, p256(), cn)})).GetId()
	}
	ids := []int64{order(pc, 1), order(pc, 2), order(pc, 3)}

	_, err := pc.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: ids, IdempotencyKey: "cart-1"})
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeFailedPrecondition || reasonOf(err) != "NOT_ENOUGH_MONEY" {
		t.Fatalf("paying 2430.00 with 1000.00: %v, want failed_precondition NOT_ENOUGH_MONEY", err)
	}
	md := errorInfoMetadata(ce)
	if md["amount_minor"] != "243000" || md["balance_minor"] != "100000" || md["currency"] != "RUB" {
		t.Errorf("metadata of the not-enough-money error: %v, want amount_minor 243000, balance_minor 100000, currency RUB", md)
	}
	if got := balanceOf(t, e.admin, acc); got != 100_000 {
		t.Fatalf("balance after the refused payment: %d, want 100000 (nothing charged)", got)
	}
	for _, id := range ids {
		if c := get(t, pc, id); c.GetState() != stUnpaid {
			t.Fatalf("order %d after the refused payment: %v, want unpaid", id, c.GetState())
		}
	}

	// One order paid on its own; then the three together with money for
	// the two others: the first is not charged again.
	mustCert(t)(pc.Cert.PayCertificate(ctx, &certsvcv1.PayCertificateRequest{Id: ids[0]}))
	deposit(t, e.admin, acc, 200_000) // 3000.00 - 810.00 = 2190.00
	res, err := pc.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: ids, IdempotencyKey: "cart-1"})
	if err != nil {
		t.Fatalf("pay the basket: %v", err)
	}
	if res.GetChargedMinor() != 162_000 || res.GetCurrency() != "RUB" || len(res.GetCertificates()) != 3 {
		t.Fatalf("pay the basket: charged %d %s for %d orders, want 162000 RUB for 3", res.GetChargedMinor(), res.GetCurrency(), len(res.GetCertificates()))
	}
	for i, c := range res.GetCertificates() {
		if c.GetId() != ids[i] || c.GetState() == stUnpaid {
			t.Errorf("answer %d: order %d in %v, want order %d paid", i, c.GetId(), c.GetState(), ids[i])
		}
	}
	want := int64(300_000 - 3*81_000)
	if got := balanceOf(t, e.admin, acc); got != want {
		t.Fatalf("balance after paying: %d, want %d (each order charged once)", got, want)
	}
	again, err := pc.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: ids, IdempotencyKey: "cart-1"})
	if err != nil || again.GetChargedMinor() != 0 {
		t.Fatalf("paying again: charged %d, %v; want nothing charged", again.GetChargedMinor(), err)
	}
	if got := balanceOf(t, e.admin, acc); got != want {
		t.Fatalf("balance after paying twice: %d, want %d", got, want)
	}
	led, err := pc.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{AccountId: acc, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, le := range led.GetEntries() {
		if strings.Contains(le.GetDescription(), "payment cart-1") {
			named++
		}
	}
	if named != 2 {
		t.Errorf("ledger entries naming the payment: %d, want 2 (the orders it paid)", named)
	}
	for _, id := range ids {
		waitState(t, pc, id, stIssued)
	}

	// Refusals charge nothing.
	mine := order(pc, 4)
	other := order(e.c, 5)
	before := balanceOf(t, e.admin, acc)
	if _, err := pc.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: []int64{mine, other}}); codeOf(err) != connect.CodeNotFound {
		t.Errorf("with another account's order: %v, want not_found", err)
	}
	if _, err := e.admin.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: []int64{mine, other}}); codeOf(err) != connect.CodeInvalidArgument ||
		!strings.Contains(err.Error(), "different accounts") {
		t.Errorf("admin paying orders of two accounts: %v, want invalid_argument", err)
	}
	gone := order(pc, 6)
	if _, err := pc.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: []int64{gone}}); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: []int64{mine, gone}}); codeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("with a deleted order: %v, want failed_precondition", err)
	}
	if _, err := pc.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: []int64{mine, mine}}); codeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("with an id twice: %v, want invalid_argument", err)
	}
	if got := balanceOf(t, e.admin, acc); got != before {
		t.Errorf("balance after the refusals: %d, want %d", got, before)
	}
	if c := get(t, pc, mine); c.GetState() != stUnpaid {
		t.Errorf("order %d after the refusals: %v, want unpaid", mine, c.GetState())
	}
}

// errorInfoMetadata is the metadata of the error's google.rpc.ErrorInfo.
func errorInfoMetadata(ce *connect.Error) map[string]string {
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if info, ok := v.(*errdetails.ErrorInfo); ok {
				return info.GetMetadata()
			}
		}
	}
	return nil
}
