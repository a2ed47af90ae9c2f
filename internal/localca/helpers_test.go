package localca_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
)

// caCreated is when the test CAs are created; their intermediates expire
// five years later, on 2031-01-01.
var caCreated = utc(2026, time.January, 1, 0, 0, 0)

// newCA returns a fresh CA created at caCreated.
func newCA(t testing.TB) *localca.CA {
	t.Helper()
	ca, err := localca.New(caCreated, "Certsvc Test")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return ca
}

var (
	ecKey  = sync.OnceValue(func() crypto.Signer { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	rsaKey = sync.OnceValue(func() crypto.Signer { return must(rsa.GenerateKey(rand.Reader, 2048)) })
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// newCSR returns a parsed CSR for key with the given names.
func newCSR(t testing.TB, key crypto.Signer, names ...string) *x509.CertificateRequest {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: names[0]},
		DNSNames: names,
	}, key)
	if err != nil {
		t.Fatalf("CreateCertificateRequest: %v", err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatalf("ParseCertificateRequest: %v", err)
	}
	return csr
}

// verify checks that cert chains to ca's root through its intermediate for
// dnsName at a time inside cert's validity, with server authentication.
func verify(t testing.TB, ca *localca.CA, cert *x509.Certificate, dnsName string) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(ca.Root())
	inters := x509.NewCertPool()
	inters.AddCert(ca.Intermediate())
	chains, err := cert.Verify(x509.VerifyOptions{
		DNSName:       dnsName,
		Roots:         roots,
		Intermediates: inters,
		CurrentTime:   cert.NotBefore.Add(time.Hour),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		t.Fatalf("Verify(%q): %v", dnsName, err)
	}
	if len(chains) != 1 || len(chains[0]) != 3 {
		t.Fatalf("Verify(%q): got %d chains, first of length %d; want one chain leaf→intermediate→root", dnsName, len(chains), len(chains[0]))
	}
	if !chains[0][1].Equal(ca.Intermediate()) || !chains[0][2].Equal(ca.Root()) {
		t.Fatalf("Verify(%q): chain is not leaf→intermediate→root", dnsName)
	}
}
