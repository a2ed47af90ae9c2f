// Package rpc holds what every API handler shares: the caller (Principal)
// and its authentication, the access table of every RPC, the interceptors
// (error mapping, logging, metrics), the single table of error kinds to
// codes, pagination and the validation helpers.
package rpc

import (
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/auth"
)

// GateOptions configure a Gate. Zero values take the documented defaults.
type GateOptions struct {
	DB     *ent.Client
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Limiter counts failed logins per login; a default memory limiter
	// (auth.NewLimiter) when nil. Replicas share a store's (store.LoginLimiter).
	Limiter auth.LimiterStore
	// AddrLimiter counts failed logins per client address; when nil, a
	// memory limiter that allows 100 failures (AddrLimiterConfig: a
	// reseller's billing logs all its customers in from one address).
	AddrLimiter auth.LimiterStore
	// Registerer receives the RPC metrics; none are registered when nil.
	Registerer prometheus.Registerer
}

// Gate authenticates callers, applies the access table and observes every
// call. It is safe for concurrent use.
type Gate struct {
	db          *ent.Client
	log         *slog.Logger
	now         func() time.Time
	limiter     auth.LimiterStore
	addrLimiter auth.LimiterStore
	loginGate   loginGate
	basicCache  *credentialCache
	metrics     *metrics
}

// NewGate returns a Gate over db.
func NewGate(o GateOptions) *Gate {
	s := &Gate{db: o.DB, log: o.Logger, now: o.Now, limiter: o.Limiter, addrLimiter: o.AddrLimiter,
		basicCache: newCredentialCache(10000, time.Minute), metrics: newMetrics(o.Registerer)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limiter == nil {
		s.limiter = auth.NewLimiter(auth.LimiterConfig{})
	}
	if s.addrLimiter == nil {
		s.addrLimiter = auth.NewLimiter(AddrLimiterConfig)
	}
	return s
}

// AddrLimiterConfig is the policy of failed logins per client address: the
// login's policy (auth.LimiterConfig's defaults) with 100 free failures.
var AddrLimiterConfig = auth.LimiterConfig{Free: 100}

// Limiter returns the limiter of failed logins per login.
func (s *Gate) Limiter() auth.LimiterStore { return s.limiter }

// clock returns the current time in UTC at the database's precision.
func (s *Gate) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Deps are what every handler package is built with besides the order core.
type Deps struct {
	DB *ent.Client
	// SQL is the same database, for the few reads of many small rows that
	// a handler scans itself: ent scans rows by reflection.
	SQL    *sql.DB
	Logger *slog.Logger
	// Now is the clock of the handlers.
	Now  func() time.Time
	Gate *Gate
	// PasswordParams is the argon2id cost of new password hashes.
	PasswordParams auth.Params
	// SessionTTL is how long a session token lives.
	SessionTTL time.Duration
	// LoginKeyTTL is how long a one-time login key stays usable.
	LoginKeyTTL time.Duration
}
