package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKeys caches one key per type: RSA generation is slow under -race.
var testKeys sync.Map // KeyType -> crypto.Signer

func testKey(t testing.TB, kt KeyType) crypto.Signer {
	t.Helper()
	if k, ok := testKeys.Load(kt); ok {
		return k.(crypto.Signer)
	}
	k, err := GenerateKey(kt)
	if err != nil {
		t.Fatalf("GenerateKey(%v): %v", kt, err)
	}
	k2, _ := testKeys.LoadOrStore(kt, k)
	return k2.(crypto.Signer)
}

var rsa1024 = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return k
})

// makeCert returns a certificate for key's public key with the common name
// cn, signed by parentKey as parent (self-signed when parent is nil).
func makeCert(t testing.TB, key crypto.Signer, cn string, isCA bool, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	} else {
		tmpl.DNSNames = []string{cn}
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testChain returns a leaf for leafKey, its intermediate and the root.
func testChain(t testing.TB, leafKey crypto.Signer) (leaf, inter, root *x509.Certificate) {
	t.Helper()
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	root = makeCert(t, rootKey, "Test Root", true, nil, nil)
	inter = makeCert(t, interKey, "Test Intermediate", true, root, rootKey)
	leaf = makeCert(t, leafKey, "www.example.com", false, inter, interKey)
	return leaf, inter, root
}

// wantErr fails t unless err is nil when want is "" or contains want.
func wantErr(t testing.TB, err error, want string) bool {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return false
	}
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
	return true
}
