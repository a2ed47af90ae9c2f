package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestGatewayBasket: BILLmanager's cart through the gateway. Orders sent
// without skipbasket wait in func=basket with their prices and the total;
// clicked_button=delete removes one; paying the cart when the balance does
// not cover it answers not_enough_money with the amounts and charges
// nothing; paying it charges each order once and the orders are issued;
// paying again charges nothing more; a skipbasket=on re-send of an unpaid
// order with the same remoteid pays it.
func TestGatewayBasket(t *testing.T) { dbtest.EachKind(t, testGatewayBasket) }

func testGatewayBasket(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "cart")
	poor := e.env.NewCustomer(t, "cart-poor", "RUB")
	deposit(t, e.admin, poor.Account.GetId(), 100_000) // 1000.00 RUB: one order of 810.00, not two
	order := func(l legacyClient, n int, extra string) int64 {
		cn := fmt.Sprintf("cart%d.example.com", n)
		return createdID(t, l.get(fmt.Sprintf("out=xml&func=certificate.order.param&sok=ok&crt_type=generate&field_country=182&period=12&pricelist=3033&CN=%s&approver_email_1=admin@%s&remoteid=cart-%d%s", cn, cn, n, extra)))
	}
	l := legacyClient{t: t, env: e.env, auth: "authinfo=cart-poor:" + poor.Password + "&"}
	ids := []int64{order(l, 1, ""), order(l, 2, ""), order(l, 3, "")}
	for _, id := range ids {
		if c := get(t, e.env.Clients(apitest.ConnectJSON, poor.Auth), id); c.GetState() != stUnpaidGW {
			t.Fatalf("order %d without skipbasket: %v, want unpaid", id, c.GetState())
		}
	}
	list := l.get("out=bjson&func=basket")
	doc := bjson(t, list)
	if elems, _ := doc["elem"].([]any); len(elems) != 3 || doc["total"] != "2430.00" || doc["currency"] != "RUB" {
		t.Fatalf("basket: got\n%s", list)
	}
	wantOK(t, "delete from the cart", l.get(fmt.Sprintf("out=xml&func=basket&clicked_button=delete&id=%d&sok=ok", ids[2])))
	if body := l.get("out=xml&func=basket"); strings.Contains(body, fmt.Sprintf("<id>%d</id>", ids[2])) || !strings.Contains(body, "<total>1620.00</total>") {
		t.Fatalf("basket after the delete: got\n%s", body)
	}
	// 1620.00 due, 1000.00 on the balance.
	body := l.get("out=xml&lang=ru&func=basket&clicked_button=pay&sok=ok")
	for _, want := range []string{`type="not_enough_money"`, `<param name="amount">1620.00</param>`, `<param name="have">1000.00</param>`, `<param name="deficit">620.00</param>`, "Недостаточно средств"} {
		if !strings.Contains(body, want) {
			t.Fatalf("paying without the money: want %s in\n%s", want, body)
		}
	}
	if got := balanceOf(t, e.admin, poor.Account.GetId()); got != 100_000 {
		t.Fatalf("balance after a refused payment: %d, want 100000 (nothing charged)", got)
	}
	deposit(t, e.admin, poor.Account.GetId(), 100_000)
	wantOK(t, "pay the cart", l.get("out=xml&func=basket&clicked_button=pay&sok=ok"))
	wantOK(t, "pay the cart again", l.get("out=bjson&func=basket&clicked_button=pay&sok=ok"))
	if got := balanceOf(t, e.admin, poor.Account.GetId()); got != 200_000-2*81_000 {
		t.Fatalf("balance after paying twice: %d, want %d (each order charged once)", got, 200_000-2*81_000)
	}
	pc := e.env.Clients(apitest.ConnectJSON, poor.Auth)
	for _, id := range ids[:2] {
		waitState(t, pc, id, stIssuedGW)
	}
	if body := l.get("out=bjson&func=basket"); bjson(t, body)["total"] != "0.00" {
		t.Fatalf("the cart after paying: %s", body)
	}

	// skipbasket=on re-sent with the same remoteid pays the waiting order.
	lr := legacyClient{t: t, env: e.env, auth: "authinfo=cart:" + e.cust.Password + "&"}
	before := balanceOf(t, e.admin, e.cust.Account.GetId())
	first := order(lr, 9, "")
	if again := order(lr, 9, "&skipbasket=on"); again != first {
		t.Fatalf("re-send: id %d, want %d", again, first)
	}
	if again := order(lr, 9, "&skipbasket=on"); again != first {
		t.Fatalf("second re-send: id %d, want %d", again, first)
	}
	waitState(t, e.c, first, stIssuedGW)
	if got := balanceOf(t, e.admin, e.cust.Account.GetId()); got != before-81_000 {
		t.Fatalf("balance after the re-sends: %d, want one charge (%d)", got, before-81_000)
	}
}
