package billmanager

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/internal/money"
	"github.com/certsvc/certsvc/internal/provider"
)

type billmanager struct {
	c        *client
	log      *slog.Logger
	now      func() time.Time
	currency string

	mu        sync.Mutex
	countries map[string]string // ISO alpha-2 → the upstream's country id
}

var (
	_ provider.Provider  = (*billmanager)(nil)
	_ provider.RefLookup = (*billmanager)(nil)
	_ provider.Reissuer  = (*billmanager)(nil)
	_ provider.Renewer   = (*billmanager)(nil)
	_ provider.Catalog   = (*billmanager)(nil)
)

// Kind returns "billmanager".
func (p *billmanager) Kind() string { return KindName }

// CheckCredentials lists one certificate: the cheapest call that needs a
// valid login and password.
func (p *billmanager) CheckCredentials(ctx context.Context) error {
	_, err := p.c.call(ctx, fnList, url.Values{"p_num": {"1"}, "p_cnt": {"1"}})
	return err
}

// Balance reads the reseller account's balance from the subaccount list
// (elem[].balance and currency; the one account a reseller login sees).
// The amount may carry the currency code or spaces between thousands.
func (p *billmanager) Balance(ctx context.Context) (provider.Money, error) {
	doc, err := p.c.call(ctx, fnAccounts, url.Values{"p_num": {"1"}, "p_cnt": {"1"}})
	if err != nil {
		return provider.Money{}, err
	}
	acc := doc.Child("elem")
	if acc == nil {
		return provider.Money{}, p.c.malformed(fnAccounts, errors.New("no account listed"))
	}
	code := strings.ToUpper(strings.TrimSpace(acc.Value("currency")))
	cur, ok := money.Lookup(code)
	if !ok {
		return provider.Money{}, p.c.malformed(fnAccounts, fmt.Errorf("unknown currency %q", code))
	}
	amount := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(acc.Value("balance")), code))
	minor, err := money.Parse(strings.Join(strings.Fields(amount), ""), cur)
	if err != nil {
		return provider.Money{}, p.c.malformed(fnAccounts, fmt.Errorf("balance: %w", err))
	}
	return provider.Money{Currency: cur.Code, AmountMinor: minor}, nil
}

// PlaceOrder orders the certificate upstream, paid at once from the
// reseller's balance, with r.Ref as remoteid, and returns it as it stands
// right after.
func (p *billmanager) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	params, err := p.orderParams(ctx, r)
	if err != nil {
		return provider.Remote{}, err
	}
	doc, err := p.c.call(ctx, fnOrder, params)
	if err != nil {
		return provider.Remote{}, err
	}
	id := doc.Value("id")
	if id == "" {
		// The upstream took the call but names no order: find it by ref.
		return provider.Remote{}, p.c.malformed(fnOrder, errors.New("the reply has no <id>"))
	}
	p.log.InfoContext(ctx, "order placed upstream", "ref", r.Ref, "remote_id", id)
	return p.current(ctx, provider.RemoteRef{Ref: r.Ref, RemoteID: id}, provider.StateSubmitted), nil
}

// orderParams is the certificate.order.param form of r: our CSR
// (crt_type=manual, no key), the extra names, contacts, organisation and
// validation choices.
func (p *billmanager) orderParams(ctx context.Context, r provider.OrderRequest) (url.Values, error) {
	switch {
	case strings.TrimSpace(r.Ref) == "":
		return nil, rejected(fnOrder, "no order reference (remoteid)")
	case strings.TrimSpace(r.ProductCode) == "":
		return nil, rejected(fnOrder, "no product code (the upstream's pricelist id)")
	case strings.TrimSpace(r.CSRPEM) == "":
		return nil, rejected(fnOrder, "no CSR")
	}
	v := url.Values{
		"sok": {"ok"}, "skipbasket": {"on"}, "remoteid": {r.Ref},
		"pricelist": {r.ProductCode}, "period": {strconv.Itoa(r.PeriodMonths)},
		"crt_type": {"manual"}, "csr": {r.CSRPEM},
	}
	if len(r.SANs) > 0 {
		v.Set("altname", strings.Join(r.SANs, " "))
	}
	setContact(v, "adm_", r.Admin)
	setContact(v, "tech_", r.Tech)
	if o := r.Org; o != nil {
		for k, val := range map[string]string{"org_name": o.Name, "org_department": o.Department, "org_address": o.Address,
			"org_city": o.City, "org_state": o.State, "org_postcode": o.PostalCode, "org_phone": o.Phone} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if o.Country != "" {
			id, err := p.countryID(ctx, o.Country)
			if err != nil {
				return nil, err
			}
			v.Set("org_country", id)
		}
	}
	// The upstream numbers approvers over the CSR's names (common name
	// first), then the extra names.
	setApprovers(v, appendNew(csrNames(r.CSRPEM, r.CommonName), r.SANs...), r.DCV)
	return v, nil
}

