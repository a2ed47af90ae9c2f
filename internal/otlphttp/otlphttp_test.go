package otlphttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// collector is a fake OTLP/HTTP receiver: it decodes every request as an
// ExportTraceServiceRequest and answers with the next of its answers (200
// when they run out).
type collector struct {
	t       *testing.T
	mu      sync.Mutex
	reqs    []*http.Request
	got     [][]*tracepb.ResourceSpans
	answers []func(w http.ResponseWriter)
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		c.t.Errorf("read body: %v", err)
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			c.t.Fatalf("gzip: %v", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			c.t.Fatalf("gzip: %v", err)
		}
	}
	var rss []*tracepb.ResourceSpans
	for len(body) > 0 {
		num, typ, n := protowire.ConsumeTag(body)
		if n < 0 || num != 1 || typ != protowire.BytesType {
			c.t.Fatalf("request: field %d type %d (%d): not resource_spans", num, typ, n)
		}
		b, m := protowire.ConsumeBytes(body[n:])
		if m < 0 {
			c.t.Fatalf("request: bad length")
		}
		rs := new(tracepb.ResourceSpans)
		if err := proto.Unmarshal(b, rs); err != nil {
			c.t.Fatalf("request: %v", err)
		}
		rss = append(rss, rs)
		body = body[n+m:]
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.got = append(c.got, rss)
	var answer func(w http.ResponseWriter)
	if len(c.answers) > 0 {
		answer, c.answers = c.answers[0], c.answers[1:]
	}
	c.mu.Unlock()
	if answer != nil {
		answer(w)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func newCollector(t *testing.T, answers ...func(w http.ResponseWriter)) (*collector, *httptest.Server) {
	c := &collector{t: t, answers: answers}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestExportSpans(t *testing.T) {
	c, srv := newCollector(t)
	cfg, err := FromEnv(srv.URL, env(map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=acme,authorization=Bearer%20s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(New(cfg)),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "certsvc"))))
	tr := tp.Tracer("certsvc/test", trace.WithInstrumentationVersion("v1"))
	ctx, parent := tr.Start(context.Background(), "order", trace.WithSpanKind(trace.SpanKindServer))
	_, child := tr.Start(ctx, "issue", trace.WithAttributes(attribute.Int64("order.id", 42),
		attribute.BoolSlice("flags", []bool{true, false}), attribute.String("module", "localca")))
	child.AddEvent("csr checked", trace.WithAttributes(attribute.Float64("ms", 1.5)))
	child.SetStatus(codes.Error, "CA refused")
	child.End()
	parent.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	if len(c.reqs) != 2 {
		t.Fatalf("%d requests, want one per ended span (syncer)", len(c.reqs))
	}
	r := c.reqs[0]
	if r.URL.Path != DefaultPath || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Errorf("request %s %s %q, want POST %s application/x-protobuf", r.Method, r.URL.Path, r.Header.Get("Content-Type"), DefaultPath)
	}
	if r.Header.Get("X-Tenant") != "acme" || r.Header.Get("Authorization") != "Bearer s3cret" {
		t.Errorf("headers %v: the OTEL_EXPORTER_OTLP_HEADERS ones are missing or not decoded", r.Header)
	}
	spans := map[string]*tracepb.Span{}
	for _, rss := range c.got {
		if len(rss) != 1 || len(rss[0].ScopeSpans) != 1 {
			t.Fatalf("%d resource spans: want one resource and one scope", len(rss))
		}
		rs := rss[0]
		if a := rs.Resource.GetAttributes(); len(a) != 1 || a[0].Key != "service.name" || a[0].Value.GetStringValue() != "certsvc" {
			t.Errorf("resource attributes %v", a)
		}
		if s := rs.ScopeSpans[0].Scope; s.GetName() != "certsvc/test" || s.GetVersion() != "v1" {
			t.Errorf("scope %v", s)
		}
		for _, s := range rs.ScopeSpans[0].Spans {
			spans[s.Name] = s
		}
	}
	p, ch := spans["order"], spans["issue"]
	if p == nil || ch == nil {
		t.Fatalf("spans %v: want order and issue", spans)
	}
	psid := parent.SpanContext().SpanID()
	if !bytes.Equal(ch.ParentSpanId, psid[:]) || !bytes.Equal(ch.TraceId, p.TraceId) || len(p.ParentSpanId) != 0 {
		t.Errorf("child's parent %x trace %x; parent %x trace %x", ch.ParentSpanId, ch.TraceId, p.SpanId, p.TraceId)
	}
	if p.Kind != tracepb.Span_SPAN_KIND_SERVER || ch.Kind != tracepb.Span_SPAN_KIND_INTERNAL {
		t.Errorf("kinds %v, %v", p.Kind, ch.Kind)
	}
	if ch.Status.GetCode() != tracepb.Status_STATUS_CODE_ERROR || ch.Status.GetMessage() != "CA refused" {
		t.Errorf("status %v", ch.Status)
	}
	if len(ch.Attributes) != 3 || ch.Attributes[0].Value.GetIntValue() != 42 || ch.Attributes[2].Value.GetStringValue() != "localca" ||
		len(ch.Attributes[1].Value.GetArrayValue().GetValues()) != 2 || !ch.Attributes[1].Value.GetArrayValue().Values[0].GetBoolValue() {
		t.Errorf("attributes %v", ch.Attributes)
	}
	if len(ch.Events) != 1 || ch.Events[0].Name != "csr checked" || ch.Events[0].Attributes[0].Value.GetDoubleValue() != 1.5 {
		t.Errorf("events %v", ch.Events)
	}
	if ch.StartTimeUnixNano == 0 || ch.EndTimeUnixNano < ch.StartTimeUnixNano {
		t.Errorf("times %d..%d", ch.StartTimeUnixNano, ch.EndTimeUnixNano)
	}
	if ch.Flags&uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK) == 0 || ch.Flags&0xff != 1 {
		t.Errorf("flags %#x: want sampled and has-is-remote", ch.Flags)
	}
}

