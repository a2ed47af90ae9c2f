// Package provider defines what certsvc needs from a certificate authority:
// a "processing module" in BILLmanager's words. One small required interface,
// Provider, plus optional capabilities the core discovers by type assertion.
//
// Every call is treated as asynchronous: PlaceOrder records an order at the CA
// and Sync is the single source of truth about it. Key and CSR handling stays
// local (package pki); providers only move CSRs and certificates.
//
// Exactly once: the core persists an intent before calling PlaceOrder and
// passes its own order id as OrderRequest.Ref. When a call times out or the
// process dies mid-call, the outcome is unknown; the core then asks a
// RefLookup provider for the order by Ref before it ever places it again.
package provider

import (
	"context"
	"errors"
	"time"
)

// Provider is a certificate authority integration.
type Provider interface {
	// Kind names the implementation: "manual", "localca", "billmanager", "thesslstore", "acme".
	Kind() string
	// CheckCredentials proves the configuration works (the set-up step).
	CheckCredentials(ctx context.Context) error
	// PlaceOrder creates an order at the CA. It may return an order that is
	// already issued.
	PlaceOrder(ctx context.Context, r OrderRequest) (Remote, error)
	// Sync reads the current state of an order, with validation instructions,
	// dates and, once issued, the certificate chain.
	Sync(ctx context.Context, ref RemoteRef) (Remote, error)
	// Cancel cancels an order, with a refund where the CA gives one.
	Cancel(ctx context.Context, ref RemoteRef, reason string) error
}

// RefLookup finds an order by the caller's reference, to reconcile a call
// whose outcome is unknown. Providers whose API has no client reference do
// not implement it; the core then treats unknown outcomes as needing an
// operator.
type RefLookup interface {
	FindByRef(ctx context.Context, ref string) (Remote, bool, error)
}

// Catalog lists the CA's products, for importing plans.
type Catalog interface {
	Products(ctx context.Context) ([]Product, error)
}

// ApproverLister lists the e-mail addresses the CA accepts for a domain.
type ApproverLister interface {
	ApproverEmails(ctx context.Context, productCode, domain string) ([]string, error)
}

// DCVController changes or re-triggers domain validation.
type DCVController interface {
	SetDCV(ctx context.Context, ref RemoteRef, domain string, choice DCVChoice) error
	// RetryDCV resends the approver mail, re-checks a file or record, or
	// (ACME) accepts the challenge.
	RetryDCV(ctx context.Context, ref RemoteRef, domain string) error
}

// Reissuer reissues an issued certificate with a new CSR or new names.
type Reissuer interface {
	Reissue(ctx context.Context, ref RemoteRef, r ReissueRequest) (Remote, error)
}

// Renewer orders the next term of a certificate. Providers without it renew
// by placing a new order.
type Renewer interface {
	Renew(ctx context.Context, ref RemoteRef, r OrderRequest) (Remote, error)
}

// Revoker revokes an issued certificate.
type Revoker interface {
	Revoke(ctx context.Context, ref RemoteRef, serialHex string, reason int) error
}

// BalanceReporter reports the money left at the CA or upstream reseller.
type BalanceReporter interface {
	Balance(ctx context.Context) (Money, error)
}

// Money is an amount in minor units.
type Money struct {
	Currency    string
	AmountMinor int64
}

// Errors a provider wraps so the core can decide what to do next.
var (
	// ErrUnavailable: the CA could not be reached or answered 5xx; nothing
	// happened there, so the call may be retried with backoff.
	ErrUnavailable = errors.New("cannot connect to the processing module")
	// ErrUnknownOutcome: the call may or may not have taken effect (timeout
	// after sending, connection dropped mid-answer). Reconcile before retrying.
	ErrUnknownOutcome = errors.New("outcome of the call to the processing module is unknown")
	// ErrRejected: the CA refused the request; retrying the same request fails again.
	ErrRejected = errors.New("the processing module rejected the request")
	// ErrInsufficientFunds: the upstream balance does not cover the order.
	ErrInsufficientFunds = errors.New("not enough money at the processing module")
	// ErrNotFound: the CA does not know the order.
	ErrNotFound = errors.New("order not found at the processing module")
)

