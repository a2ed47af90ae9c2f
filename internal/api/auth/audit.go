package auth

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/auditentry"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/rpc"
)

// Impersonate implements AuthService.Impersonate.
func (s *Handler) Impersonate(ctx context.Context, req *certsvcv1.ImpersonateRequest) (*certsvcv1.ImpersonateResponse, error) {
	p := rpc.PrincipalFrom(ctx)
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
	token := auth.NewToken(rpc.SessionPrefix)
	now := s.Clock()
	expires := now.Add(s.sessionTTL)
	err = s.InTx(ctx, func(tx *core.Tx) error {
		err := tx.Session.Create().SetTokenHash(auth.HashToken(token)).SetUserID(u.ID).
			SetExpireTime(expires).SetNillableImpersonatorUserID(p.ActorID()).SetCreateTime(now).Exec(ctx)
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), rpc.AuditImpersonate, fmt.Sprintf("user/%d", u.ID), "login "+u.Login)
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ImpersonateResponse{Token: token, ExpireTime: rpc.TS(expires), User: rpc.UserToProto(u)}, nil
}

// ListAuditEntries implements AuthService.ListAuditEntries.
func (s *Handler) ListAuditEntries(ctx context.Context, req *certsvcv1.ListAuditEntriesRequest) (*certsvcv1.ListAuditEntriesResponse, error) {
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.AuditEntry.Query().Order(ent.Desc(auditentry.FieldID)).Limit(pg.Limit())
	if pg.After > 0 {
		q.Where(auditentry.IDLT(pg.After))
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
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.AuditEntry) int64 { return x.ID })
	for _, e := range rows {
		out := &certsvcv1.AuditEntry{Id: e.ID, ActorLogin: e.ActorLogin, Action: e.Action, Target: e.Target,
			Detail: e.Detail, ClientAddress: e.ClientAddress, CreateTime: rpc.TS(e.CreateTime)}
		if e.ActorUserID != nil {
			out.ActorUserId = *e.ActorUserID
		}
		res.Entries = append(res.Entries, out)
	}
	return res, nil
}
