package auth

import (
	"testing"
	"time"
)

// Tracked counts the keys l tracks, idle ones not yet dropped included.
func (l *Limiter) Tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// CheckLimiter fails t if the internal state of l is inconsistent.
func CheckLimiter(t *testing.T, l *Limiter) {
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
		if e.LastFailure.Before(prev) {
			t.Fatalf("key %q failed at %v, before the entry ahead of it (%v)", e.key, e.LastFailure, prev)
		}
		prev = e.LastFailure
		if e.Lockout < 0 || e.Lockout > l.cfg.Max {
			t.Fatalf("key %q: lock-out %v outside [0, %v]", e.key, e.Lockout, l.cfg.Max)
		}
	}
}
