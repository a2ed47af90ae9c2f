package sslstoretest

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// handler carries out one request and returns the reply to encode. It
// runs with s.mu held, after authentication.
type handler func(s *Server, body []byte, auth authRequest) any

var handlers = map[string]handler{
	"health/validate":                (*Server).validate,
	"product/query":                  (*Server).productQuery,
	"order/approverlist":             (*Server).approverList,
	"order/neworder":                 (*Server).newOrder,
	"order/status":                   (*Server).status,
	"order/download":                 (*Server).download,
	"order/reissue":                  (*Server).reissue,
	"order/changeapproveremail":      (*Server).changeApprover,
	"order/resend":                   (*Server).resend,
	"digicert/checkdcv":              (*Server).checkDCV,
	"order/refundrequest":            (*Server).refund,
	"order/refundstatus":             (*Server).refundStatus,
	"order/certificaterevokerequest": (*Server).revoke,
	"user/accountdetail":             (*Server).account,
}

// listEndpoints answer with an array, whose first element carries an error.
var listEndpoints = map[string]bool{"product/query": true}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/rest/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	ep := normalise(rest)
	if ep == "health/status" && r.Method == http.MethodGet {
		writeJSON(w, map[string]string{"status": "OK"})
		return
	}
	h, ok := handlers[ep]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return // the client went away
	}
	auth, authErr := credentials(ep, body)

	s.mu.Lock()
	s.calls[ep]++
	if ep == "order/neworder" && authErr == nil && auth.PartnerCode == s.opts.PartnerCode && auth.AuthToken == s.opts.AuthToken {
		var ref struct{ CustomOrderID string }
		_ = json.Unmarshal(body, &ref)
		s.newOrderCalls[ref.CustomOrderID]++
	}
	f, faulty := s.popFault(ep)
	s.mu.Unlock()

	if faulty && !f.After {
		if f.Kind != Slow {
			s.fail(w, ep, auth, f)
			return
		}
		if !s.wait(r, f.Delay) {
			return // abandoned: nothing happens
		}
	}
	var reply any
	switch {
	case authErr != nil:
		http.Error(w, authErr.Error(), http.StatusBadRequest)
		return
	case auth.PartnerCode != s.opts.PartnerCode || auth.AuthToken != s.opts.AuthToken:
		// The message echoes the credentials on purpose (see the package doc).
		reply = s.errorReply(ep, auth, fmt.Sprintf("Authentication failed: PartnerCode %q with AuthToken %q is not valid.",
			auth.PartnerCode, auth.AuthToken))
	default:
		s.mu.Lock()
		reply = h(s, body, auth)
		s.mu.Unlock()
	}
	if faulty && f.After {
		if f.Kind != Slow {
			s.fail(w, ep, auth, f)
			return
		}
		if !s.wait(r, f.Delay) {
			return
		}
	}
	writeJSON(w, reply)
}

// credentials reads the credentials of a request: in AuthRequest, or flat
// for health/validate.
func credentials(ep string, body []byte) (authRequest, error) {
	if ep == "health/validate" {
		var a authRequest
		return a, strict(body, &a)
	}
	var env struct{ AuthRequest *authRequest }
	if err := json.Unmarshal(body, &env); err != nil {
		return authRequest{}, fmt.Errorf("malformed JSON: %v", err)
	}
	if env.AuthRequest == nil {
		return authRequest{}, nil
	}
	return *env.AuthRequest, nil
}

// strict decodes a request body, refusing unknown fields.
func strict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed request: %v", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) okReply(auth authRequest) authResponse {
	return authResponse{Message: []string{}, Timestamp: s.opts.Now().UTC().Format(utcLayout),
		ReplayToken: auth.ReplayToken, InvokingPartnerCode: auth.PartnerCode}
}

// errorReply is an isError reply in the endpoint's shape.
func (s *Server) errorReply(ep string, auth authRequest, msg ...string) any {
	a := s.okReply(auth)
	a.IsError, a.Message = true, msg
	switch {
	case ep == "health/validate":
		return validateReply{IsError: true, Message: msg, Timestamp: a.Timestamp, ReplayToken: a.ReplayToken}
	case listEndpoints[ep]:
		return []productReply{{AuthResponse: &a}}
	}
	return struct{ AuthResponse authResponse }{a}
}

// authed is the AuthRequest field every request body may carry.
type authed struct{ AuthRequest authRequest }

func (s *Server) validate(_ []byte, auth authRequest) any {
	return validateReply{Message: []string{}, Timestamp: s.opts.Now().UTC().Format(utcLayout), ReplayToken: auth.ReplayToken}
}

