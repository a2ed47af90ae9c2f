package email_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/mail/mailtest"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/email"
	"github.com/certsvc/certsvc/internal/store"
)

// dying is the e-mail channel of a sender process that is killed during a
// delivery: after sending (sent) or before, it ends its process's context
// and returns, so nothing records the attempt; its lease stays behind.
type dying struct {
	*email.Channel
	sent bool
	kill context.CancelFunc
}

func (d *dying) Deliver(ctx context.Context, dl *outbox.Delivery) error {
	var err error
	if d.sent {
		err = d.Channel.Deliver(ctx, dl)
	}
	d.kill()
	<-ctx.Done()
	if err != nil {
		return err
	}
	return ctx.Err()
}

// TestDeliveryAfterCrash: a sender leases a delivery and dies, before
// sending or after the relay took the message but before recording it.
// Once the lease has run out another sender delivers it: exactly once when
// nothing had gone out; when it had, the second copy carries the same
// Message-ID, so the receiver sees it is the same message.
func TestDeliveryAfterCrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range []struct {
			name     string
			sentOnce bool // the dying sender got the message out
			want     int  // messages the relay gets in all
		}{{"before send", false, 1}, {"after send", true, 2}} {
			t.Run(tc.name, func(t *testing.T) { testDeliveryAfterCrash(t, db, tc.sentOnce, tc.want) })
		}
	})
}

func testDeliveryAfterCrash(t *testing.T, db *store.DB, sentOnce bool, want int) {
	ctx := t.Context()
	srv := mailtest.Start(t, mailtest.Options{})
	sender, err := mail.NewSender(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	ch, err := email.New(db.Ent, sender, []string{"ops@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))

	// The dying sender's clock is 3 minutes behind, so the lease it takes
	// (1 minute) has run out by the real clock: no test waits for it.
	past := time.Now().Add(-3 * time.Minute)
	tx, err := db.Ent.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := outbox.AddDirect(ctx, tx, "crash-"+t.Name(), outbox.Notice{Type: outbox.ModuleBalanceLow,
		Data: outbox.Data{ModuleName: "Sandbox store", BalanceMinor: 100, ThresholdMinor: 5000, Currency: "USD"}},
		email.Name, "ops@example.com", past)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	actx, kill := context.WithCancel(ctx)
	a := outbox.New(db, log, outbox.Options{ID: "dying", Timeout: time.Minute, Lease: time.Minute + time.Second,
		Now: func() time.Time { return time.Now().Add(-3 * time.Minute) }})
	a.Register(&dying{Channel: ch, sent: sentOnce, kill: kill})
	if _, err := a.RunDue(actx); err != nil && actx.Err() == nil {
		t.Fatal(err)
	}
	row, err := db.Ent.OutboxDelivery.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if row.State != outboxdelivery.StatePending || row.LeaseOwner != "dying" || row.Attempts != 1 {
		t.Fatalf("after the crash: state %s, lease %q, attempts %d; want pending, leased by the dead sender, 1",
			row.State, row.LeaseOwner, row.Attempts)
	}

	b := outbox.New(db, log, outbox.Options{ID: "survivor"})
	b.Register(ch)
	if n, err := b.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("survivor: %d attempts, %v; want 1", n, err)
	}
	if n, err := b.RunDue(ctx); err != nil || n != 0 {
		t.Fatalf("survivor again: %d attempts, %v; want none", n, err)
	}
	row, err = db.Ent.OutboxDelivery.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if row.State != outboxdelivery.StateSent || row.Attempts != 2 || row.LeaseOwner != "" {
		t.Fatalf("after the survivor: state %s, attempts %d, lease %q; want sent, 2, none", row.State, row.Attempts, row.LeaseOwner)
	}
	msgs := srv.Messages()
	if len(msgs) != want {
		t.Fatalf("the relay got %d messages, want %d", len(msgs), want)
	}
	for _, m := range msgs {
		if got := m.Header.Get("Message-ID"); got != ch.MessageID(id) {
			t.Errorf("Message-ID %q, want %q", got, ch.MessageID(id))
		}
		if m.Subject != "[certsvc] Balance at the CA of module Sandbox store is low" || m.Part("text/html") == nil {
			t.Errorf("message %q with parts %v", m.Subject, m.Parts)
		}
	}
}
