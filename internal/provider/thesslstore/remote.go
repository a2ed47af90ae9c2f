package thesslstore

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
)

// toRemote converts an order object. The chain is added by the caller
// once the order is issued.
func toRemote(ref provider.RemoteRef, o *orderReply) provider.Remote {
	r := provider.Remote{RemoteRef: ref}
	if id := string(o.TheSSLStoreOrderID); id != "" {
		r.RemoteID = id
	}
	r.DCV = dcvInstructions(o)
	r.State = stateOf(o.OrderStatus.MajorStatus, o.OrderStatus.MinorStatus, r.DCV)
	r.RawStatus = rawStatus(o.OrderStatus.MajorStatus, o.OrderStatus.MinorStatus)
	r.CertNotBefore, _ = parseDate(o.CertificateStartDateInUTC)
	r.CertNotAfter, _ = parseDate(o.CertificateEndDateInUTC)
	r.PaidUntil, _ = parseDate(o.OrderExpiryDateInUTC)
	r.Message = strings.Join(o.OrderStatus.AuthenticationComments, " ")
	return r
}

func rawStatus(major, minor string) string {
	if minor == "" {
		return major
	}
	return major + "/" + minor
}

// stateOf normalises MajorStatus and MinorStatus (§1.5, §4.2). Unknown
// words count as processing: the core keeps polling, and RawStatus keeps
// the text.
func stateOf(major, minor string, dcv []provider.DCVInstruction) provider.State {
	switch strings.ToLower(strings.TrimSpace(major)) {
	case "initial":
		return provider.StateSubmitted
	case "pending":
		for _, d := range dcv {
			if d.Status != "valid" {
				return provider.StateAwaitingDCV
			}
		}
		if len(dcv) == 0 {
			return provider.StateAwaitingDCV
		}
		// Every domain is validated: the CA is vetting or signing.
		return provider.StateProcessing
	case "active", "valid", "enrolled", "complete", "completed", "issued", "replaced":
		if strings.EqualFold(strings.TrimSpace(minor), "PENDING_REISSUE") {
			return provider.StateReissuing
		}
		return provider.StateIssued
	case "cancelled", "canceled", "refunded":
		return provider.StateCancelled
	case "revoked":
		return provider.StateRevoked
	case "rejected", "order rejected", "certgen_failed", "failed":
		return provider.StateFailed
	case "expired":
		return provider.StateExpired
	}
	return provider.StateProcessing
}

// dcvInstructions are the validation instructions of an order: per domain
// from DomainAuthVettingStatus, or else the order-level file, CNAME or
// approver e-mail for the common name.
func dcvInstructions(o *orderReply) []provider.DCVInstruction {
	var out []provider.DCVInstruction
	for _, d := range o.OrderStatus.DomainAuthVettingStatus {
		if strings.TrimSpace(d.Domain) == "" {
			continue
		}
		in := provider.DCVInstruction{Domain: d.Domain, Status: dcvStatus(d.DCVStatus)}
		in.Method, in.Email = dcvMethod(d.DCVMethod)
		switch in.Method {
		case provider.DCVHTTPFile, provider.DCVHTTPSFile:
			in.HTTPURL = fileURL(in.Method, d.Domain, d.FileName)
			in.Content = d.FileContents
		case provider.DCVDNSCNAME, provider.DCVDNSTXT:
			in.DNSName, in.Content = d.DNSName, d.DNSEntry
			in.DNSType = "CNAME"
			if in.Method == provider.DCVDNSTXT {
				in.DNSType = "TXT"
			}
		case provider.DCVEmail:
			if in.Email == "" && strings.EqualFold(d.Domain, o.CommonName) {
				in.Email = o.ApproverEmail
			}
		}
		out = append(out, in)
	}
	if len(out) > 0 || o.CommonName == "" {
		return out
	}
	status := "pending"
	if stateOf(o.OrderStatus.MajorStatus, "", nil) == provider.StateIssued {
		status = "valid"
	}
	in := provider.DCVInstruction{Domain: o.CommonName, Status: status}
	switch {
	case o.CNAMEAuthName != "":
		in.Method, in.DNSName, in.DNSType, in.Content = provider.DCVDNSCNAME, o.CNAMEAuthName, "CNAME", o.CNAMEAuthValue
	case o.AuthFileName != "":
		in.Method, in.Content = provider.DCVHTTPFile, o.AuthFileContent
		in.HTTPURL = fileURL(in.Method, o.CommonName, o.AuthFileName)
	case o.ApproverEmail != "":
		in.Method, in.Email = provider.DCVEmail, o.ApproverEmail
	default:
		return nil
	}
	return []provider.DCVInstruction{in}
}

