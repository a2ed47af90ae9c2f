package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"entgo.io/ent/dialect"
	"github.com/pressly/goose/v3"
)

// migrations are the versioned schema migrations, one directory per dialect,
// generated from ent/schema by `make migration NAME=...`.
//
//go:embed all:migrations
var migrations embed.FS

// MigrationsDir is where the migrations of a dialect live, relative to this package.
func MigrationsDir(dia string) string {
	if dia == dialect.MySQL {
		return "migrations/mysql"
	}
	return "migrations/sqlite"
}

func (db *DB) migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, MigrationsDir(db.Dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	gd := goose.DialectSQLite3
	if db.Dialect == dialect.MySQL {
		gd = goose.DialectMySQL
	}
	p, err := goose.NewProvider(gd, db.SQL, sub)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every migration the database lacks and returns the
// versions it applied.
func (db *DB) Migrate(ctx context.Context) ([]int64, error) {
	p, err := db.migrator()
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.Where, err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// SchemaVersion returns the version the database is at and the newest version
// this binary knows. A database ahead of the binary is fine (migrations are
// additive before code relies on them); one behind needs Migrate.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := db.migrator()
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version of %s: %w", db.Where, err)
	}
	return current, latest, nil
}
