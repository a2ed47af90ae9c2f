package acme

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	xacme "golang.org/x/crypto/acme"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
)

// Messages of the module's answers.
const (
	msgSubmitted  = "The order is placed at the CA; the validation details follow."
	msgPublish    = "Publish the validation shown for each domain, then confirm it. The CA checks each name once: a failed check ends the order."
	msgValidating = "The CA is validating the domains."
	msgIssuing    = "The CA is issuing the certificate."
	msgCancelled  = "The order was cancelled."
)

// PlaceOrder creates the order at the CA and records its authorizations with
// the challenge chosen for each name; publishing and accepting start with
// the next Sync. Names the CA cannot validate as asked (a wildcard by
// HTTP-01, an e-mail method) and a CSR whose names differ from the order's
// are refused with [provider.ErrRejected] before anything is sent.
func (p *acmeProvider) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	st, status, err := p.newOrder(ctx, r.CSRPEM, r.CommonName, r.SANs, r.DCV)
	if err != nil {
		return provider.Remote{}, err
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme order placed",
		slog.String("ref", r.Ref), slog.String("order_url", st.OrderURL), slog.Any("names", st.Names))
	return p.placed(ctx, provider.RemoteRef{Ref: r.Ref}, st, status), nil
}

// Reissue places a new order for the names and CSR of r; it replaces the
// order of ref, whose certificate stays revocable through the new State.
func (p *acmeProvider) Reissue(ctx context.Context, ref provider.RemoteRef, r provider.ReissueRequest) (provider.Remote, error) {
	old, err := loadState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	st, status, err := p.newOrder(ctx, r.CSRPEM, r.CommonName, r.SANs, r.DCV)
	if err != nil {
		return provider.Remote{}, err
	}
	st.Reissue = true
	st.Earlier = old.Earlier
	if l := old.leaf(); l != nil {
		st.Earlier = append(st.Earlier, string(pki.EncodePEMCertificates(l)))
	}
	if n := len(st.Earlier); n > maxEarlier {
		st.Earlier = st.Earlier[n-maxEarlier:]
	}
	for i := range old.Authzs {
		p.cleanUp(ctx, &old.Authzs[i])
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme reissue order placed",
		slog.String("ref", ref.Ref), slog.String("order_url", st.OrderURL), slog.Any("names", st.Names))
	return p.placed(ctx, provider.RemoteRef{Ref: ref.Ref}, st, status), nil
}

// newOrder checks a request and creates its order at the CA. It returns the
// new state and the order's status.
func (p *acmeProvider) newOrder(ctx context.Context, csrPEM, cn string, sans []string, dcv map[string]provider.DCVChoice) (*orderState, string, error) {
	names, err := orderNames(cn, sans)
	if err != nil {
		return nil, "", err
	}
	csr, err := pki.ParseCSR([]byte(csrPEM))
	if err != nil {
		return nil, "", fmt.Errorf("acme: %w: %w", provider.ErrRejected, err)
	}
	if !sameSet(names, csr.Names) {
		return nil, "", fmt.Errorf("acme: %w: the CSR names %s but the order names %s; ACME needs the same names",
			provider.ErrRejected, strings.Join(csr.Names, ", "), strings.Join(names, ", "))
	}
	st := &orderState{Version: stateVersion, CSRPEM: string(pki.EncodeCSRPEM(csr.Raw)), Names: names,
		DCV: make(map[string]provider.DCVMethod, len(names))}
	byName := make(map[string]provider.DCVChoice, len(dcv))
	for k, v := range dcv {
		byName[normName(k)] = v
	}
	for _, n := range names {
		if st.DCV[n], err = p.chooseMethod(n, byName[n]); err != nil {
			return nil, "", err
		}
	}
	var opts []xacme.OrderOption
	if p.s.profile != "" {
		dir, err := p.client.Discover(ctx)
		if err != nil {
			return nil, "", classify("fetch the directory", err, false)
		}
		if _, ok := dir.Profiles[xacme.ProfileName(p.s.profile)]; !ok {
			return nil, "", fmt.Errorf("acme: %w: the CA has no issuance profile %q (setting %q)",
				provider.ErrRejected, p.s.profile, SettingProfile)
		}
		opts = append(opts, xacme.WithOrderIssuanceProfile(xacme.ProfileName(p.s.profile)))
	}
	o, err := p.client.AuthorizeOrder(ctx, xacme.DomainIDs(names...), opts...)
	if err != nil {
		return nil, "", classify("create the order", err, true)
	}
	if o.URI == "" {
		return nil, "", fmt.Errorf("acme: create the order: %w: the CA returned no order URL", provider.ErrUnknownOutcome)
	}
	st.OrderURL = o.URI
	for _, u := range o.AuthzURLs {
		st.Authzs = append(st.Authzs, authzState{URL: u})
	}
	return st, o.Status, nil
}

