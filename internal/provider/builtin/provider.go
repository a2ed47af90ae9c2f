package builtin

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
)

// RemoteIDPrefix starts the remote id of every order: "LCA-" + the order's Ref.
const RemoteIDPrefix = "LCA-"

// Raw statuses reported in Remote.RawStatus.
const (
	rawAwaiting        = "awaiting_approval"
	rawReissueAwaiting = "reissue_awaiting_approval"
	rawIssued          = "issued"
)

const (
	msgAwaiting = "The local CA does not check domains itself: publish the validation shown for each domain, " +
		"then an administrator confirms it and the certificate is issued."
	msgReissueAwaiting = "The reissue waits for domain validation: publish the validation shown for each domain, " +
		"then an administrator confirms it and the new certificate is issued."
	msgIssued = "Issued by the local CA."
)

// localCA is the provider. It holds no order data: every order lives in its
// RemoteRef.State.
type localCA struct {
	ca          *localca.CA
	autoApprove bool
	now         func() time.Time
	// crlURL is the CRL distribution point certificates name; "" for none.
	crlURL string
	// crlMu serialises SignCRL, which loads the revocations into ca.
	crlMu sync.Mutex
}

var (
	_ provider.Provider      = (*localCA)(nil)
	_ provider.DCVController = (*localCA)(nil)
	_ provider.Reissuer      = (*localCA)(nil)
	_ provider.Renewer       = (*localCA)(nil)
	_ provider.RepeatSafe    = (*localCA)(nil)
	_ provider.Revoker       = (*localCA)(nil)
	_ CRLSigner              = (*localCA)(nil)
)

// CRLSigner signs the module's CRL. The module keeps no revocations of its
// own: the caller lists them (the certificates the core recorded revoked)
// and serves the CRL at the URL the certificates name.
type CRLSigner interface {
	SignCRL(now time.Time, revoked []localca.Revocation) ([]byte, error)
}

// SignCRL returns the DER CRL, signed by the intermediate, listing revoked.
func (p *localCA) SignCRL(now time.Time, revoked []localca.Revocation) ([]byte, error) {
	p.crlMu.Lock()
	defer p.crlMu.Unlock()
	if err := p.ca.SetRevoked(revoked); err != nil {
		return nil, fmt.Errorf("local CA: %w", err)
	}
	return p.ca.CRL(now)
}

// Revoke accepts the revocation of the order's issued certificate: the
// serial must be that of the certificate the order holds. The module keeps
// nothing itself: the core records the revocation (the certificate's
// revoke time and reason), from which the module's CRL is signed
// (SignCRL). Revoking again is accepted alike.
func (p *localCA) Revoke(ctx context.Context, ref provider.RemoteRef, serialHex string, reason int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if reason < localca.ReasonUnspecified || reason > localca.ReasonAACompromise || reason == 7 {
		return rejectedf("revocation reason %d is not an RFC 5280 reason code", reason)
	}
	st, err := decodeState(ref)
	if err != nil {
		return err
	}
	if !st.issued() {
		return rejectedf("the order has no issued certificate to revoke")
	}
	leaf, err := leafOf(st.ChainPEM)
	if err != nil {
		return fmt.Errorf("%w: local CA order state: %w", provider.ErrNotFound, err)
	}
	want, ok := new(big.Int).SetString(strings.TrimPrefix(strings.ToLower(serialHex), "0x"), 16)
	if !ok || want.Cmp(leaf.SerialNumber) != 0 {
		return rejectedf("serial %q is not the serial of the order's certificate", truncate(serialHex, 70))
	}
	return nil
}

// Kind returns "localca".
func (p *localCA) Kind() string { return KindName }

// RepeatSafe marks the local CA as safe to call twice: it keeps no state.
func (p *localCA) RepeatSafe() {}

