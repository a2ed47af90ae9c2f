package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
)

// FuzzParseCSR checks that ParseCSR never panics and that whatever it
// accepts has a valid signature and normalised, distinct names.
func FuzzParseCSR(f *testing.F) {
	der, err := CreateCSR(testKey(f, ECDSAP256), Subject{CommonName: "example.com", Country: "RU", Email: "a@example.com", DNSNames: []string{"*.example.com", "пример.рф"}})
	if err != nil {
		f.Fatal(err)
	}
	p := string(EncodeCSRPEM(der))
	f.Add(der)
	f.Add([]byte(p))
	f.Add([]byte(strings.ReplaceAll(p, "\n", "\r\n")))
	f.Add([]byte(strings.ReplaceAll(p, "\n", " ")))
	f.Add([]byte(strings.ReplaceAll(p, "+", " ")))
	f.Add([]byte(openSSLECCSR))
	f.Add([]byte(openSSLRSA512CSR))
	f.Add(rawCSR(f, testKey(f, ECDSAP256), &x509.CertificateRequest{Subject: pkix.Name{CommonName: "My Company"}}))
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----"))
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCSR(data)
		if err != nil {
			if c != nil {
				t.Fatal("a CSR returned with an error")
			}
			return
		}
		if len(c.Names) == 0 || c.CommonName != c.Names[0] || c.Subject.CommonName != c.CommonName {
			t.Fatalf("names %q, common name %q", c.Names, c.CommonName)
		}
		req, err := x509.ParseCertificateRequest(c.Raw)
		if err != nil {
			t.Fatalf("Raw does not parse: %v", err)
		}
		if err := req.CheckSignature(); err != nil {
			t.Fatalf("accepted a CSR whose signature does not verify: %v", err)
		}
		seen := map[string]bool{}
		for _, n := range c.Names {
			if m, err := NormalizeDomain(n); err != nil || m != n {
				t.Fatalf("name %q is not normalised (%q, %v)", n, m, err)
			}
			if seen[n] {
				t.Fatalf("name %q twice", n)
			}
			seen[n] = true
		}
		_ = CheckKeyStrength(c.PublicKey)
		_ = c.Check(NamePolicy{MaxNames: 2})
	})
}

// FuzzNormalizeDomain checks that NormalizeDomain never panics and that its
// output is short, plain ASCII and normalises to itself.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"example.com", "*.Example.COM.", "пример.рф", "xn--e1afmkfd.xn--p1ai", "例子。中国", "straße.de",
		"exa mple.com", "a_b.com", "1.2.3.4", "[::1]", "co.uk", "*.co.uk", "a..b", "xn--.com", "\u200d.com", strings.Repeat("a.", 130)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizeDomain(in)
		if err != nil {
			if out != "" {
				t.Fatalf("output %q with an error", out)
			}
			return
		}
		if len(out) > maxNameLen || out == "" {
			t.Fatalf("%q: output of %d characters", out, len(out))
		}
		for i := 0; i < len(out); i++ {
			c := out[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '.' && !(c == '*' && i == 0) {
				t.Fatalf("%q: character %q in the output", out, c)
			}
		}
		again, err := NormalizeDomain(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q → %q → %q, %v", in, out, again, err)
		}
		_ = DisplayDomain(out)
		_ = NamePolicy{}.Check([]string{out})
	})
}

// FuzzParseCertificates checks that ParseCertificates never panics and
// returns either certificates or an error.
func FuzzParseCertificates(f *testing.F) {
	key := testKey(f, ECDSAP256)
	leaf, inter, root := testChain(f, key)
	chain := EncodePEMCertificates(leaf, inter, root)
	f.Add(leaf.Raw)
	f.Add(chain)
	f.Add([]byte(strings.ReplaceAll(string(chain), "\n", "\r\n")))
	f.Add([]byte("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n"))
	f.Add([]byte("not a certificate"))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := ParseCertificates(data)
		if err != nil {
			if certs != nil {
				t.Fatal("certificates returned with an error")
			}
			return
		}
		if len(certs) == 0 {
			t.Fatal("no certificates and no error")
		}
		for _, c := range certs {
			if c == nil {
				t.Fatal("a nil certificate")
			}
			_ = MatchesKey(c, key.Public())
		}
		_, _, _ = SplitChain(certs, key.Public())
	})
}
