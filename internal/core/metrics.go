package core

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsvc/certsvc/internal/core/stats"
	"github.com/certsvc/certsvc/internal/provider/calls"
)

// registerMetrics registers the business metrics, the CA call metrics and
// the breaker states on reg.
func (s *Core) registerMetrics(reg prometheus.Registerer, sqlDB *sql.DB) {
	reg.MustRegister(stats.New(s.db, sqlDB, s.now, s.log),
		calls.BreakerCollector{Guards: s.guards.all, Now: s.now})
}

// all returns the breakers by module id.
func (gs *guards) all() map[int64]*calls.Guard {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	out := make(map[int64]*calls.Guard, len(gs.m))
	for id, e := range gs.m {
		out[id] = e.g
	}
	return out
}
