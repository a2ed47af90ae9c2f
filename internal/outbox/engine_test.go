package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// recorder is a channel that records what it is asked to deliver and fails
// the first fail attempts.
type recorder struct {
	mu   sync.Mutex
	got  []int64 // delivery ids, one per attempt
	fail int
}

func (r *recorder) Name() string { return "test" }

func (r *recorder) Targets(_ context.Context, ns []*Notice) ([][]string, error) {
	out := make([][]string, len(ns))
	for i := range ns {
		out[i] = []string{"a", "b"}
	}
	return out, nil
}

func (r *recorder) Deliver(_ context.Context, d *Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, d.ID)
	if r.fail > 0 {
		r.fail--
		return &StatusError{Code: 500, Err: errors.New("answered 500")}
	}
	return nil
}

func (r *recorder) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// clock is a test clock that moves when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestOutbox(t *testing.T, db *store.DB, ch Channel, clk *clock) *Outbox {
	b := New(db, nil, Options{Now: clk.now, Timeout: time.Second, Lease: time.Minute,
		BackoffBase: time.Second, BackoffMax: 4 * time.Second, MaxAttempts: 3})
	b.Register(ch)
	return b
}

func addNotice(t *testing.T, db *store.DB, key string, clk *clock) {
	t.Helper()
	err := Add(context.Background(), db.Ent.OutboxNotice, key, Notice{Type: Test, AccountID: 1}, clk.now())
	if err != nil {
		t.Fatal(err)
	}
}

// A notice written twice under one key is one notice; it fans out into one
// delivery per target, once however often fan-out runs.
func TestNoticeOnceFanOutOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Now().UTC()}
		b := newTestOutbox(t, db, &recorder{}, clk)
		addNotice(t, db, "k1", clk)
		addNotice(t, db, "k1", clk)
		if n := db.Ent.OutboxNotice.Query().CountX(ctx); n != 1 {
			t.Fatalf("notices: %d, want 1", n)
		}
		for range 2 {
			if _, err := b.FanOut(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := db.Ent.OutboxDelivery.Query().CountX(ctx); n != 2 {
			t.Fatalf("deliveries: %d, want 2 (one per target)", n)
		}
	})
}

// A sender that dies after leasing (the lease committed, no outcome
// written) leaves the delivery alone until the lease ends; then it is sent
// exactly once more.
func TestKilledSenderResentOnceAfterLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Now().UTC()}
		rec := &recorder{}
		dead := newTestOutbox(t, db, rec, clk)
		addNotice(t, db, "k1", clk)
		if _, err := dead.FanOut(ctx); err != nil {
			t.Fatal(err)
		}
		ls, err := dead.claim(ctx, 10)
		if err != nil || len(ls) != 2 {
			t.Fatalf("claim: %d leases, %v", len(ls), err)
		}
		// The sender is gone: another one finds nothing to send while the
		// leases run.
		alive := newTestOutbox(t, db, rec, clk)
		if n, err := alive.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("during the lease: %d attempts, %v", n, err)
		}
		clk.add(time.Minute + time.Second)
		if n, err := alive.RunDue(ctx); err != nil || n != 2 {
			t.Fatalf("after the lease: %d attempts, %v; want 2", n, err)
		}
		if n, err := alive.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("again: %d attempts, %v", n, err)
		}
		if rec.attempts() != 2 {
			t.Fatalf("channel saw %d attempts, want 2", rec.attempts())
		}
		sent := db.Ent.OutboxDelivery.Query().Where(outboxdelivery.StateEQ(outboxdelivery.StateSent)).CountX(ctx)
		if sent != 2 {
			t.Fatalf("sent deliveries: %d, want 2", sent)
		}
		for _, d := range db.Ent.OutboxDelivery.Query().AllX(ctx) {
			if d.Attempts != 2 {
				t.Errorf("delivery %d: %d attempts, want 2 (the lost one and the resend)", d.ID, d.Attempts)
			}
		}
	})
}

