package auth

import (
	"container/list"
	"sync"
	"time"
)

// Limiter slows down repeated failed logins per key: the client address, and
// separately the login.
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
	key         string
	failures    int           // failures since windowStart
	windowStart time.Time     // first failure of the current window
	lastFailure time.Time     // most recent failure
	lockout     time.Duration // current lock-out; zero while under the limit
	lockedUntil time.Time     // attempts are refused before this
}

// idle reports whether e can be forgotten at now.
func (e *limiterEntry) idle(now time.Time, window time.Duration) bool {
	return now.Sub(e.lastFailure) >= window && !now.Before(e.lockedUntil)
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
// Free=5, Window=15m, Base=1s, Max=5m, MaxKeys=100000, Now=time.Now.
func NewLimiter(c LimiterConfig) *Limiter {
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
	return &Limiter{cfg: c, keys: make(map[string]*list.Element)}
}

// Allow reports whether an attempt for key may proceed now. When it may not,
// retryAfter is how long until it may.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.lookup(key, now)
	if e == nil || !now.Before(e.lockedUntil) {
		return true, 0
	}
	return false, e.lockedUntil.Sub(now)
}

// Failure records a failed attempt for key.
func (l *Limiter) Failure(key string) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	e := l.lookup(key, now)
	if e == nil {
		if len(l.keys) >= l.cfg.MaxKeys {
			l.remove(l.order.Front())
		}
		e = &limiterEntry{key: key, windowStart: now}
		l.keys[key] = l.order.PushBack(e)
	} else {
		l.order.MoveToBack(l.keys[key])
	}
	if e.lockout == 0 && now.Sub(e.windowStart) >= l.cfg.Window {
		e.failures, e.windowStart = 0, now
	}
	e.failures++
	e.lastFailure = now
	if e.failures < l.cfg.Free {
		return
	}
	switch {
	case e.lockout == 0:
		e.lockout = l.cfg.Base
	case e.lockout > l.cfg.Max/2:
		e.lockout = l.cfg.Max
	default:
		e.lockout *= 2
	}
	e.lockedUntil = now.Add(e.lockout)
}

// Success forgets key, as after a successful login.
func (l *Limiter) Success(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.remove(el)
	}
}

// lookup returns the entry of key, or nil if there is none or it is idle (and
// then dropped). l.mu must be held.
func (l *Limiter) lookup(key string, now time.Time) *limiterEntry {
	el, ok := l.keys[key]
	if !ok {
		return nil
	}
	e := el.Value.(*limiterEntry)
	if e.idle(now, l.cfg.Window) {
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
		if !el.Value.(*limiterEntry).idle(now, l.cfg.Window) {
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
