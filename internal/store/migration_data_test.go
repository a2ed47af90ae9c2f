package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/pressly/goose/v3"

	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// unmigrated opens an empty database of kind k, without migrations.
func unmigrated(t *testing.T, k dbtest.Kind) *store.DB {
	t.Helper()
	opts := store.Options{DataDir: t.TempDir()}
	if k.Name == "mysql" {
		opts = store.Options{URL: dbtest.MySQLDSN(t)}
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrateTo applies the migrations of db's dialect up to version.
func migrateTo(t *testing.T, db *store.DB, version int64) {
	t.Helper()
	gd := goose.DialectSQLite3
	if db.Dialect == dialect.MySQL {
		gd = goose.DialectMySQL
	}
	p, err := goose.NewProvider(gd, db.SQL, os.DirFS(filepath.FromSlash(store.MigrationsDir(db.Dialect))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), version); err != nil {
		t.Fatal(err)
	}
}

// The migration that gives certificate_names the end dates of their
// certificates fills them in for the certificates already there.
func TestMigrationFillsNamesNotAfter(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		db := unmigrated(t, k)
		migrateTo(t, db, 20261206175655)
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		notAfter := now.AddDate(1, 0, 0).Add(123456 * time.Microsecond)
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`INSERT INTO accounts (id, create_time, update_time, name, currency, balance) VALUES (1, ?, ?, 'a', 'RUB', 0)`, []any{now, now}},
			{`INSERT INTO certificates (id, create_time, update_time, account_id, plan_id, period_months, state, common_name, subject, currency, not_after)
				VALUES (1, ?, ?, 1, 1, 12, 'issued', 'a.example.com', '{}', 'RUB', ?)`, []any{now, now, notAfter}},
			{`INSERT INTO certificates (id, create_time, update_time, account_id, plan_id, period_months, state, common_name, subject, currency)
				VALUES (2, ?, ?, 1, 1, 12, 'unpaid', 'b.example.com', '{}', 'RUB')`, []any{now, now}},
			{`INSERT INTO certificate_names (certificate_id, suffix) VALUES (1, 'a.example.com'), (1, 'example.com'), (2, 'b.example.com')`, nil},
		} {
			if _, err := db.SQL.ExecContext(t.Context(), st.q, st.args...); err != nil {
				t.Fatalf("%s: %v", st.q, err)
			}
		}
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Ent.CertificateName.Query().All(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("%d names after the migration, want 3", len(rows))
		}
		for _, r := range rows {
			switch {
			case r.CertificateID == 1 && (r.NotAfter == nil || !r.NotAfter.Equal(notAfter)):
				t.Errorf("%s of certificate 1: not_after %v, want %v", r.Suffix, r.NotAfter, notAfter)
			case r.CertificateID == 2 && r.NotAfter != nil:
				t.Errorf("%s of certificate 2, which has no end date: not_after %v", r.Suffix, r.NotAfter)
			}
		}
	})
}
