// Package lifecycle is the certificate order state machine. It is pure: no
// I/O, no clock, no money. It says which state an order moves to when
// something happens to it (Next), which actions an order in a given state
// accepts (Allowed), which of them cost the customer money (Billable), and
// how each state is shown to legacy BILLmanager clients (Legacy). Beside the
// transition table it holds the operation at the CA an order carries (Op)
// and its phase (PhaseOf), what the worker does next (Decide), what a CA's
// report means for an order (React, the CA-report table) and the event path
// of an administrator's override of the state (Override). Every one of them
// yields only events Next accepts.
//
// The service stores the State, asks Next before every change, and does the
// side effects itself (charging, refunding, outbox calls to the CA) in the
// same transaction that stores the new state.
//
// The transition table (state: event → next state):
//
//	unpaid               pay → submitting; delete → deleted
//	submitting           submit → awaiting_validation; ca_failed → failed;
//	                     activate_manually → issued; delete → deleted; sync
//	awaiting_validation  validation_started (stays); validation_passed → processing;
//	                     ca_issued → issued; ca_failed → failed; ca_cancelled → cancelled;
//	                     activate_manually → issued; delete → deleted; sync
//	processing           validation_started → awaiting_validation; ca_issued → issued;
//	                     ca_failed → failed; ca_cancelled → cancelled;
//	                     activate_manually → issued; delete → deleted; sync
//	issued               reissue → reissuing; renew → renewing; suspend → suspended;
//	                     revoke → revoked; expire → expired; delete → deleted; sync
//	reissuing            submit, validation_started, validation_passed (stay);
//	                     ca_failed, ca_cancelled → issued (the old certificate stands);
//	                     activate_manually, reissue_issued → issued;
//	                     expire → expired; delete → deleted; sync
//	renewing             submit, validation_started, validation_passed (stay);
//	                     ca_issued, activate_manually → issued; ca_failed → failed;
//	                     ca_cancelled → cancelled; delete → deleted; sync
//	failed               activate_manually → issued; retry → submitting; delete → deleted; sync
//	cancelled            activate_manually → issued; retry → submitting; delete → deleted; sync
//	suspended            resume → issued; revoke → revoked; expire → expired;
//	                     delete → deleted; sync
//	revoked              delete → deleted; sync
//	expired              renew → renewing; delete → deleted; sync
//	deleted              nothing (terminal)
//
// "sync" and "(stays)" are self-transitions: the event is legal and is
// recorded, but the state does not change. Sync changes the state only through
// the event the CA's answer translates to (ca_issued, ca_failed, revoke, ...),
// which the caller feeds to Next in turn.
//
// Every state is reachable from unpaid.
//
// Revocation is an operation at the CA like an order or a reissue: a request
// makes OpRevoke the order's operation without a state change (issued or
// suspended), the worker sends it (ActRevoke), and the CA's answer
// (ReportRevoked) applies Revoke through React. While it waits, events that
// begin another operation are refused (CheckOp).
package lifecycle

import (
	"fmt"

	"github.com/certsvc/certsvc/internal/errkind"
)

// State is where a certificate order is in its life. The values are stable
// snake_case strings, safe to store in a database enum column and to send
// over the API; never renumber or rename them.
type State string

