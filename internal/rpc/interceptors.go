package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsvc/certsvc/internal/errkind"
)

// Interceptors returns the service's interceptors, outermost first: the
// observer (error mapping, logging, metrics), then authentication and the
// per-RPC access check. Syntactic validation goes after these, so anonymous
// callers learn nothing about a request's shape.
func (s *Gate) Interceptors() []connect.Interceptor {
	return []connect.Interceptor{&observer{s}, &authenticator{s}}
}

// RecoverOption turns a panic in a handler into an internal error, logged
// with its stack, instead of a dropped connection.
func (s *Gate) RecoverOption() connect.HandlerOption {
	return connect.WithRecover(func(ctx context.Context, spec connect.Spec, _ http.Header, p any) error {
		s.log.ErrorContext(ctx, "rpc panic", "procedure", spec.Procedure, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return connect.NewError(connect.CodeInternal, errors.New("internal error"))
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "certsvc_rpc_requests_total",
			Help: "RPCs handled, by procedure and result code.",
		}, []string{"procedure", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "certsvc_rpc_duration_seconds",
			Help:    "Time to handle an RPC, by procedure.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}, []string{"procedure"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration)
	}
	return m
}

// observer maps errors to codes, logs every call once and counts it.
type observer struct{ s *Gate }

func (o *observer) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		start := time.Now()
		res, err := next(ctx, req)
		err = o.finish(ctx, req.Spec(), req.Peer(), start, err)
		return res, err
	}
}

func (o *observer) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (o *observer) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		start := time.Now()
		return o.finish(ctx, conn.Spec(), conn.Peer(), start, next(ctx, conn))
	}
}

func (o *observer) finish(ctx context.Context, spec connect.Spec, peer connect.Peer, start time.Time, err error) error {
	elapsed := time.Since(start)
	code := "ok"
	var out error
	level := slog.LevelInfo
	attrs := []any{"procedure", spec.Procedure, "peer", peer.Addr, "duration_ms", float64(elapsed.Microseconds()) / 1000}
	if p := PrincipalFrom(ctx); p != nil {
		attrs = append(attrs, "user_id", p.UserID)
	}
	if err != nil {
		ce, internal := ToConnectError(err)
		code = ce.Code().String()
		out = ce
		attrs = append(attrs, "code", code, "err", err.Error())
		switch {
		case internal:
			level = slog.LevelError
		case ce.Code() == connect.CodeUnauthenticated || ce.Code() == connect.CodePermissionDenied ||
			ce.Code() == connect.CodeResourceExhausted:
			// Refused credentials and access are what an operator watches for.
			level = slog.LevelWarn
		}
	}
	o.s.metrics.requests.WithLabelValues(spec.Procedure, code).Inc()
	o.s.metrics.duration.WithLabelValues(spec.Procedure).Observe(elapsed.Seconds())
	o.s.log.Log(ctx, level, "rpc", attrs...)
	return out
}

// authenticator establishes the caller from the Authorization header and
// applies the access policy of the RPC.
type authenticator struct{ s *Gate }

func (a *authenticator) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		ctx, err := a.s.admit(ctx, req.Spec().Procedure, req.Header(), req.Peer().Addr)
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

func (a *authenticator) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (a *authenticator) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := a.s.admit(ctx, conn.Spec().Procedure, conn.RequestHeader(), conn.Peer().Addr)
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// admit authenticates the caller and checks that it may call procedure.
func (s *Gate) admit(ctx context.Context, procedure string, h http.Header, remote string) (context.Context, error) {
	acc, ok := policy[procedure]
	if !ok {
		return ctx, fmt.Errorf("%s has no access policy", procedure)
	}
	p, err := s.authenticate(ctx, h.Get("Authorization"), ClientAddr(h, remote))
	if err != nil {
		return ctx, err
	}
	switch {
	case acc == accessPublic:
	case p == nil:
		return ctx, &errkind.Error{Kind: errkind.Unauthenticated, Msg: "credentials required: send Authorization: Basic or Bearer"}
	case acc == accessAdmin && !p.Admin:
		return ctx, &errkind.Error{Kind: errkind.PermissionDenied, Msg: "admin access required"}
	}
	if p != nil {
		ctx = WithPrincipal(ctx, p)
	}
	return ctx, nil
}
