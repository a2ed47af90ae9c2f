package service

import (
	"context"
	"fmt"

	"connectrpc.com/connect"

	"certsvc/ent"
	"certsvc/ent/auditentry"
	"certsvc/ent/user"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/auth"
	"certsvc/internal/errkind"
	"certsvc/internal/store"
)

// Audited actions.
const (
	auditImpersonate    = "impersonate"
	auditReadPrivateKey = "read_private_key"
	auditAdminUpdate    = "admin_update_certificate"
	auditActivate       = "activate_certificate"
	auditReplaceFiles   = "replace_certificate_files"
	auditCreateUser     = "create_user"
	auditUpdateUser     = "update_user"
	auditSetPassword    = "set_user_password"
	auditCreateAPIKey   = "create_api_key"
	auditDeleteAPIKey   = "delete_api_key"
	auditCreateLoginKey = "create_login_key"
	auditDeposit        = "deposit"
	auditAdjustBalance  = "adjust_balance"
	auditCreateModule   = "create_processing_module"
	auditUpdateModule   = "update_processing_module"
	auditDeleteModule   = "delete_processing_module"
)

// auditDone records an action that has already committed. A failure to
// record it is logged, not answered: the caller must not retry an action that
// took effect.
func (s *Service) auditDone(ctx context.Context, action, target, detail string) {
	if err := s.audit(ctx, nil, action, target, detail); err != nil {
		s.log.ErrorContext(ctx, "audit log entry lost", "action", action, "target", target, "err", err)
	}
}

// audit appends an entry to the audit log, in tx when it is not nil so the
// entry commits or rolls back with the action.
func (s *Service) audit(ctx context.Context, tx *ent.Tx, action, target, detail string) error {
	c := s.db.AuditEntry.Create()
	if tx != nil {
		c = tx.AuditEntry.Create()
	}
	p := principalFrom(ctx)
	if ci, ok := connect.CallInfoForHandlerContext(ctx); ok {
		c.SetClientAddress(truncate(clientAddr(ci.RequestHeader(), ci.Peer().Addr), 64))
	}
	err := c.SetAction(action).SetTarget(target).SetDetail(truncate(detail, 512)).
		SetNillableActorUserID(p.actorID()).SetActorLogin(truncate(p.actorLogin(), 128)).SetCreateTime(s.clock()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	return nil
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// Impersonate implements AuthService.Impersonate.
func (s *Service) Impersonate(ctx context.Context, req *certsvcv1.ImpersonateRequest) (*certsvcv1.ImpersonateResponse, error) {
	p := principalFrom(ctx)
	u, err := s.db.User.Get(ctx, req.GetUserId())
	if ent.IsNotFound(err) {
		return nil, errkind.Field(errkind.NotFound, "user_id", "user %d not found", req.GetUserId())
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", req.GetUserId(), err)
	}
	switch {
	case u.Level != user.LevelUser:
		return nil, errkind.Field(errkind.FailedPrecondition, "user_id", "user %d is an admin; only users can be impersonated", u.ID)
	case u.Disabled:
		return nil, errkind.Field(errkind.FailedPrecondition, "user_id", "user %d is disabled", u.ID)
	}
	token := auth.NewToken(sessionPrefix)
	now := s.clock()
	expires := now.Add(s.sessionTTL)
	_, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		err := tx.Session.Create().SetTokenHash(auth.HashToken(token)).SetUserID(u.ID).
			SetExpireTime(expires).SetNillableImpersonatorUserID(p.actorID()).SetCreateTime(now).Exec(ctx)
		if err != nil {
			return struct{}{}, fmt.Errorf("create session: %w", err)
		}
		return struct{}{}, s.audit(ctx, tx, auditImpersonate, fmt.Sprintf("user/%d", u.ID), "login "+u.Login)
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ImpersonateResponse{Token: token, ExpireTime: ts(expires), User: userToProto(u)}, nil
}

// ListAuditEntries implements AuthService.ListAuditEntries.
func (s *Service) ListAuditEntries(ctx context.Context, req *certsvcv1.ListAuditEntriesRequest) (*certsvcv1.ListAuditEntriesResponse, error) {
	pg, err := readPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.AuditEntry.Query().Order(ent.Desc(auditentry.FieldID)).Limit(pg.limit())
	if pg.after > 0 {
		q.Where(auditentry.IDLT(pg.after))
	}
	if a := req.GetAction(); a != "" {
		q.Where(auditentry.Action(a))
	}
	if t := req.GetTarget(); t != "" {
		q.Where(auditentry.Target(t))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list audit entries: %w", err)
	}
	res := &certsvcv1.ListAuditEntriesResponse{}
	rows, res.NextPageToken = cut(pg, rows, func(x *ent.AuditEntry) int64 { return x.ID })
	for _, e := range rows {
		out := &certsvcv1.AuditEntry{Id: e.ID, ActorLogin: e.ActorLogin, Action: e.Action, Target: e.Target,
			Detail: e.Detail, ClientAddress: e.ClientAddress, CreateTime: ts(e.CreateTime)}
		if e.ActorUserID != nil {
			out.ActorUserId = *e.ActorUserID
		}
		res.Entries = append(res.Entries, out)
	}
	return res, nil
}
