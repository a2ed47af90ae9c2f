// Package errkind holds the kinds of error that certsvc reports to callers.
//
// Code anywhere below the API wraps one of the sentinel kinds with context
// (fmt.Errorf("account %d: %w", id, errkind.NotFound)) or returns an *Error when a
// request field is at fault or when the public message must differ from the
// internal cause. The service maps kinds to RPC codes in one table; an error of
// no kind is internal and its text never reaches the caller.
package errkind

import (
	"errors"
	"fmt"
	"strconv"
)

// The kinds. Each maps to one RPC code.
var (
	InvalidArgument    = errors.New("invalid argument")
	NotFound           = errors.New("not found")
	AlreadyExists      = errors.New("already exists")
	FailedPrecondition = errors.New("failed precondition")
	PermissionDenied   = errors.New("permission denied")
	Unauthenticated    = errors.New("unauthenticated")
	ResourceExhausted  = errors.New("resource exhausted")
	Aborted            = errors.New("aborted")
	Unavailable        = errors.New("unavailable")
)

// Error is an error of a known kind with a message safe to show the caller
// and, optionally, an internal cause that is only logged.
type Error struct {
	Kind  error  // one of the kinds above
	Field string // the request field at fault, if any, in proto field-path form ("account.name")
	Msg   string // what the caller is told, without the field name
	Cause error  // internal detail, logged but never sent
	// Reason is a machine-readable cause within the kind (ReasonNotEnoughMoney),
	// sent as google.rpc.ErrorInfo so clients need not parse messages.
	Reason string
	// Metadata goes with Reason in the google.rpc.ErrorInfo (the amounts of
	// a NotEnoughMoney error).
	Metadata map[string]string
}

// Reasons carried by Error.Reason.
const (
	// ReasonNotEnoughMoney: the account's balance does not cover a charge.
	ReasonNotEnoughMoney = "NOT_ENOUGH_MONEY"
)

// NotEnoughMoney is the failed_precondition error of a charge of amount
// against a balance that does not cover it (minor units of currency). Its
// ErrorInfo carries reason NOT_ENOUGH_MONEY and the metadata amount_minor,
// balance_minor and currency, so clients need not parse msg.
func NotEnoughMoney(amount, balance int64, currency, msg string) *Error {
	return &Error{Kind: FailedPrecondition, Reason: ReasonNotEnoughMoney, Msg: msg,
		Metadata: map[string]string{"amount_minor": strconv.FormatInt(amount, 10),
			"balance_minor": strconv.FormatInt(balance, 10), "currency": currency}}
}

// Error returns the public message followed by the cause, for logs.
func (e *Error) Error() string {
	if e.Cause == nil {
		return e.Public()
	}
	return e.Public() + ": " + e.Cause.Error()
}

// Public returns what the caller may see: "field: message" or "message".
func (e *Error) Public() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Field returns an *Error of the given kind about one request field.
func Field(kind error, field, format string, args ...any) error {
	return &Error{Kind: kind, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Invalid is shorthand for Field(InvalidArgument, ...).
func Invalid(field, format string, args ...any) error {
	return Field(InvalidArgument, field, format, args...)
}

// Kind returns the kind of err, or nil when it has none (an internal error).
func Kind(err error) error {
	for _, k := range []error{InvalidArgument, NotFound, AlreadyExists, FailedPrecondition,
		PermissionDenied, Unauthenticated, ResourceExhausted, Aborted, Unavailable} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}