// The states of a certificate order.
const (
	// Unpaid is an order placed but not paid for (left in the basket).
	Unpaid State = "unpaid"
	// Submitting is a paid order whose request is queued for, or on its way
	// to, the CA.
	Submitting State = "submitting"
	// AwaitingValidation is an order the CA has accepted and is validating
	// (approver e-mail, DNS or HTTP check, organisation documents).
	AwaitingValidation State = "awaiting_validation"
	// Processing is an order the CA has validated and not yet issued.
	Processing State = "processing"
	// Issued is a certificate the CA has issued and that is in its term.
	Issued State = "issued"
	// Reissuing is an issued certificate whose reissue (new CSR or new
	// domains) is in progress. The previous certificate stays valid meanwhile.
	Reissuing State = "reissuing"
	// Renewing is a paid renewal whose new certificate the CA has not yet
	// issued. Renewal starts from Issued or, after the term ended, Expired.
	Renewing State = "renewing"
	// Failed is an order the CA rejected or that failed validation. Retry
	// orders again for free.
	Failed State = "failed"
	// Cancelled is an order the CA cancelled. Retry orders again for free.
	Cancelled State = "cancelled"
	// Suspended is an issued certificate suspended by an administrator (or
	// by a legacy reseller's certificate.suspend). It is local only: the CA
	// is not told and the certificate stays valid. Resume lifts it.
	Suspended State = "suspended"
	// Revoked is a certificate revoked at the CA. It can only be deleted.
	Revoked State = "revoked"
	// Expired is a certificate whose paid term has ended without renewal.
	// It can still be renewed until it is deleted.
	Expired State = "expired"
	// Deleted is an order deleted by the customer or an administrator. It is
	// the only terminal state.
	Deleted State = "deleted"
)

var allStates = []State{
	Unpaid, Submitting, AwaitingValidation, Processing, Issued, Reissuing, Renewing,
	Failed, Cancelled, Suspended, Revoked, Expired, Deleted,
}

// AllStates returns every state, in lifecycle order. The slice is a fresh
// copy the caller may modify.
func AllStates() []State {
	return append([]State(nil), allStates...)
}

// Valid reports whether s is one of the states of AllStates.
func (s State) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// String returns the stored form of s.
func (s State) String() string { return string(s) }