// CheckCredentials checks that the CA's certificates are valid now.
func (p *localCA) CheckCredentials(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := p.now()
	for _, c := range []struct {
		what string
		cert *x509.Certificate
	}{{"intermediate", p.ca.Intermediate()}, {"root", p.ca.Root()}} {
		if now.After(c.cert.NotAfter) {
			return fmt.Errorf("local CA: the %s certificate %q expired at %s",
				c.what, c.cert.Subject.CommonName, c.cert.NotAfter.UTC().Format(time.RFC3339))
		}
		if now.Before(c.cert.NotBefore) {
			return fmt.Errorf("local CA: the %s certificate %q is not valid before %s",
				c.what, c.cert.Subject.CommonName, c.cert.NotBefore.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// PlaceOrder records an order. With auto_approve it is issued at once;
// otherwise it awaits an administrator's approval of each domain.
func (p *localCA) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	if strings.TrimSpace(r.Ref) == "" {
		return provider.Remote{}, rejectedf("the order has no reference")
	}
	st, err := p.newOrder(r.Ref, r)
	if err != nil {
		return provider.Remote{}, err
	}
	return p.finish(provider.RemoteRef{Ref: r.Ref, RemoteID: RemoteIDPrefix + r.Ref}, st)
}

// Renew orders the next term as a new order under the same remote id.
func (p *localCA) Renew(ctx context.Context, ref provider.RemoteRef, r provider.OrderRequest) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	out := provider.RemoteRef{Ref: r.Ref, RemoteID: ref.RemoteID}
	if out.Ref == "" {
		out.Ref = ref.Ref
	}
	if strings.TrimSpace(out.Ref) == "" {
		return provider.Remote{}, rejectedf("the order has no reference")
	}
	if out.RemoteID == "" {
		out.RemoteID = RemoteIDPrefix + out.Ref
	}
	st, err := p.newOrder(out.Ref, r)
	if err != nil {
		return provider.Remote{}, err
	}
	return p.finish(out, st)
}

// Sync reports the order as its state describes it. An order whose domains
// are all approved but that is not issued yet is issued now.
func (p *localCA) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	st, err := decodeState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	return p.finish(ref, st)
}

// Cancel does nothing: a local CA order has nothing to cancel or refund.
func (p *localCA) Cancel(ctx context.Context, _ provider.RemoteRef, _ string) error {
	return ctx.Err()
}

// RetryDCV is the administrator's approval of domain, or of every domain
// when domain is empty. Once every domain is approved the certificate is
// issued. For an order with nothing awaiting validation it changes nothing.
func (p *localCA) RetryDCV(ctx context.Context, ref provider.RemoteRef, domain string) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	st, err := decodeState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	req := st.pending() // nil when nothing awaits validation
	switch {
	case domain != "":
		in := req
		if in == nil {
			in = &st.Request
		}
		d := in.domain(domain)
		if d == nil {
			return provider.Remote{}, rejectedf("domain %q is not in the order", truncate(domain, 260))
		}
		if req != nil {
			d.Approved = true
		}
	case req != nil:
		approveAll(req)
	}
	return p.finish(ref, st)
}

// SetDCV changes how domain is to be validated. A changed method or e-mail
// withdraws an approval already given for the domain.
func (p *localCA) SetDCV(ctx context.Context, ref provider.RemoteRef, domain string, choice provider.DCVChoice) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	st, err := decodeState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	req := st.pending()
	if req == nil {
		return provider.Remote{}, rejectedf("the certificate is issued and nothing awaits domain validation")
	}
	d := req.domain(domain)
	if d == nil {
		return provider.Remote{}, rejectedf("domain %q is not in the order", truncate(domain, 260))
	}
	nd, err := domainChoice(d.Name, choice)
	if err != nil {
		return provider.Remote{}, err
	}
	nd.Approved = d.Approved && nd.Method == d.Method && nd.Email == d.Email
	*d = nd
	return p.finish(ref, st)
}

