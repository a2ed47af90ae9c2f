// Package auth implements the AuthService of the API: logins, sessions, API keys, impersonation and the audit log. Its handlers translate
// requests to the order core and its answers to messages.
package auth

import (
	"log/slog"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.AuthServiceHandler = (*Handler)(nil)

// Handler implements certsvcv1connect.AuthServiceHandler. It is safe for
// concurrent use.
type Handler struct {
	// Core is the order core; it is embedded so that its operations read as
	// the handler's own.
	*core.Core
	db          *ent.Client
	log         *slog.Logger
	gate        *rpc.Gate
	sessionTTL  time.Duration
	loginKeyTTL time.Duration
}

// New returns the handler of the AuthService over c.
func New(c *core.Core, d rpc.Deps) *Handler {
	return &Handler{Core: c, db: d.DB, log: d.Logger, gate: d.Gate, sessionTTL: d.SessionTTL, loginKeyTTL: d.LoginKeyTTL}
}
