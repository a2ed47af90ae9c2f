package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/pki"
)

// latencies collects call durations and reports their percentiles.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) { l.reportAs(b, "") }

// reportAs reports the median and the 99th percentile as prefix+"p50-ms"
// and prefix+"p99-ms".
func (l *latencies) reportAs(b *testing.B, prefix string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(l.d[int(float64(len(l.d)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.99), prefix+"p99-ms")
}

// reset forgets what was added.
func (l *latencies) reset() {
	l.mu.Lock()
	l.d = l.d[:0]
	l.mu.Unlock()
}

// BenchmarkOrderThroughput measures paid orders of 16 customers with the
// customer's own CSR through the whole API on MariaDB: "api" with the
// worker submitting them to the built-in CA meanwhile (sharing the
// database), "api-queued" with the orders left queued for a worker; and
// "raw-sql", the same rows an order writes, written directly with
// database/sql in one transaction per order, as the raw limit of the
// database; and "api-floor", what any API over the same doors must add to
// raw-sql: rawOrder behind a Connect handler that only reads the caller's
// user and checks the CSR, served and called as "api-queued" is (TLS,
// HTTP/2, Connect JSON), a bound for the ratio of api-queued to raw-sql on
// the machine it runs on:
//
//	go test -run - -bench OrderThroughput -cpu 16 ./internal/server/
func BenchmarkOrderThroughput(b *testing.B) {
	for _, mode := range []struct {
		name string
		opts apitest.Options
	}{{"api", apitest.Options{}}, {"api-queued", apitest.Options{NoWorker: true}}} {
		b.Run(mode.name, func(b *testing.B) { benchOrders(b, mode.opts) })
	}
	b.Run("raw-sql", func(b *testing.B) {
		db, accounts := rawAccounts(b)
		csr := csrPEM(&testing.T{}, p256(), "bench.example.com")
		placeOrders(b, db, func(client int) error {
			_, err := rawOrder(db, accounts[client], csr, false)
			return err
		})
	})
	b.Run("api-floor", benchFloor)
}

// rawAccounts returns a migrated database, written to without the service,
// with clientsPerBench accounts, each with a user "raw<i>".
func rawAccounts(b *testing.B) (*sql.DB, []int64) {
	db := dbtest.MySQL(b).SQL
	var accounts []int64
	now := time.Now().UTC()
	for i := range clientsPerBench {
		res, err := db.Exec("INSERT INTO accounts (create_time, update_time, name, currency, balance) VALUES (?, ?, 'raw', 'RUB', ?)", now, now, int64(1)<<50)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := db.Exec("INSERT INTO users (create_time, update_time, login, password_hash, level, account_id) VALUES (?, ?, ?, '', 'user', ?)",
			now, now, fmt.Sprintf("raw%d", i), id); err != nil {
			b.Fatal(err)
		}
		accounts = append(accounts, id)
	}
	return db, accounts
}

// floorService is the least a CreateCertificate can do: the CSR parsed and
// its signature and key checked, and rawOrder's rows written with as many
// statements as the order core sends.
type floorService struct {
	certsvcv1connect.UnimplementedCertificateServiceHandler
	db *sql.DB
}

type floorAccount struct{}

func (f floorService) CreateCertificate(ctx context.Context, req *certsvcv1.CreateCertificateRequest) (*certsvcv1.CreateCertificateResponse, error) {
	csr, err := pki.ParseCSR([]byte(req.GetCsrPem()))
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	if err := pki.CheckKeyStrength(csr.PublicKey); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	accountID := ctx.Value(floorAccount{}).(int64)
	id, err := rawOrder(f.db, accountID, string(pki.EncodeCSRPEM(csr.Raw)), true)
	if err != nil {
		return nil, err
	}
	return &certsvcv1.CreateCertificateResponse{Certificate: &certsvcv1.Certificate{Id: id, AccountId: accountID,
		PlanId: req.GetPlanId(), State: certsvcv1.CertificateState_CERTIFICATE_STATE_SUBMITTING, CommonName: csr.CommonName}}, nil
}

// benchFloor orders through floorService, behind a check of the caller as
// the API's gate makes it for a password it has verified before: its user
// read by login.
func benchFloor(b *testing.B) {
	db, _ := rawAccounts(b)
	path, h := certsvcv1connect.NewCertificateServiceHandler(floorService{db: db})
	mux := http.NewServeMux()
	mux.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		login, _, _ := r.BasicAuth()
		var accountID int64
		var disabled bool
		if err := db.QueryRowContext(r.Context(), "SELECT account_id, disabled FROM users WHERE login = ?", login).Scan(&accountID, &disabled); err != nil || disabled {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), floorAccount{}, accountID)))
	}))
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	b.Cleanup(srv.Close)
	var clients []certsvcv1connect.CertificateServiceClient
	for i := range clientsPerBench {
		auth := apitest.Basic(fmt.Sprintf("raw%d", i), "")
		clients = append(clients, certsvcv1connect.NewCertificateServiceClient(srv.Client(), srv.URL, connect.WithProtoJSON(),
			connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
				return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
					req.Header().Set("Authorization", auth)
					return next(ctx, req)
				}
			}))))
	}
	csr := csrPEM(&testing.T{}, p256(), "bench.example.com")
	placeOrders(b, db, func(client int) error {
		_, err := clients[client].CreateCertificate(context.Background(),
			&certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12, CsrPem: csr, Pay: true})
		return err
	})
}

