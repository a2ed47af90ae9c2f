// Package otlphttp exports trace spans over OTLP/HTTP (protobuf) to a
// collector. It takes the standard OTEL_EXPORTER_OTLP_* variables as
// go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp does, and
// exists because that exporter links the gRPC client (through its shared
// configuration and the collector's generated gateway code) into every
// build, tracing on or off: that cost the idle server about 2.5 MB of
// resident binary pages (issue 11). It builds the OTLP request from the
// message types of go.opentelemetry.io/proto/otlp/trace/v1 alone.
package otlphttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// DefaultPath is where the spans go below a base URL
// (OTEL_EXPORTER_OTLP_ENDPOINT, or an --otlp-endpoint without a path).
const DefaultPath = "/v1/traces"

// Config says where and how spans are sent.
type Config struct {
	// URL is the full URL spans are posted to.
	URL string
	// Headers are sent with every request (OTEL_EXPORTER_OTLP_HEADERS).
	Headers map[string]string
	// Gzip compresses the request body (OTEL_EXPORTER_OTLP_COMPRESSION=gzip).
	Gzip bool
	// Timeout bounds one export, retries included; 10 s when zero.
	Timeout time.Duration
	// TLS is the client's TLS configuration (OTEL_EXPORTER_OTLP_CERTIFICATE,
	// ..._CLIENT_CERTIFICATE and ..._CLIENT_KEY); nil for the defaults.
	TLS *tls.Config
	// Retry is the first wait before an export refused for load (429, 502,
	// 503, 504) or cut by the network is sent again; it doubles up to 30 s
	// while the export's Timeout allows. Zero turns retries off.
	Retry time.Duration
}

// FromEnv builds the configuration from endpoint (the --otlp-endpoint flag,
// which wins when set) and the standard variables read with getenv. A flag
// URL without a path is a base URL: spans go to its DefaultPath, as with
// OTEL_EXPORTER_OTLP_ENDPOINT; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used
// as it is. Every error names the variable or flag at fault.
func FromEnv(endpoint string, getenv func(string) string) (Config, error) {
	cfg := Config{URL: "https://localhost:4318" + DefaultPath, Timeout: 10 * time.Second, Retry: 5 * time.Second}
	// The per-signal variable wins over the general one.
	get := func(name string) (string, string) {
		if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_" + name)); v != "" {
			return v, "OTEL_EXPORTER_OTLP_TRACES_" + name
		}
		return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_" + name)), "OTEL_EXPORTER_OTLP_" + name
	}
	var u *url.URL
	switch {
	case endpoint != "":
		p, err := parseURL(endpoint, "--otlp-endpoint")
		if err != nil {
			return cfg, err
		}
		if p.Path == "" {
			p.Path = DefaultPath
		}
		u = p
	case strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) != "":
		p, err := parseURL(strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")), "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
		if err != nil {
			return cfg, err
		}
		if p.Path == "" {
			p.Path = "/"
		}
		u = p
	case strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != "":
		p, err := parseURL(strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")), "OTEL_EXPORTER_OTLP_ENDPOINT")
		if err != nil {
			return cfg, err
		}
		p.Path = strings.TrimSuffix(p.Path, "/") + DefaultPath
		u = p
	default:
		u, _ = url.Parse(cfg.URL)
	}
	// OTEL_EXPORTER_OTLP_INSECURE picks the scheme of an endpoint from the
	// variables; the flag's URL says its own.
	if v, name := get("INSECURE"); v != "" && endpoint == "" {
		insecure, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("%s: %q is not true or false", name, v)
		}
		u.Scheme = "https"
		if insecure {
			u.Scheme = "http"
		}
	}
	cfg.URL = u.String()

	if v, name := get("HEADERS"); v != "" {
		h, err := parseHeaders(v)
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", name, err)
		}
		cfg.Headers = h
	}
	if v, name := get("COMPRESSION"); v != "" {
		switch v {
		case "gzip":
			cfg.Gzip = true
		case "none":
		default:
			return cfg, fmt.Errorf("%s: %q is neither gzip nor none", name, v)
		}
	}
	if v, name := get("TIMEOUT"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return cfg, fmt.Errorf("%s: %q is not a positive number of milliseconds", name, v)
		}
		cfg.Timeout = time.Duration(ms) * time.Millisecond
	}
	if v, name := get("PROTOCOL"); v != "" && v != "http/protobuf" && v != "http/json" {
		// http/json is accepted: collectors take protobuf on the same path.
		return cfg, fmt.Errorf("%s: %q: certsvc exports over http/protobuf only", name, v)
	}
	tlsConfig, err := tlsFromEnv(get)
	if err != nil {
		return cfg, err
	}
	cfg.TLS = tlsConfig
	return cfg, nil
}

func parseURL(s, name string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: %q is not an http or https URL such as http://localhost:4318", name, s)
	}
	return u, nil
}

// parseHeaders reads the W3C-baggage-like list key=value,key2=value2 of
// OTEL_EXPORTER_OTLP_HEADERS; values are percent-decoded.
func parseHeaders(s string) (map[string]string, error) {
	h := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\r\n:\"(),/;<=>?@[\\]{}") {
			return nil, fmt.Errorf("%q is not a key=value pair with a header name", pair)
		}
		dv, err := url.PathUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", k, err)
		}
		h[k] = strings.TrimSpace(dv)
	}
	return h, nil
}

func tlsFromEnv(get func(string) (string, string)) (*tls.Config, error) {
	var c tls.Config
	set := false
	if file, name := get("CERTIFICATE"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: %s holds no PEM certificate", name, file)
		}
		c.RootCAs, set = pool, true
	}
	certFile, certName := get("CLIENT_CERTIFICATE")
	keyFile, keyName := get("CLIENT_KEY")
	switch {
	case certFile != "" && keyFile != "":
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("%s, %s: %w", certName, keyName, err)
		}
		c.Certificates, set = []tls.Certificate{cert}, true
	case certFile != "":
		return nil, fmt.Errorf("%s is set without %s", certName, keyName)
	case keyFile != "":
		return nil, fmt.Errorf("%s is set without %s", keyName, certName)
	}
	if !set {
		return nil, nil
	}
	return &c, nil
}

// Exporter posts spans to a collector; it is an sdktrace.SpanExporter.
type Exporter struct {
	cfg    Config
	client *http.Client
	stop   chan struct{}
	sleep  func(ctx context.Context, d time.Duration) error
}

var _ sdktrace.SpanExporter = (*Exporter)(nil)

// New returns an exporter for cfg; it sends nothing until spans come.
func New(cfg Config) *Exporter {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.TLS != nil {
		tr.TLSClientConfig = cfg.TLS
	}
	return &Exporter{cfg: cfg, client: &http.Client{Transport: tr}, stop: make(chan struct{}), sleep: sleepCtx}
}

// ExportSpans sends spans in one request, again after a refusal for load
// while the configured timeout allows. A collector's partial success (some
// spans rejected) is an error that says how many.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	select {
	case <-e.stop:
		return errors.New("otlp: exporter is shut down")
	default:
	}
	body, err := marshalRequest(ResourceSpans(spans))
	if err != nil {
		return err
	}
	if e.cfg.Gzip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(body); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		body = buf.Bytes()
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	wait := e.cfg.Retry
	for {
		retry, after, err := e.send(ctx, body)
		if !retry || e.cfg.Retry <= 0 {
			return err
		}
		if after <= 0 {
			after = wait
			wait = min(2*wait, 30*time.Second)
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < after {
			return err
		}
		if serr := e.sleep(ctx, after); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

// send posts body once; it reports whether a refusal may be retried and
// after how long the collector asked for (Retry-After), if it did.
func (e *Exporter) send(ctx context.Context, body []byte) (retry bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return false, 0, err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", "certsvc OTLP/HTTP exporter")
	if e.cfg.Gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	for k, v := range e.cfg.Headers {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, 0, fmt.Errorf("otlp: send to %s: %w", e.cfg.URL, err)
		}
		// Refused connections and resets: the collector may be restarting.
		return true, 0, fmt.Errorf("otlp: send to %s: %w", e.cfg.URL, err)
	}
	defer resp.Body.Close()
	// A collector answers a few bytes; more is not read.
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return false, 0, fmt.Errorf("otlp: read the answer of %s: %w", e.cfg.URL, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if resp.Header.Get("Content-Type") != "application/x-protobuf" {
			return false, 0, nil
		}
		return false, 0, partialSuccess(data)
	}
	msg := strings.TrimSpace(string(data))
	if msg == "" {
		msg = "(empty)"
	}
	err = fmt.Errorf("otlp: %s answered %s: %s", e.cfg.URL, resp.Status, msg)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
			after = time.Duration(s) * time.Second
		}
		return true, after, err
	}
	return false, 0, err
}

// Shutdown stops further exports; one in flight ends with its context.
func (e *Exporter) Shutdown(context.Context) error {
	select {
	case <-e.stop:
	default:
		close(e.stop)
	}
	e.client.CloseIdleConnections()
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// marshalRequest encodes the collector's ExportTraceServiceRequest, whose
// one field is `repeated ResourceSpans resource_spans = 1`, without the
// collector package (which links gRPC).
func marshalRequest(rss []*tracepb.ResourceSpans) ([]byte, error) {
	var b []byte
	for _, rs := range rss {
		m, err := proto.Marshal(rs)
		if err != nil {
			return nil, fmt.Errorf("otlp: encode spans: %w", err)
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, m)
	}
	return b, nil
}

// partialSuccess reads ExportTraceServiceResponse { ExportTracePartialSuccess
// partial_success = 1 { int64 rejected_spans = 1; string error_message = 2 } }.
func partialSuccess(b []byte) error {
	var rejected int64
	var message string
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if num != 1 || typ != protowire.BytesType {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(n))
			}
			b = b[n:]
			continue
		}
		ps, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(n))
		}
		b = b[n:]
		for len(ps) > 0 {
			pnum, ptyp, m := protowire.ConsumeTag(ps)
			if m < 0 {
				return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(m))
			}
			ps = ps[m:]
			switch {
			case pnum == 1 && ptyp == protowire.VarintType:
				v, k := protowire.ConsumeVarint(ps)
				if k < 0 {
					return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(k))
				}
				rejected, ps = int64(v), ps[k:]
			case pnum == 2 && ptyp == protowire.BytesType:
				v, k := protowire.ConsumeString(ps)
				if k < 0 {
					return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(k))
				}
				message, ps = v, ps[k:]
			default:
				k := protowire.ConsumeFieldValue(pnum, ptyp, ps)
				if k < 0 {
					return fmt.Errorf("otlp: decode the collector's answer: %w", protowire.ParseError(k))
				}
				ps = ps[k:]
			}
		}
	}
	if rejected != 0 || message != "" {
		return fmt.Errorf("otlp: the collector rejected %d spans: %s", rejected, message)
	}
	return nil
}
