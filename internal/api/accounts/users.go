package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"connectrpc.com/connect"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/apikey"
	"github.com/certsvc/certsvc/ent/session"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// CreateUser implements AccountService.CreateUser.
func (s *Handler) CreateUser(ctx context.Context, req *certsvcv1.CreateUserRequest) (*certsvcv1.CreateUserResponse, error) {
	admin := req.GetLevel() == certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN
	switch {
	case admin && req.GetAccountId() != 0:
		return nil, errkind.Invalid("account_id", "must be 0 for an admin: admins belong to no account")
	case !admin && req.GetAccountId() == 0:
		return nil, errkind.Invalid("account_id", "required for a user of level USER")
	}
	hash, err := auth.HashPassword(req.GetPassword(), s.pwParams)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	now := s.Clock()
	u, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.User, error) {
		c := tx.User.Create().SetLogin(req.GetLogin()).SetPasswordHash(hash).SetName(req.GetName()).
			SetEmail(req.GetEmail()).SetCreateTime(now).SetUpdateTime(now)
		if admin {
			c.SetLevel(user.LevelAdmin)
		} else {
			c.SetLevel(user.LevelUser).SetAccountID(req.GetAccountId())
		}
		u, err := c.Save(ctx)
		if err != nil {
			return nil, err
		}
		return u, rpc.Audit(ctx, s.db, tx, now, rpc.AuditCreateUser, fmt.Sprintf("user/%d", u.ID), "login "+u.Login)
	})
	switch {
	case store.IsDuplicate(err):
		return nil, errkind.Field(errkind.AlreadyExists, "login", "%q is taken", req.GetLogin())
	case err != nil:
		err = store.Translate(err)
		if errkind.Kind(err) == errkind.FailedPrecondition {
			return nil, errkind.Field(errkind.NotFound, "account_id", "account %d not found", req.GetAccountId())
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return &certsvcv1.CreateUserResponse{User: rpc.UserToProto(u)}, nil
}

// visibleUser loads a user the caller may see: admins see everyone, users
// the users of their own account. Others are NotFound.
func (s *Handler) visibleUser(ctx context.Context, field string, id int64) (*ent.User, error) {
	p := rpc.PrincipalFrom(ctx)
	u, err := s.db.User.Get(ctx, id)
	// A missing user and another account's user get the very same answer, so
	// ids cannot be probed.
	if ent.IsNotFound(err) || (err == nil && !p.Admin && (u.AccountID == nil || *u.AccountID != p.AccountID)) {
		return nil, errkind.Field(errkind.NotFound, field, "user %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	return u, nil
}

// GetUser implements AccountService.GetUser.
func (s *Handler) GetUser(ctx context.Context, req *certsvcv1.GetUserRequest) (*certsvcv1.GetUserResponse, error) {
	u, err := s.visibleUser(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	return &certsvcv1.GetUserResponse{User: rpc.UserToProto(u)}, nil
}

// ListUsers implements AccountService.ListUsers.
func (s *Handler) ListUsers(ctx context.Context, req *certsvcv1.ListUsersRequest) (*certsvcv1.ListUsersResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.User.Query().Where(user.IDGT(pg.After)).Order(ent.Asc(user.FieldID)).Limit(pg.Limit())
	switch id := req.GetAccountId(); {
	case id != 0 && !p.OwnsAccount(id):
		return nil, errkind.Field(errkind.NotFound, "account_id", "account %d not found", id)
	case id != 0:
		q.Where(user.AccountID(id))
	case !p.Admin:
		q.Where(user.AccountID(p.AccountID))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	res := &certsvcv1.ListUsersResponse{}
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.User) int64 { return x.ID })
	for _, u := range rows {
		res.Users = append(res.Users, rpc.UserToProto(u))
	}
	return res, nil
}

// UpdateUser implements AccountService.UpdateUser.
func (s *Handler) UpdateUser(ctx context.Context, req *certsvcv1.UpdateUserRequest) (*certsvcv1.UpdateUserResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	paths, err := rpc.MaskPaths(req.GetUpdateMask(), "name", "email", "disabled")
	if err != nil {
		return nil, err
	}
	in := req.GetUser()
	target, err := s.visibleUser(ctx, "user.id", in.GetId())
	if err != nil {
		return nil, err
	}
	if !p.Admin && target.ID != p.UserID {
		return nil, errkind.Field(errkind.PermissionDenied, "user.id", "users change only themselves")
	}
	now := s.Clock()
	var apply []func(*ent.UserUpdate)
	disabling := false
	for _, path := range paths {
		switch path {
		case "name":
			if len([]rune(in.GetName())) > 128 {
				return nil, errkind.Invalid("user.name", "must be at most 128 characters")
			}
			apply = append(apply, func(u *ent.UserUpdate) { u.SetName(in.GetName()) })
		case "email":
			if err := rpc.CheckEmail("user.email", in.GetEmail()); err != nil {
				return nil, err
			}
			apply = append(apply, func(u *ent.UserUpdate) { u.SetEmail(in.GetEmail()) })
		case "disabled":
			if !p.Admin {
				return nil, errkind.Field(errkind.PermissionDenied, "update_mask", "only admins enable or disable users")
			}
			if target.ID == p.UserID && in.GetDisabled() {
				return nil, errkind.Field(errkind.FailedPrecondition, "user.disabled", "admins cannot disable themselves")
			}
			disabling = in.GetDisabled()
			apply = append(apply, func(u *ent.UserUpdate) { u.SetDisabled(in.GetDisabled()) })
		}
	}
	u, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.User, error) {
		// Update, not UpdateOne: the answer is target with the changes
		// applied (store.Applied), not the row read back.
		upd := tx.User.Update().Where(user.ID(target.ID)).SetUpdateTime(now)
		for _, f := range apply {
			f(upd)
		}
		if _, err := upd.Save(ctx); err != nil {
			return nil, err
		}
		u, err := store.Applied(target, upd.Mutation())
		if err != nil {
			return nil, err
		}
		if err := rpc.Audit(ctx, s.db, tx, now, rpc.AuditUpdateUser, fmt.Sprintf("user/%d", u.ID),
			fmt.Sprintf("fields %v, disabled %t", paths, u.Disabled)); err != nil || !disabling {
			return u, err
		}
		// Disabling ends the user's sessions and deletes their API keys for
		// good: enabling them again later must not bring old tokens back.
		return u, s.revokeCredentials(ctx, tx, target.ID, now)
	})
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", target.ID, store.Translate(err))
	}
	return &certsvcv1.UpdateUserResponse{User: rpc.UserToProto(u)}, nil
}

