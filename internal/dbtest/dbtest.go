// Package dbtest gives tests a fresh, migrated database: MySQL/MariaDB from
// CERTSVC_TEST_MYSQL_DSN, or SQLite in a temporary directory. Without the
// variable MySQL tests are skipped with a how-to, except under CI=true, where
// a missing database fails the run. Import it from tests only.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	"github.com/go-sql-driver/mysql"

	"certsvc/internal/store"
)

// DSNVar names the variable with the MySQL server for tests, e.g.
// root@tcp(127.0.0.1:3306)/ (the database part is ignored).
const DSNVar = "CERTSVC_TEST_MYSQL_DSN"

// MySQL returns a new database on the test server with every migration
// applied, dropped when the test ends.
func MySQL(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Options{URL: MySQLDSN(t), MaxOpenConns: 64})
}

// MySQLDSN creates a new, empty database on the test server, dropped when the
// test ends, and returns its DSN.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DSNVar)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set and CI=true: the MySQL tests must run (make test starts MariaDB)", DSNVar)
		}
		t.Skipf("set %s (e.g. root@tcp(127.0.0.1:3306)/) or run `make test`, which starts MariaDB", DSNVar)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", DSNVar, err)
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "certsvc_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		admin.Close()
		if os.Getenv("CI") != "true" {
			t.Skipf("MySQL at %s not usable (%v); run `make test`, which starts MariaDB", cfg.Addr, err)
		}
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// SQLite returns a new migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Options{DataDir: t.TempDir()})
}

// Each runs f once per store: SQLite, and MySQL when available.
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("mysql", func(t *testing.T) { f(t, MySQL(t)) })
}

func open(t testing.TB, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}
