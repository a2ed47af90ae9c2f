package localca

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"time"

	"github.com/certsvc/certsvc/internal/pki"
)

// Validation levels accepted in IssueRequest.Validation.
const (
	// ValidationDV is domain validation: the subject holds only the common name.
	ValidationDV = "dv"
	// ValidationOV is organization validation: the subject also names the organization.
	ValidationOV = "ov"
	// ValidationEV is extended validation: as OV, with the EV policy identifier.
	ValidationEV = "ev"
)

// policyOIDs maps a validation level to the CA/Browser Forum reserved
// certificate policy identifier issued certificates assert.
var policyOIDs = map[string]x509.OID{
	ValidationDV: mustOID(2, 23, 140, 1, 2, 1),
	ValidationOV: mustOID(2, 23, 140, 1, 2, 2),
	ValidationEV: mustOID(2, 23, 140, 1, 1),
}

func mustOID(ids ...uint64) x509.OID {
	oid, err := x509.OIDFromInts(ids)
	if err != nil {
		panic(err)
	}
	return oid
}

// maxCommonNameLen is ub-common-name from RFC 5280.
const maxCommonNameLen = 64

// IssueRequest describes a certificate for CA.Issue to sign.
type IssueRequest struct {
	// CSR is the subscriber's certificate signing request. Only its public
	// key is used (after its signature is checked); its subject and
	// extensions are ignored.
	CSR *x509.CertificateRequest
	// Names are the DNS names to include, already validated by the caller:
	// A-labels (punycode) for internationalized names, wildcards such as
	// "*.example.com" allowed. Names[0] becomes the common name.
	Names []string
	// NotBefore is the start of validity. It is truncated to the second,
	// the precision of X.509 times.
	NotBefore time.Time
	// NotAfter is the requested end of validity, truncated to the second.
	// It is capped at NotBefore+MaxValidity(NotBefore).
	NotAfter time.Time
	// Validation is the validation level: ValidationDV, ValidationOV or
	// ValidationEV ("dv", "ov", "ev").
	Validation string
	// Subject holds the organization details from the order for OV and EV:
	// Organization, Country, Province (ST) and Locality are copied into the
	// certificate, Organization and Country are required. Every other field,
	// including CommonName, is ignored. For DV the whole Subject is ignored.
	Subject pkix.Name
	// CRLDistributionPoints are the URLs where the CRLs of CA.CRL are
	// published; the certificate names them (RFC 5280 section 4.2.1.13).
	// None when empty.
	CRLDistributionPoints []string
}

