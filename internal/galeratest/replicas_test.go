package galeratest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/job"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/store"
)

// planDV is the seed's single-name DV plan, which the built-in CA issues.
const planDV = 3033

// replicas starts one certsvc replica (API server and worker) per node of
// the cluster, all with the same master key.
func replicas(t *testing.T, dbs []*store.DB) []*apitest.Env {
	t.Helper()
	keyring := apitest.NewKeyring(t)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	var envs []*apitest.Env
	for _, db := range dbs {
		envs = append(envs, apitest.NewWith(t, db, apitest.Options{Keyring: keyring, Logger: log}))
	}
	return envs
}

// ordersWanted is how many orders the run places: CERTSVC_GALERA_ORDERS,
// 1,000 in the chaos run, fewer by default to keep `make test` short.
func ordersWanted(t *testing.T) int { return envInt(t, "CERTSVC_GALERA_ORDERS", 160, 16) }

// watch collects the events a customer's watch stream on env receives.
type watch struct {
	mu   sync.Mutex
	ids  map[int64]bool
	seen chan struct{} // signalled on every event
}

func startWatch(t *testing.T, envs []*apitest.Env, first int, auth string, after int64) *watch {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	w := &watch{ids: map[int64]bool{}, seen: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// after is where the stream starts, and after an error resumes:
		// from the first event seen, deduplicated by id.
		for try := first; ctx.Err() == nil; try++ {
			// The call returns when the server answers, with the first event.
			stream, err := envs[try%len(envs)].Clients(apitest.ConnectJSON, auth).Cert.WatchCertificates(ctx,
				&certsvcv1.WatchCertificatesRequest{AfterEventId: after})
			if err == nil {
				for stream.Receive() {
					id := stream.Msg().GetEvent().GetId()
					w.mu.Lock()
					w.ids[id] = true
					if after == 0 {
						after = id - 1
					}
					w.mu.Unlock()
					select {
					case w.seen <- struct{}{}:
					default:
					}
				}
				err = stream.Err()
			}
			if ctx.Err() != nil {
				return
			}
			if try-first > 20 {
				t.Errorf("watch ended %d times; last: %v", try-first, err)
				return
			}
			// The replica or its database node died (the stream ends
			// unavailable, or cut mid-message): resume on another replica.
			t.Logf("watch ended (%v); resuming on replica %d after event %d", err, (try+1)%len(envs)+1, after)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	return w
}

func (w *watch) has(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ids[id]
}

// retryable reports whether a client moves on to another replica after err
// (as behind a load balancer): the replica or its database node is down.
func retryable(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded, connect.CodeAborted:
		return true
	}
	return false
}

// Three replicas, one on each Galera node; 16 clients spread over them place
// orders with idempotency keys, paid from four accounts, while the workers
// of all replicas issue them through the built-in CA. With
// CERTSVC_GALERA_CHAOS=1 node 2 is killed (kill -9) a third of the way in
// and restarted two thirds in, and halfway through replica 3 is killed
// (its server and worker stop abruptly; clients go to the others). Then the audit: every order once, every
// certificate issued once, no job left leased, the ledger sums to every
// balance, every account's watcher (each on another replica than most
// of the orders) saw every event of its account, and the fake upstream CA
// (The SSL Store, a quarter of the orders) received exactly one order per
// certificate.
func TestReplicasOrders(t *testing.T) {
	dbs := Open(t)
	envs := replicas(t, dbs)
	ctx := context.Background()
	admin := envs[0].Clients(apitest.ConnectJSON, apitest.AdminAuth)
	const accounts, clients = 4, 16
	var custs []apitest.Customer
	var watches []*watch
	for i := range accounts {
		c := envs[0].NewCustomer(t, fmt.Sprintf("galera%d", i), "RUB")
		if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: c.Account.GetId(),
			AmountMinor: 1 << 50, Currency: "RUB"}); err != nil {
			t.Fatal(err)
		}
		custs = append(custs, c)
		watches = append(watches, startWatch(t, envs, i%3, c.Auth, 0))
	}
	// The watch streams subscribe when their first request arrives: an
	// order on another replica that each watcher sees proves they listen.
	for i, c := range custs {
		res, err := envs[(i+1)%3].Clients(apitest.ConnectJSON, c.Auth).Cert.CreateCertificate(ctx, orderReq(fmt.Sprintf("probe-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		first, err := dbs[0].Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(res.GetCertificate().GetId())).
			Order(ent.Asc(certificateevent.FieldID)).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for !watches[i].has(first.ID) {
			select {
			case <-watches[i].seen:
			case <-time.After(30 * time.Second):
				t.Fatalf("account %d: the watcher on replica %d never saw event %d of replica %d", i, i%3+1, first.ID, (i+1)%3+1)
			}
		}
	}

	// The upstream: a fake of The SSL Store that counts the orders placed
	// under each certificate's reference, selling planUpstream. Every
	// fourth order goes there; its CA issues what is pending, as an
	// operator would, and the replicas are told to sync.
	up := newUpstream(t, envs, dbs[0])

	total := ordersWanted(t)
	chaos := os.Getenv("CERTSVC_GALERA_CHAOS") == "1"
	var mu sync.Mutex
	acked := map[string]int64{} // idempotency key -> certificate id
	var killedAt, restartedAt time.Time
	var ackTimes []time.Time
	var replica3Down atomic.Bool
	var done int
	var wg sync.WaitGroup
	start := time.Now()
	for k := range clients {
		cust := custs[k%accounts]
		wg.Go(func() {
			for n := k; n < total; n += clients {
				key := fmt.Sprintf("o-%d", n)
				for try := 0; ; try++ {
					r := (k + try) % 3
					if r == 2 && replica3Down.Load() {
						continue // the load balancer no longer sends to it
					}
					env := envs[r]
					cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					req := orderReq(key)
					if n%4 == 3 {
						req = upstreamOrderReq(key)
					}
					res, err := env.Clients(apitest.ConnectJSON, cust.Auth).Cert.CreateCertificate(cctx, req)
					cancel()
					if err == nil {
						mu.Lock()
						acked[key] = res.GetCertificate().GetId()
						done++
						ackTimes = append(ackTimes, time.Now())
						mu.Unlock()
						break
					}
					if !retryable(err) || try > 100 {
						t.Errorf("order %s: %v", key, err)
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
		})
	}
	if chaos {
		waitDone := func(n int) {
			for {
				mu.Lock()
				d := done
				mu.Unlock()
				if d >= n {
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		waitDone(total / 3)
		Script(t, "kill", "2")
		mu.Lock()
		killedAt = time.Now()
		ackedBefore := len(acked)
		mu.Unlock()
		waitDone(total / 2)
		// Separately, replica 3 (its server and worker) dies abruptly: its
		// leased jobs are taken over once their leases run out.
		envs[2].Kill()
		replica3Down.Store(true)
		t.Log("replica 3 killed")
		waitDone(2 * total / 3)
		Script(t, "restart", "2")
		restartedAt = time.Now()
		t.Logf("orders acknowledged before the kill: %d; node 2 down for %v", ackedBefore, restartedAt.Sub(killedAt).Round(time.Millisecond))
	}
	wg.Wait()
	t.Logf("%d orders placed by %d clients over %d replicas in %v (%.1f orders/s)", len(acked), clients, len(envs),
		time.Since(start).Round(time.Millisecond), float64(len(acked))/time.Since(start).Seconds())
	if chaos {
		// The longest time without an acknowledged order from the kill on:
		// how long the cluster (and the replicas on the other nodes) took to
		// serve again.
		var gap time.Duration
		prev := killedAt
		for _, at := range ackTimes {
			if at.After(killedAt) {
				gap = max(gap, at.Sub(prev))
				prev = at
			}
		}
		t.Logf("longest pause in acknowledged orders after the kill: %v", gap.Round(time.Millisecond))
	}
	if t.Failed() {
		return
	}
	audit(t, dbs[0], acked, total+accounts, custs, watches)
	up.audit(t, dbs[0], total/4)
}

func orderReq(key string) *certsvcv1.CreateCertificateRequest {
	return &certsvcv1.CreateCertificateRequest{
		PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: key + ".example.com"}, Pay: true, IdempotencyKey: key,
	}
}

// audit checks the store after a run of orders: want certificates, all of
// them issued once.
func audit(t *testing.T, db *store.DB, acked map[string]int64, want int, custs []apitest.Customer, watches []*watch) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		n, err := db.Ent.Certificate.Query().Where(certificate.StateEQ(certificate.StateIssued)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d certificates issued after 5 minutes", n, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	certs, err := db.Ent.Certificate.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != want {
		t.Errorf("%d certificates, want %d (one per order)", len(certs), want)
	}
	byKey := map[string]int64{}
	serials := map[string]int64{}
	for _, c := range certs {
		if c.IdempotencyKey != nil {
			byKey[*c.IdempotencyKey] = c.ID
		}
		if prev, ok := serials[c.SerialNumber]; ok {
			t.Errorf("certificates %d and %d share serial %s", prev, c.ID, c.SerialNumber)
		}
		serials[c.SerialNumber] = c.ID
	}
	for key, id := range acked {
		if byKey[key] != id {
			t.Errorf("order %s acknowledged as certificate %d, stored as %d", key, id, byKey[key])
		}
	}
	// Issued once: one ca_issued event per certificate.
	type count struct {
		CertificateID int64 `json:"certificate_id"`
		Count         int   `json:"count"`
	}
	var issued []count
	if err := db.Ent.CertificateEvent.Query().Where(certificateevent.Event("ca_issued")).
		GroupBy(certificateevent.FieldCertificateID).Aggregate(ent.Count()).Scan(ctx, &issued); err != nil {
		t.Fatal(err)
	}
	if len(issued) != want {
		t.Errorf("%d certificates with an issuance event, want %d", len(issued), want)
	}
	for _, c := range issued {
		if c.Count != 1 {
			t.Errorf("certificate %d issued %d times", c.CertificateID, c.Count)
		}
	}
	// No job left leased: a job a worker is finishing (a sync the fake
	// upstream's loop asked for as the last order was issued) lets go of its
	// lease at once; one taken by a killed replica is taken over within a
	// lease. A lease still held after a minute is left behind.
	for leaseDeadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		n, err := db.Ent.Job.Query().Where(job.LeaseOwnerNEQ("")).Count(ctx)
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(leaseDeadline) {
			t.Errorf("%d jobs still leased a minute after the last issuance (%v)", n, err)
			break
		}
	}
	for i, cu := range custs {
		acc, err := db.Ent.Account.Get(ctx, cu.Account.GetId())
		if err != nil {
			t.Fatal(err)
		}
		sum, err := db.Ent.LedgerEntry.Query().Where(ledgerentry.AccountID(acc.ID)).Aggregate(ent.Sum(ledgerentry.FieldAmount)).Int(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if int64(sum) != acc.Balance {
			t.Errorf("account %d: ledger sums to %d, balance %d", acc.ID, sum, acc.Balance)
		}
		evs, err := db.Ent.CertificateEvent.Query().Where(certificateevent.AccountID(acc.ID)).IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		missing := func() (n int, first int64) {
			for _, id := range evs {
				if !watches[i].has(id) {
					if n == 0 {
						first = id
					}
					n++
				}
			}
			return n, first
		}
		for {
			n, first := missing()
			if n == 0 {
				break
			}
			select {
			case <-watches[i].seen:
			case <-time.After(15 * time.Second):
				t.Errorf("account %d: the watcher missed %d of %d events (event %d first)", acc.ID, n, len(evs), first)
			}
			if t.Failed() {
				break
			}
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal(ctx.Err())
	}
}

// A watcher on replica 1 receives the events of an order placed on
// replica 2 (node 2) and issued by whichever worker claims it. The delay
// is logged, not asserted.
func TestWatchAcrossReplicas(t *testing.T) {
	dbs := Open(t)
	envs := replicas(t, dbs)
	admin := envs[0].Clients(apitest.ConnectJSON, apitest.AdminAuth)
	c := envs[0].NewCustomer(t, "watcher", "RUB")
	if _, err := admin.Account.Deposit(t.Context(), &certsvcv1.DepositRequest{AccountId: c.Account.GetId(),
		AmountMinor: 1 << 40, Currency: "RUB"}); err != nil {
		t.Fatal(err)
	}
	// A first order, for the watch to start after: it then replays what
	// it missed while subscribing, so no event is lost to the race.
	warm, err := envs[0].Clients(apitest.ConnectJSON, c.Auth).Cert.CreateCertificate(t.Context(), orderReq("warm"))
	if err != nil {
		t.Fatal(err)
	}
	start, err := dbs[0].Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(warm.GetCertificate().GetId())).
		Order(ent.Asc(certificateevent.FieldID)).First(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	w := startWatch(t, envs[:1], 0, c.Auth, start.ID)
	var delays []time.Duration
	for i := range 6 {
		res, err := envs[1].Clients(apitest.ConnectJSON, c.Auth).Cert.CreateCertificate(t.Context(), orderReq(fmt.Sprintf("w-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		placed := time.Now()
		first, err := dbs[1].Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(res.GetCertificate().GetId())).
			Order(ent.Asc(certificateevent.FieldID)).First(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for !w.has(first.ID) {
			select {
			case <-w.seen:
			case <-time.After(30 * time.Second):
				t.Fatalf("the watcher on replica 1 never saw event %d of replica 2", first.ID)
			}
		}
		delays = append(delays, time.Since(placed))
	}
	t.Logf("replica 2's order seen by the watcher on replica 1 after %v", delays)
}