// Failures back off and retry; after MaxAttempts the delivery is dead.
func TestRetryThenDead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Now().UTC()}
		rec := &recorder{fail: 100}
		b := newTestOutbox(t, db, rec, clk)
		addNotice(t, db, "k1", clk)
		for i := range 3 {
			if _, err := b.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			if i < 2 {
				// Not due again before its backoff.
				if n, _ := b.RunDue(ctx); n != 0 {
					t.Fatalf("attempt %d: retried at once", i+1)
				}
			}
			clk.add(5 * time.Second)
		}
		ds := db.Ent.OutboxDelivery.Query().AllX(ctx)
		for _, d := range ds {
			if d.State != outboxdelivery.StateDead || d.Attempts != 3 || d.LastStatus != 500 {
				t.Errorf("delivery %d: %s after %d attempts (status %d), want dead after 3 (500)", d.ID, d.State, d.Attempts, d.LastStatus)
			}
		}
		if n, _ := b.RunDue(ctx); n != 0 {
			t.Fatalf("a dead delivery was tried again")
		}
	})
}

// Purge deletes what ended Retention ago and keeps what is pending.
func TestPurge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Now().UTC()}
		b := newTestOutbox(t, db, &recorder{}, clk)
		addNotice(t, db, "old", clk)
		if _, err := b.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Minute)
		addNotice(t, db, "pending", clk)
		if _, err := b.FanOut(ctx); err != nil {
			t.Fatal(err)
		}
		clk.add(Retention + time.Hour)
		n, err := b.Purge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 { // the two sent deliveries of "old" and the notice
			t.Fatalf("purged %d rows, want 3", n)
		}
		left := db.Ent.OutboxNotice.Query().AllX(ctx)
		if len(left) != 1 || left[0].DedupeKey != "pending" || db.Ent.OutboxDelivery.Query().CountX(ctx) != 2 {
			t.Fatalf("left: %v", left)
		}
	})
}

// stopper is a channel whose Targets is where the process stops: it cancels
// the fan-out's context and answers as a database call then does.
type stopper struct {
	recorder
	stop context.CancelFunc
}

func (s *stopper) Targets(ctx context.Context, _ []*Notice) ([][]string, error) {
	s.stop()
	return nil, ctx.Err()
}

// A stop in the middle of a fan-out is not a failure to warn about: FanOut
// returns at once, with the notices it did not finish left for the next
// start.
func TestFanOutStopsQuietly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		clk := &clock{t: time.Now().UTC()}
		var logged bytes.Buffer
		ctx, stop := context.WithCancel(context.Background())
		b := New(db, slog.New(slog.NewTextHandler(&logged, nil)), Options{Now: clk.now})
		b.Register(&stopper{stop: stop})
		addNotice(t, db, "k1", clk)
		addNotice(t, db, "k2", clk)
		if _, err := b.FanOut(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("FanOut after a stop: %v, want context.Canceled", err)
		}
		if logged.Len() > 0 {
			t.Errorf("a stop logged:\n%s", logged.String())
		}
		if n := db.Ent.OutboxNotice.Query().Where(outboxnotice.FannedOut(false)).CountX(context.Background()); n != 2 {
			t.Errorf("%d notices left to fan out, want 2", n)
		}
	})
}

// picky has a target for the notices of account 1 only.
type picky struct{ recorder }

func (p *picky) Targets(_ context.Context, ns []*Notice) ([][]string, error) {
	out := make([][]string, len(ns))
	for i, n := range ns {
		if n.AccountID == 1 {
			out[i] = []string{"a"}
		}
	}
	return out, nil
}

// Notices without a target are marked fanned out together with those that
// have one, once, and get no deliveries.
func TestFanOutWithoutTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Now().UTC()}
		b := newTestOutbox(t, db, &picky{}, clk)
		for acc := int64(1); acc <= 3; acc++ {
			if err := Add(ctx, db.Ent.OutboxNotice, fmt.Sprint("k", acc), Notice{Type: Test, AccountID: acc}, clk.now()); err != nil {
				t.Fatal(err)
			}
		}
		for i, want := range []int{3, 0} {
			n, err := b.FanOut(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("fan-out %d: %d notices, want %d", i+1, n, want)
			}
		}
		if n := db.Ent.OutboxNotice.Query().Where(outboxnotice.FannedOut(false)).CountX(ctx); n != 0 {
			t.Errorf("%d notices left to fan out", n)
		}
		ds := db.Ent.OutboxDelivery.Query().AllX(ctx)
		if len(ds) != 1 || ds[0].AccountID != 1 {
			t.Errorf("deliveries %v, want one, for account 1", ds)
		}
	})
}