func setContact(v url.Values, prefix string, c provider.Contact) {
	for k, val := range map[string]string{"fname": c.FirstName, "lname": c.LastName, "jtitle": c.Title,
		"email": c.Email, "phone": c.Phone} {
		if val != "" {
			v.Set(prefix+k, val)
		}
	}
}

// approverMethods are the legacy approver_method values of the methods the
// form offers; ACME methods have none.
var approverMethods = map[provider.DCVMethod]string{
	provider.DCVEmail:     "auth_email",
	provider.DCVDNSTXT:    "auth_dnstxt",
	provider.DCVDNSCNAME:  "auth_dnscname",
	provider.DCVHTTPFile:  "auth_file",
	provider.DCVHTTPSFile: "auth_file",
}

// setApprovers sets approver_method and approver_email_N (N is the 1-based
// position of the name in names). The form has one method per order: e-mail
// when any name is validated by e-mail (the others keep the upstream's
// default), else the method of the first name that has one.
func setApprovers(v url.Values, names []string, dcv map[string]provider.DCVChoice) {
	method := ""
	for i, name := range names {
		c, ok := dcv[name]
		switch {
		case !ok:
		case c.Method == provider.DCVEmail && c.Email != "":
			v.Set("approver_email_"+strconv.Itoa(i+1), c.Email)
			method = approverMethods[provider.DCVEmail]
		case method == "":
			method = approverMethods[c.Method]
		}
	}
	if method != "" {
		v.Set("approver_method", method)
	}
}

// csrNames lists a CSR's names as the upstream numbers them: the common name
// first, then its DNS names. An unreadable CSR gives cn alone (the upstream
// will refuse it anyway).
func csrNames(csrPEM, cn string) []string {
	names := appendNew(nil, cn)
	if b, _ := pem.Decode([]byte(csrPEM)); b != nil {
		if csr, err := x509.ParseCertificateRequest(b.Bytes); err == nil {
			names = appendNew(appendNew(nil, csr.Subject.CommonName), csr.DNSNames...)
		}
	}
	return names
}

// appendNew appends the names not yet in list, ignoring case.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if n != "" && !slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, n) }) {
			list = append(list, n)
		}
	}
	return list
}

// countryID maps an ISO alpha-2 code to the upstream's country id, from
// the country select list of the order form (its flag images carry the
// ISO codes).
func (p *billmanager) countryID(ctx context.Context, alpha2 string) (string, error) {
	alpha2 = strings.ToUpper(alpha2)
	p.mu.Lock()
	id, ok := p.countries[alpha2]
	loaded := p.countries != nil
	p.mu.Unlock()
	if loaded {
		if !ok {
			return "", rejected(fnCountries, "the upstream has no country "+alpha2)
		}
		return id, nil
	}
	doc, err := p.c.call(ctx, fnCountries, nil)
	if err != nil {
		return "", err
	}
	m := map[string]string{}
	for _, sl := range doc.Children("slist") {
		if sl.Attr("name") != "field_country" {
			continue
		}
		for _, val := range sl.Children("val") {
			img := val.Attr("image") // /manimg/common/flag/RU.png
			code := strings.TrimSuffix(img[strings.LastIndex(img, "/")+1:], ".png")
			if len(code) == 2 && val.Attr("key") != "" {
				m[strings.ToUpper(code)] = val.Attr("key")
			}
		}
	}
	if len(m) == 0 {
		return "", p.c.malformed(fnCountries, errors.New("no country list"))
	}
	p.mu.Lock()
	p.countries = m
	p.mu.Unlock()
	return p.countryID(ctx, alpha2)
}

