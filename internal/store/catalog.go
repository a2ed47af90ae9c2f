package store

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/storeversion"
)

// catalogVersion counts changes to the catalog (plans, their prices,
// processing modules) made through one client. Each mutation bumps it
// twice: when it is made and again when it is visible (written, or its
// transaction committed), so a cache that loaded in between sees a newer
// version and does not keep what it read.
type catalogVersion struct{ n atomic.Uint64 }

// hook returns the ent hook that bumps the version.
func (v *catalogVersion) hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v.n.Add(1)
			if err := bumpShared(ctx, m); err != nil {
				return nil, err
			}
			if tm, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok {
				if tx, err := tm.Tx(); err == nil {
					tx.OnCommit(func(next ent.Committer) ent.Committer {
						return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
							defer v.n.Add(1)
							return next.Commit(ctx, tx)
						})
					})
					return next.Mutate(ctx, m)
				}
			}
			defer v.n.Add(1) // no transaction: visible once written
			return next.Mutate(ctx, m)
		})
	}
}

// catalogRow names the store_versions row of the catalog.
const catalogRow = "catalog"

// bumpShared moves the catalog's shared version, with m's client: in m's
// transaction when it has one, so the version moves exactly when the change
// commits, for every replica.
func bumpShared(ctx context.Context, m ent.Mutation) error {
	cm, ok := m.(interface{ Client() *ent.Client })
	if !ok {
		return nil
	}
	err := cm.Client().StoreVersion.Create().SetName(catalogRow).SetValue(1).
		OnConflictColumns(storeversion.FieldName).
		Update(func(u *ent.StoreVersionUpsert) { u.AddValue(1) }).Exec(ctx)
	if err != nil {
		return fmt.Errorf("bump the catalog version: %w", err)
	}
	return nil
}

// SharedCatalogVersion reads the catalog's version every replica moves (0
// before the first change through certsvc).
func (db *DB) SharedCatalogVersion(ctx context.Context) (int64, error) {
	v, err := db.Ent.StoreVersion.Query().Where(storeversion.Name(catalogRow)).Only(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the catalog version: %w", err)
	}
	return v.Value, nil
}

// CatalogVersion is a number that changes whenever this process changes a
// plan, a price or a processing module. Changes made by other processes
// do not move it.
func (db *DB) CatalogVersion() uint64 { return db.catalog.n.Load() }

// newEntClient wraps a driver in an ent client with the store's hooks.
// Hooks are registered here, once per client, never by its users: ent's
// Use is not safe while the client is in use.
func newEntClient(opts ...ent.Option) (*ent.Client, *catalogVersion) {
	c := ent.NewClient(opts...)
	v := new(catalogVersion)
	c.Plan.Use(v.hook())
	c.PlanPrice.Use(v.hook())
	c.ProcessingModule.Use(v.hook())
	return c, v
}
