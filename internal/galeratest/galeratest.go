// Package galeratest gives tests a fresh database on a MariaDB Galera
// cluster (scripts/galera.sh), opened once per node: the stores of several
// certsvc replicas, each on its own node. Without CERTSVC_TEST_GALERA_DSNS
// the tests are skipped with a how-to, except under CI=true, where a missing
// cluster fails the run. Import it from tests only.
package galeratest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/certsvc/certsvc/internal/store"
)

// DSNsVar names the variable with the DSNs of the cluster's nodes,
// space-separated, as `scripts/galera.sh dsn` prints them.
const DSNsVar = "CERTSVC_TEST_GALERA_DSNS"

// DSNs returns the nodes' DSNs, or skips (fails under CI=true) the test.
func DSNs(t testing.TB) []string {
	t.Helper()
	dsns := strings.Fields(os.Getenv(DSNsVar))
	if len(dsns) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set and CI=true: the Galera tests must run (make test starts the cluster)", DSNsVar)
		}
		t.Skipf("set %s=\"$(scripts/galera.sh start)\" or run `make test`, which starts the cluster", DSNsVar)
	}
	return dsns
}

// Open creates a new database on the cluster, migrates it through the first
// node, and returns it opened on every node (dropped when the test ends).
func Open(t testing.TB) []*store.DB {
	t.Helper()
	dsns := DSNs(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	name := "certsvc_galera_" + hex.EncodeToString(b)
	admin := sqlOpen(t, dsns[0], "")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create test database on the cluster: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	})
	var dbs []*store.DB
	for i, dsn := range dsns {
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("%s: %v", DSNsVar, err)
		}
		cfg.DBName = name
		db, err := store.Open(ctx, store.Options{URL: cfg.FormatDSN(), MaxOpenConns: 32})
		if err != nil {
			t.Fatalf("open node %d: %v", i+1, err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
		}
		dbs = append(dbs, db)
	}
	return dbs
}

func sqlOpen(t testing.TB, dsn, dbName string) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", DSNsVar, err)
	}
	cfg.DBName = dbName
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// Script runs scripts/galera.sh with args (kill N, restart N, status).
func Script(t testing.TB, args ...string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "galera.sh")
	out, err := exec.Command(script, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("galera.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("galera.sh %s: %s", strings.Join(args, " "), strings.TrimSpace(string(out)))
}