func (s *Server) productQuery(body []byte, auth authRequest) any {
	var req struct {
		authed
		ProductCode    string
		ProductType    int
		NeedSortedList bool
		IsForceNewSKUs bool
	}
	if err := strict(body, &req); err != nil {
		return s.errorReply("product/query", auth, err.Error())
	}
	out := []productReply{}
	for _, p := range s.opts.Products {
		if req.ProductCode != "" && !strings.EqualFold(req.ProductCode, p.Code) {
			continue
		}
		pr := productReply{ProductCode: p.Code, ProductName: p.Name, VendorName: p.Vendor, CanbeReissued: true,
			ReissueDays: 30, IsWlidcard: p.Wildcard, IsSanEnable: p.SAN, MaxSan: p.MaxSAN}
		if p.SAN {
			pr.MinSan = 3
		}
		months := make([]int, 0, len(p.Prices))
		for m := range p.Prices {
			months = append(months, m)
		}
		sort.Ints(months)
		for _, m := range months {
			pr.PricingInfo = append(pr.PricingInfo, pricingReply{NumberOfMonths: m, NumberOfServer: 1,
				Price: jsonNumber(p.Prices[m]), SRP: jsonNumber(p.Prices[m])})
		}
		out = append(out, pr)
	}
	return out
}

func (s *Server) approverList(body []byte, auth authRequest) any {
	var req struct {
		authed
		ProductCode               string
		DomainName                string
		RelatedTheSSLStoreOrderID string
	}
	if err := strict(body, &req); err != nil {
		return s.errorReply("order/approverlist", auth, err.Error())
	}
	emails, base := approvers(req.DomainName)
	if emails == nil {
		return s.errorReply("order/approverlist", auth, "Invalid domain name.")
	}
	return approverListReply{AuthResponse: s.okReply(auth), ApproverEmailList: emails, BaseDomainName: base}
}

// approvers are the BR's constructed addresses for domain and its parents
// down to two labels.
func approvers(domain string) ([]string, string) {
	d := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(domain), "*."))
	labels := strings.Split(d, ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return nil, ""
	}
	var out []string
	for i := 0; i <= len(labels)-2; i++ {
		adn := strings.Join(labels[i:], ".")
		for _, local := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
			out = append(out, local+"@"+adn)
		}
	}
	return out, strings.Join(labels[len(labels)-2:], ".")
}

type newOrderRequest struct {
	authed
	CustomOrderID             string
	ProductCode               string
	ExtraProductCodes         string
	RelatedTheSSLStoreOrderID string
	ValidityPeriod            int
	ServerCount               int
	CSR                       string
	DomainName                string
	DNSNames                  []string
	WebServerType             string
	SignatureHashAlgorithm    string
	IsCUOrder                 bool `json:"isCUOrder"`
	IsRenewalOrder            bool `json:"isRenewalOrder"`
	IsTrialOrder              bool `json:"isTrialOrder"`
	SpecialInstructions       string
	ApproverEmail             string
	FileAuthDVIndicator       bool
	HTTPSFileAuthDVIndicator  bool
	CNAMEAuthDVIndicator      bool
	AdminContact              Contact
	TechnicalContact          Contact
	OrganizationInfo          *Organization
}

