// Package core is the order core of certsvc: it owns the transactions that
// write certificates, their jobs and the ledger, and the rules that go with
// them — the lifecycle transitions and their history, the worker's
// schedule, the money moved by orders, renewals and refunds, the choice of
// processing module and the sealing of private keys and credentials. RPC
// handlers and the worker call it; nothing else writes those rows.
package core

import (
	"log/slog"
	"net/http"
	"time"

	"entgo.io/ent/dialect"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/core/catalogcache"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/calls"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/store"
)

// Options configure a Core. Zero values take the documented defaults.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Registerer receives the module balance gauge; none is registered when nil.
	Registerer prometheus.Registerer
	// Keyring seals private keys and module credentials; without one they
	// cannot be stored (ErrNoKeyring).
	Keyring *secretbox.Keyring
	// Kinds is the registry of the processing-module kinds this build
	// offers; an empty one when nil.
	Kinds *provider.Registry
	// KeyPool, when set, serves generated RSA-2048 keys from pre-generated ones.
	KeyPool *pki.KeyPool
	// ModuleTransport sends the calls to the CAs; http.DefaultTransport when
	// nil. Tests pass one that trusts their test CAs.
	ModuleTransport http.RoundTripper
	// CallTimeout bounds one call to a CA; 60s when 0.
	CallTimeout time.Duration
	// ReissueBefore is how long before a certificate ends its subscription
	// reissue starts; 30 days when 0.
	ReissueBefore time.Duration
	// RenewBefore is how long before the paid term ends auto-renewal
	// charges; 14 days when 0.
	RenewBefore time.Duration
	// TracerProvider receives the spans of transactions and calls to CAs;
	// none are recorded when nil.
	TracerProvider trace.TracerProvider
	// PublicURL is the service's public address (--public-url), given to
	// the modules (provider.Config.PublicURL); "" when unknown.
	PublicURL string
}

// Core is the order core. It is safe for concurrent use.
type Core struct {
	db            *ent.Client
	dialect       string
	log           *slog.Logger
	now           func() time.Time
	keyring       *secretbox.Keyring
	kinds         *provider.Registry
	keyPool       *pki.KeyPool
	modules       *moduleCache
	catalog       *catalogcache.Cache
	events        *Broker
	transport     http.RoundTripper
	guards        guards
	moduleBalance *prometheus.GaugeVec
	callTimeout   time.Duration
	reissueBefore time.Duration
	publicURL     string
	renewBefore   time.Duration
	noticeKick    chan struct{}
	jobKick       chan struct{}
	tracer        trace.Tracer
	callObserver  *calls.Observer
}

// New returns a Core over an open, migrated database.
func New(o Options) *Core {
	s := &Core{
		publicURL:     o.PublicURL,
		db:            o.DB.Ent,
		dialect:       o.DB.Dialect,
		log:           o.Logger,
		now:           o.Now,
		keyring:       o.Keyring,
		kinds:         o.Kinds,
		keyPool:       o.KeyPool,
		transport:     o.ModuleTransport,
		callTimeout:   o.CallTimeout,
		reissueBefore: o.ReissueBefore,
		renewBefore:   o.RenewBefore,
		moduleBalance: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "certsvc_module_balance_minor",
			Help: "Money left at a processing module's CA as last read, in minor units of its currency.",
		}, []string{"module", "currency"}),
	}
	if o.TracerProvider == nil {
		o.TracerProvider = noop.NewTracerProvider()
	}
	s.tracer = o.TracerProvider.Tracer(TracerName)
	s.callObserver = calls.NewObserver(o.TracerProvider, o.Registerer)
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.kinds == nil {
		s.kinds, _ = provider.NewRegistry() // no kinds: nothing to check
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.callTimeout == 0 {
		s.callTimeout = time.Minute
	}
	if s.reissueBefore == 0 {
		s.reissueBefore = 30 * 24 * time.Hour
	}
	if s.renewBefore == 0 {
		s.renewBefore = 14 * 24 * time.Hour
	}
	if o.Registerer != nil {
		o.Registerer.MustRegister(s.moduleBalance)
		s.registerMetrics(o.Registerer, o.DB.SQL)
	}
	s.modules = newModuleCache(s)
	// Real time: a test clock may stand still.
	s.catalog = catalogcache.New(o.DB, time.Now)
	s.events = newBroker(s)
	s.noticeKick = make(chan struct{}, 1)
	s.jobKick = make(chan struct{}, 1)
	return s
}

// NoticesWritten fires after a transaction committed outbox notices, for
// the outbox's sender (internal/outbox).
func (s *Core) NoticesWritten() <-chan struct{} { return s.noticeKick }

// PokeNotices says outbox notices were committed.
func (s *Core) PokeNotices() {
	select {
	case s.noticeKick <- struct{}{}:
	default:
	}
}

// JobsDue fires after a transaction committed a job that is due already,
// for the worker: other jobs come due with time, which the worker's poll
// follows.
func (s *Core) JobsDue() <-chan struct{} { return s.jobKick }

// Clock returns the current time in UTC at the microsecond precision the
// database keeps, so what is written reads back equal.
func (s *Core) Clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// CanLock reports whether the database supports SELECT ... FOR UPDATE. SQLite
// does not need it: its transactions take the write lock when they begin.
func (s *Core) CanLock() bool { return s.dialect != dialect.SQLite }

// Dialect is the database's dialect (entgo.io/ent/dialect).
func (s *Core) Dialect() string { return s.dialect }

// Kinds returns the registry of the processing-module kinds.
func (s *Core) Kinds() *provider.Registry { return s.kinds }

// KeyPool returns the pool of pre-generated keys; nil when there is none.
func (s *Core) KeyPool() *pki.KeyPool { return s.keyPool }

// Catalog returns the cached catalog: plans with prices and processing modules.
func (s *Core) Catalog() *catalogcache.Cache { return s.catalog }

// Events returns the Broker that fans certificate events out to watchers.
func (s *Core) Events() *Broker { return s.events }

// CallTimeout bounds one call to a CA.
func (s *Core) CallTimeout() time.Duration { return s.callTimeout }

// Truncate cuts s to at most n characters.
func Truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