// current reads an order after a change made to it; the change stands even
// when it cannot be read now, as fallback.
func (p *billmanager) current(ctx context.Context, ref provider.RemoteRef, fallback provider.State) provider.Remote {
	remote, err := p.Sync(ctx, ref)
	if err != nil {
		p.log.WarnContext(ctx, "read the order after a change", "ref", ref.Ref, "remote_id", ref.RemoteID, "err", err)
		return provider.Remote{RemoteRef: ref, State: fallback}
	}
	return remote
}

// Sync reads the order (certificate.edit) and, once issued, its
// certificate. Without a remote id it is looked up by ref. An order the
// upstream does not know is provider.ErrNotFound.
func (p *billmanager) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	if ref.RemoteID == "" {
		id, found, err := p.lookup(ctx, ref.Ref)
		if err != nil {
			return provider.Remote{}, err
		}
		if !found {
			return provider.Remote{}, fmt.Errorf("billmanager: %s: %w: no order with remoteid %q", fnList.name, provider.ErrNotFound, ref.Ref)
		}
		ref.RemoteID = id
	}
	doc, err := p.c.call(ctx, fnEdit, url.Values{"elid": {ref.RemoteID}})
	if err != nil {
		return provider.Remote{}, err
	}
	remote := toRemote(ref, doc, p.now())
	if remote.State == provider.StateIssued {
		if err := p.addChain(ctx, &remote); err != nil {
			return provider.Remote{}, err
		}
	}
	return remote, nil
}

// toRemote reads the certificate.edit form: the legacy item status and SSL
// service status (billmgr.StateStatus is how certsvc shows its states), the
// dates and the e-mail approvers.
func toRemote(ref provider.RemoteRef, doc *billmgr.Element, now time.Time) provider.Remote {
	item, svc := doc.Orig("item_status"), doc.Value("service_status")
	r := provider.Remote{RemoteRef: ref, Message: doc.Value("status_msg"),
		RawStatus: strings.TrimSpace(fmt.Sprintf("item_status %s (%s) service_status %s", item, doc.Value("item_status"), svc))}
	r.PaidUntil = legacyDate(doc.Value("expiredate"))
	r.CertNotBefore, r.CertNotAfter = legacyDate(doc.Value("crt_start_date")), legacyDate(doc.Value("crt_end_date"))
	r.State = stateOf(item, svc, !r.PaidUntil.IsZero() && !now.Before(r.PaidUntil))
	if r.State == provider.StateAwaitingDCV {
		names := append([]string{doc.Value("CN")}, strings.Fields(doc.Value("altname"))...)
		for i, name := range names {
			if email := doc.Value("approver_email_" + strconv.Itoa(i+1)); email != "" {
				r.DCV = append(r.DCV, provider.DCVInstruction{Domain: name, Method: provider.DCVEmail, Email: email, Status: "pending"})
			}
		}
	}
	return r
}

