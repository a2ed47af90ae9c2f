package thesslstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/certsvc/certsvc/internal/provider"
)

// Fixed values of new orders and reissues. The SSL Store wants a server
// type and a hash algorithm; certsvc only moves CSRs and does not install.
const (
	webServerType = "Other"
	signatureHash = "SHA2-256"
	serverCount   = 1
)

// approverMethods are the changeapproveremail ApproverMethod values. The
// field is in the official SDK but its values are not documented; these
// follow the neworder indicators (assumed).
var approverMethods = map[provider.DCVMethod]string{
	provider.DCVEmail:     "EMAIL",
	provider.DCVHTTPFile:  "FILE",
	provider.DCVHTTPSFile: "HTTPS",
	provider.DCVDNSCNAME:  "CNAME",
}

// sslStore is the provider. It keeps no state: orders live at the API.
type sslStore struct {
	c   *client
	log *slog.Logger
}

var (
	_ provider.Provider        = (*sslStore)(nil)
	_ provider.RefLookup       = (*sslStore)(nil)
	_ provider.Catalog         = (*sslStore)(nil)
	_ provider.ApproverLister  = (*sslStore)(nil)
	_ provider.DCVController   = (*sslStore)(nil)
	_ provider.Reissuer        = (*sslStore)(nil)
	_ provider.Renewer         = (*sslStore)(nil)
	_ provider.BalanceReporter = (*sslStore)(nil)
	_ provider.Revoker         = (*sslStore)(nil)
)

// Kind returns "thesslstore".
func (p *sslStore) Kind() string { return KindName }

// CheckCredentials calls health/validate with the partner code and token.
// Refused credentials are provider.ErrRejected with the API's message.
func (p *sslStore) CheckCredentials(ctx context.Context) error {
	var resp validateReply
	err := p.c.call(ctx, epValidate, &validateRequest{}, &resp)
	if errors.Is(err, provider.ErrRejected) {
		return fmt.Errorf("%w (check the secrets %q and %q; sandbox and live credentials differ)",
			err, SecretPartnerCode, SecretAuthToken)
	}
	return err
}

// PlaceOrder places a new order with r.Ref as CustomOrderID. When the API
// says that CustomOrderID is already used, the order placed before under
// it is returned: r.Ref is ours, so it is this order.
func (p *sslStore) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	return p.newOrder(ctx, r, "")
}

// Renew places the next term as a new order flagged isRenewalOrder and
// linked to ref.RemoteID, with r.Ref as its CustomOrderID.
func (p *sslStore) Renew(ctx context.Context, ref provider.RemoteRef, r provider.OrderRequest) (provider.Remote, error) {
	return p.newOrder(ctx, r, ref.RemoteID)
}

func (p *sslStore) newOrder(ctx context.Context, r provider.OrderRequest, related string) (provider.Remote, error) {
	req, err := newOrderBody(r, related)
	if err != nil {
		return provider.Remote{}, err
	}
	if req.ApproverEmail == "" {
		// Integrations send an approver address even for file and CNAME
		// validation (§1.4): take the API's first choice.
		if req.ApproverEmail, err = p.defaultApprover(ctx, r.ProductCode, r.CommonName); err != nil {
			return provider.Remote{}, err
		}
	}
	var o orderReply
	err = p.c.call(ctx, epNewOrder, req, &o)
	if ae := (*apiError)(nil); errors.As(err, &ae) && isDuplicateRef(ae.msg) {
		return p.existing(ctx, r.Ref, err)
	}
	if err != nil {
		return provider.Remote{}, err
	}
	ref := provider.RemoteRef{Ref: r.Ref}
	remote := toRemote(ref, &o)
	if remote.State == provider.StateIssued {
		if err := p.addChain(ctx, &remote); err != nil {
			// The order exists: report it, and let Sync fetch the chain.
			p.log.WarnContext(ctx, "issued order not downloadable yet", "ref", r.Ref, "err", err)
			remote.State = provider.StateProcessing
			remote.Message = joinNotes(remote.Message, "Issued; the certificate is fetched at the next sync.")
		}
	}
	changed, note := p.domainDCV(ctx, remote.RemoteRef, r)
	if changed && remote.State == provider.StateAwaitingDCV {
		// Show the instructions of the methods just set; the placed order
		// stands even if it cannot be read now.
		if o, err := p.status(ctx, remote.RemoteRef); err == nil {
			if fresh := toRemote(remote.RemoteRef, o); fresh.State != provider.StateIssued {
				remote = fresh
			}
		} else {
			p.log.WarnContext(ctx, "read the order after setting its validation", "ref", r.Ref, "err", err)
		}
	}
	remote.Message = joinNotes(remote.Message, note)
	return remote, nil
}

