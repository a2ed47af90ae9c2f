package outbox

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	"github.com/certsvc/certsvc/ent/predicate"
	"github.com/certsvc/certsvc/internal/store"
)

// Options tune the outbox. Zero values take the documented defaults.
type Options struct {
	// ID names this sender in delivery leases; a random one when "".
	ID string
	// Poll is how often the outbox looks for work when nothing wakes it; 1s when 0.
	Poll time.Duration
	// Concurrency is how many deliveries are sent at once; 8 when 0.
	Concurrency int
	// PerTarget is how many deliveries to one target are sent at once, so
	// that a target that hangs holds at most that many of the slots; 2 when 0.
	PerTarget int
	// Timeout bounds one attempt; 10s when 0.
	Timeout time.Duration
	// Lease is how long a delivery stays with the sender that leased it,
	// and so how soon the deliveries of a sender that died are sent again;
	// Timeout plus 20s when 0 or not longer than Timeout.
	Lease time.Duration
	// MaxAttempts is how many attempts a delivery gets before it is given
	// up (dead); 12 when 0.
	MaxAttempts int
	// BackoffBase and BackoffMax bound the wait before a retry: BackoffBase
	// doubled per failed attempt, at most BackoffMax, with jitter; 10s and
	// 1h when 0.
	BackoffBase, BackoffMax time.Duration
	// ExpiryDays are the days before a certificate's end at which a
	// certificate.expiring notice is written; 30, 14, 7 and 1 when nil.
	ExpiryDays []int
	// ScanEvery is how often expiring certificates are looked for; 10
	// minutes when 0.
	ScanEvery time.Duration
	// PublicURL is the console's address, for Data.ConsoleURL; none when "".
	PublicURL string
	// Wake fires when notices were committed: the outbox looks at once.
	Wake <-chan struct{}
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Registerer receives the delivery metrics; none are registered when nil.
	Registerer prometheus.Registerer
}

// DefaultExpiryDays are the days before a certificate's end at which it is
// announced as expiring.
var DefaultExpiryDays = []int{30, 14, 7, 1}

func (o Options) withDefaults() Options {
	if o.ID == "" {
		o.ID = fmt.Sprintf("o-%x", rand.Uint64())
	}
	if o.Poll == 0 {
		o.Poll = time.Second
	}
	if o.Concurrency == 0 {
		o.Concurrency = 8
	}
	if o.PerTarget == 0 {
		o.PerTarget = 2
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Lease <= o.Timeout {
		o.Lease = o.Timeout + 20*time.Second
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 12
	}
	if o.BackoffBase == 0 {
		o.BackoffBase = 10 * time.Second
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = time.Hour
	}
	if o.ExpiryDays == nil {
		o.ExpiryDays = DefaultExpiryDays
	}
	if o.ScanEvery == 0 {
		o.ScanEvery = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Outbox fans notices out into deliveries and sends them through its
// channels. Several processes may run one over the same database: leases
// share the work.
type Outbox struct {
	db       *ent.Client
	dialect  string
	log      *slog.Logger
	opts     Options
	mu       sync.Mutex
	channels map[string]Channel
	busy     map[[2]string]int // deliveries in flight per (channel, target)
	kick     chan struct{}

	sent    *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

// New returns an Outbox over db; add channels with Register before Run.
func New(db *store.DB, log *slog.Logger, o Options) *Outbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Outbox{db: db.Ent, dialect: db.Dialect, log: log, opts: o.withDefaults(),
		channels: map[string]Channel{}, busy: map[[2]string]int{}, kick: make(chan struct{}, 1),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "certsvc_outbox_deliveries_total",
			Help: "Attempts to deliver a notice, by channel and outcome (sent, retry, dead).",
		}, []string{"channel", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "certsvc_outbox_delivery_latency_seconds",
			Help:    "Time from a notice's commit to its delivery's acceptance by the target.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600},
		}, []string{"channel"}),
	}
	if o.Registerer != nil {
		o.Registerer.MustRegister(b.sent, b.latency)
	}
	return b
}

// Register adds a channel; call it before Run.
func (b *Outbox) Register(ch Channel) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.channels[ch.Name()] = ch
}

// Options returns the options in effect.
func (b *Outbox) Options() Options { return b.opts }

// Poke makes the outbox look for work at once.
func (b *Outbox) Poke() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

func (b *Outbox) now() time.Time { return b.opts.Now().UTC().Truncate(time.Microsecond) }

func (b *Outbox) canLock() bool { return b.dialect != dialect.SQLite }

