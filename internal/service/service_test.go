package service_test

import (
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/service"
	"github.com/certsvc/certsvc/internal/store"
)

func TestPurgeExpired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		svc := service.New(service.Options{DB: db, Now: func() time.Time { return now }, PasswordParams: auth.TestParams})
		u := db.Ent.User.Create().SetLogin("u").SetPasswordHash("x").SetLevel("admin").SaveX(ctx)
		mk := func(hash string, expires time.Time, revoked *time.Time) {
			db.Ent.Session.Create().SetTokenHash(hash).SetUserID(u.ID).SetExpireTime(expires).SetNillableRevokeTime(revoked).ExecX(ctx)
		}
		old := now.Add(-8 * 24 * time.Hour)
		recent := now.Add(-time.Hour)
		mk("expired-long-ago", old, nil)
		mk("revoked-long-ago", now.Add(time.Hour), &old)
		mk("expired-recently", recent, nil)
		mk("live", now.Add(time.Hour), nil)
		db.Ent.LoginKey.Create().SetKeyHash("old-key").SetUserID(u.ID).SetCreatorUserID(u.ID).SetExpireTime(old).ExecX(ctx)

		n, err := svc.Worker.PurgeExpired(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Fatalf("purged %d rows, want 3", n)
		}
		left, err := db.Ent.Session.Query().Order(ent.Asc("token_hash")).Select("token_hash").Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 2 || left[0] != "expired-recently" || left[1] != "live" {
			t.Fatalf("sessions left: got %v, want [expired-recently live]", left)
		}
	})
}

// TestBootstrapConcurrently starts several "replicas" on one empty store at
// once: exactly one admin and one catalogue result, and no replica fails.
func TestBootstrapConcurrently(t *testing.T) {
	dbtest.Each(t, testBootstrapConcurrently)
}

func testBootstrapConcurrently(t *testing.T, db *store.DB) {
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			svc := service.New(service.Options{DB: db, PasswordParams: auth.TestParams})
			_, err := svc.Bootstrap(t.Context(), "pw-for-admin")
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("a replica failed to bootstrap: %v", err)
		}
	}
	admins, err := db.Ent.User.Query().Count(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	plans, err := db.Ent.Plan.Query().Count(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if admins != 1 || plans != 27 {
		t.Fatalf("got %d users and %d plans, want 1 and 27", admins, plans)
	}
}
