// Package service is the business logic of certsvc: the handlers of the
// Connect/gRPC API, the rules of authorisation, validation and money, and the
// conversions between the store's entities and the API's messages.
package service

import (
	"log/slog"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"

	"certsvc/ent"
	"certsvc/gen/certsvc/v1/certsvcv1connect"
	"certsvc/internal/auth"
	"certsvc/internal/core"
	"certsvc/internal/pki"
	"certsvc/internal/provider"
	"certsvc/internal/rpc"
	"certsvc/internal/secretbox"
	"certsvc/internal/store"
	"certsvc/internal/worker"
)

// The Service implements every API service; a new RPC fails the build until
// it is implemented.
var (
	_ certsvcv1connect.AuthServiceHandler    = (*Service)(nil)
	_ certsvcv1connect.AccountServiceHandler = (*Service)(nil)
	_ certsvcv1connect.CatalogServiceHandler = (*Service)(nil)

	_ certsvcv1connect.CertificateServiceHandler      = (*Service)(nil)
	_ certsvcv1connect.ProcessingModuleServiceHandler = (*Service)(nil)
)

// Options configure a Service. Zero values take the documented defaults.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// PasswordParams is the argon2id cost of new password hashes; auth.DefaultParams when zero.
	PasswordParams auth.Params
	// SessionTTL is how long a session token lives; 12 hours when zero.
	SessionTTL time.Duration
	// LoginKeyTTL is how long a one-time login key stays usable; 15 minutes when zero.
	LoginKeyTTL time.Duration
	// Limiter slows down failed logins; a default limiter when nil.
	Limiter *auth.Limiter
	// Registerer receives the RPC metrics; none are registered when nil.
	Registerer prometheus.Registerer
	// Keyring seals private keys and module credentials. Required for
	// certificates; New panics without one only when they are used.
	Keyring *secretbox.Keyring
	// Kinds are the processing-module kinds by name ("localca", "manual").
	Kinds map[string]provider.Kind
	// KeyPool, when set, serves generated RSA-2048 keys from pre-generated ones.
	KeyPool *pki.KeyPool
	// Worker tunes the background worker; zero values take the defaults.
	Worker worker.Options
	// ModuleTransport sends the calls to the CAs; http.DefaultTransport when
	// nil. Tests pass one that trusts their test CAs.
	ModuleTransport http.RoundTripper
}

// Service is the certsvc API: the RPC handlers of every service over the
// order core, with the background worker built on the same core. It is safe
// for concurrent use.
type Service struct {
	// Core is the order core the handlers call; it is embedded so that its
	// operations read as the handlers' own.
	*core.Core
	// Worker is the background worker over the same core.
	Worker *worker.Worker

	db          *ent.Client
	log         *slog.Logger
	now         func() time.Time
	gate        *rpc.Gate
	pwParams    auth.Params
	sessionTTL  time.Duration
	loginKeyTTL time.Duration
	limiter     *auth.Limiter
	keyring     *secretbox.Keyring
}

// New returns a Service over an open, migrated database.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Limiter == nil {
		o.Limiter = auth.NewLimiter(auth.LimiterConfig{})
	}
	wo := o.Worker.WithDefaults()
	c := core.New(core.Options{DB: o.DB, Logger: o.Logger, Now: o.Now, Registerer: o.Registerer, Keyring: o.Keyring,
		Kinds: o.Kinds, KeyPool: o.KeyPool, ModuleTransport: o.ModuleTransport, CallTimeout: wo.CallTimeout,
		ReissueBefore: wo.ReissueBefore, RenewBefore: wo.RenewBefore})
	s := &Service{
		Core:        c,
		Worker:      worker.New(c, o.DB.Ent, o.Logger, wo),
		db:          o.DB.Ent,
		log:         o.Logger,
		now:         o.Now,
		gate:        rpc.NewGate(rpc.GateOptions{DB: o.DB.Ent, Logger: o.Logger, Now: o.Now, Limiter: o.Limiter, Registerer: o.Registerer}),
		pwParams:    o.PasswordParams,
		sessionTTL:  o.SessionTTL,
		loginKeyTTL: o.LoginKeyTTL,
		limiter:     o.Limiter,
		keyring:     o.Keyring,
	}
	if s.pwParams == (auth.Params{}) {
		s.pwParams = auth.DefaultParams
	}
	if s.sessionTTL == 0 {
		s.sessionTTL = 12 * time.Hour
	}
	if s.loginKeyTTL == 0 {
		s.loginKeyTTL = 15 * time.Minute
	}
	return s
}

// Interceptors returns the interceptors every handler is mounted with,
// outermost first: the observer (error mapping, logging, metrics), then
// authentication and the per-RPC access check.
func (s *Service) Interceptors() []connect.Interceptor { return s.gate.Interceptors() }

// RecoverOption turns a panic in a handler into an internal error.
func (s *Service) RecoverOption() connect.HandlerOption { return s.gate.RecoverOption() }
