package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// ParseCertificates reads certificates as an admin uploads them or a CA
// returns them: one or more PEM "CERTIFICATE" blocks (with the same copy-paste
// tolerance as [ParseCSR]; other blocks such as a private key are skipped),
// DER (one certificate, or several concatenated), or bare base64 of DER.
// The order of the input is kept. PKCS#7 (.p7b) is refused with a hint.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if len(data) > maxInputSize {
		return nil, fmt.Errorf("%w: input is larger than %d bytes", ErrInvalidCertificate, maxInputSize)
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		blocks, err := decodePEM(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCertificate, err)
		}
		var certs []*x509.Certificate
		var found []string
		for _, b := range blocks {
			switch b.Type {
			case "CERTIFICATE", "X509 CERTIFICATE":
				c, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					if b.Spaced {
						return nil, fmt.Errorf("%w: certificate %d: %w", ErrInvalidCertificate, len(certs)+1, errSpacedBase64)
					}
					return nil, fmt.Errorf("%w: certificate %d: %s", ErrInvalidCertificate, len(certs)+1, trimX509(err))
				}
				certs = append(certs, c)
			case "PKCS7":
				return nil, fmt.Errorf("%w: PKCS#7 is not supported; convert it with openssl pkcs7 -print_certs -in file.p7b", ErrInvalidCertificate)
			default:
				found = append(found, b.Type)
			}
		}
		if len(certs) == 0 {
			return nil, fmt.Errorf("%w: no CERTIFICATE PEM block (found %s)", ErrInvalidCertificate, describeTypes(found))
		}
		return certs, nil
	}
	der, spaced := data, false
	if len(data) == 0 || data[0] != 0x30 {
		t := bytes.TrimSpace(data)
		if len(t) == 0 {
			return nil, fmt.Errorf("%w: empty input", ErrInvalidCertificate)
		}
		var err error
		der, spaced, err = decodeBareBase64(t)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCertificate, err)
		}
		if der == nil {
			return nil, fmt.Errorf("%w: not a PEM or DER certificate (a PEM one starts with -----BEGIN CERTIFICATE-----)", ErrInvalidCertificate)
		}
	}
	certs, err := x509.ParseCertificates(der)
	if err != nil {
		if spaced {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCertificate, errSpacedBase64)
		}
		return nil, fmt.Errorf("%w: %s", ErrInvalidCertificate, trimX509(err))
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: no certificate in the input", ErrInvalidCertificate)
	}
	return certs, nil
}

// MatchesKey reports whether cert was issued for the public key pub (of a
// CSR or of a private key: pass key.Public()).
func MatchesKey(cert *x509.Certificate, pub crypto.PublicKey) bool {
	if cert == nil || pub == nil {
		return false
	}
	k, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(pub)
}

// SplitChain picks from certs the leaf issued for pub and orders the rest as
// a chain: the issuer of the leaf first, then its issuer, and so on, going by
// subject and issuer names and preferring, among certificates of the same
// name, the one whose key signed the previous; certificates that are not on
// that path follow in input order. The leaf's own duplicates are dropped. It returns an error
// wrapping [ErrKeyMismatch] when no certificate matches pub.
func SplitChain(certs []*x509.Certificate, pub crypto.PublicKey) (leaf *x509.Certificate, chain []*x509.Certificate, err error) {
	li := -1
	for i, c := range certs {
		if MatchesKey(c, pub) {
			li = i
			break
		}
	}
	if li < 0 {
		return nil, nil, fmt.Errorf("%w: none of the %d certificates is for the request's public key", ErrKeyMismatch, len(certs))
	}
	leaf = certs[li]
	rest := make([]*x509.Certificate, 0, len(certs)-1)
	for _, c := range certs {
		if !c.Equal(leaf) {
			rest = append(rest, c)
		}
	}
	used := make([]bool, len(rest))
	for cur := leaf; ; {
		next := -1
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) { // self-signed: the path ends
			break
		}
		for i, c := range rest { // the issuer by name whose key signed cur, else the first by name
			if used[i] || !bytes.Equal(c.RawSubject, cur.RawIssuer) {
				continue
			}
			if cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
			if next < 0 {
				next = i
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		chain = append(chain, rest[next])
		cur = rest[next]
	}
	for i, c := range rest {
		if !used[i] {
			chain = append(chain, c)
		}
	}
	return leaf, chain, nil
}

// EncodePEMCertificates returns the certificates as consecutive PEM
// "CERTIFICATE" blocks, in the order given (leaf first for a full chain).
func EncodePEMCertificates(certs ...*x509.Certificate) []byte {
	var buf bytes.Buffer
	for _, c := range certs {
		if c != nil {
			_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}) // a bytes.Buffer does not fail
		}
	}
	return buf.Bytes()
}

// EncodeCSRPEM returns the DER of a CSR as a PEM "CERTIFICATE REQUEST" block.
func EncodeCSRPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// EncodePEMBundle returns the leaf, the chain and then the private key
// (PKCS#8) in one PEM file, the form HAProxy and similar servers load. It
// returns an error wrapping [ErrKeyMismatch] when the leaf is not for key.
func EncodePEMBundle(key crypto.Signer, leaf *x509.Certificate, chain []*x509.Certificate) ([]byte, error) {
	if err := checkLeafKey(key, leaf); err != nil {
		return nil, err
	}
	keyPEM, err := MarshalPrivateKeyPEM(key)
	if err != nil {
		return nil, err
	}
	out := EncodePEMCertificates(append([]*x509.Certificate{leaf}, chain...)...)
	return append(out, keyPEM...), nil
}

// EncodePKCS12 returns a PKCS#12 (.pfx, .p12) file with the private key, the
// leaf and the chain, encrypted with password by go-pkcs12's Modern encoder
// (PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA-256, an HMAC-SHA-256 MAC), which
// OpenSSL 1.1.1+, Java 12+ and Windows Server 2019+ read. The encoder's KDF
// uses few iterations, so a password should be random rather than memorable.
// It returns an error wrapping [ErrKeyMismatch] when the leaf is not for key.
func EncodePKCS12(key crypto.Signer, leaf *x509.Certificate, chain []*x509.Certificate, password string) ([]byte, error) {
	if err := checkLeafKey(key, leaf); err != nil {
		return nil, err
	}
	for i, c := range chain {
		if c == nil {
			return nil, fmt.Errorf("pki: PKCS#12: chain certificate %d is nil", i+1)
		}
	}
	pfx, err := pkcs12.Modern.Encode(key, leaf, chain, password)
	if err != nil {
		return nil, fmt.Errorf("pki: PKCS#12: %w", err)
	}
	return pfx, nil
}

func checkLeafKey(key crypto.Signer, leaf *x509.Certificate) error {
	switch {
	case key == nil:
		return errors.New("pki: nil private key")
	case leaf == nil:
		return errors.New("pki: nil certificate")
	case !MatchesKey(leaf, key.Public()):
		return fmt.Errorf("%w: certificate %q is not for this private key", ErrKeyMismatch, leaf.Subject.CommonName)
	}
	return nil
}