// Reissue replaces the issued certificate with one for a new CSR or new
// names. With auto_approve it is issued at once; otherwise the reissue
// awaits approval (RetryDCV) and the current certificate stays in the state
// until the new one replaces it.
func (p *localCA) Reissue(ctx context.Context, ref provider.RemoteRef, rr provider.ReissueRequest) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	st, err := decodeState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	if !st.issued() {
		return provider.Remote{}, rejectedf("the order has no issued certificate to reissue")
	}
	leaf, err := leafOf(st.ChainPEM)
	if err != nil {
		return provider.Remote{}, fmt.Errorf("%w: local CA order state: %w", provider.ErrNotFound, err)
	}
	csrPEM := rr.CSRPEM
	if strings.TrimSpace(csrPEM) == "" {
		csrPEM = st.Request.CSRPEM
	}
	names := orderNames(rr.CommonName, rr.SANs)
	if len(names) == 0 {
		names = st.Request.names()
	}
	notAfter := rr.NotAfter
	if notAfter.IsZero() {
		notAfter = leaf.NotAfter
	}
	req, err := newRequest(csrPEM, names, rr.DCV, &st.Request, notAfter)
	if err != nil {
		return provider.Remote{}, err
	}
	st.Reissue = &req
	return p.finish(ref, st)
}

// newOrder checks an order request and returns the state of the new order
// placed as ref.
func (p *localCA) newOrder(ref string, r provider.OrderRequest) (*orderState, error) {
	validation := strings.ToLower(strings.TrimSpace(r.Validation))
	if validation == "" {
		validation = localca.ValidationDV
	}
	if _, ok := validationLevels[validation]; !ok {
		return nil, rejectedf("unknown validation level %q; want dv, ov or ev", truncate(r.Validation, 20))
	}
	st := &orderState{Version: stateVersion, Ref: ref, Validation: validation}
	if validation != localca.ValidationDV {
		org, err := orgOf(validation, r.Org)
		if err != nil {
			return nil, err
		}
		st.Org = org
	}
	var names []string
	if strings.TrimSpace(r.CommonName) != "" {
		names = orderNames(r.CommonName, r.SANs)
	}
	req, err := newRequest(r.CSRPEM, names, r.DCV, nil, r.NotAfter)
	if err != nil {
		return nil, err
	}
	st.Request = req
	return st, nil
}

// orgOf checks the organisation of an OV or EV order.
func orgOf(validation string, o *provider.Organization) (*orgSubject, error) {
	if o == nil || strings.TrimSpace(o.Name) == "" {
		return nil, rejectedf("a %s certificate needs the organisation name", strings.ToUpper(validation))
	}
	country := strings.ToUpper(strings.TrimSpace(o.Country))
	if len(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z' {
		return nil, rejectedf("organisation country %q is not an ISO 3166 two-letter code", truncate(o.Country, 20))
	}
	return &orgSubject{
		Organization: strings.TrimSpace(o.Name),
		Country:      country,
		Province:     strings.TrimSpace(o.State),
		Locality:     strings.TrimSpace(o.City),
	}, nil
}

// orderNames is the common name followed by the other names, blanks left out.
func orderNames(cn string, sans []string) []string {
	var names []string
	for _, n := range append([]string{cn}, sans...) {
		if strings.TrimSpace(n) != "" {
			names = append(names, n)
		}
	}
	return names
}

