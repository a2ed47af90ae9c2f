// Package sslstoretest is an in-memory fake of The SSL Store REST API for
// tests, served by net/http/httptest.
//
// It implements the endpoints certsvc uses (ca-providers.md §1.3) under
// "/rest/": health/status, health/validate, product/query,
// order/approverlist, order/neworder, order/status, order/download,
// order/reissue, order/changeapproveremail, order/resend,
// digicert/checkdcv, order/refundrequest, order/refundstatus,
// order/certificaterevokerequest and user/accountdetail. Every POST must carry the configured partner code and
// token in AuthRequest (flat for health/validate); otherwise the reply is
// isError, and on purpose its message echoes the credentials sent, so tests
// can check that clients mask them.
//
// Orders are kept in memory. A new order is "Pending" until the test calls
// Issue, which signs its CSR with a throwaway CA ("Active"); ValidateDCV
// marks its domains validated while it stays pending. A reissue leaves the
// order "Active" with MinorStatus "PENDING_REISSUE" until Issue signs the
// new CSR.
//
// Assumptions where the API's documentation is silent:
//   - CustomOrderID is unique per partner: a second neworder with a
//     CustomOrderID already used is refused with isError and a message
//     saying so ("CustomOrderID ... already exists"), and creates nothing.
//     Options.AllowDuplicateRefs turns the check off, to prove that a client
//     never sends the second order in the first place.
//   - order/status with an unknown id is isError "No order found ...".
//   - Dates ending in InUTC are ISO-8601 without a zone
//     ("2026-06-01T12:30:15"); amounts are JSON numbers; order ids are
//     strings of digits.
//   - Per-domain DomainAuthVettingStatus entries carry dcvMethod EMAIL, FILE,
//     HTTPS or CNAME and dcvStatus "Pending" or "Validated";
//     changeapproveremail takes ApproverMethod with the same words. A
//     domain's own approver address is not echoed in its entry; the order's
//     ApproverEmail is.
//   - Request bodies are decoded strictly: an unknown field is refused with
//     isError, which catches a client's misspelt field names (the real API
//     would most likely ignore them).
//   - A second reissue while one is pending is refused with isError "A
//     reissue of this order is already pending."
//   - order/certificaterevokerequest answers a bare AuthResponse; its
//     RevokeReason is free text (the client sends RFC 5280 names such as
//     "keyCompromise"), SerialNumber is hex; the order's MajorStatus becomes
//     "Revoked", and a second request is isError "... already revoked.".
//
// Faults are injected per endpoint with Inject: isError replies, HTTP
// errors, slow replies, dropped connections and malformed bodies, each
// either before or after the fake carries out the request.
package sslstoretest

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/provider"
)

// Default credentials of a fake.
const (
	DefaultPartnerCode = "fakepartner-31415"
	DefaultAuthToken   = "faketoken-27182818"
)

// Options configure a fake. The zero value is usable.
type Options struct {
	// PartnerCode and AuthToken are the credentials the fake accepts;
	// DefaultPartnerCode and DefaultAuthToken when empty.
	PartnerCode, AuthToken string
	// AllowDuplicateRefs lets neworder create a second order under a
	// CustomOrderID already used (see the package doc).
	AllowDuplicateRefs bool
	// Products are the catalogue; DefaultProducts() when nil.
	Products []Product
	// Balance is the account balance in USD; "10000.00" when empty. New
	// orders are charged their price, refunds pay it back, and an order
	// the balance does not cover is refused.
	Balance string
	// Now is the clock of orders and certificates; time.Now when nil.
	Now func() time.Time
}

// Product is a product of the fake's catalogue.
type Product struct {
	Code, Name, Vendor string
	Validation         string // dv, ov or ev: OV and EV orders need OrganizationInfo
	Wildcard           bool
	SAN                bool
	MaxSAN             int
	// Prices are one-server prices in USD by months ("9.95").
	Prices map[int]string
}

