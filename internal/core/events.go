package service

import (
	"context"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect"

	"certsvc/ent"
	"certsvc/ent/certificateevent"
	certsvcv1 "certsvc/gen/certsvc/v1"
)

// broker fans certificate events out to watchers. It reads the event table,
// so it sees the changes of every replica: one query per tick for the whole
// process, however many watchers there are, and at once after a local change.
type broker struct {
	s    *Service
	mu   sync.Mutex
	subs map[*watcher]struct{}
	last int64 // the newest event id already fanned out
	run  bool
	kick chan struct{} // pokes the poll loop
	work chan struct{} // wakes the worker after a local change
}

type watcher struct {
	p   *Principal
	ids []int64
	ch  chan *ent.CertificateEvent
}

func newBroker(s *Service) *broker {
	return &broker{s: s, subs: map[*watcher]struct{}{}, kick: make(chan struct{}, 1), work: make(chan struct{}, 1)}
}

// poke says an event was written: watchers and the worker look sooner.
func (b *broker) poke() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
	select {
	case b.work <- struct{}{}:
	default:
	}
}

// kicked fires after a local change, for the worker.
func (b *broker) kicked() <-chan struct{} { return b.work }

func (b *broker) subscribe(ctx context.Context, w *watcher, after int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.run {
		last, err := b.s.db.CertificateEvent.Query().Aggregate(ent.Max(certificateevent.FieldID)).Int(ctx)
		if err != nil && !ent.IsNotFound(err) {
			last = 0
		}
		b.last, b.run = int64(last), true
		go b.loop()
	}
	b.subs[w] = struct{}{}
	return nil
}

func (b *broker) unsubscribe(w *watcher) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.subs, w)
}

// loop polls for new events while anyone watches.
func (b *broker) loop() {
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
		last := b.last
		b.mu.Unlock()
		evs, err := b.s.db.CertificateEvent.Query().Where(certificateevent.IDGT(last)).
			Order(ent.Asc(certificateevent.FieldID)).Limit(1000).All(ctx)
		if err != nil {
			b.s.log.Error("watch: read events", "error", err)
			continue
		}
		if len(evs) == 0 {
			continue
		}
		b.mu.Lock()
		b.last = evs[len(evs)-1].ID
		for w := range b.subs {
			for _, e := range evs {
				if w.wants(e) {
					select {
					case w.ch <- e:
					default: // a watcher too slow to keep up loses events; it can resume by id
					}
				}
			}
		}
		b.mu.Unlock()
	}
}

func (w *watcher) wants(e *ent.CertificateEvent) bool {
	if !w.p.ownsAccount(e.AccountID) {
		return false
	}
	return len(w.ids) == 0 || slices.Contains(w.ids, e.CertificateID)
}

