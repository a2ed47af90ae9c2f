package rpc

import (
	"context"
	"fmt"
	"time"

	"connectrpc.com/connect"

	"certsvc/ent"
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
	AuditReplaceFiles   = "replace_certificate_files"
)

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