// DefaultProducts is the catalogue of a fake without Options.Products.
func DefaultProducts() []Product {
	return []Product{
		{Code: "positivessl", Name: "PositiveSSL", Vendor: "Sectigo", Validation: "dv",
			Prices: map[int]string{12: "9.95", 24: "19.90"}},
		{Code: "positivesslwildcard", Name: "PositiveSSL Wildcard", Vendor: "Sectigo", Validation: "dv",
			Wildcard: true, Prices: map[int]string{12: "79.00"}},
		{Code: "positivemdcssl", Name: "PositiveSSL Multi-Domain", Vendor: "Sectigo", Validation: "dv",
			SAN: true, MaxSAN: 248, Prices: map[int]string{12: "30.00"}},
		{Code: "sectigoovssl", Name: "Sectigo OV SSL", Vendor: "Sectigo", Validation: "ov",
			Prices: map[int]string{12: "45.50"}},
		{Code: "sectigoevssl", Name: "Sectigo EV SSL", Vendor: "Sectigo", Validation: "ev",
			Prices: map[int]string{12: "99.00"}},
		{Code: "securesite", Name: "Secure Site SSL", Vendor: "DigiCert", Validation: "ov",
			Prices: map[int]string{12: "199.00"}},
	}
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	tb   testing.TB
	srv  *httptest.Server
	opts Options
	ca   *testCA
	done chan struct{} // closed when the test ends: slow replies give up

	mu            sync.Mutex
	balance       int64 // USD cents
	orders        []*order
	nextID        int
	faults        map[string][]Fault
	calls         map[string]int
	placed        map[string]int // orders created per CustomOrderID
	newOrderCalls map[string]int // authenticated neworder requests per CustomOrderID
}

// New starts a fake that is closed when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.PartnerCode == "" {
		opts.PartnerCode = DefaultPartnerCode
	}
	if opts.AuthToken == "" {
		opts.AuthToken = DefaultAuthToken
	}
	if opts.Products == nil {
		opts.Products = DefaultProducts()
	}
	if opts.Balance == "" {
		opts.Balance = "10000.00"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	balance, err := cents(opts.Balance)
	if err != nil {
		tb.Fatalf("sslstoretest: balance: %v", err)
	}
	ca, err := newTestCA(opts.Now())
	if err != nil {
		tb.Fatalf("sslstoretest: %v", err)
	}
	s := &Server{tb: tb, opts: opts, ca: ca, done: make(chan struct{}), balance: balance, nextID: 1000001,
		faults: map[string][]Fault{}, calls: map[string]int{}, placed: map[string]int{}, newOrderCalls: map[string]int{}}
	s.srv = httptest.NewServer(s)
	tb.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL is the fake's base URL, without "/rest".
func (s *Server) URL() string { return s.srv.URL }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Config is a module configuration for the fake: its URL and credentials
// under the thesslstore module's keys, and its HTTP client.
func (s *Server) Config() provider.Config {
	return provider.Config{
		Name:       "thesslstore fake",
		Settings:   map[string]string{"url": s.URL()},
		Secrets:    map[string]string{"partner_code": s.opts.PartnerCode, "auth_token": s.opts.AuthToken},
		HTTPClient: s.Client(),
	}
}

// RootPEM is the PEM of the throwaway root that signs the fake's
// certificates.
func (s *Server) RootPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ca.root.Raw}))
}

// Roots is a pool with the fake's root, to verify its chains.
func (s *Server) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.ca.root)
	return p
}

// Order is what the fake knows about an order: what the client sent and
// where the order stands.
type Order struct {
	TheSSLStoreOrderID string
	PartnerOrderID     string
	CustomOrderID      string
	ProductCode        string
	ValidityMonths     int
	CSR                string
	CommonName         string
	DNSNames           []string
	ApproverEmail      string
	// DCVMethod is the order-level method: EMAIL, FILE, HTTPS or CNAME.
	DCVMethod        string
	Domains          []DomainValidation
	IsRenewal        bool
	RelatedOrderID   string
	AdminContact     Contact
	TechnicalContact Contact
	Organization     *Organization
	MajorStatus      string
	MinorStatus      string
	// CertificatePEM is the issued leaf certificate.
	CertificatePEM  string
	RefundReason    string
	RefundRequestID string
	// ApproverResends counts order/resend calls, DCVChecks
	// digicert/checkdcv calls, Reissues order/reissue calls.
	ApproverResends, DCVChecks, Reissues int
	// RevokeReason is what order/certificaterevokerequest sent; Revokes
	// counts the revocations it carried out.
	RevokeReason string
	Revokes      int
}