// chooseMethod is the validation of name for the customer's choice: HTTP-01
// unless asked otherwise, DNS-01 for wildcards or when the module publishes
// DNS records only.
func (p *acmeProvider) chooseMethod(name string, c provider.DCVChoice) (provider.DCVMethod, error) {
	wildcard := pki.IsWildcard(name)
	switch c.Method {
	case "":
		if wildcard || (p.http == nil && p.dns != nil) {
			return provider.DCVACMEDNS01, nil
		}
		return provider.DCVACMEHTTP01, nil
	case provider.DCVACMEHTTP01, provider.DCVHTTPFile:
		if wildcard {
			return "", fmt.Errorf("acme: %w: %s: a wildcard name can only be validated by DNS-01 (%s)",
				provider.ErrRejected, name, provider.DCVACMEDNS01)
		}
		return provider.DCVACMEHTTP01, nil
	case provider.DCVACMEDNS01, provider.DCVDNSTXT:
		return provider.DCVACMEDNS01, nil
	default:
		return "", fmt.Errorf("acme: %w: %s: validation method %q is not available; ACME validates by %s or %s",
			provider.ErrRejected, name, c.Method, provider.DCVACMEHTTP01, provider.DCVACMEDNS01)
	}
}

// placed reads the new order's authorizations, best effort: what it cannot
// read now, Sync reads later.
func (p *acmeProvider) placed(ctx context.Context, ref provider.RemoteRef, st *orderState, status string) provider.Remote {
	for i := range st.Authzs {
		a := &st.Authzs[i]
		z, err := p.client.GetAuthorization(ctx, a.URL)
		if err != nil {
			p.log.LogAttrs(ctx, slog.LevelWarn, "acme read authorization", slog.String("ref", ref.Ref),
				slog.String("authz_url", a.URL), slog.Any("err", classify("read the authorization", err, false)))
			break
		}
		a.observe(z, st)
	}
	return p.report(ref, st, status)
}

// Sync reads the order and takes the next steps: publish and accept the
// challenges the module answers itself, finalize once the CA has validated
// every name, fetch the chain. See the package documentation.
func (p *acmeProvider) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	st, err := loadState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	return p.advance(ctx, ref, st, nil)
}

