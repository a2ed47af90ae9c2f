// Package schemadiff writes the versioned migrations of certsvc: it plans the
// change from the schema the committed migrations produce to the schema
// ent/schema describes. It is for `make migration` and the test that the
// migrations are current; the server does not link it (ent's planner brings
// Atlas, HCL and more, see ent/entc.go), it applies migrations with goose.
package schemadiff

import (
	"context"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"github.com/certsvc/certsvc/internal/store"
)

// Tables loads the ent schema package at schemaDir (e.g. "./ent/schema") and
// returns its tables, as ent's generated migrate package would declare them.
func Tables(schemaDir string) ([]*schema.Table, error) {
	g, err := entc.LoadGraph(schemaDir, &gen.Config{})
	if err != nil {
		return nil, fmt.Errorf("load ent schema %s: %w", schemaDir, err)
	}
	tables, err := g.Tables()
	if err != nil {
		return nil, fmt.Errorf("tables of ent schema %s: %w", schemaDir, err)
	}
	return tables, nil
}

// Write writes into dir a new migration named name that takes the schema
// the existing migrations in dir produce to tables (see Tables). dev must be
// an empty database of the dialect the migrations are for; it is used as
// scratch space. It reports whether a migration was written (false when the
// migrations are already current).
func Write(ctx context.Context, dev *store.DB, tables []*schema.Table, dir, name string) (bool, error) {
	d, err := sqltool.NewGooseDir(dir)
	if err != nil {
		return false, fmt.Errorf("open migrations %s: %w", dir, err)
	}
	m, err := schema.NewMigrate(entsql.OpenDB(dev.Dialect, dev.SQL),
		schema.WithDir(d),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dev.Dialect),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithErrNoPlan(true),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
	if err != nil {
		return false, fmt.Errorf("migration planner: %w", err)
	}
	err = m.NamedDiff(ctx, name, tables...)
	switch {
	case errors.Is(err, migrate.ErrNoPlan):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("diff schema against %s: %w", dir, err)
	}
	return true, nil
}
