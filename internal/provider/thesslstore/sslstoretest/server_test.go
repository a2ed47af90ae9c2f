package sslstoretest_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/provider/thesslstore/sslstoretest"
)

// post sends body to the fake's endpoint and returns the status and body.
func post(t *testing.T, fake *sslstoretest.Server, endpoint string, body any) (int, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := fake.Client().Post(fake.URL()+"/rest/"+endpoint+"/", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

func auth(token string) map[string]string {
	return map[string]string{"PartnerCode": sslstoretest.DefaultPartnerCode, "AuthToken": token, "ReplayToken": "r-1"}
}

func csrPEM(t *testing.T, cn string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestAuthentication(t *testing.T) {
	fake := sslstoretest.New(t, sslstoretest.Options{})
	code, body := post(t, fake, "order/status", map[string]any{"AuthRequest": auth("wrong"), "CustomOrderID": "x"})
	if code != http.StatusOK || !strings.Contains(body, `"isError":true`) || !strings.Contains(body, `"ReplayToken":"r-1"`) {
		t.Errorf("wrong token: %d %s", code, body)
	}
	code, body = post(t, fake, "health/validate", auth(sslstoretest.DefaultAuthToken))
	if code != http.StatusOK || !strings.Contains(body, `"isError":false`) {
		t.Errorf("health/validate: %d %s", code, body)
	}
	code, body = post(t, fake, "product/query", map[string]any{"AuthRequest": auth("wrong")})
	if !strings.HasPrefix(body, `[{"AuthResponse":{"isError":true`) {
		t.Errorf("product/query error should be an array with the AuthResponse first: %d %s", code, body)
	}
}

func TestCustomOrderIDIsUnique(t *testing.T) {
	fake := sslstoretest.New(t, sslstoretest.Options{})
	order := map[string]any{
		"AuthRequest": auth(sslstoretest.DefaultAuthToken), "CustomOrderID": "ord-1", "ProductCode": "positivessl",
		"ValidityPeriod": 12, "ServerCount": 1, "CSR": csrPEM(t, "example.com"), "DomainName": "example.com",
		"ApproverEmail": "admin@example.com",
	}
	if _, body := post(t, fake, "order/neworder", order); !strings.Contains(body, `"isError":false`) {
		t.Fatalf("first order: %s", body)
	}
	_, body := post(t, fake, "order/neworder", order)
	if !strings.Contains(body, `"isError":true`) || !strings.Contains(body, "CustomOrderID ord-1 already exists.") {
		t.Errorf("second order: %s", body)
	}
	if fake.OrdersPlaced("ord-1") != 1 || fake.NewOrderRequests("ord-1") != 2 {
		t.Errorf("placed %d after %d requests, want 1 after 2", fake.OrdersPlaced("ord-1"), fake.NewOrderRequests("ord-1"))
	}
	// Unknown fields are refused, to catch misspelt field names.
	order["CustomOrderID"], order["CustomerOrderID"] = "ord-2", "typo"
	if code, body := post(t, fake, "order/neworder", order); !strings.Contains(body, "unknown field") {
		t.Errorf("misspelt field: %d %s", code, body)
	}
}