// existing returns the order already placed under ref, after neworder said
// the CustomOrderID is taken.
func (p *sslStore) existing(ctx context.Context, ref string, dup error) (provider.Remote, error) {
	remote, found, err := p.FindByRef(ctx, ref)
	switch {
	case err != nil:
		return provider.Remote{}, fmt.Errorf("thesslstore: %s: %w: CustomOrderID %q is taken and its order cannot be read: %w",
			epNewOrder.name, provider.ErrUnknownOutcome, ref, err)
	case !found:
		// The API says the reference is taken but cannot show it yet:
		// reconcile later rather than fail an order that may exist.
		return provider.Remote{}, fmt.Errorf("thesslstore: %s: %w: CustomOrderID %q is taken but not found yet: %w",
			epNewOrder.name, provider.ErrUnknownOutcome, ref, dup)
	}
	p.log.InfoContext(ctx, "order already placed under this ref", "ref", ref, "remote_id", remote.RemoteID)
	return remote, nil
}

// newOrderBody builds and checks a neworder body. Its errors are
// provider.ErrRejected: the same request would fail again.
func newOrderBody(r provider.OrderRequest, related string) (*newOrderRequest, error) {
	reject := func(format string, args ...any) error {
		return fmt.Errorf("thesslstore: %s: %w: "+format, append([]any{epNewOrder.name, provider.ErrRejected}, args...)...)
	}
	switch {
	case strings.TrimSpace(r.Ref) == "":
		return nil, reject("no order reference")
	case strings.TrimSpace(r.ProductCode) == "":
		return nil, reject("no product code")
	case strings.TrimSpace(r.CommonName) == "":
		return nil, reject("no common name")
	case strings.TrimSpace(r.CSRPEM) == "":
		return nil, reject("no CSR")
	case r.PeriodMonths <= 0:
		return nil, reject("the period must be at least one month, not %d", r.PeriodMonths)
	case (r.Validation == "ov" || r.Validation == "ev") && (r.Org == nil || strings.TrimSpace(r.Org.Name) == ""):
		return nil, reject("an %s order needs the organisation", strings.ToUpper(r.Validation))
	}
	ind, approver, err := orderDCV(r.CommonName, r.SANs, r.DCV)
	if err != nil {
		return nil, reject("%w", err)
	}
	req := &newOrderRequest{
		CustomOrderID:             r.Ref,
		ProductCode:               r.ProductCode,
		RelatedTheSSLStoreOrderID: related,
		IsRenewalOrder:            related != "",
		ValidityPeriod:            r.PeriodMonths,
		ServerCount:               serverCount,
		CSR:                       r.CSRPEM,
		DomainName:                r.CommonName,
		DNSNames:                  r.SANs,
		WebServerType:             webServerType,
		SignatureHashAlgorithm:    signatureHash,
		ApproverEmail:             approver,
		dcvIndicators:             ind,
		AdminContact:              toContact(r.Admin, r.Org),
		TechnicalContact:          toContact(r.Tech, r.Org),
	}
	if r.Org != nil && r.Org.Name != "" {
		req.OrganizationInfo = &organizationInfo{
			OrganizationName: r.Org.Name,
			Division:         r.Org.Department,
			OrganizationAddress: organizationAddress{AddressLine1: r.Org.Address, City: r.Org.City,
				Region: r.Org.State, PostalCode: r.Org.PostalCode, Country: r.Org.Country, Phone: r.Org.Phone},
		}
	}
	return req, nil
}

