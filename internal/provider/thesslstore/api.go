package thesslstore

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Wire types of The SSL Store REST API (ca-providers.md §1.2–1.7). Field
// names are the API's; encoding/json matches them case-insensitively on
// decode, which covers the API's mixed "isError"/"IsError" spelling.

// authRequest is the credentials object every request body carries.
type authRequest struct {
	PartnerCode string
	AuthToken   string
	ReplayToken string `json:",omitempty"`
	UserAgent   string `json:",omitempty"`
}

// authed is embedded in every request with an AuthRequest object.
type authed struct {
	AuthRequest authRequest
}

func (a *authed) setAuth(r authRequest) { a.AuthRequest = r }

// request is a request body the client completes with the credentials.
type request interface{ setAuth(authRequest) }

// authResponse is the status object of every reply.
type authResponse struct {
	IsError     bool     `json:"isError"`
	Message     messages `json:"Message"`
	ReplayToken string   `json:"ReplayToken"`
}

// reply is a reply body with an AuthResponse.
type reply interface{ status() authResponse }

// answered is embedded in every reply with an AuthResponse object.
type answered struct {
	AuthResponse authResponse
}

func (a *answered) status() authResponse { return a.AuthResponse }

// validateRequest is the body of health/validate: flat credentials, no
// AuthRequest wrapper.
type validateRequest struct {
	PartnerCode string
	AuthToken   string
	ReplayToken string `json:",omitempty"`
	UserAgent   string `json:",omitempty"`
}

func (v *validateRequest) setAuth(r authRequest) {
	v.PartnerCode, v.AuthToken, v.ReplayToken, v.UserAgent = r.PartnerCode, r.AuthToken, r.ReplayToken, r.UserAgent
}

// validateReply is the reply of health/validate: the error fields at top
// level. A nested AuthResponse is honoured too, in case the API adds one.
type validateReply struct {
	IsError      bool     `json:"isError"`
	Message      messages `json:"Message"`
	ReplayToken  string   `json:"ReplayToken"`
	AuthResponse *authResponse
}

func (v *validateReply) status() authResponse {
	if v.AuthResponse != nil && (v.AuthResponse.IsError || !v.IsError) {
		return *v.AuthResponse
	}
	return authResponse{IsError: v.IsError, Message: v.Message, ReplayToken: v.ReplayToken}
}

type contact struct {
	FirstName        string `json:",omitempty"`
	LastName         string `json:",omitempty"`
	Title            string `json:",omitempty"`
	Phone            string `json:",omitempty"`
	Email            string `json:",omitempty"`
	OrganizationName string `json:",omitempty"`
	AddressLine1     string `json:",omitempty"`
	City             string `json:",omitempty"`
	Region           string `json:",omitempty"`
	PostalCode       string `json:",omitempty"`
	Country          string `json:",omitempty"`
}

type organizationAddress struct {
	AddressLine1 string `json:",omitempty"`
	City         string `json:",omitempty"`
	Region       string `json:",omitempty"`
	PostalCode   string `json:",omitempty"`
	Country      string `json:",omitempty"`
	Phone        string `json:",omitempty"`
}

type organizationInfo struct {
	OrganizationName    string
	Division            string `json:",omitempty"`
	OrganizationAddress organizationAddress
}

// dcvIndicators choose the validation method of a whole order; all false
// means e-mail.
type dcvIndicators struct {
	FileAuthDVIndicator      bool
	HTTPSFileAuthDVIndicator bool
	CNAMEAuthDVIndicator     bool
}

// newOrderRequest is the body of order/neworder (also used for renewals).
type newOrderRequest struct {
	authed
	CustomOrderID             string
	ProductCode               string
	RelatedTheSSLStoreOrderID string `json:",omitempty"`
	ValidityPeriod            int    // months
	ServerCount               int
	CSR                       string
	DomainName                string
	DNSNames                  []string `json:",omitempty"`
	WebServerType             string
	SignatureHashAlgorithm    string
	IsCUOrder                 bool `json:"isCUOrder"`
	IsRenewalOrder            bool `json:"isRenewalOrder"`
	IsTrialOrder              bool `json:"isTrialOrder"`
	ApproverEmail             string
	dcvIndicators
	AdminContact     contact
	TechnicalContact contact
	OrganizationInfo *organizationInfo `json:",omitempty"`
}

