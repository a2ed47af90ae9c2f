package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
)

// privateKey is what the standard library's private keys implement.
type privateKey interface {
	Equal(crypto.PrivateKey) bool
}

func TestKeyTypeStringAndParse(t *testing.T) {
	for _, kt := range KeyTypes() {
		got, err := ParseKeyType(kt.String())
		if err != nil || got != kt {
			t.Errorf("ParseKeyType(%q) = %v, %v; want %v", kt.String(), got, err, kt)
		}
		if !kt.Valid() {
			t.Errorf("%v.Valid() = false", kt)
		}
	}
	tests := []struct {
		name string
		in   string
		want KeyType
		err  string
	}{
		{name: "ok/rsa2048", in: "rsa2048", want: RSA2048},
		{name: "ok/rsa3072", in: "rsa3072", want: RSA3072},
		{name: "ok/rsa4096", in: "rsa4096", want: RSA4096},
		{name: "ok/ec256", in: "ec256", want: ECDSAP256},
		{name: "ok/ec384", in: "ec384", want: ECDSAP384},
		{name: "ok/upper case and blanks", in: " RSA2048 ", want: RSA2048},
		{name: "ok/alias p-256", in: "P-256", want: ECDSAP256},
		{name: "ok/alias rsa-4096", in: "rsa-4096", want: RSA4096},
		{name: "error/unknown", in: "dsa1024", err: `unknown key type "dsa1024"`},
		{name: "error/empty", in: "", err: "unknown key type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKeyType(tt.in)
			if wantErr(t, err, tt.err) {
				if !errors.Is(err, ErrInvalidKey) || !errors.Is(err, errkind.InvalidArgument) {
					t.Errorf("error %v is not ErrInvalidKey / InvalidArgument", err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if s := KeyType(0).String(); s != "KeyType(0)" {
		t.Errorf("KeyType(0).String() = %q", s)
	}
	if KeyType(0).Valid() || KeyType(99).Valid() {
		t.Error("invalid key types report Valid")
	}
}

func TestGenerateKey(t *testing.T) {
	tests := []struct {
		name  string
		kt    KeyType
		bits  int
		curve elliptic.Curve
		err   string
	}{
		{name: "ok/rsa2048", kt: RSA2048, bits: 2048},
		{name: "ok/rsa3072", kt: RSA3072, bits: 3072},
		{name: "ok/rsa4096", kt: RSA4096, bits: 4096},
		{name: "ok/ec256", kt: ECDSAP256, curve: elliptic.P256()},
		{name: "ok/ec384", kt: ECDSAP384, curve: elliptic.P384()},
		{name: "error/zero", kt: 0, err: "unknown key type"},
		{name: "error/out of range", kt: 42, err: "unknown key type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k any
			var err error
			if tt.err == "" {
				k = testKey(t, tt.kt)
			} else {
				k, err = GenerateKey(tt.kt)
			}
			if wantErr(t, err, tt.err) {
				return
			}
			switch k := k.(type) {
			case *rsa.PrivateKey:
				if k.N.BitLen() != tt.bits || k.E != 65537 {
					t.Errorf("RSA key of %d bits, exponent %d; want %d, 65537", k.N.BitLen(), k.E, tt.bits)
				}
			case *ecdsa.PrivateKey:
				if k.Curve != tt.curve {
					t.Errorf("curve %s, want %s", k.Curve.Params().Name, tt.curve.Params().Name)
				}
			default:
				t.Errorf("unexpected key type %T", k)
			}
			if err := CheckKeyStrength(k.(crypto.Signer).Public()); err != nil {
				t.Errorf("generated key is not strong enough: %v", err)
			}
		})
	}
}

func TestPrivateKeyPEM(t *testing.T) {
	rsaKey := testKey(t, RSA2048).(*rsa.PrivateKey)
	ecKey := testKey(t, ECDSAP256).(*ecdsa.PrivateKey)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	sec1, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, der []byte) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	}
	ecParams := "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"

	tests := []struct {
		name string
		in   []byte
		want crypto.PrivateKey
		err  string
	}{
		{name: "ok/pkcs8 rsa", in: pemOf("PRIVATE KEY", pkcs8(rsaKey)), want: rsaKey},
		{name: "ok/pkcs8 ecdsa", in: pemOf("PRIVATE KEY", pkcs8(ecKey)), want: ecKey},
		{name: "ok/pkcs8 ed25519", in: pemOf("PRIVATE KEY", pkcs8(edKey)), want: edKey},
		{name: "ok/pkcs1", in: pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), want: rsaKey},
		{name: "ok/sec1 after EC PARAMETERS", in: append([]byte(ecParams), pemOf("EC PRIVATE KEY", sec1)...), want: ecKey},
		{name: "ok/crlf", in: []byte(strings.ReplaceAll(string(pemOf("PRIVATE KEY", pkcs8(ecKey))), "\n", "\r\n")), want: ecKey},
		{name: "ok/der pkcs8", in: pkcs8(rsaKey), want: rsaKey},
		{name: "ok/der pkcs1", in: x509.MarshalPKCS1PrivateKey(rsaKey), want: rsaKey},
		{name: "ok/der sec1", in: sec1, want: ecKey},
		{name: "error/encrypted pkcs8", in: pemOf("ENCRYPTED PRIVATE KEY", []byte{0x30, 0}), err: "encrypted with a passphrase"},
		{name: "error/encrypted legacy", in: []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"), err: "encrypted with a passphrase"},
		{name: "error/certificate only", in: pemOf("CERTIFICATE", []byte{0x30, 0}), err: `no private key block in the PEM data (found "CERTIFICATE")`},
		{name: "error/damaged key", in: pemOf("PRIVATE KEY", []byte{0x30, 3, 1, 2, 3}), err: "PRIVATE KEY block"},
		{name: "error/garbage", in: []byte("hello"), err: "not a PEM or DER private key"},
		{name: "error/empty", in: nil, err: "not a PEM or DER private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePrivateKeyPEM(tt.in)
			if wantErr(t, err, tt.err) {
				if !errors.Is(err, ErrInvalidKey) {
					t.Errorf("error %v is not ErrInvalidKey", err)
				}
				return
			}
			if !got.(privateKey).Equal(tt.want) {
				t.Errorf("parsed key differs from the original")
			}
		})
	}

	t.Run("ok/marshal round trip", func(t *testing.T) {
		for _, k := range []crypto.Signer{rsaKey, ecKey, edKey} {
			p, err := MarshalPrivateKeyPEM(k)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(p), "-----BEGIN PRIVATE KEY-----\n") {
				t.Errorf("not a PKCS#8 PEM block: %.40q", p)
			}
			back, err := ParsePrivateKeyPEM(p)
			if err != nil {
				t.Fatal(err)
			}
			if !back.(privateKey).Equal(k) {
				t.Errorf("%T: round trip changed the key", k)
			}
		}
	})
	t.Run("error/marshal nil", func(t *testing.T) {
		if _, err := MarshalPrivateKeyPEM(nil); err == nil {
			t.Error("no error for a nil key")
		}
	})
}