// Run fans out and sends until ctx ends, and writes the expiry reminders
// and purges what ended Retention ago every Options.ScanEvery.
func (b *Outbox) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { b.scanLoop(ctx) })
	sem := make(chan struct{}, b.opts.Concurrency)
	for {
		if _, err := b.FanOut(ctx); err != nil && ctx.Err() == nil {
			b.log.ErrorContext(ctx, "outbox: fan out", "error", err)
		}
		free := b.opts.Concurrency - len(sem)
		var ds []*lease
		if free > 0 {
			var err error
			if ds, err = b.claim(ctx, free); err != nil && ctx.Err() == nil {
				b.log.ErrorContext(ctx, "outbox: claim deliveries", "error", err)
			}
		}
		for _, d := range ds {
			sem <- struct{}{} // there is room: claim took at most the free slots
			wg.Go(func() {
				defer func() { <-sem; b.Poke() }()
				b.send(ctx, d)
			})
		}
		if len(ds) > 0 && len(ds) == free {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(b.opts.Poll):
		case <-b.kick:
		case <-b.opts.Wake:
		}
	}
}

func (b *Outbox) scanLoop(ctx context.Context) {
	t := time.NewTicker(b.opts.ScanEvery)
	defer t.Stop()
	for {
		if _, err := b.ScanExpiring(ctx); err != nil && ctx.Err() == nil {
			b.log.ErrorContext(ctx, "outbox: scan expiring certificates", "error", err)
		}
		if _, err := b.Purge(ctx); err != nil && ctx.Err() == nil {
			b.log.ErrorContext(ctx, "outbox: purge", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue fans out and sends everything due now, one delivery after another,
// and returns how many attempts were made: the loop of Run without the
// waiting, for tests and the command line.
func (b *Outbox) RunDue(ctx context.Context) (int, error) {
	if _, err := b.FanOut(ctx); err != nil {
		return 0, err
	}
	n := 0
	for {
		ds, err := b.claim(ctx, b.opts.Concurrency)
		if err != nil || len(ds) == 0 {
			return n, err
		}
		for _, d := range ds {
			b.send(ctx, d)
			n++
		}
	}
}

// FanOut writes the deliveries of the notices not yet fanned out, one per
// channel and target, and marks each notice fanned out in the same
// transaction; the notices no channel has a target for (most, on a
// hoster without webhooks) are marked together, in one statement. Each
// channel looks up the targets of the whole batch at once. It returns how
// many notices it fanned out.
func (b *Outbox) FanOut(ctx context.Context) (int, error) {
	rows, err := b.db.OutboxNotice.Query().Where(outboxnotice.FannedOut(false)).
		Order(ent.Asc(outboxnotice.FieldID)).Limit(100).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("read notices to fan out: %w", err)
	}
	ns := make([]*Notice, 0, len(rows))
	for _, r := range rows {
		n, err := NoticeOf(r)
		if err != nil {
			b.log.WarnContext(ctx, "outbox: fan out a notice", "notice", r.ID, "error", err)
			continue
		}
		ns = append(ns, n)
	}
	ts, err := b.targets(ctx, ns)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err() // stopping: the notices wait for the next start
		}
		return 0, err
	}
	n := 0
	var none []int64 // notices without a target
	for i, nt := range ns {
		if len(ts[i]) == 0 {
			none = append(none, nt.ID)
			continue
		}
		ok, err := b.fanOut(ctx, nt, ts[i])
		if err != nil && ctx.Err() != nil {
			return n, ctx.Err()
		}
		if err != nil {
			b.log.WarnContext(ctx, "outbox: fan out a notice", "notice", nt.ID, "error", err)
			continue
		}
		if ok {
			n++
		}
	}
	if len(none) > 0 {
		// Only the process that flips fanned_out counts a notice.
		m, err := b.db.OutboxNotice.Update().Where(outboxnotice.IDIn(none...), outboxnotice.FannedOut(false)).
			SetFannedOut(true).Save(ctx)
		if err != nil {
			return n, fmt.Errorf("mark %d notices without targets fanned out: %w", len(none), err)
		}
		n += m
	}
	return n, nil
}

type target struct{ channel, target string }

// targets are the targets of each of ns on every channel. They are read
// before the transactions that write the deliveries: a channel reads them
// through its own client, and SQLite has one writer.
func (b *Outbox) targets(ctx context.Context, ns []*Notice) ([][]target, error) {
	out := make([][]target, len(ns))
	if len(ns) == 0 {
		return out, nil
	}
	b.mu.Lock()
	chans := make([]Channel, 0, len(b.channels))
	for _, ch := range b.channels {
		chans = append(chans, ch)
	}
	b.mu.Unlock()
	for _, ch := range chans {
		names, err := ch.Targets(ctx, ns)
		if err != nil {
			return nil, fmt.Errorf("targets of %d notices on %s: %w", len(ns), ch.Name(), err)
		}
		if len(names) != len(ns) {
			return nil, fmt.Errorf("targets on %s: %d lists for %d notices", ch.Name(), len(names), len(ns))
		}
		for i, ts := range names {
			for _, t := range ts {
				out[i] = append(out[i], target{ch.Name(), t})
			}
		}
	}
	return out, nil
}

// fanOut marks notice n fanned out and writes its deliveries to ts, in one
// transaction.
func (b *Outbox) fanOut(ctx context.Context, n *Notice, ts []target) (bool, error) {
	now := b.now()
	return store.InTx(ctx, b.db, func(tx *ent.Tx) (bool, error) {
		// Only the process that flips fanned_out writes the deliveries; the
		// unique (notice, channel, target) is the second guard.
		m, err := tx.OutboxNotice.Update().Where(outboxnotice.ID(n.ID), outboxnotice.FannedOut(false)).
			SetFannedOut(true).Save(ctx)
		if err != nil || m == 0 {
			return false, err
		}
		cr := make([]*ent.OutboxDeliveryCreate, 0, len(ts))
		for _, t := range ts {
			cr = append(cr, tx.OutboxDelivery.Create().SetNoticeID(n.ID).SetAccountID(n.AccountID).
				SetChannel(t.channel).SetTarget(t.target).SetRunTime(now).SetCreateTime(now).SetUpdateTime(now))
		}
		err = tx.OutboxDelivery.CreateBulk(cr...).OnConflictColumns(outboxdelivery.FieldNoticeID,
			outboxdelivery.FieldChannel, outboxdelivery.FieldTarget).Ignore().Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("write deliveries of notice %d: %w", n.ID, err)
		}
		return true, nil
	})
}

