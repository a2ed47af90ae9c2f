// Package catalog implements the CatalogService of the API: plans, prices and countries. Its handlers translate
// requests to the order core and its answers to messages.
package catalog

import (
	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.CatalogServiceHandler = (*Handler)(nil)

// Handler implements certsvcv1connect.CatalogServiceHandler. It is safe for
// concurrent use.
type Handler struct {
	// Core is the order core; it is embedded so that its operations read as
	// the handler's own.
	*core.Core
	db *ent.Client
}

// New returns the handler of the CatalogService over c.
func New(c *core.Core, d rpc.Deps) *Handler {
	return &Handler{Core: c, db: d.DB}
}
