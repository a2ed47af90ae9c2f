package rpc

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/apikey"
	"github.com/certsvc/certsvc/ent/user"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/errkind"
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

// TestCheckToken resolves sessions and API keys (each with its user in one
// query) at their edges: live, impersonated, revoked, expired, of a
// disabled user; and records a key's use at most once a minute.
func TestCheckToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		g := NewGate(GateOptions{DB: db.Ent, Now: func() time.Time { return now }})
		mk := func(login string, level user.Level) *ent.User {
			return db.Ent.User.Create().SetLogin(login).SetPasswordHash("x").SetLevel(level).SaveX(ctx)
		}
		admin, cust, off := mk("admin", user.LevelAdmin), mk("cust", user.LevelUser), mk("off", user.LevelUser)
		db.Ent.User.UpdateOne(off).SetDisabled(true).ExecX(ctx)
		session := func(token string, u *ent.User, expire time.Time, revoked bool, by *ent.User) string {
			c := db.Ent.Session.Create().SetTokenHash(auth.HashToken(token)).SetUserID(u.ID).SetExpireTime(expire)
			if revoked {
				c.SetRevokeTime(now.Add(-time.Minute))
			}
			if by != nil {
				c.SetImpersonatorUserID(by.ID)
			}
			c.ExecX(ctx)
			return token
		}
		key := func(token string, u *ent.User, expire *time.Time) string {
			db.Ent.APIKey.Create().SetName(token).SetPrefix(token[:8]).SetSecretHash(auth.HashToken(token)).
				SetUserID(u.ID).SetNillableExpireTime(expire).ExecX(ctx)
			return token
		}
		later, earlier := now.Add(time.Hour), now.Add(-time.Second)
		for _, tt := range []struct {
			name, token  string
			user         *ent.User
			impersonator int64
		}{
			{"session", session(SessionPrefix+"live", cust, later, false, nil), cust, 0},
			{"impersonation", session(SessionPrefix+"imp", cust, later, false, admin), cust, admin.ID},
			{"revoked session", session(SessionPrefix+"revoked", cust, later, true, nil), nil, 0},
			{"expired session", session(SessionPrefix+"expired", cust, earlier, false, nil), nil, 0},
			{"session of a disabled user", session(SessionPrefix+"off", off, later, false, nil), nil, 0},
			{"unknown session", SessionPrefix + "nobody", nil, 0},
			{"api key", key(APIKeyPrefix+"forever", admin, nil), admin, 0},
			{"api key with an end", key(APIKeyPrefix+"later", cust, &later), cust, 0},
			{"expired api key", key(APIKeyPrefix+"earlier", cust, &earlier), nil, 0},
			{"api key of a disabled user", key(APIKeyPrefix+"offkey", off, nil), nil, 0},
			{"unknown api key", APIKeyPrefix + "nobody", nil, 0},
		} {
			p, err := g.checkToken(ctx, tt.token)
			switch {
			case tt.user == nil && !errors.Is(err, errkind.Unauthenticated):
				t.Errorf("%s: %v, %v; want Unauthenticated", tt.name, p, err)
			case tt.user != nil && (err != nil || p.UserID != tt.user.ID || p.Admin != (tt.user.Level == user.LevelAdmin) ||
				p.ImpersonatorID != tt.impersonator):
				t.Errorf("%s: %+v, %v; want user %d impersonated by %d", tt.name, p, err, tt.user.ID, tt.impersonator)
			}
		}
		lastUsed := func() time.Time {
			k := db.Ent.APIKey.Query().Where(apikey.Name(APIKeyPrefix + "forever")).OnlyX(ctx)
			if k.LastUsedTime == nil {
				return time.Time{}
			}
			return k.LastUsedTime.UTC()
		}
		if got := lastUsed(); !got.Equal(now) {
			t.Fatalf("last use after the first: %v, want %v", got, now)
		}
		use := func() {
			if _, err := g.checkToken(ctx, APIKeyPrefix+"forever"); err != nil {
				t.Fatal(err)
			}
		}
		first := now
		now = now.Add(30 * time.Second)
		use()
		if got := lastUsed(); !got.Equal(first) {
			t.Fatalf("last use 30 s later: %v, want %v (at most once a minute)", got, first)
		}
		now = now.Add(time.Minute)
		use()
		if got := lastUsed(); !got.Equal(now) {
			t.Fatalf("last use 90 s later: %v, want %v", got, now)
		}
	})
}
