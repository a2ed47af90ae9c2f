// Package service assembles certsvc from its parts: the order core
// (internal/core), the handler of each API service over it (internal/api/...),
// the shared RPC pieces (internal/rpc) and the background worker
// (internal/worker). It also bootstraps an empty store.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/api/accounts"
	"github.com/certsvc/certsvc/internal/api/auth"
	"github.com/certsvc/certsvc/internal/api/catalog"
	"github.com/certsvc/certsvc/internal/api/certificates"
	"github.com/certsvc/certsvc/internal/api/modules"
	"github.com/certsvc/certsvc/internal/api/notifications"
	"github.com/certsvc/certsvc/internal/api/webhooks"
	authn "github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/crl"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/email"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/store"
	"github.com/certsvc/certsvc/internal/worker"
)

// Options configure a Service. Zero values take the documented defaults.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// PasswordParams is the argon2id cost of new password hashes; authn.DefaultParams when zero.
	PasswordParams authn.Params
	// SessionTTL is how long a session token lives; 12 hours when zero.
	SessionTTL time.Duration
	// LoginKeyTTL is how long a one-time login key stays usable; 15 minutes when zero.
	LoginKeyTTL time.Duration
	// Limiter counts failed logins per login; when nil, the store's
	// (DB.LoginLimiter with authn.LimiterConfig's defaults), which every
	// replica on the same database shares. An authn.Limiter keeps them in
	// this process only.
	Limiter authn.LimiterStore
	// AddrLimiter counts failed logins per client address; when nil, the
	// store's with rpc.AddrLimiterConfig, which allows 100 failures (a
	// reseller's billing logs all its customers in from one address).
	AddrLimiter authn.LimiterStore
	// Registerer receives the RPC metrics; none are registered when nil.
	Registerer prometheus.Registerer
	// Keyring seals private keys and module credentials. Required for
	// certificates; New panics without one only when they are used.
	Keyring *secretbox.Keyring
	// Kinds is the registry of the processing-module kinds this build
	// offers (cmd/certsvc builds it with registry.Default); none when nil.
	Kinds *provider.Registry
	// KeyPool, when set, serves generated RSA-2048 keys from pre-generated ones.
	KeyPool *pki.KeyPool
	// Worker tunes the background worker; zero values take the defaults.
	Worker worker.Options
	// ModuleTransport sends the calls to the CAs; http.DefaultTransport when
	// nil. Tests pass one that trusts their test CAs.
	ModuleTransport http.RoundTripper
	// Outbox tunes the sender of notifications; its clock, metrics and
	// wake-up come from these options when unset.
	Outbox outbox.Options
	// Webhooks configures the webhook channel (SSRF allowances, TLS).
	Webhooks webhook.Options
	// Mail sends the e-mail notifications (a *mail.Sender); nil turns e-mail
	// off. OperatorEmails get the operator notices.
	Mail           email.Sender
	OperatorEmails []string
	// OperatorLanguage is the language of operator notices ("en", "ru");
	// English when "".
	OperatorLanguage string
	// TracerProvider receives the spans of RPCs, transactions and calls to
	// CAs; tracing is off when nil.
	TracerProvider trace.TracerProvider
	// WatchKeepAlive is how long a WatchCertificates stream stays silent
	// before it sends a keep-alive message; 30s when 0.
	WatchKeepAlive time.Duration
}