// RetryDCV accepts the challenges of domain (every name when empty): the
// customer has published the validation. The CA checks each challenge once.
func (p *acmeProvider) RetryDCV(ctx context.Context, ref provider.RemoteRef, domain string) (provider.Remote, error) {
	st, err := loadState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	domain = normName(domain)
	if domain != "" && !slices.Contains(st.Names, domain) {
		return provider.Remote{}, fmt.Errorf("acme: %w: the order has no name %q", provider.ErrRejected, domain)
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme validation confirmed", slog.String("ref", ref.Ref), slog.String("domain", domain))
	return p.advance(ctx, ref, st, func(name string) bool { return domain == "" || name == domain })
}

// SetDCV changes how domain is validated while the CA has not started
// checking it.
func (p *acmeProvider) SetDCV(ctx context.Context, ref provider.RemoteRef, domain string, choice provider.DCVChoice) (provider.Remote, error) {
	st, err := loadState(ref)
	if err != nil {
		return provider.Remote{}, err
	}
	domain = normName(domain)
	if !slices.Contains(st.Names, domain) {
		return provider.Remote{}, fmt.Errorf("acme: %w: the order has no name %q", provider.ErrRejected, domain)
	}
	m, err := p.chooseMethod(domain, choice)
	if err != nil {
		return provider.Remote{}, err
	}
	for i := range st.Authzs {
		a := &st.Authzs[i]
		if a.Name != domain || a.Method == m {
			continue
		}
		if a.Accepted || a.final() {
			return provider.Remote{}, fmt.Errorf("acme: %w: the CA has checked %s already; its method can no longer change",
				provider.ErrRejected, domain)
		}
		p.cleanUp(ctx, a)
		*a = authzState{URL: a.URL, Name: a.Name, Method: m}
	}
	st.DCV[domain] = m
	return p.advance(ctx, ref, st, nil)
}

// advance reads the order and takes the steps it allows. acceptNow, when
// set, tells which names' challenges to accept now though the module does
// not publish them.
func (p *acmeProvider) advance(ctx context.Context, ref provider.RemoteRef, st *orderState, acceptNow func(string) bool) (provider.Remote, error) {
	if st.ChainPEM != "" {
		return p.report(ref, st, xacme.StatusValid), nil
	}
	o, err := p.client.GetOrder(ctx, st.OrderURL)
	if err != nil {
		return provider.Remote{}, classify("read the order", err, false)
	}
	switch o.Status {
	case xacme.StatusPending:
		if err := p.advanceAuthzs(ctx, st, acceptNow); err != nil {
			return provider.Remote{}, err
		}
		return p.report(ref, st, o.Status), nil
	case xacme.StatusReady:
		p.authorized(ctx, st)
		return p.finalize(ctx, ref, st, o)
	case xacme.StatusProcessing:
		p.authorized(ctx, st)
		return p.report(ref, st, o.Status), nil
	case xacme.StatusValid:
		p.authorized(ctx, st)
		der, err := p.client.FetchCert(ctx, o.CertURL, true)
		if err != nil {
			return provider.Remote{}, classify("fetch the certificate", err, false)
		}
		return p.issued(ctx, ref, st, der, o.CertURL)
	case xacme.StatusInvalid:
		return p.invalid(ctx, ref, st, o.Error), nil
	default:
		return provider.Remote{}, fmt.Errorf("acme: read the order: %w: unknown status %q", provider.ErrUnavailable, o.Status)
	}
}

// advanceAuthzs reads each authorization and takes its next step: publish
// the response, accept the challenge, clean up once decided.
func (p *acmeProvider) advanceAuthzs(ctx context.Context, st *orderState, acceptNow func(string) bool) error {
	for i := range st.Authzs {
		a := &st.Authzs[i]
		z, err := p.client.GetAuthorization(ctx, a.URL)
		if err != nil {
			return classify("read the authorization", err, false)
		}
		a.observe(z, st)
		if a.final() {
			p.cleanUp(ctx, a)
			continue
		}
		if a.Challenge == "" {
			continue // the CA offers no such challenge: report says so
		}
		// HTTP-01 responses are published again on every call while the CA
		// may fetch them (an in-memory publisher loses them on a restart);
		// a DNS record once. Also when accepted already, by a call whose
		// state was lost: the CA may still be checking.
		auto := p.publishes(a.Method)
		if auto && (a.PresentedAt.IsZero() || a.Method != provider.DCVACMEDNS01) {
			if err := p.present(ctx, a); err != nil {
				return err
			}
		}
		if a.Accepted {
			continue
		}
		if (auto && p.waited(a)) || (acceptNow != nil && acceptNow(a.Name)) {
			if err := p.accept(ctx, st, a, z); err != nil {
				return err
			}
		}
	}
	return nil
}

// publishes reports whether the module publishes responses for method.
func (p *acmeProvider) publishes(m provider.DCVMethod) bool {
	if m == provider.DCVACMEDNS01 {
		return p.dns != nil
	}
	return p.http != nil
}

// waited reports whether a published response may be checked now.
func (p *acmeProvider) waited(a *authzState) bool {
	return a.Method != provider.DCVACMEDNS01 || p.now().Sub(a.PresentedAt) >= p.s.dnsWait
}

func (p *acmeProvider) present(ctx context.Context, a *authzState) error {
	var err error
	if a.Method == provider.DCVACMEDNS01 {
		var v string
		if v, err = p.client.DNS01ChallengeRecord(a.Token); err == nil {
			err = p.dns.Present(ctx, dnsRecordName(a.Name), v)
		}
	} else {
		var v string
		if v, err = p.client.HTTP01ChallengeResponse(a.Token); err == nil {
			err = p.http.Present(ctx, a.Name, a.Token, v)
		}
	}
	if err != nil {
		return fmt.Errorf("acme: publish the %s response for %s: %w: %w", challengeType(a.Method), a.Name, provider.ErrUnavailable, err)
	}
	if a.PresentedAt.IsZero() {
		a.PresentedAt = p.now()
	}
	a.CleanedUp = false
	p.log.LogAttrs(ctx, slog.LevelDebug, "acme challenge response published",
		slog.String("domain", a.Name), slog.String("challenge", challengeType(a.Method)))
	return nil
}

// accept tells the CA to check a's challenge.
func (p *acmeProvider) accept(ctx context.Context, st *orderState, a *authzState, z *xacme.Authorization) error {
	var ch *xacme.Challenge
	for _, c := range z.Challenges {
		if c.URI == a.Challenge {
			ch = c
		}
	}
	if ch == nil {
		return fmt.Errorf("acme: accept the challenge for %s: %w: the authorization no longer lists it", a.Name, provider.ErrUnavailable)
	}
	if _, err := p.client.Accept(ctx, ch); err != nil {
		// A challenge accepted by an earlier call whose state was lost is
		// refused as not pending: read it again before reporting an error.
		if z2, rerr := p.client.GetAuthorization(ctx, a.URL); rerr == nil {
			if a.observe(z2, st); a.Accepted || a.final() {
				return nil
			}
		}
		return classify("accept the challenge for "+a.Name, err, true)
	}
	a.Accepted = true
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme challenge accepted",
		slog.String("domain", a.Name), slog.String("challenge", ch.Type))
	return nil
}