// reissueRequest is the body of order/reissue.
type reissueRequest struct {
	authed
	TheSSLStoreOrderID     string
	CSR                    string
	WebServerType          string
	DNSNames               []string `json:",omitempty"`
	IsRenewalOrder         bool     `json:"isRenewalOrder"`
	SignatureHashAlgorithm string
	dcvIndicators
	ApproverEmails string `json:",omitempty"` // comma-separated
}

// orderRequest is the shared body of the calls about one order: status,
// download, refundrequest, certificaterevokerequest, resend,
// changeapproveremail.
type orderRequest struct {
	authed
	CustomOrderID      string `json:",omitempty"`
	TheSSLStoreOrderID string `json:",omitempty"`
	ResendEmailType    string `json:",omitempty"`
	ResendEmail        string `json:",omitempty"`
	RefundReason       string `json:",omitempty"`
	RefundRequestID    string `json:",omitempty"`
	SerialNumber       string `json:",omitempty"`
	RevokeReason       string `json:",omitempty"`
	ApproverMethod     string `json:",omitempty"`
	DomainNames        string `json:",omitempty"`
	ReturnPKCS7Cert    bool   `json:",omitempty"`
}

// checkDCVRequest is the body of digicert/checkdcv.
type checkDCVRequest struct {
	authed
	TheSSLStoreOrderID string
	DomainName         string
}

type productQueryRequest struct {
	authed
	ProductCode    string
	ProductType    int
	NeedSortedList bool
}

type approverListRequest struct {
	authed
	ProductCode string
	DomainName  string
}

type accountRequest struct{ authed }

// orderReply is the order object (§1.5).
type orderReply struct {
	answered
	PartnerOrderID     text
	CustomOrderID      text
	TheSSLStoreOrderID text
	VendorOrderID      text
	VendorName         string
	ProductCode        string
	CommonName         string
	DNSNames           string // comma-separated in replies
	ApproverEmail      string
	OrderStatus        orderStatus

	CertificateStartDateInUTC string
	CertificateEndDateInUTC   string
	OrderExpiryDateInUTC      string

	AuthFileName    string
	AuthFileContent string
	CNAMEAuthName   string
	CNAMEAuthValue  string

	RefundRequestID  text
	IsRefundApproved bool `json:"isRefundApproved"`
}

type orderStatus struct {
	MajorStatus             string
	MinorStatus             string
	AuthenticationComments  messages
	DomainAuthVettingStatus []domainAuth
}

// domainAuth is the validation of one domain.
type domainAuth struct {
	Domain       string `json:"domain"`
	DCVMethod    string `json:"dcvMethod"`
	DCVStatus    string `json:"dcvStatus"`
	FileName     string
	FileContents string
	DNSName      string
	DNSEntry     string
}

type downloadReply struct {
	answered
	CertificateStatus string
	Certificates      []certFile
}

type certFile struct {
	FileName    string
	FileContent string
}

type productReply struct {
	answered
	ProductCode string
	ProductName string
	VendorName  string
	ProductType int
	IsWlidcard  bool `json:"isWlidcard"` // (sic)
	IsWildcard  bool `json:"isWildcard"` // the correct spelling, should the API fix it
	IsSanEnable bool
	MaxSan      int
	MinSan      int
	PricingInfo []pricing
}

type pricing struct {
	NumberOfMonths int
	NumberOfServer int
	Price          text
}

type approverListReply struct {
	answered
	ApproverEmailList []string
}

type accountReply struct {
	answered
	AccountBalance text
}

// messages is the API's Message: an array of strings, sometimes a single
// string or null.
type messages []string

func (m *messages) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*m = nil
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*m = messages{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*m = ss
	return nil
}

// text is a string the API sometimes sends as a JSON number (order ids,
// amounts). Numbers keep their decimal text.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*t = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		*t = text(strings.TrimSpace(s))
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = text(n)
	return nil
}

// dateLayouts are the forms the ...InUTC dates are parsed in. The API's
// exact format is not documented; these cover ISO-8601 with and without a
// zone and the US culture format.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"1/2/2006 3:04:05 PM",
	"01/02/2006 15:04:05",
	"1/2/2006",
}

// parseDate reads an ...InUTC date; the zero time when it is empty or in an
// unknown form. WCF "/Date(ms±zone)/" dates are accepted too.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if rest, ok := strings.CutPrefix(s, "/Date("); ok {
		rest, _, _ = strings.Cut(rest, ")")
		if i := strings.IndexAny(rest[min(1, len(rest)):], "+-"); i >= 0 {
			rest = rest[:i+1] // the zone does not change the instant
		}
		ms, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
