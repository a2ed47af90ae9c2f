// Package service is the business logic of certsvc: the handlers of the
// Connect/gRPC API, the rules of authorisation, validation and money, and the
// conversions between the store's entities and the API's messages.
package service

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/prometheus/client_golang/prometheus"

	"certsvc/ent"
	"certsvc/gen/certsvc/v1/certsvcv1connect"
	"certsvc/internal/auth"
	"certsvc/internal/pki"
	"certsvc/internal/provider"
	"certsvc/internal/secretbox"
	"certsvc/internal/store"
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
	// Limiter counts failed logins per login; a default limiter when nil.
	Limiter *auth.Limiter
	// AddrLimiter counts failed logins per client address; when nil, a
	// limiter that allows 100 failures (a reseller's billing logs all its
	// customers in from one address).
	AddrLimiter *auth.Limiter
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
	Worker WorkerOptions
	// ModuleTransport sends the calls to the CAs; http.DefaultTransport when
	// nil. Tests pass one that trusts their test CAs.
	ModuleTransport http.RoundTripper
}

// Service is the certsvc API. It is safe for concurrent use.
type Service struct {
	db          *ent.Client
	dialect     string
	log         *slog.Logger
	now         func() time.Time
	pwParams    auth.Params
	sessionTTL  time.Duration
	loginKeyTTL time.Duration
	limiter     *auth.Limiter
	addrLimiter *auth.Limiter
	loginGate   loginGate
	basicCache  *credentialCache
	// broadDomains remembers domain filters that match many certificates.
	broadDomains domainPlans
	metrics      *metrics
	keyring      *secretbox.Keyring
	kinds        map[string]provider.Kind
	keyPool      *pki.KeyPool
	worker       WorkerOptions
	modules      *moduleCache
	catalog      *catalogCache
	// pendingEvents maps an open *ent.Tx to its *eventBatch.
	pendingEvents sync.Map
	events        *broker
	transport     http.RoundTripper
	guards        guards
}

// New returns a Service over an open, migrated database.
func New(o Options) *Service {
	s := &Service{
		db:          o.DB.Ent,
		dialect:     o.DB.Dialect,
		log:         o.Logger,
		now:         o.Now,
		pwParams:    o.PasswordParams,
		sessionTTL:  o.SessionTTL,
		loginKeyTTL: o.LoginKeyTTL,
		limiter:     o.Limiter,
		addrLimiter: o.AddrLimiter,
		basicCache:  newCredentialCache(10000, time.Minute),
		metrics:     newMetrics(o.Registerer),
		keyring:     o.Keyring,
		kinds:       o.Kinds,
		keyPool:     o.KeyPool,
		worker:      o.Worker.withDefaults(),
		transport:   o.ModuleTransport,
	}
	s.modules = newModuleCache(s)
	// Real time: a test clock may stand still.
	s.catalog = newCatalogCache(o.DB, time.Now)
	s.events = newBroker(s)
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
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
	if s.limiter == nil {
		s.limiter = auth.NewLimiter(auth.LimiterConfig{})
	}
	if s.addrLimiter == nil {
		s.addrLimiter = auth.NewLimiter(auth.LimiterConfig{Free: 100})
	}
	return s
}

// clock returns the current time in UTC at the microsecond precision the
// database keeps, so what is written reads back equal.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// canLock reports whether the database supports SELECT ... FOR UPDATE. SQLite
// does not need it: its transactions take the write lock when they begin.
func (s *Service) canLock() bool { return s.dialect != dialect.SQLite }