// placeOrders places b.N orders from clientsPerBench clients at once, each
// goroutine as one client: order places one for client i. It reports the
// orders per second, the CPU and the statements per order, and the
// latencies.
func placeOrders(b *testing.B, db *sql.DB, order func(client int) error) {
	var lat latencies
	var next atomic.Int64
	b.ResetTimer()
	cpu0 := cpuTime()
	q0 := questions(b, db)
	b.RunParallel(func(pb *testing.PB) {
		client := int(next.Add(1)-1) % clientsPerBench
		for pb.Next() {
			start := time.Now()
			if err := order(client); err != nil {
				b.Error(err)
				return
			}
			lat.add(time.Since(start))
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	reportCPU(b, cpu0)
	reportQueries(b, db, q0)
	lat.report(b)
}

// benchOrders places paid orders of clientsPerBench customers at once.
func benchOrders(b *testing.B, opts apitest.Options) {
	env := apitest.NewWith(b, dbtest.MySQL(b), opts)
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	var clients []apitest.Clients
	for i := range clientsPerBench {
		cust := env.NewCustomer(b, fmt.Sprintf("orders%d", i), "RUB")
		if _, err := admin.Account.Deposit(b.Context(), &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 1 << 50, Currency: "RUB"}); err != nil {
			b.Fatal(err)
		}
		clients = append(clients, env.Clients(apitest.ConnectJSON, cust.Auth))
	}
	csr := csrPEM(&testing.T{}, p256(), "bench.example.com")
	placeOrders(b, env.DB.SQL, func(client int) error {
		_, err := clients[client].Cert.CreateCertificate(context.Background(),
			&certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12, CsrPem: csr, Pay: true})
		return err
	})
	if !opts.NoWorker {
		// What the worker issued meanwhile: it runs behind the orders.
		var issued int
		if err := env.DB.SQL.QueryRow("SELECT COUNT(*) FROM certificates WHERE state = 'issued'").Scan(&issued); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(issued)/b.Elapsed().Seconds(), "issued/s")
	}
	reportRSS(b)
}

// questions is how many statements the database server has run so far
// (its global Questions counter): the benchmark's own and, on a server
// that serves nothing else, nothing more.
func questions(b *testing.B, db *sql.DB) int64 {
	var name string
	var n int64
	if err := db.QueryRow("SHOW GLOBAL STATUS LIKE 'Questions'").Scan(&name, &n); err != nil {
		b.Fatal(err)
	}
	return n
}

// reportQueries reports the statements per order since q0: a figure of
// the database work an order costs that, unlike the rate, does not move
// with other load on the machine. With the worker on, it counts what the
// worker did during the run, which falls behind the orders.
func reportQueries(b *testing.B, db *sql.DB, q0 int64) {
	b.ReportMetric(float64(questions(b, db)-q0-1)/float64(b.N), "queries/order")
}

// reportCPU reports the CPU time of this process (server, worker and
// clients; not the database) per order since cpu0: less sensitive than the
// rate to other load on the machine.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/order")
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRSS reports the peak resident set of this process (the server and
// its clients) so far, and the resident set now, from /proc (Linux only).
func reportRSS(b *testing.B) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		for _, m := range []struct{ key, unit string }{{"VmHWM:", "peak-rss-MB"}, {"VmRSS:", "rss-MB"}} {
			if rest, ok := strings.CutPrefix(line, m.key); ok {
				if kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB")); err == nil {
					b.ReportMetric(float64(kb)/1024, m.unit)
				}
			}
		}
	}
}

// clientsPerBench is how many customers order at once, each on its own
// account: resellers do not share a balance.
const clientsPerBench = 16