// authorized records that every authorization is valid (the order is ready
// or later) and removes the published responses.
func (p *acmeProvider) authorized(ctx context.Context, st *orderState) {
	for i := range st.Authzs {
		a := &st.Authzs[i]
		a.Status = xacme.StatusValid
		p.cleanUp(ctx, a)
	}
}

// cleanUp removes a published response, best effort: a record left behind
// does no harm, and a failure is logged for the hoster.
func (p *acmeProvider) cleanUp(ctx context.Context, a *authzState) {
	if a.PresentedAt.IsZero() || a.CleanedUp {
		return
	}
	var err error
	switch {
	case !p.publishes(a.Method):
		// The publisher was removed from the settings: nothing to call.
	case a.Method == provider.DCVACMEDNS01:
		var v string
		if v, err = p.client.DNS01ChallengeRecord(a.Token); err == nil {
			err = p.dns.CleanUp(ctx, dnsRecordName(a.Name), v)
		}
	default:
		err = p.http.CleanUp(ctx, a.Name, a.Token)
	}
	if err != nil {
		p.log.LogAttrs(ctx, slog.LevelWarn, "acme clean up challenge response",
			slog.String("domain", a.Name), slog.String("challenge", challengeType(a.Method)), slog.Any("err", err))
		return
	}
	a.CleanedUp = true
}

// finalize sends the CSR and waits a little for the certificate.
func (p *acmeProvider) finalize(ctx context.Context, ref provider.RemoteRef, st *orderState, o *xacme.Order) (provider.Remote, error) {
	block, _ := pem.Decode([]byte(st.CSRPEM))
	if block == nil {
		return provider.Remote{}, fmt.Errorf("acme: order %q: the stored CSR is not PEM", ref.Ref)
	}
	fctx, cancel := context.WithTimeout(ctx, p.finalizeWait)
	defer cancel()
	st.Finalized = true
	der, certURL, err := p.client.CreateCertFromOrder(fctx, o, block.Bytes, true)
	var oe *xacme.OrderError
	switch {
	case err == nil:
		return p.issued(ctx, ref, st, der, certURL)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded), isProblem(err, "orderNotReady"):
		// The CA has the CSR (or had it from an earlier call) and is still
		// at work: the next Sync reads the outcome.
		return p.report(ref, st, xacme.StatusProcessing), nil
	case errors.As(err, &oe):
		return p.invalid(ctx, ref, st, oe.Problem), nil
	}
	err = classify("finalize the order", err, true)
	if errors.Is(err, provider.ErrRejected) {
		// The CA refused the CSR (badCSR): the same CSR fails again.
		out := p.report(ref, st, xacme.StatusInvalid)
		out.State, out.Message = provider.StateFailed, truncate("The CA refused the CSR: "+err.Error(), 1000)
		return out, nil
	}
	return provider.Remote{}, err
}