// SetUserPassword implements AccountService.SetUserPassword.
func (s *Handler) SetUserPassword(ctx context.Context, req *certsvcv1.SetUserPasswordRequest) (*certsvcv1.SetUserPasswordResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	target, err := s.visibleUser(ctx, "user_id", req.GetUserId())
	if err != nil {
		return nil, err
	}
	switch {
	case !p.Admin && target.ID != p.UserID:
		return nil, errkind.Field(errkind.PermissionDenied, "user_id", "users change only their own password")
	case !p.Admin:
		// Guessing the current password is limited like logging in.
		remote := ""
		if ci, ok := connect.CallInfoForHandlerContext(ctx); ok {
			remote = rpc.ClientAddr(ci.RequestHeader(), ci.Peer().Addr)
		}
		err := s.gate.Guard(ctx, target.Login, remote, func() error {
			ok, err := auth.VerifyPassword(target.PasswordHash, req.GetCurrentPassword())
			if err != nil {
				return fmt.Errorf("verify password of user %d: %w", target.ID, err)
			}
			if !ok {
				return &errkind.Error{Kind: errkind.Unauthenticated, Field: "current_password", Msg: "does not match"}
			}
			return nil
		})
		if errors.Is(err, errkind.Unauthenticated) {
			return nil, errkind.Invalid("current_password", "does not match")
		}
		if err != nil {
			return nil, err
		}
	}
	hash, err := auth.HashPassword(req.GetPassword(), s.pwParams)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	now := s.Clock()
	err = s.InTx(ctx, func(tx *core.Tx) error {
		if err := tx.User.Update().Where(user.ID(target.ID)).SetPasswordHash(hash).SetUpdateTime(now).Exec(ctx); err != nil {
			return fmt.Errorf("set password of user %d: %w", target.ID, err)
		}
		// A new password ends every session opened with the old one and
		// every API key made while it was in force.
		if err := s.revokeCredentials(ctx, tx.Tx, target.ID, now); err != nil {
			return err
		}
		return rpc.Audit(ctx, s.db, tx.Tx, now, rpc.AuditSetPassword, fmt.Sprintf("user/%d", target.ID), "sessions ended, api keys deleted")
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.SetUserPasswordResponse{}, nil
}

// revokeCredentials ends the live sessions of a user and deletes their API
// keys, in tx: after a password change or disabling, no token issued before
// it may act for the user.
func (s *Handler) revokeCredentials(ctx context.Context, tx *ent.Tx, userID int64, now time.Time) error {
	if _, err := tx.Session.Update().Where(session.UserID(userID), session.RevokeTimeIsNil()).
		SetRevokeTime(now).Save(ctx); err != nil {
		return fmt.Errorf("revoke sessions of user %d: %w", userID, err)
	}
	if _, err := tx.APIKey.Delete().Where(apikey.UserID(userID)).Exec(ctx); err != nil {
		return fmt.Errorf("delete api keys of user %d: %w", userID, err)
	}
	return nil
}

// DeleteUser implements AccountService.DeleteUser.
func (s *Handler) DeleteUser(ctx context.Context, req *certsvcv1.DeleteUserRequest) (*certsvcv1.DeleteUserResponse, error) {
	if req.GetId() == rpc.PrincipalFrom(ctx).UserID {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "admins cannot delete themselves")
	}
	if err := s.db.User.DeleteOneID(req.GetId()).Exec(ctx); err != nil {
		return nil, rpc.FieldErr("id", fmt.Errorf("user %d: %w", req.GetId(), store.Translate(err)))
	}
	return &certsvcv1.DeleteUserResponse{}, nil
}
