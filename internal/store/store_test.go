package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/store"
)

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		applied, err := db.Migrate(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second Migrate applied %v, want nothing", applied)
		}
		cur, latest, err := db.SchemaVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || cur == 0 {
			t.Fatalf("schema version %d, latest %d; want equal and non-zero", cur, latest)
		}
	})
}

func TestInTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		count := func() int {
			n, err := db.Ent.Account.Query().Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		create := func(tx *ent.Tx) error {
			return tx.Account.Create().SetName("a").SetCurrency("RUB").Exec(ctx)
		}

		t.Run("commit", func(t *testing.T) {
			before := count()
			if _, err := store.InTx(ctx, db.Ent, func(tx *ent.Tx) (int, error) { return 1, create(tx) }); err != nil {
				t.Fatal(err)
			}
			if got := count(); got != before+1 {
				t.Fatalf("got %d accounts, want %d", got, before+1)
			}
		})
		t.Run("error rolls back", func(t *testing.T) {
			before := count()
			boom := errors.New("boom")
			_, err := store.InTx(ctx, db.Ent, func(tx *ent.Tx) (int, error) {
				if err := create(tx); err != nil {
					return 0, err
				}
				return 0, boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("got %v, want boom", err)
			}
			if got := count(); got != before {
				t.Fatalf("got %d accounts after rollback, want %d", got, before)
			}
		})
		t.Run("panic rolls back and re-panics", func(t *testing.T) {
			before := count()
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("panic was swallowed")
					}
				}()
				store.InTx(ctx, db.Ent, func(tx *ent.Tx) (int, error) {
					if err := create(tx); err != nil {
						return 0, err
					}
					panic("boom")
				})
			}()
			if got := count(); got != before {
				t.Fatalf("got %d accounts after panic, want %d", got, before)
			}
		})
	})
}

func TestTranslate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		_, err := db.Ent.Account.Get(ctx, 424242)
		if got := errkind.Kind(store.Translate(err)); got != errkind.NotFound {
			t.Errorf("missing row: got kind %v, want NotFound", got)
		}
		u := db.Ent.User.Create().SetLogin("dup").SetPasswordHash("x").SetLevel("admin")
		if err := u.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		err = db.Ent.User.Create().SetLogin("dup").SetPasswordHash("x").SetLevel("admin").Exec(ctx)
		if got := errkind.Kind(store.Translate(err)); got != errkind.AlreadyExists {
			t.Errorf("duplicate login: got kind %v (%v), want AlreadyExists", got, err)
		}
		err = db.Ent.User.Create().SetLogin("orphan").SetPasswordHash("x").SetLevel("user").SetAccountID(999999).Exec(ctx)
		if got := errkind.Kind(store.Translate(err)); got != errkind.FailedPrecondition {
			t.Errorf("missing account: got kind %v (%v), want FailedPrecondition", got, err)
		}
		// The driver's text is kept for logs but not in the public message.
		var ke *errkind.Error
		if !errors.As(store.Translate(err), &ke) || ke.Cause == nil {
			t.Fatalf("got %#v, want an *errkind.Error with the cause", store.Translate(err))
		}
	})
}

func TestParseMySQLURL(t *testing.T) {
	tests := []struct {
		name, in           string
		wantAddr, wantUser string
		wantDB, wantErr    string
	}{
		{name: "ok/url", in: "mysql://cs:secret@db.internal:3307/certsvc", wantAddr: "db.internal:3307", wantUser: "cs", wantDB: "certsvc"},
		{name: "ok/url default port", in: "mariadb://cs@db/certsvc", wantAddr: "db:3306", wantUser: "cs", wantDB: "certsvc"},
		{name: "ok/dsn", in: "cs:pw@tcp(127.0.0.1:3306)/certsvc?timeout=5s", wantAddr: "127.0.0.1:3306", wantUser: "cs", wantDB: "certsvc"},
		{name: "error/no database", in: "mysql://cs:pw@db:3306/", wantErr: "no database name"},
		{name: "error/garbage", in: "not a url", wantErr: "not a mysql:// URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := store.ParseMySQLURL(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "pw") {
					t.Fatalf("error %q leaks the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Addr != tc.wantAddr || cfg.User != tc.wantUser || cfg.DBName != tc.wantDB || !cfg.ParseTime || cfg.Loc.String() != "UTC" {
				t.Fatalf("got addr=%s user=%s db=%s parseTime=%t loc=%s", cfg.Addr, cfg.User, cfg.DBName, cfg.ParseTime, cfg.Loc)
			}
		})
	}
}

// TestCatalogVersion: a change to the catalog moves the version when it is
// made and again when its transaction commits; other writes leave it alone.
func TestCatalogVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		v0 := db.CatalogVersion()
		if _, err := db.Ent.AuditEntry.Create().SetAction("test").Save(ctx); err != nil {
			t.Fatal(err)
		}
		if v := db.CatalogVersion(); v != v0 {
			t.Fatalf("an unrelated write (an audit entry) moved the catalog version from %d to %d", v0, v)
		}
		tx, err := db.Ent.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ProcessingModule.Create().SetName("m").SetKind("test").Save(ctx); err != nil {
			t.Fatal(err)
		}
		v1 := db.CatalogVersion()
		if v1 == v0 {
			t.Fatal("creating a module in a transaction left the catalog version alone")
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if v := db.CatalogVersion(); v == v1 {
			t.Fatal("committing a module left the catalog version alone")
		}
	})
}
