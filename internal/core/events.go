package core

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/internal/rpc"
)

// Broker fans certificate events out to watchers. It reads the event table,
// so it sees the changes of every replica: one query per tick for the whole
// process, however many watchers there are, and at once after a local change.
type Broker struct {
	s    *Core
	mu   sync.Mutex
	subs map[*Watcher]struct{}
	// The events fanned out: every id up to floor, and the ids above it in
	// seen with the time they were first read. See loop.
	floor int64
	seen  map[int64]time.Time
	run   bool
	kick  chan struct{} // pokes the poll loop
}

// Watcher is one subscriber to certificate events: the events of the
// certificates its principal may see (all of them, or those of ids).
type Watcher struct {
	p   *rpc.Principal
	ids []int64
	ch  chan *ent.CertificateEvent
}

// watchBuffer is how many events a watcher may fall behind by. A database
// node that stalls for a few seconds (a Galera node leaving the cluster)
// releases the events of those seconds at once, hundreds per account.
const watchBuffer = 4096

// NewWatcher returns a watcher of ids (every visible certificate when
// empty) for p.
func NewWatcher(p *rpc.Principal, ids []int64) *Watcher {
	return &Watcher{p: p, ids: ids, ch: make(chan *ent.CertificateEvent, watchBuffer)}
}

// C delivers the events; a watcher too slow to keep up loses events and
// can resume by id.
func (w *Watcher) C() <-chan *ent.CertificateEvent { return w.ch }

func newBroker(s *Core) *Broker {
	return &Broker{s: s, subs: map[*Watcher]struct{}{}, kick: make(chan struct{}, 1)}
}

// poke says an event was written: watchers look sooner.
func (b *Broker) poke() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// Subscribe adds w; it sees the events written after the newest one now.
func (b *Broker) Subscribe(ctx context.Context, w *Watcher, after int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.run {
		last, err := b.s.db.CertificateEvent.Query().Aggregate(ent.Max(certificateevent.FieldID)).Int(ctx)
		if err != nil && !ent.IsNotFound(err) {
			last = 0
		}
		b.floor, b.seen, b.run = int64(last), map[int64]time.Time{}, true
		go b.loop()
	}
	b.subs[w] = struct{}{}
	return nil
}

// Unsubscribe removes w.
func (b *Broker) Unsubscribe(w *Watcher) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.subs, w)
}

// eventSettle is how long after an event is read a lower id may still
// commit. Ids come from auto_increment when the event is inserted, just
// before its transaction commits, and transactions commit in another order:
// on Galera each node hands out its own interleaved ids
// (auto_increment_increment), and on any MySQL two concurrent transactions
// may commit in the other order. So "id > the newest seen" would skip an
// event that commits late with a lower id. The broker reads again from the
// newest id read more than eventSettle ago (floor), and skips the ids
// above it it has already fanned out (seen).
const eventSettle = 5 * time.Second

// loop polls for new events while anyone watches.
func (b *Broker) loop() {
	ctx := context.Background()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-b.kick: // a change committed
		}
		b.mu.Lock()
		if len(b.subs) == 0 {
			b.run = false
			b.mu.Unlock()
			return
		}
		after := b.floor
		b.mu.Unlock()
		for {
			evs, err := b.s.db.CertificateEvent.Query().Where(certificateevent.IDGT(after)).
				Order(ent.Asc(certificateevent.FieldID)).Limit(eventPage).All(ctx)
			if err != nil {
				b.s.log.Error("watch: read events", "error", err)
				break
			}
			b.mu.Lock()
			b.fanOut(evs, time.Now())
			b.mu.Unlock()
			if len(evs) < eventPage {
				break
			}
			after = evs[len(evs)-1].ID
		}
	}
}

// eventPage is how many events the broker reads in one query.
const eventPage = 1000

// fanOut sends the events of evs not sent yet to the watchers that want
// them, and moves the floor up past the events that have settled. b.mu is
// held.
func (b *Broker) fanOut(evs []*ent.CertificateEvent, now time.Time) {
	for _, e := range evs {
		if _, done := b.seen[e.ID]; done || e.ID <= b.floor {
			continue // sent already (the floor may have passed a page being read)
		}
		b.seen[e.ID] = now
		for w := range b.subs {
			if w.Wants(e) {
				select {
				case w.ch <- e:
				default: // a watcher too slow to keep up loses events; it can resume by id
				}
			}
		}
	}
	for id, at := range b.seen {
		if now.Sub(at) >= eventSettle && id > b.floor {
			b.floor = id
		}
	}
	for id := range b.seen {
		if id <= b.floor {
			delete(b.seen, id)
		}
	}
}

// Wants reports whether w is to see e.
func (w *Watcher) Wants(e *ent.CertificateEvent) bool {
	if !w.p.OwnsAccount(e.AccountID) {
		return false
	}
	return len(w.ids) == 0 || slices.Contains(w.ids, e.CertificateID)
}
