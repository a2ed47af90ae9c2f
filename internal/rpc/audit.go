package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"connectrpc.com/connect"

	"github.com/certsvc/certsvc/ent"
)

// Audit appends an entry to the audit log at now, in tx when it is not nil
// so the entry commits or rolls back with the action, else through db.
func Audit(ctx context.Context, db *ent.Client, tx *ent.Tx, now time.Time, action, target, detail string) error {
	c := db.AuditEntry.Create()
	if tx != nil {
		c = tx.AuditEntry.Create()
	}
	p := PrincipalFrom(ctx)
	if ci, ok := connect.CallInfoForHandlerContext(ctx); ok {
		c.SetClientAddress(truncate(ClientAddr(ci.RequestHeader(), ci.Peer().Addr), 64))
	}
	err := c.SetAction(action).SetTarget(target).SetDetail(truncate(detail, 512)).
		SetNillableActorUserID(p.ActorID()).SetActorLogin(truncate(p.ActorLogin(), 128)).SetCreateTime(now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	return nil
}

// Audited actions.
const (
	AuditImpersonate    = "impersonate"
	AuditReadPrivateKey = "read_private_key"
	AuditAdminUpdate    = "admin_update_certificate"
	AuditActivate       = "activate_certificate"
	AuditRevoke         = "revoke_certificate"
	AuditReplaceFiles   = "replace_certificate_files"
	AuditCreateUser     = "create_user"
	AuditUpdateUser     = "update_user"
	AuditSetPassword    = "set_user_password"
	AuditCreateAPIKey   = "create_api_key"
	AuditDeleteAPIKey   = "delete_api_key"
	AuditCreateLoginKey = "create_login_key"
	AuditDeposit        = "deposit"
	AuditAdjustBalance  = "adjust_balance"
	AuditCreateModule   = "create_processing_module"
	AuditUpdateModule   = "update_processing_module"
	AuditDeleteModule   = "delete_processing_module"
)

// AuditDone records an action that has already committed. A failure to
// record it is logged, not answered: the caller must not retry an action that
// took effect.
func AuditDone(ctx context.Context, db *ent.Client, log *slog.Logger, now time.Time, action, target, detail string) {
	if err := Audit(ctx, db, nil, now, action, target, detail); err != nil {
		log.ErrorContext(ctx, "audit log entry lost", "action", action, "target", target, "err", err)
	}
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
