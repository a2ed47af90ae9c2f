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
	"encoding/asn1"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Subject is what a certificate is requested for: the distinguished-name
// fields of a CSR and its extra DNS names. Domain-validated plans use only
// the names; organisation- and extended-validation plans also the rest.
type Subject struct {
	CommonName         string   // the main domain name
	Country            string   // ISO 3166-1 alpha-2, upper case ("RU"); map a legacy country id with the catalog
	State              string   // state or province
	Locality           string   // city
	Organization       string   // organisation name
	OrganizationalUnit string   // department; public CAs no longer put it in certificates
	Email              string   // contact e-mail, put in the subject as emailAddress
	DNSNames           []string // extra domain names besides the common name
}

// Upper bounds of RFC 5280 (appendix A, ub-*), in characters.
const (
	maxCommonName   = 64
	maxState        = 128
	maxLocality     = 128
	maxOrganization = 64
	maxOrgUnit      = 64
	maxEmail        = 255
)

// oidEmailAddress is PKCS#9 emailAddress, the subject attribute OpenSSL writes.
var oidEmailAddress = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// CreateCSR returns the DER of a certificate signing request for s, signed
// by key. The common name is required and is also the first subject
// alternative name; the extra DNS names follow in order, duplicates dropped.
// Every name goes through [NormalizeDomain], so a Unicode name is requested in
// punycode. The other fields are trimmed and checked against the X.509 length
// limits; Country must be two letters and is upper-cased. The signature is
// SHA-256 (SHA-384 for a P-384 key).
func CreateCSR(key crypto.Signer, s Subject) (der []byte, err error) {
	if key == nil {
		return nil, errors.New("pki: nil private key")
	}
	norm, err := normalizeSubject(s)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: norm.CommonName},
		DNSNames: append([]string{norm.CommonName}, norm.DNSNames...),
	}
	if norm.Country != "" {
		tmpl.Subject.Country = []string{norm.Country}
	}
	if norm.State != "" {
		tmpl.Subject.Province = []string{norm.State}
	}
	if norm.Locality != "" {
		tmpl.Subject.Locality = []string{norm.Locality}
	}
	if norm.Organization != "" {
		tmpl.Subject.Organization = []string{norm.Organization}
	}
	if norm.OrganizationalUnit != "" {
		tmpl.Subject.OrganizationalUnit = []string{norm.OrganizationalUnit}
	}
	if norm.Email != "" {
		tmpl.Subject.ExtraNames = []pkix.AttributeTypeAndValue{{
			Type:  oidEmailAddress,
			Value: asn1.RawValue{Tag: asn1.TagIA5String, Bytes: []byte(norm.Email)},
		}}
	}
	if k, ok := key.Public().(*ecdsa.PublicKey); ok && k.Curve == elliptic.P384() {
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA384
	}
	der, err = x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("pki: create CSR: %w", err)
	}
	return der, nil
}

// normalizeSubject checks s and returns it in the form CreateCSR writes.
func normalizeSubject(s Subject) (Subject, error) {
	var out Subject
	cn, err := NormalizeDomain(s.CommonName)
	if err != nil {
		if strings.TrimSpace(s.CommonName) == "" {
			return out, fmt.Errorf("%w: the common name (the main domain) is required", ErrInvalidSubject)
		}
		return out, fmt.Errorf("common name: %w", err)
	}
	if utf8.RuneCountInString(cn) > maxCommonName {
		return out, fmt.Errorf("%w: common name %q is longer than %d characters, the X.509 limit", ErrInvalidSubject, cn, maxCommonName)
	}
	out.CommonName = cn
	seen := map[string]bool{cn: true}
	for _, n := range s.DNSNames {
		d, err := NormalizeDomain(n)
		if err != nil {
			return out, fmt.Errorf("domain name: %w", err)
		}
		if !seen[d] {
			seen[d] = true
			out.DNSNames = append(out.DNSNames, d)
		}
	}

	if c := strings.ToUpper(strings.TrimSpace(s.Country)); c != "" {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return out, fmt.Errorf("%w: country %q is not an ISO 3166 two-letter code", ErrInvalidSubject, truncate(s.Country, 20))
		}
		out.Country = c
	}
	fields := []struct {
		name string
		in   string
		max  int
		out  *string
	}{
		{"state", s.State, maxState, &out.State},
		{"locality", s.Locality, maxLocality, &out.Locality},
		{"organization", s.Organization, maxOrganization, &out.Organization},
		{"organizational unit", s.OrganizationalUnit, maxOrgUnit, &out.OrganizationalUnit},
	}
	for _, f := range fields {
		v := strings.TrimSpace(f.in)
		if err := checkText(v, f.max); err != nil {
			return out, fmt.Errorf("%w: %s %s", ErrInvalidSubject, f.name, err)
		}
		*f.out = v
	}
	if e := strings.TrimSpace(s.Email); e != "" {
		email, err := normalizeEmail(e)
		if err != nil {
			return out, err
		}
		out.Email = email
	}
	return out, nil
}

