package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/auth/limitertest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// prefixed is a LimiterStore whose keys are prefixed, so the scenarios of
// one database do not meet.
type prefixed struct {
	auth.LimiterStore
	p string
}

func (s prefixed) Allow(ctx context.Context, key string) (auth.Verdict, error) {
	return s.LimiterStore.Allow(ctx, s.p+key)
}
func (s prefixed) Failure(ctx context.Context, key string) error {
	return s.LimiterStore.Failure(ctx, s.p+key)
}
func (s prefixed) Success(ctx context.Context, key string) error {
	return s.LimiterStore.Success(ctx, s.p+key)
}

// TestLoginLimiter runs the policy's scenarios, the table the memory
// auth.Limiter passes (auth's TestLimiter), on the store's limiter.
func TestLoginLimiter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		limitertest.Run(t, false, func(t *testing.T, cfg auth.LimiterConfig) limitertest.Subject {
			return limitertest.Subject{Store: prefixed{db.LoginLimiter(cfg), t.Name() + ":"}}
		})
	})
}

// TestLoginLimiterConcurrentFailures fails one key from many goroutines
// through two limiters (two replicas) on one database: every failure is
// counted, none lost to a concurrent update.
func TestLoginLimiterConcurrentFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		const goroutines, each = 16, 10
		cfg := auth.LimiterConfig{Free: 1 << 20, Window: time.Hour}
		limiters := []*store.LoginLimiter{db.LoginLimiter(cfg), db.LoginLimiter(cfg)}
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for range each {
					if err := limiters[g%2].Failure(t.Context(), "login:hot"); err != nil {
						t.Errorf("Failure: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		rows, err := db.Ent.LoginFailure.Query().All(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Failures != goroutines*each {
			t.Fatalf("rows after %d failures of one key: %s, want one row with %d failures",
				goroutines*each, describe(rows), goroutines*each)
		}
		// Past the limit, the lock-out doubles exactly once per failure.
		ctx := t.Context()
		l := db.LoginLimiter(auth.LimiterConfig{Free: 3, Base: time.Second, Max: time.Hour, Window: time.Hour})
		for g := range 8 {
			wg.Go(func() {
				if err := l.Failure(ctx, "login:burst"); err != nil {
					t.Errorf("Failure %d: %v", g, err)
				}
			})
		}
		wg.Wait()
		v, err := l.Allow(ctx, "login:burst")
		// Failures 3..8 lock out for 1, 2, 4, 8, 16, 32 s.
		if err != nil || v.OK || v.RetryAfter < 31*time.Second || v.RetryAfter > 32*time.Second {
			t.Fatalf("Allow after 8 concurrent failures with Free 3 = %+v, %v; want refused for 32s", v, err)
		}
	})
}

func describe(rows []*ent.LoginFailure) string {
	s := fmt.Sprintf("%d rows", len(rows))
	for _, r := range rows {
		s += fmt.Sprintf(" [%d failures]", r.Failures)
	}
	return s
}

// TestLoginLimiterCleansExpiredRows checks that idle rows are deleted: by
// Clean, and by a failure once CleanInterval has passed since the last
// cleaning, while rows still counting or locked out are kept.
func TestLoginLimiterCleansExpiredRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		clock := limitertest.NewClock()
		l := db.LoginLimiter(auth.LimiterConfig{Free: 2, Window: time.Minute, Base: 10 * time.Minute, Now: clock.Now})
		count := func() int {
			n, err := db.Ent.LoginFailure.Query().Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(l.Failure(ctx, "login:idle")) // cleans (first failure): nothing to clean
		must(l.Failure(ctx, "login:locked"))
		must(l.Failure(ctx, "login:locked")) // locked out for 10 minutes
		if n := count(); n != 2 {
			t.Fatalf("%d rows after failures of two keys, want 2", n)
		}
		clock.Advance(2 * time.Minute)
		must(l.Failure(ctx, "login:recent")) // cleaning is due: idle goes
		if n := count(); n != 2 {
			t.Fatalf("%d rows after the window passed, want 2 (locked and recent)", n)
		}
		if v, err := l.Allow(ctx, "login:locked"); err != nil || v.OK {
			t.Fatalf("Allow(locked) = %+v, %v; want refused, still locked out", v, err)
		}
		clock.Advance(9 * time.Minute)      // the lock-out ended; recent went idle
		must(l.Failure(ctx, "login:other")) // cleaning is due again
		if n := count(); n != 1 {
			t.Fatalf("%d rows after the lock-out ended, want 1 (other)", n)
		}
		clock.Advance(2 * time.Minute)
		n, err := l.Clean(ctx)
		if err != nil || n != 1 || count() != 0 {
			t.Fatalf("Clean = %d, %v, leaving %d rows; want 1 deleted, none left", n, err, count())
		}
	})
}

// AllowBoth reads a login and an address, each limiter with its own policy,
// in one query, and finds what each Allow finds: clean, failed and locked
// keys, either way round, and a key of both. Limiters of another database
// are asked one by one.
func TestAllowBothInOneQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		clock := limitertest.NewClock()
		login := db.LoginLimiter(auth.LimiterConfig{Free: 2, Base: time.Second, Now: clock.Now})
		addr := db.LoginLimiter(auth.LimiterConfig{Free: 4, Base: time.Minute, Now: clock.Now})
		for range 2 {
			must(login.Failure(ctx, "login:locked"))
			must(addr.Failure(ctx, "addr:failed"))
		}
		must(addr.Failure(ctx, "login:locked")) // a key is one row, whichever limiter fails it
		keys := []string{"login:locked", "addr:failed", "login:clean"}
		for _, a := range keys {
			for _, b := range keys {
				v, w, err := auth.AllowBoth(ctx, login, a, addr, b)
				if err != nil {
					t.Fatal(err)
				}
				wantV, err := login.Allow(ctx, a)
				must(err)
				wantW, err := addr.Allow(ctx, b)
				must(err)
				if v != wantV || w != wantW {
					t.Errorf("AllowBoth(%s, %s) = %+v, %+v; Allow finds %+v, %+v", a, b, v, w, wantV, wantW)
				}
			}
		}
		if v, _, err := auth.AllowBoth(ctx, login, "login:locked", addr, "login:clean"); err != nil || v.OK || !v.Failed {
			t.Errorf("locked login: %+v, %v; want refused", v, err)
		}
		if _, _, done, err := login.AllowWith(ctx, "login:locked", auth.NewLimiter(auth.LimiterConfig{}), "x"); done || err != nil {
			t.Errorf("AllowWith a memory limiter: done %v, %v; want it left to the caller", done, err)
		}
	})
}