// orderDCV is the order-level validation of a new order: the common name's
// method, and an approver address (the common name's, else any domain's
// e-mail choice, else "" for the caller to fill in). Every domain's method
// must be one the API offers; domains that differ from the order level
// are set after the order is placed (domainDCV).
func orderDCV(cn string, sans []string, dcv map[string]provider.DCVChoice) (dcvIndicators, string, error) {
	primary, ok := choiceFor(dcv, cn)
	if !ok {
		return dcvIndicators{}, "", fmt.Errorf("no validation method chosen for %q", cn)
	}
	approver := ""
	for _, name := range append([]string{cn}, sans...) {
		c, ok := choiceFor(dcv, name)
		if !ok {
			continue // validated like the common name
		}
		if _, ok := approverMethods[c.Method]; !ok {
			return dcvIndicators{}, "", fmt.Errorf("validation method %q (for %q) is not offered by The SSL Store; use email, http_file, https_file or dns_cname", c.Method, name)
		}
		if c.Method == provider.DCVEmail && strings.TrimSpace(c.Email) == "" {
			return dcvIndicators{}, "", fmt.Errorf("e-mail validation of %q needs an approver address", name)
		}
		if approver == "" && c.Method == provider.DCVEmail {
			approver = c.Email
		}
	}
	if primary.Method == provider.DCVEmail {
		approver = primary.Email
	}
	return indicators(primary.Method), approver, nil
}

func indicators(m provider.DCVMethod) dcvIndicators {
	return dcvIndicators{
		FileAuthDVIndicator:      m == provider.DCVHTTPFile,
		HTTPSFileAuthDVIndicator: m == provider.DCVHTTPSFile,
		CNAMEAuthDVIndicator:     m == provider.DCVDNSCNAME,
	}
}

// choiceFor is the validation chosen for name, looked up as given and
// without a wildcard label.
func choiceFor(dcv map[string]provider.DCVChoice, name string) (provider.DCVChoice, bool) {
	if c, ok := dcv[name]; ok {
		return c, true
	}
	c, ok := dcv[strings.TrimPrefix(name, "*.")]
	return c, ok
}

// defaultApprover is the first approver address the API offers for the
// domain, preferring admin@ and administrator@.
func (p *sslStore) defaultApprover(ctx context.Context, product, domain string) (string, error) {
	list, err := p.ApproverEmails(ctx, product, strings.TrimPrefix(domain, "*."))
	if err != nil {
		return "", err
	}
	for _, prefix := range []string{"admin@", "administrator@"} {
		if i := slices.IndexFunc(list, func(e string) bool { return strings.HasPrefix(strings.ToLower(e), prefix) }); i >= 0 {
			return list[i], nil
		}
	}
	if len(list) == 0 {
		return "", fmt.Errorf("thesslstore: %s: %w: no approver address offered for %q", epApprovers.name, provider.ErrRejected, domain)
	}
	return list[0], nil
}

// domainDCV sets the validation of the extra names whose choice differs
// from the order level, once the order exists, and reports whether it
// changed any. Failures cannot undo the order: they are logged and
// returned as a note for the customer, who can choose the method again.
func (p *sslStore) domainDCV(ctx context.Context, ref provider.RemoteRef, r provider.OrderRequest) (bool, string) {
	primary, _ := choiceFor(r.DCV, r.CommonName)
	changed := false
	var failed []string
	for _, name := range r.SANs {
		c, ok := choiceFor(r.DCV, name)
		if !ok || c.Method == primary.Method && (c.Method != provider.DCVEmail || strings.EqualFold(c.Email, primary.Email)) {
			continue
		}
		if err := p.setDCV(ctx, ref, name, c); err != nil {
			p.log.WarnContext(ctx, "set the validation of a domain after placing the order",
				"ref", ref.Ref, "remote_id", ref.RemoteID, "domain", name, "err", err)
			failed = append(failed, name)
			continue
		}
		changed = true
	}
	if len(failed) == 0 {
		return changed, ""
	}
	return changed, "The validation method of " + strings.Join(failed, ", ") + " could not be set; choose it again."
}

// Sync reads the order by its SSL Store id, or by CustomOrderID while the
// id is unknown, and downloads the chain once it is issued. An unknown
// order is provider.ErrNotFound.
func (p *sslStore) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	o, err := p.status(ctx, ref)
	if err != nil {
		return provider.Remote{}, err
	}
	remote := toRemote(ref, o)
	if remote.State == provider.StateIssued {
		if err := p.addChain(ctx, &remote); err != nil {
			return provider.Remote{}, err
		}
	}
	return remote, nil
}

