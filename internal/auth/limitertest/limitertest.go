// Package limitertest holds the scenarios of the failed-login policy
// (auth.LimiterConfig) that every auth.LimiterStore must pass: the memory
// Limiter of internal/auth and the database one of internal/store run the same
// table. Import it from tests only.
package limitertest

import (
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/auth"
)

// Case is one scenario.
type Case struct {
	Name  string
	Cfg   auth.LimiterConfig
	Steps []step
	// MemoryOnly marks the scenarios of MaxKeys, which bounds only the
	// memory Limiter.
	MemoryOnly bool
}

// Subject is a LimiterStore under test.
type Subject struct {
	Store auth.LimiterStore
	// Tracked counts the keys the store keeps (idle ones not yet dropped
	// included); the "tracked" steps are skipped when nil.
	Tracked func() int
	// Check, when set, verifies the store's internal state after each step.
	Check func(t *testing.T)
}

// Run runs every case (skipping MemoryOnly ones unless memory) against the
// store newSubject returns for the case's configuration, whose Now it must use
// as its clock.
func Run(t *testing.T, memory bool, newSubject func(t *testing.T, cfg auth.LimiterConfig) Subject) {
	for _, tt := range Cases() {
		t.Run(tt.Name, func(t *testing.T) {
			if tt.MemoryOnly && !memory {
				t.Skip("MaxKeys bounds only the memory Limiter")
			}
			clock := NewClock()
			cfg := tt.Cfg
			cfg.Now = clock.Now
			s := newSubject(t, cfg)
			ctx := t.Context()
			for i, st := range tt.Steps {
				switch st.op {
				case "allow":
					v, err := s.Store.Allow(ctx, st.key)
					if err != nil {
						t.Fatalf("step %d: Allow(%q): %v", i, st.key, err)
					}
					want := auth.Verdict{OK: st.d == 0, RetryAfter: st.d, Failed: st.d > 0}
					if st.failed != nil {
						want.Failed = *st.failed
					}
					if v.OK != want.OK || v.RetryAfter != want.RetryAfter || (st.d > 0 || st.failed != nil) && v.Failed != want.Failed {
						t.Fatalf("step %d: Allow(%q) = %+v; want %+v", i, st.key, v, want)
					}
				case "fail":
					for range st.count {
						if err := s.Store.Failure(ctx, st.key); err != nil {
							t.Fatalf("step %d: Failure(%q): %v", i, st.key, err)
						}
					}
				case "success":
					if err := s.Store.Success(ctx, st.key); err != nil {
						t.Fatalf("step %d: Success(%q): %v", i, st.key, err)
					}
				case "wait":
					clock.Advance(st.d)
				case "tracked":
					if s.Tracked == nil {
						continue
					}
					if got := s.Tracked(); got != st.count {
						t.Fatalf("step %d: %d keys tracked, want %d", i, got, st.count)
					}
				default:
					t.Fatalf("step %d: unknown op %q", i, st.op)
				}
				if s.Check != nil {
					s.Check(t)
				}
			}
		})
	}
}

// Clock is a clock that moves only when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at a fixed whole second.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// A step of a Limiter scenario.
type step struct {
	op    string // "allow", "fail", "success", "wait" or "tracked"
	key   string
	d     time.Duration // for "allow": want retryAfter (zero: want ok); for "wait": how long
	count int           // for "fail": how many failures (default 1); for "tracked": want keys
	// for "allow" with ok: want Verdict.Failed, when set (a refused key has
	// always failed)
	failed *bool
}

func allowed(key string) step                  { return step{op: "allow", key: key} }
func refused(key string, d time.Duration) step { return step{op: "allow", key: key, d: d} }

// clean is allowed with no failure on record: a success would forget nothing.
func clean(key string) step { return step{op: "allow", key: key, failed: new(false)} }

// marked is allowed with failures on record, which a success forgets.
func marked(key string) step       { return step{op: "allow", key: key, failed: new(true)} }
func fail(key string) step         { return step{op: "fail", key: key, count: 1} }
func fails(key string, n int) step { return step{op: "fail", key: key, count: n} }
func success(key string) step      { return step{op: "success", key: key} }
func wait(d time.Duration) step    { return step{op: "wait", d: d} }
func tracked(n int) step           { return step{op: "tracked", count: n} }

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