func (s *Server) newOrder(body []byte, auth authRequest) any {
	const ep = "order/neworder"
	var req newOrderRequest
	if err := strict(body, &req); err != nil {
		return s.errorReply(ep, auth, err.Error())
	}
	if req.CustomOrderID != "" && !s.opts.AllowDuplicateRefs && s.byRef(req.CustomOrderID) != nil {
		return s.errorReply(ep, auth, fmt.Sprintf("CustomOrderID %s already exists.", req.CustomOrderID))
	}
	i := slices.IndexFunc(s.opts.Products, func(p Product) bool { return strings.EqualFold(p.Code, req.ProductCode) })
	if i < 0 {
		return s.errorReply(ep, auth, "Invalid ProductCode.")
	}
	p := s.opts.Products[i]
	price, ok := p.Prices[req.ValidityPeriod]
	if !ok {
		return s.errorReply(ep, auth, fmt.Sprintf("Invalid ValidityPeriod %d for product %s.", req.ValidityPeriod, p.Code))
	}
	csr, err := parseCSR(req.CSR)
	if err != nil {
		return s.errorReply(ep, auth, "Invalid CSR: "+err.Error())
	}
	method := methodOf(req.FileAuthDVIndicator, req.HTTPSFileAuthDVIndicator, req.CNAMEAuthDVIndicator)
	switch {
	case req.DomainName == "":
		return s.errorReply(ep, auth, "DomainName is required.")
	case (p.Validation == "ov" || p.Validation == "ev") && (req.OrganizationInfo == nil || req.OrganizationInfo.OrganizationName == ""):
		return s.errorReply(ep, auth, "OrganizationInfo is required for this product.")
	case method == "EMAIL" && !isApprover(req.ApproverEmail, req.DomainName):
		return s.errorReply(ep, auth, "Invalid ApproverEmail for "+req.DomainName+".")
	case len(req.DNSNames) > 0 && !p.SAN && !(len(req.DNSNames) == 1 && isWWWPair(req.DomainName, req.DNSNames[0])):
		return s.errorReply(ep, auth, "This product does not support additional domains.")
	case req.IsRenewalOrder && s.byID(req.RelatedTheSSLStoreOrderID) == nil:
		return s.errorReply(ep, auth, "Invalid RelatedTheSSLStoreOrderID.")
	}
	priceCents, err := cents(price)
	if err != nil {
		s.tb.Errorf("sslstoretest: price of %s: %v", p.Code, err)
	}
	if priceCents > s.balance {
		return s.errorReply(ep, auth, "Insufficient balance in your account to place this order.")
	}
	s.balance -= priceCents
	now := s.opts.Now()
	o := &order{
		id: strconv.Itoa(s.nextID), customID: req.CustomOrderID, product: p, months: req.ValidityPeriod,
		priceCents: priceCents, csr: csr, csrPEM: req.CSR, commonName: req.DomainName, dnsNames: req.DNSNames,
		approverEmail: req.ApproverEmail, renewal: req.IsRenewalOrder, related: req.RelatedTheSSLStoreOrderID,
		admin: req.AdminContact, tech: req.TechnicalContact, org: req.OrganizationInfo,
		major: statusPending, purchased: now, expiry: now.AddDate(0, req.ValidityPeriod, 0),
	}
	s.nextID++
	o.partnerOrderID = "TSS" + o.id + "-1"
	o.setDomains(method)
	s.orders = append(s.orders, o)
	s.placed[req.CustomOrderID]++
	return s.orderReply(o, auth)
}

func isWWWPair(a, b string) bool {
	return strings.TrimPrefix(a, "www.") == strings.TrimPrefix(b, "www.")
}

func methodOf(file, https, cname bool) string {
	switch {
	case cname:
		return "CNAME"
	case https:
		return "HTTPS"
	case file:
		return "FILE"
	}
	return "EMAIL"
}

func isApprover(email, domain string) bool {
	list, _ := approvers(domain)
	return slices.Contains(list, strings.ToLower(strings.TrimSpace(email)))
}

func parseCSR(s string) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST" {
		return nil, fmt.Errorf("no PEM CERTIFICATE REQUEST")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, err
	}
	return csr, csr.CheckSignature()
}

// orderRequest is the shared body of the calls about one order.
type orderRequest struct {
	authed
	CustomOrderID      string
	TheSSLStoreOrderID string
	ResendEmailType    string
	ResendEmail        string
	RefundReason       string
	RefundRequestID    string
	ApproverMethod     string
	DomainNames        string
	SerialNumber       string
	RevokeReason       string
	ReturnPKCS7Cert    bool
	DateTimeCulture    string
	PlatFormId         string
	FormatType         string
}

// lookup reads an orderRequest and finds its order, preferring
// TheSSLStoreOrderID; it returns the error reply otherwise.
func (s *Server) lookup(ep string, body []byte, auth authRequest) (*order, orderRequest, any) {
	var req orderRequest
	if err := strict(body, &req); err != nil {
		return nil, req, s.errorReply(ep, auth, err.Error())
	}
	var o *order
	switch {
	case req.TheSSLStoreOrderID != "":
		o = s.byID(req.TheSSLStoreOrderID)
	case req.CustomOrderID != "":
		o = s.byRef(req.CustomOrderID)
	default:
		return nil, req, s.errorReply(ep, auth, "TheSSLStoreOrderID or CustomOrderID is required.")
	}
	if o == nil {
		return nil, req, s.errorReply(ep, auth, "No order found for the given TheSSLStoreOrderID or CustomOrderID.")
	}
	return o, req, nil
}

func (s *Server) status(body []byte, auth authRequest) any {
	o, _, fail := s.lookup("order/status", body, auth)
	if fail != nil {
		return fail
	}
	return s.orderReply(o, auth)
}

