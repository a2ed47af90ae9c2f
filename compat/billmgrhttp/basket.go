package billmgrhttp

import (
	"context"
	"errors"
	"github.com/certsvc/certsvc/compat/billmgr"
	"strconv"
	"strings"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// The cart (func=basket), as BILLmanager 6's old cart: an order sent
// without skipbasket=on waits in it unpaid.
//
//   - func=basket lists the caller's unpaid orders, each with its price, and
//     the total (elem rows; total and currency after them);
//   - func=basket&clicked_button=delete&id=ID&sok=ok removes one order from
//     the cart (elid= is read as well);
//   - func=basket&clicked_button=pay&sok=ok (or sok alone: the form's main
//     button) pays the whole cart from the account balance in one
//     transaction (PayCertificates): when the balance does not cover the
//     total, the answer is not_enough_money with the amounts and nothing is
//     charged. An empty cart (paid already) answers ok, and an order paid
//     meanwhile is charged nothing: paying twice charges once.
//
// Admins have no cart (no account of their own).

// maxBasket bounds the orders a cart lists and pays at once.
const maxBasket = 1000

// funcBasket serves func=basket.
func (g *Gateway) funcBasket(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	button := strings.ToLower(strings.TrimSpace(req.Ignored.Get("clicked_button")))
	if button == "" {
		button = strings.ToLower(strings.TrimSpace(req.Param("clicked_button")))
	}
	switch {
	case button == "delete":
		return g.basketDelete(ctx, req)
	case req.Sok:
		return g.basketPay(ctx, req)
	}
	acc, items, err := g.basket(ctx)
	if err != nil {
		return nil, err
	}
	doc := billmgr.NewList(req.Func, req.Lang)
	var total int64
	look := g.lookup()
	for _, c := range items {
		name := ""
		if p := look.plan(ctx, c.GetPlanId()); p != nil {
			name = p.GetName()
		}
		doc.AddRow(billmgr.F("id", idText(c.GetId())), billmgr.F("name", name), billmgr.F("CN", c.GetCommonName()),
			billmgr.F("period", strconv.Itoa(int(c.GetPeriodMonths()))), billmgr.F("remoteid", c.GetClientReference()),
			costField(c), itemStatus(c, req.Lang))
		total += c.GetCostMinor()
	}
	return doc.AddNode(billmgr.N("total", billmgr.FormatAmount(total, acc.GetCurrency())), billmgr.N("currency", acc.GetCurrency())), nil
}

// basket returns the caller's account and its unpaid orders.
func (g *Gateway) basket(ctx context.Context) (*certsvcv1.Account, []*certsvcv1.Certificate, error) {
	who, err := g.api.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
	if err != nil {
		return nil, nil, err
	}
	acc := who.GetAccount()
	if acc == nil {
		return nil, nil, connect.NewError(connect.CodePermissionDenied, errors.New("the cart is a customer's: admins have none"))
	}
	res, err := g.api.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{PageSize: maxBasket,
		OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST,
		Filter:  &certsvcv1.CertificateFilter{AccountId: acc.GetId(), States: []certsvcv1.CertificateState{certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID}}})
	if err != nil {
		return nil, nil, err
	}
	return acc, res.GetCertificates(), nil
}

// basketPay pays the cart from the balance with one PayCertificates: all
// of it, or nothing when the balance does not cover the total (the
// service's not-enough-money error, with the amounts, becomes BILLmanager's
// not_enough_money). An empty cart answers ok.
func (g *Gateway) basketPay(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	_, items, err := g.basket(ctx)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return billmgr.NewOK(req.Func, req.Lang, ""), nil
	}
	ids := make([]int64, len(items))
	for i, c := range items {
		ids[i] = c.GetId()
	}
	res, err := g.api.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: ids, IdempotencyKey: req.Param("idempotency_key")})
	if err != nil {
		return nil, err
	}
	g.log.InfoContext(ctx, "legacy cart paid", "certificate_ids", ids, "charged_minor", res.GetChargedMinor(), "currency", res.GetCurrency())
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}

// basketDelete removes one unpaid order from the cart (id=, or elid=).
func (g *Gateway) basketDelete(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	name := "id"
	if req.Value(name) == "" && len(req.Elids) > 0 {
		name = "elid"
	}
	v := req.Value(name)
	if v == "" {
		return nil, billmgr.MissingParam("id")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, billmgr.InvalidParam(name, v)
	}
	res, err := g.api.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: id})
	if err != nil || res.GetCertificate().GetState() != certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID {
		if err != nil && connect.CodeOf(err) != connect.CodeNotFound {
			return nil, err
		}
		return nil, &billmgr.ParamError{Name: name, Value: v, Why: name + ": order " + v + " is not in the cart", Missed: true}
	}
	del, err := g.api.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: []int64{id}})
	if err != nil {
		return nil, err
	}
	if err := firstFailure(del.GetResults()); err != nil {
		return nil, err
	}
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}
