package localca

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// ErrInvalidRequest is wrapped by every error caused by the caller's input
// (CSR, names, dates, validation level, revocation reason, PEM) rather than
// by the CA itself; test for it with errors.Is.
var ErrInvalidRequest = errors.New("localca: invalid request")

// Lifetimes of the CA certificates created by New.
const (
	rootYears         = 10
	intermediateYears = 5
)

// PEM block types written by Marshal and read by Load.
const (
	pemCertificate  = "CERTIFICATE"
	pemPrivateKey   = "PRIVATE KEY"    // PKCS #8
	pemECPrivateKey = "EC PRIVATE KEY" // SEC 1, accepted by Load only
)

// CA is a local certificate authority: a self-signed root and an
// intermediate signed by it, with their private keys. The intermediate
// signs end-entity certificates and CRLs; the root key is only kept so the
// caller can persist it with Marshal.
//
// A *CA is safe for concurrent use. Create one with New or Load.
type CA struct {
	root, inter       *x509.Certificate
	rootKey, interKey *ecdsa.PrivateKey

	mu        sync.Mutex
	revoked   map[string]Revocation // key: serial in hex
	crlNumber *big.Int              // last CRL number used, nil before the first CRL
}

// New creates a CA named name with fresh ECDSA P-256 keys: a self-signed
// root valid for 10 years and an intermediate valid for 5 years, both from
// now (truncated to the second). The root's subject is "<name> Root CA",
// the intermediate's "<name> Intermediate CA", both with organization name.
// The intermediate has path length 0, key usage certificate signing and CRL
// signing, extended key usage server authentication, and no name
// constraints. Serial numbers are random 128-bit positive integers.
func New(now time.Time, name string) (*CA, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fmt.Errorf("%w: CA name is empty", ErrInvalidRequest)
	}
	if now.IsZero() {
		return nil, fmt.Errorf("%w: CA creation time is zero", ErrInvalidRequest)
	}
	start := now.UTC().Truncate(time.Second)

	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("localca: generate root key: %w", err)
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("localca: generate intermediate key: %w", err)
	}

	rootTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: name + " Root CA", Organization: []string{name}},
		NotBefore:             start,
		NotAfter:              start.AddDate(rootYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	root, err := sign(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, fmt.Errorf("localca: create root certificate: %w", err)
	}

	interTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: name + " Intermediate CA", Organization: []string{name}},
		NotBefore:             start,
		NotAfter:              start.AddDate(intermediateYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	inter, err := sign(interTmpl, root, &interKey.PublicKey, rootKey)
	if err != nil {
		return nil, fmt.Errorf("localca: create intermediate certificate: %w", err)
	}
	return newCA(root, inter, rootKey, interKey), nil
}

func newCA(root, inter *x509.Certificate, rootKey, interKey *ecdsa.PrivateKey) *CA {
	return &CA{root: root, inter: inter, rootKey: rootKey, interKey: interKey, revoked: map[string]Revocation{}}
}

// sign fills in the serial number and subject key identifier of tmpl,
// signs it with the parent's key and returns the parsed certificate.
func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) (*x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	if tmpl.SubjectKeyId, err = subjectKeyID(pub); err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// serialLimit is 2^128: serial numbers are drawn from [1, 2^128).
var serialLimit = new(big.Int).Lsh(big.NewInt(1), 128)

// randomSerial returns a random positive serial number below 2^128 (at most
// 17 DER octets, within RFC 5280's 20, with 127+ bits of entropy as the
// Baseline Requirements' 64 demand).
func randomSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, serialLimit)
		if err != nil {
			return nil, fmt.Errorf("localca: generate serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// subjectKeyID computes a key identifier per RFC 7093 section 2 method 1:
// the leftmost 160 bits of the SHA-256 hash of the subjectPublicKey BIT
// STRING.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	spkiDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("localca: marshal public key: %w", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spkiDER, &spki); err != nil {
		return nil, fmt.Errorf("localca: parse public key: %w", err)
	}
	sum := sha256.Sum256(spki.PublicKey.Bytes)
	return sum[:20], nil
}

// Root returns the self-signed root certificate. The caller must not
// modify it.
func (ca *CA) Root() *x509.Certificate { return ca.root }

// Intermediate returns the intermediate certificate, which signs issued
// certificates and CRLs. The caller must not modify it.
func (ca *CA) Intermediate() *x509.Certificate { return ca.inter }

// Chain returns the CA chain to send after an issued certificate: the
// intermediate, then the root. The slice is new on every call; the
// certificates are shared and must not be modified.
func (ca *CA) Chain() []*x509.Certificate {
	return []*x509.Certificate{ca.inter, ca.root}
}

