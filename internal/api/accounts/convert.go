package accounts

import (
	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/rpc"
)

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
