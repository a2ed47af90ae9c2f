package localca_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
)

var (
	oidDV = must(x509.ParseOID("2.23.140.1.2.1"))
	oidOV = must(x509.ParseOID("2.23.140.1.2.2"))
	oidEV = must(x509.ParseOID("2.23.140.1.1"))
)

// orgSubject is the organization from an OV/EV order. Its CommonName and
// OrganizationalUnit must not reach the certificate.
var orgSubject = pkix.Name{
	CommonName:         "ignored.example",
	Organization:       []string{"Example LLC"},
	OrganizationalUnit: []string{"IT"},
	Country:            []string{"RU"},
	Province:           []string{"Moscow"},
	Locality:           []string{"Moscow"},
}

func TestIssue(t *testing.T) {
	ca := newCA(t)
	june := utc(2026, time.June, 1, 0, 0, 0)
	longName := strings.Repeat("a", 60) + ".example.com" // 72 characters, over the CN limit

	// caKeyCSR is a CSR for the intermediate's own key.
	_, keysPEM, err := ca.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(keysPEM)
	interKey := must(x509.ParsePKCS8PrivateKey(block.Bytes)).(crypto.Signer)
	_, edKey := must2(ed25519.GenerateKey(rand.Reader))
	rsa1024 := must(rsa.GenerateKey(rand.Reader, 1024))
	p224 := must(ecdsa.GenerateKey(elliptic.P224(), rand.Reader))

	badSig := newCSR(t, ecKey(), "www.example.com")
	badSig.Signature = slices.Clone(badSig.Signature)
	badSig.Signature[len(badSig.Signature)-1] ^= 0xff

	dv := func(names ...string) localca.IssueRequest {
		return localca.IssueRequest{
			CSR:        newCSR(t, ecKey(), names...),
			Names:      names,
			NotBefore:  june,
			NotAfter:   june.AddDate(0, 3, 0),
			Validation: localca.ValidationDV,
			Subject:    orgSubject, // ignored for DV
		}
	}
	with := func(r localca.IssueRequest, f func(*localca.IssueRequest)) localca.IssueRequest {
		f(&r)
		return r
	}

	tests := []struct {
		name    string
		req     localca.IssueRequest
		verify  []string // DNS names the certificate must verify for
		wantErr string
		check   func(t *testing.T, c *x509.Certificate)
	}{
		{
			name:   "ok/dv ECDSA with wildcard and IDN",
			req:    dv("example.com", "*.example.com", "xn--e1afmkfd.xn--p1ai"),
			verify: []string{"example.com", "www.example.com", "mail.example.com", "xn--e1afmkfd.xn--p1ai"},
			check: func(t *testing.T, c *x509.Certificate) {
				wantSubject(t, c, pkix.Name{CommonName: "example.com"})
				wantPolicy(t, c, oidDV)
				wantKeyUsage(t, c, x509.KeyUsageDigitalSignature)
				if want := []string{"example.com", "*.example.com", "xn--e1afmkfd.xn--p1ai"}; !slices.Equal(c.DNSNames, want) {
					t.Errorf("DNSNames = %q, want %q", c.DNSNames, want)
				}
				if !c.NotBefore.Equal(june) || !c.NotAfter.Equal(june.AddDate(0, 3, 0)) {
					t.Errorf("validity = %s..%s, want the requested one", c.NotBefore, c.NotAfter)
				}
			},
		},
		{
			name:   "ok/dv wildcard first becomes CN",
			req:    dv("*.example.org"),
			verify: []string{"a.example.org"},
			check: func(t *testing.T, c *x509.Certificate) {
				wantSubject(t, c, pkix.Name{CommonName: "*.example.org"})
			},
		},
		{
			name: "ok/dv RSA-2048",
			req: with(dv("rsa.example.com"), func(r *localca.IssueRequest) {
				r.CSR = newCSR(t, rsaKey(), "rsa.example.com")
			}),
			verify: []string{"rsa.example.com"},
			check: func(t *testing.T, c *x509.Certificate) {
				if _, ok := c.PublicKey.(*rsa.PublicKey); !ok {
					t.Errorf("public key is %T, want RSA", c.PublicKey)
				}
				wantKeyUsage(t, c, x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment)
			},
		},
		{
			name: "ok/ov subject from the order",
			req: with(dv("shop.example.com", "example.com"), func(r *localca.IssueRequest) {
				r.Validation = localca.ValidationOV
			}),
			verify: []string{"shop.example.com", "example.com"},
			check: func(t *testing.T, c *x509.Certificate) {
				wantSubject(t, c, pkix.Name{
					CommonName: "shop.example.com", Organization: []string{"Example LLC"},
					Country: []string{"RU"}, Province: []string{"Moscow"}, Locality: []string{"Moscow"},
				})
				wantPolicy(t, c, oidOV)
			},
		},
		{
			name: "ok/ev RSA",
			req: with(dv("bank.example.com"), func(r *localca.IssueRequest) {
				r.Validation = localca.ValidationEV
				r.CSR = newCSR(t, rsaKey(), "bank.example.com")
			}),
			verify: []string{"bank.example.com"},
			check: func(t *testing.T, c *x509.Certificate) {
				wantSubject(t, c, pkix.Name{
					CommonName: "bank.example.com", Organization: []string{"Example LLC"},
					Country: []string{"RU"}, Province: []string{"Moscow"}, Locality: []string{"Moscow"},
				})
				wantPolicy(t, c, oidEV)
				wantKeyUsage(t, c, x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment)
			},
		},
		{
			name: "ok/two years requested on 2026-06-01 capped to 200 days",
			req: with(dv("www.example.com"), func(r *localca.IssueRequest) {
				r.NotAfter = june.AddDate(2, 0, 0)
			}),
			verify: []string{"www.example.com"},
			check: func(t *testing.T, c *x509.Certificate) {
				if want := june.Add(200 * day); !c.NotAfter.Equal(want) {
					t.Errorf("NotAfter = %s, want %s (200 days)", c.NotAfter, want)
				}
			},
		},
		{
			name: "ok/2 years requested on 2026-03-14 capped to 398 days",
			req: with(dv("www.example.com"), func(r *localca.IssueRequest) {
				r.NotBefore = utc(2026, time.March, 14, 23, 59, 59)
				r.NotAfter = r.NotBefore.AddDate(2, 0, 0)
			}),
			check: func(t *testing.T, c *x509.Certificate) {
				if want := utc(2026, time.March, 14, 23, 59, 59).Add(398 * day); !c.NotAfter.Equal(want) {
					t.Errorf("NotAfter = %s, want %s (398 days)", c.NotAfter, want)
				}
			},
		},
		{
			name: "ok/1 year requested on 2029-03-15 capped to 47 days",
			req: with(dv("www.example.com"), func(r *localca.IssueRequest) {
				r.NotBefore = utc(2029, time.March, 15, 0, 0, 0)
				r.NotAfter = r.NotBefore.AddDate(1, 0, 0)
			}),
			check: func(t *testing.T, c *x509.Certificate) {
				if want := utc(2029, time.March, 15, 0, 0, 0).Add(47 * day); !c.NotAfter.Equal(want) {
					t.Errorf("NotAfter = %s, want %s (47 days)", c.NotAfter, want)
				}
			},
		},
		{
			name: "ok/sub-second times truncated",
			req: with(dv("www.example.com"), func(r *localca.IssueRequest) {
				r.NotBefore = june.Add(500 * time.Millisecond)
				r.NotAfter = june.Add(10*day + 700*time.Millisecond)
			}),
			check: func(t *testing.T, c *x509.Certificate) {
				if !c.NotBefore.Equal(june) || !c.NotAfter.Equal(june.Add(10*day)) {
					t.Errorf("validity = %s..%s, want %s..%s", c.NotBefore, c.NotAfter, june, june.Add(10*day))
				}
			},
		},
		{
			name:   "ok/name over 64 characters has no CN",
			req:    dv(longName, "example.com"),
			verify: []string{longName},
			check: func(t *testing.T, c *x509.Certificate) {
				wantSubject(t, c, pkix.Name{})
			},
		},
		{name: "error/no CSR", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.CSR = nil }), wantErr: "CSR is missing"},
		{name: "error/bad CSR signature", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.CSR = badSig }), wantErr: "CSR signature is invalid"},
		{name: "error/no names", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.Names = nil }), wantErr: "no DNS names"},
		{name: "error/empty name", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.Names = []string{"a.example", ""} }), wantErr: "DNS name 1 is empty"},
		{name: "error/notAfter equals notBefore", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.NotAfter = r.NotBefore }), wantErr: "is not after notBefore"},
		{name: "error/notAfter within the same second", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.NotAfter = r.NotBefore.Add(time.Millisecond) }), wantErr: "is not after notBefore"},
		{name: "error/notAfter before notBefore", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.NotAfter = r.NotBefore.Add(-day) }), wantErr: "is not after notBefore"},
		{name: "error/no notBefore", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.NotBefore = time.Time{} }), wantErr: "notBefore is missing"},
		{
			name: "error/outlives the intermediate",
			req: with(dv("a.example"), func(r *localca.IssueRequest) {
				r.NotBefore = ca.Intermediate().NotAfter.Add(-10 * day)
				r.NotAfter = r.NotBefore.Add(30 * day)
			}),
			wantErr: "after the intermediate CA expires",
		},
		{name: "error/unknown validation", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.Validation = "DV" }), wantErr: `unknown validation level "DV"`},
		{name: "error/empty validation", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.Validation = "" }), wantErr: `unknown validation level ""`},
		{
			name: "error/ov without organization",
			req: with(dv("a.example"), func(r *localca.IssueRequest) {
				r.Validation = localca.ValidationOV
				r.Subject = pkix.Name{Country: []string{"RU"}}
			}),
			wantErr: "ov certificate needs the subject organization",
		},
		{
			name: "error/ev without country",
			req: with(dv("a.example"), func(r *localca.IssueRequest) {
				r.Validation = localca.ValidationEV
				r.Subject = pkix.Name{Organization: []string{"Example LLC"}}
			}),
			wantErr: "ev certificate needs the subject country",
		},
		{
			name: "error/ov bad country",
			req: with(dv("a.example"), func(r *localca.IssueRequest) {
				r.Validation = localca.ValidationOV
				r.Subject = pkix.Name{Organization: []string{"Example LLC"}, Country: []string{"Russia"}}
			}),
			wantErr: `subject country "Russia"`,
		},
		{name: "error/RSA-1024 key", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.CSR = newCSR(t, rsa1024, "a.example") }), wantErr: "RSA key of 1024 bits is too weak"},
		{name: "error/P-224 key", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.CSR = newCSR(t, p224, "a.example") }), wantErr: "curve P-224"},
		{name: "error/Ed25519 key", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.CSR = newCSR(t, edKey, "a.example") }), wantErr: "Ed25519 keys are not accepted"},
		{name: "error/CA's own key", req: with(dv("a.example"), func(r *localca.IssueRequest) { r.CSR = newCSR(t, interKey, "a.example") }), wantErr: "CA's own key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ca.Issue(tt.req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Issue error = %v, want one containing %q", err, tt.wantErr)
				}
				if !errors.Is(err, localca.ErrInvalidRequest) {
					t.Errorf("Issue error %v does not wrap ErrInvalidRequest", err)
				}
				if c != nil {
					t.Error("Issue returned a certificate with the error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			wantCommon(t, ca, c)
			for _, name := range tt.verify {
				verify(t, ca, c, name)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// wantCommon checks what every issued certificate has.
func wantCommon(t *testing.T, ca *localca.CA, c *x509.Certificate) {
	t.Helper()
	if err := c.CheckSignatureFrom(ca.Intermediate()); err != nil {
		t.Errorf("not signed by the intermediate: %v", err)
	}
	if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 128 {
		t.Errorf("serial %x is not a positive 128-bit number", c.SerialNumber)
	}
	if c.SerialNumber.BitLen() < 64 {
		t.Errorf("serial %x has under 64 bits; a 1 in 2^64 chance, so likely not random", c.SerialNumber)
	}
	if !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("ExtKeyUsage = %v, want server authentication only", c.ExtKeyUsage)
	}
	if len(c.SubjectKeyId) != 20 {
		t.Errorf("SubjectKeyId has %d bytes, want 20", len(c.SubjectKeyId))
	}
	if !bytes.Equal(c.AuthorityKeyId, ca.Intermediate().SubjectKeyId) {
		t.Error("AuthorityKeyId is not the intermediate's SubjectKeyId")
	}
	if c.IsCA {
		t.Error("issued certificate is a CA")
	}
	if !bytes.Equal(c.RawIssuer, ca.Intermediate().RawSubject) {
		t.Error("issuer is not the intermediate's subject")
	}
}

func wantSubject(t *testing.T, c *x509.Certificate, want pkix.Name) {
	t.Helper()
	var wantRDN pkix.RDNSequence = want.ToRDNSequence()
	if got := c.Subject.ToRDNSequence(); got.String() != wantRDN.String() {
		t.Errorf("subject = %q, want %q", got, wantRDN)
	}
}

func wantPolicy(t *testing.T, c *x509.Certificate, oid x509.OID) {
	t.Helper()
	if len(c.Policies) != 1 || !c.Policies[0].Equal(oid) {
		t.Errorf("Policies = %v, want [%v]", c.Policies, oid)
	}
}

func wantKeyUsage(t *testing.T, c *x509.Certificate, want x509.KeyUsage) {
	t.Helper()
	if c.KeyUsage != want {
		t.Errorf("KeyUsage = %b, want %b", c.KeyUsage, want)
	}
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestIssueConcurrent(t *testing.T) {
	ca := newCA(t)
	req := localca.IssueRequest{
		CSR:        newCSR(t, ecKey(), "www.example.com"),
		Names:      []string{"www.example.com"},
		NotBefore:  utc(2026, time.June, 1, 0, 0, 0),
		NotAfter:   utc(2026, time.September, 1, 0, 0, 0),
		Validation: localca.ValidationDV,
	}
	const n = 100
	certs := make([]*x509.Certificate, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			certs[i], errs[i] = ca.Issue(req)
			if i%10 == 0 { // revocations and CRLs run alongside issuance
				if errs[i] == nil {
					errs[i] = ca.Revoke(certs[i].SerialNumber, req.NotBefore, localca.ReasonSuperseded)
				}
				if errs[i] == nil {
					_, errs[i] = ca.CRL(req.NotBefore.Add(time.Hour))
				}
			}
		})
	}
	wg.Wait()

	serials := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		serials[certs[i].SerialNumber.String()] = true
	}
	if len(serials) != n {
		t.Errorf("%d parallel Issue calls gave %d distinct serials, want %d", n, len(serials), n)
	}
	if got := len(ca.Revoked()); got != n/10 {
		t.Errorf("Revoked() has %d entries, want %d", got, n/10)
	}
}

func BenchmarkIssue(b *testing.B) {
	ca := newCA(b)
	req := localca.IssueRequest{
		CSR:        newCSR(b, ecKey(), "www.example.com"),
		Names:      []string{"www.example.com", "*.example.com"},
		NotBefore:  utc(2026, time.June, 1, 0, 0, 0),
		NotAfter:   utc(2027, time.June, 1, 0, 0, 0),
		Validation: localca.ValidationOV,
		Subject:    orgSubject,
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ca.Issue(req); err != nil {
			b.Fatal(err)
		}
	}
}
