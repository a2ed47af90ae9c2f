package pki

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingGen wraps GenerateKey, counting calls and the most running at once.
type countingGen struct {
	calls, running, maxRunning atomic.Int64
	failFirst                  atomic.Int64 // fail this many calls first
	delay                      time.Duration
}

var errTestGen = errors.New("test generator failure")

func (g *countingGen) gen(kt KeyType) (crypto.Signer, error) {
	g.calls.Add(1)
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for {
		m := g.maxRunning.Load()
		if n <= m || g.maxRunning.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(g.delay)
	if g.failFirst.Add(-1) >= 0 {
		return nil, errTestGen
	}
	return GenerateKey(kt)
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewKeyPool(t *testing.T) {
	tests := []struct {
		name                string
		kt                  KeyType
		size, workers, want int // want: ready keys after filling
		err                 string
	}{
		{name: "ok/filled", kt: ECDSAP256, size: 4, workers: 2, want: 4},
		{name: "ok/more workers than size", kt: ECDSAP256, size: 2, workers: 8, want: 2},
		{name: "ok/no workers means no pool", kt: ECDSAP256, size: 4, workers: 0, want: 0},
		{name: "ok/no size", kt: ECDSAP256, size: 0, workers: 2, want: 0},
		{name: "error/invalid key type", kt: 0, size: 1, workers: 1, err: "invalid key type"},
		{name: "error/negative size", kt: RSA2048, size: -1, workers: 1, err: "must not be negative"},
		{name: "error/negative workers", kt: RSA2048, size: 1, workers: -1, err: "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewKeyPool(tt.kt, tt.size, tt.workers)
			if wantErr(t, err, tt.err) {
				return
			}
			defer p.Close()
			if p.KeyType() != tt.kt {
				t.Errorf("KeyType = %v", p.KeyType())
			}
			if tt.want > 0 {
				waitFor(t, "the pool is full", func() bool { return p.Stats().Ready == tt.want })
			}
			time.Sleep(20 * time.Millisecond) // it must not overfill
			wantSize := tt.size
			if tt.workers == 0 {
				wantSize = 0
			}
			if s := p.Stats(); s.Ready != tt.want || s.Size != wantSize {
				t.Errorf("Stats = %+v, want Ready %d, Size %d", s, tt.want, wantSize)
			}
			k, err := p.Get(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := k.(*ecdsa.PrivateKey); !ok {
				t.Errorf("Get returned a %T", k)
			}
			s := p.Stats()
			if tt.want > 0 && (s.Pooled != 1 || s.Inline != 0) {
				t.Errorf("Stats = %+v, want one pooled key", s)
			}
			if tt.want == 0 && (s.Pooled != 0 || s.Inline != 1) {
				t.Errorf("Stats = %+v, want one inline key", s)
			}
		})
	}
}

func TestKeyPoolBoundedAndRefilled(t *testing.T) {
	g := &countingGen{delay: time.Millisecond}
	const size, workers = 5, 2
	p := newKeyPool(ECDSAP256, size, workers, g.gen, time.Millisecond)
	defer p.Close()
	waitFor(t, "the pool is full", func() bool { return p.Stats().Ready == size })
	time.Sleep(20 * time.Millisecond)
	if n := g.calls.Load(); n != size {
		t.Fatalf("%d keys generated for a pool of %d", n, size)
	}
	for range 3 {
		if _, err := p.Get(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the pool is refilled", func() bool { return p.Stats().Ready == size })
	time.Sleep(20 * time.Millisecond)
	if n := g.calls.Load(); n != size+3 {
		t.Errorf("%d keys generated, want %d", n, size+3)
	}
	if m := g.maxRunning.Load(); m > workers {
		t.Errorf("%d generations ran at once, want at most %d", m, workers)
	}
}

func TestKeyPoolNeverReuses(t *testing.T) {
	p, err := NewKeyPool(ECDSAP256, 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	waitFor(t, "the pool is full", func() bool { return p.Stats().Ready == 8 })
	const callers, each = 8, 10
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
	)
	for range callers {
		wg.Go(func() {
			for range each {
				k, err := p.Get(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				pub := k.Public().(*ecdsa.PublicKey)
				id := pub.X.String()
				mu.Lock()
				if seen[id] {
					t.Errorf("key %s handed out twice", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != callers*each {
		t.Errorf("%d distinct keys, want %d", len(seen), callers*each)
	}
	s := p.Stats()
	if s.Pooled+s.Inline != callers*each || s.Pooled < 8 {
		t.Errorf("Stats = %+v", s)
	}
}

func TestKeyPoolGetErrors(t *testing.T) {
	t.Run("error/context done", func(t *testing.T) {
		p, err := NewKeyPool(ECDSAP256, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := p.Get(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Get = %v, want context.Canceled", err)
		}
	})
	t.Run("error/inline generation fails", func(t *testing.T) {
		g := &countingGen{}
		g.failFirst.Store(1)
		p := newKeyPool(ECDSAP256, 0, 0, g.gen, time.Millisecond)
		defer p.Close()
		if _, err := p.Get(context.Background()); !errors.Is(err, errTestGen) {
			t.Errorf("Get = %v, want the generator's error", err)
		}
		if _, err := p.Get(context.Background()); err != nil {
			t.Errorf("second Get = %v", err)
		}
	})
	t.Run("ok/background failures are retried", func(t *testing.T) {
		g := &countingGen{}
		g.failFirst.Store(3)
		p := newKeyPool(ECDSAP256, 2, 1, g.gen, time.Millisecond)
		defer p.Close()
		waitFor(t, "the pool is full", func() bool { return p.Stats().Ready == 2 })
		if s := p.Stats(); s.Failures != 3 {
			t.Errorf("Stats = %+v, want 3 failures", s)
		}
	})
}

func TestKeyPoolClose(t *testing.T) {
	g := &countingGen{delay: 5 * time.Millisecond}
	p := newKeyPool(ECDSAP256, 50, 2, g.gen, time.Millisecond)
	waitFor(t, "a key is ready", func() bool { return p.Stats().Ready > 0 })
	p.Close()
	p.Close() // idempotent
	calls := g.calls.Load()
	if r := g.running.Load(); r != 0 {
		t.Errorf("%d generations still running after Close", r)
	}
	if s := p.Stats(); s.Ready != 0 {
		t.Errorf("%d keys kept after Close", s.Ready)
	}
	k, err := p.Get(context.Background())
	if err != nil || k == nil {
		t.Fatalf("Get after Close = %v, %v", k, err)
	}
	time.Sleep(20 * time.Millisecond)
	if n := g.calls.Load(); n != calls+1 {
		t.Errorf("%d generations after Close, want only the inline one", n-calls)
	}
	if s := p.Stats(); s.Inline != 1 {
		t.Errorf("Stats = %+v, want one inline key", s)
	}

	t.Run("ok/concurrent close and get", func(t *testing.T) {
		p, err := NewKeyPool(ECDSAP256, 4, 2)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 5 {
					if _, err := p.Get(context.Background()); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Go(p.Close)
		wg.Wait()
		p.Close()
	})
}
