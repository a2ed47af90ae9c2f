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
	"log/slog"
	"net/http"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// Config is a module's configuration as the core stores it.
type Config struct {
	ModuleID int64
	Name     string
	// Settings are the non-secret settings ("url", "auto_approve").
	Settings map[string]string
	// Secrets are the decrypted credentials. A provider must never log them.
	Secrets map[string]string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// HTTPClient is for providers that call out; http.DefaultClient when nil.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// PublicURL is the service's public address (--public-url), for URLs a
	// module names (the built-in CA's CRL distribution point); "" when the
	// operator gave none.
	PublicURL string
}

// Kind is one kind of module: its name and API value, what its providers
// can do, its settings, how to build a Provider from a Config and,
// optionally, how to complete a new module's configuration. Each provider
// package declares its Kind in full; a Registry collects them.
type Kind struct {
	// Name is the stored kind name ("localca"), unique in a registry and
	// never changed (modules store it).
	Name string
	// API is the kind's value in the API.
	API certsvcv1.ModuleKind
	// Doc describes the kind in a sentence, for operators.
	Doc string
	// Caps are what the kind's providers can do. Registry tests check them
	// against the interfaces the providers implement.
	Caps Capabilities
	// Settings are the settings and secrets the kind reads, in the order
	// an operator fills them in.
	Settings []Setting
	// HTTP01, when set, serves the HTTP-01 answers the kind's modules
	// publish through certsvc, for requests under
	// /.well-known/acme-challenge/ (Caps.HTTP01).
	HTTP01 http.Handler

	New func(Config) (Provider, error)
	// Prepare, when set, runs when a module is created: it checks the
	// settings and fills in what the kind generates itself (the built-in
	// CA's keys). The core stores the returned Config.
	Prepare func(ctx context.Context, c Config) (Config, error)
	// Generated names the settings and secrets Prepare makes (keys, an
	// account): an update of the settings or credentials keeps them unless
	// it sets them itself. It is GeneratedNames(Settings).
	Generated []string
}

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
// Both return the order as it stands afterwards, whose RemoteRef.State the
// core stores.
type DCVController interface {
	SetDCV(ctx context.Context, ref RemoteRef, domain string, choice DCVChoice) (Remote, error)
	// RetryDCV resends the approver mail, re-checks a file or record, or
	// (ACME) accepts the challenge; for the built-in CA it is the admin's
	// approval. An empty domain means every domain of the order.
	RetryDCV(ctx context.Context, ref RemoteRef, domain string) (Remote, error)
}

// RepeatSafe is implemented by providers for which placing an order twice
// costs nothing and harms no one (the built-in CA, the manual module). When
// the outcome of a call is unknown, the core places such an order again
// instead of holding it for an operator.
type RepeatSafe interface {
	RepeatSafe()
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

// ErrUnreadable is the sentinel for a call whose reply could not be read:
// when the call may have changed something at the CA its outcome is
// unknown; a read only shows that the CA is not working.
func ErrUnreadable(changes bool) error {
	if changes {
		return ErrUnknownOutcome
	}
	return ErrUnavailable
}

// Masked wraps err so that its text passes through mask, which hides the
// module's secrets should a message echo them; errors.Is and errors.As
// still see err.
func Masked(err error, mask func(string) string) error {
	return &masked{err: err, mask: mask}
}

type masked struct {
	err  error
	mask func(string) string
}

func (m *masked) Error() string { return m.mask(m.err.Error()) }
func (m *masked) Unwrap() error { return m.err }

// RemoteRef identifies an order at the CA.
type RemoteRef struct {
	Ref      string // our order id, as sent in OrderRequest.Ref
	RemoteID string // the CA's order id
	// State is provider-private data to resume a multi-step protocol (ACME
	// order and authorization URLs), persisted by the core between calls.
	State []byte
}

// State is the normalised state of an order at the CA. It is the
// lifecycle's Report, so that lifecycle.React maps a provider's answer to
// events without the lifecycle knowing this package.
type State = lifecycle.Report

// The normalised states; providers keep their raw codes in Remote.RawStatus.
const (
	StateSubmitted   = lifecycle.ReportSubmitted   // the order exists, details pending
	StateAwaitingDCV = lifecycle.ReportAwaitingDCV // waiting for domain validation
	StateProcessing  = lifecycle.ReportProcessing  // the CA is vetting or signing
	StateIssued      = lifecycle.ReportIssued
	StateReissuing   = lifecycle.ReportReissuing
	StateCancelled   = lifecycle.ReportCancelled
	StateRevoked     = lifecycle.ReportRevoked
	StateFailed      = lifecycle.ReportFailed // rejected or invalid
	StateExpired     = lifecycle.ReportExpired
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
	Validation   string // dv, ov or ev
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
	CSRPEM     string
	CommonName string
	SANs       []string
	DCV        map[string]DCVChoice
	NotAfter   time.Time // requested end; the CA may shorten it
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
