package webhook_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
)

// benchReceiver answers 200 and notes when each notice (by its
// Data.Reason) arrived.
type benchReceiver struct {
	mu   sync.Mutex
	at   map[string]time.Time
	done chan struct{}
	want int
}

func (r *benchReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var p struct {
		Data struct {
			Reason string `json:"reason"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &p)
	now := time.Now()
	r.mu.Lock()
	if _, seen := r.at[p.Data.Reason]; !seen {
		r.at[p.Data.Reason] = now
		if len(r.at) == r.want {
			close(r.done)
		}
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func benchEnv(b *testing.B, k dbtest.Kind, r *benchReceiver) (*apitest.Env, int64) {
	srv := httptest.NewTLSServer(r)
	b.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	env := apitest.NewWith(b, k.Open(b), apitest.Options{
		Outbox:   outbox.Options{Poll: time.Second},
		Webhooks: webhook.Options{AllowPrivate: true, TLSConfig: &tls.Config{RootCAs: pool}},
	})
	cust := env.NewCustomer(b, "bench", "RUB")
	cl := env.Clients(apitest.ConnectJSON, cust.Auth)
	if _, err := cl.Webhook.CreateWebhookEndpoint(context.Background(), &certsvcv1.CreateWebhookEndpointRequest{
		Endpoint: &certsvcv1.WebhookEndpoint{Url: srv.URL, Enabled: true}}); err != nil {
		b.Fatal(err)
	}
	return env, cust.Account.GetId()
}

// notify commits one notice of account in a transaction of the order core,
// as a certificate event does.
func notify(b *testing.B, env *apitest.Env, account int64, i int) {
	key := fmt.Sprintf("bench:%d", i)
	err := env.Core.InTx(context.Background(), func(tx *core.Tx) error {
		return tx.Notify(context.Background(), key, outbox.Notice{Type: outbox.Issued, AccountID: account,
			Data: outbox.Data{Reason: key, CommonName: "www.example.com"}})
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWebhookLatency commits b.N notices at 100 per second and reports
// the time from each commit to the receiver's 200, p50 and p99, in ms.
func BenchmarkWebhookLatency(b *testing.B) {
	for _, k := range dbtest.Kinds {
		b.Run(k.Name, func(b *testing.B) {
			r := &benchReceiver{at: map[string]time.Time{}, done: make(chan struct{}), want: b.N}
			env, account := benchEnv(b, k, r)
			committed := make([]time.Time, b.N)
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			b.ResetTimer()
			for i := range b.N {
				<-tick.C
				notify(b, env, account, i)
				committed[i] = time.Now()
			}
			<-r.done
			b.StopTimer()
			lat := make([]time.Duration, 0, b.N)
			r.mu.Lock()
			for i, c := range committed {
				lat = append(lat, r.at[fmt.Sprintf("bench:%d", i)].Sub(c))
			}
			r.mu.Unlock()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkOutboxThroughput commits b.N notices, then measures how fast the
// outbox fans them out and delivers them to one endpoint.
func BenchmarkOutboxThroughput(b *testing.B) {
	for _, k := range dbtest.Kinds {
		b.Run(k.Name, func(b *testing.B) {
			r := &benchReceiver{at: map[string]time.Time{}, done: make(chan struct{}), want: b.N}
			srv := httptest.NewTLSServer(r)
			b.Cleanup(srv.Close)
			pool := x509.NewCertPool()
			pool.AddCert(srv.Certificate())
			env := apitest.NewWith(b, k.Open(b), apitest.Options{NoWorker: true,
				Outbox:   outbox.Options{Concurrency: 16, PerTarget: 16},
				Webhooks: webhook.Options{AllowPrivate: true, TLSConfig: &tls.Config{RootCAs: pool}},
			})
			cust := env.NewCustomer(b, "bench", "RUB")
			cl := env.Clients(apitest.ConnectJSON, cust.Auth)
			if _, err := cl.Webhook.CreateWebhookEndpoint(context.Background(), &certsvcv1.CreateWebhookEndpointRequest{
				Endpoint: &certsvcv1.WebhookEndpoint{Url: srv.URL, Enabled: true}}); err != nil {
				b.Fatal(err)
			}
			for i := range b.N {
				notify(b, env, cust.Account.GetId(), i)
			}
			b.ResetTimer()
			start := time.Now()
			env.StartWorker(b) // starts the outbox
			<-r.done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
		})
	}
}
