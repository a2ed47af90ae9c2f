package auth_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/auth/limitertest"
)

// TestLimiter runs the policy's scenarios (shared with the database store,
// internal/store's TestLoginLimiter) on the memory Limiter, checking its
// bookkeeping after every step.
func TestLimiter(t *testing.T) {
	limitertest.Run(t, true, func(t *testing.T, cfg auth.LimiterConfig) limitertest.Subject {
		l := auth.NewLimiter(cfg)
		return limitertest.Subject{Store: l, Tracked: l.Tracked, Check: func(t *testing.T) { auth.CheckLimiter(t, l) }}
	})
}

func TestNewLimiterDefaults(t *testing.T) {
	want := auth.LimiterConfig{Free: 5, Window: 15 * time.Minute, Base: time.Second, Max: 5 * time.Minute, MaxKeys: 100000}
	tests := []struct {
		name string
		cfg  auth.LimiterConfig
		want auth.LimiterConfig
	}{
		{name: "ok/zero", cfg: auth.LimiterConfig{}, want: want},
		{name: "ok/negative", cfg: auth.LimiterConfig{Free: -1, Window: -1, Base: -1, Max: -1, MaxKeys: -1}, want: want},
		{name: "ok/set", cfg: auth.LimiterConfig{Free: 3, Window: time.Hour, Base: 2 * time.Second, Max: time.Minute, MaxKeys: 10},
			want: auth.LimiterConfig{Free: 3, Window: time.Hour, Base: 2 * time.Second, Max: time.Minute, MaxKeys: 10}},
		{name: "ok/Max below default Base", cfg: auth.LimiterConfig{Max: time.Millisecond},
			want: auth.LimiterConfig{Free: 5, Window: 15 * time.Minute, Base: time.Second, Max: time.Second, MaxKeys: 100000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := auth.NewLimiter(tt.cfg)
			if l.Config().Now == nil {
				t.Fatal("NewLimiter left Now nil")
			}
			// auth.LimiterConfig holds a func, so compare the other fields.
			type fields struct {
				Free              int
				Window, Base, Max time.Duration
				MaxKeys           int
			}
			project := func(c auth.LimiterConfig) fields { return fields{c.Free, c.Window, c.Base, c.Max, c.MaxKeys} }
			if got := project(l.Config()); got != project(tt.want) {
				t.Errorf("NewLimiter(%+v) config = %+v, want %+v", project(tt.cfg), got, project(tt.want))
			}
		})
	}
}

// TestLimiterConcurrent is meant for -race: many goroutines share a limiter
// with few keys allowed, so eviction and pruning happen under contention.
func TestLimiterConcurrent(t *testing.T) {
	clock := limitertest.NewClock()
	l := auth.NewLimiter(auth.LimiterConfig{MaxKeys: 16, Window: time.Minute, Now: clock.Now})
	ctx := t.Context()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 2000 {
				key := fmt.Sprintf("10.0.0.%d", r.IntN(40))
				switch n := r.IntN(100); {
				case n < 50:
					if v, err := l.Allow(ctx, key); err != nil || v.OK == (v.RetryAfter > 0) || v.RetryAfter < 0 || !v.OK && !v.Failed {
						t.Errorf("Allow(%q) = %+v, %v", key, v, err)
					}
				case n < 90:
					l.Failure(ctx, key)
				case n < 98:
					l.Success(ctx, key)
				default:
					clock.Advance(time.Duration(r.IntN(10)) * time.Second)
				}
			}
		})
	}
	wg.Wait()
	auth.CheckLimiter(t, l)
}
