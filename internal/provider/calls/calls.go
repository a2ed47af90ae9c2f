// Package calls is the HTTP path from certsvc to a processing module's CA.
// Every provider that calls out is given an *http.Client whose Transport
// comes from here, so each call to a CA is, in one place:
//
//   - limited: at most MaxConcurrent calls of a module in flight per process;
//   - guarded by a circuit breaker: after Failures failed calls in a row
//     (no answer, or a 5xx) the module is left alone for OpenFor, and calls
//     fail at once with an error wrapping provider.ErrUnavailable, so the
//     worker backs off and orders fall over to the next module;
//   - recorded: one Call per request for the module's call log, with the
//     bodies when the module's debug log is on, and every secret masked.
package calls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/certsvc/certsvc/internal/provider"
)

// Call is one request to a CA as the call log keeps it.
type Call struct {
	ModuleID int64
	Time     time.Time
	Method   string
	URL      string // masked
	Status   int    // 0 when no answer came
	Duration time.Duration
	Err      string // masked
	// Request and Response are the masked bodies, cut to MaxBody; only when
	// the module's debug log is on.
	Request, Response string
}

// MaxBody is how much of each body a debug log keeps.
const MaxBody = 64 << 10

// Recorder keeps calls. It must not block for long: it runs on the path of
// the call.
type Recorder func(ctx context.Context, c Call)

// Defaults for the limits of a module.
const (
	DefaultMaxConcurrent = 8
	DefaultFailures      = 5
	DefaultOpenFor       = 30 * time.Second
)

// Guard is the per-module state shared by every Transport of that module:
// its concurrency slots and its circuit breaker. It outlives the module's
// Provider, which is rebuilt when the module's settings change.
type Guard struct {
	slots chan struct{}

	mu       sync.Mutex
	failures int       // failed calls in a row
	openTill time.Time // calls fail at once before this time
	trial    bool      // a half-open trial call is in flight
	limit    int
	openFor  time.Duration
}

// NewGuard returns a Guard allowing maxConcurrent calls at once, opening
// after failures failed calls in a row for openFor. Zero values take the
// defaults.
func NewGuard(maxConcurrent, failures int, openFor time.Duration) *Guard {
	if maxConcurrent <= 0 {
		maxConcurrent = DefaultMaxConcurrent
	}
	if failures <= 0 {
		failures = DefaultFailures
	}
	if openFor <= 0 {
		openFor = DefaultOpenFor
	}
	return &Guard{slots: make(chan struct{}, maxConcurrent), limit: failures, openFor: openFor}
}

// ErrOpen is returned, wrapped with provider.ErrUnavailable, while a
// module's breaker is open. The request was not sent.
var ErrOpen = errors.New("circuit breaker open")

// Open reports whether calls to the module currently fail at once, and
// until when.
func (g *Guard) Open(now time.Time) (bool, time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return now.Before(g.openTill), g.openTill
}

// admit decides whether a call may go out now. Once the open period is
// over one trial call goes out (half open); its outcome closes the breaker
// or opens it again.
func (g *Guard) admit(now time.Time) (trial bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case now.Before(g.openTill):
		return false, fmt.Errorf("%w until %s after %d failed calls: %w", ErrOpen, g.openTill.Format(time.RFC3339), g.failures, provider.ErrUnavailable)
	case g.failures >= g.limit && g.trial:
		return false, fmt.Errorf("%w: a trial call is in flight: %w", ErrOpen, provider.ErrUnavailable)
	case g.failures >= g.limit:
		g.trial = true
		return true, nil
	}
	return false, nil
}

// done records the outcome of an admitted call.
func (g *Guard) done(now time.Time, trial, failed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if trial {
		g.trial = false
	}
	if !failed {
		g.failures = 0
		return
	}
	g.failures++
	if g.failures >= g.limit {
		g.openTill = now.Add(g.openFor)
	}
}

// Options configure a Transport.
type Options struct {
	ModuleID int64
	Guard    *Guard
	// Base sends the requests; http.DefaultTransport when nil.
	Base   http.RoundTripper
	Record Recorder
	// Debug keeps the bodies of calls and logs each call.
	Debug bool
	// Secrets are masked wherever they appear: URL, bodies, errors.
	Secrets []string
	Now     func() time.Time
	Logger  *slog.Logger
	// Tracer, when set, makes each HTTP request a span (a child of the
	// operation's span from Observer.Start).
	Tracer trace.Tracer
}

// Transport is an http.RoundTripper for one module's calls.
type Transport struct {
	o    Options
	mask *strings.Replacer
}