// DomainValidation is the validation of one domain of an order.
type DomainValidation struct {
	Domain string
	Method string // EMAIL, FILE, HTTPS or CNAME
	Email  string // for EMAIL, when set per domain
	Status string // Pending or Validated
}

// Contact is an AdminContact or TechnicalContact as sent.
type Contact struct {
	FirstName, LastName, SubjectFirstName, SubjectLastName, Title, Phone, Fax, Email string
	OrganizationName, AddressLine1, AddressLine2, City, Region, PostalCode, Country  string
}

// Organization is an OrganizationInfo as sent.
type Organization struct {
	OrganizationName, DUNS, Division, IncorporatingAgency, RegistrationNumber string
	JurisdictionCity, JurisdictionRegion, JurisdictionCountry, AssumedName    string
	OrganizationAddress                                                       Address
}

// Address is an OrganizationAddress as sent.
type Address struct {
	AddressLine1, AddressLine2, AddressLine3, City, Region, PostalCode, Country, Phone, Fax, LocalityName string
}

// Order returns the last order placed under customOrderID.
func (s *Server) Order(customOrderID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.byRef(customOrderID)
	if o == nil {
		return Order{}, false
	}
	return o.snapshot(), true
}

// OrdersPlaced is how many orders were created under customOrderID.
func (s *Server) OrdersPlaced(customOrderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.placed[customOrderID]
}

// NewOrderRequests is how many authenticated neworder requests named
// customOrderID reached the fake, including refused ones and ones a fault
// interrupted.
func (s *Server) NewOrderRequests(customOrderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newOrderCalls[customOrderID]
}

// Calls is how many requests reached endpoint ("order/neworder").
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[normalise(endpoint)]
}

// SetBalance sets the account balance in USD ("12.50").
func (s *Server) SetBalance(usd string) {
	s.tb.Helper()
	c, err := cents(usd)
	if err != nil {
		s.tb.Fatalf("sslstoretest: SetBalance: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balance = c
}

// ValidateDCV marks every domain of the order validated; the order stays
// pending (the CA is vetting).
func (s *Server) ValidateDCV(customOrderID string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustRef(customOrderID)
	for _, d := range o.domains {
		d.Status = dcvValidated
	}
}

// Issue signs the order's CSR with the throwaway CA: a pending order
// becomes Active, a pending reissue gets its new certificate.
func (s *Server) Issue(customOrderID string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustRef(customOrderID)
	if o.major != statusPending && !(o.major == statusActive && o.minor == minorReissue) {
		s.tb.Fatalf("sslstoretest: Issue(%q): order is %s/%s", customOrderID, o.major, o.minor)
	}
	now := s.opts.Now()
	notAfter := now.Add(199 * 24 * time.Hour)
	if o.expiry.Before(notAfter) {
		notAfter = o.expiry
	}
	cert, err := s.ca.issue(o.csr, o.names(), now, notAfter)
	if err != nil {
		s.tb.Fatalf("sslstoretest: Issue(%q): %v", customOrderID, err)
	}
	o.cert = cert
	o.major, o.minor = statusActive, ""
	for _, d := range o.domains {
		d.Status = dcvValidated
	}
}

// SetStatus sets the order's MajorStatus and MinorStatus as they are.
func (s *Server) SetStatus(customOrderID, major, minor string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustRef(customOrderID)
	o.major, o.minor = major, minor
}

func (s *Server) mustRef(customOrderID string) *order {
	s.tb.Helper()
	o := s.byRef(customOrderID)
	if o == nil {
		s.tb.Fatalf("sslstoretest: no order with CustomOrderID %q", customOrderID)
	}
	return o
}

// byRef is the last order placed under customOrderID. Callers hold s.mu.
func (s *Server) byRef(customOrderID string) *order {
	if customOrderID == "" {
		return nil
	}
	for _, o := range slices.Backward(s.orders) {
		if o.customID == customOrderID {
			return o
		}
	}
	return nil
}

// byID is the order with a TheSSLStoreOrderID. Callers hold s.mu.
func (s *Server) byID(id string) *order {
	for _, o := range s.orders {
		if o.id == id {
			return o
		}
	}
	return nil
}

func normalise(endpoint string) string {
	return strings.ToLower(strings.Trim(endpoint, "/"))
}