// newRequest checks a CSR and names (the CSR's own names when names is
// empty) and returns the request, none of its domains approved. Each
// domain's validation is dcv's choice for it, else prev's, else e-mail.
func newRequest(csrPEM string, names []string, dcv map[string]provider.DCVChoice, prev *request, notAfter time.Time) (request, error) {
	csr, err := pki.ParseCSR([]byte(csrPEM))
	if err != nil {
		return request{}, rejected(err)
	}
	if err := pki.CheckKeyStrength(csr.PublicKey); err != nil {
		return request{}, rejected(fmt.Errorf("CSR key: %w", err))
	}
	given := names
	if len(given) == 0 {
		given = csr.Names
	}
	r := request{CSRPEM: string(pki.EncodeCSRPEM(csr.Raw)), NotAfter: notAfter}
	seen := map[string]bool{}
	for _, g := range given {
		n, err := pki.NormalizeDomain(g)
		if err != nil {
			return request{}, rejected(err)
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		choice, ok := dcv[g]
		if !ok {
			choice, ok = dcv[n]
		}
		if !ok && prev != nil {
			if pd := prev.domain(n); pd != nil {
				choice, ok = provider.DCVChoice{Method: pd.Method, Email: pd.Email}, true
			}
		}
		d, err := domainChoice(n, choice)
		if err != nil {
			return request{}, err
		}
		r.Domains = append(r.Domains, d)
	}
	return r, nil
}

func approveAll(r *request) {
	for i := range r.Domains {
		r.Domains[i].Approved = true
	}
}

// finish issues the pending request when all its domains are approved (or
// auto_approve is on) and returns the order as it then stands.
func (p *localCA) finish(ref provider.RemoteRef, st *orderState) (provider.Remote, error) {
	req := st.pending()
	if req != nil && p.autoApprove {
		approveAll(req)
	}
	if req != nil && req.allApproved() {
		if err := p.issue(st, req); err != nil {
			return provider.Remote{}, err
		}
	}
	ref.State = encodeState(st)
	out := provider.Remote{RemoteRef: ref}
	switch {
	case st.Reissue != nil:
		out.State, out.RawStatus, out.Message = provider.StateReissuing, rawReissueAwaiting, msgReissueAwaiting
		out.DCV = st.instructions(st.Reissue)
	case st.issued():
		leaf, err := leafOf(st.ChainPEM)
		if err != nil {
			return provider.Remote{}, fmt.Errorf("%w: local CA order state: %w", provider.ErrNotFound, err)
		}
		out.State, out.RawStatus, out.Message = provider.StateIssued, rawIssued, msgIssued
		out.ChainPEM = st.ChainPEM
		out.CertNotBefore, out.CertNotAfter = leaf.NotBefore, leaf.NotAfter
		out.DCV = st.instructions(&st.Request)
	default:
		out.State, out.RawStatus, out.Message = provider.StateAwaitingDCV, rawAwaiting, msgAwaiting
		out.DCV = st.instructions(&st.Request)
	}
	return out, nil
}

// issue signs the certificate for req, an approved request of st, and makes
// it st's issued request and chain.
func (p *localCA) issue(st *orderState, req *request) error {
	// newRequest checked the request; localca checks its signature again
	// as it signs.
	csr, err := pki.StoredCSR([]byte(req.CSRPEM))
	if err != nil {
		return rejected(err)
	}
	now := p.now().UTC().Truncate(time.Second)
	inter := p.ca.Intermediate()
	if !now.Before(inter.NotAfter) {
		return rejectedf("the local CA's intermediate certificate expired at %s", inter.NotAfter.UTC().Format(time.RFC3339))
	}
	notAfter := req.NotAfter
	if notAfter.IsZero() {
		notAfter = now.Add(localca.MaxValidity(now))
	}
	if notAfter.After(inter.NotAfter) { // a certificate cannot outlive its issuer
		notAfter = inter.NotAfter
	}
	ir := localca.IssueRequest{
		CSR:        csr,
		Names:      req.names(),
		NotBefore:  now,
		NotAfter:   notAfter,
		Validation: st.Validation,
	}
	if p.crlURL != "" {
		ir.CRLDistributionPoints = []string{p.crlURL}
	}
	if st.Validation != localca.ValidationDV && st.Org != nil {
		ir.Subject = pkix.Name{
			Organization: []string{st.Org.Organization},
			Country:      []string{st.Org.Country},
		}
		if st.Org.Province != "" {
			ir.Subject.Province = []string{st.Org.Province}
		}
		if st.Org.Locality != "" {
			ir.Subject.Locality = []string{st.Org.Locality}
		}
	}
	cert, err := p.ca.Issue(ir)
	if err != nil {
		if errors.Is(err, localca.ErrInvalidRequest) {
			return rejected(err)
		}
		return fmt.Errorf("local CA: %w", err)
	}
	issued := *req
	approveAll(&issued)
	st.Request = issued
	st.ChainPEM = string(pki.EncodePEMCertificates(cert, inter))
	st.Reissue = nil
	return nil
}
