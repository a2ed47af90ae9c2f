package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// gatewayBenchRows is how many certificates each benchmark customer has:
// func=certificate answers them all, ListCertificates one page of them.
const gatewayBenchRows = 20

// BenchmarkGatewayVsConnect compares the legacy gateway with the same reads
// made as Connect JSON RPCs, on MariaDB, at clientsPerBench (16) concurrent
// customers: func=certificate (20 rows) against ListCertificates (page of
// 20), and certificate.edit against GetCertificate. Each iteration makes
// the gateway call and the direct call back to back, so both see the same
// load. It reports p50/p99 of each in ms and the gateway/direct p50 ratio;
// it asserts no timings:
//
//	go test -run - -bench GatewayVsConnect -benchtime 400x ./internal/server/
func BenchmarkGatewayVsConnect(b *testing.B) {
	env := apitest.New(b, dbtest.MySQL(b))
	type customer struct {
		authinfo string
		api      apitest.Clients
		certs    []int64
	}
	csr := csrPEM(&testing.T{}, p256(), "bench.example.com")
	var customers []customer
	for i := range clientsPerBench {
		cust := env.NewCustomer(b, fmt.Sprintf("gwbench%d", i), "RUB")
		c := customer{authinfo: cust.User.GetLogin() + ":" + cust.Password, api: env.Clients(apitest.ConnectJSON, cust.Auth)}
		for range gatewayBenchRows {
			res, err := c.api.Cert.CreateCertificate(b.Context(), &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12, CsrPem: csr})
			if err != nil {
				b.Fatal(err)
			}
			c.certs = append(c.certs, res.GetCertificate().GetId())
		}
		customers = append(customers, c)
	}
	gateway := func(c customer, q url.Values) error {
		q.Set("authinfo", c.authinfo)
		q.Set("out", "json")
		res, err := env.HTTP.Get(env.URL + "/billmgr?" + q.Encode())
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err == nil && (res.StatusCode != http.StatusOK || strings.Contains(string(body), `"error"`)) {
			err = fmt.Errorf("%s: HTTP %d %.300s", q.Get("func"), res.StatusCode, body)
		}
		return err
	}
	cases := []struct {
		name    string
		gateway func(c customer, i int) error
		direct  func(c customer, i int) error
	}{
		{"list",
			func(c customer, _ int) error {
				return gateway(c, url.Values{"func": {"certificate"}, "p_cnt": {fmt.Sprint(gatewayBenchRows)}})
			},
			func(c customer, _ int) error {
				res, err := c.api.Cert.ListCertificates(context.Background(), &certsvcv1.ListCertificatesRequest{PageSize: gatewayBenchRows})
				if err == nil && len(res.GetCertificates()) != gatewayBenchRows {
					err = fmt.Errorf("listed %d", len(res.GetCertificates()))
				}
				return err
			}},
		{"edit",
			func(c customer, i int) error {
				return gateway(c, url.Values{"func": {"certificate.edit"}, "elid": {fmt.Sprint(c.certs[i%len(c.certs)])}})
			},
			func(c customer, i int) error {
				_, err := c.api.Cert.GetCertificate(context.Background(), &certsvcv1.GetCertificateRequest{Id: c.certs[i%len(c.certs)]})
				return err
			}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var gw, direct latencies
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := range clientsPerBench {
				c := customers[w]
				wg.Go(func() {
					for i := int(next.Add(1)); i <= b.N; i = int(next.Add(1)) {
						for _, call := range []struct {
							fn  func(customer, int) error
							lat *latencies
						}{{tc.gateway, &gw}, {tc.direct, &direct}} {
							start := time.Now()
							if err := call.fn(c, i); err != nil {
								b.Error(err)
								return
							}
							call.lat.add(time.Since(start))
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			gwP50 := gw.percentile(0.50)
			b.ReportMetric(gwP50, "gw-p50-ms")
			b.ReportMetric(gw.percentile(0.99), "gw-p99-ms")
			directP50 := direct.percentile(0.50)
			b.ReportMetric(directP50, "direct-p50-ms")
			b.ReportMetric(direct.percentile(0.99), "direct-p99-ms")
			if directP50 > 0 {
				b.ReportMetric(gwP50/directP50, "gw/direct-p50")
			}
		})
	}
}

// percentile returns the p-th percentile of the durations, in ms.
func (l *latencies) percentile(p float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	return float64(l.d[int(float64(len(l.d)-1)*p)].Microseconds()) / 1000
}
