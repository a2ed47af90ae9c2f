package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/certsvc/certsvc/internal/errkind"
)

// names returns the common names of certs, to compare lists of certificates.
func names(certs []*x509.Certificate) []string {
	var out []string
	for _, c := range certs {
		out = append(out, c.Subject.CommonName)
	}
	return out
}

func TestParseCertificates(t *testing.T) {
	key := testKey(t, ECDSAP256)
	leaf, inter, root := testChain(t, key)
	chainPEM := string(EncodePEMCertificates(leaf, inter, root))
	keyPEM, err := MarshalPrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	concatDER := append(append(bytes.Clone(leaf.Raw), inter.Raw...), root.Raw...)
	tests := []struct {
		name string
		in   []byte
		want []string
		err  string
	}{
		{name: "ok/one pem", in: EncodePEMCertificates(leaf), want: []string{"www.example.com"}},
		{name: "ok/chain pem keeps order", in: []byte(chainPEM), want: []string{"www.example.com", "Test Intermediate", "Test Root"}},
		{name: "ok/reversed chain pem", in: EncodePEMCertificates(root, inter, leaf), want: []string{"Test Root", "Test Intermediate", "www.example.com"}},
		{name: "ok/crlf", in: []byte(strings.ReplaceAll(chainPEM, "\n", "\r\n")), want: []string{"www.example.com", "Test Intermediate", "Test Root"}},
		{name: "ok/no final newline and blanks", in: []byte("  " + strings.TrimSpace(chainPEM)), want: []string{"www.example.com", "Test Intermediate", "Test Root"}},
		{name: "ok/key block skipped", in: append(bytes.Clone(keyPEM), EncodePEMCertificates(leaf)...), want: []string{"www.example.com"}},
		{name: "ok/der", in: leaf.Raw, want: []string{"www.example.com"}},
		{name: "ok/concatenated der", in: concatDER, want: []string{"www.example.com", "Test Intermediate", "Test Root"}},
		{name: "ok/bare base64", in: []byte(base64.StdEncoding.EncodeToString(leaf.Raw) + "\n"), want: []string{"www.example.com"}},
		{name: "error/garbage", in: []byte("not a certificate"), err: "not a PEM or DER certificate"},
		{name: "error/empty", in: nil, err: "empty input"},
		{name: "error/garbage der", in: []byte{0x30, 0x03, 0x02, 0x01, 0x01}, err: "invalid certificate"},
		{name: "error/damaged pem", in: []byte("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"), err: "certificate 1:"},
		{name: "error/only a key", in: keyPEM, err: `no CERTIFICATE PEM block (found "PRIVATE KEY")`},
		{name: "error/pkcs7", in: []byte("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n"), err: "PKCS#7 is not supported"},
		{name: "error/plus turned into space", in: []byte(strings.ReplaceAll(chainPEM, "+", " ")), err: `a "+" was probably turned into a space`},
		{name: "error/csr", in: EncodeCSRPEM([]byte{0x30, 0}), err: `found "CERTIFICATE REQUEST"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCertificates(tt.in)
			if wantErr(t, err, tt.err) {
				if !errors.Is(err, ErrInvalidCertificate) || !errors.Is(err, errkind.InvalidArgument) {
					t.Errorf("error %v is not ErrInvalidCertificate / InvalidArgument", err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("certificates (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchesKey(t *testing.T) {
	ecKey, rsaKey, otherEC := testKey(t, ECDSAP256), testKey(t, RSA2048), testKey(t, ECDSAP384)
	ecCert := makeCert(t, ecKey, "example.com", false, nil, nil)
	rsaCert := makeCert(t, rsaKey, "example.com", false, nil, nil)
	csrDER, err := CreateCSR(rsaKey, Subject{CommonName: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseCSR(csrDER)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cert *x509.Certificate
		pub  crypto.PublicKey
		want bool
	}{
		{name: "ok/ecdsa", cert: ecCert, pub: ecKey.Public(), want: true},
		{name: "ok/rsa", cert: rsaCert, pub: rsaKey.Public(), want: true},
		{name: "ok/the csr's key", cert: rsaCert, pub: csr.PublicKey, want: true},
		{name: "error/other ecdsa key", cert: ecCert, pub: otherEC.Public()},
		{name: "error/other algorithm", cert: ecCert, pub: rsaKey.Public()},
		{name: "error/csr of another key", cert: ecCert, pub: csr.PublicKey},
		{name: "error/nil key", cert: ecCert, pub: nil},
		{name: "error/nil certificate", cert: nil, pub: ecKey.Public()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchesKey(tt.cert, tt.pub); got != tt.want {
				t.Errorf("MatchesKey = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSplitChain(t *testing.T) {
	key := testKey(t, ECDSAP256)
	leaf, inter, root := testChain(t, key)
	_, otherInter, _ := testChain(t, testKey(t, ECDSAP384))
	tests := []struct {
		name  string
		in    []*x509.Certificate
		chain []string
		err   string
	}{
		{name: "ok/in order", in: []*x509.Certificate{leaf, inter, root}, chain: []string{"Test Intermediate", "Test Root"}},
		{name: "ok/shuffled", in: []*x509.Certificate{root, leaf, inter}, chain: []string{"Test Intermediate", "Test Root"}},
		{name: "ok/leaf only", in: []*x509.Certificate{leaf}},
		{name: "ok/duplicate leaf dropped", in: []*x509.Certificate{leaf, inter, leaf}, chain: []string{"Test Intermediate"}},
		{name: "ok/unrelated certificate kept last", in: []*x509.Certificate{otherInter, root, inter, leaf}, chain: []string{"Test Intermediate", "Test Root", "Test Intermediate"}},
		{name: "error/no leaf", in: []*x509.Certificate{inter, root}, err: "none of the 2 certificates is for the request's public key"},
		{name: "error/empty", in: nil, err: "none of the 0 certificates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotLeaf, chain, err := SplitChain(tt.in, key.Public())
			if wantErr(t, err, tt.err) {
				if !errors.Is(err, ErrKeyMismatch) {
					t.Errorf("error %v is not ErrKeyMismatch", err)
				}
				return
			}
			if !gotLeaf.Equal(leaf) {
				t.Errorf("leaf is %q", gotLeaf.Subject.CommonName)
			}
			if diff := cmp.Diff(tt.chain, names(chain)); diff != "" {
				t.Errorf("chain (-want +got):\n%s", diff)
			}
			if tt.name == "ok/unrelated certificate kept last" && (chain[0] != inter || chain[2] != otherInter) {
				t.Error("the intermediate of the same name but another key is not last")
			}
		})
	}
}

func TestEncoders(t *testing.T) {
	key := testKey(t, RSA2048)
	leaf, inter, root := testChain(t, key)

	t.Run("ok/pem certificates round trip", func(t *testing.T) {
		out := EncodePEMCertificates(leaf, nil, inter)
		if n := strings.Count(string(out), "-----BEGIN CERTIFICATE-----\n"); n != 2 {
			t.Fatalf("%d CERTIFICATE blocks, want 2", n)
		}
		got, err := ParseCertificates(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !got[0].Equal(leaf) || !got[1].Equal(inter) {
			t.Errorf("round trip gave %v", names(got))
		}
		if len(EncodePEMCertificates()) != 0 {
			t.Error("no certificates should encode to nothing")
		}
	})
	t.Run("ok/csr pem", func(t *testing.T) {
		der, err := CreateCSR(key, Subject{CommonName: "example.com"})
		if err != nil {
			t.Fatal(err)
		}
		out := EncodeCSRPEM(der)
		if !strings.HasPrefix(string(out), "-----BEGIN CERTIFICATE REQUEST-----\n") || !strings.HasSuffix(string(out), "-----END CERTIFICATE REQUEST-----\n") {
			t.Errorf("unexpected PEM: %q", out)
		}
		c, err := ParseCSR(out)
		if err != nil || !bytes.Equal(c.Raw, der) {
			t.Errorf("ParseCSR: %v", err)
		}
	})
	t.Run("ok/pem bundle", func(t *testing.T) {
		out, err := EncodePEMBundle(key, leaf, []*x509.Certificate{inter, root})
		if err != nil {
			t.Fatal(err)
		}
		certs, err := ParseCertificates(out)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"www.example.com", "Test Intermediate", "Test Root"}, names(certs)); diff != "" {
			t.Errorf("certificates (-want +got):\n%s", diff)
		}
		back, err := ParsePrivateKeyPEM(out)
		if err != nil {
			t.Fatal(err)
		}
		if !back.(privateKey).Equal(key) {
			t.Error("the bundle's key differs")
		}
	})
	t.Run("error/pem bundle of another key", func(t *testing.T) {
		_, err := EncodePEMBundle(testKey(t, ECDSAP256), leaf, nil)
		if !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("error %v is not ErrKeyMismatch", err)
		}
	})
}

func TestEncodePKCS12(t *testing.T) {
	for _, kt := range []KeyType{RSA2048, ECDSAP256} {
		t.Run("ok/"+kt.String(), func(t *testing.T) {
			key := testKey(t, kt)
			leaf, inter, root := testChain(t, key)
			pfx, err := EncodePKCS12(key, leaf, []*x509.Certificate{inter, root}, "s3cret-пароль")
			if err != nil {
				t.Fatal(err)
			}
			gotKey, gotLeaf, gotChain, err := pkcs12.DecodeChain(pfx, "s3cret-пароль")
			if err != nil {
				t.Fatal(err)
			}
			if !gotKey.(privateKey).Equal(key) {
				t.Error("the key differs")
			}
			if !gotLeaf.Equal(leaf) {
				t.Error("the leaf differs")
			}
			if len(gotChain) != 2 || !gotChain[0].Equal(inter) || !gotChain[1].Equal(root) {
				t.Errorf("the chain is %v", names(gotChain))
			}
			if _, _, _, err := pkcs12.DecodeChain(pfx, "wrong"); err == nil {
				t.Error("decoded with a wrong password")
			}
		})
	}
	key := testKey(t, ECDSAP256)
	leaf, inter, _ := testChain(t, key)
	tests := []struct {
		name  string
		key   crypto.Signer
		leaf  *x509.Certificate
		chain []*x509.Certificate
		pass  string
		err   string
		is    error
	}{
		{name: "ok/empty password", key: key, leaf: leaf},
		{name: "error/key mismatch", key: testKey(t, RSA2048), leaf: leaf, pass: "x", err: "the certificate does not match the key", is: ErrKeyMismatch},
		{name: "error/nil key", leaf: leaf, pass: "x", err: "nil private key"},
		{name: "error/nil leaf", key: key, pass: "x", err: "nil certificate"},
		{name: "error/nil in chain", key: key, leaf: leaf, chain: []*x509.Certificate{inter, nil}, pass: "x", err: "chain certificate 2 is nil"},
		{name: "error/password outside the BMP", key: key, leaf: leaf, pass: "🔑", err: "PKCS#12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pfx, err := EncodePKCS12(tt.key, tt.leaf, tt.chain, tt.pass)
			if wantErr(t, err, tt.err) {
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %v is not %v", err, tt.is)
				}
				return
			}
			if _, _, _, err := pkcs12.DecodeChain(pfx, tt.pass); err != nil {
				t.Errorf("decode: %v", err)
			}
		})
	}
}
