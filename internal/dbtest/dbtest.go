// Package dbtest gives tests a fresh, migrated database: MySQL/MariaDB from
// CERTSVC_TEST_MYSQL_DSN, or SQLite in a temporary directory. Without the
// variable MySQL tests are skipped with a how-to, except under CI=true, where
// a missing database fails the run. Tests of behaviour that does not depend
// on one store run on both with Each or EachKind, so the SQLite half still
// runs without a DSN. Import it from tests only.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/certsvc/certsvc/internal/store"
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
	b := make([]byte, 6)
	rand.Read(b)
	return mysqlDatabase(t, "certsvc_test_"+hex.EncodeToString(b), true)
}

// MySQLKept returns the database name on the test server, migrated, creating
// it when it does not exist and keeping it when the test ends: for benchmarks
// whose data takes long to make (a million certificates), so that a second run
// measures without filling again. Drop it by hand when done.
func MySQLKept(t testing.TB, name string) *store.DB {
	t.Helper()
	return open(t, store.Options{URL: mysqlDatabase(t, name, false), MaxOpenConns: 64})
}

// mysqlDatabase creates the database name on the test server (when it does
// not exist), dropped when the test ends if drop, and returns its DSN.
func mysqlDatabase(t testing.TB, name string, drop bool) string {
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
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		admin.Close()
		if os.Getenv("CI") != "true" {
			t.Skipf("MySQL at %s not usable (%v); run `make test`, which starts MariaDB", cfg.Addr, err)
		}
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if drop {
			admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		}
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

// Each runs f once per store, in subtests named "sqlite" and "mysql", each
// with a fresh database: SQLite always; MySQL when CERTSVC_TEST_MYSQL_DSN is
// set (skipped with a how-to otherwise, failed under CI=true).
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	EachKind(t, func(t *testing.T, k Kind) { f(t, k.Open(t)) })
}

// Kind is a kind of store tests run on. Open returns a new migrated database
// of that kind, dropped when the test ends; a test may open several (two
// instances side by side, one database per subtest).
type Kind struct {
	Name string // "sqlite" or "mysql"; also the subtest's name in EachKind
	Open func(t testing.TB) *store.DB
}

// Kinds lists the stores every store-backed test runs on: the embedded
// SQLite default and MySQL/MariaDB, the production store.
var Kinds = []Kind{{Name: "sqlite", Open: SQLite}, {Name: "mysql", Open: MySQL}}

// EachKind runs f once per kind of store, in a subtest named after it. Use it
// when a test opens its databases itself (one per protocol subtest, or two
// instances talking to each other); Each is EachKind with one database
// opened up front.
func EachKind(t *testing.T, f func(t *testing.T, k Kind)) {
	for _, k := range Kinds {
		t.Run(k.Name, func(t *testing.T) { f(t, k) })
	}
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
