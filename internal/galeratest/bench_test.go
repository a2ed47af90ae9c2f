package galeratest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/store"
)

// BenchmarkOrders measures paid orders per second placed by 16 clients
// spread over 1, 2 or 3 replicas, each replica on its own Galera node, and
// over one replica on a single MariaDB (CERTSVC_TEST_MYSQL_DSN). The
// workers do not run: this is the API's own write path (order, charge,
// event, job) with its certification conflicts and retries.
//
//	go test ./internal/galeratest -run '^$' -bench Orders -benchtime 2000x
func BenchmarkOrders(b *testing.B) {
	for n := 1; n <= 3; n++ {
		b.Run(fmt.Sprintf("galera/replicas=%d", n), func(b *testing.B) {
			benchOrders(b, Open(b)[:n])
		})
	}
	b.Run("mariadb/replicas=1", func(b *testing.B) { benchOrders(b, []*store.DB{dbtest.MySQL(b)}) })
}

func benchOrders(b *testing.B, dbs []*store.DB) {
	keyring := apitest.NewKeyring(b)
	var envs []*apitest.Env
	for _, db := range dbs {
		envs = append(envs, apitest.NewWith(b, db, apitest.Options{Keyring: keyring, NoWorker: true}))
	}
	admin := envs[0].Clients(apitest.ConnectJSON, apitest.AdminAuth)
	const clients, accounts = 16, 4
	var custs []apitest.Customer
	for i := range accounts {
		c := envs[0].NewCustomer(b, fmt.Sprintf("bench%d", i), "RUB")
		if _, err := admin.Account.Deposit(b.Context(), &certsvcv1.DepositRequest{AccountId: c.Account.GetId(),
			AmountMinor: 1 << 50, Currency: "RUB"}); err != nil {
			b.Fatal(err)
		}
		custs = append(custs, c)
	}
	var next, retries atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for k := range clients {
		cl := envs[k%len(envs)].Clients(apitest.ConnectJSON, custs[k%accounts].Auth)
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				for {
					_, err := cl.Cert.CreateCertificate(b.Context(), orderReq(fmt.Sprintf("b-%d", n)))
					if err == nil {
						break
					}
					if !retryable(err) {
						b.Errorf("order %d: %v", n, err)
						return
					}
					retries.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
	b.ReportMetric(float64(retries.Load())/float64(b.N), "client-retries/order")
}

// BenchmarkLoginFailures measures failed logins recorded per second in the
// shared limiter (store.LoginLimiter) by 16 goroutines spread over the
// nodes of the cluster, and on a single MariaDB: each on its own login
// ("distinct keys"), or all on one login ("one key": every failure
// conflicts with the others, by lock on one node and by certification
// across nodes, and is retried; aborted/op is the share still conflicting
// after InTx's 8 attempts, answered Aborted).
//
//	go test ./internal/galeratest -run '^$' -bench LoginFailures -benchtime 2000x
func BenchmarkLoginFailures(b *testing.B) {
	cfg := auth.LimiterConfig{Free: 1 << 30, Window: time.Hour}
	for _, keys := range []string{"distinct keys", "one key"} {
		b.Run("galera/nodes=3/"+keys, func(b *testing.B) { benchLoginFailures(b, Open(b), cfg, keys == "one key") })
		b.Run("mariadb/"+keys, func(b *testing.B) { benchLoginFailures(b, []*store.DB{dbtest.MySQL(b)}, cfg, keys == "one key") })
	}
}

func benchLoginFailures(b *testing.B, dbs []*store.DB, cfg auth.LimiterConfig, oneKey bool) {
	const workers = 16
	var next, aborted atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range workers {
		l := dbs[w%len(dbs)].LoginLimiter(cfg)
		key := fmt.Sprintf("login:bench-%d", w)
		if oneKey {
			key = "login:bench"
		}
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				err := l.Failure(b.Context(), key)
				switch {
				case errors.Is(err, errkind.Aborted):
					aborted.Add(1) // still conflicting after InTx's attempts
				case err != nil:
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "failures/s")
	b.ReportMetric(float64(aborted.Load())/float64(b.N), "aborted/op")
}
