package calls

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/certsvc/certsvc/internal/provider"
)

// TestBreakerStateGauge follows a breaker through closed, open, half-open
// and closed again, as certsvc_ca_circuit_breaker_state shows it.
func TestBreakerStateGauge(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	g := NewGuard(1, 2, time.Minute)
	reg := prometheus.NewRegistry()
	reg.MustRegister(BreakerCollector{Guards: func() map[int64]*Guard { return map[int64]*Guard{7: g} }, Now: clk.Now})
	state := func(want int) {
		t.Helper()
		exp := fmt.Sprintf("# HELP certsvc_ca_circuit_breaker_state State of a processing module's circuit breaker in this process: 0 closed, 1 half-open, 2 open.\n"+
			"# TYPE certsvc_ca_circuit_breaker_state gauge\ncertsvc_ca_circuit_breaker_state{module=\"7\"} %d\n", want)
		if err := testutil.GatherAndCompare(reg, strings.NewReader(exp)); err != nil {
			t.Error(err)
		}
	}
	state(BreakerClosed)
	for range 2 {
		g.done(clk.Now(), false, true)
	}
	state(BreakerOpen)
	clk.Advance(time.Minute)
	state(BreakerHalfOpen)
	trial, err := g.admit(clk.Now())
	if err != nil || !trial {
		t.Fatalf("admit after the open period: trial %v, %v", trial, err)
	}
	g.done(clk.Now(), trial, false)
	state(BreakerClosed)
}

// TestObserverCountsAndTraces: each operation is counted by outcome, timed,
// and a span whose HTTP requests are its children.
func TestObserverCountsAndTraces(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	reg := prometheus.NewRegistry()
	o := NewObserver(tp, reg)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := NewTransport(Options{ModuleID: 3, Tracer: tp.Tracer("test")}).Client(time.Minute)

	ctx, end := o.Start(context.Background(), 3, "acme", "order")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	end(nil)
	_, end = o.Start(context.Background(), 3, "acme", "sync")
	end(fmt.Errorf("sync: %w", provider.ErrUnavailable))
	_, end = o.Start(context.Background(), 3, "acme", "order")
	end(errors.Join(errors.New("bad CSR"), provider.ErrRejected))

	for _, tc := range []struct {
		op, outcome string
		want        float64
	}{{"order", "ok", 1}, {"order", "rejected", 1}, {"sync", "unavailable", 1}, {"sync", "ok", 0}} {
		if got := testutil.ToFloat64(o.calls.WithLabelValues("3", "acme", tc.op, tc.outcome)); got != tc.want {
			t.Errorf("calls{%s,%s} = %v, want %v", tc.op, tc.outcome, got, tc.want)
		}
	}
	if n := testutil.CollectAndCount(o.duration); n != 2 {
		t.Errorf("%d latency series, want 2 (order, sync)", n)
	}
	var op, httpSpan sdktrace.ReadOnlySpan
	for _, s := range sr.Ended() {
		switch {
		case s.Name() == "ca.order" && op == nil:
			op = s
		case s.Name() == "HTTP GET":
			httpSpan = s
		}
	}
	if op == nil || httpSpan == nil || httpSpan.Parent().SpanID() != op.SpanContext().SpanID() {
		t.Fatalf("want an HTTP GET span inside ca.order; got %v, %v", op, httpSpan)
	}
}

// discard is a span exporter that drops what it gets.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// BenchmarkObserve is the cost of one observed CA operation (a span with
// its attributes, the counter and the histogram), with tracing off (no-op
// tracer) and on (the SDK, batching to an exporter that drops the spans):
// the per-span price tracing adds, for the order-throughput overhead.
//
//	go test -run - -bench Observe -benchmem ./internal/provider/calls/
func BenchmarkObserve(b *testing.B) {
	for _, tc := range []struct {
		name string
		tp   func() *sdktrace.TracerProvider
	}{{"off", func() *sdktrace.TracerProvider { return nil }},
		{"on", func() *sdktrace.TracerProvider { return sdktrace.NewTracerProvider(sdktrace.WithBatcher(discard{})) }}} {
		b.Run(tc.name, func(b *testing.B) {
			var o *Observer
			if tp := tc.tp(); tp != nil {
				defer tp.Shutdown(context.Background())
				o = NewObserver(tp, prometheus.NewRegistry())
			} else {
				o = NewObserver(nil, prometheus.NewRegistry())
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				_, end := o.Start(ctx, 1, "localca", "order")
				end(nil)
			}
		})
	}
}