func oneSpan(t *testing.T, exp sdktrace.SpanExporter) error {
	t.Helper()
	rec := &recorder{}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(rec))
	_, s := tp.Tracer("t").Start(context.Background(), "one")
	s.End()
	return exp.ExportSpans(context.Background(), rec.spans)
}

type recorder struct{ spans []sdktrace.ReadOnlySpan }

func (r *recorder) ExportSpans(_ context.Context, s []sdktrace.ReadOnlySpan) error {
	r.spans = append(r.spans, s...)
	return nil
}
func (*recorder) Shutdown(context.Context) error { return nil }

func TestGzip(t *testing.T) {
	c, srv := newCollector(t)
	cfg, err := FromEnv("", env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := oneSpan(t, New(cfg)); err != nil {
		t.Fatal(err)
	}
	if len(c.reqs) != 1 || c.reqs[0].Header.Get("Content-Encoding") != "gzip" || c.got[0][0].ScopeSpans[0].Spans[0].Name != "one" {
		t.Fatalf("requests %d: want one gzipped request with the span", len(c.reqs))
	}
}

func TestRetry(t *testing.T) {
	status := func(code int, retryAfter string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(code)
			io.WriteString(w, "busy\n")
		}
	}
	c, srv := newCollector(t, status(http.StatusServiceUnavailable, ""), status(http.StatusTooManyRequests, "7"))
	cfg, _ := FromEnv(srv.URL, env(nil))
	exp := New(cfg)
	var waits []time.Duration
	exp.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	if err := oneSpan(t, exp); err != nil {
		t.Fatalf("after two refusals for load the third send should pass: %v", err)
	}
	if len(c.reqs) != 3 || len(waits) != 2 || waits[0] != cfg.Retry || waits[1] != 7*time.Second {
		t.Errorf("%d requests, waits %v: want 3 and [%v 7s] (Retry-After)", len(c.reqs), waits, cfg.Retry)
	}

	// A refusal of the request itself is not sent again.
	c, srv = newCollector(t, status(http.StatusBadRequest, ""))
	cfg, _ = FromEnv(srv.URL, env(nil))
	exp = New(cfg)
	exp.sleep = func(context.Context, time.Duration) error { t.Error("a 400 was retried"); return nil }
	err := oneSpan(t, exp)
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "busy") || len(c.reqs) != 1 {
		t.Errorf("400: error %v after %d requests, want one request and the status and body in the error", err, len(c.reqs))
	}

	// Retries stop when the export's timeout would pass.
	c, srv = newCollector(t, status(http.StatusServiceUnavailable, "3600"))
	cfg, _ = FromEnv(srv.URL, env(map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "2000"}))
	exp = New(cfg)
	exp.sleep = func(context.Context, time.Duration) error { t.Error("waited past the timeout"); return nil }
	if err := oneSpan(t, exp); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("503 with Retry-After beyond the timeout: %v, want the 503", err)
	}
}

