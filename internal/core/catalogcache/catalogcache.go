// Package catalogcache keeps the catalog (plans with their prices, processing
// modules) that every order and job reads, shared by the replicas through
// the store's catalog version.
package catalogcache

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/plan"
	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/internal/store"
)

// catalogTTL is how long a catalog snapshot serves reads at most. Writes
// made by this process drop the snapshot at once; writes by another replica
// move the shared version in the store (store_versions), which a snapshot
// checks every catalogCheck, so they are seen within that.
const (
	catalogTTL   = time.Minute
	catalogCheck = 250 * time.Millisecond
)

// Cache serves what every order and every job reads and admins
// rarely change: the plans with their prices and the processing modules.
// Without it an order spends three of its round trips to the database on
// the catalog.
//
// The store counts this process's changes to the catalog; a snapshot
// read at another count is not used.
// Snapshots are shared: callers must not modify what they return.
type Cache struct {
	db      *ent.Client
	version func() uint64                        // the store's CatalogVersion
	shared  func(context.Context) (int64, error) // the store's SharedCatalogVersion
	now     func() time.Time

	mu   sync.Mutex // serialises loads
	snap atomic.Pointer[catalogSnapshot]
}

// catalogSnapshot is the catalog as read at one time.
type catalogSnapshot struct {
	version uint64
	shared  int64
	checked atomic.Int64 // when shared was last found current, in Unix nanoseconds
	expires time.Time
	plans   map[int64]*ent.Plan // with Edges.Prices
	foreign map[int64]*ent.Plan // the same plans by their foreign-client id
	modules map[int64]*ent.ProcessingModule
	enabled []*ent.ProcessingModule // by priority, then id
}

// New returns the cache of db's catalog; now is the clock of its TTL.
func New(db *store.DB, now func() time.Time) *Cache {
	return &Cache{db: db.Ent, version: db.CatalogVersion, shared: db.SharedCatalogVersion, now: now}
}

// get returns a current snapshot, loading one when needed.
func (c *Cache) get(ctx context.Context) (*catalogSnapshot, error) {
	if s, err := c.current(ctx); s != nil || err != nil {
		return s, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, err := c.current(ctx); s != nil || err != nil { // loaded while this call waited
		return s, err
	}
	version, start := c.version(), c.now()
	shared, err := c.shared(ctx)
	if err != nil {
		return nil, err
	}
	plans, err := c.db.Plan.Query().WithPrices().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load plans: %w", err)
	}
	mods, err := c.db.ProcessingModule.Query().
		Order(ent.Asc(processingmodule.FieldPriority), ent.Asc(processingmodule.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load processing modules: %w", err)
	}
	s := &catalogSnapshot{version: version, shared: shared, expires: start.Add(catalogTTL),
		plans: make(map[int64]*ent.Plan, len(plans)), foreign: make(map[int64]*ent.Plan, len(plans)),
		modules: make(map[int64]*ent.ProcessingModule, len(mods))}
	for _, p := range plans {
		s.plans[p.ID] = p
		if p.ForeignID != 0 {
			s.foreign[p.ForeignID] = p
		}
	}
	for _, m := range mods {
		s.modules[m.ID] = m
	}
	s.enabled = slices.DeleteFunc(mods, func(m *ent.ProcessingModule) bool { return !m.Enabled })
	s.checked.Store(start.UnixNano())
	c.snap.Store(s)
	return s, nil
}

// current is the stored snapshot when it is still good, checking the shared
// version when it was last checked more than catalogCheck ago.
func (c *Cache) current(ctx context.Context) (*catalogSnapshot, error) {
	s := c.fresh()
	if s == nil {
		return nil, nil
	}
	now := c.now()
	if now.Sub(time.Unix(0, s.checked.Load())) < catalogCheck {
		return s, nil
	}
	v, err := c.shared(ctx)
	if err != nil {
		return nil, err
	}
	if v != s.shared {
		return nil, nil // another replica changed the catalog
	}
	s.checked.Store(now.UnixNano())
	return s, nil
}

// fresh is the stored snapshot when it is still good.
func (c *Cache) fresh() *catalogSnapshot {
	s := c.snap.Load()
	if s == nil || s.version != c.version() || !c.now().Before(s.expires) {
		return nil
	}
	return s
}

// Plan returns a plan with its prices. id is the plan's id or its id for
// foreign clients (the pricelist table's second column: 55346 is AlphaSSL,
// 55324), as GetPlan reads ids; an id never names two plans (the catalog
// refuses a plan whose ids another plan uses).
func (c *Cache) Plan(ctx context.Context, id int64) (*ent.Plan, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	if p, ok := s.plans[id]; ok {
		return p, nil
	}
	if p, ok := s.foreign[id]; ok {
		return p, nil
	}
	// Created by another replica within the TTL, or not there at all.
	return c.db.Plan.Query().WithPrices().Where(plan.Or(plan.ID(id), plan.ForeignID(id))).
		Order(ent.Asc(plan.FieldID)).First(ctx)
}

// Module returns a processing module.
func (c *Cache) Module(ctx context.Context, id int64) (*ent.ProcessingModule, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	if m, ok := s.modules[id]; ok {
		return m, nil
	}
	return c.db.ProcessingModule.Get(ctx, id)
}

// EnabledModules returns the enabled modules, lowest priority first.
func (c *Cache) EnabledModules(ctx context.Context) ([]*ent.ProcessingModule, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.enabled, nil
}
