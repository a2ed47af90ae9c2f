package catalog

import (
	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/plan"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/rpc"
)

var validationToProto = map[plan.Validation]certsvcv1.ValidationLevel{
	plan.ValidationDv: certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV,
	plan.ValidationOv: certsvcv1.ValidationLevel_VALIDATION_LEVEL_OV,
	plan.ValidationEv: certsvcv1.ValidationLevel_VALIDATION_LEVEL_EV,
}

func validationFromProto(v certsvcv1.ValidationLevel) plan.Validation {
	for ev, pv := range validationToProto {
		if pv == v {
			return ev
		}
	}
	return ""
}

// planToProto converts a plan loaded with its prices.
func planToProto(p *ent.Plan) *certsvcv1.Plan {
	out := &certsvcv1.Plan{
		Id:               p.ID,
		ForeignId:        p.ForeignID,
		Name:             p.Name,
		Brand:            p.Brand,
		Validation:       validationToProto[p.Validation],
		Wildcard:         p.Wildcard,
		MultiDomain:      p.MultiDomain,
		IncludedNames:    p.IncludedNames,
		MaxNames:         p.MaxNames,
		ExtraNameAddonId: p.ExtraNameAddonID,
		Idn:              p.Idn,
		WwwAndBare:       p.WwwAndBare,
		Enabled:          p.Enabled,
		CreateTime:       rpc.TS(p.CreateTime),
		UpdateTime:       rpc.TS(p.UpdateTime),
	}
	for _, pr := range p.Edges.Prices {
		out.Prices = append(out.Prices, &certsvcv1.PlanPrice{
			PeriodMonths:         pr.PeriodMonths,
			Currency:             pr.Currency,
			AmountMinor:          pr.Amount,
			ExtraNameAmountMinor: pr.ExtraNameAmount,
		})
	}
	return out
}