// checkText checks a free-text subject field.
func checkText(v string, max int) error {
	switch {
	case !utf8.ValidString(v):
		return errors.New("is not valid UTF-8")
	case strings.ContainsFunc(v, unicode.IsControl):
		return errors.New("contains control characters")
	case utf8.RuneCountInString(v) > max:
		return fmt.Errorf("is longer than %d characters, the X.509 limit", max)
	}
	return nil
}

// normalizeEmail checks a bare e-mail address and converts its domain with
// NormalizeDomain. The local part must be ASCII: the emailAddress attribute
// is an IA5String.
func normalizeEmail(e string) (string, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: e-mail %q %s", ErrInvalidSubject, truncate(e, 100), why)
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Name != "" || addr.Address != e {
		return "", bad("is not a plain e-mail address")
	}
	at := strings.LastIndexByte(e, '@')
	local, domain := e[:at], e[at+1:]
	for _, r := range local {
		if r > unicode.MaxASCII || unicode.IsControl(r) {
			return "", bad("has non-ASCII characters before the @")
		}
	}
	d, err := NormalizeDomain(domain)
	if err != nil || IsWildcard(d) {
		return "", bad("has an invalid domain")
	}
	out := local + "@" + d
	if len(out) > maxEmail {
		return "", bad(fmt.Sprintf("is longer than %d characters", maxEmail))
	}
	return out, nil
}

// CSR is a decoded, signature-checked certificate signing request.
type CSR struct {
	Raw        []byte   // DER
	CommonName string   // the normalised subject CN, or the first DNS name when the CSR has no CN
	Names      []string // normalised CN and DNS subject alternative names, deduplicated, CN first
	// Subject holds the distinguished-name fields (first value of each) and,
	// in DNSNames, Names without the common name.
	Subject   Subject
	KeyType   string // "RSA", "ECDSA" or "Ed25519"
	KeyBits   int    // RSA modulus size, or the curve size (256 for Ed25519)
	PublicKey crypto.PublicKey
}

// ParseCSR decodes a certificate signing request a customer brings: PEM
// ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"), DER, or bare base64
// of the DER. It tolerates the damage of copy-paste (CRLF line ends, blanks
// around lines, line breaks turned into spaces, no final newline, text
// around the block) but not a "+" of the base64 turned into a space by a URL
// decoder, which it reports as such. It checks the signature, normalises the
// names with [NormalizeDomain] and requires at least one. Key strength and the
// plan's limits are separate: see [CSR.Check].
func ParseCSR(data []byte) (*CSR, error) {
	der, spaced, err := csrDER(data)
	if err != nil {
		return nil, err
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		if spaced {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCSR, errSpacedBase64)
		}
		return nil, fmt.Errorf("%w: %s", ErrInvalidCSR, trimX509(err))
	}
	switch k := req.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 1024 || k.N.BitLen() > 16384 {
			return nil, CheckKeyStrength(k)
		}
	case *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return nil, CheckKeyStrength(k)
	}
	if err := req.CheckSignature(); err != nil {
		if spaced {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCSR, errSpacedBase64)
		}
		if kerr := CheckKeyStrength(req.PublicKey); kerr != nil {
			return nil, kerr
		}
		return nil, fmt.Errorf("%w: the signature does not match the public key (the request was altered or damaged)", ErrInvalidCSR)
	}

	c := &CSR{Raw: req.Raw, PublicKey: req.PublicKey, KeyType: req.PublicKeyAlgorithm.String()}
	c.KeyBits = keyBits(req.PublicKey)
	if len(req.IPAddresses) > 0 {
		return nil, fmt.Errorf("%w: it asks for IP address %s; only domain names are supported", ErrInvalidCSR, req.IPAddresses[0])
	}
	seen := map[string]bool{}
	if cn := req.Subject.CommonName; strings.TrimSpace(cn) != "" {
		n, err := NormalizeDomain(cn)
		if err != nil {
			return nil, fmt.Errorf("%w: common name: %w", ErrInvalidCSR, err)
		}
		c.Names, seen[n] = append(c.Names, n), true
	}
	for _, d := range req.DNSNames {
		n, err := NormalizeDomain(d)
		if err != nil {
			return nil, fmt.Errorf("%w: subject alternative name: %w", ErrInvalidCSR, err)
		}
		if !seen[n] {
			c.Names, seen[n] = append(c.Names, n), true
		}
	}
	if len(c.Names) == 0 {
		return nil, fmt.Errorf("%w: it names no domain (no common name and no DNS subject alternative name)", ErrInvalidCSR)
	}
	c.CommonName = c.Names[0]
	c.Subject = Subject{
		CommonName:         c.CommonName,
		Country:            first(req.Subject.Country),
		State:              first(req.Subject.Province),
		Locality:           first(req.Subject.Locality),
		Organization:       first(req.Subject.Organization),
		OrganizationalUnit: first(req.Subject.OrganizationalUnit),
	}
	if len(c.Names) > 1 {
		c.Subject.DNSNames = slices.Clone(c.Names[1:])
	}
	for _, a := range req.Subject.Names {
		if v, ok := a.Value.(string); ok && a.Type.Equal(oidEmailAddress) {
			c.Subject.Email = v
			break
		}
	}
	if c.Subject.Email == "" && len(req.EmailAddresses) > 0 {
		c.Subject.Email = req.EmailAddresses[0]
	}
	return c, nil
}