// rawOrder writes what a paid order writes: the account row locked and
// debited, a ledger entry, the certificate and its names, two events and a
// job. It returns the certificate's id. The events go in one INSERT with
// eventsTogether, as the order core writes them, or one INSERT each.
func rawOrder(db *sql.DB, accountID int64, csr string, eventsTogether bool) (int64, error) {
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	var balance int64
	if err := tx.QueryRow("SELECT balance FROM accounts WHERE id = ? FOR UPDATE", accountID).Scan(&balance); err != nil {
		return 0, err
	}
	balance -= 81000
	if _, err := tx.Exec("UPDATE accounts SET balance = ?, update_time = ? WHERE id = ?", balance, now, accountID); err != nil {
		return 0, err
	}
	res, err := tx.Exec(`INSERT INTO certificates (create_time, update_time, account_id, plan_id, period_months, state, common_name,
		subject, currency, cost_minor, csr_pem, processing_module_id) VALUES (?, ?, ?, 3033, 12, 'unpaid', 'bench.example.com', '{}', 'RUB', 81000, ?, 1)`,
		now, now, accountID, csr)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	// The rows the domain filter finds the order by.
	if _, err := tx.Exec("INSERT INTO certificate_names (certificate_id, suffix) VALUES (?, 'bench.example.com'), (?, 'example.com'), (?, 'com')",
		id, id, id); err != nil {
		return 0, err
	}
	const event = `INSERT INTO certificate_events (create_time, certificate_id, account_id, event, from_state, to_state) VALUES `
	if eventsTogether {
		if _, err := tx.Exec(event+"(?, ?, ?, 'order', 'unpaid', 'unpaid'), (?, ?, ?, 'pay', 'unpaid', 'submitting')",
			now, id, accountID, now, id, accountID); err != nil {
			return 0, err
		}
	} else {
		for _, ev := range []string{"order", "pay"} {
			if _, err := tx.Exec(event+"(?, ?, ?, ?, 'unpaid', 'unpaid')", now, id, accountID, ev); err != nil {
				return 0, err
			}
		}
	}
	if _, err := tx.Exec(`INSERT INTO ledger_entries (create_time, account_id, kind, amount, currency, balance_after, idempotency_key)
		VALUES (?, ?, 'charge', -81000, 'RUB', ?, ?)`, now, accountID, balance, fmt.Sprintf("certificate/%d/order", id)); err != nil {
		return 0, err
	}
	if _, err := tx.Exec("UPDATE certificates SET state = 'submitting', op = 'order', update_time = ? WHERE id = ?", now, id); err != nil {
		return 0, err
	}
	if _, err := tx.Exec("INSERT INTO jobs (create_time, certificate_id, run_time) VALUES (?, ?, ?)", now, id, now); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// BenchmarkListCertificatesDeep lists an admin's view of 1,000,000
// certificates (CERTSVC_BENCH_CERTS to change), the first page and page
// 10,000 of 50 rows, newest first and expiring first, as a browser asks
// (Connect JSON) and as an internal service asks (gRPC); and the same with
// the domain filter: "example.com", which every certificate matches (first
// page and page 10,000), and a prefix of 1,000 of them ("host0500"):
//
//	go test -run - -bench ListCertificatesDeep -benchtime 2000x ./internal/server/
//
// Filling a million rows takes minutes; with CERTSVC_BENCH_LIST_DB=<name> the
// rows are made in that database once and kept, and later runs list them.
func BenchmarkListCertificatesDeep(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("CERTSVC_BENCH_CERTS")); err == nil && v > 0 {
		n = v
	}
	// served is the server's own time of each list call, without the
	// client's: the decoding of a Connect JSON page by the Go client is
	// about as much work again as the server's.
	var served latencies
	opts := apitest.Options{Served: func(r *http.Request, d time.Duration) {
		if strings.HasSuffix(r.URL.Path, "/ListCertificates") {
			served.add(d)
		}
	}}
	var env *apitest.Env
	if name := os.Getenv("CERTSVC_BENCH_LIST_DB"); name != "" {
		env = apitest.NewWith(b, dbtest.MySQLKept(b, name), opts)
	} else {
		env = apitest.NewWith(b, dbtest.MySQL(b), opts)
	}
	var filled int64
	if err := env.DB.SQL.QueryRow("SELECT COUNT(*) FROM certificates").Scan(&filled); err != nil {
		b.Fatal(err)
	}
	if filled != int64(n) {
		if filled != 0 {
			b.Fatalf("the kept database has %d certificates, not %d: drop it or use another name", filled, n)
		}
		cust := env.NewCustomer(b, "many", "RUB")
		fillCertificates(b, env.DB.SQL, cust.Account.GetId(), n)
	}
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	const size = 50
	for _, order := range []certsvcv1.CertificateOrder{certsvcv1.CertificateOrder_CERTIFICATE_ORDER_NEWEST_FIRST,
		certsvcv1.CertificateOrder_CERTIFICATE_ORDER_EXPIRING_FIRST} {
		for _, f := range []struct {
			name   string
			domain string
			deep   bool
		}{{"", "", true}, {"domain-all/", "example.com", true}, {"domain-1000/", fmt.Sprintf("host%04d", n/2/1000), false}} {
			var filter *certsvcv1.CertificateFilter
			if f.domain != "" {
				filter = &certsvcv1.CertificateFilter{Domain: f.domain}
			}
			pages := []struct {
				name  string
				token func() (string, error)
			}{{"page1", func() (string, error) { return "", nil }}}
			if f.deep {
				// Walk to page 10,000 in big steps, when a benchmark of that
				// page runs first; the token of a 1,000-row page serves
				// 50-row pages, as the filter is the same.
				pages = append(pages, struct {
					name  string
					token func() (string, error)
				}{"page10000", sync.OnceValues(func() (string, error) {
					req := &certsvcv1.ListCertificatesRequest{PageSize: 1000, OrderBy: order, Filter: filter}
					for range (10_000 - 1) * size / 1000 {
						res, err := admin.Cert.ListCertificates(context.Background(), req)
						if err != nil {
							return "", err
						}
						req.PageToken = res.GetNextPageToken()
					}
					return req.PageToken, nil
				})})
			}
			for _, page := range pages {
				for _, proto := range apitest.Protocols {
					cl := env.Clients(proto, apitest.AdminAuth)
					name := strings.ToLower(strings.TrimPrefix(order.String(), "CERTIFICATE_ORDER_")) + "/" + f.name + page.name + "/" + string(proto)
					b.Run(name, func(b *testing.B) {
						token, err := page.token()
						if err != nil {
							b.Fatal(err)
						}
						var lat latencies
						served.reset()
						for b.Loop() {
							start := time.Now()
							res, err := cl.Cert.ListCertificates(b.Context(), &certsvcv1.ListCertificatesRequest{PageSize: size,
								PageToken: token, OrderBy: order, Filter: filter})
							if err != nil {
								b.Fatal(err)
							}
							if len(res.GetCertificates()) != size {
								b.Fatalf("got %d rows", len(res.GetCertificates()))
							}
							lat.add(time.Since(start))
						}
						lat.report(b)
						served.reportAs(b, "server-")
					})
				}
			}
		}
	}
}

