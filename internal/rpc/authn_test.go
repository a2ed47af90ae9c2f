package rpc

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/user"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

func TestClientAddr(t *testing.T) {
	tests := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"ok/no header", "203.0.113.5:4000", nil, "203.0.113.5:4000"},
		{"ok/loopback proxy", "127.0.0.1:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"ok/rightmost entry", "127.0.0.1:5000", []string{"10.0.0.1, 198.51.100.7"}, "198.51.100.7"},
		{"ok/rightmost header", "[::1]:5000", []string{"10.0.0.1", "198.51.100.8"}, "198.51.100.8"},
		{"error/spoofed from outside", "203.0.113.5:4000", []string{"198.51.100.7"}, "203.0.113.5:4000"},
		{"error/garbage entry", "127.0.0.1:5000", []string{"not-an-ip"}, "127.0.0.1:5000"},
		{"ok/gateway behind local nginx", "127.0.0.1:5000", []string{"198.51.100.9, 127.0.0.1"}, "198.51.100.9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.xff {
				h.Add("X-Forwarded-For", v)
			}
			if got := ClientAddr(h, tc.peer); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// countingLimiter is a memory limiter that counts the reads of its limits.
type countingLimiter struct {
	auth.LimiterStore
	reads atomic.Int32
}

func (c *countingLimiter) Allow(ctx context.Context, key string) (auth.Verdict, error) {
	c.reads.Add(1)
	return c.LimiterStore.Allow(ctx, key)
}

// TestCheckPasswordRemembers: a login and password verified a moment ago
// are answered from the user row without reading the failed-login limits,
// while a wrong, changed or disabled credential, or one verified over a
// minute ago, goes through the limits again.
func TestCheckPasswordRemembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		lim := &countingLimiter{LimiterStore: auth.NewLimiter(auth.LimiterConfig{Now: func() time.Time { return now }})}
		g := NewGate(GateOptions{DB: db.Ent, Now: func() time.Time { return now }, Limiter: lim})
		hash := func(pw string) string {
			h, err := auth.HashPassword(pw, auth.TestParams)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		u := db.Ent.User.Create().SetLogin("reseller").SetPasswordHash(hash("right")).SetLevel(user.LevelUser).SaveX(ctx)
		check := func(password string, wantOK bool, wantReads int32) {
			t.Helper()
			before := lim.reads.Load()
			got, err := g.CheckPassword(ctx, "reseller", password, "198.51.100.7:4000")
			if ok := err == nil && got != nil && got.ID == u.ID; ok != wantOK {
				t.Fatalf("CheckPassword(%q) = %v, %v; want success %v", password, got, err, wantOK)
			}
			if n := lim.reads.Load() - before; n != wantReads {
				t.Fatalf("CheckPassword(%q) read the limits %d times, want %d", password, n, wantReads)
			}
		}
		check("right", true, 1)  // verified under the limits
		check("right", true, 0)  // remembered: the user row alone
		check("wrong", false, 1) // a guess is limited
		check("right", true, 1)  // after a guess, under the limits: the success forgets the failure
		check("right", true, 0)
		now = now.Add(2 * time.Minute)
		check("right", true, 1) // forgotten after a minute
		check("right", true, 0)
		db.Ent.User.UpdateOne(u).SetPasswordHash(hash("new")).ExecX(ctx)
		check("right", false, 1) // the old password, changed since
		check("new", true, 1)
		db.Ent.User.UpdateOne(u).SetDisabled(true).ExecX(ctx)
		check("new", false, 1) // a disabled user is refused, under the limits
	})
}