// dcvMethod reads a dcvMethod value. The values are not documented; the
// names of the neworder indicators ("FILE", "HTTPS", "CNAME"), the BR's
// ("DNS TXT") and an approver address in place of "EMAIL" are understood.
func dcvMethod(s string) (provider.DCVMethod, string) {
	v := strings.ToUpper(strings.TrimSpace(s))
	switch {
	case strings.Contains(v, "@"):
		return provider.DCVEmail, strings.TrimSpace(s)
	case strings.Contains(v, "CNAME"):
		return provider.DCVDNSCNAME, ""
	case strings.Contains(v, "TXT"), strings.Contains(v, "DNS"):
		return provider.DCVDNSTXT, ""
	case strings.Contains(v, "HTTPS"):
		return provider.DCVHTTPSFile, ""
	case strings.Contains(v, "HTTP"), strings.Contains(v, "FILE"):
		return provider.DCVHTTPFile, ""
	}
	return provider.DCVEmail, ""
}

// dcvStatus normalises a dcvStatus to pending, valid or invalid.
func dcvStatus(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "valid", "validated", "verified", "approved", "complete", "completed", "success", "passed":
		return "valid"
	case "invalid", "failed", "rejected", "expired":
		return "invalid"
	}
	return "pending"
}

// fileURL is where a validation file must be served. A bare file name goes
// under /.well-known/pki-validation/ (BR §3.2.2.4.18).
func fileURL(m provider.DCVMethod, domain, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://") {
		return name
	}
	scheme := "http"
	if m == provider.DCVHTTPSFile {
		scheme = "https"
	}
	host := strings.TrimPrefix(domain, "*.")
	if strings.HasPrefix(name, "/") {
		return scheme + "://" + host + name
	}
	return scheme + "://" + host + "/.well-known/pki-validation/" + name
}

// chainPEM assembles the files of a download into a PEM chain, leaf first,
// then each issuer in turn; self-signed roots are left out. Files that hold
// no certificate are skipped.
func chainPEM(files []certFile) (string, *x509.Certificate, error) {
	var certs []*x509.Certificate
	for _, f := range files {
		cs, err := parseFile(f.FileContent)
		if err != nil {
			continue
		}
		for _, c := range cs {
			if !slices.ContainsFunc(certs, func(o *x509.Certificate) bool { return o.Equal(c) }) {
				certs = append(certs, c)
			}
		}
	}
	if len(certs) == 0 {
		return "", nil, errors.New("the download holds no certificate")
	}
	if len(certs) > 1 {
		certs = slices.DeleteFunc(certs, isSelfSigned)
	}
	leaf := findLeaf(certs)
	if leaf == nil {
		return "", nil, errors.New("the download holds no end-entity certificate")
	}
	chain := []*x509.Certificate{leaf}
	used := map[*x509.Certificate]bool{leaf: true}
	for cur := leaf; ; {
		i := slices.IndexFunc(certs, func(c *x509.Certificate) bool {
			return !used[c] && bytes.Equal(c.RawSubject, cur.RawIssuer)
		})
		if i < 0 {
			break
		}
		cur = certs[i]
		used[cur] = true
		chain = append(chain, cur)
	}
	for _, c := range certs { // keep what the CA sent, e.g. cross-signs
		if !used[c] {
			chain = append(chain, c)
		}
	}
	return string(pki.EncodePEMCertificates(chain...)), leaf, nil
}

