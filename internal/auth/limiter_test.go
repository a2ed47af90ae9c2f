package auth

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock for Limiter tests that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// checkLimiter fails t if the internal state of l is inconsistent.
func checkLimiter(t *testing.T, l *Limiter) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.keys) != l.order.Len() {
		t.Fatalf("limiter tracks %d keys in its map and %d in its order", len(l.keys), l.order.Len())
	}
	if len(l.keys) > l.cfg.MaxKeys {
		t.Fatalf("limiter tracks %d keys, more than MaxKeys %d", len(l.keys), l.cfg.MaxKeys)
	}
	var prev time.Time
	for el := l.order.Front(); el != nil; el = el.Next() {
		e := el.Value.(*limiterEntry)
		if l.keys[e.key] != el {
			t.Fatalf("key %q: map and order disagree", e.key)
		}
		if e.lastFailure.Before(prev) {
			t.Fatalf("key %q failed at %v, before the entry ahead of it (%v)", e.key, e.lastFailure, prev)
		}
		prev = e.lastFailure
		if e.lockout < 0 || e.lockout > l.cfg.Max {
			t.Fatalf("key %q: lock-out %v outside [0, %v]", e.key, e.lockout, l.cfg.Max)
		}
	}
}

func (l *Limiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// A step of a Limiter scenario.
type step struct {
	op    string // "allow", "fail", "success", "wait" or "tracked"
	key   string
	d     time.Duration // for "allow": want retryAfter (zero: want ok); for "wait": how long
	count int           // for "fail": how many failures (default 1); for "tracked": want keys
}

func allowed(key string) step                  { return step{op: "allow", key: key} }
func refused(key string, d time.Duration) step { return step{op: "allow", key: key, d: d} }
func fail(key string) step                     { return step{op: "fail", key: key, count: 1} }
func fails(key string, n int) step             { return step{op: "fail", key: key, count: n} }
func success(key string) step                  { return step{op: "success", key: key} }
func wait(d time.Duration) step                { return step{op: "wait", d: d} }
func tracked(n int) step                       { return step{op: "tracked", count: n} }

// lockOut fails key until it is locked out, each failure after an allowed
// attempt, and checks the Base lock-out.
func lockOut(key string, base time.Duration) []step {
	var s []step
	for range 5 {
		s = append(s, allowed(key), fail(key))
	}
	return append(s, refused(key, base))
}

func concat(parts ...[]step) []step {
	var s []step
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

func TestLimiter(t *testing.T) {
	const (
		base   = time.Second
		maxL   = 5 * time.Minute
		window = 15 * time.Minute
	)
	// Doubling from Base to Max: each lock-out waited out, then one failure.
	var doubling []step
	for _, want := range []time.Duration{2, 4, 8, 16, 32, 64, 128, 256, 300, 300} {
		doubling = append(doubling, wait(maxL), allowed("a"), fail("a"), refused("a", want*time.Second))
	}
	tests := []struct {
		name  string
		cfg   LimiterConfig
		steps []step
	}{
		{name: "ok/unknown key allowed", steps: []step{allowed("a"), tracked(0)}},
		{name: "ok/five failures free, sixth attempt refused for Base",
			steps: lockOut("a", base)},
		{name: "ok/four failures free", steps: []step{fails("a", 4), allowed("a")}},
		{name: "ok/lock-out counts down",
			steps: concat(lockOut("a", base), []step{
				wait(400 * time.Millisecond), refused("a", 600*time.Millisecond),
				wait(600 * time.Millisecond), allowed("a"),
			})},
		{name: "ok/lock-out doubles up to Max",
			steps: concat(lockOut("a", base), doubling)},
		{name: "ok/failure while locked out doubles",
			steps: concat(lockOut("a", base), []step{fail("a"), refused("a", 2*base), fail("a"), refused("a", 4*base)})},
		{name: "ok/success resets",
			steps: concat(lockOut("a", base), []step{fail("a"), refused("a", 2*base), success("a"), allowed("a"), tracked(0)},
				lockOut("a", base))},
		{name: "ok/success of unknown key", steps: []step{success("a"), allowed("a"), tracked(0)}},
		{name: "ok/failures within window count",
			steps: []step{fails("a", 4), wait(window - time.Second), allowed("a"), fail("a"), refused("a", base)}},
		{name: "ok/window expiry forgets failures",
			steps: []step{fails("a", 4), wait(window), fails("a", 4), allowed("a"), fail("a"), refused("a", base)}},
		{name: "ok/window is counted from the first failure",
			steps: []step{fail("a"), wait(10 * time.Minute), fails("a", 3), wait(5 * time.Minute), fail("a"), allowed("a")}},
		{name: "ok/key over the limit stays escalated while failing",
			steps: concat(lockOut("a", base), []step{
				wait(10 * time.Minute), allowed("a"), fail("a"), refused("a", 2*base),
				wait(10 * time.Minute), allowed("a"), fail("a"), refused("a", 4*base),
			})},
		{name: "ok/idle key over the limit is forgotten",
			steps: concat(lockOut("a", base), []step{
				fail("a"), refused("a", 2*base),
				wait(window - time.Second), allowed("a"), tracked(1),
				wait(time.Second), allowed("a"), tracked(0), fails("a", 4), allowed("a"),
			})},
		{name: "ok/keys are independent",
			steps: concat(lockOut("a", base), []step{allowed("b"), fails("b", 4), allowed("b"), refused("a", base), success("b"), refused("a", base)})},
		{name: "ok/idle entries dropped lazily",
			steps: []step{fail("a"), fail("b"), tracked(2), wait(window), tracked(2), fail("c"), tracked(1), allowed("a")}},
		{name: "ok/MaxKeys evicts the least recently failed",
			cfg: LimiterConfig{MaxKeys: 2},
			steps: concat(lockOut("a", base), lockOut("b", base), []step{
				fail("c"), tracked(2), allowed("a"), refused("b", base),
				fail("b"), fail("a"), tracked(2), refused("b", 2*base), allowed("c"),
			})},
		{name: "ok/custom config",
			cfg: LimiterConfig{Free: 1, Window: time.Minute, Base: time.Minute, Max: 90 * time.Second},
			steps: []step{
				allowed("a"), fail("a"), refused("a", time.Minute), fail("a"), refused("a", 90*time.Second),
				fail("a"), refused("a", 90*time.Second), wait(90 * time.Second), allowed("a"), tracked(0),
			}},
		{name: "ok/lock-out longer than Window outlives idleness",
			cfg: LimiterConfig{Free: 1, Window: time.Minute, Base: 10 * time.Minute, MaxKeys: 1},
			steps: []step{
				fail("a"), wait(2 * time.Minute), refused("a", 8*time.Minute), tracked(1),
				fail("b"), tracked(1), allowed("a"), // evicted, not pruned: MaxKeys is 1
				wait(10 * time.Minute), allowed("b"), tracked(0),
			}},
		{name: "ok/Max below Base is raised to Base",
			cfg:   LimiterConfig{Free: 1, Base: time.Minute, Max: time.Second},
			steps: []step{fail("a"), refused("a", time.Minute), fail("a"), refused("a", time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			tt.cfg.Now = clock.Now
			l := NewLimiter(tt.cfg)
			for i, s := range tt.steps {
				switch s.op {
				case "allow":
					ok, retry := l.Allow(s.key)
					if ok != (s.d == 0) || retry != s.d {
						t.Fatalf("step %d: Allow(%q) = %v, %v; want %v, %v", i, s.key, ok, retry, s.d == 0, s.d)
					}
				case "fail":
					for range s.count {
						l.Failure(s.key)
					}
				case "success":
					l.Success(s.key)
				case "wait":
					clock.Advance(s.d)
				case "tracked":
					if got := l.tracked(); got != s.count {
						t.Fatalf("step %d: %d keys tracked, want %d", i, got, s.count)
					}
				default:
					t.Fatalf("step %d: unknown op %q", i, s.op)
				}
				checkLimiter(t, l)
			}
		})
	}
}

func TestNewLimiterDefaults(t *testing.T) {
	want := LimiterConfig{Free: 5, Window: 15 * time.Minute, Base: time.Second, Max: 5 * time.Minute, MaxKeys: 100000}
	tests := []struct {
		name string
		cfg  LimiterConfig
		want LimiterConfig
	}{
		{name: "ok/zero", cfg: LimiterConfig{}, want: want},
		{name: "ok/negative", cfg: LimiterConfig{Free: -1, Window: -1, Base: -1, Max: -1, MaxKeys: -1}, want: want},
		{name: "ok/set", cfg: LimiterConfig{Free: 3, Window: time.Hour, Base: 2 * time.Second, Max: time.Minute, MaxKeys: 10},
			want: LimiterConfig{Free: 3, Window: time.Hour, Base: 2 * time.Second, Max: time.Minute, MaxKeys: 10}},
		{name: "ok/Max below default Base", cfg: LimiterConfig{Max: time.Millisecond},
			want: LimiterConfig{Free: 5, Window: 15 * time.Minute, Base: time.Second, Max: time.Second, MaxKeys: 100000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter(tt.cfg)
			if l.cfg.Now == nil {
				t.Fatal("NewLimiter left Now nil")
			}
			// LimiterConfig holds a func, so compare the other fields.
			type fields struct {
				Free              int
				Window, Base, Max time.Duration
				MaxKeys           int
			}
			project := func(c LimiterConfig) fields { return fields{c.Free, c.Window, c.Base, c.Max, c.MaxKeys} }
			if got := project(l.cfg); got != project(tt.want) {
				t.Errorf("NewLimiter(%+v) config = %+v, want %+v", project(tt.cfg), got, project(tt.want))
			}
		})
	}
}

// TestLimiterConcurrent is meant for -race: many goroutines share a limiter
// with few keys allowed, so eviction and pruning happen under contention.
func TestLimiterConcurrent(t *testing.T) {
	clock := newFakeClock()
	l := NewLimiter(LimiterConfig{MaxKeys: 16, Window: time.Minute, Now: clock.Now})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 2000 {
				key := fmt.Sprintf("10.0.0.%d", r.IntN(40))
				switch n := r.IntN(100); {
				case n < 50:
					if ok, retry := l.Allow(key); ok == (retry > 0) || retry < 0 {
						t.Errorf("Allow(%q) = %v, %v", key, ok, retry)
					}
				case n < 90:
					l.Failure(key)
				case n < 98:
					l.Success(key)
				default:
					clock.Advance(time.Duration(r.IntN(10)) * time.Second)
				}
			}
		})
	}
	wg.Wait()
	checkLimiter(t, l)
}