// Issue signs a TLS server certificate for req with the intermediate and
// returns it parsed; its DER encoding is in Raw. Send it followed by Chain.
//
// Issue checks the CSR's signature and key (the project's key policy,
// pki.CheckKeyStrength, and not one of the CA's own keys), that
// Names is non-empty with no empty name, that Validation is known, that
// for OV and EV Subject has an organization and a two-letter country code,
// and that NotAfter is after NotBefore. A NotAfter later than
// NotBefore+MaxValidity(NotBefore) is not an error: the certificate is
// issued with NotAfter capped to that instant, which the returned
// certificate's NotAfter shows. A NotAfter after the intermediate's own
// NotAfter is an error, since the certificate would outlive its issuer.
//
// The certificate has a random 128-bit positive serial number; extended key
// usage server authentication only; key usage digital signature, plus key
// encipherment for RSA keys; subject and authority key identifiers; DNSNames
// equal to Names; and the CA/Browser Forum policy identifier of the level
// (DV 2.23.140.1.2.1, OV 2.23.140.1.2.2, EV 2.23.140.1.1). The subject's
// common name is Names[0], left out when Names[0] is longer than the 64
// characters X.509 allows (the name is still in DNSNames); for DV the common
// name is the whole subject, for OV and EV the subject adds
// req.Subject's organization, country, state or province, and locality.
//
// Issue is safe to call from many goroutines at once.
func (ca *CA) Issue(req IssueRequest) (*x509.Certificate, error) {
	if req.CSR == nil {
		return nil, fmt.Errorf("%w: CSR is missing", ErrInvalidRequest)
	}
	if err := req.CSR.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: CSR signature is invalid: %v", ErrInvalidRequest, err)
	}
	keyUsage, err := ca.checkKey(req.CSR)
	if err != nil {
		return nil, err
	}
	if len(req.Names) == 0 {
		return nil, fmt.Errorf("%w: no DNS names to include", ErrInvalidRequest)
	}
	for i, n := range req.Names {
		if n == "" {
			return nil, fmt.Errorf("%w: DNS name %d is empty", ErrInvalidRequest, i)
		}
	}
	policy, ok := policyOIDs[req.Validation]
	if !ok {
		return nil, fmt.Errorf("%w: unknown validation level %q, want %q, %q or %q",
			ErrInvalidRequest, req.Validation, ValidationDV, ValidationOV, ValidationEV)
	}
	subject, err := issuedSubject(req)
	if err != nil {
		return nil, err
	}

	if req.NotBefore.IsZero() {
		return nil, fmt.Errorf("%w: notBefore is missing", ErrInvalidRequest)
	}
	notBefore := req.NotBefore.UTC().Truncate(time.Second)
	notAfter := req.NotAfter.UTC().Truncate(time.Second)
	if !notAfter.After(notBefore) {
		return nil, fmt.Errorf("%w: notAfter %s is not after notBefore %s",
			ErrInvalidRequest, notAfter.Format(time.RFC3339), notBefore.Format(time.RFC3339))
	}
	if limit := notBefore.Add(MaxValidity(notBefore)); notAfter.After(limit) {
		notAfter = limit
	}
	if notAfter.After(ca.inter.NotAfter) {
		return nil, fmt.Errorf("%w: notAfter %s is after the intermediate CA expires at %s",
			ErrInvalidRequest, notAfter.Format(time.RFC3339), ca.inter.NotAfter.UTC().Format(time.RFC3339))
	}

	tmpl := &x509.Certificate{
		Subject:     subject,
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    keyUsage,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    append([]string(nil), req.Names...),
		Policies:    []x509.OID{policy},

		CRLDistributionPoints: append([]string(nil), req.CRLDistributionPoints...),
	}
	cert, err := sign(tmpl, ca.inter, req.CSR.PublicKey, ca.interKey)
	if err != nil {
		return nil, fmt.Errorf("localca: sign certificate for %q: %w", req.Names[0], err)
	}
	return cert, nil
}

// checkKey applies the project's key policy (pki.CheckKeyStrength), refuses
// the CA's own keys, and returns the key usage the certificate gets.
func (ca *CA) checkKey(csr *x509.CertificateRequest) (x509.KeyUsage, error) {
	if err := pki.CheckKeyStrength(csr.PublicKey); err != nil {
		return 0, fmt.Errorf("%w: CSR key: %w", ErrInvalidRequest, err)
	}
	if pub, ok := csr.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); ok &&
		(pub.Equal(ca.inter.PublicKey) || pub.Equal(ca.root.PublicKey)) {
		return 0, fmt.Errorf("%w: CSR public key is the CA's own key", ErrInvalidRequest)
	}
	if _, ok := csr.PublicKey.(*rsa.PublicKey); ok {
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, nil
	}
	return x509.KeyUsageDigitalSignature, nil
}

// issuedSubject builds the subject of the certificate for req.
func issuedSubject(req IssueRequest) (pkix.Name, error) {
	var s pkix.Name
	if cn := req.Names[0]; len(cn) <= maxCommonNameLen {
		s.CommonName = cn
	}
	if req.Validation == ValidationDV {
		return s, nil
	}
	in := req.Subject
	if len(in.Organization) == 0 || in.Organization[0] == "" {
		return s, fmt.Errorf("%w: %s certificate needs the subject organization", ErrInvalidRequest, req.Validation)
	}
	if len(in.Country) == 0 {
		return s, fmt.Errorf("%w: %s certificate needs the subject country", ErrInvalidRequest, req.Validation)
	}
	for _, c := range in.Country {
		if !isCountryCode(c) {
			return s, fmt.Errorf("%w: subject country %q is not a two-letter upper-case ISO 3166 code", ErrInvalidRequest, c)
		}
	}
	s.Organization = append([]string(nil), in.Organization...)
	s.Country = append([]string(nil), in.Country...)
	s.Province = append([]string(nil), in.Province...)
	s.Locality = append([]string(nil), in.Locality...)
	return s, nil
}

func isCountryCode(c string) bool {
	return len(c) == 2 && 'A' <= c[0] && c[0] <= 'Z' && 'A' <= c[1] && c[1] <= 'Z'
}
