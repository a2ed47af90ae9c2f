// Package certificates implements the CertificateService of the API: orders and certificates through their whole life. Its handlers translate
// requests to the order core and its answers to messages.
package certificates

import (
	stdsql "database/sql"
	"log/slog"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.CertificateServiceHandler = (*Handler)(nil)

// Handler implements certsvcv1connect.CertificateServiceHandler. It is safe for
// concurrent use.
type Handler struct {
	// Core is the order core; it is embedded so that its operations read as
	// the handler's own.
	*core.Core
	db  *ent.Client
	sql *stdsql.DB
	log *slog.Logger
	// broadDomains remembers domain filters that match many certificates.
	broadDomains *domainPlans
	// KeepAlive is how long a WatchCertificates stream stays silent before
	// it sends a keep-alive message; DefaultKeepAlive when 0.
	KeepAlive time.Duration
}

// New returns the handler of the CertificateService over c.
func New(c *core.Core, d rpc.Deps) *Handler {
	return &Handler{Core: c, db: d.DB, sql: d.SQL, log: d.Logger, broadDomains: &domainPlans{}}
}
