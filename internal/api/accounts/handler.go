// Package accounts implements the AccountService of the API: accounts, their users and their money. Its handlers translate
// requests to the order core and its answers to messages.
package accounts

import (
	"log/slog"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.AccountServiceHandler = (*Handler)(nil)

// Handler implements certsvcv1connect.AccountServiceHandler. It is safe for
// concurrent use.
type Handler struct {
	// Core is the order core; it is embedded so that its operations read as
	// the handler's own.
	*core.Core
	db       *ent.Client
	log      *slog.Logger
	gate     *rpc.Gate
	pwParams auth.Params
}

// New returns the handler of the AccountService over c.
func New(c *core.Core, d rpc.Deps) *Handler {
	return &Handler{Core: c, db: d.DB, log: d.Logger, gate: d.Gate, pwParams: d.PasswordParams}
}