// parseFile reads one downloaded file: PEM or base64 DER, possibly
// URL-encoded (the API's encoding quirk, §1.2).
func parseFile(s string) ([]*x509.Certificate, error) {
	certs, err := pki.ParseCertificates([]byte(s))
	if err == nil {
		return certs, nil
	}
	if !strings.Contains(s, "%") {
		return nil, err
	}
	// Form encoding ("+" for a space, "%2B" for a plus) first, as .NET's
	// UrlEncode writes it, then path encoding.
	for _, unescape := range []func(string) (string, error){url.QueryUnescape, url.PathUnescape} {
		if u, uerr := unescape(s); uerr == nil {
			if certs, perr := pki.ParseCertificates([]byte(u)); perr == nil {
				return certs, nil
			}
		}
	}
	return nil, err
}

// findLeaf is the certificate that issued none of the others, preferring
// one that is not a CA.
func findLeaf(certs []*x509.Certificate) *x509.Certificate {
	var fallback *x509.Certificate
	for _, c := range certs {
		issuer := slices.ContainsFunc(certs, func(o *x509.Certificate) bool {
			return o != c && bytes.Equal(o.RawIssuer, c.RawSubject)
		})
		if issuer {
			continue
		}
		if !c.IsCA {
			return c
		}
		if fallback == nil {
			fallback = c
		}
	}
	return fallback
}

func isSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

// toProduct converts a product/query entry. Prices[i] is the price of
// Periods[i] for one server, in USD.
func toProduct(p productReply) provider.Product {
	out := provider.Product{
		Code:          p.ProductCode,
		Name:          p.ProductName,
		Brand:         p.VendorName,
		Validation:    validationOf(p.ProductCode, p.ProductName),
		Wildcard:      p.IsWlidcard || p.IsWildcard,
		IncludedNames: max(1, p.MinSan),
		MaxNames:      1,
	}
	if p.IsSanEnable {
		out.MaxNames = max(p.MaxSan, out.IncludedNames)
		if p.MaxSan == 0 {
			out.MaxNames = 0 // unknown: the plan sets it
		}
	}
	for _, pr := range p.PricingInfo {
		if pr.NumberOfMonths <= 0 || (pr.NumberOfServer > 1) || slices.Contains(out.Periods, pr.NumberOfMonths) {
			continue
		}
		minor, err := usdMinor(string(pr.Price))
		if err != nil {
			continue
		}
		out.Periods = append(out.Periods, pr.NumberOfMonths)
		out.Prices = append(out.Prices, provider.Money{Currency: currency, AmountMinor: minor})
	}
	return out
}

// validationOf guesses a product's validation level from its code and
// name: product/query has no documented field for it.
func validationOf(code, name string) string {
	words := strings.FieldsFunc(strings.ToLower(code+" "+name), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
	has := func(w ...string) bool {
		return slices.ContainsFunc(words, func(x string) bool { return slices.Contains(w, x) })
	}
	switch {
	case has("ev", "extended", "evssl", "evmdc", "evsan"):
		return "ev"
	case has("ov", "organization", "organisation", "business", "ovssl", "instantssl", "truebizid", "securesite"):
		return "ov"
	}
	return "dv"
}

// currency is the currency of the API's amounts: the SDKs and the API
// docs show US dollars only.
const currency = "USD"

// usdMinor converts a decimal amount in dollars to cents, rounding half
// away from zero beyond two decimals.
func usdMinor(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) || len(whole) > 15 {
		return 0, fmt.Errorf("amount %q is not a decimal number", truncate(s, 40))
	}
	frac += "000"
	var v int64
	for _, r := range whole + frac[:2] {
		v = v*10 + int64(r-'0')
	}
	if frac[2] >= '5' {
		v++
	}
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