// RemoteRef identifies an order at the CA.
type RemoteRef struct {
	Ref      string // our order id, as sent in OrderRequest.Ref
	RemoteID string // the CA's order id
	// State is provider-private data to resume a multi-step protocol (ACME
	// order and authorization URLs), persisted by the core between calls.
	State []byte
}

// State is the normalised state of an order at the CA.
type State string

// The normalised states; providers keep their raw codes in Remote.RawStatus.
const (
	StateSubmitted   State = "submitted"    // the order exists, details pending
	StateAwaitingDCV State = "awaiting_dcv" // waiting for domain validation
	StateProcessing  State = "processing"   // the CA is vetting or signing
	StateIssued      State = "issued"
	StateReissuing   State = "reissuing"
	StateCancelled   State = "cancelled"
	StateRevoked     State = "revoked"
	StateFailed      State = "failed" // rejected or invalid
	StateExpired     State = "expired"
)

// DCVMethod is a way of proving control of a domain.
type DCVMethod string

// The domain validation methods.
const (
	DCVEmail      DCVMethod = "email"
	DCVHTTPFile   DCVMethod = "http_file"
	DCVHTTPSFile  DCVMethod = "https_file"
	DCVDNSTXT     DCVMethod = "dns_txt"
	DCVDNSCNAME   DCVMethod = "dns_cname"
	DCVACMEHTTP01 DCVMethod = "acme_http_01"
	DCVACMEDNS01  DCVMethod = "acme_dns_01"
)

// DCVChoice is how one domain is to be validated.
type DCVChoice struct {
	Method DCVMethod
	Email  string // for DCVEmail: admin@, administrator@, hostmaster@, postmaster@ or webmaster@ of the domain
}

// Contact is a person the CA may contact.
type Contact struct {
	FirstName, LastName, Title, Email, Phone string
}

// Organization is the vetted organisation of an OV or EV order.
type Organization struct {
	Name, Department, Address, City, State, PostalCode, Country, Phone string
}

// OrderRequest is a new order.
type OrderRequest struct {
	Ref          string // our order id: the idempotency key at the CA
	ProductCode  string // the CA's product
	PeriodMonths int
	CSRPEM       string
	CommonName   string
	SANs         []string // extra names, punycode, without the common name
	DCV          map[string]DCVChoice
	Admin, Tech  Contact
	Org          *Organization
	NotAfter     time.Time // requested end; the CA may shorten it
}

// ReissueRequest is a reissue of an issued certificate.
type ReissueRequest struct {
	CSRPEM string
	SANs   []string
	DCV    map[string]DCVChoice
}

// DCVInstruction tells the customer what to publish or answer for a domain.
type DCVInstruction struct {
	Domain   string
	Method   DCVMethod
	Status   string // pending, valid, invalid
	Email    string
	HTTPURL  string // where the file must be served
	Content  string // the file content or the record value
	DNSName  string
	DNSType  string
	Deadline time.Time
}

// Remote is what the CA says about an order.
type Remote struct {
	RemoteRef
	State         State
	RawStatus     string // the CA's own status text, kept beside State
	CertNotBefore time.Time
	CertNotAfter  time.Time
	PaidUntil     time.Time // the subscription end, when the CA sells multi-year terms
	DCV           []DCVInstruction
	// ChainPEM is the leaf followed by intermediates, once issued.
	ChainPEM string
	Message  string // a human-readable note from the CA
}

// Product is a CA product, for importing plans.
type Product struct {
	Code          string
	Name          string
	Brand         string
	Validation    string // dv, ov, ev
	Wildcard      bool
	MaxNames      int
	IncludedNames int
	Periods       []int // months
	Prices        []Money
}
