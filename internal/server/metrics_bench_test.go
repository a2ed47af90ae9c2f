package server_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/core/stats"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// BenchmarkCertificatesByStateModule is the read of certsvc_certificates
// (certificates by state and processing module) over CERTSVC_BENCH_CERTS
// certificates (default 10,000) on MariaDB, spread over every state and the
// seeded modules:
//
//	CERTSVC_TEST_MYSQL_DSN="root@tcp(127.0.0.1:3306)/" CERTSVC_BENCH_CERTS=1000000 \
//	  go test ./internal/server/ -run '^$' -bench CertificatesByStateModule -benchtime 5x -v
func BenchmarkCertificatesByStateModule(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("CERTSVC_BENCH_CERTS")); err == nil && v > 0 {
		n = v
	}
	env := apitest.NewWith(b, dbtest.MySQL(b), apitest.Options{NoWorker: true})
	cust := env.NewCustomer(b, "bystate", "RUB")
	var modules []int64
	rows, err := env.DB.SQL.Query("SELECT id FROM processing_modules ORDER BY id")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		modules = append(modules, id)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if len(modules) == 0 {
		b.Fatal("no processing modules seeded")
	}
	start := time.Now()
	want := seedStateModule(b, env, cust.Account.GetId(), modules, n)
	b.Logf("seeded %d certificates in %s", n, time.Since(start).Round(time.Millisecond))
	b.ResetTimer()
	for b.Loop() {
		groups, err := stats.CertificatesByStateModule(b.Context(), env.DB.Ent)
		if err != nil {
			b.Fatal(err)
		}
		var total int64
		for _, g := range groups {
			total += g.Count
		}
		if total != want {
			b.Fatalf("counted %d certificates, want %d", total, want)
		}
	}
}

// seedStateModule inserts n certificates with multi-row INSERTs, the state
// and module cycling, each with 600 bytes of text standing for what a row
// holds beside (smaller than an issued RSA certificate's row, so that 1M
// rows seed in about a minute). It returns how many certificates the table
// holds.
func seedStateModule(b *testing.B, env *apitest.Env, accountID int64, modules []int64, n int) int64 {
	b.Helper()
	const batch = 2000
	states := lifecycle.AllStates()
	crt := strings.Repeat("x", 600)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var sb strings.Builder
	args := make([]any, 0, batch*8)
	for i := 0; i < n; i += batch {
		sb.Reset()
		args = args[:0]
		sb.WriteString(`INSERT INTO certificates (create_time, update_time, account_id, plan_id, period_months, state,
			processing_module_id, common_name, subject, currency, cert_pem) VALUES `)
		for j := i; j < min(n, i+batch); j++ {
			if j > i {
				sb.WriteString(",")
			}
			sb.WriteString("(?, ?, ?, 3033, 12, ?, ?, ?, '{}', 'RUB', ?)")
			// Two in three issued, as in a service that has run a while.
			st := lifecycle.Issued
			if j%3 == 0 {
				st = states[(j/3)%len(states)]
			}
			var mod int64 // 0: none yet
			if k := j % (len(modules) + 1); k < len(modules) {
				mod = modules[k]
			}
			t := t0.Add(time.Duration(j) * time.Second)
			args = append(args, t, t, accountID, string(st), mod, fmt.Sprintf("host%07d.example.com", j), crt)
		}
		if _, err := env.DB.SQL.Exec(sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := env.DB.SQL.Exec("ANALYZE TABLE certificates"); err != nil {
		b.Fatal(err)
	}
	var total int64
	if err := env.DB.SQL.QueryRow("SELECT COUNT(*) FROM certificates").Scan(&total); err != nil {
		b.Fatal(err)
	}
	return total
}
