package auth

import (
	"context"
	"fmt"
	"time"

	"connectrpc.com/connect"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/apikey"
	"github.com/certsvc/certsvc/ent/loginkey"
	"github.com/certsvc/certsvc/ent/session"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// Login implements AuthService.Login.
func (s *Handler) Login(ctx context.Context, req *certsvcv1.LoginRequest) (*certsvcv1.LoginResponse, error) {
	remote := ""
	if ci, ok := connect.CallInfoForHandlerContext(ctx); ok {
		remote = rpc.ClientAddr(ci.RequestHeader(), ci.Peer().Addr)
	}
	var (
		u   *ent.User
		err error
	)
	switch c := req.GetCredential().(type) {
	case *certsvcv1.LoginRequest_Password:
		u, err = s.gate.CheckPassword(ctx, req.GetLogin(), c.Password, remote)
	case *certsvcv1.LoginRequest_Key:
		u, err = s.useLoginKey(ctx, req.GetLogin(), c.Key, remote)
	default:
		err = errkind.Invalid("credential", "give a password or a key")
	}
	if err != nil {
		return nil, err
	}
	token := auth.NewToken(rpc.SessionPrefix)
	now := s.Clock()
	expires := now.Add(s.sessionTTL)
	u, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.User, error) {
		err := tx.Session.Create().SetTokenHash(auth.HashToken(token)).SetUserID(u.ID).
			SetExpireTime(expires).SetRemoteAddr(remote).SetCreateTime(now).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("create session: %w", err)
		}
		// Update, not UpdateOne: the answer is u with the new time, not the
		// row read back (see store.Applied).
		upd := tx.User.Update().Where(user.ID(u.ID)).SetLastLoginTime(now)
		if _, err := upd.Save(ctx); err != nil {
			return nil, err
		}
		return store.Applied(u, upd.Mutation())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.LoginResponse{Token: token, ExpireTime: rpc.TS(expires), User: rpc.UserToProto(u)}, nil
}

// useLoginKey spends a one-time login key. Exactly one caller can spend a
// key: the update that marks it used is conditional on it being unused.
func (s *Handler) useLoginKey(ctx context.Context, login, key, remote string) (*ent.User, error) {
	// Keys are single-use and unguessable, and their check is cheap: the
	// limits (per login and address) only serialise a guesser.
	now := s.Clock()
	err := s.gate.Guard(ctx, login, remote, func() error {
		n, err := s.db.LoginKey.Update().
			Where(loginkey.KeyHash(auth.HashToken(key)), loginkey.UseTimeIsNil(), loginkey.ExpireTimeGT(now),
				loginkey.HasUserWith(user.Login(login), user.Disabled(false))).
			SetUseTime(now).Save(ctx)
		if err != nil {
			return fmt.Errorf("spend login key: %w", err)
		}
		if n != 1 {
			return &errkind.Error{Kind: errkind.Unauthenticated, Msg: "invalid, used or expired login key"}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.db.User.Query().Where(user.Login(login)).Only(ctx)
}

// Logout implements AuthService.Logout.
func (s *Handler) Logout(ctx context.Context, _ *certsvcv1.LogoutRequest) (*certsvcv1.LogoutResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	if p.SessionHash() == "" {
		return nil, &errkind.Error{Kind: errkind.FailedPrecondition, Msg: "this call was not made with a session token; there is no session to end"}
	}
	err := s.db.Session.Update().Where(session.TokenHash(p.SessionHash())).SetRevokeTime(s.Clock()).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke session of user %d: %w", p.UserID, err)
	}
	return &certsvcv1.LogoutResponse{}, nil
}

// WhoAmI implements AuthService.WhoAmI.
func (s *Handler) WhoAmI(ctx context.Context, _ *certsvcv1.WhoAmIRequest) (*certsvcv1.WhoAmIResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	res := &certsvcv1.WhoAmIResponse{User: rpc.UserToProto(p.User()), Credential: p.Credential}
	if p.AccountID != 0 {
		a, err := s.db.Account.Get(ctx, p.AccountID)
		if err != nil {
			return nil, fmt.Errorf("load account %d: %w", p.AccountID, store.Translate(err))
		}
		res.Account = rpc.AccountToProto(a)
	}
	if p.ImpersonatorID != 0 {
		admin, err := s.db.User.Get(ctx, p.ImpersonatorID)
		if err != nil {
			return nil, fmt.Errorf("load impersonator %d: %w", p.ImpersonatorID, store.Translate(err))
		}
		res.Impersonator = &certsvcv1.Impersonator{UserId: admin.ID, Login: admin.Login}
	}
	return res, nil
}

// CreateLoginKey implements AuthService.CreateLoginKey.
func (s *Handler) CreateLoginKey(ctx context.Context, req *certsvcv1.CreateLoginKeyRequest) (*certsvcv1.CreateLoginKeyResponse, error) {
	var (
		u   *ent.User
		err error
	)
	switch {
	case (req.GetUserId() == 0) == (req.GetLogin() == ""):
		return nil, errkind.Invalid("user_id", "give either user_id or login")
	case req.GetLogin() != "":
		u, err = s.db.User.Query().Where(user.Login(req.GetLogin())).Only(ctx)
		if err != nil {
			return nil, rpc.FieldErr("login", fmt.Errorf("user %q: %w", req.GetLogin(), store.Translate(err)))
		}
	default:
		u, err = s.db.User.Get(ctx, req.GetUserId())
		if err != nil {
			return nil, rpc.FieldErr("user_id", fmt.Errorf("user %d: %w", req.GetUserId(), store.Translate(err)))
		}
	}
	if u.Disabled {
		return nil, errkind.Field(errkind.FailedPrecondition, "user_id", "user %d is disabled", u.ID)
	}
	key := req.GetKey()
	if key == "" {
		key = auth.NewToken(rpc.LoginKeyPrefix)
	}
	now := s.Clock()
	expires := now.Add(s.loginKeyTTL)
	_, err = store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		err := tx.LoginKey.Create().SetKeyHash(auth.HashToken(key)).SetUserID(u.ID).
			SetCreatorUserID(rpc.PrincipalFrom(ctx).UserID).SetExpireTime(expires).SetCreateTime(now).Exec(ctx)
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, rpc.Audit(ctx, s.db, tx, now, rpc.AuditCreateLoginKey, fmt.Sprintf("user/%d", u.ID), "login "+u.Login)
	})
	if store.IsDuplicate(err) {
		return nil, errkind.Field(errkind.AlreadyExists, "key", "this key was used before; choose another")
	}
	if err != nil {
		return nil, fmt.Errorf("create login key: %w", err)
	}
	return &certsvcv1.CreateLoginKeyResponse{Key: key, ExpireTime: rpc.TS(expires)}, nil
}

