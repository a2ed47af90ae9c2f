package builtin

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
)

// stateVersion is the version of the JSON in RemoteRef.State.
const stateVersion = 1

// orderState is an order at the local CA, kept in RemoteRef.State as JSON.
type orderState struct {
	Version int `json:"v"`
	// Ref is the order reference the order was placed with; DCV tokens
	// derive from it, so they stay the same whatever a later call passes.
	Ref        string      `json:"ref"`
	Validation string      `json:"validation"`
	Org        *orgSubject `json:"org,omitempty"`
	// Request is the order's request until it is issued; from then on, what
	// ChainPEM was issued for.
	Request request `json:"request"`
	// ChainPEM is the certificate issued last, leaf then intermediate; empty
	// until the order is issued. A pending reissue keeps it until the new
	// certificate replaces it.
	ChainPEM string `json:"chain,omitempty"`
	// Reissue is a reissue awaiting approval, or nil.
	Reissue *request `json:"reissue,omitempty"`
}

// orgSubject is the organisation put in OV and EV certificates.
type orgSubject struct {
	Organization string `json:"o"`
	Country      string `json:"c"`
	Province     string `json:"st,omitempty"`
	Locality     string `json:"l,omitempty"`
}

// request is one certificate to issue.
type request struct {
	CSRPEM string `json:"csr"`
	// NotAfter is the requested end of validity; zero for the longest.
	NotAfter time.Time `json:"not_after,omitzero"`
	// Domains are the names, the common name first, with their validation.
	Domains []domainState `json:"domains"`
}

// domainState is the validation of one name.
type domainState struct {
	Name     string             `json:"name"`
	Method   provider.DCVMethod `json:"method"`
	Email    string             `json:"email,omitempty"`
	Approved bool               `json:"approved,omitempty"`
}

func (r *request) names() []string {
	names := make([]string, len(r.Domains))
	for i, d := range r.Domains {
		names[i] = d.Name
	}
	return names
}

func (r *request) allApproved() bool {
	for _, d := range r.Domains {
		if !d.Approved {
			return false
		}
	}
	return true
}

// domain returns the domain named name, or nil.
func (r *request) domain(name string) *domainState {
	for i := range r.Domains {
		if r.Domains[i].Name == name {
			return &r.Domains[i]
		}
	}
	if n, err := pki.NormalizeDomain(name); err == nil && n != name {
		return r.domain(n)
	}
	return nil
}

func (st *orderState) issued() bool { return st.ChainPEM != "" }

// pending returns the request awaiting validation (the order before it is
// issued, or a reissue), or nil when there is none.
func (st *orderState) pending() *request {
	switch {
	case st.Reissue != nil:
		return st.Reissue
	case !st.issued():
		return &st.Request
	}
	return nil
}

// check reports what is wrong with a decoded request, or "".
func (r *request) check() string {
	if r.CSRPEM == "" || len(r.Domains) == 0 {
		return "a request has no CSR or no names"
	}
	for _, d := range r.Domains {
		if d.Name == "" || !supportedMethods[d.Method] {
			return "a request has an invalid domain"
		}
	}
	return ""
}

func encodeState(st *orderState) []byte {
	b, err := json.Marshal(st)
	if err != nil { // only strings, bools and times: cannot fail
		panic(fmt.Sprintf("builtin: encode order state: %v", err))
	}
	return b
}

// decodeState reads and checks RemoteRef.State. Anything that is not an
// order of this module is reported as unknown to the CA.
func decodeState(ref provider.RemoteRef) (*orderState, error) {
	notFound := func(why string) error {
		return fmt.Errorf("%w: local CA order %q: %s", provider.ErrNotFound, truncate(ref.RemoteID, 80), why)
	}
	if len(ref.State) == 0 {
		return nil, notFound("no order state")
	}
	var st orderState
	if err := json.Unmarshal(ref.State, &st); err != nil {
		return nil, notFound("the order state is not valid")
	}
	if st.Version != stateVersion {
		return nil, notFound(fmt.Sprintf("unknown order state version %d", st.Version))
	}
	if _, ok := validationLevels[st.Validation]; !ok {
		return nil, notFound("the order state has an unknown validation level")
	}
	if why := st.Request.check(); why != "" {
		return nil, notFound("in the order state, " + why)
	}
	if st.Reissue != nil {
		if why := st.Reissue.check(); why != "" {
			return nil, notFound("in the order state, " + why)
		}
		if !st.issued() {
			return nil, notFound("the order state has a reissue but no certificate")
		}
	}
	if st.issued() {
		if _, err := leafOf(st.ChainPEM); err != nil {
			return nil, notFound("the order state has an invalid certificate")
		}
	}
	return &st, nil
}

