package auth

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// LimiterStore keeps the failed-login state of keys and applies the policy of
// [LimiterConfig] to it. [Limiter] keeps it in memory, for one process;
// internal/store's LoginLimiter keeps it in the database, so that every
// replica of certsvc shares the limits. Implementations are safe for
// concurrent use. An error means the state could not be read or written (the
// database is unavailable, say).
type LimiterStore interface {
	// Allow tells whether an attempt for key may proceed now.
	Allow(ctx context.Context, key string) (Verdict, error)
	// Failure records a failed attempt for key.
	Failure(ctx context.Context, key string) error
	// Success forgets key, as after a successful login.
	Success(ctx context.Context, key string) error
}

// AllowBoth is a.Allow(ctx, keyA) and b.Allow(ctx, keyB): a login and its
// client's address, say, which every password check asks. A store that can
// read both keys in one look-up (store.LoginLimiter, in one query when both
// are of the same database) does so.
func AllowBoth(ctx context.Context, a LimiterStore, keyA string, b LimiterStore, keyB string) (Verdict, Verdict, error) {
	if p, ok := a.(interface {
		AllowWith(ctx context.Context, key string, other LimiterStore, otherKey string) (v, w Verdict, done bool, err error)
	}); ok {
		if v, w, done, err := p.AllowWith(ctx, keyA, b, keyB); done || err != nil {
			return v, w, err
		}
	}
	v, err := a.Allow(ctx, keyA)
	if err != nil {
		return Verdict{}, Verdict{}, err
	}
	w, err := b.Allow(ctx, keyB)
	return v, w, err
}

// Verdict is what [LimiterStore.Allow] finds for a key.
type Verdict struct {
	OK         bool          // an attempt may proceed now
	RetryAfter time.Duration // when not OK, how long until one may
	// Failed tells that the key has failures on record, so that a success
	// has something to forget: a caller skips Success when it is false, and
	// a login that never failed costs no write.
	Failed bool
}

// LimiterState is the state of one key: what a [LimiterStore] keeps. The zero
// state is a key that never failed.
type LimiterState struct {
	Failures    int           // failures since WindowStart
	WindowStart time.Time     // first failure of the current window
	LastFailure time.Time     // most recent failure
	Lockout     time.Duration // current lock-out; zero while under the limit
	LockedUntil time.Time     // attempts are refused before this
}

// Idle reports whether s can be forgotten at now: it has gone Window without
// a failure and its lock-out has ended. c must have its defaults
// ([LimiterConfig.WithDefaults]).
func (c LimiterConfig) Idle(s LimiterState, now time.Time) bool {
	return now.Sub(s.LastFailure) >= c.Window && !now.Before(s.LockedUntil)
}

// ExpireTime is when s becomes idle, if no failure comes first.
func (c LimiterConfig) ExpireTime(s LimiterState) time.Time {
	t := s.LastFailure.Add(c.Window)
	if s.LockedUntil.After(t) {
		return s.LockedUntil
	}
	return t
}

// Allowed is Allow of a key in state s at now.
func (c LimiterConfig) Allowed(s LimiterState, now time.Time) Verdict {
	switch {
	case c.Idle(s, now):
		return Verdict{OK: true}
	case !now.Before(s.LockedUntil):
		return Verdict{OK: true, Failed: true}
	}
	return Verdict{RetryAfter: s.LockedUntil.Sub(now), Failed: true}
}

// Fail returns s after a failure at now. An idle s counts as a new key.
func (c LimiterConfig) Fail(s LimiterState, now time.Time) LimiterState {
	if c.Idle(s, now) {
		s = LimiterState{WindowStart: now}
	}
	if s.Lockout == 0 && now.Sub(s.WindowStart) >= c.Window {
		s.Failures, s.WindowStart = 0, now
	}
	s.Failures++
	s.LastFailure = now
	if s.Failures < c.Free {
		return s
	}
	switch {
	case s.Lockout == 0:
		s.Lockout = c.Base
	case s.Lockout > c.Max/2:
		s.Lockout = c.Max
	default:
		s.Lockout *= 2
	}
	s.LockedUntil = now.Add(s.Lockout)
	return s
}

