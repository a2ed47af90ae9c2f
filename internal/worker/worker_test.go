package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/job"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/builtin"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/service"
	"github.com/certsvc/certsvc/internal/store"
	"github.com/certsvc/certsvc/internal/worker"
)

// planDV is the seeded single-name DV plan (www and bare), sold for 12 and
// 24 months.
const planDV = 3033

// Its prices in RUB, minor units.
const (
	price12 = 81000
	price24 = 145800
)

// t0 is when the fake clocks start: after 2026-03-15, so the CA/B cap on
// validity is 200 days.
var t0 = time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// rig is one database, SQLite or MariaDB, with what the services over it
// share.
type rig struct {
	t       *testing.T
	db      *store.DB
	keyring *secretbox.Keyring
	ctx     context.Context // acts as the operator (an admin)
	warned  warnings        // what the replicas logged at WARN and above
}

// warnings records the messages of the records a replica logs at WARN and
// above, and writes those at ERROR to the test's output.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) handler(t *testing.T) slog.Handler {
	return &warnHandler{w: w, out: slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})}
}

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.msgs)
}

type warnHandler struct {
	w   *warnings
	out slog.Handler
}

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *warnHandler) Handle(ctx context.Context, r slog.Record) error {
	h.w.mu.Lock()
	h.w.msgs = append(h.w.msgs, r.Message)
	h.w.mu.Unlock()
	if r.Level >= slog.LevelError {
		return h.out.Handle(ctx, r)
	}
	return nil
}

func (h *warnHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &warnHandler{w: h.w, out: h.out.WithAttrs(as)}
}

func (h *warnHandler) WithGroup(name string) slog.Handler {
	return &warnHandler{w: h.w, out: h.out.WithGroup(name)}
}

func newRig(t *testing.T, k dbtest.Kind) *rig {
	t.Helper()
	db := k.Open(t)
	key, _, err := secretbox.GenerateMasterKey("test")
	if err != nil {
		t.Fatal(err)
	}
	kr, err := secretbox.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, db: db, keyring: kr, ctx: rpc.WithPrincipal(t.Context(), rpc.OperatorPrincipal())}
}

// service starts a replica over the rig's database and bootstraps it (the
// first one creates the built-in CA module).
func (r *rig) service(kinds *provider.Registry, now func() time.Time, wo worker.Options) *service.Service {
	r.t.Helper()
	svc := service.New(service.Options{
		DB:             r.db,
		Logger:         slog.New(r.warned.handler(r.t)),
		Now:            now,
		PasswordParams: auth.TestParams,
		Keyring:        r.keyring,
		Kinds:          kinds,
		Worker:         wo,
	})
	if _, err := svc.Bootstrap(r.ctx, "admin-password"); err != nil {
		r.t.Fatalf("bootstrap: %v", err)
	}
	return svc
}

// defaultKinds is the registry of the kinds built into certsvc.
func (r *rig) defaultKinds() *provider.Registry {
	r.t.Helper()
	kinds, err := registry.Default()
	if err != nil {
		r.t.Fatal(err)
	}
	return kinds
}

// account creates an account in RUB with one user and deposits money.
func (r *rig) account(svc *service.Service, login string, deposit int64) int64 {
	r.t.Helper()
	acc, err := svc.Accounts.CreateAccount(r.ctx, &certsvcv1.CreateAccountRequest{Name: "Customer " + login, Currency: "RUB"})
	if err != nil {
		r.t.Fatalf("create account: %v", err)
	}
	id := acc.GetAccount().GetId()
	_, err = svc.Accounts.CreateUser(r.ctx, &certsvcv1.CreateUserRequest{AccountId: id, Login: login, Password: "pw-" + login + "-secret",
		Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER, Email: login + "@example.com"})
	if err != nil {
		r.t.Fatalf("create user: %v", err)
	}
	if deposit > 0 {
		if _, err := svc.Accounts.Deposit(r.ctx, &certsvcv1.DepositRequest{AccountId: id, AmountMinor: deposit, Currency: "RUB"}); err != nil {
			r.t.Fatalf("deposit: %v", err)
		}
	}
	return id
}

// order places and pays an order of plan 3033 with a generated P-256 key.
func (r *rig) order(svc *service.Service, accountID int64, cn string, months int32, autoRenew bool) int64 {
	r.t.Helper()
	id, err := placeOrder(r.ctx, svc, accountID, cn, months, autoRenew)
	if err != nil {
		r.t.Fatalf("order %s: %v", cn, err)
	}
	return id
}

func placeOrder(ctx context.Context, svc *service.Service, accountID int64, cn string, months int32, autoRenew bool) (int64, error) {
	res, err := svc.Certificates.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
		AccountId: accountID, PlanId: planDV, PeriodMonths: months, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: cn}, Pay: true, AutoRenew: autoRenew,
	})
	if err != nil {
		return 0, err
	}
	if st := res.GetCertificate().GetState(); st != certsvcv1.CertificateState_CERTIFICATE_STATE_SUBMITTING {
		return 0, fmt.Errorf("a paid order is %v, want submitting", st)
	}
	return res.GetCertificate().GetId(), nil
}

func (r *rig) cert(id int64) *ent.Certificate {
	r.t.Helper()
	c, err := r.db.Ent.Certificate.Get(r.ctx, id)
	if err != nil {
		r.t.Fatalf("load certificate %d: %v", id, err)
	}
	return c
}

// job is the worker's job of a certificate, nil when it has none.
func (r *rig) job(certID int64) *ent.Job {
	r.t.Helper()
	j, err := r.db.Ent.Job.Query().Where(job.CertificateID(certID)).Only(r.ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		r.t.Fatalf("load job of certificate %d: %v", certID, err)
	}
	return j
}

func (r *rig) events(certID int64, event string) []*ent.CertificateEvent {
	r.t.Helper()
	evs, err := r.db.Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(certID),
		certificateevent.Event(event)).Order(ent.Asc(certificateevent.FieldID)).All(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return evs
}