// stateOf maps the legacy codes onto a state. Two pairs are ambiguous:
// 5/3 is awaiting validation or renewing (both wait for the CA), 3/5 is
// suspended or expired, told apart by the paid term.
func stateOf(item, svc string, paidEnded bool) provider.State {
	i, _ := strconv.Atoi(item)
	s, _ := strconv.Atoi(svc)
	switch {
	case i == billmgr.ItemStatusDeleted:
		return provider.StateCancelled
	case s == billmgr.ServiceStatusFailed && i == billmgr.ItemStatusSuspended:
		return provider.StateRevoked
	case s == billmgr.ServiceStatusFailed:
		return provider.StateFailed
	case s == billmgr.ServiceStatusIssued && i == billmgr.ItemStatusSuspended && paidEnded:
		return provider.StateExpired
	case s == billmgr.ServiceStatusIssued:
		return provider.StateIssued
	case s == billmgr.ServiceStatusEnrolled:
		return provider.StateProcessing
	case s == billmgr.ServiceStatusRequested && i == billmgr.ItemStatusActive:
		return provider.StateReissuing
	case s == billmgr.ServiceStatusRequested:
		return provider.StateAwaitingDCV
	case s == billmgr.ServiceStatusNone && (i == billmgr.ItemStatusOrdered || i == billmgr.ItemStatusInProgress):
		return provider.StateSubmitted
	}
	return provider.StateProcessing
}

// legacyDate reads YYYY-MM-DD (UTC); anything else is the zero time.
func legacyDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

// addChain downloads the issued certificate (type=crt, the leaf) and its
// intermediates (type=chain, when the upstream offers it) into remote,
// with the leaf's dates.
func (p *billmanager) addChain(ctx context.Context, remote *provider.Remote) error {
	elid := remote.RemoteID
	crt, err := p.c.file(ctx, fnFile, url.Values{"elid": {elid}, "type": {"crt"}})
	if err != nil {
		return err
	}
	certs, err := parseCerts(crt)
	if err != nil || len(certs) == 0 {
		// Issued but not downloadable (yet): try again at the next sync.
		return p.c.fail(fnFile, provider.ErrUnavailable, fmt.Errorf("the issued certificate cannot be read: %v", err))
	}
	if len(certs) == 1 {
		chain, err := p.c.file(ctx, fnFile, url.Values{"elid": {elid}, "type": {"chain"}})
		var ae *apiError
		switch {
		case errors.As(err, &ae) && ae.typ == "value" && ae.object == "type":
			p.log.WarnContext(ctx, "the upstream offers no certificate.file type=chain: the chain holds the leaf alone", "remote_id", elid)
		case err != nil:
			return err
		default:
			more, err := parseCerts(chain)
			if err != nil {
				return p.c.malformed(fnFile, err)
			}
			certs = append(certs, more...)
		}
	}
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}) // a bytes.Buffer does not fail
	}
	remote.ChainPEM = b.String()
	remote.CertNotBefore, remote.CertNotAfter = certs[0].NotBefore.UTC(), certs[0].NotAfter.UTC()
	return nil
}