// NewTransport returns a Transport over o.
func NewTransport(o Options) *Transport {
	if o.Base == nil {
		o.Base = http.DefaultTransport
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Guard == nil {
		o.Guard = NewGuard(0, 0, 0)
	}
	var pairs []string
	for _, s := range o.Secrets {
		if len(s) >= 4 { // shorter values would mask ordinary text
			pairs = append(pairs, s, "***")
		}
	}
	return &Transport{o: o, mask: strings.NewReplacer(pairs...)}
}

// Client returns an *http.Client using t, with timeout as its overall limit
// (the callers' contexts usually end sooner).
func (t *Transport) Client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: t, Timeout: timeout}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	call := Call{ModuleID: t.o.ModuleID, Time: t.o.Now(), Method: req.Method, URL: t.Mask(req.URL.Redacted())}
	trial, err := t.o.Guard.admit(call.Time)
	if err != nil {
		call.Err = err.Error()
		t.record(ctx, call)
		return nil, err
	}
	select {
	case t.o.Guard.slots <- struct{}{}:
	case <-ctx.Done():
		t.o.Guard.done(t.o.Now(), trial, false)
		return nil, fmt.Errorf("wait for a free call slot: %w", ctx.Err())
	}
	if t.o.Debug && req.Body != nil && req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			call.Request = t.body(b)
		}
	}
	res, err := t.roundTrip(req)
	call.Duration = t.o.Now().Sub(call.Time)
	if err != nil {
		<-t.o.Guard.slots
		t.o.Guard.done(t.o.Now(), trial, true)
		call.Err = t.Mask(err.Error())
		t.record(ctx, call)
		return nil, err
	}
	call.Status = res.StatusCode
	t.o.Guard.done(t.o.Now(), trial, res.StatusCode >= 500)
	res.Body = &trackedBody{ReadCloser: res.Body, t: t, ctx: ctx, call: call}
	return res, nil
}

// roundTrip sends req through the base transport, in a span of its own when
// a Tracer is set. The span ends with the response headers.
func (t *Transport) roundTrip(req *http.Request) (*http.Response, error) {
	if t.o.Tracer == nil {
		return t.o.Base.RoundTrip(req)
	}
	ctx, span := t.o.Tracer.Start(req.Context(), "HTTP "+req.Method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.Int64("certsvc.module.id", t.o.ModuleID), attribute.String("http.request.method", req.Method),
			attribute.String("server.address", req.URL.Hostname())))
	defer span.End()
	res, err := t.o.Base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		span.SetStatus(codes.Error, "no answer")
		return nil, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode))
	if res.StatusCode >= 500 {
		span.SetStatus(codes.Error, res.Status)
	}
	return res, nil
}

// Mask replaces the module's secrets and anything shaped like a private key
// or password parameter in s.
func (t *Transport) Mask(s string) string {
	s = t.mask.Replace(s)
	s = privateKeyPEM.ReplaceAllString(s, "[private key]")
	return secretParam.ReplaceAllString(s, "${1}***")
}

var (
	privateKeyPEM = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----`)
	// secretParam matches the values of parameters and JSON fields whose
	// names say they are secret, as legacy and JSON APIs send them.
	secretParam = regexp.MustCompile(`(?i)((?:authinfo|password|passwd|token|secret|apikey|api_key|partnercode|hmac)"?\s*[=:]\s*"?)[^&"\s,}]+`)
)

func (t *Transport) body(r io.ReadCloser) string {
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, MaxBody))
	return t.Mask(string(b))
}

func (t *Transport) record(ctx context.Context, c Call) {
	if t.o.Debug {
		t.o.Logger.InfoContext(ctx, "call to the CA", "module", c.ModuleID, "method", c.Method, "url", c.URL,
			"status", c.Status, "duration", c.Duration, "error", c.Err, "request", c.Request, "response", c.Response)
	} else if c.Err != "" || c.Status >= 500 {
		t.o.Logger.WarnContext(ctx, "call to the CA failed", "module", c.ModuleID, "method", c.Method, "url", c.URL,
			"status", c.Status, "duration", c.Duration, "error", c.Err)
	}
	if t.o.Record != nil {
		t.o.Record(ctx, c)
	}
}

// trackedBody frees the call's slot and records the call when the caller
// closes the response body, with what it read of it in debug mode.
type trackedBody struct {
	io.ReadCloser
	t    *Transport
	ctx  context.Context
	call Call
	seen bytes.Buffer
	once sync.Once
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.t.o.Debug && b.seen.Len() < MaxBody {
		b.seen.Write(p[:min(n, MaxBody-b.seen.Len())])
	}
	return n, err
}

func (b *trackedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() {
		<-b.t.o.Guard.slots
		if b.t.o.Debug {
			b.call.Response = b.t.Mask(b.seen.String())
		}
		b.t.record(b.ctx, b.call)
	})
	return err
}
