package store

import (
	"context"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect/sql/schema"
)

// DiffMigrations writes into dir a new migration named name that takes the
// schema the existing migrations in dir produce to the schema ent/schema
// describes. dev must be an empty database of the dialect the migrations are
// for; it is used as scratch space. It reports whether a migration was written
// (false when the migrations are already current).
func DiffMigrations(ctx context.Context, dev *DB, dir, name string) (bool, error) {
	d, err := sqltool.NewGooseDir(dir)
	if err != nil {
		return false, fmt.Errorf("open migrations %s: %w", dir, err)
	}
	err = dev.Ent.Schema.NamedDiff(ctx, name,
		schema.WithDir(d),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dev.Dialect),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithErrNoPlan(true),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
	switch {
	case errors.Is(err, migrate.ErrNoPlan):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("diff schema against %s: %w", dir, err)
	}
	return true, nil
}
