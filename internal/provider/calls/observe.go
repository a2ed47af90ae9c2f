package calls

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/certsvc/certsvc/internal/provider"
)

// TracerName is the instrumentation name of the spans of calls to CAs.
const TracerName = "github.com/certsvc/certsvc/internal/provider/calls"

// Observer measures the operations certsvc asks of its CAs (place an order,
// sync, reissue, ...), whatever a provider does to carry them out: an HTTP
// API, ACME, or signing in process (the built-in CA). Each operation is a
// span and is counted by module, operation and outcome with its latency.
// The zero Observer and a nil one measure nothing.
type Observer struct {
	tracer   trace.Tracer
	calls    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewObserver returns an Observer whose spans go to tp (none when nil) and
// whose metrics are registered on reg (none when nil).
func NewObserver(tp trace.TracerProvider, reg prometheus.Registerer) *Observer {
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	o := &Observer{
		tracer: tp.Tracer(TracerName),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "certsvc_ca_calls_total",
			Help: "Operations asked of a processing module's CA, by module id, module kind, operation and outcome " +
				"(ok, rejected, unavailable, unknown_outcome, insufficient_funds, not_found, canceled, error).",
		}, []string{"module", "kind", "operation", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "certsvc_ca_call_duration_seconds",
			Help:    "Time an operation at a processing module's CA took, by module id, module kind and operation.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"module", "kind", "operation"}),
	}
	if reg != nil {
		reg.MustRegister(o.calls, o.duration)
	}
	return o
}

// Start begins the operation op (such as "place_order") at module moduleID
// of kind kind. The returned context carries its span; end must be called
// with the operation's error once it returns.
func (o *Observer) Start(ctx context.Context, moduleID int64, kind, op string) (context.Context, func(error)) {
	if o == nil || o.calls == nil {
		return ctx, func(error) {}
	}
	start := time.Now()
	module := strconv.FormatInt(moduleID, 10)
	ctx, span := o.tracer.Start(ctx, "ca."+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.Int64("certsvc.module.id", moduleID), attribute.String("certsvc.module.kind", kind),
			attribute.String("certsvc.ca.operation", op)))
	return ctx, func(err error) {
		outcome := Outcome(err)
		o.calls.WithLabelValues(module, kind, op, outcome).Inc()
		o.duration.WithLabelValues(module, kind, op).Observe(time.Since(start).Seconds())
		span.SetAttributes(attribute.String("certsvc.ca.outcome", outcome))
		if err != nil {
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
	}
}

// Outcome names the result of a call for metrics: "ok" or the kind of the
// provider error. It never holds the error's text, which may be unbounded.
func Outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, provider.ErrRejected):
		return "rejected"
	case errors.Is(err, provider.ErrInsufficientFunds):
		return "insufficient_funds"
	case errors.Is(err, provider.ErrNotFound):
		return "not_found"
	case errors.Is(err, provider.ErrUnknownOutcome), errors.Is(err, context.DeadlineExceeded):
		return "unknown_outcome"
	case errors.Is(err, provider.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "error"
}

// Breaker states as the certsvc_ca_circuit_breaker_state gauge shows them.
const (
	BreakerClosed   = 0
	BreakerHalfOpen = 1
	BreakerOpen     = 2
)

// State is the breaker's state at now: BreakerOpen while calls fail at
// once, BreakerHalfOpen once the open period is over and until a trial call
// succeeds, BreakerClosed otherwise.
func (g *Guard) State(now time.Time) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case now.Before(g.openTill):
		return BreakerOpen
	case g.failures >= g.limit:
		return BreakerHalfOpen
	}
	return BreakerClosed
}

// BreakerCollector reports the state of each module's circuit breaker in
// this process as certsvc_ca_circuit_breaker_state{module}.
type BreakerCollector struct {
	// Guards returns the breakers by module id.
	Guards func() map[int64]*Guard
	Now    func() time.Time
}

var breakerDesc = prometheus.NewDesc("certsvc_ca_circuit_breaker_state",
	"State of a processing module's circuit breaker in this process: 0 closed, 1 half-open, 2 open.",
	[]string{"module"}, nil)

// Describe implements prometheus.Collector.
func (c BreakerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- breakerDesc }

// Collect implements prometheus.Collector.
func (c BreakerCollector) Collect(ch chan<- prometheus.Metric) {
	now := c.Now()
	for id, g := range c.Guards() {
		ch <- prometheus.MustNewConstMetric(breakerDesc, prometheus.GaugeValue, float64(g.State(now)), strconv.FormatInt(id, 10))
	}
}
