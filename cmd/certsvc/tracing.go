package main

import (
	"context"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/certsvc/certsvc/internal/config"
	"github.com/certsvc/certsvc/internal/otlphttp"
)

// newTracerProvider exports spans over OTLP/HTTP to cfg.OTLPEndpoint or,
// when that is empty, where the standard OTEL_EXPORTER_OTLP_* variables say
// (read with getenv; package otlphttp lists them).
// The exporter batches in the background: a collector that is down costs
// dropped spans, never a slower request. The standard OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES and OTEL_TRACES_SAMPLER apply.
func newTracerProvider(ctx context.Context, cfg *config.Config, getenv func(string) string) (*sdktrace.TracerProvider, error) {
	ecfg, err := otlphttp.FromEnv(cfg.OTLPEndpoint, getenv)
	if err != nil {
		return nil, err
	}
	exp := otlphttp.New(ecfg)
	res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", "certsvc"),
		attribute.String("service.version", versionLine())), resource.WithTelemetrySDK(), resource.WithFromEnv())
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// logTraceErrors sends the errors of the trace exporter to log.
func logTraceErrors(log *slog.Logger) {
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("tracing", "error", err) }))
}