// Limiter slows down repeated failed logins per key: the client address, and
// separately the login. It is the [LimiterStore] of one process, in memory.
//
// After Free failures within Window, every further attempt for that key is
// refused until a lock-out ends. The lock-out starts at Base with the Free-th
// failure, and each failure while over the limit doubles it, up to Max. A key
// over the limit stays there until it has gone Window without a failure and
// its lock-out has ended, or until Success. Success resets the key.
//
// A Limiter is safe for concurrent use. Its memory is bounded: at most MaxKeys
// keys are tracked, the least recently failed evicted first, and entries idle
// longer than Window are dropped lazily. Eviction forgets a lock-out, so
// MaxKeys should be well above the number of keys an attacker can fail with
// inside Window.
type Limiter struct {
	cfg LimiterConfig

	mu    sync.Mutex
	keys  map[string]*list.Element // values are *limiterEntry
	order list.List                // least recently failed first
}

// limiterEntry is the state of one key.
type limiterEntry struct {
	key string
	LimiterState
}

// LimiterConfig configures a [Limiter]. Zero (or negative) fields take the
// defaults listed at [NewLimiter].
type LimiterConfig struct {
	// Free is how many failures within Window are allowed before lock-outs.
	Free int
	// Window is how long failures are counted, and how long an entry must be
	// idle to be forgotten.
	Window time.Duration
	// Base is the first lock-out; each further failure doubles it.
	Base time.Duration
	// Max caps the lock-out. A Max below Base is raised to Base.
	Max time.Duration
	// MaxKeys bounds the number of keys tracked.
	MaxKeys int
	// Now is the clock.
	Now func() time.Time
}

// NewLimiter returns a Limiter configured by c. Zero fields take the defaults
// of [LimiterConfig.WithDefaults].
func NewLimiter(c LimiterConfig) *Limiter {
	return &Limiter{cfg: c.WithDefaults(), keys: make(map[string]*list.Element)}
}

// WithDefaults returns c with its zero fields set to the defaults Free=5,
// Window=15m, Base=1s, Max=5m, MaxKeys=100000, Now=time.Now, and Max raised
// to Base when below it.
func (c LimiterConfig) WithDefaults() LimiterConfig {
	if c.Free <= 0 {
		c.Free = 5
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.Base <= 0 {
		c.Base = time.Second
	}
	if c.Max <= 0 {
		c.Max = 5 * time.Minute
	}
	c.Max = max(c.Max, c.Base)
	if c.MaxKeys <= 0 {
		c.MaxKeys = 100000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Config returns the configuration of l, with its defaults.
func (l *Limiter) Config() LimiterConfig { return l.cfg }

// Allow tells whether an attempt for key may proceed now. The error is
// always nil.
func (l *Limiter) Allow(_ context.Context, key string) (Verdict, error) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.lookup(key, now)
	if e == nil {
		return Verdict{OK: true}, nil
	}
	return l.cfg.Allowed(e.LimiterState, now), nil
}

// Failure records a failed attempt for key. The error is always nil.
func (l *Limiter) Failure(_ context.Context, key string) error {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	e := l.lookup(key, now)
	if e == nil {
		if len(l.keys) >= l.cfg.MaxKeys {
			l.remove(l.order.Front())
		}
		e = &limiterEntry{key: key}
		l.keys[key] = l.order.PushBack(e)
	} else {
		l.order.MoveToBack(l.keys[key])
	}
	e.LimiterState = l.cfg.Fail(e.LimiterState, now)
	return nil
}

// Success forgets key, as after a successful login. The error is always nil.
func (l *Limiter) Success(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.remove(el)
	}
	return nil
}

// lookup returns the entry of key, or nil if there is none or it is idle (and
// then dropped). l.mu must be held.
func (l *Limiter) lookup(key string, now time.Time) *limiterEntry {
	el, ok := l.keys[key]
	if !ok {
		return nil
	}
	e := el.Value.(*limiterEntry)
	if l.cfg.Idle(e.LimiterState, now) {
		l.remove(el)
		return nil
	}
	return e
}

// prune drops idle entries from the front of the order, stopping at the first
// that is not idle; each entry is dropped once, so the cost is amortised
// constant. l.mu must be held.
func (l *Limiter) prune(now time.Time) {
	for el := l.order.Front(); el != nil; el = l.order.Front() {
		if !l.cfg.Idle(el.Value.(*limiterEntry).LimiterState, now) {
			return
		}
		l.remove(el)
	}
}

// remove drops the entry at el. l.mu must be held.
func (l *Limiter) remove(el *list.Element) {
	delete(l.keys, el.Value.(*limiterEntry).key)
	l.order.Remove(el)
}
