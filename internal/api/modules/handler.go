// Package modules implements the ProcessingModuleService of the API: the processing modules that connect certsvc to the CAs. Its handlers translate
// requests to the order core and its answers to messages.
package modules

import (
	"log/slog"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.ProcessingModuleServiceHandler = (*Handler)(nil)

// Handler implements certsvcv1connect.ProcessingModuleServiceHandler. It is safe for
// concurrent use.
type Handler struct {
	// Core is the order core; it is embedded so that its operations read as
	// the handler's own.
	*core.Core
	db  *ent.Client
	log *slog.Logger
	now func() time.Time
}

// New returns the handler of the ProcessingModuleService over c.
func New(c *core.Core, d rpc.Deps) *Handler {
	return &Handler{Core: c, db: d.DB, log: d.Logger, now: d.Now}
}
