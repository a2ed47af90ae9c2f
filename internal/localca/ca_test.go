package localca_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
)

func TestNew(t *testing.T) {
	now := time.Date(2026, time.January, 1, 12, 30, 15, 999, time.UTC)
	ca, err := localca.New(now, "Certsvc Test")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	root, inter := ca.Root(), ca.Intermediate()
	start := now.Truncate(time.Second)

	tests := []struct {
		name     string
		cert     *x509.Certificate
		cn       string
		notAfter time.Time
	}{
		{"ok/root", root, "Certsvc Test Root CA", start.AddDate(10, 0, 0)},
		{"ok/intermediate", inter, "Certsvc Test Intermediate CA", start.AddDate(5, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cert
			if c.Subject.CommonName != tt.cn {
				t.Errorf("CN = %q, want %q", c.Subject.CommonName, tt.cn)
			}
			if !c.NotBefore.Equal(start) || !c.NotAfter.Equal(tt.notAfter) {
				t.Errorf("validity = %s..%s, want %s..%s", c.NotBefore, c.NotAfter, start, tt.notAfter)
			}
			if !c.IsCA || !c.BasicConstraintsValid {
				t.Error("not a CA certificate")
			}
			if want := x509.KeyUsageCertSign | x509.KeyUsageCRLSign; c.KeyUsage != want {
				t.Errorf("KeyUsage = %v, want %v", c.KeyUsage, want)
			}
			pub, ok := c.PublicKey.(*ecdsa.PublicKey)
			if !ok || pub.Curve != elliptic.P256() {
				t.Errorf("public key is %T, want ECDSA P-256", c.PublicKey)
			}
			if c.SignatureAlgorithm != x509.ECDSAWithSHA256 {
				t.Errorf("SignatureAlgorithm = %v, want ECDSAWithSHA256", c.SignatureAlgorithm)
			}
			if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 128 {
				t.Errorf("serial %x is not a positive 128-bit number", c.SerialNumber)
			}
			if len(c.SubjectKeyId) == 0 {
				t.Error("no SubjectKeyId")
			}
			if len(c.PermittedDNSDomains)+len(c.ExcludedDNSDomains) != 0 {
				t.Error("has name constraints")
			}
		})
	}

	if err := root.CheckSignatureFrom(root); err != nil {
		t.Errorf("root is not self-signed: %v", err)
	}
	if err := inter.CheckSignatureFrom(root); err != nil {
		t.Errorf("intermediate is not signed by root: %v", err)
	}
	if inter.MaxPathLen != 0 || !inter.MaxPathLenZero {
		t.Errorf("intermediate path length = %d (zero %v), want 0", inter.MaxPathLen, inter.MaxPathLenZero)
	}
	if !bytes.Equal(inter.AuthorityKeyId, root.SubjectKeyId) {
		t.Error("intermediate AuthorityKeyId is not the root's SubjectKeyId")
	}
	if chain := ca.Chain(); len(chain) != 2 || chain[0] != inter || chain[1] != root {
		t.Error("Chain() is not [intermediate, root]")
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		now     time.Time
		caName  string
		wantErr string
	}{
		{"error/empty name", caCreated, " ", "CA name is empty"},
		{"error/zero time", time.Time{}, "X", "CA creation time is zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := localca.New(tt.now, tt.caName)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, localca.ErrInvalidRequest) {
				t.Fatalf("New error = %v, want ErrInvalidRequest containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestMarshalLoadRoundTrip(t *testing.T) {
	ca := newCA(t)
	certsPEM, keysPEM, err := ca.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	loaded, err := localca.Load(certsPEM, keysPEM)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	want, got := ca.Chain(), loaded.Chain()
	if len(got) != len(want) {
		t.Fatalf("loaded chain has %d certificates, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("loaded chain[%d] = %q differs from original %q", i, got[i].Subject, want[i].Subject)
		}
	}
	certs2, keys2, err := loaded.Marshal()
	if err != nil {
		t.Fatalf("Marshal loaded: %v", err)
	}
	if !bytes.Equal(certs2, certsPEM) || !bytes.Equal(keys2, keysPEM) {
		t.Error("Marshal after Load differs from the original Marshal")
	}

	// Both issue certificates that chain to the same root through the same intermediate.
	req := localca.IssueRequest{
		Names:      []string{"www.example.com"},
		NotBefore:  utc(2026, time.June, 1, 0, 0, 0),
		NotAfter:   utc(2026, time.July, 1, 0, 0, 0),
		Validation: localca.ValidationDV,
	}
	req.CSR = newCSR(t, ecKey(), "www.example.com")
	fromOrig, err := ca.Issue(req)
	if err != nil {
		t.Fatalf("Issue original: %v", err)
	}
	fromLoaded, err := loaded.Issue(req)
	if err != nil {
		t.Fatalf("Issue loaded: %v", err)
	}
	verify(t, ca, fromLoaded, "www.example.com")
	verify(t, loaded, fromOrig, "www.example.com")
	if !bytes.Equal(fromOrig.RawIssuer, fromLoaded.RawIssuer) || !bytes.Equal(fromOrig.AuthorityKeyId, fromLoaded.AuthorityKeyId) {
		t.Error("certificates from the original and the loaded CA have different issuers")
	}
}

func TestLoadErrors(t *testing.T) {
	ca := newCA(t)
	certsPEM, keysPEM, err := ca.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	otherCerts, otherKeys, err := newCA(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	blocks := func(data []byte) [][]byte {
		var out [][]byte
		for {
			var b *pem.Block
			if b, data = pem.Decode(data); b == nil {
				return out
			}
			out = append(out, pem.EncodeToMemory(b))
		}
	}
	certBlocks, keyBlocks := blocks(certsPEM), blocks(keysPEM)
	otherCertBlocks, otherKeyBlocks := blocks(otherCerts), blocks(otherKeys)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	rsaKeyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(rsaKey().(*rsa.PrivateKey)))})
	// The intermediate's key as a SEC 1 "EC PRIVATE KEY" block.
	interKey := must(x509.ParsePKCS8PrivateKey(pemBytes(pem.Decode(keyBlocks[0]))))
	sec1PEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: must(x509.MarshalECPrivateKey(interKey.(*ecdsa.PrivateKey)))})

	tests := []struct {
		name    string
		certs   []byte
		keys    []byte
		wantErr string
	}{
		{"ok/keys in reverse order", certsPEM, cat(keyBlocks[1], keyBlocks[0]), ""},
		{"ok/SEC 1 intermediate key", certsPEM, cat(sec1PEM, keyBlocks[1]), ""},
		{"ok/certificates in reverse order", cat(certBlocks[1], certBlocks[0]), keysPEM, ""},
		{"error/empty", nil, nil, "holds 0 certificates"},
		{"error/one certificate", certBlocks[0], keysPEM, "holds 1 certificates"},
		{"error/three certificates", cat(certsPEM, otherCertBlocks[0]), keysPEM, "holds 3 certificates"},
		{"error/one key", certsPEM, keyBlocks[0], "holds 1 private keys"},
		{"error/not PEM", []byte("garbage"), keysPEM, "trailing data"},
		{"error/wrong block type", cat(certBlocks[0], keyBlocks[0]), keysPEM, `"PRIVATE KEY" block`},
		{"error/no root", cat(certBlocks[0], otherCertBlocks[0]), keysPEM, "no self-signed root"},
		{"error/intermediate of another root", cat(otherCertBlocks[0], certBlocks[1]), keysPEM, "not signed by root"},
		{"error/two roots", cat(certBlocks[1], otherCertBlocks[1]), keysPEM, "two self-signed certificates"},
		{"error/keys of another CA", certsPEM, otherKeys, "matches the root"},
		{"error/intermediate key missing", certsPEM, cat(keyBlocks[1], otherKeyBlocks[0]), "matches the intermediate"},
		{"error/RSA key", certsPEM, cat(keyBlocks[0], rsaKeyPEM), "want ECDSA"},
		{"error/corrupt certificate", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}}), keysPEM, "parse certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := localca.Load(tt.certs, tt.keys)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if !got.Root().Equal(ca.Root()) || !got.Intermediate().Equal(ca.Intermediate()) {
					t.Fatal("loaded CA has other certificates")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error = %v, want one containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, localca.ErrInvalidRequest) {
				t.Errorf("Load error %v does not wrap ErrInvalidRequest", err)
			}
		})
	}
}

// pemBytes returns the bytes of a PEM block.
func pemBytes(b *pem.Block, _ []byte) []byte { return b.Bytes }