// Cases returns the scenarios every LimiterStore must pass, with the policy
// of auth.LimiterConfig. Those marked MemoryOnly test MaxKeys, which bounds
// only the memory Limiter.
func Cases() []Case {
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
	return []Case{
		{Name: "ok/unknown key allowed", Steps: []step{clean("a"), tracked(0)}},
		{Name: "ok/five failures free, sixth attempt refused for Base",
			Steps: lockOut("a", base)},
		{Name: "ok/four failures free", Steps: []step{fails("a", 4), marked("a")}},
		{Name: "ok/lock-out counts down",
			Steps: concat(lockOut("a", base), []step{
				wait(400 * time.Millisecond), refused("a", 600*time.Millisecond),
				wait(600 * time.Millisecond), marked("a"),
			})},
		{Name: "ok/lock-out doubles up to Max",
			Steps: concat(lockOut("a", base), doubling)},
		{Name: "ok/failure while locked out doubles",
			Steps: concat(lockOut("a", base), []step{fail("a"), refused("a", 2*base), fail("a"), refused("a", 4*base)})},
		{Name: "ok/success resets",
			Steps: concat(lockOut("a", base), []step{fail("a"), refused("a", 2*base), success("a"), clean("a"), tracked(0)},
				lockOut("a", base))},
		{Name: "ok/success of unknown key", Steps: []step{success("a"), clean("a"), tracked(0)}},
		{Name: "ok/failures within window count",
			Steps: []step{fails("a", 4), wait(window - time.Second), allowed("a"), fail("a"), refused("a", base)}},
		{Name: "ok/window expiry forgets failures",
			Steps: []step{fails("a", 4), wait(window), clean("a"), fails("a", 4), marked("a"), fail("a"), refused("a", base)}},
		{Name: "ok/window is counted from the first failure",
			Steps: []step{fail("a"), wait(10 * time.Minute), fails("a", 3), wait(5 * time.Minute), fail("a"), allowed("a")}},
		{Name: "ok/key over the limit stays escalated while failing",
			Steps: concat(lockOut("a", base), []step{
				wait(10 * time.Minute), allowed("a"), fail("a"), refused("a", 2*base),
				wait(10 * time.Minute), allowed("a"), fail("a"), refused("a", 4*base),
			})},
		{Name: "ok/idle key over the limit is forgotten",
			Steps: concat(lockOut("a", base), []step{
				fail("a"), refused("a", 2*base),
				wait(window - time.Second), allowed("a"), tracked(1),
				wait(time.Second), clean("a"), tracked(0), fails("a", 4), allowed("a"),
			})},
		{Name: "ok/keys are independent",
			Steps: concat(lockOut("a", base), []step{allowed("b"), fails("b", 4), allowed("b"), refused("a", base), success("b"), refused("a", base)})},
		{Name: "ok/idle entries dropped lazily",
			Steps: []step{fail("a"), fail("b"), tracked(2), wait(window), tracked(2), fail("c"), tracked(1), allowed("a")}},
		{Name: "ok/MaxKeys evicts the least recently failed",
			Cfg: auth.LimiterConfig{MaxKeys: 2}, MemoryOnly: true,
			Steps: concat(lockOut("a", base), lockOut("b", base), []step{
				fail("c"), tracked(2), allowed("a"), refused("b", base),
				fail("b"), fail("a"), tracked(2), refused("b", 2*base), allowed("c"),
			})},
		{Name: "ok/custom config",
			Cfg: auth.LimiterConfig{Free: 1, Window: time.Minute, Base: time.Minute, Max: 90 * time.Second},
			Steps: []step{
				allowed("a"), fail("a"), refused("a", time.Minute), fail("a"), refused("a", 90*time.Second),
				fail("a"), refused("a", 90*time.Second), wait(90 * time.Second), allowed("a"), tracked(0),
			}},
		{Name: "ok/lock-out longer than Window outlives idleness",
			Cfg: auth.LimiterConfig{Free: 1, Window: time.Minute, Base: 10 * time.Minute, MaxKeys: 1}, MemoryOnly: true,
			Steps: []step{
				fail("a"), wait(2 * time.Minute), refused("a", 8*time.Minute), tracked(1),
				fail("b"), tracked(1), allowed("a"), // evicted, not pruned: MaxKeys is 1
				wait(10 * time.Minute), allowed("b"), tracked(0),
			}},
		{Name: "ok/Max below Base is raised to Base",
			Cfg:   auth.LimiterConfig{Free: 1, Base: time.Minute, Max: time.Second},
			Steps: []step{fail("a"), refused("a", time.Minute), fail("a"), refused("a", time.Minute)}},
	}
}