// lease is a delivery this sender leased: the row as claimed.
type lease struct {
	row      *ent.OutboxDelivery
	attempts int32
}

// claim leases up to n due deliveries to this sender and commits the
// leases before anything is sent (SELECT ... FOR UPDATE SKIP LOCKED on
// MySQL, so replicas share them; under READ COMMITTED, as the worker's
// claim of jobs). Targets with PerTarget deliveries in flight are skipped.
// When nothing is due, as after most notices (no webhooks), one plain read
// says so, instead of a locking transaction.
func (b *Outbox) claim(ctx context.Context, n int) ([]*lease, error) {
	due, err := b.db.OutboxDelivery.Query().Where(b.due(b.now())...).Exist(ctx)
	if err != nil || !due {
		return nil, err
	}
	var opts *stdsql.TxOptions
	if b.canLock() {
		opts = &stdsql.TxOptions{Isolation: stdsql.LevelReadCommitted}
	}
	etx, err := b.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin tx: %w", store.Translate(err))
	}
	out, err := b.claimTx(ctx, etx, n)
	if err != nil {
		_ = etx.Rollback()
		if store.IsRetryable(err) {
			return nil, nil // as below: claimed nothing this round
		}
		return nil, err
	}
	if err := etx.Commit(); err != nil {
		b.release(out)
		if store.IsRetryable(err) {
			// Another sender on another Galera node leased some of these
			// deliveries at the same time and certified first (SKIP LOCKED
			// locks only on its own node): this claim took nothing, as
			// core's claim of jobs does.
			return nil, nil
		}
		return nil, fmt.Errorf("commit: %w", store.Translate(err))
	}
	return out, nil
}

// due selects the deliveries due at now whose target has room for one
// more in flight.
func (b *Outbox) due(now time.Time) []predicate.OutboxDelivery {
	where := []predicate.OutboxDelivery{outboxdelivery.StateEQ(outboxdelivery.StatePending),
		outboxdelivery.RunTimeLTE(now),
		outboxdelivery.Or(outboxdelivery.LeaseTimeIsNil(), outboxdelivery.LeaseTimeLT(now))}
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, c := range b.busy {
		if c >= b.opts.PerTarget {
			where = append(where, outboxdelivery.Not(outboxdelivery.And(outboxdelivery.Channel(k[0]), outboxdelivery.Target(k[1]))))
		}
	}
	return where
}

func (b *Outbox) claimTx(ctx context.Context, tx *ent.Tx, n int) ([]*lease, error) {
	now := b.now()
	q := tx.OutboxDelivery.Query().Where(b.due(now)...).Order(ent.Asc(outboxdelivery.FieldRunTime)).Limit(n)
	if b.canLock() {
		q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
	}
	rows, err := q.All(ctx)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	// At most PerTarget per target, counting those in flight.
	b.mu.Lock()
	var out []*lease
	var ids []int64
	for _, r := range rows {
		k := [2]string{r.Channel, r.Target}
		if b.busy[k] >= b.opts.PerTarget {
			continue
		}
		b.busy[k]++
		out = append(out, &lease{row: r, attempts: r.Attempts + 1})
		ids = append(ids, r.ID)
	}
	b.mu.Unlock()
	if len(ids) == 0 {
		return nil, nil
	}
	err = tx.OutboxDelivery.Update().Where(outboxdelivery.IDIn(ids...)).SetLeaseOwner(b.opts.ID).
		SetLeaseTime(now.Add(b.opts.Lease)).AddAttempts(1).SetLastAttemptTime(now).SetUpdateTime(now).Exec(ctx)
	if err != nil {
		b.release(out)
		return nil, fmt.Errorf("lease deliveries: %w", err)
	}
	return out, nil
}

