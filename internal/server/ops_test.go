package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/server"
	"github.com/certsvc/certsvc/internal/store"
)

// scrape reads /metrics over HTTP and parses it.
func scrape(t *testing.T, e *apitest.Env) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := e.HTTP.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", res.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return mfs
}

// value is the value of the series of family name with exactly labels
// (name=value pairs); ok is false when there is no such series.
func value(mfs map[string]*dto.MetricFamily, name string, labels ...string) (v float64, ok bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
next:
	for _, m := range mf.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsAfterAnOrder drives an order through the API and the worker
// on the built-in CA, scrapes /metrics and checks the values.
func TestMetricsAfterAnOrder(t *testing.T) { dbtest.EachKind(t, testMetricsAfterAnOrder) }

func testMetricsAfterAnOrder(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "metrics-user") // deposits 10 000 000 RUB
	ctx := context.Background()
	c := mustCert(t)(e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "metrics.example.com"}, Pay: true}))
	c = waitState(t, e.c, c.GetId(), stIssued)
	mod := strconv.FormatInt(c.GetProcessingModuleId(), 10)
	// The certificate ends in 3 days (set behind the core's back, as time
	// would): it counts as expiring within 7 and within 30 days.
	if err := e.env.DB.Ent.Certificate.UpdateOneID(c.GetId()).SetNotAfter(time.Now().Add(72 * time.Hour)).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	mfs := scrape(t, e.env)
	want := []struct {
		name   string
		labels []string
		v      float64
	}{
		{"certsvc_certificates", []string{"state", "issued", "module", mod}, 1},
		{"certsvc_certificates", []string{"state", "submitting", "module", mod}, 0},
		{"certsvc_certificates_expiring", []string{"within", "7d"}, 1},
		{"certsvc_certificates_expiring", []string{"within", "30d"}, 1},
		{"certsvc_ledger_in_minor_total", []string{"currency", "RUB"}, 10_000_000},
		{"certsvc_ledger_out_minor_total", []string{"currency", "RUB"}, float64(c.GetCostMinor())},
		{"certsvc_ca_calls_total", []string{"module", mod, "kind", "localca", "operation", "order", "outcome", "ok"}, 1},
		{"certsvc_ca_call_duration_seconds", []string{"module", mod, "kind", "localca", "operation", "order"}, 1},
		{"certsvc_rpc_requests_total", []string{"procedure", "/certsvc.v1.CertificateService/CreateCertificate", "code", "ok"}, 1},
		{"certsvc_stats_read_errors_total", nil, 0},
	}
	for _, w := range want {
		got, ok := value(mfs, w.name, w.labels...)
		if !ok || got != w.v {
			t.Errorf("%s%v = %v (present %v), want %v", w.name, w.labels, got, ok, w.v)
		}
	}
	if c.GetCostMinor() <= 0 {
		t.Errorf("cost %d: the order should have been charged", c.GetCostMinor())
	}
	// The issued certificate waits for its next deadline: one job, not due.
	total, ok1 := value(mfs, "certsvc_jobs", "queue", "total")
	due, ok2 := value(mfs, "certsvc_jobs", "queue", "due")
	age, ok3 := value(mfs, "certsvc_jobs_oldest_due_age_seconds")
	if !ok1 || !ok2 || !ok3 || total != 1 || due != 0 || age != 0 {
		t.Errorf("jobs: total %v due %v oldest due age %v (present %v %v %v), want 1, 0, 0", total, due, age, ok1, ok2, ok3)
	}
	if st, ok := value(mfs, "certsvc_ca_circuit_breaker_state", "module", mod); ok && st != 0 {
		t.Errorf("breaker of module %s: %v, want 0 (closed)", mod, st)
	}
}

// TestTracingOrder: an order RPC makes an RPC span with the core's
// transaction inside it; the worker's step is a root span whose CA call
// carries the module.
func TestTracingOrder(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	env := apitest.NewWith(t, dbtest.SQLite(t), apitest.Options{TracerProvider: tp})
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	cust := env.NewCustomer(t, "trace-user", "RUB")
	deposit(t, admin, cust.Account.GetId(), 10_000_000)
	cl := env.Clients(apitest.ConnectJSON, cust.Auth)
	c := mustCert(t)(cl.Cert.CreateCertificate(context.Background(), &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "trace.example.com"}, Pay: true}))
	waitState(t, cl, c.GetId(), stIssued)

	// The worker's span ends just after the state it wrote is visible.
	var spans []sdktrace.ReadOnlySpan
	var call sdktrace.ReadOnlySpan
	for deadline := time.Now().Add(10 * time.Second); call == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		spans = sr.Ended()
		for _, s := range spans {
			if s.Name() == "ca.order" {
				call = s
			}
		}
	}
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	var rpc sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "certsvc.v1.CertificateService/CreateCertificate" {
			rpc = s
		}
	}
	if rpc == nil {
		t.Fatalf("no span of the CreateCertificate RPC among %d spans", len(spans))
	}
	inTx := 0
	for _, s := range spans {
		if s.Name() == "core.tx" && s.Parent().SpanID() == rpc.SpanContext().SpanID() {
			inTx++
		}
	}
	if inTx == 0 {
		t.Errorf("no core.tx span inside the CreateCertificate span")
	}
	if call == nil {
		t.Fatal("no ca.order span")
	}
	attrs := map[attribute.Key]attribute.Value{}
	for _, a := range call.Attributes() {
		attrs[a.Key] = a.Value
	}
	if attrs["certsvc.module.id"].AsInt64() != c.GetProcessingModuleId() || attrs["certsvc.module.kind"].AsString() != "localca" ||
		attrs["certsvc.ca.outcome"].AsString() != "ok" {
		t.Errorf("ca.order attributes: %v", call.Attributes())
	}
	job, ok := byID[call.Parent().SpanID()]
	if !ok || job.Name() != "worker.job" || job.Parent().IsValid() || len(job.Links()) != 0 {
		t.Errorf("ca.order's parent: %v (known %v), want a worker.job root span linked to nothing", call.Parent(), ok)
	} else if job.SpanContext().TraceID() == rpc.SpanContext().TraceID() {
		t.Errorf("the worker's step is in the RPC's trace")
	}
}

