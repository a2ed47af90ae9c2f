package core

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"certsvc/ent"
	"certsvc/ent/plan"
	"certsvc/ent/processingmodule"
	"certsvc/internal/store"
)

// catalogTTL is how long a catalog snapshot serves reads. Writes made by
// this process drop the snapshot at once; writes by another replica are
// seen within the TTL.
const catalogTTL = time.Second

// CatalogCache serves what every order and every job reads and admins
// rarely change: the plans with their prices and the processing modules.
// Without it an order spends three of its round trips to the database on
// the catalog.
//
// The store counts this process's changes to the catalog; a snapshot
// read at another count is not used.
// Snapshots are shared: callers must not modify what they return.
type CatalogCache struct {
	db      *ent.Client
	version func() uint64 // the store's CatalogVersion
	now     func() time.Time

	mu   sync.Mutex // serialises loads
	snap atomic.Pointer[catalogSnapshot]
}

// catalogSnapshot is the catalog as read at one time.
type catalogSnapshot struct {
	version uint64
	expires time.Time
	plans   map[int64]*ent.Plan // with Edges.Prices
	foreign map[int64]*ent.Plan // the same plans by their foreign-client id
	modules map[int64]*ent.ProcessingModule
	enabled []*ent.ProcessingModule // by priority, then id
}

func newCatalogCache(db *store.DB, now func() time.Time) *CatalogCache {
	return &CatalogCache{db: db.Ent, version: db.CatalogVersion, now: now}
}

// get returns a current snapshot, loading one when needed.
func (c *CatalogCache) get(ctx context.Context) (*catalogSnapshot, error) {
	if s := c.fresh(); s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.fresh(); s != nil { // loaded while this call waited
		return s, nil
	}
	version, start := c.version(), c.now()
	plans, err := c.db.Plan.Query().WithPrices().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load plans: %w", err)
	}
	mods, err := c.db.ProcessingModule.Query().
		Order(ent.Asc(processingmodule.FieldPriority), ent.Asc(processingmodule.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load processing modules: %w", err)
	}
	s := &catalogSnapshot{version: version, expires: start.Add(catalogTTL),
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
	c.snap.Store(s)
	return s, nil
}

// fresh is the stored snapshot when it is still good.
func (c *CatalogCache) fresh() *catalogSnapshot {
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
func (c *CatalogCache) Plan(ctx context.Context, id int64) (*ent.Plan, error) {
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
func (c *CatalogCache) Module(ctx context.Context, id int64) (*ent.ProcessingModule, error) {
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
func (c *CatalogCache) EnabledModules(ctx context.Context) ([]*ent.ProcessingModule, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.enabled, nil
}
