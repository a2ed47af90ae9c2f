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
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/certsvc/certsvc/internal/errkind"
)

func fullSubject() Subject {
	return Subject{
		CommonName:         "Example.com",
		Country:            "ru",
		State:              "Moscow",
		Locality:           "Москва",
		Organization:       "ООО \"Пример\"",
		OrganizationalUnit: "IT",
		Email:              "admin@example.com",
		DNSNames:           []string{"www.example.com", "EXAMPLE.com", "mail.example.com", "www.example.com"},
	}
}

func TestCSRRoundTrip(t *testing.T) {
	for _, kt := range KeyTypes() {
		t.Run("ok/"+kt.String(), func(t *testing.T) {
			key := testKey(t, kt)
			der, err := CreateCSR(key, fullSubject())
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range map[string][]byte{"pem": EncodeCSRPEM(der), "der": der} {
				c, err := ParseCSR(in)
				if err != nil {
					t.Fatal(err)
				}
				wantSubject := Subject{
					CommonName:         "example.com",
					Country:            "RU",
					State:              "Moscow",
					Locality:           "Москва",
					Organization:       "ООО \"Пример\"",
					OrganizationalUnit: "IT",
					Email:              "admin@example.com",
					DNSNames:           []string{"www.example.com", "mail.example.com"},
				}
				if diff := cmp.Diff(wantSubject, c.Subject); diff != "" {
					t.Errorf("Subject (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{"example.com", "www.example.com", "mail.example.com"}, c.Names); diff != "" {
					t.Errorf("Names (-want +got):\n%s", diff)
				}
				wantType, wantBits := map[KeyType]string{RSA2048: "RSA", RSA3072: "RSA", RSA4096: "RSA", ECDSAP256: "ECDSA", ECDSAP384: "ECDSA"}[kt],
					map[KeyType]int{RSA2048: 2048, RSA3072: 3072, RSA4096: 4096, ECDSAP256: 256, ECDSAP384: 384}[kt]
				if c.CommonName != "example.com" || c.KeyType != wantType || c.KeyBits != wantBits {
					t.Errorf("CommonName, KeyType, KeyBits = %q, %q, %d; want example.com, %q, %d", c.CommonName, c.KeyType, c.KeyBits, wantType, wantBits)
				}
				if !bytes.Equal(c.Raw, der) {
					t.Error("Raw differs from the DER created")
				}
				if !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(c.PublicKey) {
					t.Error("PublicKey differs from the key's")
				}
				if err := c.Check(NamePolicy{MaxNames: 3}); err != nil {
					t.Errorf("Check: %v", err)
				}
			}
			req, err := x509.ParseCertificateRequest(der)
			if err != nil {
				t.Fatal(err)
			}
			wantAlg := map[KeyType]x509.SignatureAlgorithm{RSA2048: x509.SHA256WithRSA, RSA3072: x509.SHA256WithRSA, RSA4096: x509.SHA256WithRSA,
				ECDSAP256: x509.ECDSAWithSHA256, ECDSAP384: x509.ECDSAWithSHA384}[kt]
			if req.SignatureAlgorithm != wantAlg {
				t.Errorf("signature algorithm %v, want %v", req.SignatureAlgorithm, wantAlg)
			}
		})
	}
}

func TestCreateCSR(t *testing.T) {
	key := testKey(t, ECDSAP256)
	tests := []struct {
		name    string
		subject Subject
		names   []string
		email   string
		err     string
		is      error
	}{
		{name: "ok/idn", subject: Subject{CommonName: "пример.рф", DNSNames: []string{"www.пример.рф"}},
			names: []string{"xn--e1afmkfd.xn--p1ai", "www.xn--e1afmkfd.xn--p1ai"}},
		{name: "ok/wildcard", subject: Subject{CommonName: "*.example.com", DNSNames: []string{"example.com"}},
			names: []string{"*.example.com", "example.com"}},
		{name: "ok/only a common name", subject: Subject{CommonName: "example.com"}, names: []string{"example.com"}},
		{name: "ok/idn e-mail domain", subject: Subject{CommonName: "example.com", Email: "Admin@Пример.рф"},
			names: []string{"example.com"}, email: "Admin@xn--e1afmkfd.xn--p1ai"},
		{name: "error/no common name", subject: Subject{DNSNames: []string{"example.com"}}, err: "the common name (the main domain) is required", is: ErrInvalidSubject},
		{name: "error/bad common name", subject: Subject{CommonName: "exa mple.com"}, err: `common name: "exa mple.com": not a valid domain name`, is: ErrInvalidDomain},
		{name: "error/bad extra name", subject: Subject{CommonName: "example.com", DNSNames: []string{"a_b.example.com"}}, err: "underscores are not allowed", is: ErrInvalidDomain},
		{name: "error/ip", subject: Subject{CommonName: "example.com", DNSNames: []string{"192.0.2.1"}}, err: "IP addresses are not supported", is: ErrInvalidDomain},
		{name: "error/common name over 64", subject: Subject{CommonName: strings.Repeat("a", 61) + ".com"}, err: "longer than 64 characters", is: ErrInvalidSubject},
		{name: "error/country name", subject: Subject{CommonName: "example.com", Country: "Russia"}, err: `country "Russia" is not an ISO 3166 two-letter code`, is: ErrInvalidSubject},
		{name: "error/country digits", subject: Subject{CommonName: "example.com", Country: "182"}, err: "two-letter code", is: ErrInvalidSubject},
		{name: "error/organization too long", subject: Subject{CommonName: "example.com", Organization: strings.Repeat("я", 65)}, err: "organization is longer than 64 characters", is: ErrInvalidSubject},
		{name: "error/locality control character", subject: Subject{CommonName: "example.com", Locality: "Mos\ncow"}, err: "locality contains control characters", is: ErrInvalidSubject},
		{name: "error/state not utf-8", subject: Subject{CommonName: "example.com", State: "\xff"}, err: "state is not valid UTF-8", is: ErrInvalidSubject},
		{name: "error/e-mail with name", subject: Subject{CommonName: "example.com", Email: "Admin <admin@example.com>"}, err: "is not a plain e-mail address", is: ErrInvalidSubject},
		{name: "error/e-mail without domain", subject: Subject{CommonName: "example.com", Email: "admin"}, err: "is not a plain e-mail address", is: ErrInvalidSubject},
		{name: "error/e-mail non-ascii local part", subject: Subject{CommonName: "example.com", Email: "админ@example.com"}, err: "non-ASCII characters before the @", is: ErrInvalidSubject},
		{name: "error/e-mail bad domain", subject: Subject{CommonName: "example.com", Email: "admin@localhost"}, err: "has an invalid domain", is: ErrInvalidSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der, err := CreateCSR(key, tt.subject)
			if wantErr(t, err, tt.err) {
				if !errors.Is(err, tt.is) || !errors.Is(err, errkind.InvalidArgument) {
					t.Errorf("error %v is not %v / InvalidArgument", err, tt.is)
				}
				return
			}
			c, err := ParseCSR(der)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.names, c.Names); diff != "" {
				t.Errorf("Names (-want +got):\n%s", diff)
			}
			if c.Subject.Email != tt.email {
				t.Errorf("Email = %q, want %q", c.Subject.Email, tt.email)
			}
			req, _ := x509.ParseCertificateRequest(der)
			if diff := cmp.Diff(tt.names, req.DNSNames); diff != "" {
				t.Errorf("SAN list (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("error/nil key", func(t *testing.T) {
		if _, err := CreateCSR(nil, Subject{CommonName: "example.com"}); err == nil {
			t.Error("no error")
		}
	})
	t.Run("ok/email is an IA5String", func(t *testing.T) {
		der, err := CreateCSR(key, Subject{CommonName: "example.com", Email: "admin@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		// 06 09 <oid 1.2.840.113549.1.9.1> 16 (IA5String) 11 (17 bytes)
		want := append([]byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01, 0x16, 17}, "admin@example.com"...)
		if !bytes.Contains(der, want) {
			t.Error("the emailAddress attribute is not an IA5String")
		}
	})
}

// rawCSR builds a CSR with the standard library, bypassing CreateCSR's checks.
func rawCSR(t testing.TB, key crypto.Signer, tmpl *x509.CertificateRequest) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// csrWithPlus returns the PEM of a CSR whose base64 has a "+".
func csrWithPlus(t testing.TB) []byte {
	t.Helper()
	for range 100 {
		der := rawCSR(t, testKey(t, RSA2048), &x509.CertificateRequest{
			Subject: pkix.Name{CommonName: "example.com"}, DNSNames: []string{"example.com"},
			ExtraExtensions: []pkix.Extension{{Id: []int{1, 2, 3, 4}, Value: randomBytes(t, 16)}},
		})
		if p := EncodeCSRPEM(der); bytes.Contains(p, []byte("+")) {
			return p
		}
	}
	t.Fatal("no CSR with a + in its base64")
	return nil
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// Made by OpenSSL 3.0: openssl req -new -newkey rsa:512 -nodes -subj /CN=example.com
const openSSLRSA512CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIHPMHsCAQAwFjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wXDANBgkqhkiG9w0BAQEF
AANLADBIAkEAvATGVCQGyVviYCbTN4b6Wuv8JvopBjS9GorIZuDmAHbYms8fm2xJ
ez27NmvnSwSrDQCFd27Hw/7CcnmQ0yQ/fQIDAQABoAAwDQYJKoZIhvcNAQELBQAD
QQAJyo98EScuTy7b70Am1ikutxc0JKh0ef3S2RZIDWMWp9Md2iR6G1DL7RMLUsNQ
H93LvgqAImhCHg7SmRPFia6i
-----END CERTIFICATE REQUEST-----
`

// Made by OpenSSL 3.0: openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
// -subj "/C=RU/ST=Moscow/L=Moscow/O=Example LLC/CN=Example.com/emailAddress=admin@example.com"
// -addext "subjectAltName=DNS:www.example.com,DNS:example.com"
const openSSLECCSR = `-----BEGIN CERTIFICATE REQUEST-----
MIIBcjCCARkCAQAwfTELMAkGA1UEBhMCUlUxDzANBgNVBAgMBk1vc2NvdzEPMA0G
A1UEBwwGTW9zY293MRQwEgYDVQQKDAtFeGFtcGxlIExMQzEUMBIGA1UEAwwLRXhh
bXBsZS5jb20xIDAeBgkqhkiG9w0BCQEWEWFkbWluQGV4YW1wbGUuY29tMFkwEwYH
KoZIzj0CAQYIKoZIzj0DAQcDQgAEgMeu+H0FrVnRjAz283HMm/cjKifgn+E/u+H8
YtLGUQnMjKWJaTCUJ7A2wsWboBhhgHLcns30RyM3kvsMfKHTsKA6MDgGCSqGSIb3
DQEJDjErMCkwJwYDVR0RBCAwHoIPd3d3LmV4YW1wbGUuY29tggtleGFtcGxlLmNv
bTAKBggqhkjOPQQDAgNHADBEAiBrx9QBKl19mEORKbr3mFr4TAuF9CLTdp9llwL7
FuseHAIgAUuEWfWhAjmJfRtx13BXd1JxoI2Rz0FZy/IL0WWSIXc=
-----END CERTIFICATE REQUEST-----
`

func TestParseCSROpenSSL(t *testing.T) {
	c, err := ParseCSR([]byte(openSSLECCSR))
	if err != nil {
		t.Fatal(err)
	}
	want := Subject{
		CommonName: "example.com", Country: "RU", State: "Moscow", Locality: "Moscow",
		Organization: "Example LLC", Email: "admin@example.com", DNSNames: []string{"www.example.com"},
	}
	if diff := cmp.Diff(want, c.Subject); diff != "" {
		t.Errorf("Subject (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"example.com", "www.example.com"}, c.Names); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	if c.KeyType != "ECDSA" || c.KeyBits != 256 {
		t.Errorf("KeyType, KeyBits = %q, %d", c.KeyType, c.KeyBits)
	}
	if err := c.Check(NamePolicy{MaxNames: 2}); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestParseCSRTolerance(t *testing.T) {
	der, err := CreateCSR(testKey(t, ECDSAP256), Subject{CommonName: "example.com", DNSNames: []string{"www.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	p := string(EncodeCSRPEM(der))
	b64 := base64.StdEncoding.EncodeToString(der)
	lines := strings.Split(strings.TrimSpace(p), "\n")
	tests := []struct {
		name string
		in   string
	}{
		{name: "ok/pem", in: p},
		{name: "ok/crlf", in: strings.ReplaceAll(p, "\n", "\r\n")},
		{name: "ok/cr only", in: strings.ReplaceAll(p, "\n", "\r")},
		{name: "ok/no final newline", in: strings.TrimSuffix(p, "\n")},
		{name: "ok/leading and trailing blanks", in: "\n\n   \t" + p + "   \n\n"},
		{name: "ok/indented lines", in: "  " + strings.Join(lines, "\n  ") + "  "},
		{name: "ok/line breaks turned into spaces", in: strings.Join(lines, " ")},
		{name: "ok/line breaks removed", in: strings.Join(lines, "")},
		{name: "ok/blank lines inside", in: strings.Join(lines, "\n\n")},
		{name: "ok/new certificate request", in: strings.ReplaceAll(p, "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")},
		{name: "ok/text around", in: "Here is my CSR:\n" + p + "\nThanks!"},
		{name: "ok/after a private key", in: "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n" + p},
		{name: "ok/missing padding", in: strings.ReplaceAll(p, "=", "")},
		{name: "ok/bare base64", in: b64},
		{name: "ok/bare base64 wrapped with crlf", in: b64[:64] + "\r\n" + b64[64:] + "\r\n"},
		{name: "ok/der", in: string(der)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCSR([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"example.com", "www.example.com"}, c.Names); diff != "" {
				t.Errorf("Names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCSRErrors(t *testing.T) {
	ec := testKey(t, ECDSAP256)
	good, err := CreateCSR(ec, Subject{CommonName: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	badSig := bytes.Clone(good)
	badSig[len(badSig)-5] ^= 0xff // inside the signature BIT STRING
	rsaGood, err := CreateCSR(testKey(t, RSA2048), Subject{CommonName: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	rsaBadSig := bytes.Clone(rsaGood)
	rsaBadSig[len(rsaBadSig)-1] ^= 0x01
	plus := string(csrWithPlus(t))
	leaf := makeCert(t, ec, "example.com", false, nil, nil)

	tests := []struct {
		name string
		in   []byte
		err  string
		is   error
	}{
		{name: "error/garbage", in: []byte("hello, world"), err: "not a PEM or DER certificate request", is: ErrInvalidCSR},
		{name: "error/empty", in: []byte(" \n"), err: "empty input", is: ErrInvalidCSR},
		{name: "error/garbage der", in: []byte{0x30, 0x03, 0x01, 0x02, 0x03}, err: "invalid certificate request", is: ErrInvalidCSR},
		{name: "error/garbage pem", in: EncodeCSRPEM([]byte("not DER")), err: "invalid certificate request", is: ErrInvalidCSR},
		{name: "error/bad base64", in: []byte("-----BEGIN CERTIFICATE REQUEST-----\nMII!!\n-----END CERTIFICATE REQUEST-----\n"), err: "invalid base64 data", is: ErrInvalidCSR},
		{name: "error/cut short", in: EncodeCSRPEM(good)[:100], err: "has no END line", is: ErrInvalidCSR},
		{name: "error/plus turned into space", in: []byte(strings.ReplaceAll(plus, "+", " ")), err: `a "+" was probably turned into a space`, is: ErrInvalidCSR},
		{name: "error/bad ecdsa signature", in: badSig, err: "the signature does not match the public key", is: ErrInvalidCSR},
		{name: "error/bad rsa signature", in: EncodeCSRPEM(rsaBadSig), err: "the signature does not match the public key", is: ErrInvalidCSR},
		{name: "error/certificate instead", in: EncodePEMCertificates(leaf), err: `no CERTIFICATE REQUEST PEM block (found "CERTIFICATE")`, is: ErrInvalidCSR},
		{name: "error/no names", in: rawCSR(t, ec, &x509.CertificateRequest{Subject: pkix.Name{Organization: []string{"Example"}}}), err: "it names no domain", is: ErrInvalidCSR},
		{name: "error/common name not a domain", in: rawCSR(t, ec, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "My Company"}}), err: `common name: "My Company": not a valid domain name`, is: ErrInvalidDomain},
		{name: "error/bad san", in: rawCSR(t, ec, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "example.com"}, DNSNames: []string{"_acme.example.com"}}), err: "subject alternative name", is: ErrInvalidDomain},
		{name: "error/ip san", in: rawCSR(t, ec, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "example.com"}, IPAddresses: []net.IP{net.IPv4(192, 0, 2, 1)}}), err: "IP address 192.0.2.1", is: ErrInvalidCSR},
		{name: "error/too large", in: bytes.Repeat([]byte{'A'}, maxInputSize+1), err: "larger than", is: ErrInvalidCSR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCSR(tt.in)
			if !wantErr(t, err, tt.err) {
				return
			}
			if c != nil {
				t.Error("a CSR returned with an error")
			}
			if !errors.Is(err, tt.is) || !errors.Is(err, errkind.InvalidArgument) {
				t.Errorf("error %v is not %v / InvalidArgument", err, tt.is)
			}
		})
	}
}

func TestCheckKeyStrength(t *testing.T) {
	rsaPub := testKey(t, RSA2048).Public().(*rsa.PublicKey)
	bigN := func(bits int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(bits-1)) }
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		pub   crypto.PublicKey
		err   string
		exact bool // err is the whole message
	}{
		{name: "ok/rsa2048", pub: rsaPub},
		{name: "ok/rsa4096", pub: testKey(t, RSA4096).Public()},
		{name: "ok/rsa8192", pub: &rsa.PublicKey{N: bigN(8192), E: 65537}},
		{name: "ok/p256", pub: testKey(t, ECDSAP256).Public()},
		{name: "ok/p384", pub: testKey(t, ECDSAP384).Public()},
		{name: "ok/p521", pub: p521.Public()},
		{name: "error/rsa1024", pub: &rsa1024().PublicKey, err: "RSA key of 1024 bits is too weak; use at least 2048", exact: true},
		{name: "error/rsa2040", pub: &rsa.PublicKey{N: bigN(2040), E: 65537}, err: "RSA key of 2040 bits is too weak; use at least 2048", exact: true},
		{name: "error/rsa8200", pub: &rsa.PublicKey{N: bigN(8200), E: 65537}, err: "RSA key of 8200 bits is too large; use at most 8192", exact: true},
		{name: "error/rsa2049", pub: &rsa.PublicKey{N: bigN(2049), E: 65537}, err: "not a whole number of bytes"},
		{name: "error/exponent 3", pub: &rsa.PublicKey{N: rsaPub.N, E: 3}, err: "RSA public exponent 3 is not accepted; use 65537", exact: true},
		{name: "error/p224", pub: p224.Public(), err: "ECDSA curve P-224 is not accepted"},
		{name: "error/ed25519", pub: edPub, err: "Ed25519 keys are not accepted by public certificate authorities"},
		{name: "error/nil", pub: nil, err: "algorithm is not supported"},
		{name: "error/nil rsa", pub: (*rsa.PublicKey)(nil), err: "missing RSA public key"},
		{name: "error/other type", pub: "a string", err: "keys are not accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckKeyStrength(tt.pub)
			if wantErr(t, err, tt.err) {
				if tt.exact && err.Error() != tt.err {
					t.Errorf("error %q, want exactly %q", err, tt.err)
				}
				if !errors.Is(err, ErrUnacceptableKey) || !errors.Is(err, errkind.InvalidArgument) {
					t.Errorf("error %v is not ErrUnacceptableKey / InvalidArgument", err)
				}
			}
		})
	}

	t.Run("error/rsa1024 csr parses but is refused", func(t *testing.T) {
		der := rawCSR(t, rsa1024(), &x509.CertificateRequest{Subject: pkix.Name{CommonName: "example.com"}})
		c, err := ParseCSR(der)
		if err != nil {
			t.Fatalf("ParseCSR: %v", err)
		}
		if c.KeyType != "RSA" || c.KeyBits != 1024 {
			t.Errorf("KeyType, KeyBits = %q, %d", c.KeyType, c.KeyBits)
		}
		err = CheckKeyStrength(c.PublicKey)
		if err == nil || err.Error() != "RSA key of 1024 bits is too weak; use at least 2048" {
			t.Errorf("CheckKeyStrength = %v", err)
		}
		err = c.Check(NamePolicy{})
		if !errors.Is(err, ErrUnacceptableKey) {
			t.Errorf("Check = %v, want ErrUnacceptableKey", err)
		}
	})
	t.Run("error/ed25519 csr parses but is refused", func(t *testing.T) {
		_, edKey, _ := ed25519.GenerateKey(rand.Reader)
		c, err := ParseCSR(rawCSR(t, edKey, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "example.com"}}))
		if err != nil {
			t.Fatalf("ParseCSR: %v", err)
		}
		if c.KeyType != "Ed25519" || c.KeyBits != 256 {
			t.Errorf("KeyType, KeyBits = %q, %d", c.KeyType, c.KeyBits)
		}
		if err := CheckKeyStrength(c.PublicKey); !errors.Is(err, ErrUnacceptableKey) {
			t.Errorf("CheckKeyStrength = %v", err)
		}
	})
	t.Run("error/rsa512 csr is refused by ParseCSR", func(t *testing.T) {
		_, err := ParseCSR([]byte(openSSLRSA512CSR))
		if err == nil || err.Error() != "RSA key of 512 bits is too weak; use at least 2048" {
			t.Errorf("ParseCSR = %v", err)
		}
		if !errors.Is(err, ErrUnacceptableKey) {
			t.Errorf("error %v is not ErrUnacceptableKey", err)
		}
	})
}

// StoredCSR reads back what ParseCSR accepted, and refuses what is not a
// request; it does not check the signature again.
func TestStoredCSR(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{"stored.example.com"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	text := EncodeCSRPEM(der)
	csr, err := ParseCSR(text)
	if err != nil {
		t.Fatal(err)
	}
	got, err := StoredCSR(text)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Raw, csr.Raw) || !key.PublicKey.Equal(got.PublicKey) {
		t.Errorf("StoredCSR read another request")
	}
	for _, bad := range []string{"", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "not a request"} {
		if _, err := StoredCSR([]byte(bad)); !errors.Is(err, ErrInvalidCSR) {
			t.Errorf("StoredCSR(%q): %v, want ErrInvalidCSR", bad, err)
		}
	}
}