// issued records the chain the CA issued.
func (p *acmeProvider) issued(ctx context.Context, ref provider.RemoteRef, st *orderState, der [][]byte, certURL string) (provider.Remote, error) {
	certs := make([]*x509.Certificate, 0, len(der))
	for _, d := range der {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return provider.Remote{}, fmt.Errorf("acme: fetch the certificate: %w: parse: %w", provider.ErrUnavailable, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return provider.Remote{}, fmt.Errorf("acme: fetch the certificate: %w: empty chain", provider.ErrUnavailable)
	}
	csr, err := pki.ParseCSR([]byte(st.CSRPEM))
	if err != nil {
		return provider.Remote{}, fmt.Errorf("acme: order %q: stored CSR: %w", ref.Ref, err)
	}
	if !pki.MatchesKey(certs[0], csr.PublicKey) {
		return provider.Remote{}, fmt.Errorf("acme: fetch the certificate: %w: the certificate at %s is not for the CSR's key",
			provider.ErrRejected, certURL)
	}
	st.CertURL, st.ChainPEM = certURL, string(pki.EncodePEMCertificates(certs...))
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme certificate issued", slog.String("ref", ref.Ref),
		slog.String("order_url", st.OrderURL), slog.String("serial", certs[0].SerialNumber.Text(16)),
		slog.Time("not_after", certs[0].NotAfter))
	return p.report(ref, st, xacme.StatusValid), nil
}

// invalid is the answer for an order the CA made invalid: cancelled when we
// deactivated it, failed otherwise, with the CA's reasons.
func (p *acmeProvider) invalid(ctx context.Context, ref provider.RemoteRef, st *orderState, problem *xacme.Error) provider.Remote {
	cancelled := false
	var reasons []string
	if problem != nil {
		reasons = append(reasons, problemString(problem))
	}
	for i := range st.Authzs {
		a := &st.Authzs[i]
		if z, err := p.client.GetAuthorization(ctx, a.URL); err == nil {
			a.observe(z, st)
		}
		p.cleanUp(ctx, a)
		switch {
		case a.Status == xacme.StatusDeactivated:
			cancelled = true
		case a.Problem != "":
			reasons = append(reasons, a.Name+": "+a.Problem)
		case a.Status == xacme.StatusExpired:
			reasons = append(reasons, a.Name+": the validation expired")
		}
	}
	out := p.report(ref, st, xacme.StatusInvalid)
	if cancelled && problem == nil {
		out.State, out.Message = provider.StateCancelled, msgCancelled
		return out
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "the CA gave no reason")
	}
	out.State = provider.StateFailed
	out.Message = truncate("The CA refused the order: "+strings.Join(reasons, "; "), 1000)
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme order invalid", slog.String("ref", ref.Ref),
		slog.String("order_url", st.OrderURL), slog.String("reason", out.Message))
	return out
}

// Cancel deactivates the order's pending authorizations, which makes the
// order invalid (ACME has no order cancellation and no refunds), and removes
// published responses. An issued order is left alone: revoke it instead.
func (p *acmeProvider) Cancel(ctx context.Context, ref provider.RemoteRef, reason string) error {
	st, err := loadState(ref)
	if err != nil {
		return err
	}
	if st.ChainPEM != "" {
		return nil
	}
	for i := range st.Authzs {
		a := &st.Authzs[i]
		z, err := p.client.GetAuthorization(ctx, a.URL)
		if err != nil {
			return classify("read the authorization", err, false)
		}
		a.observe(z, st)
		if z.Status == xacme.StatusPending {
			if err := p.client.RevokeAuthorization(ctx, a.URL); err != nil {
				return classify("deactivate the authorization for "+a.Name, err, true)
			}
		}
		p.cleanUp(ctx, a)
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme order cancelled", slog.String("ref", ref.Ref),
		slog.String("order_url", st.OrderURL), slog.String("reason", reason))
	return nil
}

// Revoke revokes the order's certificate with the given serial (hex; the
// current one when empty), signed with the account key. A certificate
// replaced by a reissue can still be revoked. Revoking twice succeeds.
func (p *acmeProvider) Revoke(ctx context.Context, ref provider.RemoteRef, serialHex string, reason int) error {
	st, err := loadState(ref)
	if err != nil {
		return err
	}
	want := normSerial(serialHex)
	var cert *x509.Certificate
	for _, c := range st.certificates() {
		if want == "" || c.SerialNumber.Text(16) == want {
			cert = c
			break
		}
	}
	if cert == nil {
		return fmt.Errorf("acme: revoke: %w: order %q has no certificate with serial %q", provider.ErrNotFound, ref.Ref, serialHex)
	}
	if err := p.client.RevokeCert(ctx, nil, cert.Raw, xacme.CRLReasonCode(reason)); err != nil {
		return classify("revoke the certificate", err, true)
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "acme certificate revoked", slog.String("ref", ref.Ref),
		slog.String("serial", cert.SerialNumber.Text(16)), slog.Int("reason", reason))
	return nil
}

