package server

import (
	"context"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/otelconnect"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// tracing is the interceptor that makes each RPC a span of tp. A caller's
// traceparent (W3C Trace Context) is trusted: the RPC's span continues the
// caller's trace, so a trace runs from a billing system or the console
// through certsvc to the CA.
func tracing(tp trace.TracerProvider) connect.Interceptor {
	ic, err := otelconnect.NewInterceptor(otelconnect.WithTracerProvider(tp), otelconnect.WithoutMetrics(),
		otelconnect.WithPropagator(propagation.TraceContext{}), otelconnect.WithTrustRemote())
	if err != nil {
		panic(err) // only invalid options fail, and these are fixed
	}
	return ic
}

// livez answers while the process serves HTTP at all: a liveness probe that
// fails only when the process should be restarted.
func livez(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) }

// readyz answers 200 when ready says the service can take traffic (its
// database answers and its schema is current), 503 with the reason
// otherwise: a readiness probe, so a load balancer sends nothing to a
// replica whose database is gone or behind the binary.
func readyz(ready func(context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	}
}
