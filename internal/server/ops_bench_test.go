package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/otlphttp"
)

// BenchmarkOrderTracing is BenchmarkOrderThroughput with tracing off and
// on, alternately: on, every span (RPC, transactions, the worker's steps and
// CA calls) is batched and exported over OTLP/HTTP (protobuf) to an
// in-process receiver that reads and drops it, as a collector would take
// it. "queued" leaves the orders queued (the RPC path alone); "worker" has
// the worker issue them meanwhile.
//
//	go test -run - -bench OrderTracing -count 5 -cpu 16 ./internal/server/
func BenchmarkOrderTracing(b *testing.B) {
	for _, mode := range []struct {
		name     string
		noWorker bool
	}{{"queued", true}, {"worker", false}} {
		b.Run(mode.name+"/off", func(b *testing.B) { benchOrders(b, apitest.Options{NoWorker: mode.noWorker}) })
		b.Run(mode.name+"/on", func(b *testing.B) {
			benchOrders(b, apitest.Options{NoWorker: mode.noWorker, TracerProvider: otlpToReceiver(b)})
		})
	}
}

// otlpToReceiver returns a tracer provider exporting to an in-process OTLP
// HTTP receiver that discards what it gets.
func otlpToReceiver(b *testing.B) *sdktrace.TracerProvider {
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	b.Cleanup(rcv.Close)
	cfg, err := otlphttp.FromEnv(rcv.URL, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(otlphttp.New(cfg)))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp
}