// StoredCSR parses a request certsvc stored after ParseCSR accepted it,
// without checking it again: its signature was checked when it came in, and
// a check costs a tenth of a millisecond or more of CPU each time. For what
// a customer or another system sends, use ParseCSR.
func StoredCSR(data []byte) (*x509.CertificateRequest, error) {
	der, _, err := csrDER(data)
	if err != nil {
		return nil, err
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidCSR, trimX509(err))
	}
	return req, nil
}

// csrDER finds the DER of a CSR in PEM, DER or bare base64 input.
func csrDER(data []byte) (der []byte, spaced bool, err error) {
	if len(data) > maxInputSize {
		return nil, false, fmt.Errorf("%w: input is larger than %d bytes", ErrInvalidCSR, maxInputSize)
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		blocks, err := decodePEM(data)
		if err != nil {
			return nil, false, fmt.Errorf("%w: %w", ErrInvalidCSR, err)
		}
		var found []string
		for _, b := range blocks {
			if b.Type == "CERTIFICATE REQUEST" || b.Type == "NEW CERTIFICATE REQUEST" {
				return b.Bytes, b.Spaced, nil
			}
			found = append(found, b.Type)
		}
		return nil, false, fmt.Errorf("%w: no CERTIFICATE REQUEST PEM block (found %s)", ErrInvalidCSR, describeTypes(found))
	}
	if len(data) > 0 && data[0] == 0x30 { // an ASN.1 SEQUENCE: DER
		return data, false, nil
	}
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return nil, false, fmt.Errorf("%w: empty input", ErrInvalidCSR)
	}
	der, spaced, err = decodeBareBase64(t)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %w", ErrInvalidCSR, err)
	}
	if der != nil {
		return der, spaced, nil
	}
	return nil, false, fmt.Errorf("%w: not a PEM or DER certificate request (a PEM one starts with -----BEGIN CERTIFICATE REQUEST-----)", ErrInvalidCSR)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func keyBits(pub crypto.PublicKey) int {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return 256
	}
	return 0
}

// Check applies the checks a CSR must pass before it is sent to a CA:
// [CheckKeyStrength] of its key and the plan's [NamePolicy]. The errors of
// both are joined.
func (c *CSR) Check(p NamePolicy) error {
	return errors.Join(CheckKeyStrength(c.PublicKey), p.Check(c.Names))
}

// Key-strength limits of the CA/Browser Forum Baseline Requirements (6.1.5, 6.1.6).
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// CheckKeyStrength reports whether public CAs accept a key: RSA of 2048 to
// 8192 bits (a multiple of 8) with exponent 65537, or ECDSA on P-256, P-384
// or P-521. Ed25519 and other algorithms are refused. The error wraps
// [ErrUnacceptableKey] and says what to use instead.
func CheckKeyStrength(pub crypto.PublicKey) error {
	fail := func(format string, args ...any) error {
		return &detailError{msg: fmt.Sprintf(format, args...), err: ErrUnacceptableKey}
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return fail("missing RSA public key")
		}
		bits := k.N.BitLen()
		switch {
		case bits < minRSABits:
			return fail("RSA key of %d bits is too weak; use at least %d", bits, minRSABits)
		case bits > maxRSABits:
			return fail("RSA key of %d bits is too large; use at most %d", bits, maxRSABits)
		case bits%8 != 0:
			return fail("RSA key of %d bits is not a whole number of bytes; use 2048, 3072 or 4096", bits)
		case k.E != 65537:
			return fail("RSA public exponent %d is not accepted; use 65537", k.E)
		}
		return nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return fail("missing ECDSA public key")
		}
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return nil
		}
		return fail("ECDSA curve %s is not accepted; use P-256 or P-384", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return fail("Ed25519 keys are not accepted by public certificate authorities; use RSA (2048 bits or more) or ECDSA P-256")
	case nil:
		return fail("the key's algorithm is not supported; use RSA (2048 bits or more) or ECDSA P-256")
	}
	return fail("%s keys are not accepted; use RSA (2048 bits or more) or ECDSA P-256", keyAlgorithmName(pub))
}

func keyAlgorithmName(pub crypto.PublicKey) string {
	t := fmt.Sprintf("%T", pub)
	switch {
	case strings.Contains(t, "dsa."):
		return "DSA"
	case strings.Contains(t, "ecdh."):
		return "ECDH"
	}
	return "unknown (" + t + ")"
}
