package webhook

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The dial-time check refuses a non-public address whatever the URL's
// check said, so a name that later resolves to a private address (DNS
// rebinding) reaches nothing; with AllowPrivate the same request goes
// through.
func TestDialRefusesPrivateAddress(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tc := &tls.Config{RootCAs: pool}

	_, err := New(nil, nil, Options{TLSConfig: tc}).client.Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "non-public address 127.0.0.1") {
		t.Fatalf("dial to %s: %v, want a refusal of the non-public address", srv.URL, err)
	}
	resp, err := New(nil, nil, Options{TLSConfig: tc, AllowPrivate: true}).client.Get(srv.URL)
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	resp.Body.Close()
}