// Marshal encodes the CA for storage. certsPEM holds two CERTIFICATE
// blocks, the intermediate then the root (the same order as Chain, so it
// can be served as a chain file). keysPEM holds two unencrypted PKCS #8
// PRIVATE KEY blocks, the intermediate's then the root's; the caller must
// encrypt it before storing it. Revocations are not included; persist
// Revoked separately.
func (ca *CA) Marshal() (certsPEM, keysPEM []byte, err error) {
	var certs, keys bytes.Buffer
	for _, c := range ca.Chain() {
		if err := pem.Encode(&certs, &pem.Block{Type: pemCertificate, Bytes: c.Raw}); err != nil {
			return nil, nil, fmt.Errorf("localca: encode certificate: %w", err)
		}
	}
	for _, k := range []*ecdsa.PrivateKey{ca.interKey, ca.rootKey} {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, nil, fmt.Errorf("localca: marshal private key: %w", err)
		}
		if err := pem.Encode(&keys, &pem.Block{Type: pemPrivateKey, Bytes: der}); err != nil {
			return nil, nil, fmt.Errorf("localca: encode private key: %w", err)
		}
	}
	return certs.Bytes(), keys.Bytes(), nil
}

// Load decodes a CA written by Marshal. certsPEM must hold exactly the root
// and the intermediate and keysPEM exactly their two ECDSA private keys, in
// any order (PKCS #8 "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY" blocks); keys
// are matched to certificates by public key. Load checks that the root is a
// self-signed CA certificate, that the intermediate is a CA certificate
// signed by the root, and that each key belongs to its certificate. The
// loaded CA has no revocations; restore them with SetRevoked.
func Load(certsPEM, keysPEM []byte) (*CA, error) {
	certs, err := parsePEMCerts(certsPEM)
	if err != nil {
		return nil, err
	}
	keys, err := parsePEMKeys(keysPEM)
	if err != nil {
		return nil, err
	}
	if len(certs) != 2 {
		return nil, fmt.Errorf("%w: certificates PEM holds %d certificates, want 2 (root and intermediate)", ErrInvalidRequest, len(certs))
	}
	if len(keys) != 2 {
		return nil, fmt.Errorf("%w: keys PEM holds %d private keys, want 2 (root and intermediate)", ErrInvalidRequest, len(keys))
	}

	var root, inter *x509.Certificate
	for i, c := range certs {
		if isSelfSigned(c) {
			root, inter = c, certs[1-i]
			break
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no self-signed root certificate in certificates PEM", ErrInvalidRequest)
	}
	if isSelfSigned(inter) {
		return nil, fmt.Errorf("%w: certificates PEM holds two self-signed certificates, want a root and an intermediate", ErrInvalidRequest)
	}
	if !root.IsCA || !root.BasicConstraintsValid {
		return nil, fmt.Errorf("%w: root certificate %q is not a CA certificate", ErrInvalidRequest, root.Subject)
	}
	if !inter.IsCA || !inter.BasicConstraintsValid {
		return nil, fmt.Errorf("%w: intermediate certificate %q is not a CA certificate", ErrInvalidRequest, inter.Subject)
	}
	if err := inter.CheckSignatureFrom(root); err != nil {
		return nil, fmt.Errorf("%w: intermediate certificate %q is not signed by root %q: %v", ErrInvalidRequest, inter.Subject, root.Subject, err)
	}

	var rootKey, interKey *ecdsa.PrivateKey
	for _, k := range keys {
		switch {
		case k.PublicKey.Equal(root.PublicKey):
			rootKey = k
		case k.PublicKey.Equal(inter.PublicKey):
			interKey = k
		}
	}
	if rootKey == nil {
		return nil, fmt.Errorf("%w: no private key in keys PEM matches the root certificate", ErrInvalidRequest)
	}
	if interKey == nil {
		return nil, fmt.Errorf("%w: no private key in keys PEM matches the intermediate certificate", ErrInvalidRequest)
	}
	return newCA(root, inter, rootKey, interKey), nil
}

// isSelfSigned reports whether c is issued by itself with its own key.
func isSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

func parsePEMCerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != pemCertificate {
			return nil, fmt.Errorf("%w: certificates PEM holds a %q block, want %q", ErrInvalidRequest, b.Type, pemCertificate)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: parse certificate: %v", ErrInvalidRequest, err)
		}
		certs = append(certs, c)
	}
	if len(bytes.TrimSpace(data)) != 0 {
		return nil, fmt.Errorf("%w: certificates PEM has trailing data that is not PEM", ErrInvalidRequest)
	}
	return certs, nil
}

func parsePEMKeys(data []byte) ([]*ecdsa.PrivateKey, error) {
	var keys []*ecdsa.PrivateKey
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var k *ecdsa.PrivateKey
		switch b.Type {
		case pemPrivateKey:
			parsed, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: parse private key: %v", ErrInvalidRequest, err)
			}
			var ok bool
			if k, ok = parsed.(*ecdsa.PrivateKey); !ok {
				return nil, fmt.Errorf("%w: private key is %T, want ECDSA", ErrInvalidRequest, parsed)
			}
		case pemECPrivateKey:
			var err error
			if k, err = x509.ParseECPrivateKey(b.Bytes); err != nil {
				return nil, fmt.Errorf("%w: parse private key: %v", ErrInvalidRequest, err)
			}
		default:
			return nil, fmt.Errorf("%w: keys PEM holds a %q block, want %q", ErrInvalidRequest, b.Type, pemPrivateKey)
		}
		keys = append(keys, k)
	}
	if len(bytes.TrimSpace(data)) != 0 {
		return nil, fmt.Errorf("%w: keys PEM has trailing data that is not PEM", ErrInvalidRequest)
	}
	return keys, nil
}