// leafOf returns the first certificate of a chain.
func leafOf(chainPEM string) (*x509.Certificate, error) {
	certs, err := pki.ParseCertificates([]byte(chainPEM))
	if err != nil {
		return nil, err
	}
	return certs[0], nil
}

// validationLevels are the accepted OrderRequest.Validation values.
var validationLevels = map[string]struct{}{
	localca.ValidationDV: {}, localca.ValidationOV: {}, localca.ValidationEV: {},
}

// supportedMethods are the validation methods an administrator can confirm.
var supportedMethods = map[provider.DCVMethod]bool{
	provider.DCVEmail:    true,
	provider.DCVHTTPFile: true, provider.DCVHTTPSFile: true,
	provider.DCVDNSTXT: true, provider.DCVDNSCNAME: true,
}

// baseDomain is name without a leading wildcard label.
func baseDomain(name string) string { return strings.TrimPrefix(name, "*.") }

// domainChoice checks a DCV choice for name and returns its state, not
// approved. The zero choice is e-mail to admin@ of the domain.
func domainChoice(name string, c provider.DCVChoice) (domainState, error) {
	d := domainState{Name: name, Method: c.Method}
	if d.Method == "" {
		d.Method = provider.DCVEmail
	}
	if !supportedMethods[d.Method] {
		return d, rejectedf("domain %q: validation method %q is not offered by the local CA; use email, http_file, https_file, dns_txt or dns_cname",
			name, truncate(string(d.Method), 40))
	}
	if d.Method == provider.DCVEmail {
		d.Email = strings.TrimSpace(c.Email)
		if d.Email == "" {
			d.Email = "admin@" + baseDomain(name)
		}
		if at := strings.LastIndexByte(d.Email, '@'); at <= 0 || at == len(d.Email)-1 || strings.ContainsAny(d.Email, " \t\r\n<>") {
			return d, rejectedf("domain %q: approver e-mail %q is not an e-mail address", name, truncate(d.Email, 100))
		}
	}
	return d, nil
}

// Where DCV instructions point.
const (
	challengeLabel = "_certsvc-challenge"
	cnameTarget    = "dcv.certsvc.invalid"
	wellKnownPath  = "/.well-known/pki-validation/"
)

// token is the validation token of domain in the order placed as ref: the
// same for the same order and domain, so repeated calls agree.
func token(ref, domain string) string {
	sum := sha256.Sum256([]byte("certsvc localca dcv\x00" + ref + "\x00" + domain))
	return hex.EncodeToString(sum[:16])
}

// instructions tells the customer what to publish for each domain of r.
func (st *orderState) instructions(r *request) []provider.DCVInstruction {
	out := make([]provider.DCVInstruction, 0, len(r.Domains))
	for _, d := range r.Domains {
		in := provider.DCVInstruction{Domain: d.Name, Method: d.Method, Status: "pending"}
		if d.Approved {
			in.Status = "valid"
		}
		tok, base := token(st.Ref, d.Name), baseDomain(d.Name)
		switch d.Method {
		case provider.DCVEmail:
			in.Email = d.Email
		case provider.DCVHTTPFile:
			in.HTTPURL = "http://" + base + wellKnownPath + tok + ".txt"
			in.Content = tok
		case provider.DCVHTTPSFile:
			in.HTTPURL = "https://" + base + wellKnownPath + tok + ".txt"
			in.Content = tok
		case provider.DCVDNSTXT:
			in.DNSName, in.DNSType, in.Content = challengeLabel+"."+base, "TXT", tok
		case provider.DCVDNSCNAME:
			in.DNSName, in.DNSType, in.Content = challengeLabel+"."+base, "CNAME", tok+"."+cnameTarget
		}
		out = append(out, in)
	}
	return out
}
