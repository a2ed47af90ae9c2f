package service

import (
	"certsvc/ent"
	"certsvc/ent/ledgerentry"
	"certsvc/ent/plan"
	"certsvc/ent/user"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/rpc"
)

func accountToProto(a *ent.Account) *certsvcv1.Account {
	return &certsvcv1.Account{
		Id:           a.ID,
		Name:         a.Name,
		Currency:     a.Currency,
		BalanceMinor: a.Balance,
		CreateTime:   rpc.TS(a.CreateTime),
		UpdateTime:   rpc.TS(a.UpdateTime),
	}
}

var levelToProto = map[user.Level]certsvcv1.AccessLevel{
	user.LevelAdmin: certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN,
	user.LevelUser:  certsvcv1.AccessLevel_ACCESS_LEVEL_USER,
}

func userToProto(u *ent.User) *certsvcv1.User {
	out := &certsvcv1.User{
		Id:            u.ID,
		Login:         u.Login,
		Name:          u.Name,
		Email:         u.Email,
		Level:         levelToProto[u.Level],
		Disabled:      u.Disabled,
		CreateTime:    rpc.TS(u.CreateTime),
		UpdateTime:    rpc.TS(u.UpdateTime),
		LastLoginTime: rpc.TSPtr(u.LastLoginTime),
	}
	if u.AccountID != nil {
		out.AccountId = *u.AccountID
	}
	return out
}

var ledgerKindToProto = map[ledgerentry.Kind]certsvcv1.LedgerEntryKind{
	ledgerentry.KindDeposit:    certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_DEPOSIT,
	ledgerentry.KindAdjustment: certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_ADJUSTMENT,
	ledgerentry.KindCharge:     certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_CHARGE,
	ledgerentry.KindRefund:     certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_REFUND,
}

func ledgerKindFromProto(k certsvcv1.LedgerEntryKind) ledgerentry.Kind {
	for ek, pk := range ledgerKindToProto {
		if pk == k {
			return ek
		}
	}
	return ""
}

func ledgerEntryToProto(e *ent.LedgerEntry) *certsvcv1.LedgerEntry {
	out := &certsvcv1.LedgerEntry{
		Id:                e.ID,
		AccountId:         e.AccountID,
		Kind:              ledgerKindToProto[e.Kind],
		AmountMinor:       e.Amount,
		Currency:          e.Currency,
		BalanceAfterMinor: e.BalanceAfter,
		Description:       e.Description,
		CreateTime:        rpc.TS(e.CreateTime),
	}
	if e.ActorUserID != nil {
		out.ActorUserId = *e.ActorUserID
	}
	return out
}

func apiKeyToProto(k *ent.APIKey) *certsvcv1.ApiKey {
	return &certsvcv1.ApiKey{
		Id:           k.ID,
		UserId:       k.UserID,
		Name:         k.Name,
		Prefix:       k.Prefix,
		CreateTime:   rpc.TS(k.CreateTime),
		ExpireTime:   rpc.TSPtr(k.ExpireTime),
		LastUsedTime: rpc.TSPtr(k.LastUsedTime),
	}
}

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