// FindByRef looks the order up by CustomOrderID: found is false only when
// the API says there is no such order, so the core may place it.
func (p *sslStore) FindByRef(ctx context.Context, ref string) (provider.Remote, bool, error) {
	if strings.TrimSpace(ref) == "" {
		return provider.Remote{}, false, fmt.Errorf("thesslstore: find by ref: %w: empty ref", provider.ErrRejected)
	}
	rr := provider.RemoteRef{Ref: ref}
	o, err := p.status(ctx, rr)
	if errors.Is(err, provider.ErrNotFound) {
		return provider.Remote{}, false, nil
	}
	if err != nil {
		return provider.Remote{}, false, err
	}
	if got := string(o.CustomOrderID); got != "" && got != ref {
		return provider.Remote{}, false, fmt.Errorf("thesslstore: %s: %w: asked for CustomOrderID %q, got %q",
			epStatus.name, provider.ErrUnavailable, ref, truncate(got, 80))
	}
	remote := toRemote(rr, o)
	if remote.State == provider.StateIssued {
		if err := p.addChain(ctx, &remote); err != nil {
			return provider.Remote{}, false, err
		}
	}
	return remote, true, nil
}

// key addresses an order: by its SSL Store id when known (a reissue's or
// renewal's Ref is not the order's CustomOrderID), else by CustomOrderID.
func key(ref provider.RemoteRef) orderRequest {
	if ref.RemoteID != "" {
		return orderRequest{TheSSLStoreOrderID: ref.RemoteID}
	}
	return orderRequest{CustomOrderID: ref.Ref}
}

