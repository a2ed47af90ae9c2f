package pki

import (
	"context"
	"crypto"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// KeyPool keeps a bounded number of freshly generated private keys of one
// type ready to hand out.
//
// It exists because RSA key generation is slow and its time is erratic: it
// searches for two random primes, so an RSA-2048 key takes tens of
// milliseconds on average with a long tail, and RSA-4096 can take seconds.
// Orders come in bursts (a reseller's script ordering fifty certificates, a
// renewal run), and without a pool each of them waits for its own prime
// search on a small machine's few cores. The pool does that work ahead of
// time, in the background, with at most a fixed number of goroutines, so a
// burst up to the pool's size is served at once and the rest falls back to
// generating inline.
//
// Each key is handed out once and never again: the pool does not keep a
// reference to a key after Get returns it. Keys are held only in memory and
// are dropped on Close.
type KeyPool struct {
	kt    KeyType
	keys  chan crypto.Signer // ready keys
	slots chan struct{}      // one token per key that may be generated: ready + generating + tokens = size
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	gen   func(KeyType) (crypto.Signer, error) // GenerateKey; tests replace it
	retry time.Duration                        // wait after a failed generation

	pooled, inline, failures atomic.Uint64
}

// KeyPoolStats is a snapshot of a pool, for metrics.
type KeyPoolStats struct {
	Ready    int    // keys ready now
	Size     int    // the most keys the pool keeps
	Pooled   uint64 // keys handed out from the pool
	Inline   uint64 // keys generated inline because the pool was empty
	Failures uint64 // background generations that failed
}

// retryDelay is how long a worker waits after a failed generation.
const retryDelay = time.Second

// NewKeyPool starts a pool of up to size ready keys of type kt, filled by
// at most workers background goroutines (no more than size). With size 0 or
// workers 0 there is no background work and Get always generates inline. On
// a machine with few cores one worker is usually right: generation competes
// with serving requests. Call Close to stop the workers.
func NewKeyPool(kt KeyType, size, workers int) (*KeyPool, error) {
	if !kt.Valid() {
		return nil, fmt.Errorf("pki: key pool: invalid key type %v", kt)
	}
	if size < 0 || workers < 0 {
		return nil, fmt.Errorf("pki: key pool: size %d and workers %d must not be negative", size, workers)
	}
	return newKeyPool(kt, size, workers, GenerateKey, retryDelay), nil
}

func newKeyPool(kt KeyType, size, workers int, gen func(KeyType) (crypto.Signer, error), retry time.Duration) *KeyPool {
	if workers == 0 {
		size = 0 // nothing would fill it
	}
	p := &KeyPool{
		kt:    kt,
		keys:  make(chan crypto.Signer, size),
		slots: make(chan struct{}, size),
		done:  make(chan struct{}),
		gen:   gen,
		retry: retry,
	}
	for range size {
		p.slots <- struct{}{}
	}
	workers = min(workers, size)
	p.wg.Add(workers)
	for range workers {
		go p.work()
	}
	return p
}

// work generates a key for each free slot until the pool is closed.
func (p *KeyPool) work() {
	defer p.wg.Done()
	for {
		select {
		case <-p.done:
			return
		case <-p.slots:
		}
		select {
		case <-p.done:
			return
		default:
		}
		k, err := p.gen(p.kt)
		if err != nil {
			p.failures.Add(1)
			p.slots <- struct{}{} // cannot block: the token taken above is returned
			select {
			case <-p.done:
				return
			case <-time.After(p.retry):
			}
			continue
		}
		p.keys <- k // cannot block: a slot was taken for it
	}
}

// Get returns a new private key: a ready one from the pool when there is one,
// otherwise one generated inline (which then takes the full generation time;
// it is not interrupted by ctx). It returns ctx's error if ctx is already
// done. After Close it still works, generating every key inline.
func (p *KeyPool) Get(ctx context.Context) (crypto.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case k := <-p.keys:
		p.pooled.Add(1)
		p.slots <- struct{}{} // cannot block: the slot of the key just taken
		return k, nil
	default:
	}
	p.inline.Add(1)
	return p.gen(p.kt)
}

// KeyType returns the type of the keys the pool hands out.
func (p *KeyPool) KeyType() KeyType { return p.kt }

// Stats returns the pool's counters.
func (p *KeyPool) Stats() KeyPoolStats {
	return KeyPoolStats{
		Ready:    len(p.keys),
		Size:     cap(p.keys),
		Pooled:   p.pooled.Load(),
		Inline:   p.inline.Load(),
		Failures: p.failures.Load(),
	}
}

// Close stops the background workers, waits for them (at most the time of
// one generation each) and drops the ready keys. It is safe to call more than
// once and concurrently with Get.
func (p *KeyPool) Close() {
	p.once.Do(func() {
		close(p.done)
		p.wg.Wait()
		for {
			select {
			case <-p.keys:
			default:
				return
			}
		}
	})
}
