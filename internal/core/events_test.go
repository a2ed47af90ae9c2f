package core

import (
	"slices"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/rpc"
)

// TestBrokerLateLowerID: an event that commits after one with a higher id
// (interleaved Galera auto_increment ids, or two transactions committing in
// the other order) is still fanned out, once, and every event only once.
func TestBrokerLateLowerID(t *testing.T) {
	b := &Broker{subs: map[*Watcher]struct{}{}, seen: map[int64]time.Time{}, floor: 10}
	w := NewWatcher(rpc.OperatorPrincipal(), nil)
	b.subs[w] = struct{}{}
	ev := func(ids ...int64) []*ent.CertificateEvent {
		var out []*ent.CertificateEvent
		for _, id := range ids {
			out = append(out, &ent.CertificateEvent{ID: id, AccountID: 1})
		}
		return out
	}
	t0 := time.Unix(1_000_000, 0)
	b.fanOut(ev(11, 13, 14), t0)                          // 12 is not committed yet
	b.fanOut(ev(11, 12, 13, 14, 16), t0.Add(time.Second)) // now it is, and 16 too
	b.fanOut(ev(11, 12, 13, 14, 16), t0.Add(2*time.Second))
	var got []int64
	for len(w.ch) > 0 {
		got = append(got, (<-w.ch).ID)
	}
	if want := []int64{11, 13, 14, 12, 16}; !slices.Equal(got, want) {
		t.Fatalf("fanned out %v, want %v", got, want)
	}
	if b.floor != 10 {
		t.Fatalf("floor moved to %d before the events settled", b.floor)
	}
	// Once settled, the floor passes them and they are forgotten; 15, which
	// commits later still, is read from the floor and sent.
	b.fanOut(ev(15), t0.Add(eventSettle+time.Second/2))
	if b.floor != 14 || len(b.seen) != 2 {
		t.Fatalf("after settling: floor %d, seen %v; want floor 14, seen {15, 16}", b.floor, b.seen)
	}
	if e := <-w.ch; e.ID != 15 {
		t.Fatalf("got event %d, want 15", e.ID)
	}
}
