package sslstoretest

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"slices"
	"strings"
	"time"
)

// Statuses the fake uses.
const (
	statusPending   = "Pending"
	statusActive    = "Active"
	statusCancelled = "Cancelled"
	statusRevoked   = "Revoked"
	minorReissue    = "PENDING_REISSUE"

	dcvPending   = "Pending"
	dcvValidated = "Validated"

	// utcLayout is the fake's form of the ...InUTC dates (assumed).
	utcLayout = "2006-01-02T15:04:05"
	// cultureLayout is its form of the culture-formatted dates.
	cultureLayout = "01/02/2006"
)

// order is an order in the fake.
type order struct {
	id, partnerOrderID, customID string
	product                      Product
	months                       int
	priceCents                   int64
	csr                          *x509.CertificateRequest
	csrPEM                       string
	commonName                   string
	dnsNames                     []string
	approverEmail                string
	method                       string
	domains                      []*DomainValidation
	renewal                      bool
	related                      string
	admin, tech                  Contact
	org                          *Organization
	major, minor                 string
	cert                         *x509.Certificate
	purchased, expiry            time.Time
	refundReason, refundID       string
	revokeReason                 string
	resends, dcvChecks, reissues int
	revokes                      int
}

// names are the certificate's names: the common name, then the rest.
func (o *order) names() []string {
	out := []string{o.commonName}
	for _, n := range o.dnsNames {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// setDomains resets the validation of every name to method.
func (o *order) setDomains(method string) {
	o.method = method
	o.domains = nil
	for _, n := range o.names() {
		o.domains = append(o.domains, &DomainValidation{Domain: n, Method: method, Status: dcvPending})
	}
}

func (o *order) domain(name string) *DomainValidation {
	for _, d := range o.domains {
		if strings.EqualFold(d.Domain, name) {
			return d
		}
	}
	return nil
}

// token is the hash the file and CNAME validations derive from the CSR,
// as Sectigo does.
func (o *order) token() string {
	sum := sha256.Sum256(o.csr.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func (o *order) snapshot() Order {
	out := Order{
		TheSSLStoreOrderID: o.id, PartnerOrderID: o.partnerOrderID, CustomOrderID: o.customID,
		ProductCode: o.product.Code, ValidityMonths: o.months, CSR: o.csrPEM,
		CommonName: o.commonName, DNSNames: slices.Clone(o.dnsNames),
		ApproverEmail: o.approverEmail, DCVMethod: o.method,
		IsRenewal: o.renewal, RelatedOrderID: o.related,
		AdminContact: o.admin, TechnicalContact: o.tech,
		MajorStatus: o.major, MinorStatus: o.minor,
		RefundReason: o.refundReason, RefundRequestID: o.refundID,
		ApproverResends: o.resends, DCVChecks: o.dcvChecks, Reissues: o.reissues,
		RevokeReason: o.revokeReason, Revokes: o.revokes,
	}
	for _, d := range o.domains {
		out.Domains = append(out.Domains, *d)
	}
	if o.org != nil {
		org := *o.org
		out.Organization = &org
	}
	if o.cert != nil {
		out.CertificatePEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.cert.Raw}))
	}
	return out
}

// Wire types of the replies.

type authRequest struct {
	PartnerCode, AuthToken, ReplayToken, UserAgent string
	IPAddress, Token, TokenID, TokenCode           string
	IsUsedForTokenSystem                           bool
}

type authResponse struct {
	IsError             bool     `json:"isError"`
	Message             []string `json:"Message"`
	Timestamp           string
	ReplayToken         string
	InvokingPartnerCode string
}

type statusReply struct {
	IsTinyOrder             bool `json:"isTinyOrder"`
	IsTinyOrderClaimed      bool `json:"isTinyOrderClaimed"`
	MajorStatus             string
	MinorStatus             string
	AuthenticationStatuses  []any
	AuthenticationComments  []string
	DomainAuthVettingStatus []vettingReply
}

type vettingReply struct {
	Domain       string `json:"domain"`
	DCVMethod    string `json:"dcvMethod"`
	DCVStatus    string `json:"dcvStatus"`
	FileName     string
	FileContents string
	DNSName      string
	DNSEntry     string
	PollStatus   string
	LastPollDate string
}

type orderReply struct {
	AuthResponse       authResponse
	PartnerOrderID     string
	CustomOrderID      string
	TheSSLStoreOrderID string
	VendorOrderID      string
	RefundRequestID    string
	IsRefundApproved   bool `json:"isRefundApproved"`
	OrderStatus        statusReply
	ProductCode        string
	ProductName        string
	VendorName         string
	CommonName         string
	DNSNames           string
	SANCount           int
	ServerCount        int
	Validity           int
	SerialNumber       string
	ApproverEmail      string

	CertificateStartDate      string
	CertificateEndDate        string
	CertificateStartDateInUTC string
	CertificateEndDateInUTC   string
	OrderExpiryDate           string
	OrderExpiryDateInUTC      string
	PurchaseDate              string
	PurchaseDateInUTC         string

	AuthFileName    string
	AuthFileContent string
	CNAMEAuthName   string
	CNAMEAuthValue  string
}

func (s *Server) orderReply(o *order, auth authRequest) orderReply {
	r := orderReply{
		AuthResponse:   s.okReply(auth),
		PartnerOrderID: o.partnerOrderID, CustomOrderID: o.customID, TheSSLStoreOrderID: o.id,
		VendorOrderID: "V" + o.id, RefundRequestID: o.refundID, IsRefundApproved: o.major == statusCancelled,
		OrderStatus: statusReply{MajorStatus: o.major, MinorStatus: o.minor, AuthenticationComments: []string{}},
		ProductCode: o.product.Code, ProductName: o.product.Name, VendorName: o.product.Vendor,
		CommonName: o.commonName, DNSNames: strings.Join(o.dnsNames, ","), SANCount: len(o.dnsNames),
		ServerCount: 1, Validity: o.months, ApproverEmail: o.approverEmail,
		OrderExpiryDate: o.expiry.Format(cultureLayout), OrderExpiryDateInUTC: o.expiry.UTC().Format(utcLayout),
		PurchaseDate: o.purchased.Format(cultureLayout), PurchaseDateInUTC: o.purchased.UTC().Format(utcLayout),
	}
	if o.cert != nil {
		r.SerialNumber = strings.ToUpper(o.cert.SerialNumber.Text(16))
		r.CertificateStartDate = o.cert.NotBefore.Format(cultureLayout)
		r.CertificateEndDate = o.cert.NotAfter.Format(cultureLayout)
		r.CertificateStartDateInUTC = o.cert.NotBefore.UTC().Format(utcLayout)
		r.CertificateEndDateInUTC = o.cert.NotAfter.UTC().Format(utcLayout)
	}
	tok := o.token()
	for _, d := range o.domains {
		v := vettingReply{Domain: d.Domain, DCVMethod: d.Method, DCVStatus: d.Status, PollStatus: "Checked"}
		host := strings.TrimPrefix(d.Domain, "*.")
		switch d.Method {
		case "FILE", "HTTPS":
			v.FileName, v.FileContents = fileName(tok), fileContent(tok, o.id)
		case "CNAME":
			v.DNSName, v.DNSEntry = cnameName(tok, host), cnameValue(tok)
		}
		r.OrderStatus.DomainAuthVettingStatus = append(r.OrderStatus.DomainAuthVettingStatus, v)
	}
	switch o.method {
	case "FILE", "HTTPS":
		r.AuthFileName, r.AuthFileContent = fileName(tok), fileContent(tok, o.id)
	case "CNAME":
		r.CNAMEAuthName, r.CNAMEAuthValue = cnameName(tok, strings.TrimPrefix(o.commonName, "*.")), cnameValue(tok)
	}
	return r
}

func fileName(tok string) string        { return tok[:32] + ".txt" }
func fileContent(tok, id string) string { return tok[32:] + "\nsectigo.com\n" + id }
func cnameName(tok, host string) string { return "_" + tok[:32] + "." + host }
func cnameValue(tok string) string {
	return strings.ToLower(tok[32:48]+"."+tok[48:]) + ".sectigo.com"
}

type certFile struct {
	FileName    string
	FileContent string
}

type downloadReply struct {
	AuthResponse              authResponse
	PartnerOrderID            string
	CertificateStatus         string
	ValidationStatus          string
	Certificates              []certFile
	CertificateStartDate      string
	CertificateEndDate        string
	CertificateStartDateInUTC string
	CertificateEndDateInUTC   string
}

// chainFiles are an issued order's files as the API lists them: root,
// intermediate (bare base64), then the leaf, so that clients must sort
// them.
func (s *Server) chainFiles(o *order) []certFile {
	pemOf := func(c *x509.Certificate) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	leafName := strings.ReplaceAll(strings.ReplaceAll(o.commonName, "*", "STAR"), ".", "_") + ".crt"
	return []certFile{
		{FileName: "sslstoretestRootCA.crt", FileContent: pemOf(s.ca.root)},
		{FileName: "sslstoretestDVIntermediateCA.crt", FileContent: base64.StdEncoding.EncodeToString(s.ca.inter.Raw)},
		{FileName: leafName, FileContent: pemOf(o.cert)},
	}
}

type pricingReply struct {
	NumberOfMonths           int
	NumberOfServer           int
	Price                    jsonNumber
	PricePerAdditionalSAN    jsonNumber
	PricePerAdditionalServer jsonNumber
	SRP                      jsonNumber
}

type productReply struct {
	AuthResponse                  *authResponse `json:",omitempty"`
	ProductCode                   string
	ProductName                   string
	VendorName                    string
	ProductType                   int
	CanbeReissued                 bool
	ReissueDays                   int
	IsWlidcard                    bool `json:"isWlidcard"`
	IsSanEnable                   bool
	MaxSan                        int
	MinSan                        int
	IsCompetitiveUpgradeSupported bool
	PricingInfo                   []pricingReply
}

type approverListReply struct {
	AuthResponse      authResponse
	ApproverEmailList []string
	BaseDomainName    string `json:"baseDomainName"`
}

type accountReply struct {
	AuthResponse   authResponse
	PartnerCode    string
	CompanyName    string
	AccountBalance jsonNumber
	AllowCredit    bool
	CurrentPlan    string
}

type validateReply struct {
	IsError     bool     `json:"isError"`
	Message     []string `json:"Message"`
	Timestamp   string
	ReplayToken string
}

// jsonNumber is an amount written as a JSON number ("9.95" → 9.95).
type jsonNumber string

func (n jsonNumber) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	return []byte(n), nil
}