// report is the order as the core sees it, for the ACME order status.
// Callers adjust State and Message for an invalid order.
func (p *acmeProvider) report(ref provider.RemoteRef, st *orderState, status string) provider.Remote {
	out := provider.Remote{
		RemoteRef: provider.RemoteRef{Ref: ref.Ref, RemoteID: st.OrderURL, State: st.marshal()},
		RawStatus: status,
		DCV:       p.instructions(st),
	}
	switch status {
	case xacme.StatusPending:
		out.State, out.Message = provider.StateAwaitingDCV, msgValidating
		for _, a := range st.Authzs {
			switch {
			case a.Name == "":
				out.State, out.Message = provider.StateSubmitted, msgSubmitted
			case a.Status == xacme.StatusPending && a.Challenge == "":
				out.State = provider.StateFailed
				out.Message = fmt.Sprintf("The CA offers no %s validation for %s.", challengeType(a.Method), a.Name)
				return out
			case a.Status == xacme.StatusPending && !a.Accepted && !p.publishes(a.Method) && out.State != provider.StateSubmitted:
				out.Message = msgPublish
			}
		}
	case xacme.StatusReady, xacme.StatusProcessing:
		out.State, out.Message = provider.StateProcessing, msgIssuing
	case xacme.StatusValid:
		out.State = provider.StateProcessing
		if l := st.leaf(); l != nil {
			out.State, out.ChainPEM = provider.StateIssued, st.ChainPEM
			out.CertNotBefore, out.CertNotAfter = l.NotBefore, l.NotAfter
		}
	case xacme.StatusInvalid:
		out.State = provider.StateFailed
	}
	if st.Reissue {
		switch out.State {
		case provider.StateSubmitted, provider.StateAwaitingDCV, provider.StateProcessing:
			out.State = provider.StateReissuing
		}
	}
	return out
}

// instructions are the validation of each name: what to publish where.
func (p *acmeProvider) instructions(st *orderState) []provider.DCVInstruction {
	var out []provider.DCVInstruction
	for _, a := range st.Authzs {
		if a.Name == "" {
			continue
		}
		in := provider.DCVInstruction{Domain: a.Name, Method: a.Method, Status: "invalid", Deadline: a.Expires}
		switch a.Status {
		case xacme.StatusPending:
			in.Status = "pending"
		case xacme.StatusValid:
			in.Status = "valid"
		}
		if a.Token != "" {
			if a.Method == provider.DCVACMEDNS01 {
				in.DNSName, in.DNSType = dnsRecordName(a.Name), "TXT"
				in.Content, _ = p.client.DNS01ChallengeRecord(a.Token)
			} else {
				in.HTTPURL = "http://" + a.Name + ChallengePath + a.Token
				in.Content, _ = p.client.HTTP01ChallengeResponse(a.Token)
			}
		}
		out = append(out, in)
	}
	return out
}

// orderNames are the common name and the SANs, normalised, without
// duplicates, the common name first.
func orderNames(cn string, sans []string) ([]string, error) {
	var names []string
	for _, n := range append([]string{cn}, sans...) {
		if strings.TrimSpace(n) == "" {
			continue
		}
		norm, err := pki.NormalizeDomain(n)
		if err != nil {
			return nil, fmt.Errorf("acme: %w: %w", provider.ErrRejected, err)
		}
		if !slices.Contains(names, norm) {
			names = append(names, norm)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("acme: %w: the order names no domain", provider.ErrRejected)
	}
	return names, nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func normName(s string) string {
	if n, err := pki.NormalizeDomain(s); err == nil {
		return n
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
}

// normSerial is a hex serial as big.Int.Text(16) writes it.
func normSerial(s string) string {
	s = strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(strings.TrimSpace(s)))
	if s == "" {
		return ""
	}
	if t := strings.TrimLeft(s, "0"); t != "" {
		return t
	}
	return "0"
}
