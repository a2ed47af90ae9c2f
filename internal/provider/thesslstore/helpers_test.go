package thesslstore_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/thesslstore"
	"github.com/certsvc/certsvc/internal/provider/thesslstore/sslstoretest"
)

// testProvider is the provider with every capability it has.
type testProvider interface {
	provider.Provider
	provider.RefLookup
	provider.Catalog
	provider.ApproverLister
	provider.DCVController
	provider.Reissuer
	provider.Renewer
	provider.BalanceReporter
}

// newFake starts a fake and a provider configured for it.
func newFake(t *testing.T, opts sslstoretest.Options) (*sslstoretest.Server, testProvider) {
	t.Helper()
	fake := sslstoretest.New(t, opts)
	return fake, newProvider(t, fake.Config())
}

// newProvider builds the provider with a debug logger whose output is
// checked, when the test ends, for the credentials of cfg.
func newProvider(t *testing.T, cfg provider.Config) testProvider {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	secrets := []string{cfg.Secrets[thesslstore.SecretPartnerCode], cfg.Secrets[thesslstore.SecretAuthToken]}
	t.Cleanup(func() {
		out := logs.String()
		for _, s := range secrets {
			if s != "" && strings.Contains(out, s) {
				t.Errorf("the logs hold a credential:\n%s", out)
			}
		}
		if t.Failed() {
			t.Logf("provider logs:\n%s", out)
		}
	})
	p, err := thesslstore.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tp, ok := p.(testProvider)
	if !ok {
		t.Fatalf("the provider %T lacks a capability", p)
	}
	return tp
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newCSR returns a key and a PEM CSR for names (the first is the common
// name).
func newCSR(t *testing.T, names ...string) (crypto.Signer, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: names[0]}, DNSNames: names}, key)
	if err != nil {
		t.Fatal(err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

var (
	admin = provider.Contact{FirstName: "Ada", LastName: "Lovelace", Title: "CTO", Email: "ada@example.com", Phone: "+44 20 7946 0000"}
	tech  = provider.Contact{FirstName: "Alan", LastName: "Turing", Email: "alan@example.com", Phone: "+44 20 7946 0001"}
)

// dvOrder is a DV order for www.example.com and example.com: the common
// name by HTTP file, the other name by e-mail.
func dvOrder(ref, csr string) provider.OrderRequest {
	return provider.OrderRequest{
		Ref: ref, ProductCode: "positivessl", Validation: "dv", PeriodMonths: 12, CSRPEM: csr,
		CommonName: "www.example.com", SANs: []string{"example.com"},
		DCV: map[string]provider.DCVChoice{
			"www.example.com": {Method: provider.DCVHTTPFile},
			"example.com":     {Method: provider.DCVEmail, Email: "admin@example.com"},
		},
		Admin: admin, Tech: tech,
	}
}

// dcvFor is the instruction for domain.
func dcvFor(t *testing.T, r provider.Remote, domain string) provider.DCVInstruction {
	t.Helper()
	for _, in := range r.DCV {
		if in.Domain == domain {
			return in
		}
	}
	t.Fatalf("no validation instruction for %q in %+v", domain, r.DCV)
	return provider.DCVInstruction{}
}

// parseChain parses a PEM chain.
func parseChain(t *testing.T, chain string) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	rest := []byte(chain)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatalf("chain: %v", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatalf("no certificate in chain %q", chain)
	}
	return out
}

// checkNoSecrets fails when err's text holds the fake's credentials.
func checkNoSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{sslstoretest.DefaultPartnerCode, sslstoretest.DefaultAuthToken} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q holds a credential", err)
		}
	}
}
