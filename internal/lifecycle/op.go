package lifecycle

import (
	"fmt"

	"github.com/certsvc/certsvc/internal/errkind"
)

// Op is the operation at the CA that the worker carries out for an order
// (the certificate's op column). The values are stable strings, equal to
// what the column has always held; OpNone is the empty string.
type Op string

// The operations at the CA.
const (
	// OpNone is no operation: nothing is to be sent or asked.
	OpNone Op = ""
	// OpOrder places a new order (after Pay or Retry).
	OpOrder Op = "order"
	// OpReissue reissues the issued certificate (after Reissue).
	OpReissue Op = "reissue"
	// OpRenew orders the next term (after Renew).
	OpRenew Op = "renew"
	// OpCancel cancels a deleted order at the CA (after Delete, when the
	// order may be at the CA).
	OpCancel Op = "cancel"
	// OpRevoke revokes the issued certificate at the CA (a revocation
	// request). The CA's answer (ReportRevoked) applies Revoke.
	OpRevoke Op = "revoke"
)

var allOps = []Op{OpNone, OpOrder, OpReissue, OpRenew, OpCancel, OpRevoke}

// opStates are the states an order may be in while it carries an operation.
// An operation in any other state was left behind by a change that did not
// end it (an administrator's override before overrides went through Next).
var opStates = map[Op][]State{
	OpOrder:   {Submitting, AwaitingValidation, Processing},
	OpReissue: {Reissuing},
	OpRenew:   {Renewing},
	OpCancel:  {Deleted},
	// A suspended certificate is still valid at the CA, so it is revoked
	// like an issued one; suspending or resuming keeps the request.
	OpRevoke: {Issued, Suspended},
}

// AllOps returns every operation, OpNone first. The slice is a fresh copy.
func AllOps() []Op { return append([]Op(nil), allOps...) }

// Valid reports whether o is one of AllOps.
func (o Op) Valid() bool {
	_, ok := opStates[o]
	return ok || o == OpNone
}

// String returns the stored form of o.
func (o Op) String() string { return string(o) }

// ParseOp returns the Op whose stored form is s ("" is OpNone). Unknown
// strings give an error wrapping errkind.InvalidArgument.
func ParseOp(s string) (Op, error) {
	if o := Op(s); o.Valid() {
		return o, nil
	}
	return "", fmt.Errorf("unknown certificate operation %q: %w", s, errkind.InvalidArgument)
}

// AllowedIn reports whether an order in state s may carry operation o:
// OpNone in every state; OpOrder while submitting, awaiting validation or
// processing; OpReissue while reissuing; OpRenew while renewing; OpCancel
// once deleted; OpRevoke while issued or suspended. It is false for an
// unknown state or operation.
func (o Op) AllowedIn(s State) bool {
	if !s.Valid() {
		return false
	}
	if o == OpNone {
		return true
	}
	for _, st := range opStates[o] {
		if st == s {
			return true
		}
	}
	return false
}

// OpError reports an event refused because the order carries an operation
// that the event would disturb: a pending revocation refuses every event
// that begins another operation at the CA (reissue, renew). It wraps
// ErrIllegalTransition (so errkind.FailedPrecondition).
type OpError struct {
	Op    Op
	Event Event
}

// Error returns, for example, `cannot renew a certificate while its
// revocation at the CA is pending`.
func (e *OpError) Error() string {
	verb, ok := verbs[e.Event]
	if !ok {
		verb = fmt.Sprintf("apply event %q to", string(e.Event))
	}
	return fmt.Sprintf("cannot %s a certificate while its %s at the CA is pending", verb, opNouns[e.Op])
}

// Unwrap returns ErrIllegalTransition.
func (e *OpError) Unwrap() error { return ErrIllegalTransition }

var opNouns = map[Op]string{
	OpOrder: "order", OpReissue: "reissue", OpRenew: "renewal", OpCancel: "cancellation", OpRevoke: "revocation",
}

// CheckOp says whether an order carrying operation op accepts event ev as
// far as the operation goes (Next decides the rest): nil, or an *OpError
// when op is OpRevoke and ev begins another operation (OpBegun). Other
// operations live in states whose events never begin one, so they refuse
// nothing here. Delete stays possible: it ends the revocation request.
func CheckOp(op Op, ev Event) error {
	if op != OpRevoke {
		return nil
	}
	if _, begins := OpBegun(ev); begins {
		return &OpError{Op: op, Event: ev}
	}
	return nil
}

