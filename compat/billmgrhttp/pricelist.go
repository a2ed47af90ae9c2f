package billmgrhttp

import (
	"cmp"
	"context"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"slices"
	"strconv"
	"strings"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// funcPricelistExport exports the certificate plans for a reselling
// BILLmanager's tariff import (docs §4): one <pricelist> per plan with its
// id, name and features, <price currency=…> with a
// <period cost=… type="month" length=…> per period, the extra-name add-on
// (addon_<id> of the order form) with its own prices, and siteinfo
// ("k=v, k2=v2", as the bjson storefront reads it). itemtype other than
// certificate exports nothing; pricelist=<id> exports one plan. Which
// plans a caller may see is the service's decision.
func (g *Gateway) funcPricelistExport(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	doc := billmgr.NewData(req.Func, req.Lang)
	if t := req.Value("itemtype"); t != "" && t != "certificate" {
		return doc, nil
	}
	id, err := req.Int("pricelist", 64)
	if err != nil {
		return nil, err
	}
	var plans []*certsvcv1.Plan
	if id != 0 {
		p, err := g.plan(ctx, id)
		if err != nil {
			return nil, err
		}
		plans = []*certsvcv1.Plan{p}
	} else if plans, err = g.allPlans(ctx); err != nil {
		return nil, err
	}
	for _, p := range plans {
		doc.AddNode(pricelistNode(req.Lang, p))
	}
	return doc, nil
}

// pricelistNode is one plan as pricelist.export shows it.
func pricelistNode(lang string, p *certsvcv1.Plan) *billmgr.Node {
	n := billmgr.N("pricelist", "",
		billmgr.N("id", strconv.FormatInt(p.GetId(), 10)),
		billmgr.N("foreign_id", strconv.FormatInt(p.GetForeignId(), 10)),
		billmgr.N("name", p.GetName()),
		billmgr.N("itemtype", "certificate"),
		billmgr.N("brand", p.GetBrand()),
		billmgr.N("validation", validationName(p.GetValidation())),
		billmgr.N("included_names", strconv.Itoa(int(p.GetIncludedNames()))),
		billmgr.N("max_names", strconv.Itoa(int(p.GetMaxNames()))),
	).List()
	n.Add(priceNodes(lang, p.GetPrices(), (*certsvcv1.PlanPrice).GetAmountMinor)...)
	if addon := p.GetExtraNameAddonId(); addon != 0 {
		n.Add(billmgr.N("addon", "",
			billmgr.N("id", strconv.FormatInt(addon, 10)),
			billmgr.N("intname", "domainlimit"),
			billmgr.N("name", map[bool]string{false: "Additional domain", true: "Дополнительный домен"}[lang == "ru"]),
		).Add(priceNodes(lang, p.GetPrices(), (*certsvcv1.PlanPrice).GetExtraNameAmountMinor)...).List())
	}
	return n.Add(billmgr.N("siteinfo", siteinfo(p)))
}

// priceNodes groups prices by currency: <price currency="RUB"><period
// cost="810.00" type="month" length="12">1 year</period>…</price>, with the
// amount that amount picks, currencies and periods ascending.
func priceNodes(lang string, prices []*certsvcv1.PlanPrice, amount func(*certsvcv1.PlanPrice) int64) []*billmgr.Node {
	sorted := slices.SortedFunc(slices.Values(prices), func(a, b *certsvcv1.PlanPrice) int {
		return cmp.Or(strings.Compare(a.GetCurrency(), b.GetCurrency()), cmp.Compare(a.GetPeriodMonths(), b.GetPeriodMonths()))
	})
	var out []*billmgr.Node
	for _, pr := range sorted {
		if len(out) == 0 || out[len(out)-1].Attrs[0].Value != pr.GetCurrency() {
			out = append(out, billmgr.N("price", "").Attr("currency", pr.GetCurrency()).List())
		}
		months := strconv.Itoa(int(pr.GetPeriodMonths()))
		out[len(out)-1].Add(billmgr.N("period", periodLabel(lang, pr.GetPeriodMonths())).
			Attr("cost", formatCost(amount(pr), pr.GetCurrency())).Attr("type", "month").Attr("length", months).List())
	}
	return out
}

// siteinfo lists the plan's capabilities by the certificate template
// feature names of BILLmanager's SSL modules (docs §7.2).
func siteinfo(p *certsvcv1.Plan) string {
	v := p.GetValidation()
	return strings.Join([]string{
		"wildcard=" + billmgr.OnOff(p.GetWildcard()),
		"www=" + billmgr.OnOff(p.GetWwwAndBare()),
		"multidomain=" + billmgr.OnOff(p.GetMultiDomain()),
		"csraltname=" + billmgr.OnOff(p.GetMultiDomain()),
		"idn=" + billmgr.OnOff(p.GetIdn()),
		"orginfo=" + billmgr.OnOff(v == certsvcv1.ValidationLevel_VALIDATION_LEVEL_OV || v == certsvcv1.ValidationLevel_VALIDATION_LEVEL_EV),
		"ev=" + billmgr.OnOff(v == certsvcv1.ValidationLevel_VALIDATION_LEVEL_EV),
		"authemail=on",
		"authdnstxt=on",
	}, ", ")
}

func validationName(v certsvcv1.ValidationLevel) string {
	switch v {
	case certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV:
		return "dv"
	case certsvcv1.ValidationLevel_VALIDATION_LEVEL_OV:
		return "ov"
	case certsvcv1.ValidationLevel_VALIDATION_LEVEL_EV:
		return "ev"
	}
	return ""
}

// periodOptions are the periods a plan is sold for, ascending; with a
// currency, only that currency's, each labelled with its price.
func periodOptions(lang string, p *certsvcv1.Plan, currency string) []billmgr.Option {
	var opts []billmgr.Option
	prices := slices.SortedFunc(slices.Values(p.GetPrices()), func(a, b *certsvcv1.PlanPrice) int {
		return cmp.Compare(a.GetPeriodMonths(), b.GetPeriodMonths())
	})
	for _, pr := range prices {
		key := strconv.Itoa(int(pr.GetPeriodMonths()))
		if currency != "" && pr.GetCurrency() != currency ||
			slices.ContainsFunc(opts, func(o billmgr.Option) bool { return o.Key == key }) {
			continue
		}
		label := periodLabel(lang, pr.GetPeriodMonths())
		if currency != "" {
			label += " - " + formatCost(pr.GetAmountMinor(), currency) + " " + currency
		}
		opts = append(opts, billmgr.Option{Key: key, Label: label})
	}
	return opts
}

// periodLabel names a period of months: "1 year", "2 года", "6 months".
func periodLabel(lang string, months int32) string {
	n, years := months, months%12 == 0
	if years {
		n = months / 12
	}
	if lang == "ru" {
		if !years {
			return fmt.Sprintf("%d мес.", n)
		}
		switch {
		case n%10 == 1 && n%100 != 11:
			return fmt.Sprintf("%d год", n)
		case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
			return fmt.Sprintf("%d года", n)
		}
		return fmt.Sprintf("%d лет", n)
	}
	unit := map[bool]string{false: "month", true: "year"}[years]
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// formatCost writes minor units as a decimal in the currency's major
// units ("810.00").
func formatCost(minor int64, code string) string {
	return billmgr.FormatAmount(minor, code)
}

// plan fetches one plan; an error about its id names pricelist.
func (g *Gateway) plan(ctx context.Context, id int64) (*certsvcv1.Plan, error) {
	res, err := g.api.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: id})
	return res.GetPlan(), withNames(err, fieldNames{"id": "pricelist"})
}

// maxPlanPages bounds the paging of allPlans against a misbehaving token.
const maxPlanPages = 100

// allPlans lists every plan the caller may see.
func (g *Gateway) allPlans(ctx context.Context) ([]*certsvcv1.Plan, error) {
	var plans []*certsvcv1.Plan
	in := &certsvcv1.ListPlansRequest{PageSize: 1000}
	for range maxPlanPages {
		res, err := g.api.Catalog.ListPlans(ctx, in)
		if err != nil {
			return nil, err
		}
		plans = append(plans, res.GetPlans()...)
		if res.GetNextPageToken() == "" {
			break
		}
		in.PageToken = res.GetNextPageToken()
	}
	return plans, nil
}
