package sslstoretest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"
)

// testCA is a throwaway root and intermediate that sign the fake's
// certificates.
type testCA struct {
	root, inter *x509.Certificate
	interKey    crypto.Signer
}

func newTestCA(now time.Time) (*testCA, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate the root key: %w", err)
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate the intermediate key: %w", err)
	}
	ca := func(name string) *x509.Certificate {
		return &x509.Certificate{
			Subject:               pkix.Name{Organization: []string{"sslstoretest"}, CommonName: name},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.AddDate(10, 0, 0),
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
	}
	root, err := sign(ca("sslstoretest Root CA"), nil, rootKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("sign the root: %w", err)
	}
	inter, err := sign(ca("sslstoretest DV Intermediate CA"), root, interKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("sign the intermediate: %w", err)
	}
	return &testCA{root: root, inter: inter, interKey: interKey}, nil
}

// issue signs a server certificate for the CSR's key and names.
func (ca *testCA) issue(csr *x509.CertificateRequest, names []string, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: names[0]},
		DNSNames:    names,
		NotBefore:   notBefore.Add(-time.Minute).Truncate(time.Second),
		NotAfter:    notAfter.Truncate(time.Second),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	return sign(tmpl, ca.inter, csr.PublicKey, ca.interKey)
}

// sign signs tmpl with parent's key; a nil parent self-signs.
func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