// charges are an account's charges, oldest first.
func (r *rig) charges(accountID int64) []*ent.LedgerEntry {
	r.t.Helper()
	es, err := r.db.Ent.LedgerEntry.Query().Where(ledgerentry.AccountID(accountID),
		ledgerentry.KindEQ(ledgerentry.KindCharge)).Order(ent.Asc(ledgerentry.FieldID)).All(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return es
}

func (r *rig) balance(accountID int64) int64 {
	r.t.Helper()
	a, err := r.db.Ent.Account.Get(r.ctx, accountID)
	if err != nil {
		r.t.Fatal(err)
	}
	return a.Balance
}

// runDue runs the due jobs and returns how many ran.
func (r *rig) runDue(svc *service.Service) int {
	r.t.Helper()
	n, err := svc.Worker.RunDue(r.ctx)
	if err != nil {
		r.t.Fatalf("run due jobs: %v", err)
	}
	return n
}

func (r *rig) wantState(id int64, want certificate.State) *ent.Certificate {
	r.t.Helper()
	c := r.cert(id)
	if c.State != want {
		r.t.Fatalf("certificate %d is %s (%q), want %s", id, c.State, c.StatusMessage, want)
	}
	return c
}

// fakeCA is a certificate authority for tests. It signs with the built-in
// CA's keys (the module's configuration) and, like a real CA, keeps every
// order it takes by our reference. It counts calls, answers with scripted
// errors and can hang a call after it has taken the order, as when a worker
// dies waiting for the answer.
type fakeCA struct {
	mu      sync.Mutex
	calls   map[string]int               // PlaceOrder calls by Ref
	byWho   map[string]int               // PlaceOrder calls by replica
	orders  map[string][]provider.Remote // orders the CA took, by Ref
	lookups int                          // FindByRef calls
	script  map[string][]error           // answers for the next PlaceOrder calls of a Ref
	reissue struct {
		calls int
		err   error
	}
	hangs   []hang      // how the next PlaceOrder calls hang
	entered chan string // the Ref of each call that hangs
}

// hang is a PlaceOrder call that hangs until release is closed or the
// caller gives up: before the CA takes the order (the request in transit) or
// after (the answer in transit).
type hang struct {
	before  bool
	release chan struct{}
}

// hangNext makes the next PlaceOrder call without a hang hang, and returns
// what releases it.
func (ca *fakeCA) hangNext(before bool) chan struct{} {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	h := hang{before: before, release: make(chan struct{})}
	ca.hangs = append(ca.hangs, h)
	return h.release
}

func newFakeCA() *fakeCA {
	return &fakeCA{calls: map[string]int{}, byWho: map[string]int{}, orders: map[string][]provider.Remote{},
		script: map[string][]error{}, entered: make(chan string, 16)}
}

// fail makes the next PlaceOrder calls of ref answer errs, one each.
func (ca *fakeCA) fail(ref string, errs ...error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.script[ref] = append(ca.script[ref], errs...)
}

func (ca *fakeCA) callsOf(ref string) int {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return ca.calls[ref]
}

func (ca *fakeCA) ordersOf(ref string) []provider.Remote {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return slices.Clone(ca.orders[ref])
}

// kinds registers the CA as the built-in CA kind for one replica, named who,
// with the capabilities wrap gives it.
func (ca *fakeCA) kinds(who string, wrap func(*caConn) provider.Provider) *provider.Registry {
	k := builtin.Kind()
	k.New = func(cfg provider.Config) (provider.Provider, error) {
		inner, err := builtin.New(cfg)
		if err != nil {
			return nil, err
		}
		return wrap(&caConn{ca: ca, who: who, inner: inner}), nil
	}
	kinds, err := provider.NewRegistry(k)
	if err != nil {
		panic(err) // the built-in kind with another New
	}
	return kinds
}

// caConn is one replica's connection to the fake CA: neither repeat-safe
// nor able to look orders up by our reference.
type caConn struct {
	ca    *fakeCA
	who   string
	inner provider.Provider
}

func (p *caConn) Kind() string { return builtin.KindName }

func (p *caConn) CheckCredentials(ctx context.Context) error { return p.inner.CheckCredentials(ctx) }

func (p *caConn) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	ca := p.ca
	ca.mu.Lock()
	ca.calls[r.Ref]++
	ca.byWho[p.who]++
	var scripted error
	if q := ca.script[r.Ref]; len(q) > 0 {
		scripted, ca.script[r.Ref] = q[0], q[1:]
	}
	var h *hang
	if len(ca.hangs) > 0 {
		h, ca.hangs = &ca.hangs[0], ca.hangs[1:]
	}
	ca.mu.Unlock()
	wait := func() error {
		ca.entered <- r.Ref
		select {
		case <-h.release:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("call the CA: %w", ctx.Err())
		}
	}
	if h != nil && h.before {
		if err := wait(); err != nil {
			return provider.Remote{}, err // the request never reached the CA
		}
	}
	if scripted != nil && !errors.Is(scripted, provider.ErrUnknownOutcome) {
		return provider.Remote{}, scripted // unreachable or refused: the CA has no order
	}
	remote, err := p.inner.PlaceOrder(ctx, r)
	if err != nil {
		return provider.Remote{}, err
	}
	ca.mu.Lock()
	ca.orders[r.Ref] = append(ca.orders[r.Ref], remote)
	ca.mu.Unlock()
	if scripted != nil {
		return provider.Remote{}, scripted // the CA took the order; its answer was lost
	}
	if h != nil && !h.before {
		if err := wait(); err != nil {
			return provider.Remote{}, err // the CA took the order; its answer was lost
		}
	}
	return remote, nil
}

func (p *caConn) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	return p.inner.Sync(ctx, ref)
}

func (p *caConn) Cancel(ctx context.Context, ref provider.RemoteRef, reason string) error {
	return p.inner.Cancel(ctx, ref, reason)
}

func (p *caConn) Reissue(ctx context.Context, ref provider.RemoteRef, r provider.ReissueRequest) (provider.Remote, error) {
	p.ca.mu.Lock()
	p.ca.reissue.calls++
	err := p.ca.reissue.err
	p.ca.mu.Unlock()
	if err != nil {
		return provider.Remote{}, err
	}
	return p.inner.(provider.Reissuer).Reissue(ctx, ref, r)
}

func (p *caConn) SetDCV(ctx context.Context, ref provider.RemoteRef, domain string, c provider.DCVChoice) (provider.Remote, error) {
	return p.inner.(provider.DCVController).SetDCV(ctx, ref, domain, c)
}

func (p *caConn) RetryDCV(ctx context.Context, ref provider.RemoteRef, domain string) (provider.Remote, error) {
	return p.inner.(provider.DCVController).RetryDCV(ctx, ref, domain)
}

func (p *caConn) Renew(ctx context.Context, ref provider.RemoteRef, r provider.OrderRequest) (provider.Remote, error) {
	return p.inner.(provider.Renewer).Renew(ctx, ref, r)
}

// repeatSafeCA is a CA where ordering twice is harmless.
type repeatSafeCA struct{ *caConn }

func (repeatSafeCA) RepeatSafe() {}

// refLookupCA is a CA that finds orders by our reference.
type refLookupCA struct{ *caConn }

func (p refLookupCA) FindByRef(ctx context.Context, ref string) (provider.Remote, bool, error) {
	p.ca.mu.Lock()
	defer p.ca.mu.Unlock()
	p.ca.lookups++
	if os := p.ca.orders[ref]; len(os) > 0 {
		return os[len(os)-1], true, ctx.Err()
	}
	return provider.Remote{}, false, ctx.Err()
}

func plainConn(c *caConn) provider.Provider      { return c }
func repeatSafeConn(c *caConn) provider.Provider { return repeatSafeCA{c} }
func refLookupConn(c *caConn) provider.Provider  { return refLookupCA{c} }

// leafSerial is the serial, as the service stores it, of the leaf of a chain.
func leafSerial(t *testing.T, chainPEM string) string {
	t.Helper()
	certs, err := pki.ParseCertificates([]byte(chainPEM))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", certs[0].SerialNumber)
}

// TestTwoWorkersShareOrders runs two replicas' workers on one database over
// a thousand paid orders: every order is issued, charged once and placed at
// the CA once.
func TestTwoWorkersShareOrders(t *testing.T) {
	dbtest.EachKind(t, testTwoWorkersShareOrders)
}