// Service assembles certsvc: the order core, the handler of each API
// service over it, and the background worker. It is safe for concurrent use.
type Service struct {
	// Core is the order core; it is embedded so that bootstrap and key
	// rotation read as the service's own.
	*core.Core
	// Worker is the background worker over the same core.
	Worker *worker.Worker
	// CRL publishes the CRLs of the built-in CA modules.
	CRL *crl.Publisher
	// The handlers of the API services.
	Auth         *auth.Handler
	Accounts     *accounts.Handler
	Catalog      *catalog.Handler
	Certificates *certificates.Handler
	Modules      *modules.Handler
	Webhooks     *webhooks.Handler
	// Notifications is the NotificationService; Email the outbox's e-mail
	// channel behind it.
	Notifications *notifications.Handler
	Email         *email.Channel
	// Outbox sends the notifications (run it with Outbox.Run beside the
	// worker); Hooks is its webhook channel. Further channels (e-mail) are
	// added with Outbox.Register before it runs.
	Outbox *outbox.Outbox
	Hooks  *webhook.Webhooks

	db       *ent.Client
	gate     *rpc.Gate
	pwParams authn.Params
	keyring  *secretbox.Keyring
	store    *store.DB
	tp       trace.TracerProvider
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
		o.Limiter = o.DB.LoginLimiter(authn.LimiterConfig{Now: o.Now})
	}
	if o.AddrLimiter == nil {
		cfg := rpc.AddrLimiterConfig
		cfg.Now = o.Now
		o.AddrLimiter = o.DB.LoginLimiter(cfg)
	}
	if o.PasswordParams == (authn.Params{}) {
		o.PasswordParams = authn.DefaultParams
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.LoginKeyTTL == 0 {
		o.LoginKeyTTL = 15 * time.Minute
	}
	wo := o.Worker.WithDefaults()
	c := core.New(core.Options{DB: o.DB, Logger: o.Logger, Now: o.Now, Registerer: o.Registerer, Keyring: o.Keyring,
		Kinds: o.Kinds, KeyPool: o.KeyPool, ModuleTransport: o.ModuleTransport, CallTimeout: wo.CallTimeout,
		ReissueBefore: wo.ReissueBefore, RenewBefore: wo.RenewBefore, TracerProvider: o.TracerProvider,
		PublicURL: o.Outbox.PublicURL})
	gate := rpc.NewGate(rpc.GateOptions{DB: o.DB.Ent, Logger: o.Logger, Now: o.Now, Limiter: o.Limiter, AddrLimiter: o.AddrLimiter,
		Registerer: o.Registerer})
	d := rpc.Deps{DB: o.DB.Ent, SQL: o.DB.SQL, Logger: o.Logger, Now: o.Now, Gate: gate, PasswordParams: o.PasswordParams,
		SessionTTL: o.SessionTTL, LoginKeyTTL: o.LoginKeyTTL}
	oo := o.Outbox
	if oo.Now == nil {
		oo.Now = o.Now
	}
	if oo.Registerer == nil {
		oo.Registerer = o.Registerer
	}
	if oo.Wake == nil {
		oo.Wake = c.NoticesWritten()
	}
	ob := outbox.New(o.DB, o.Logger, oo)
	hookOpts := o.Webhooks
	if hookOpts.Now == nil {
		hookOpts.Now = o.Now
	}
	hooks := webhook.New(o.DB.Ent, c, hookOpts)
	ob.Register(hooks)
	mailCh, err := email.New(o.DB.Ent, o.Mail, o.OperatorEmails, o.OperatorLanguage)
	if err != nil {
		panic(err) // the templates are embedded: a test catches this
	}
	ob.Register(mailCh)
	certs := certificates.New(c, d)
	certs.KeepAlive = o.WatchKeepAlive
	s := &Service{
		Core:         c,
		Outbox:       ob,
		Hooks:        hooks,
		Webhooks:     webhooks.New(hooks, ob.Poke),
		Worker:       worker.New(c, o.DB.Ent, o.Logger, wo),
		CRL:          crl.New(c, o.Logger),
		Auth:         auth.New(c, d),
		Accounts:     accounts.New(c, d),
		Catalog:      catalog.New(c, d),
		Certificates: certs,
		Modules:      modules.New(c, d),
		db:           o.DB.Ent,
		gate:         gate,
		pwParams:     o.PasswordParams,
		keyring:      o.Keyring,
		store:        o.DB,
		tp:           o.TracerProvider,
	}
	s.Email, s.Notifications = mailCh, notifications.New(c, d, mailCh)
	return s
}

// Interceptors returns the interceptors every handler is mounted with,
// outermost first: the observer (error mapping, logging, metrics), then
// authentication and the per-RPC access check.
func (s *Service) Interceptors() []connect.Interceptor { return s.gate.Interceptors() }

// RecoverOption turns a panic in a handler into an internal error.
func (s *Service) RecoverOption() connect.HandlerOption { return s.gate.RecoverOption() }

// TracerProvider is the provider of the service's spans; nil when tracing
// is off.
func (s *Service) TracerProvider() trace.TracerProvider { return s.tp }

// Ready reports whether the service can serve: its database answers and is
// at the schema version this binary needs (a database migrated by a newer
// binary is fine). Its errors say what is wrong without addresses or
// driver messages: /readyz shows them to anyone.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.SQL.PingContext(ctx); err != nil {
		return errors.New("database unreachable")
	}
	cur, latest, err := s.store.SchemaVersion(ctx)
	if err != nil {
		return errors.New("schema version unreadable")
	}
	if cur < latest {
		return fmt.Errorf("database is at schema version %d, this binary needs %d", cur, latest)
	}
	return nil
}
