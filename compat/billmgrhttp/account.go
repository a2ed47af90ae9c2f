package billmgrhttp

import (
	"context"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"strconv"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// funcSubaccount lists the caller's accounts with their balances (an
// admin's: every account), as BILLmanager's subaccount list does:
// third-party clients, and a reselling certsvc before it orders, read the
// balance there as elem[].balance and elem[].currency. balance is the bare
// amount ("1000.00"), so a script can compare it as a number.
func (g *Gateway) funcSubaccount(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	num, cnt := req.Page()
	first := (num - 1) * cnt
	if first > maxSkip {
		return nil, &billmgr.ParamError{Name: "p_num", Value: strconv.Itoa(num),
			Why: fmt.Sprintf("pages start at most %d rows in", maxSkip)}
	}
	doc := billmgr.NewList(req.Func, req.Lang)
	in := &certsvcv1.ListAccountsRequest{PageSize: 1000}
	seen := 0
	for seen <= maxSkip {
		res, err := g.api.Account.ListAccounts(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, a := range res.GetAccounts() {
			if seen >= first && seen < first+cnt {
				doc.AddRow(billmgr.F("id", idText(a.GetId())), billmgr.F("name", a.GetName()),
					billmgr.F("balance", formatCost(a.GetBalanceMinor(), a.GetCurrency())), billmgr.F("currency", a.GetCurrency()))
			}
			seen++
		}
		if in.PageToken = res.GetNextPageToken(); in.PageToken == "" {
			break
		}
	}
	doc.PageNum, doc.PageCnt, doc.PageElems = num, cnt, seen
	return doc, nil
}