func (p *sslStore) status(ctx context.Context, ref provider.RemoteRef) (*orderReply, error) {
	if ref.RemoteID == "" && ref.Ref == "" {
		return nil, fmt.Errorf("thesslstore: %s: %w: no order id", epStatus.name, provider.ErrNotFound)
	}
	req := key(ref)
	var o orderReply
	if err := p.c.call(ctx, epStatus, &req, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// addChain downloads the certificate of an issued order into remote, with
// the leaf's dates.
func (p *sslStore) addChain(ctx context.Context, remote *provider.Remote) error {
	req := key(remote.RemoteRef)
	var d downloadReply
	if err := p.c.call(ctx, epDownload, &req, &d); err != nil {
		if ae := (*apiError)(nil); errors.As(err, &ae) && ae.kind == provider.ErrNotFound {
			// The order exists (its status was just read): the certificate
			// is not ready to download yet.
			return fmt.Errorf("thesslstore: %s: %w: the certificate is not ready: %s",
				epDownload.name, provider.ErrUnavailable, ae.msg)
		}
		return err
	}
	pem, leaf, err := chainPEM(d.Certificates)
	if err != nil {
		return fmt.Errorf("thesslstore: %s: %w: %w", epDownload.name, provider.ErrUnavailable, err)
	}
	remote.ChainPEM = pem
	remote.CertNotBefore, remote.CertNotAfter = leaf.NotBefore.UTC(), leaf.NotAfter.UTC()
	return nil
}

// Cancel asks for a refund of the order, which cancels it. An order
// already cancelled or refunded is not an error; an unknown one is
// provider.ErrNotFound.
func (p *sslStore) Cancel(ctx context.Context, ref provider.RemoteRef, reason string) error {
	req := key(ref)
	req.RefundReason = strings.TrimSpace(reason)
	if req.RefundReason == "" {
		req.RefundReason = "Cancelled by the reseller"
	}
	req.RefundRequestID = ref.Ref
	var o orderReply
	err := p.c.call(ctx, epRefund, &req, &o)
	if ae := (*apiError)(nil); errors.As(err, &ae) && ae.kind == provider.ErrRejected {
		m := strings.ToLower(ae.msg)
		if strings.Contains(m, "already") && containsAny(m, "cancel", "refund") {
			return nil
		}
	}
	return err
}

// revokeReasons are the words sent as RevokeReason, by RFC 5280 code. The
// API documents the field but not its values; the RFC's names are sent.
var revokeReasons = map[int]string{
	0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged", 4: "superseded",
	5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise",
}

// Revoke revokes the order's certificate with order/certificaterevokerequest
// (revoke only, no refund), naming its serial and the reason. A certificate
// already revoked is not an error; an unknown order is provider.ErrNotFound.
func (p *sslStore) Revoke(ctx context.Context, ref provider.RemoteRef, serialHex string, reason int) error {
	word, ok := revokeReasons[reason]
	if !ok {
		return fmt.Errorf("%w: revocation reason %d is not an RFC 5280 reason code", provider.ErrRejected, reason)
	}
	req := key(ref)
	req.SerialNumber = strings.ToUpper(serialHex)
	req.RevokeReason = word
	var out answered
	err := p.c.call(ctx, epRevoke, &req, &out)
	if ae := (*apiError)(nil); errors.As(err, &ae) && ae.kind == provider.ErrRejected &&
		strings.Contains(strings.ToLower(ae.msg), "already revoked") {
		return nil
	}
	return err
}

// Products lists the API's products with their one-server prices.
func (p *sslStore) Products(ctx context.Context) ([]provider.Product, error) {
	items, err := p.c.callList(ctx, epProducts, &productQueryRequest{NeedSortedList: true})
	if err != nil {
		return nil, err
	}
	out := make([]provider.Product, 0, len(items))
	for _, raw := range items {
		var pr productReply
		if err := json.Unmarshal(raw, &pr); err != nil {
			return nil, p.c.malformed(epProducts, err)
		}
		if pr.ProductCode == "" {
			continue
		}
		out = append(out, toProduct(pr))
	}
	return out, nil
}

// ApproverEmails lists the approver addresses the API accepts for domain.
func (p *sslStore) ApproverEmails(ctx context.Context, productCode, domain string) ([]string, error) {
	var a approverListReply
	err := p.c.call(ctx, epApprovers, &approverListRequest{ProductCode: productCode, DomainName: domain}, &a)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range a.ApproverEmailList {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// SetDCV changes how one domain of a pending order is validated
// (order/changeapproveremail), then returns the order.
func (p *sslStore) SetDCV(ctx context.Context, ref provider.RemoteRef, domain string, choice provider.DCVChoice) (provider.Remote, error) {
	if err := p.setDCV(ctx, ref, domain, choice); err != nil {
		return provider.Remote{}, err
	}
	return p.Sync(ctx, ref)
}

func (p *sslStore) setDCV(ctx context.Context, ref provider.RemoteRef, domain string, choice provider.DCVChoice) error {
	method, ok := approverMethods[choice.Method]
	switch {
	case strings.TrimSpace(domain) == "":
		return fmt.Errorf("thesslstore: %s: %w: no domain", epChangeDCV.name, provider.ErrRejected)
	case !ok:
		return fmt.Errorf("thesslstore: %s: %w: validation method %q is not offered by The SSL Store",
			epChangeDCV.name, provider.ErrRejected, choice.Method)
	case choice.Method == provider.DCVEmail && strings.TrimSpace(choice.Email) == "":
		return fmt.Errorf("thesslstore: %s: %w: e-mail validation needs an approver address", epChangeDCV.name, provider.ErrRejected)
	}
	req := key(ref)
	req.DomainNames = domain
	req.ApproverMethod = method
	if choice.Method == provider.DCVEmail {
		req.ResendEmail = strings.TrimSpace(choice.Email)
	}
	var a answered
	return p.c.call(ctx, epChangeDCV, &req, &a)
}

// RetryDCV resends the approver e-mail when a domain to retry is validated
// by e-mail and, for DigiCert brands, asks for a new check of file and DNS
// validation (digicert/checkdcv). Other brands re-check files and records
// on their own schedule. It returns the order as it stands afterwards.
func (p *sslStore) RetryDCV(ctx context.Context, ref provider.RemoteRef, domain string) (provider.Remote, error) {
	o, err := p.status(ctx, ref)
	if err != nil {
		return provider.Remote{}, err
	}
	cur := toRemote(ref, o)
	resent := false
	digicert := strings.Contains(strings.ToLower(o.VendorName), "digicert")
	for _, in := range cur.DCV {
		if domain != "" && !strings.EqualFold(in.Domain, domain) || in.Status == "valid" {
			continue
		}
		switch {
		case in.Method == provider.DCVEmail && !resent:
			req := key(ref)
			req.ResendEmailType = "ApproverEmail"
			var a answered
			if err := p.c.call(ctx, epResend, &req, &a); err != nil {
				return provider.Remote{}, err
			}
			resent = true
		case in.Method != provider.DCVEmail && digicert:
			req := checkDCVRequest{TheSSLStoreOrderID: cur.RemoteID, DomainName: in.Domain}
			var a answered
			if err := p.c.call(ctx, epDigicertDCV, &req, &a); err != nil {
				return provider.Remote{}, err
			}
		}
	}
	return p.Sync(ctx, ref)
}

// Reissue reissues the order's certificate with a new CSR and names. The
// order then stays provider.StateReissuing until Sync sees the new
// certificate. When the API refuses because a reissue is already pending,
// that reissue is returned: the call was sent twice.
func (p *sslStore) Reissue(ctx context.Context, ref provider.RemoteRef, r provider.ReissueRequest) (provider.Remote, error) {
	reject := func(format string, args ...any) error {
		return fmt.Errorf("thesslstore: %s: %w: "+format, append([]any{epReissue.name, provider.ErrRejected}, args...)...)
	}
	switch {
	case ref.RemoteID == "":
		return provider.Remote{}, reject("the order has no SSL Store order id")
	case strings.TrimSpace(r.CSRPEM) == "":
		return provider.Remote{}, reject("no CSR")
	}
	ind, approver, err := orderDCV(r.CommonName, r.SANs, r.DCV)
	if err != nil {
		return provider.Remote{}, reject("%w", err)
	}
	var emails []string
	for _, name := range append([]string{r.CommonName}, r.SANs...) {
		if c, ok := choiceFor(r.DCV, name); ok && c.Method == provider.DCVEmail {
			emails = append(emails, c.Email)
		}
	}
	if len(emails) == 0 && approver != "" {
		emails = []string{approver}
	}
	req := reissueRequest{
		TheSSLStoreOrderID:     ref.RemoteID,
		CSR:                    r.CSRPEM,
		WebServerType:          webServerType,
		DNSNames:               r.SANs,
		SignatureHashAlgorithm: signatureHash,
		dcvIndicators:          ind,
		ApproverEmails:         strings.Join(emails, ","),
	}
	var o orderReply
	err = p.c.call(ctx, epReissue, &req, &o)
	if ae := (*apiError)(nil); errors.As(err, &ae) && isReissuePending(ae.msg) {
		// Sent again after an interrupted call (the core cannot look a
		// reissue up by its reference): the first one is under way.
		if cur, serr := p.Sync(ctx, ref); serr == nil && cur.State == provider.StateReissuing {
			return cur, nil
		}
	}
	if err != nil {
		return provider.Remote{}, err
	}
	remote := toRemote(ref, &o)
	switch remote.State {
	case provider.StateCancelled, provider.StateRevoked, provider.StateFailed, provider.StateExpired:
	default:
		// The reply may still show the old certificate as active.
		remote.State = provider.StateReissuing
	}
	return remote, nil
}

// Balance reports the account balance (user/accountdetail), in USD.
func (p *sslStore) Balance(ctx context.Context) (provider.Money, error) {
	var a accountReply
	if err := p.c.call(ctx, epAccount, &accountRequest{}, &a); err != nil {
		return provider.Money{}, err
	}
	minor, err := usdMinor(string(a.AccountBalance))
	if err != nil {
		return provider.Money{}, p.c.malformed(epAccount, fmt.Errorf("AccountBalance: %w", err))
	}
	return provider.Money{Currency: currency, AmountMinor: minor}, nil
}

// isReissuePending reports whether a reissue message says one is pending.
func isReissuePending(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "reissue") && strings.Contains(m, "already") && containsAny(m, "pending", "progress")
}

func toContact(c provider.Contact, org *provider.Organization) contact {
	out := contact{FirstName: c.FirstName, LastName: c.LastName, Title: c.Title, Email: c.Email, Phone: c.Phone}
	if org != nil {
		out.OrganizationName, out.AddressLine1, out.City = org.Name, org.Address, org.City
		out.Region, out.PostalCode, out.Country = org.State, org.PostalCode, org.Country
	}
	return out
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
