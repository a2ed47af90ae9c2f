package rpc

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// Principal is the caller of an RPC, established by the auth interceptor.
type Principal struct {
	UserID    int64 // 0 for the operator's command line
	AccountID int64 // 0 for admins
	Login     string
	Admin     bool
	// ImpersonatorID is the admin acting as this user through a session
	// Impersonate opened ("drill down"); 0 when the user acts themselves.
	ImpersonatorID int64
	// Credential is how the caller proved who they are.
	Credential certsvcv1.CredentialKind
	// sessionHash identifies the session the call carries, for Logout.
	sessionHash string
	// user is the row authentication read, so handlers need not read it again.
	user *ent.User
}

// SessionHash identifies the session the call carries ("" for none), for Logout.
func (p *Principal) SessionHash() string { return p.sessionHash }

// User is the row authentication read, so handlers need not read it again;
// nil for the operator.
func (p *Principal) User() *ent.User { return p.user }

// OperatorPrincipal is the admin identity of the operator's command line,
// which has direct access to the database anyway.
func OperatorPrincipal() *Principal { return &Principal{Admin: true, Login: "operator"} }

type principalKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller, or nil for an anonymous call.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// ActorID is the user to record as the cause of a change: the admin behind
// an impersonated session, else the caller; nil for the operator.
func (p *Principal) ActorID() *int64 {
	switch {
	case p == nil || p.UserID == 0:
		return nil
	case p.ImpersonatorID != 0:
		id := p.ImpersonatorID
		return &id
	}
	id := p.UserID
	return &id
}

// ActorLogin names the caller for the audit log, with the admin behind an
// impersonated session.
func (p *Principal) ActorLogin() string {
	switch {
	case p == nil:
		return ""
	case p.ImpersonatorID != 0:
		return fmt.Sprintf("%s (impersonated by user %d)", p.Login, p.ImpersonatorID)
	}
	return p.Login
}

// OwnsAccount reports whether the caller may see the objects of an account.
func (p *Principal) OwnsAccount(accountID int64) bool {
	return p != nil && (p.Admin || (p.AccountID != 0 && p.AccountID == accountID))
}