// release forgets that ls are in flight.
func (b *Outbox) release(ls []*lease) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range ls {
		k := [2]string{l.row.Channel, l.row.Target}
		if b.busy[k]--; b.busy[k] <= 0 {
			delete(b.busy, k)
		}
	}
}

// send makes one attempt of a leased delivery and writes its outcome.
func (b *Outbox) send(ctx context.Context, l *lease) {
	defer b.release([]*lease{l})
	r := l.row
	status, err := b.attempt(ctx, l)
	now := b.now()
	u := b.db.OutboxDelivery.Update().Where(outboxdelivery.ID(r.ID), outboxdelivery.LeaseOwner(b.opts.ID),
		outboxdelivery.Attempts(l.attempts)).SetLeaseOwner("").ClearLeaseTime().SetUpdateTime(now)
	outcome := "sent"
	var se *StatusError
	if errors.As(err, &se) {
		status = se.Code
	}
	u.SetLastStatus(int32(status))
	switch {
	case err == nil:
		u.SetState(outboxdelivery.StateSent).SetSentTime(now).SetLastError("").
			SetLatencyMs(now.Sub(r.CreateTime).Milliseconds())
	case IsPermanent(err) || int(l.attempts) >= b.opts.MaxAttempts:
		outcome = "dead"
		u.SetState(outboxdelivery.StateDead).SetLastError(truncate(err.Error(), 512))
	default:
		outcome = "retry"
		u.SetRunTime(now.Add(b.backoff(l.attempts))).SetLastError(truncate(err.Error(), 512))
	}
	if ctx.Err() != nil && err != nil {
		return // shutting down: the lease runs out and the delivery is tried again
	}
	n, uerr := u.Save(context.WithoutCancel(ctx))
	switch {
	case uerr != nil:
		b.log.ErrorContext(ctx, "outbox: record a delivery", "delivery", r.ID, "error", uerr)
	case n == 0:
		// The lease ran out and another sender took the delivery: its
		// outcome is the one kept.
		b.log.WarnContext(ctx, "outbox: delivery lease lost", "delivery", r.ID)
	}
	b.sent.WithLabelValues(r.Channel, outcome).Inc()
	if err == nil {
		b.latency.WithLabelValues(r.Channel).Observe(now.Sub(r.CreateTime).Seconds())
	} else {
		b.log.WarnContext(ctx, "outbox: delivery failed", "delivery", r.ID, "channel", r.Channel, "target", r.Target,
			"attempt", l.attempts, "status", status, "outcome", outcome, "error", err)
	}
}

// attempt delivers l once through its channel, within Options.Timeout, and
// returns the target's answer to a success (Delivery.Status).
func (b *Outbox) attempt(ctx context.Context, l *lease) (int, error) {
	b.mu.Lock()
	ch := b.channels[l.row.Channel]
	b.mu.Unlock()
	if ch == nil {
		return 0, fmt.Errorf("no channel %q in this process", l.row.Channel)
	}
	nr, err := b.db.OutboxNotice.Get(ctx, l.row.NoticeID)
	if err != nil {
		return 0, fmt.Errorf("read notice %d: %w", l.row.NoticeID, err)
	}
	n, err := NoticeOf(nr)
	if err != nil {
		return 0, Permanent(err)
	}
	if b.opts.PublicURL != "" && n.CertificateID != 0 {
		n.Data.ConsoleURL = fmt.Sprintf("%s/certificates/%d", strings.TrimRight(b.opts.PublicURL, "/"), n.CertificateID)
	}
	actx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	d := &Delivery{ID: l.row.ID, Notice: n, Channel: l.row.Channel, Target: l.row.Target, Attempt: int(l.attempts)}
	if err := ch.Deliver(actx, d); err != nil {
		return 0, err
	}
	return d.Status, nil
}

// backoff is the wait after failed attempt n: BackoffBase doubled per
// attempt up to BackoffMax, the upper half jittered.
func (b *Outbox) backoff(n int32) time.Duration {
	d := b.opts.BackoffBase
	for i := int32(1); i < n && d < b.opts.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, b.opts.BackoffMax)
	return d/2 + rand.N(d/2+1)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