// fillCertificates inserts n issued certificates with multi-row inserts.
func fillCertificates(b *testing.B, db *sql.DB, accountID int64, n int) {
	b.Helper()
	const batch = 1000
	// Texts of the sizes an issued RSA-2048 certificate has: a row of a
	// list is read from pages that hold them too.
	csr, key, crt, chain := strings.Repeat("c", 1000), strings.Repeat("k", 2400), strings.Repeat("x", 1700), strings.Repeat("i", 1900)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var sb strings.Builder
	args := make([]any, 0, batch*9)
	for i := 0; i < n; i += batch {
		sb.Reset()
		args = args[:0]
		sb.WriteString(`INSERT INTO certificates (create_time, update_time, account_id, plan_id, period_months, state, common_name,
			subject, currency, not_after, csr_pem, private_key, has_private_key, cert_pem, chain_pem) VALUES `)
		for j := i; j < min(n, i+batch); j++ {
			if j > i {
				sb.WriteString(",")
			}
			sb.WriteString("(?, ?, ?, 3033, 12, 'issued', ?, '{}', 'RUB', ?, ?, ?, 1, ?, ?)")
			t := start.Add(time.Duration(j) * time.Second)
			args = append(args, t, t, accountID, fmt.Sprintf("host%07d.example.com", j), t.Add(time.Duration(j%5000)*time.Hour),
				csr, key, crt, chain)
		}
		if _, err := db.Exec(sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	// Their names, as an order writes them: the name and what follows each
	// of its dots (every name here has three labels), with the
	// certificate's end date.
	var lo, hi int64
	if err := db.QueryRow("SELECT MIN(id), MAX(id) FROM certificates WHERE account_id = ?", accountID).Scan(&lo, &hi); err != nil {
		b.Fatal(err)
	}
	for from := lo; from <= hi; from += 50_000 {
		const part = "FROM certificates WHERE account_id = ? AND id BETWEEN ? AND ?"
		to := from + 50_000 - 1
		if _, err := db.Exec(`INSERT INTO certificate_names (certificate_id, suffix, not_after)
			SELECT id, common_name, not_after `+part+`
			UNION ALL SELECT id, SUBSTRING(common_name, LOCATE('.', common_name) + 1), not_after `+part+`
			UNION ALL SELECT id, SUBSTRING_INDEX(common_name, '.', -1), not_after `+part,
			accountID, from, to, accountID, from, to, accountID, from, to); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{"ANALYZE TABLE certificates", "ANALYZE TABLE certificate_names"} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
}
