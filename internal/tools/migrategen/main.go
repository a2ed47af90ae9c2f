// Command migrategen writes the versioned migrations of certsvc from ent/schema,
// one for MySQL/MariaDB and one for SQLite.
//
//	go run ./internal/tools/migrategen -name add_certificates
//
// The MySQL migration is planned against a scratch database on the server that
// CERTSVC_DEV_MYSQL_DSN names (default: root on 127.0.0.1:3306), created and
// dropped here; the SQLite one against a temporary file.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"entgo.io/ent/dialect"
	"github.com/go-sql-driver/mysql"

	"github.com/certsvc/certsvc/internal/store"
	"github.com/certsvc/certsvc/internal/store/schemadiff"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "migrategen:", err)
		os.Exit(1)
	}
}

func run() error {
	name := flag.String("name", "", "name of the new migration, e.g. add_certificates (required)")
	root := flag.String("dir", "internal/store", "directory holding migrations/mysql and migrations/sqlite")
	flag.Parse()
	if !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(*name) {
		return errors.New("-name: give a snake_case name")
	}
	ctx := context.Background()
	dsn := os.Getenv("CERTSVC_DEV_MYSQL_DSN")
	if dsn == "" {
		dsn = "root@tcp(127.0.0.1:3306)/"
	}
	tables, err := schemadiff.Tables("./ent/schema")
	if err != nil {
		return err
	}
	for _, dia := range []string{dialect.MySQL, dialect.SQLite} {
		dev, cleanup, err := openDev(ctx, dia, dsn)
		if err != nil {
			return err
		}
		dir := filepath.Join(*root, store.MigrationsDir(dia))
		wrote, err := schemadiff.Write(ctx, dev, tables, dir, *name)
		dev.Close()
		cleanup()
		if err != nil {
			return err
		}
		if wrote {
			fmt.Printf("%s: wrote a migration to %s\n", dia, dir)
		} else {
			fmt.Printf("%s: %s is current\n", dia, dir)
		}
	}
	return nil
}

// openDev opens an empty scratch database of the dialect.
func openDev(ctx context.Context, dia, dsn string) (*store.DB, func(), error) {
	if dia == dialect.SQLite {
		tmp, err := os.MkdirTemp("", "certsvc-dev-")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.Open(ctx, store.Options{DataDir: tmp})
		return db, func() { os.RemoveAll(tmp) }, err
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("CERTSVC_DEV_MYSQL_DSN: %w", err)
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, nil, err
	}
	scratch := fmt.Sprintf("certsvc_dev_%d", os.Getpid())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+scratch+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("create scratch database: %w", err)
	}
	drop := func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+scratch)
		admin.Close()
	}
	cfg.DBName = scratch
	db, err := store.Open(ctx, store.Options{URL: cfg.FormatDSN()})
	if err != nil {
		drop()
		return nil, nil, err
	}
	return db, drop, nil
}