// OpBegun returns the operation an event starts at the CA: OpOrder for Pay
// and Retry, OpReissue for Reissue, OpRenew for Renew. Other events start
// none (false). Delete starts OpCancel only when the order may be at the CA
// (sent or known there), which the caller knows and this package does not.
func OpBegun(ev Event) (Op, bool) {
	switch ev {
	case Pay, Retry:
		return OpOrder, true
	case Reissue:
		return OpReissue, true
	case Renew:
		return OpRenew, true
	}
	return OpNone, false
}

// Phase is how far an order's operation has got with the CA. The phase is
// not stored: PhaseOf derives it from the op column and whether the send
// and the answer were recorded (op_sent_time, op_answer_time).
type Phase string

// The phases of an operation.
const (
	// PhaseNone: the order carries no operation.
	PhaseNone Phase = "none"
	// PhasePending: the operation is to be sent; nothing was sent yet.
	PhasePending Phase = "pending"
	// PhaseSent: the intent to send was committed and no answer was stored:
	// the call is under way, or it timed out or the process died during it,
	// so its outcome is unknown.
	PhaseSent Phase = "sent"
	// PhaseAnswered: the CA answered; it has the operation.
	PhaseAnswered Phase = "answered"
)

// PhaseOf is the phase of operation op given whether its send (sent) and the
// CA's answer (answered) are recorded. An answer without a recorded send
// counts as pending, as the worker always treated it: nothing says the CA
// has the operation.
func PhaseOf(op Op, sent, answered bool) Phase {
	switch {
	case op == OpNone:
		return PhaseNone
	case !sent:
		return PhasePending
	case !answered:
		return PhaseSent
	}
	return PhaseAnswered
}

// Action is what the worker does next for an order.
type Action string

// The worker's actions.
const (
	// ActDone: nothing is left to do; the order's job ends.
	ActDone Action = "done"
	// ActSend: send the operation to the CA, committing the intent first
	// unless the CA is repeat-safe.
	ActSend Action = "send"
	// ActReconcile: the outcome of the last send is unknown; find the
	// operation at the CA by our reference, send again to a repeat-safe CA,
	// or else hold the order for an operator. Never send blindly.
	ActReconcile Action = "reconcile"
	// ActPoll: the CA has the operation; ask how it stands (Sync) and feed
	// the answer to React.
	ActPoll Action = "poll"
	// ActCancel: cancel the deleted order at the CA, then end the operation.
	ActCancel Action = "cancel"
	// ActMaintain: the deadlines of an issued certificate (auto-renewal,
	// subscription reissue, end of the paid term).
	ActMaintain Action = "maintain"
	// ActRevoke: revoke the certificate at the CA, whatever the phase:
	// revoking is idempotent at every CA that can revoke (an "already
	// revoked" answer counts as done), so an interrupted call is sent again
	// rather than reconciled.
	ActRevoke Action = "revoke"
	// ActDropOp: the order carries an operation its state does not allow
	// (see Op.AllowedIn): end the operation without calling the CA, then
	// decide again.
	ActDropOp Action = "drop_op"
)

// Decide is what the worker does for an order in state s carrying operation
// op in phase ph:
//
//	op not allowed in s (or unknown s/op)  drop_op
//	cancel (deleted)                       cancel, whatever the phase
//	revoke (issued/suspended)              revoke, whatever the phase
//	order/reissue/renew, pending           send
//	order/reissue/renew, sent              reconcile
//	order/reissue/renew, answered          poll
//	none, issued/suspended/reissuing       maintain
//	none, any other state                  done
//
// A phase that does not match op (PhaseNone with an operation, or an
// operation's phase without one) is taken as PhaseOf would have given it:
// PhaseNone with an operation counts as pending.
func Decide(s State, op Op, ph Phase) Action {
	if !op.Valid() || !op.AllowedIn(s) {
		return ActDropOp
	}
	switch op {
	case OpNone:
		switch s {
		case Issued, Suspended, Reissuing:
			return ActMaintain
		}
		return ActDone
	case OpCancel:
		return ActCancel
	case OpRevoke:
		return ActRevoke
	}
	switch ph {
	case PhaseSent:
		return ActReconcile
	case PhaseAnswered:
		return ActPoll
	}
	return ActSend
}