func TestPartialSuccess(t *testing.T) {
	_, srv := newCollector(t, func(w http.ResponseWriter) {
		var ps []byte
		ps = protowire.AppendTag(ps, 1, protowire.VarintType)
		ps = protowire.AppendVarint(ps, 3)
		ps = protowire.AppendTag(ps, 2, protowire.BytesType)
		ps = protowire.AppendString(ps, "span too old")
		var b []byte
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, ps)
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(b)
	}, func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(nil) // an empty ExportTraceServiceResponse: all taken
	})
	cfg, _ := FromEnv(srv.URL, env(nil))
	exp := New(cfg)
	err := oneSpan(t, exp)
	if err == nil || !strings.Contains(err.Error(), "rejected 3 spans: span too old") {
		t.Errorf("partial success: %v, want the count and the message", err)
	}
	if err := oneSpan(t, exp); err != nil {
		t.Errorf("full success: %v", err)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := oneSpan(t, exp); err == nil {
		t.Error("an export after Shutdown succeeded")
	}
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, flag string
		env        map[string]string
		url        string
	}{
		{"flag without a path is a base URL", "http://collector:4318", nil, "http://collector:4318/v1/traces"},
		{"flag with a path is used as it is", "https://collector/otlp/traces", nil, "https://collector/otlp/traces"},
		{"flag wins over the variables", "http://flag:4318", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/t"}, "http://flag:4318/v1/traces"},
		{"base variable gets the signal path", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318/base/"}, "http://env:4318/base/v1/traces"},
		{"traces variable is used as it is", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/t"}, "http://traces:4318/t"},
		{"traces variable without a path is the root", "", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318"}, "http://traces:4318/"},
		{"insecure picks http for a variable's endpoint", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://env:4318",
			"OTEL_EXPORTER_OTLP_INSECURE": "true"}, "http://env:4318/v1/traces"},
	} {
		cfg, err := FromEnv(tc.flag, env(tc.env))
		if err != nil || cfg.URL != tc.url {
			t.Errorf("%s: %q, %v; want %q", tc.name, cfg.URL, err, tc.url)
		}
	}
	cfg, err := FromEnv("http://c:4318", env(map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "500",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}))
	if err != nil || cfg.Timeout != 500*time.Millisecond {
		t.Errorf("timeout %v, %v: the per-signal variable should win", cfg.Timeout, err)
	}

	for _, tc := range []struct {
		flag string
		env  map[string]string
		want string // the name the error must give
	}{
		{"ftp://c", nil, "--otlp-endpoint"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "10s"}, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"}, "OTEL_EXPORTER_OTLP_COMPRESSION"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "novalue"}, "OTEL_EXPORTER_OTLP_HEADERS"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_INSECURE": "maybe"}, "OTEL_EXPORTER_OTLP_INSECURE"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/c.pem"}, "OTEL_EXPORTER_OTLP_CLIENT_KEY"},
		{"", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": "/nonexistent/ca.pem"}, "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE"},
	} {
		_, err := FromEnv(tc.flag, env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %v: error %v, want one naming %s", tc.flag, tc.env, err, tc.want)
		}
	}
}

func TestSendErrorIsReturned(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens: the connection is refused
	cfg, _ := FromEnv(srv.URL, env(nil))
	cfg.Retry = 0
	err := oneSpan(t, New(cfg))
	var ue interface{ Timeout() bool }
	if err == nil || !strings.Contains(err.Error(), srv.URL) || errors.As(err, &ue) && ue.Timeout() {
		t.Errorf("refused connection: %v, want an error naming the collector", err)
	}
}
