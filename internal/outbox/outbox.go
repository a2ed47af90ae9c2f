// Package outbox tells people what happened: notices written in the same
// transaction as their cause (the transactional outbox), fanned out into one
// delivery per channel and target, and sent with retries and backoff by a
// bounded pool of senders. Channels (e-mail, webhooks) implement Channel.
//
// A crash neither loses nor doubles a notice: it is committed with its cause,
// under a unique dedupe key. A delivery is leased (the lease committed)
// before it is sent; a sender that dies mid-send leaves the lease to expire,
// and the delivery is sent again: at least once, so channels give receivers a
// stable id (Delivery.ID) to drop repeats by.
package outbox

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Notice is one thing to tell someone: written in the same transaction as its
// cause, so a crash neither loses nor doubles it.
type Notice struct {
	ID            int64 // outbox row id; stable
	Type          Type
	AccountID     int64 // 0: an operator notice
	CertificateID int64 // 0 when not about a certificate
	Time          time.Time
	Data          Data // a snapshot taken when the notice was written
}

// Type is the kind of a notice; the webhook payload's "type".
type Type string

// The notice types.
const (
	ValidationNeeded Type = "certificate.validation_needed"
	Issued           Type = "certificate.issued"
	Failed           Type = "certificate.failed"
	Expiring         Type = "certificate.expiring"
	Renewed          Type = "certificate.renewed"
	Revoked          Type = "certificate.revoked"
	RenewalNoMoney   Type = "certificate.renewal_no_money"
	BalanceLow       Type = "account.balance_low"
	ModuleBalanceLow Type = "module.balance_low"  // operator
	BreakerOpen      Type = "module.breaker_open" // operator
	Test             Type = "test"
)

// Types lists every notice type, for filters and validation.
func Types() []Type {
	return []Type{ValidationNeeded, Issued, Failed, Expiring, Renewed, Revoked, RenewalNoMoney,
		BalanceLow, ModuleBalanceLow, BreakerOpen, Test}
}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, k := range Types() {
		if k == t {
			return true
		}
	}
	return false
}

// Operator reports whether notices of t are for the operator (AccountID 0).
func (t Type) Operator() bool { return t == ModuleBalanceLow || t == BreakerOpen }

// Data is what a message needs, so that rendering never reads the live row.
// Fields that do not apply to a notice's type are zero.
type Data struct {
	CommonName   string       `json:"common_name,omitempty"`
	Names        []string     `json:"names,omitempty"`
	State        string       `json:"state,omitempty"`
	LegacyStatus string       `json:"legacy_status,omitempty"`
	PlanName     string       `json:"plan_name,omitempty"`
	Validations  []Validation `json:"validations,omitempty"`
	// Reason is the CA's reason (failed) or the revocation reason.
	Reason         string     `json:"reason,omitempty"`
	NotAfter       *time.Time `json:"not_after,omitempty"`
	DaysLeft       int        `json:"days_left,omitempty"`
	AmountMinor    int64      `json:"amount_minor,omitempty"`
	BalanceMinor   int64      `json:"balance_minor,omitempty"`
	ThresholdMinor int64      `json:"threshold_minor,omitempty"`
	Currency       string     `json:"currency,omitempty"`
	ModuleName     string     `json:"module_name,omitempty"`
	// ConsoleURL links into the console (the certificate's page); filled by
	// the sender from --public-url, not stored.
	ConsoleURL string `json:"console_url,omitempty"`
}

// Validation is what to publish for one name of a certificate awaiting
// validation.
type Validation struct {
	Name     string `json:"name"`
	Method   string `json:"method"` // "dns", "http" or "email"
	DNSName  string `json:"dns_name,omitempty"`
	DNSType  string `json:"dns_type,omitempty"`
	DNSValue string `json:"dns_value,omitempty"`
	HTTPURL  string `json:"http_url,omitempty"`
	HTTPBody string `json:"http_body,omitempty"`
	Approver string `json:"approver,omitempty"` // the approver's e-mail address
}

// Channel delivers notices one way (e-mail, webhooks).
type Channel interface {
	// Name is the channel's name, stored with its deliveries: "email", "webhook".
	Name() string
	// Targets lists who gets each of ns on this channel (e.g. one per
	// webhook endpoint; one for the account's e-mail recipients), in the
	// order of ns; nil means nobody. Called once per batch of notices fanned
	// out into deliveries, so that a channel reads what it needs for all of
	// them at once; an error fans them out again later.
	Targets(ctx context.Context, ns []*Notice) ([][]string, error)
	// Deliver sends d.Notice to d.Target once. d.ID is stable across retries
	// (use it for the Message-ID / webhook-id). An error means retry with
	// backoff; an error wrapped by Permanent means give up.
	Deliver(ctx context.Context, d *Delivery) error
}

// Accounts are the accounts ns are about, once each (operator notices have
// none): what a channel reads its targets for.
func Accounts(ns []*Notice) []int64 {
	var ids []int64
	for _, n := range ns {
		if n.AccountID != 0 && !slices.Contains(ids, n.AccountID) {
			ids = append(ids, n.AccountID)
		}
	}
	return ids
}

// Delivery is one notice on its way to one target of one channel.
type Delivery struct {
	ID      int64
	Notice  *Notice
	Channel string
	Target  string
	Attempt int // 1 for the first try
	// Status is the target's answer to a successful attempt (the HTTP
	// status, the SMTP reply code), set by Deliver when it returns nil; the
	// delivery log keeps it as it keeps a failure's (StatusError).
	Status int
}

// PermanentError is an error of Deliver that retrying cannot cure: the
// delivery is given up at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as an error a retry cannot cure.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// StatusError is an error of Deliver that carries the status the target
// answered (an HTTP status, an SMTP reply code); the delivery log keeps it.
type StatusError struct {
	Code int
	Err  error
}

func (e *StatusError) Error() string { return e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }
