package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
)

// TestServeExportsTraces starts certsvc with the standard OTLP variables
// pointing at a fake collector: the spans of an RPC reach it over OTLP/HTTP
// by shutdown, at the base URL's /v1/traces, with the configured headers
// and the service's resource.
func TestServeExportsTraces(t *testing.T) {
	var mu sync.Mutex
	var spans []*tracepb.Span
	var paths, keys []string
	var services []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		keys = append(keys, r.Header.Get("X-Collector-Key"))
		for len(body) > 0 {
			num, typ, n := protowire.ConsumeTag(body)
			if n < 0 || num != 1 || typ != protowire.BytesType {
				t.Errorf("request field %d: not resource_spans", num)
				return
			}
			b, m := protowire.ConsumeBytes(body[n:])
			rs := new(tracepb.ResourceSpans)
			if m < 0 || proto.Unmarshal(b, rs) != nil {
				t.Error("request: bad resource_spans")
				return
			}
			for _, a := range rs.GetResource().GetAttributes() {
				if a.Key == "service.name" {
					services = append(services, a.GetValue().GetStringValue())
				}
			}
			for _, ss := range rs.ScopeSpans {
				spans = append(spans, ss.Spans...)
			}
			body = body[n+m:]
		}
	}))
	defer collector.Close()

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--data-dir", t.TempDir()}, envOf(map[string]string{
			"CERTSVC_ADMIN_PASSWORD":      "first-admin-pw",
			"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL,
			"OTEL_EXPORTER_OTLP_HEADERS":  "x-collector-key=k%201",
		}), strings.NewReader(""), &bytes.Buffer{}, &syncWriter{})
	}()
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("certsvc did not come up: %v", err)
		}
	}
	client := certsvcv1connect.NewAuthServiceClient(http.DefaultClient, base)
	if _, err := client.Login(t.Context(), &certsvcv1.LoginRequest{Login: "admin",
		Credential: &certsvcv1.LoginRequest_Password{Password: "first-admin-pw"}}); err != nil {
		t.Fatal(err)
	}
	cancel() // shutdown flushes the batch
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	var login *tracepb.Span
	for _, s := range spans {
		if s.Name == certsvcv1connect.AuthServiceLoginProcedure[1:] {
			login = s
		}
	}
	if login == nil {
		names := make([]string, len(spans))
		for i, s := range spans {
			names[i] = s.Name
		}
		t.Fatalf("no span of the Login RPC among %v", names)
	}
	if login.Kind != tracepb.Span_SPAN_KIND_SERVER || len(login.TraceId) != 16 || login.EndTimeUnixNano <= login.StartTimeUnixNano {
		t.Errorf("login span %v", login)
	}
	for i := range paths {
		if paths[i] != "/v1/traces" || keys[i] != "k 1" || services[i] != "certsvc" {
			t.Errorf("request %d: path %s, key %q, service %q; want /v1/traces, the header from OTEL_EXPORTER_OTLP_HEADERS, certsvc", i, paths[i], keys[i], services[i])
		}
	}
}