func testTwoWorkersShareOrders(t *testing.T, k dbtest.Kind) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	r := newRig(t, k)
	ca := newFakeCA()
	opts := func(id string) worker.Options {
		return worker.Options{ID: id, Poll: 20 * time.Millisecond}
	}
	svcs := []*service.Service{
		r.service(ca.kinds("w1", repeatSafeConn), time.Now, opts("w1")),
		r.service(ca.kinds("w2", repeatSafeConn), time.Now, opts("w2")),
	}
	acc := r.account(svcs[0], "many", int64(n)*price12)

	start := time.Now()
	ids := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	const placers = 8
	for p := range placers {
		wg.Go(func() {
			for i := p; i < n; i += placers {
				id, err := placeOrder(r.ctx, svcs[i%2], acc, fmt.Sprintf("host%d.example.com", i), 12, false)
				if err != nil {
					errs <- err
					return
				}
				ids[i] = id
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("place order: %v", err)
	}
	t.Logf("placed and paid %d orders in %v", n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	ctx, stop := context.WithCancel(r.ctx)
	var workers sync.WaitGroup
	for _, svc := range svcs {
		workers.Go(func() {
			if err := svc.Worker.RunWorker(ctx); err != nil {
				t.Errorf("worker: %v", err)
			}
		})
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		issued, err := r.db.Ent.Certificate.Query().Where(certificate.StateEQ(certificate.StateIssued)).Count(r.ctx)
		if err != nil {
			stop()
			t.Fatal(err)
		}
		if issued == n {
			break
		}
		if time.Now().After(deadline) {
			stop()
			workers.Wait()
			t.Fatalf("after 5 minutes %d of %d orders are issued", issued, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	elapsed := time.Since(start)
	stop()
	workers.Wait()
	t.Logf("2 workers issued %d orders in %v (%.0f orders/s); CA calls by worker: %v",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), ca.byWho)

	certs, err := r.db.Ent.Certificate.Query().All(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != n {
		t.Fatalf("%d certificates, want %d", len(certs), n)
	}
	serials := map[string]bool{}
	for _, c := range certs {
		if c.State != certificate.StateIssued || c.CertPem == "" || c.Op != "" || c.OpSentTime != nil {
			t.Errorf("certificate %d: state %s, op %q, certificate %d bytes", c.ID, c.State, c.Op, len(c.CertPem))
		}
		if serials[c.SerialNumber] {
			t.Errorf("certificate %d: serial %s issued twice", c.ID, c.SerialNumber)
		}
		serials[c.SerialNumber] = true
		if got := ca.callsOf(fmt.Sprint(c.ID)); got != 1 {
			t.Errorf("certificate %d was ordered at the CA %d times, want once", c.ID, got)
		}
	}
	ca.mu.Lock()
	refs, w1, w2 := len(ca.calls), ca.byWho["w1"], ca.byWho["w2"]
	ca.mu.Unlock()
	if refs != n || w1+w2 != n {
		t.Errorf("the CA saw %d references in %d calls, want %d in %d", refs, w1+w2, n, n)
	}
	if w1 == 0 || w2 == 0 {
		t.Errorf("one worker did all the work: w1 %d, w2 %d", w1, w2)
	}

	// Money: one charge per order, under the order's key, and nothing else.
	charges := r.charges(acc)
	if len(charges) != n {
		t.Errorf("%d charges, want %d", len(charges), n)
	}
	keys := map[string]int{}
	for _, e := range charges {
		keys[*e.IdempotencyKey]++
		if e.Amount != -price12 {
			t.Errorf("charge %d of %d, want %d", e.ID, e.Amount, -price12)
		}
	}
	for _, id := range ids {
		if k := fmt.Sprintf("certificate/%d/order", id); keys[k] != 1 {
			t.Errorf("certificate %d: %d charges under %s, want 1", id, keys[k], k)
		}
	}
	if b := r.balance(acc); b != 0 {
		t.Errorf("balance %d, want 0", b)
	}
	for _, ev := range []string{"pay", "submit", "ca_issued"} {
		cnt, err := r.db.Ent.CertificateEvent.Query().Where(certificateevent.Event(ev)).Count(r.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cnt != n {
			t.Errorf("%d %s events, want %d", cnt, ev, n)
		}
	}
	// Every order is left with its maintenance job, released.
	jobs, err := r.db.Ent.Job.Query().All(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != n {
		t.Errorf("%d jobs, want %d", len(jobs), n)
	}
	for _, j := range jobs {
		if j.LeaseOwner != "" || j.LeaseTime != nil || j.Attempts != 0 || j.LastError != "" || !j.RunTime.After(time.Now().Add(23*time.Hour)) {
			t.Errorf("job of certificate %d: owner %q, attempts %d, error %q, due %v", j.CertificateID, j.LeaseOwner,
				j.Attempts, j.LastError, j.RunTime)
		}
	}
}

// TestWorkerKilledMidJobResumes kills a worker while its call to the CA is
// in flight, after the intent was committed: once the job's lease ends — at
// most the default lease of 20 seconds after the claim — a second worker
// takes over and reconciles as the CA allows.
func TestWorkerKilledMidJobResumes(t *testing.T) {
	dbtest.EachKind(t, testWorkerKilledMidJobResumes)
}

func testWorkerKilledMidJobResumes(t *testing.T, k dbtest.Kind) {
	for _, tc := range []struct {
		name string
		wrap func(*caConn) provider.Provider
	}{
		{"repeat-safe", repeatSafeConn},
		{"ref-lookup", refLookupConn},
		{"neither", plainConn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, k)
			ca := newFakeCA()
			clk := newClock(t0)
			lease := worker.DefaultLease // the workers run with the defaults
			if lease > 20*time.Second {
				t.Fatalf("the default lease is %v: the jobs of a killed worker wait that long", lease)
			}
			svc1 := r.service(ca.kinds("w1", tc.wrap), clk.Now, worker.Options{ID: "w1", Poll: 10 * time.Millisecond})
			svc2 := r.service(ca.kinds("w2", tc.wrap), clk.Now, worker.Options{ID: "w2", Poll: 10 * time.Millisecond})
			acc := r.account(svc1, "killed", 10*price12)
			id := r.order(svc1, acc, "www.example.com", 12, false)
			ref := fmt.Sprint(id)

			ca.hangNext(false)
			ctx1, kill := context.WithCancel(r.ctx)
			defer kill()
			done := make(chan error, 1)
			go func() { done <- svc1.Worker.RunWorker(ctx1) }()
			select {
			case got := <-ca.entered:
				if got != ref {
					t.Fatalf("the CA got order %s, want %s", got, ref)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the first worker never called the CA")
			}
			// The intent is committed before the call, except for a CA to
			// which sending twice does no harm.
			repeatSafe := tc.name == "repeat-safe"
			c := r.cert(id)
			if c.Op != "order" || (c.OpSentTime == nil) != repeatSafe || c.State != certificate.StateSubmitting {
				t.Fatalf("during the call: op %q, sent %v, state %s; want the intent committed unless repeat-safe", c.Op, c.OpSentTime, c.State)
			}
			kill()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("worker: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the killed worker did not stop")
			}

			// A stop is not the job's failure.
			if w := r.warned.list(); len(w) > 0 {
				t.Errorf("the stop logged warnings: %q", w)
			}
			// The job stays leased to the dead worker until its lease ends.
			j := r.job(id)
			if j == nil || j.LeaseOwner != "w1" || j.LeaseTime == nil || !j.LeaseTime.Equal(t0.Add(lease)) {
				t.Fatalf("job after the kill: %+v, want leased to w1 until %v", j, t0.Add(lease))
			}
			if c := r.cert(id); (c.OpSentTime == nil) != repeatSafe || c.Op != "order" {
				t.Fatalf("after the kill: op %q, sent %v; the intent must stay", c.Op, c.OpSentTime)
			}
			if n := r.runDue(svc2); n != 0 {
				t.Fatalf("the second worker ran %d jobs while the lease held", n)
			}
			clk.Set(j.LeaseTime.Add(time.Microsecond))
			if n := r.runDue(svc2); n != 1 {
				t.Fatalf("the second worker ran %d jobs after the lease ended, want 1", n)
			}

			switch tc.name {
			case "repeat-safe":
				c := r.wantState(id, certificate.StateIssued)
				if got := ca.callsOf(ref); got != 2 {
					t.Errorf("the CA got %d orders, want 2: a repeat-safe CA is sent to again", got)
				}
				if os := ca.ordersOf(ref); len(os) != 2 || leafSerial(t, os[1].ChainPEM) != c.SerialNumber {
					t.Errorf("the certificate is not the one of the second order")
				}
			case "ref-lookup":
				c := r.wantState(id, certificate.StateIssued)
				if got := ca.callsOf(ref); got != 1 {
					t.Errorf("the CA got %d orders, want exactly 1: the order is looked up, not placed again", got)
				}
				ca.mu.Lock()
				lookups := ca.lookups
				ca.mu.Unlock()
				if lookups != 1 {
					t.Errorf("%d lookups by reference, want 1", lookups)
				}
				if os := ca.ordersOf(ref); len(os) != 1 || leafSerial(t, os[0].ChainPEM) != c.SerialNumber {
					t.Errorf("the certificate stored is not the one of the order at the CA")
				}
				if !strings.Contains(c.StatusMessage, "found at the CA") {
					t.Errorf("status %q, want it to say the order was found at the CA", c.StatusMessage)
				}
			case "neither":
				c := r.wantState(id, certificate.StateFailed)
				if !strings.Contains(c.StatusMessage, "check the order at the CA") {
					t.Errorf("status %q, want it to tell an operator to check the order at the CA", c.StatusMessage)
				}
				if got := ca.callsOf(ref); got != 1 {
					t.Errorf("the CA got %d orders, want 1: an order is never placed blindly twice", got)
				}
				if c.Op != "" || c.OpSentTime != nil {
					t.Errorf("a failed order keeps op %q, sent %v", c.Op, c.OpSentTime)
				}
				if j := r.job(id); j != nil {
					t.Errorf("a failed order keeps its job: %+v", j)
				}
			}
			// Nothing is due any more, and the order was charged once.
			if n := r.runDue(svc2); n != 0 {
				t.Errorf("%d more jobs ran", n)
			}
			if ch := r.charges(acc); len(ch) != 1 {
				t.Errorf("%d charges, want 1", len(ch))
			}
		})
	}
}

// TestWorkerRetriesUnavailableWithBackoff retries a CA that cannot be
// reached with growing waits, shows the attempts in the jobs table, settles
// an unknown outcome by looking the order up and fails a refused order.
func TestWorkerRetriesUnavailableWithBackoff(t *testing.T) {
	dbtest.EachKind(t, testWorkerRetriesUnavailableWithBackoff)
}

func testWorkerRetriesUnavailableWithBackoff(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	ca := newFakeCA()
	clk := newClock(t0)
	svc := r.service(ca.kinds("w1", refLookupConn), clk.Now, worker.Options{ID: "w1"})
	acc := r.account(svc, "retry", 10*price12)
	unavailable := fmt.Errorf("%w: 503 Service Unavailable", provider.ErrUnavailable)

	// wantJob checks the job of a failed attempt: released, with its error
	// and due within [lo, hi] from now.
	wantJob := func(t *testing.T, id int64, attempts int32, errText string, lo, hi time.Duration) {
		t.Helper()
		j := r.job(id)
		if j == nil {
			t.Fatal("the job is gone")
		}
		now := clk.Now()
		if j.Attempts != attempts || !strings.Contains(j.LastError, errText) || j.LeaseOwner != "" || j.LeaseTime != nil ||
			j.RunTime.Before(now.Add(lo)) || j.RunTime.After(now.Add(hi)) {
			t.Fatalf("job: attempts %d, error %q, owner %q, due in %v; want attempts %d, error with %q, released, due in [%v, %v]",
				j.Attempts, j.LastError, j.LeaseOwner, j.RunTime.Sub(now), attempts, errText, lo, hi)
		}
	}

	t.Run("unavailable twice, then issued", func(t *testing.T) {
		id := r.order(svc, acc, "a.example.com", 12, false)
		ref := fmt.Sprint(id)
		ca.fail(ref, unavailable, unavailable)

		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		wantJob(t, id, 1, "cannot connect to the processing module", 2500*time.Millisecond, 5*time.Second)
		c := r.wantState(id, certificate.StateSubmitting)
		if c.Op != "order" || c.OpSentTime != nil {
			t.Fatalf("after an unreachable CA: op %q, sent %v; want the order to be sent again", c.Op, c.OpSentTime)
		}
		if n := r.runDue(svc); n != 0 {
			t.Fatalf("ran %d jobs before the retry was due", n)
		}

		clk.Advance(5 * time.Second)
		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		wantJob(t, id, 2, "cannot connect to the processing module", 5*time.Second, 10*time.Second)
		r.wantState(id, certificate.StateSubmitting)

		clk.Advance(10 * time.Second)
		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		c = r.wantState(id, certificate.StateIssued)
		if c.OpSentTime != nil || c.Op != "" {
			t.Errorf("issued with op %q, sent %v", c.Op, c.OpSentTime)
		}
		j := r.job(id)
		if j == nil || j.Attempts != 0 || j.LastError != "" || !j.RunTime.Equal(clk.Now().Add(24*time.Hour)) {
			t.Errorf("job after the issue: %+v; want a clean maintenance job a day ahead", j)
		}
		if calls, orders := ca.callsOf(ref), len(ca.ordersOf(ref)); calls != 3 || orders != 1 {
			t.Errorf("%d calls and %d orders at the CA, want 3 and 1", calls, orders)
		}
	})

	t.Run("unknown outcome is looked up", func(t *testing.T) {
		id := r.order(svc, acc, "b.example.com", 12, false)
		ref := fmt.Sprint(id)
		ca.fail(ref, fmt.Errorf("%w: connection reset after sending", provider.ErrUnknownOutcome))

		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		wantJob(t, id, 1, "outcome unknown", 2500*time.Millisecond, 5*time.Second)
		if c := r.wantState(id, certificate.StateSubmitting); c.OpSentTime == nil {
			t.Fatal("the intent was cleared although the CA may have the order")
		}
		clk.Advance(5 * time.Second)
		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		c := r.wantState(id, certificate.StateIssued)
		if calls, orders := ca.callsOf(ref), ca.ordersOf(ref); calls != 1 || len(orders) != 1 ||
			leafSerial(t, orders[0].ChainPEM) != c.SerialNumber {
			t.Errorf("%d calls and %d orders at the CA, want the one order found by reference", calls, len(orders))
		}
	})

	t.Run("rejected fails the order", func(t *testing.T) {
		id := r.order(svc, acc, "c.example.com", 12, false)
		ref := fmt.Sprint(id)
		ca.fail(ref, fmt.Errorf("%w: the key of the CSR is on the CA's blocklist", provider.ErrRejected))

		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		c := r.wantState(id, certificate.StateFailed)
		if !strings.Contains(c.StatusMessage, "the CA refused the request") || !strings.Contains(c.StatusMessage, "blocklist") {
			t.Errorf("status %q, want the CA's reason", c.StatusMessage)
		}
		if c.Op != "" || c.OpSentTime != nil {
			t.Errorf("a failed order keeps op %q, sent %v", c.Op, c.OpSentTime)
		}
		if j := r.job(id); j != nil {
			t.Errorf("a failed order keeps its job: %+v", j)
		}
		if evs := r.events(id, "ca_failed"); len(evs) != 1 {
			t.Errorf("%d ca_failed events, want 1", len(evs))
		}
		clk.Advance(time.Hour)
		if n := r.runDue(svc); n != 0 {
			t.Errorf("%d jobs ran after the order failed", n)
		}
		if calls := ca.callsOf(ref); calls != 1 {
			t.Errorf("a refused order was sent %d times, want 1", calls)
		}
	})

	// An order the CA holds for validation is polled ever less often.
	t.Run("polls back off while the CA validates", func(t *testing.T) {
		mod, err := r.db.Ent.ProcessingModule.Query().Only(r.ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Modules.UpdateProcessingModule(r.ctx, &certsvcv1.UpdateProcessingModuleRequest{
			Module:     &certsvcv1.ProcessingModule{Id: mod.ID, Settings: map[string]string{builtin.SettingAutoApprove: "false"}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"settings"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		id := r.order(svc, acc, "d.example.com", 12, false)
		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		r.wantState(id, certificate.StateAwaitingValidation)
		for k := range 8 {
			j := r.job(id)
			d := min(5*time.Second<<k, time.Hour)
			if gap := j.RunTime.Sub(clk.Now()); gap < d/2 || gap > d || j.LastError != "" {
				t.Fatalf("poll %d: the next is due in %v (error %q), want in [%v, %v]", k, gap, j.LastError, d/2, d)
			}
			clk.Set(j.RunTime)
			if n := r.runDue(svc); n != 1 {
				t.Fatalf("ran %d jobs, want 1", n)
			}
			r.wantState(id, certificate.StateAwaitingValidation)
		}
		if calls := ca.callsOf(fmt.Sprint(id)); calls != 1 {
			t.Errorf("the order was placed %d times, want once", calls)
		}
		if _, err := svc.Certificates.ConfirmValidation(r.ctx, &certsvcv1.ConfirmValidationRequest{Id: id}); err != nil {
			t.Fatal(err)
		}
		r.wantState(id, certificate.StateIssued)
		clk.Set(r.job(id).RunTime)
		r.runDue(svc)
		if j := r.job(id); j == nil || j.Attempts != 0 || !j.RunTime.After(clk.Now().Add(23*time.Hour)) {
			t.Errorf("job %+v, want a clean maintenance job", j)
		}
	})
}

// TestWorkerLeaseEndsWhileBusy: a worker's lease on a job runs out while
// the job waits in its queue, and another worker takes the job over. When
// the first worker gets to the job at last, it must not place the order the
// other is placing right now.
func TestWorkerLeaseEndsWhileBusy(t *testing.T) {
	dbtest.EachKind(t, testWorkerLeaseEndsWhileBusy)
}

func testWorkerLeaseEndsWhileBusy(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	ca := newFakeCA()
	clk := newClock(t0)
	const lease = time.Minute
	svc1 := r.service(ca.kinds("w1", refLookupConn), clk.Now, worker.Options{ID: "w1", Lease: lease, Batch: 2})
	svc2 := r.service(ca.kinds("w2", refLookupConn), clk.Now, worker.Options{ID: "w2", Lease: lease, Batch: 2})
	acc := r.account(svc1, "busy", 10*price12)
	a := r.order(svc1, acc, "a.example.com", 12, false)
	clk.Advance(time.Second)
	b := r.order(svc1, acc, "b.example.com", 12, false)
	refA, refB := fmt.Sprint(a), fmt.Sprint(b)
	waitCall := func(want string) {
		t.Helper()
		select {
		case got := <-ca.entered:
			if got != want {
				t.Fatalf("the CA got order %s, want %s", got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("order %s never reached the CA", want)
		}
	}
	type result struct {
		n   int
		err error
	}
	runDue := func(svc *service.Service) chan result {
		ch := make(chan result, 1)
		go func() {
			n, err := svc.Worker.RunDue(r.ctx)
			ch <- result{n, err}
		}()
		return ch
	}
	wait := func(ch chan result) result {
		t.Helper()
		select {
		case res := <-ch:
			if res.err != nil {
				t.Fatalf("run due jobs: %v", res.err)
			}
			return res
		case <-time.After(30 * time.Second):
			t.Fatal("the worker is stuck")
		}
		return result{}
	}

	// w1 claims both orders and is slow with the first: its answer hangs.
	releaseA := ca.hangNext(false)
	w1 := runDue(svc1)
	waitCall(refA)
	// Meanwhile both leases end and w2 takes both jobs over: it finds the
	// first order at the CA, and sends the second, whose request hangs.
	clk.Advance(2 * lease)
	releaseB := ca.hangNext(true)
	w2 := runDue(svc2)
	waitCall(refB)
	r.wantState(a, certificate.StateIssued)

	// w1's answer comes; then it gets to the second order from its queue.
	close(releaseA)
	wait(w1)
	close(releaseB)
	if res := wait(w2); res.n != 2 {
		t.Errorf("w2 ran %d jobs, want 2", res.n)
	}
	for _, id := range []int64{a, b} {
		r.wantState(id, certificate.StateIssued)
		if os := ca.ordersOf(fmt.Sprint(id)); len(os) != 1 {
			t.Errorf("the CA holds %d orders for certificate %d, want 1", len(os), id)
		}
	}
	if calls := ca.callsOf(refB); calls != 1 {
		t.Errorf("order %s was sent %d times, want once", refB, calls)
	}
	if c := r.cert(b); c.SerialNumber != leafSerial(t, ca.ordersOf(refB)[0].ChainPEM) {
		t.Error("the certificate stored is not the one of the order at the CA")
	}
	// w1's late answer found its job taken over: it ends without a word.
	if w := r.warned.list(); len(w) > 0 {
		t.Errorf("the replicas logged %q", w)
	}
}

// TestSubscriptionReissueAndExpiry follows a two-year order through the
// built-in CA: certificates capped at the CA/B maximum, reissued before
// they end while the term goes on, and the order expiring with the term.
func TestSubscriptionReissueAndExpiry(t *testing.T) {
	dbtest.EachKind(t, testSubscriptionReissueAndExpiry)
}

func testSubscriptionReissueAndExpiry(t *testing.T, k dbtest.Kind) {
	t.Run("built-in CA", func(t *testing.T) {
		r := newRig(t, k)
		clk := newClock(t0)
		svc := r.service(r.defaultKinds(), clk.Now, worker.Options{ID: "w1"})
		acc := r.account(svc, "subscriber", price24)
		id := r.order(svc, acc, "www.example.com", 24, false)
		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		c1 := r.wantState(id, certificate.StateIssued)
		nb, na, paid := *c1.NotBefore, *c1.NotAfter, *c1.PaidUntil
		if got, want := na.Sub(nb), localca.MaxValidity(nb); got != want || want != 200*24*time.Hour {
			t.Fatalf("the certificate is valid for %v, want the CA/B maximum of 200 days (%v)", got, want)
		}
		if want := nb.AddDate(0, 24, 0); !paid.Equal(want) {
			t.Fatalf("paid until %v, want %v", paid, want)
		}

		// A day before the reissue is due nothing changes.
		clk.Set(na.Add(-31 * 24 * time.Hour))
		r.runDue(svc)
		if c := r.wantState(id, certificate.StateIssued); c.SerialNumber != c1.SerialNumber {
			t.Fatal("reissued more than 30 days before the certificate ends")
		}
		if j := r.job(id); j == nil || !j.RunTime.Equal(na.Add(-30*24*time.Hour)) {
			t.Fatalf("job %+v, want it due when the reissue is", j)
		}

		clk.Set(na.Add(-30 * 24 * time.Hour))
		if n := r.runDue(svc); n != 2 {
			t.Fatalf("ran %d jobs, want 2 (start the reissue, send it)", n)
		}
		c2 := r.wantState(id, certificate.StateIssued)
		if c2.SerialNumber == c1.SerialNumber || c2.CertPem == c1.CertPem {
			t.Fatal("the reissue kept the old certificate")
		}
		if !c2.NotAfter.After(na) {
			t.Fatalf("the reissued certificate ends %v, not after the old one's %v", c2.NotAfter, na)
		}
		if want := localca.ValidityEnd(*c2.NotBefore, paid); !c2.NotAfter.Equal(want) {
			t.Errorf("the reissued certificate ends %v, want %v", c2.NotAfter, want)
		}
		if !c2.PaidUntil.Equal(paid) {
			t.Errorf("the reissue moved paid_until from %v to %v", paid, c2.PaidUntil)
		}
		if len(r.events(id, "reissue")) != 1 || len(r.events(id, "reissue_issued")) != 1 {
			t.Error("want one reissue and one reissue_issued event")
		}
		if ch := r.charges(acc); len(ch) != 1 {
			t.Errorf("%d charges, want 1: a subscription reissue is free", len(ch))
		}

		// The term ends: the order expires, whatever its certificate says.
		clk.Set(paid)
		if n := r.runDue(svc); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		c3 := r.wantState(id, certificate.StateExpired)
		if c3.SerialNumber != c2.SerialNumber {
			t.Error("expiry changed the certificate")
		}
		if len(r.events(id, "expire")) != 1 {
			t.Error("want one expire event")
		}
		if j := r.job(id); j != nil {
			t.Errorf("an expired order keeps its job: %+v", j)
		}
		clk.Advance(48 * time.Hour)
		if n := r.runDue(svc); n != 0 {
			t.Errorf("%d jobs ran after expiry", n)
		}
	})

	// A CA that refuses the reissue leaves the old certificate standing, and
	// the worker tries again later rather than at once, over and over.
	t.Run("refused reissue", func(t *testing.T) {
		r := newRig(t, k)
		clk := newClock(t0)
		ca := newFakeCA()
		svc := r.service(ca.kinds("w1", repeatSafeConn), clk.Now, worker.Options{ID: "w1"})
		acc := r.account(svc, "refused", price24)
		id := r.order(svc, acc, "www.example.com", 24, false)
		r.runDue(svc)
		c1 := r.wantState(id, certificate.StateIssued)
		ca.mu.Lock()
		ca.reissue.err = fmt.Errorf("%w: reissues of this product are closed", provider.ErrRejected)
		ca.mu.Unlock()

		clk.Set(c1.NotAfter.Add(-30 * 24 * time.Hour))
		ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		defer cancel()
		n, err := svc.Worker.RunDue(ctx)
		ca.mu.Lock()
		calls := ca.reissue.calls
		ca.mu.Unlock()
		if err != nil || n != 2 || calls != 1 {
			t.Fatalf("RunDue ran %d jobs (%v) and asked the CA %d times; want 2 jobs and one reissue", n, err, calls)
		}
		c := r.wantState(id, certificate.StateIssued)
		if c.SerialNumber != c1.SerialNumber || !strings.Contains(c.StatusMessage, "reissues of this product are closed") {
			t.Errorf("serial %s, status %q: want the old certificate and the CA's reason", c.SerialNumber, c.StatusMessage)
		}
		if j := r.job(id); j == nil || j.RunTime.Before(clk.Now().Add(time.Hour)) {
			t.Errorf("job %+v: want the next try later, not at once", j)
		}
		ca.mu.Lock()
		ca.reissue.err = nil
		ca.mu.Unlock()
		clk.Advance(24 * time.Hour)
		r.runDue(svc)
		if c := r.wantState(id, certificate.StateIssued); c.SerialNumber == c1.SerialNumber {
			t.Error("the reissue was not tried again a day later")
		}
	})
}

// TestAutoRenew renews an order with auto_renew on two weeks before its
// paid term ends, and lets it expire when the account cannot pay.
func TestAutoRenew(t *testing.T) {
	dbtest.EachKind(t, testAutoRenew)
}

func testAutoRenew(t *testing.T, k dbtest.Kind) {
	t.Run("renewed, or expired without money", func(t *testing.T) {
		r := newRig(t, k)
		clk := newClock(t0)
		svc := r.service(r.defaultKinds(), clk.Now, worker.Options{ID: "w1"})
		rich := r.account(svc, "rich", 3*price12)
		poor := r.account(svc, "poor", price12)
		richID := r.order(svc, rich, "rich.example.com", 12, true)
		poorID := r.order(svc, poor, "poor.example.com", 12, true)
		if n := r.runDue(svc); n != 2 {
			t.Fatalf("ran %d jobs, want 2", n)
		}
		rc1 := r.wantState(richID, certificate.StateIssued)
		pc1 := r.wantState(poorID, certificate.StateIssued)
		paid := *rc1.PaidUntil

		// Two weeks and a day before: nothing is charged yet.
		clk.Set(paid.Add(-15 * 24 * time.Hour))
		r.runDue(svc)
		if ch := r.charges(rich); len(ch) != 1 {
			t.Fatalf("%d charges 15 days before the term ends, want only the order's", len(ch))
		}

		clk.Set(paid.Add(-14 * 24 * time.Hour))
		r.runDue(svc)
		rc2 := r.wantState(richID, certificate.StateIssued)
		if want := paid.AddDate(0, 12, 0); !rc2.PaidUntil.Equal(want) {
			t.Errorf("renewed until %v, want %v", rc2.PaidUntil, want)
		}
		if rc2.SerialNumber == rc1.SerialNumber {
			t.Error("the renewal brought no new certificate")
		}
		if want := localca.ValidityEnd(*rc2.NotBefore, *rc2.PaidUntil); !rc2.NotAfter.Equal(want) {
			t.Errorf("the renewed certificate ends %v, want %v", rc2.NotAfter, want)
		}
		wantRenewals := func(n int) {
			t.Helper()
			var renewals []*ent.LedgerEntry
			for _, e := range r.charges(rich) {
				if e.IdempotencyKey != nil && strings.HasPrefix(*e.IdempotencyKey, fmt.Sprintf("certificate/%d/renew/", richID)) {
					renewals = append(renewals, e)
				}
			}
			if len(renewals) != n {
				t.Fatalf("%d renewal charges, want %d", len(renewals), n)
			}
			for _, e := range renewals {
				if e.Amount != -price12 {
					t.Errorf("renewal charged %d, want %d", e.Amount, -price12)
				}
			}
			if len(r.charges(rich)) != 1+n {
				t.Fatalf("%d charges, want %d", len(r.charges(rich)), 1+n)
			}
		}
		wantRenewals(1)
		if evs := r.events(richID, "renew"); len(evs) != 1 || evs[0].Amount != -price12 {
			t.Errorf("renew events: %v", evs)
		}
		// The worker runs on: the renewal is not charged again.
		r.runDue(svc)
		clk.Advance(24 * time.Hour)
		r.runDue(svc)
		wantRenewals(1)
		if b := r.balance(rich); b != price12 {
			t.Errorf("balance %d, want %d", b, price12)
		}

		// The poor account could not pay: no charge, the failure recorded.
		if ch := r.charges(poor); len(ch) != 1 {
			t.Errorf("%d charges of the poor account, want only the order's", len(ch))
		}
		evs := r.events(poorID, "auto_renew_failed")
		if len(evs) == 0 || !strings.Contains(evs[0].Message, "not enough money") {
			t.Fatalf("auto_renew_failed events %v, want one saying there is not enough money", evs)
		}
		pc := r.wantState(poorID, certificate.StateIssued)
		if !pc.PaidUntil.Equal(*pc1.PaidUntil) {
			t.Errorf("paid_until moved to %v without payment", pc.PaidUntil)
		}
		clk.Set(paid)
		r.runDue(svc)
		r.wantState(poorID, certificate.StateExpired)
		if b := r.balance(poor); b != 0 {
			t.Errorf("balance of the poor account %d, want 0", b)
		}
		if j := r.job(poorID); j != nil {
			t.Errorf("an expired order keeps its job: %+v", j)
		}
		r.wantState(richID, certificate.StateIssued)
	})

	// A period no longer sold cannot be renewed: the worker says so and the
	// order expires with its term, instead of retrying forever.
	t.Run("period withdrawn", func(t *testing.T) {
		r := newRig(t, k)
		clk := newClock(t0)
		svc := r.service(r.defaultKinds(), clk.Now, worker.Options{ID: "w1"})
		acc := r.account(svc, "withdrawn", 3*price12)
		id := r.order(svc, acc, "www.example.com", 12, true)
		r.runDue(svc)
		c := r.wantState(id, certificate.StateIssued)

		pl, err := svc.Catalog.GetPlan(r.ctx, &certsvcv1.GetPlanRequest{Id: planDV})
		if err != nil {
			t.Fatal(err)
		}
		p := pl.GetPlan()
		p.Prices = slices.DeleteFunc(p.GetPrices(), func(pr *certsvcv1.PlanPrice) bool {
			return pr.GetPeriodMonths() == 12 && pr.GetCurrency() == "RUB"
		})
		if _, err := svc.Catalog.UpdatePlan(r.ctx, &certsvcv1.UpdatePlanRequest{Plan: p,
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"prices"}}}); err != nil {
			t.Fatal(err)
		}

		clk.Set(c.PaidUntil.Add(-14 * 24 * time.Hour))
		r.runDue(svc)
		if evs := r.events(id, "auto_renew_failed"); len(evs) != 1 || !strings.Contains(evs[0].Message, "not sold for 12 months") {
			t.Fatalf("auto_renew_failed events %v, want one naming the period no longer sold", evs)
		}
		if j := r.job(id); j == nil || j.LastError != "" {
			t.Errorf("job %+v: a renewal that cannot be bought is no error to retry", j)
		}
		clk.Set(*c.PaidUntil)
		r.runDue(svc)
		r.wantState(id, certificate.StateExpired)
		if ch := r.charges(acc); len(ch) != 1 {
			t.Errorf("%d charges, want only the order's", len(ch))
		}
	})
}

// A reissue the CA has answered, and that waits for validation, is polled:
// never taken for an interrupted call and sent again.
func TestPendingReissueIsPolledNotResent(t *testing.T) {
	dbtest.EachKind(t, testPendingReissueIsPolledNotResent)
}

func testPendingReissueIsPolledNotResent(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	clk := newClock(t0)
	ca := newFakeCA()
	svc := r.service(ca.kinds("w1", plainConn), clk.Now, worker.Options{ID: "w1"})
	// A built-in CA whose validations wait for an administrator, ahead of
	// the bootstrap one.
	_, err := svc.Modules.CreateProcessingModule(r.ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Approved CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA, Enabled: true,
		Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}}, Settings: map[string]string{"auto_approve": "false"}}})
	if err != nil {
		t.Fatal(err)
	}
	acc := r.account(svc, "approver", price12)
	id := r.order(svc, acc, "www.example.com", 12, false)
	r.runDue(svc)
	r.wantState(id, certificate.StateAwaitingValidation)
	if _, err := svc.Certificates.ConfirmValidation(r.ctx, &certsvcv1.ConfirmValidationRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	r.runDue(svc)
	c1 := r.wantState(id, certificate.StateIssued)

	if _, err := svc.Certificates.ReissueCertificate(r.ctx, &certsvcv1.ReissueCertificateRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	r.runDue(svc) // sends the reissue; the CA answers: validation pending
	for range 5 {
		clk.Advance(2 * time.Hour) // past any backoff
		r.runDue(svc)
	}
	c := r.wantState(id, certificate.StateReissuing)
	if c.OpAnswerTime == nil {
		t.Error("the CA's answer to the reissue is not recorded")
	}
	ca.mu.Lock()
	calls := ca.reissue.calls
	ca.mu.Unlock()
	if calls != 1 {
		t.Fatalf("the reissue was sent %d times, want once", calls)
	}
	if evs := r.events(id, "ca_failed"); len(evs) != 0 {
		t.Fatalf("the pending reissue failed: %q", evs[0].Message)
	}

	if _, err := svc.Certificates.ConfirmValidation(r.ctx, &certsvcv1.ConfirmValidationRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	r.runDue(svc)
	if c2 := r.wantState(id, certificate.StateIssued); c2.SerialNumber == c1.SerialNumber || c2.Op != "" || c2.OpAnswerTime != nil {
		t.Fatalf("after validation: serial %s (was %s), op %q, answer %v", c2.SerialNumber, c1.SerialNumber, c2.Op, c2.OpAnswerTime)
	}
}

// waitFor polls the database until ok holds, as long as the mechanism
// under test needs (a worker's loop, its lease extension), failing after a
// generous bound.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLeaseExtendedDuringLongCall: a call to the CA takes longer than
// several leases. The worker extends its lease while the call runs, so no
// other worker takes the job over meanwhile and the CA sees one order; when
// the worker dies, the job is another's one lease after the last extension,
// and the order the CA took is found by reference, not placed again.
func TestLeaseExtendedDuringLongCall(t *testing.T) {
	dbtest.EachKind(t, testLeaseExtendedDuringLongCall)
}

func testLeaseExtendedDuringLongCall(t *testing.T, k dbtest.Kind) {
	for _, killed := range []bool{false, true} {
		t.Run(map[bool]string{false: "answered", true: "killed"}[killed], func(t *testing.T) {
			r := newRig(t, k)
			ca := newFakeCA()
			clk := newClock(t0)
			const lease = 15 * time.Second
			svc1 := r.service(ca.kinds("w1", refLookupConn), clk.Now,
				worker.Options{ID: "w1", Lease: lease, LeaseRenew: 10 * time.Millisecond, Poll: 10 * time.Millisecond})
			svc2 := r.service(ca.kinds("w2", refLookupConn), clk.Now, worker.Options{ID: "w2", Lease: lease})
			acc := r.account(svc1, "slow", 10*price12)
			id := r.order(svc1, acc, "www.example.com", 12, false)
			ref := fmt.Sprint(id)

			release := ca.hangNext(false) // the CA takes the order; its answer takes long
			ctx1, kill := context.WithCancel(r.ctx)
			defer kill()
			done := make(chan error, 1)
			go func() { done <- svc1.Worker.RunWorker(ctx1) }()
			select {
			case <-ca.entered:
			case <-time.After(30 * time.Second):
				t.Fatal("the worker never called the CA")
			}
			if j := r.job(id); j == nil || j.LeaseOwner != "w1" || j.LeaseTime == nil || j.LeaseTime.After(t0.Add(lease)) {
				t.Fatalf("job during the call: %+v, want leased to w1 until %v at most", j, t0.Add(lease))
			}
			// Three leases pass, half a lease at a time: each time the lease
			// is extended past the clock, and the other worker finds nothing.
			for range 6 {
				clk.Advance(lease / 2)
				want := clk.Now().Add(lease)
				waitFor(t, "the lease to be extended", func() bool {
					j := r.job(id)
					return j != nil && j.LeaseOwner == "w1" && j.LeaseTime != nil && !j.LeaseTime.Before(want)
				})
				if n := r.runDue(svc2); n != 0 {
					t.Fatalf("the second worker took %d jobs while the first one's call ran", n)
				}
			}
			if !killed {
				close(release)
				waitFor(t, "the order to be issued", func() bool { return r.cert(id).State == certificate.StateIssued })
				kill()
				if err := <-done; err != nil {
					t.Fatalf("worker: %v", err)
				}
			} else {
				kill()
				if err := <-done; err != nil {
					t.Fatalf("worker: %v", err)
				}
				j := r.job(id)
				if j == nil || j.LeaseOwner != "w1" || j.LeaseTime == nil || j.LeaseTime.After(clk.Now().Add(lease)) {
					t.Fatalf("job after the kill: %+v, want leased to w1 for one lease at most", j)
				}
				if n := r.runDue(svc2); n != 0 {
					t.Fatalf("the second worker took %d jobs while the lease held", n)
				}
				clk.Set(j.LeaseTime.Add(time.Microsecond))
				if n := r.runDue(svc2); n != 1 {
					t.Fatalf("the second worker ran %d jobs when the lease ended, want 1", n)
				}
				c := r.wantState(id, certificate.StateIssued)
				if !strings.Contains(c.StatusMessage, "found at the CA") {
					t.Errorf("status %q, want the order found at the CA by reference", c.StatusMessage)
				}
			}
			if got, orders := ca.callsOf(ref), len(ca.ordersOf(ref)); got != 1 || orders != 1 {
				t.Errorf("the CA got %d calls and holds %d orders, want 1 and 1", got, orders)
			}
			if ch := r.charges(acc); len(ch) != 1 {
				t.Errorf("%d charges, want 1", len(ch))
			}
		})
	}
}

// TestIssueInOneWrite checks that a CA answer which moves an order
// through two events (submitting, then issued at once, as the built-in CA
// answers) writes the certificate once, and still records each event with
// the state it left and the state it reached. Only the issued notice is
// told, with the certificate as issued: not a "validation needed" of the
// state the order passed through.
func TestIssueInOneWrite(t *testing.T) { dbtest.EachKind(t, testIssueInOneWrite) }

func testIssueInOneWrite(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	ca := newFakeCA()
	svc := r.service(ca.kinds("w1", repeatSafeConn), newClock(t0).Now, worker.Options{ID: "w1"})
	acc := r.account(svc, "once", price12)
	id := r.order(svc, acc, "once.example.com", 12, false)

	var moves atomic.Int32 // writes of a certificate's state
	r.db.Ent.Certificate.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if _, ok := m.Field(certificate.FieldState); ok && m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) {
				moves.Add(1)
			}
			return next.Mutate(ctx, m)
		})
	})
	r.runDue(svc)
	c := r.wantState(id, certificate.StateIssued)
	if n := moves.Load(); n != 1 {
		t.Errorf("the CA's answer wrote the certificate's state %d times, want once", n)
	}

	submit, issued := r.events(id, string(lifecycle.Submit)), r.events(id, string(lifecycle.CAIssued))
	if len(submit) != 1 || len(issued) != 1 {
		t.Fatalf("%d submit and %d ca_issued events, want one each", len(submit), len(issued))
	}
	s, i := submit[0], issued[0]
	if s.FromState.String() != string(lifecycle.Submitting) || s.ToState.String() == string(lifecycle.Submitting) ||
		i.FromState.String() != s.ToState.String() || i.ToState.String() != string(lifecycle.Issued) || s.ID > i.ID {
		t.Errorf("history: submit %s → %s (#%d), ca_issued %s → %s (#%d); want submitting → X → issued, in order",
			s.FromState, s.ToState, s.ID, i.FromState, i.ToState, i.ID)
	}
	n, err := r.db.Ent.OutboxNotice.Query().Where(outboxnotice.DedupeKey(fmt.Sprintf("event:%d", i.ID))).Only(r.ctx)
	if err != nil {
		t.Fatalf("the notice of ca_issued: %v", err)
	}
	if n.Type != string(outbox.Issued) || !strings.Contains(string(n.Data), c.NotAfter.UTC().Format("2006-01-02")) {
		t.Errorf("the notice of ca_issued is %s with %s; want %s with the end date %s", n.Type, n.Data, outbox.Issued, c.NotAfter)
	}
	types, err := r.db.Ent.OutboxNotice.Query().Where(outboxnotice.CertificateID(id)).Select(outboxnotice.FieldType).Strings(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(types, []string{string(outbox.Issued)}) {
		t.Errorf("the order's notices are %q, want only %s", types, outbox.Issued)
	}
}

// TestWorkerWokenByDueJobsOnly checks when the worker is woken: by a
// transaction that commits a job due now (a new order), and not by one
// whose job comes due later (the worker's own issue, which schedules the
// certificate's next look months away); the poll follows those.
func TestWorkerWokenByDueJobsOnly(t *testing.T) { dbtest.EachKind(t, testWorkerWokenByDueJobsOnly) }

func testWorkerWokenByDueJobsOnly(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	ca := newFakeCA()
	svc := r.service(ca.kinds("w1", repeatSafeConn), newClock(t0).Now, worker.Options{ID: "w1"})
	acc := r.account(svc, "wake", price12)
	woken := func() bool {
		select {
		case <-svc.JobsDue():
			return true
		default:
			return false
		}
	}
	woken() // what the set-up committed
	id := r.order(svc, acc, "wake.example.com", 12, false)
	if !woken() {
		t.Error("a new order did not wake the worker")
	}
	r.runDue(svc)
	r.wantState(id, certificate.StateIssued)
	if woken() {
		t.Error("the worker's own issue woke it, with nothing due")
	}
}
