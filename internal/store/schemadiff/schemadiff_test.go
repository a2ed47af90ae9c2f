package schemadiff_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
	"github.com/certsvc/certsvc/internal/store/schemadiff"
)

var (
	loadOnce   sync.Once
	loaded     []*schema.Table
	loadFailed error
)

// tables are the tables of ent/schema, loaded once: loading compiles the
// schema package.
func tables(t *testing.T) []*schema.Table {
	t.Helper()
	loadOnce.Do(func() { loaded, loadFailed = schemadiff.Tables("../../../ent/schema") })
	if loadFailed != nil {
		t.Fatal(loadFailed)
	}
	return loaded
}

// TestMigrationsCurrent fails when ent/schema changed without a migration:
// it plans a migration from the committed ones and expects nothing to do.
func TestMigrationsCurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dev *store.DB) {
		// dev has the migrations applied; the planner needs an empty database.
		empty := emptyLike(t, dev)
		dir := t.TempDir()
		copyDir(t, filepath.Join("..", store.MigrationsDir(dev.Dialect)), dir)
		wrote, err := schemadiff.Write(t.Context(), empty, tables(t), dir, "check")
		if err != nil {
			t.Fatal(err)
		}
		if wrote {
			t.Fatalf("ent/schema differs from %s: run `make migration NAME=...` and commit the result", store.MigrationsDir(dev.Dialect))
		}
	})
}

// emptyLike returns an empty, unmigrated database of the same dialect.
func emptyLike(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if db.Dialect == dialect.SQLite {
		e, err := store.Open(t.Context(), store.Options{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	}
	// A fresh MySQL test database, then drop what the migrations made.
	e := dbtest.MySQL(t)
	for _, q := range []string{"SET FOREIGN_KEY_CHECKS=0"} {
		if _, err := e.SQL.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := e.SQL.QueryContext(t.Context(), "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	conn, err := e.SQL.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.ExecContext(t.Context(), "SET FOREIGN_KEY_CHECKS=0")
	for _, n := range tables {
		if _, err := conn.ExecContext(t.Context(), "DROP TABLE `"+n+"`"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiffMigrationsSeesChanges shows the check above can fail: with no
// migrations at all, the whole schema is a change.
func TestDiffMigrationsSeesChanges(t *testing.T) {
	empty, err := store.Open(t.Context(), store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	dir := t.TempDir()
	wrote, err := schemadiff.Write(t.Context(), empty, tables(t), dir, "all")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	if !wrote || len(files) == 0 {
		t.Fatalf("got wrote=%t with %d files, want a migration", wrote, len(files))
	}
}