// parseCerts reads the CERTIFICATE blocks of a PEM file, in order.
func parseCerts(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return out, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

// FindByRef finds the order placed with remoteid ref (a certificate list
// filtered by remoteid). found is false only when the upstream lists none,
// so the core may place it.
func (p *billmanager) FindByRef(ctx context.Context, ref string) (provider.Remote, bool, error) {
	id, found, err := p.lookup(ctx, ref)
	if err != nil || !found {
		return provider.Remote{}, false, err
	}
	remote, err := p.Sync(ctx, provider.RemoteRef{Ref: ref, RemoteID: id})
	if errors.Is(err, provider.ErrNotFound) {
		// Listed a moment ago: the upstream is not consistent now.
		err = fmt.Errorf("billmanager: order %s listed but not readable: %w: %w", id, provider.ErrUnavailable, err)
	}
	return remote, err == nil, err
}

// lookup returns the upstream id of the order with remoteid ref.
func (p *billmanager) lookup(ctx context.Context, ref string) (string, bool, error) {
	if strings.TrimSpace(ref) == "" {
		return "", false, rejected(fnList, "no order reference to look up")
	}
	doc, err := p.c.call(ctx, fnList, url.Values{"filter": {"on"}, "remoteid": {ref}, "p_num": {"1"}, "p_cnt": {"10"}})
	if err != nil {
		return "", false, err
	}
	elems := doc.Children("elem")
	if len(elems) == 0 {
		return "", false, nil
	}
	if len(elems) > 1 {
		p.log.WarnContext(ctx, "several upstream orders carry one remoteid; taking the oldest", "ref", ref, "count", len(elems))
	}
	id := elems[0].Value("id")
	if id == "" {
		return "", false, p.c.malformed(fnList, errors.New("a listed order has no id"))
	}
	return id, true, nil
}

// Reissue reissues the certificate upstream. When the extra names changed
// and the CSR did not, the names are replaced (crt_type=altname); otherwise
// the CSR is sent (crt_type=manual), which keeps the upstream's names and
// adds the CSR's. When the upstream refuses because a reissue is already
// under way (this one, sent before an interrupted answer), that is returned.
func (p *billmanager) Reissue(ctx context.Context, ref provider.RemoteRef, r provider.ReissueRequest) (provider.Remote, error) {
	switch {
	case ref.RemoteID == "":
		return provider.Remote{}, rejected(fnReissue, "the order has no upstream id")
	case strings.TrimSpace(r.CSRPEM) == "":
		return provider.Remote{}, rejected(fnReissue, "no CSR")
	}
	doc, err := p.c.call(ctx, fnEdit, url.Values{"elid": {ref.RemoteID}})
	if err != nil {
		return provider.Remote{}, err
	}
	cn, cur := doc.Value("CN"), strings.Fields(doc.Value("altname"))
	v := url.Values{"elid": {ref.RemoteID}, "sok": {"ok"}}
	byName := !sameNames(cur, r.SANs)
	if byName {
		if byName, err = p.sameCSR(ctx, ref.RemoteID, r.CSRPEM); err != nil {
			return provider.Remote{}, err
		}
		if !byName {
			p.log.WarnContext(ctx, "reissue with a new CSR and new names: the upstream keeps its names and adds the CSR's",
				"remote_id", ref.RemoteID)
		}
	}
	var names []string
	if byName {
		v.Set("crt_type", "altname")
		v.Set("altname", strings.Join(r.SANs, " "))
		names = appendNew([]string{cn}, r.SANs...)
	} else {
		v.Set("crt_type", "manual")
		v.Set("csr", r.CSRPEM)
		names = appendNew(append([]string{cn}, cur...), csrNames(r.CSRPEM, r.CommonName)...)
	}
	setApprovers(v, names, r.DCV)
	if _, err := p.c.call(ctx, fnReissue, v); err != nil {
		if errors.Is(err, provider.ErrRejected) {
			if now, serr := p.Sync(ctx, ref); serr == nil && now.State == provider.StateReissuing {
				return now, nil
			}
		}
		return provider.Remote{}, err
	}
	p.log.InfoContext(ctx, "reissue sent upstream", "ref", ref.Ref, "remote_id", ref.RemoteID, "crt_type", v.Get("crt_type"))
	return p.current(ctx, ref, provider.StateReissuing), nil
}

// sameNames compares two name lists as sets, ignoring case.
func sameNames(a, b []string) bool {
	norm := func(s []string) []string {
		out := make([]string, 0, len(s))
		for _, n := range s {
			out = append(out, strings.ToLower(n))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

// sameCSR reports whether the upstream holds csrPEM for the order.
func (p *billmanager) sameCSR(ctx context.Context, elid, csrPEM string) (bool, error) {
	up, err := p.c.file(ctx, fnFile, url.Values{"elid": {elid}, "type": {"csr"}})
	if err != nil {
		return false, err
	}
	a, _ := pem.Decode(up)
	b, _ := pem.Decode([]byte(csrPEM))
	return a != nil && b != nil && bytes.Equal(a.Bytes, b.Bytes), nil
}

// Renew prolongs the service upstream for r.PeriodMonths (charged to the
// reseller's balance) and returns the order as it stands after.
//
// r.Ref is sent as idempotency_key, for an upstream that makes a resent
// prolong (after an interrupted answer) a no-op; an upstream that ignores
// it charges such a resend twice. (The certsvc gateway does not read it
// yet: it should pass it as RenewCertificateRequest.idempotency_key.)
func (p *billmanager) Renew(ctx context.Context, ref provider.RemoteRef, r provider.OrderRequest) (provider.Remote, error) {
	if ref.RemoteID == "" {
		return provider.Remote{}, rejected(fnProlong, "the order has no upstream id")
	}
	v := url.Values{"elid": {ref.RemoteID}, "sok": {"ok"}, "idempotency_key": {r.Ref}}
	if r.PeriodMonths > 0 {
		v.Set("period", strconv.Itoa(r.PeriodMonths))
	}
	doc, err := p.c.call(ctx, fnProlong, v)
	if err != nil {
		return provider.Remote{}, err
	}
	p.log.InfoContext(ctx, "renewal sent upstream", "ref", ref.Ref, "remote_id", ref.RemoteID,
		"new_expiredate", doc.Child("doc").Value("newexpiredate"))
	return p.current(ctx, ref, provider.StateProcessing), nil
}

// Cancel deletes the order upstream (certificate.delete), which refunds it
// when it was not issued yet. An unknown order is provider.ErrNotFound.
func (p *billmanager) Cancel(ctx context.Context, ref provider.RemoteRef, _ string) error {
	id := ref.RemoteID
	if id == "" {
		var found bool
		var err error
		if id, found, err = p.lookup(ctx, ref.Ref); err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("billmanager: %s: %w: no order with remoteid %q", fnDelete.name, provider.ErrNotFound, ref.Ref)
		}
	}
	_, err := p.c.call(ctx, fnDelete, url.Values{"elid": {id}, "sok": {"ok"}})
	if err == nil {
		p.log.InfoContext(ctx, "order deleted upstream", "ref", ref.Ref, "remote_id", id)
	}
	return err
}

// Products lists the upstream's certificate plans (pricelist.export), each
// with its prices in the configured currency, else the first it lists. The
// product code is the pricelist id that orders name.
func (p *billmanager) Products(ctx context.Context) ([]provider.Product, error) {
	doc, err := p.c.call(ctx, fnPricelist, url.Values{"itemtype": {"certificate"}})
	if err != nil {
		return nil, err
	}
	var out []provider.Product
	for _, pl := range doc.Children("pricelist") {
		if pr, ok := p.toProduct(pl); ok {
			out = append(out, pr)
		}
	}
	return out, nil
}

func (p *billmanager) toProduct(pl *billmgr.Element) (provider.Product, bool) {
	pr := provider.Product{Code: pl.Value("id"), Name: pl.Value("name"), Brand: pl.Value("brand"),
		Validation: pl.Value("validation")}
	if pr.Code == "" {
		return pr, false
	}
	pr.IncludedNames, _ = strconv.Atoi(pl.Value("included_names"))
	pr.MaxNames, _ = strconv.Atoi(pl.Value("max_names"))
	for _, kv := range strings.Split(pl.Value("siteinfo"), ",") {
		if k, val, _ := strings.Cut(strings.TrimSpace(kv), "="); k == "wildcard" {
			pr.Wildcard = val == "on"
		}
	}
	prices := pl.Children("price")
	if i := slices.IndexFunc(prices, func(n *billmgr.Element) bool { return n.Attr("currency") == p.currency }); i >= 0 {
		prices = prices[i : i+1]
	}
	if len(prices) == 0 {
		return pr, true
	}
	cur, ok := money.Lookup(prices[0].Attr("currency"))
	if !ok {
		return pr, true
	}
	for _, per := range prices[0].Children("period") {
		months, err := strconv.Atoi(per.Attr("length"))
		switch per.Attr("type") {
		case "month", "":
		case "year":
			months *= 12
		default:
			continue
		}
		minor, perr := money.Parse(per.Attr("cost"), cur)
		if err != nil || perr != nil || months <= 0 || slices.Contains(pr.Periods, months) {
			continue
		}
		pr.Periods = append(pr.Periods, months)
		pr.Prices = append(pr.Prices, provider.Money{Currency: cur.Code, AmountMinor: minor})
	}
	return pr, true
}

// rejected is the error for a request that cannot be made.
func rejected(f fn, why string) error {
	return fmt.Errorf("billmanager: %s: %w: %s", f.name, provider.ErrRejected, why)
}
