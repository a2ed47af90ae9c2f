package core

import (
	"context"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/errkind"
)

// TracerName is the instrumentation name of the order core's spans.
const TracerName = "github.com/certsvc/certsvc/internal/core"

// Tracer returns the tracer of the order core's spans (a no-op one when
// tracing is off), for the worker's and the handlers' own spans.
func (s *Core) Tracer() trace.Tracer { return s.tracer }

// span starts a span named name; end records err on it and ends it. An
// error of a known kind (not found, invalid argument, ...) is the caller's,
// not a fault of the span.
func (s *Core) span(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, func(error)) {
	ctx, span := s.tracer.Start(ctx, name, opts...)
	return ctx, func(err error) {
		if err != nil && errkind.Kind(err) == nil {
			span.SetStatus(codes.Error, "failed")
		}
		span.End()
	}
}

// CallCA begins the operation op (such as "place_order") at module m's CA:
// a span, and the certsvc_ca_calls_total and
// certsvc_ca_call_duration_seconds metrics. The returned context carries
// the span; end must be called with the operation's error.
func (s *Core) CallCA(ctx context.Context, m *ent.ProcessingModule, op string) (context.Context, func(error)) {
	return s.callObserver.Start(ctx, m.ID, m.Kind, op)
}