// ParseState returns the State whose stored form is s. Unknown strings give
// an error wrapping errkind.InvalidArgument.
func ParseState(s string) (State, error) {
	if st := State(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("unknown certificate state %q: %w", s, errkind.InvalidArgument)
}

// Event is what happens to an order: a customer or administrator action, a
// report from the CA, or a deadline. The values are stable snake_case
// strings, suitable for an audit log.
type Event string

// The events.
const (
	// Pay is the customer paying for a new order. It is charged.
	Pay Event = "pay"
	// Submit is the worker having sent the request to the CA (the CA
	// accepted it and gave its order id).
	Submit Event = "submit"
	// ValidationStarted is the CA reporting that validation is under way,
	// or asking for it again.
	ValidationStarted Event = "validation_started"
	// ValidationPassed is the CA reporting that validation succeeded.
	ValidationPassed Event = "validation_passed"
	// CAIssued is the CA reporting a new certificate for a new order or a
	// renewal.
	CAIssued Event = "ca_issued"
	// CAFailed is the CA reporting that it rejected the order or that
	// validation failed.
	CAFailed Event = "ca_failed"
	// CACancelled is the CA reporting that it cancelled the order.
	CACancelled Event = "ca_cancelled"
	// ActivateManually is an administrator uploading the issued certificate
	// by hand (legacy certificate.open), for the manual processing module or
	// to finish an order the CA issued outside the normal flow.
	ActivateManually Event = "activate_manually"
	// Reissue is a request to reissue an issued certificate with the same
	// request, a new CSR or new domains. It is free.
	Reissue Event = "reissue"
	// ReissueIssued is the CA reporting the reissued certificate.
	ReissueIssued Event = "reissue_issued"
	// Renew is the customer paying for a new term, which starts at the old
	// expiry. It is charged.
	Renew Event = "renew"
	// Retry orders again at the CA after it failed or cancelled the order.
	// It is free.
	Retry Event = "retry"
	// Resume lifts a suspension (legacy certificate.resume).
	Resume Event = "resume"
	// Suspend suspends an issued certificate locally (legacy
	// <itemtype>.suspend); the CA is not told.
	Suspend Event = "suspend"
	// Revoke is the certificate being revoked at the CA, on request or as
	// reported by the CA.
	Revoke Event = "revoke"
	// Expire is the paid term ending without renewal.
	Expire Event = "expire"
	// Delete deletes the order. The caller cancels it upstream where
	// possible and refunds by policy unless "no expense" is set.
	Delete Event = "delete"
	// Sync records a status request to the CA. It never changes the state by
	// itself: the caller turns the CA's answer into another event.
	Sync Event = "sync"
)

var allEvents = []Event{
	Pay, Submit, ValidationStarted, ValidationPassed, CAIssued, CAFailed, CACancelled,
	ActivateManually, Reissue, ReissueIssued, Renew, Retry, Resume, Suspend, Revoke,
	Expire, Delete, Sync,
}

// AllEvents returns every event, in the order Allowed lists them. The slice
// is a fresh copy the caller may modify.
func AllEvents() []Event {
	return append([]Event(nil), allEvents...)
}

// Valid reports whether e is one of the events of AllEvents.
func (e Event) Valid() bool {
	_, ok := verbs[e]
	return ok
}

// String returns the stored form of e.
func (e Event) String() string { return string(e) }

// ParseEvent returns the Event whose stored form is s. Unknown strings give
// an error wrapping errkind.InvalidArgument.
func ParseEvent(s string) (Event, error) {
	if e := Event(s); e.Valid() {
		return e, nil
	}
	return "", fmt.Errorf("unknown certificate event %q: %w", s, errkind.InvalidArgument)
}

// verbs completes "cannot %s a certificate in state %q" for each event, in
// words a customer understands.
var verbs = map[Event]string{
	Pay:               "pay for",
	Submit:            "submit",
	ValidationStarted: "start validation of",
	ValidationPassed:  "complete validation of",
	CAIssued:          "issue",
	CAFailed:          "record a CA failure for",
	CACancelled:       "record a CA cancellation for",
	ActivateManually:  "activate",
	Reissue:           "reissue",
	ReissueIssued:     "complete the reissue of",
	Renew:             "renew",
	Retry:             "retry",
	Resume:            "resume",
	Suspend:           "suspend",
	Revoke:            "revoke",
	Expire:            "expire",
	Delete:            "delete",
	Sync:              "sync",
}

// transitions is the one transition table: state → event → next state. A
// pair that is absent is illegal. Every state has an entry, even Deleted
// (empty), so that Valid can use it.
var transitions = map[State]map[Event]State{
	Unpaid: {
		Pay:    Submitting,
		Delete: Deleted,
	},
	Submitting: {
		Submit: AwaitingValidation,
		// The CA refused the request outright (bad CSR, unknown product).
		CAFailed:         Failed,
		ActivateManually: Issued,
		Delete:           Deleted,
		// The reconciliation job looks the order up by our client reference
		// when it is unsure whether Submit happened.
		Sync: Submitting,
	},
	AwaitingValidation: {
		ValidationStarted: AwaitingValidation,
		ValidationPassed:  Processing,
		// DV orders often go straight from validation to issue.
		CAIssued:         Issued,
		CAFailed:         Failed,
		CACancelled:      Cancelled,
		ActivateManually: Issued,
		Delete:           Deleted,
		Sync:             AwaitingValidation,
	},
	Processing: {
		// The CA asks for validation again (documents rejected, DCV redone).
		ValidationStarted: AwaitingValidation,
		CAIssued:          Issued,
		CAFailed:          Failed,
		CACancelled:       Cancelled,
		ActivateManually:  Issued,
		Delete:            Deleted,
		Sync:              Processing,
	},
	Issued: {
		Reissue: Reissuing,
		Renew:   Renewing,
		Suspend: Suspended,
		Revoke:  Revoked,
		Expire:  Expired,
		Delete:  Deleted,
		Sync:    Issued,
	},
	Reissuing: {
		Submit:            Reissuing,
		ValidationStarted: Reissuing,
		ValidationPassed:  Reissuing,
		// A failed or dropped reissue leaves the previous certificate valid,
		// so the order is simply issued again and may be reissued anew. The
		// caller keeps the CA's reason to show the customer.
		CAFailed:         Issued,
		CACancelled:      Issued,
		ActivateManually: Issued,
		ReissueIssued:    Issued,
		// The term ends before the reissue completes: nothing left to reissue.
		Expire: Expired,
		Delete: Deleted,
		Sync:   Reissuing,
	},
	Renewing: {
		Submit:            Renewing,
		ValidationStarted: Renewing,
		ValidationPassed:  Renewing,
		CAIssued:          Issued,
		// A renewal is a new order at the CA and is paid for, so it fails
		// like one and is retried like one (free).
		CAFailed:         Failed,
		CACancelled:      Cancelled,
		ActivateManually: Issued,
		// No Expire: the customer has paid for the next term.
		Delete: Deleted,
		Sync:   Renewing,
	},
	Failed: {
		ActivateManually: Issued,
		Retry:            Submitting,
		Delete:           Deleted,
		Sync:             Failed,
	},
	Cancelled: {
		ActivateManually: Issued,
		Retry:            Submitting,
		Delete:           Deleted,
		Sync:             Cancelled,
	},
	Suspended: {
		Resume: Issued,
		Revoke: Revoked,
		Expire: Expired,
		Delete: Deleted,
		Sync:   Suspended,
	},
	Revoked: {
		Delete: Deleted,
		Sync:   Revoked,
	},
	// Renewal after expiry is allowed, as BILLmanager lets a customer prolong
	// an expired (suspended) service until it is deleted. The machine has no
	// clock: the grace period ends when the caller deletes the expired order.
	Expired: {
		Renew:  Renewing,
		Delete: Deleted,
		Sync:   Expired,
	},
	Deleted: {},
}

// ErrIllegalTransition is wrapped by every *TransitionError. It wraps
// errkind.FailedPrecondition, so the service answers failed_precondition.
var ErrIllegalTransition = fmt.Errorf("illegal certificate state transition: %w", errkind.FailedPrecondition)

// TransitionError reports an event that the order's current state does not
// accept. Its message is meant for the customer and names the current state.
type TransitionError struct {
	From  State // the current state
	Event Event // the refused event
}

// Error returns, for example, `cannot reissue a certificate in state "processing"`.
func (e *TransitionError) Error() string {
	verb, ok := verbs[e.Event]
	if !ok {
		verb = fmt.Sprintf("apply event %q to", string(e.Event))
	}
	return fmt.Sprintf("cannot %s a certificate in state %q", verb, string(e.From))
}

// Unwrap returns ErrIllegalTransition, which in turn wraps
// errkind.FailedPrecondition.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// Next returns the state an order in state from moves to on ev. An illegal
// pair, including an unknown state or event, returns from unchanged and a
// *TransitionError (errors.Is ErrIllegalTransition and
// errkind.FailedPrecondition); the service passes it up as is, so the
// caller gets failed_precondition naming the current state. A legal
// self-transition (Sync, or CA progress that does not change the state)
// returns from and a nil error.
func Next(from State, ev Event) (State, error) {
	if to, ok := transitions[from][ev]; ok {
		return to, nil
	}
	return from, &TransitionError{From: from, Event: ev}
}

// Allowed returns the events that an order in state from accepts, in the
// order of AllEvents, so a UI can decide which buttons to show. It returns
// nil for Deleted and for an unknown state. Events meant for the CA worker
// (Submit, CA reports, Expire) are included; a UI filters them by role.
func Allowed(from State) []Event {
	var out []Event
	for _, ev := range allEvents {
		if _, ok := transitions[from][ev]; ok {
			out = append(out, ev)
		}
	}
	return out
}

// Terminal reports whether s accepts no event at all. Only Deleted is
// terminal: Failed and Cancelled can be retried, Expired renewed, and
// Revoked still deleted.
func Terminal(s State) bool {
	return s.Valid() && len(transitions[s]) == 0
}

// Billable reports whether ev charges the customer: Pay (a new order) and
// Renew (a new term). Reissue, Retry and every other event are free; refunds
// on Delete are a billing policy, not a charge, and are not covered here.
func Billable(ev Event) bool {
	return ev == Pay || ev == Renew
}