func (s *Server) download(body []byte, auth authRequest) any {
	o, _, fail := s.lookup("order/download", body, auth)
	if fail != nil {
		return fail
	}
	if o.cert == nil || o.major != statusActive {
		return s.errorReply("order/download", auth, "The certificate is not issued yet.")
	}
	return downloadReply{
		AuthResponse: s.okReply(auth), PartnerOrderID: o.partnerOrderID, CertificateStatus: "Active",
		ValidationStatus: "Validated", Certificates: s.chainFiles(o),
		CertificateStartDate: o.cert.NotBefore.Format(cultureLayout), CertificateEndDate: o.cert.NotAfter.Format(cultureLayout),
		CertificateStartDateInUTC: o.cert.NotBefore.UTC().Format(utcLayout), CertificateEndDateInUTC: o.cert.NotAfter.UTC().Format(utcLayout),
	}
}

type oldNew struct{ OldValue, NewValue string }

func (s *Server) reissue(body []byte, auth authRequest) any {
	const ep = "order/reissue"
	var req struct {
		authed
		TheSSLStoreOrderID         string
		CustomOrderID              string
		CSR                        string
		WebServerType              string
		DNSNames                   []string
		IsRenewalOrder             bool `json:"isRenewalOrder"`
		SpecialInstructions        string
		AddSAN, EditSAN, DeleteSAN []oldNew
		IsWildCard                 bool `json:"isWildCard"`
		ReissueEmail               string
		PreferEnrollmentLink       bool
		SignatureHashAlgorithm     string
		FileAuthDVIndicator        bool
		HTTPSFileAuthDVIndicator   bool
		CNAMEAuthDVIndicator       bool
		ApproverEmails             string
	}
	if err := strict(body, &req); err != nil {
		return s.errorReply(ep, auth, err.Error())
	}
	o := s.byID(req.TheSSLStoreOrderID)
	switch {
	case o == nil:
		return s.errorReply(ep, auth, "No order found for the given TheSSLStoreOrderID.")
	case o.major != statusActive:
		return s.errorReply(ep, auth, "Only an active order can be reissued.")
	case o.minor == minorReissue:
		return s.errorReply(ep, auth, "A reissue of this order is already pending.")
	}
	csr, err := parseCSR(req.CSR)
	if err != nil {
		return s.errorReply(ep, auth, "Invalid CSR: "+err.Error())
	}
	method := methodOf(req.FileAuthDVIndicator, req.HTTPSFileAuthDVIndicator, req.CNAMEAuthDVIndicator)
	emails := strings.Split(req.ApproverEmails, ",")
	if method == "EMAIL" && !isApprover(emails[0], o.commonName) {
		return s.errorReply(ep, auth, "Invalid ApproverEmails.")
	}
	o.csr, o.csrPEM = csr, req.CSR
	if req.DNSNames != nil {
		o.dnsNames = req.DNSNames
	}
	o.minor = minorReissue
	o.reissues++
	o.partnerOrderID = fmt.Sprintf("TSS%s-%d", o.id, o.reissues+1)
	if method == "EMAIL" {
		o.approverEmail = emails[0]
	}
	o.setDomains(method)
	return s.orderReply(o, auth)
}

func (s *Server) changeApprover(body []byte, auth authRequest) any {
	const ep = "order/changeapproveremail"
	o, req, fail := s.lookup(ep, body, auth)
	if fail != nil {
		return fail
	}
	if o.major != statusPending && o.minor != minorReissue {
		return s.errorReply(ep, auth, "The validation can be changed only while the order is pending.")
	}
	method := strings.ToUpper(req.ApproverMethod)
	if method == "" && req.ResendEmail != "" {
		method = "EMAIL"
	}
	if !slices.Contains([]string{"EMAIL", "FILE", "HTTPS", "CNAME"}, method) {
		return s.errorReply(ep, auth, "Invalid ApproverMethod.")
	}
	var targets []*DomainValidation
	for _, name := range strings.Split(req.DomainNames, ",") {
		d := o.domain(strings.TrimSpace(name))
		if d == nil {
			return s.errorReply(ep, auth, fmt.Sprintf("Domain %s is not part of the order.", name))
		}
		if method == "EMAIL" && !isApprover(req.ResendEmail, d.Domain) {
			return s.errorReply(ep, auth, "Invalid approver email for "+d.Domain+".")
		}
		targets = append(targets, d)
	}
	for _, d := range targets {
		d.Method, d.Email, d.Status = method, "", dcvPending
		if method == "EMAIL" {
			d.Email = req.ResendEmail
		}
	}
	return struct{ AuthResponse authResponse }{s.okReply(auth)}
}

func (s *Server) resend(body []byte, auth authRequest) any {
	const ep = "order/resend"
	o, req, fail := s.lookup(ep, body, auth)
	if fail != nil {
		return fail
	}
	switch {
	case o.major != statusPending && o.minor != minorReissue:
		return s.errorReply(ep, auth, "Emails can be resent only while the order is pending.")
	case req.ResendEmailType == "":
		return s.errorReply(ep, auth, "ResendEmailType is required.")
	}
	o.resends++
	return struct{ AuthResponse authResponse }{s.okReply(auth)}
}

func (s *Server) checkDCV(body []byte, auth authRequest) any {
	const ep = "digicert/checkdcv"
	var req struct {
		authed
		TheSSLStoreOrderID string
		CustomOrderID      string
		DomainName         string
	}
	if err := strict(body, &req); err != nil {
		return s.errorReply(ep, auth, err.Error())
	}
	o := s.byID(req.TheSSLStoreOrderID)
	switch {
	case o == nil:
		return s.errorReply(ep, auth, "No order found for the given TheSSLStoreOrderID.")
	case o.product.Vendor != "DigiCert":
		return s.errorReply(ep, auth, "checkdcv is available for DigiCert orders only.")
	case o.domain(req.DomainName) == nil:
		return s.errorReply(ep, auth, "Domain "+req.DomainName+" is not part of the order.")
	}
	o.dcvChecks++
	return struct{ AuthResponse authResponse }{s.okReply(auth)}
}

func (s *Server) refund(body []byte, auth authRequest) any {
	const ep = "order/refundrequest"
	o, req, fail := s.lookup(ep, body, auth)
	if fail != nil {
		return fail
	}
	if o.major == statusCancelled {
		return s.errorReply(ep, auth, "This order has already been refunded.")
	}
	o.major, o.minor = statusCancelled, ""
	o.refundReason, o.refundID = req.RefundReason, req.RefundRequestID
	s.balance += o.priceCents
	return s.orderReply(o, auth)
}

// revoke is order/certificaterevokerequest: revoke only, no refund. The
// order must be active with a certificate; SerialNumber, when sent, must be
// its serial (hex, any case). A second request answers isError "already
// revoked". The order's MajorStatus becomes "Revoked" (the word the
// white-label scheduler normalises), which its status then reports.
func (s *Server) revoke(body []byte, auth authRequest) any {
	const ep = "order/certificaterevokerequest"
	o, req, fail := s.lookup(ep, body, auth)
	if fail != nil {
		return fail
	}
	switch {
	case o.major == statusRevoked:
		return s.errorReply(ep, auth, "The certificate of this order is already revoked.")
	case o.cert == nil || o.major != statusActive:
		return s.errorReply(ep, auth, "Only an issued certificate can be revoked.")
	case req.SerialNumber != "" && !strings.EqualFold(strings.TrimLeft(req.SerialNumber, "0"), o.cert.SerialNumber.Text(16)):
		return s.errorReply(ep, auth, "The SerialNumber does not match the certificate of this order.")
	}
	o.major, o.minor = statusRevoked, ""
	o.revokeReason = req.RevokeReason
	o.revokes++
	return struct{ AuthResponse authResponse }{s.okReply(auth)}
}

func (s *Server) refundStatus(body []byte, auth authRequest) any {
	o, _, fail := s.lookup("order/refundstatus", body, auth)
	if fail != nil {
		return fail
	}
	return s.orderReply(o, auth)
}

func (s *Server) account(body []byte, auth authRequest) any {
	var req authed
	if err := strict(body, &req); err != nil {
		return s.errorReply("user/accountdetail", auth, err.Error())
	}
	return accountReply{AuthResponse: s.okReply(auth), PartnerCode: auth.PartnerCode, CompanyName: "sslstoretest",
		AccountBalance: jsonNumber(formatCents(s.balance)), CurrentPlan: "Partner"}
}

// cents reads a USD amount with at most two decimals.
func cents(usd string) (int64, error) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(usd), ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("amount %q has more than two decimals", usd)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %v", usd, err)
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt((frac + "0")[:2], 10, 64); err != nil || f < 0 {
			return 0, fmt.Errorf("amount %q is not a decimal", usd)
		}
	}
	if strings.HasPrefix(whole, "-") {
		return w*100 - f, nil
	}
	return w*100 + f, nil
}

func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