// CreateApiKey implements AuthService.CreateApiKey.
func (s *Handler) CreateApiKey(ctx context.Context, req *certsvcv1.CreateApiKeyRequest) (*certsvcv1.CreateApiKeyResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	owner := req.GetUserId()
	if owner == 0 {
		owner = p.UserID
	}
	if owner != p.UserID && !p.Admin {
		return nil, errkind.Field(errkind.PermissionDenied, "user_id", "only admins create keys for other users")
	}
	if owner == 0 {
		return nil, errkind.Invalid("user_id", "the operator has no user; name one")
	}
	now := s.Clock()
	var exp *time.Time
	if req.ExpireTime != nil {
		if err := req.GetExpireTime().CheckValid(); err != nil {
			return nil, errkind.Invalid("expire_time", "%v", err)
		}
		t := req.GetExpireTime().AsTime().UTC().Truncate(1e3)
		if !t.After(now) {
			return nil, errkind.Invalid("expire_time", "must be in the future")
		}
		exp = &t
	}
	secret := auth.NewToken(rpc.APIKeyPrefix)
	k, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.APIKey, error) {
		k, err := tx.APIKey.Create().SetName(req.GetName()).SetUserID(owner).SetCreateTime(now).SetNillableExpireTime(exp).
			SetSecretHash(auth.HashToken(secret)).SetPrefix(secret[:len(rpc.APIKeyPrefix)+6]).Save(ctx)
		if err != nil {
			return nil, err
		}
		return k, rpc.Audit(ctx, s.db, tx, now, rpc.AuditCreateAPIKey, fmt.Sprintf("api_key/%d", k.ID), fmt.Sprintf("user %d, name %q", owner, k.Name))
	})
	if err != nil {
		return nil, rpc.FieldErr("user_id", fmt.Errorf("create api key: %w", store.Translate(err)))
	}
	return &certsvcv1.CreateApiKeyResponse{ApiKey: apiKeyToProto(k), Secret: secret}, nil
}

// ListApiKeys implements AuthService.ListApiKeys.
func (s *Handler) ListApiKeys(ctx context.Context, req *certsvcv1.ListApiKeysRequest) (*certsvcv1.ListApiKeysResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.APIKey.Query().Where(apikey.IDGT(pg.After)).Order(ent.Asc(apikey.FieldID)).Limit(pg.Limit())
	switch {
	case req.GetUserId() != 0 && (p.Admin || req.GetUserId() == p.UserID):
		q.Where(apikey.UserID(req.GetUserId()))
	case req.GetUserId() != 0:
		return nil, errkind.Field(errkind.NotFound, "user_id", "user %d not found", req.GetUserId())
	case !p.Admin:
		q.Where(apikey.UserID(p.UserID))
	}
	keys, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	res := &certsvcv1.ListApiKeysResponse{}
	keys, res.NextPageToken = rpc.Cut(pg, keys, func(x *ent.APIKey) int64 { return x.ID })
	for _, k := range keys {
		res.ApiKeys = append(res.ApiKeys, apiKeyToProto(k))
	}
	return res, nil
}

// DeleteApiKey implements AuthService.DeleteApiKey.
func (s *Handler) DeleteApiKey(ctx context.Context, req *certsvcv1.DeleteApiKeyRequest) (*certsvcv1.DeleteApiKeyResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		d := tx.APIKey.Delete().Where(apikey.ID(req.GetId()))
		if !p.Admin {
			d.Where(apikey.UserID(p.UserID))
		}
		n, err := d.Exec(ctx)
		if err != nil {
			return struct{}{}, fmt.Errorf("delete api key %d: %w", req.GetId(), err)
		}
		if n == 0 {
			return struct{}{}, errkind.Field(errkind.NotFound, "id", "api key %d not found", req.GetId())
		}
		return struct{}{}, rpc.Audit(ctx, s.db, tx, s.Clock(), rpc.AuditDeleteAPIKey, fmt.Sprintf("api_key/%d", req.GetId()), "")
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.DeleteApiKeyResponse{}, nil
}