func httpGet(t *testing.T, e *apitest.Env, path string) (int, string) {
	t.Helper()
	res, err := e.HTTP.Get(e.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestReadyz: ready on a current database; not ready, while alive, on a
// database behind the binary and on one that is gone.
func TestReadyz(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		e := apitest.NewWith(t, db, apitest.Options{NoWorker: true})
		for _, p := range []string{"/livez", "/readyz", "/healthz"} {
			if code, body := httpGet(t, e, p); code != http.StatusOK {
				t.Errorf("%s: %d %s", p, code, body)
			}
		}
		// Behind the binary: the newest migration unrecorded.
		if _, err := db.SQL.ExecContext(context.Background(),
			`DELETE FROM goose_db_version WHERE version_id = (SELECT v FROM (SELECT MAX(version_id) AS v FROM goose_db_version) AS m)`); err != nil {
			t.Fatal(err)
		}
		if code, body := httpGet(t, e, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "schema version") {
			t.Errorf("/readyz behind the binary: %d %q", code, body)
		}
		if code, _ := httpGet(t, e, "/livez"); code != http.StatusOK {
			t.Errorf("/livez behind the binary: %d", code)
		}
		db.SQL.Close()
		if code, body := httpGet(t, e, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database unreachable") {
			t.Errorf("/readyz without a database: %d %q", code, body)
		}
		if code, _ := httpGet(t, e, "/livez"); code != http.StatusOK {
			t.Errorf("/livez without a database: %d", code)
		}
	})
}

// TestWatchKeepAlive: an idle watch gets keep-alive messages, which carry
// no event, and events still arrive after them.
func TestWatchKeepAlive(t *testing.T) {
	env := apitest.NewWith(t, dbtest.SQLite(t), apitest.Options{WatchKeepAlive: 20 * time.Millisecond})
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	cust := env.NewCustomer(t, "watch-user", "RUB")
	deposit(t, admin, cust.Account.GetId(), 10_000_000)
	cl := env.Clients(apitest.ConnectJSON, cust.Auth)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stream, err := cl.Cert.WatchCertificates(ctx, &certsvcv1.WatchCertificatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	for range 2 {
		if !stream.Receive() {
			t.Fatalf("stream ended: %v", stream.Err())
		}
		if m := stream.Msg(); !m.GetKeepAlive() || m.GetEvent() != nil || m.GetCertificate() != nil {
			t.Fatalf("idle stream sent %v, want a bare keep-alive", m)
		}
	}
	c := mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "watch.example.com"}, Pay: true}))
	for stream.Receive() {
		if m := stream.Msg(); m.GetEvent() != nil {
			if m.GetKeepAlive() || m.GetCertificate().GetId() != c.GetId() {
				t.Fatalf("event message %v", m)
			}
			return
		}
	}
	t.Fatalf("stream ended without an event: %v", stream.Err())
}

// TestCORSAllowsTraceContext: a browser may send traceparent and tracestate.
func TestCORSAllowsTraceContext(t *testing.T) {
	env := apitest.NewWith(t, dbtest.SQLite(t), apitest.Options{NoWorker: true})
	kinds, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	h := server.NewHandler(env.Svc, kinds, slog.New(slog.DiscardHandler), env.Reg, env.DB.SQL.PingContext, []string{"https://console.example"})
	req := httptest.NewRequest(http.MethodOptions, "/certsvc.v1.CertificateService/CreateCertificate", nil)
	req.Header.Set("Origin", "https://console.example")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", "content-type,traceparent,tracestate")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers"))
	if rec.Code/100 != 2 || !strings.Contains(allowed, "traceparent") || !strings.Contains(allowed, "tracestate") {
		t.Fatalf("preflight: %d, allowed headers %q", rec.Code, allowed)
	}
}
