package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// KeyType is a kind of private key the service generates for a customer.
// The zero value is not a valid key type.
type KeyType int

// The key types the service generates. RSA 2048 is what every plan accepts;
// ECDSA keys are faster and smaller but some old clients cannot use them.
const (
	RSA2048 KeyType = iota + 1
	RSA3072
	RSA4096
	ECDSAP256
	ECDSAP384
)

var keyTypeNames = map[KeyType]string{
	RSA2048:   "rsa2048",
	RSA3072:   "rsa3072",
	RSA4096:   "rsa4096",
	ECDSAP256: "ec256",
	ECDSAP384: "ec384",
}

// keyTypeAliases are other spellings ParseKeyType accepts, lower case.
var keyTypeAliases = map[string]KeyType{
	"rsa-2048": RSA2048, "rsa_2048": RSA2048, "2048": RSA2048,
	"rsa-3072": RSA3072, "rsa_3072": RSA3072, "3072": RSA3072,
	"rsa-4096": RSA4096, "rsa_4096": RSA4096, "4096": RSA4096,
	"ec-256": ECDSAP256, "ecdsa256": ECDSAP256, "ecdsap256": ECDSAP256, "ecdsa-p256": ECDSAP256, "p256": ECDSAP256, "p-256": ECDSAP256, "prime256v1": ECDSAP256,
	"ec-384": ECDSAP384, "ecdsa384": ECDSAP384, "ecdsap384": ECDSAP384, "ecdsa-p384": ECDSAP384, "p384": ECDSAP384, "p-384": ECDSAP384, "secp384r1": ECDSAP384,
}

// KeyTypes returns every valid key type, RSA first, in increasing size.
func KeyTypes() []KeyType {
	return []KeyType{RSA2048, RSA3072, RSA4096, ECDSAP256, ECDSAP384}
}

// String returns the short name of the key type ("rsa2048", "ec256"), the
// form ParseKeyType reads, or "KeyType(N)" for an invalid value.
func (kt KeyType) String() string {
	if s, ok := keyTypeNames[kt]; ok {
		return s
	}
	return fmt.Sprintf("KeyType(%d)", int(kt))
}

// Valid reports whether kt is one of the defined key types.
func (kt KeyType) Valid() bool {
	_, ok := keyTypeNames[kt]
	return ok
}

// ParseKeyType reads a key type name: "rsa2048", "rsa3072", "rsa4096",
// "ec256", "ec384", in any case, or a common alias ("rsa-2048", "p256",
// "ecdsa-p384", ...).
func ParseKeyType(s string) (KeyType, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, kt := range KeyTypes() {
		if t == kt.String() {
			return kt, nil
		}
	}
	if kt, ok := keyTypeAliases[t]; ok {
		return kt, nil
	}
	return 0, fmt.Errorf("%w: unknown key type %q; use one of rsa2048, rsa3072, rsa4096, ec256, ec384", ErrInvalidKey, s)
}

// GenerateKey generates a new private key of the given type from crypto/rand.
// An RSA-2048 key takes tens of milliseconds, RSA-4096 up to seconds; see
// [KeyPool] for keeping keys ready.
func GenerateKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case RSA2048, RSA3072, RSA4096:
		bits := map[KeyType]int{RSA2048: 2048, RSA3072: 3072, RSA4096: 4096}[kt]
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("generate %v key: %w", kt, err)
		}
		return k, nil
	case ECDSAP256, ECDSAP384:
		curve := elliptic.P256()
		if kt == ECDSAP384 {
			curve = elliptic.P384()
		}
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate %v key: %w", kt, err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("%w: unknown key type %v", ErrInvalidKey, kt)
}

// MarshalPrivateKeyPEM encodes an RSA, ECDSA or Ed25519 private key as a
// PKCS#8 "PRIVATE KEY" PEM block, unencrypted.
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	if key == nil {
		return nil, errors.New("pki: nil private key")
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: marshal %T private key: %w", key, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKeyPEM reads an unencrypted private key: PKCS#8 ("PRIVATE
// KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") in PEM, or any
// of the three in DER. Other PEM blocks (an "EC PARAMETERS" block, the
// certificate of a bundle) are skipped; the first key block is used.
// Encrypted keys are refused with an error that says so.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	if len(data) > maxInputSize {
		return nil, fmt.Errorf("%w: input is larger than %d bytes", ErrInvalidKey, maxInputSize)
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if k, err := parsePrivateKeyDER(data); err == nil {
			return k, nil
		}
		return nil, fmt.Errorf("%w: not a PEM or DER private key", ErrInvalidKey)
	}
	blocks, err := decodePEM(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	var found []string
	for _, b := range blocks {
		switch b.Type {
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("%w: the key is encrypted with a passphrase; remove it first (openssl pkey -in key.pem -out plain.pem)", ErrInvalidKey)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if b.Encrypted {
				return nil, fmt.Errorf("%w: the key is encrypted with a passphrase; remove it first (openssl pkey -in key.pem -out plain.pem)", ErrInvalidKey)
			}
			var k any
			var err error
			switch b.Type {
			case "PRIVATE KEY":
				k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
			case "RSA PRIVATE KEY":
				k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
			default:
				k, err = x509.ParseECPrivateKey(b.Bytes)
			}
			if err != nil {
				return nil, fmt.Errorf("%w: %s block: %v", ErrInvalidKey, b.Type, trimX509(err))
			}
			return asSigner(k)
		}
		found = append(found, b.Type)
	}
	return nil, fmt.Errorf("%w: no private key block in the PEM data (found %s)", ErrInvalidKey, describeTypes(found))
}

func parsePrivateKeyDER(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return asSigner(k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("%w: not a PKCS#8, PKCS#1 or SEC1 private key", ErrInvalidKey)
}

func asSigner(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("%w: unsupported private key type %T", ErrInvalidKey, k)
}

// trimX509 drops the "x509: " prefix of crypto/x509 errors, which means
// nothing to a customer.
func trimX509(err error) string {
	return strings.TrimPrefix(err.Error(), "x509: ")
}

func describeTypes(types []string) string {
	if len(types) == 0 {
		return "nothing"
	}
	q := make([]string, len(types))
	for i, t := range types {
		q[i] = fmt.Sprintf("%q", t)
	}
	return strings.Join(q, ", ")
}
