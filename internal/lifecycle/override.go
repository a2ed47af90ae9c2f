package lifecycle

import (
	"fmt"

	"github.com/certsvc/certsvc/internal/errkind"
)

// overrideEvents are the events an administrator's override of the state
// may use, in order of preference (the first found wins among paths of
// equal length). Left out, because they need what an override does not do:
// Pay and Renew (they charge), Reissue (it starts an operation at the CA
// that needs a request: ReissueCertificate), Delete (refund and cancellation
// at the CA: DeleteCertificates), CAIssued and ReissueIssued (they carry the
// CA's certificate: activate_manually is the administrator's) and Sync
// (it changes nothing).
var overrideEvents = []Event{
	ActivateManually, Resume, Suspend, Revoke, Expire, Retry,
	Submit, ValidationStarted, ValidationPassed, CAFailed, CACancelled,
}

// OverrideEvents returns the events Override may use, in order of
// preference. The slice is a fresh copy.
func OverrideEvents() []Event { return append([]Event(nil), overrideEvents...) }

// OverrideError reports a state an administrator cannot set by an
// override. It wraps ErrIllegalTransition (so errkind.FailedPrecondition).
type OverrideError struct {
	From, To State
}

// overrideHints say what to do instead of overriding to a state.
var overrideHints = map[State]string{
	Unpaid:    "an order cannot become unpaid again",
	Renewing:  "renew the certificate instead",
	Reissuing: "reissue the certificate instead",
	Deleted:   "delete the certificate instead",
}

// Error returns, for example, `cannot change a certificate in state
// "expired" to "issued"`, with a hint where one helps.
func (e *OverrideError) Error() string {
	msg := fmt.Sprintf("cannot change a certificate in state %q to %q", string(e.From), string(e.To))
	if h, ok := overrideHints[e.To]; ok {
		msg += ": " + h
	}
	return msg
}

// Unwrap returns ErrIllegalTransition.
func (e *OverrideError) Unwrap() error { return ErrIllegalTransition }

// Override is the path of events that takes an order from state from to
// state to when an administrator sets its state: the shortest sequence of
// OverrideEvents that Next accepts one after another from from and that
// ends in to. The caller applies each event through Next as usual, so the
// history shows every step, and ends or begins the operation at the CA as
// the events ask (CAFailed and CACancelled abandon it, ActivateManually
// ends it, Retry begins OpOrder; see OpBegun and Op.AllowedIn).
//
// The same state gives an empty path and no error. An unknown state is an
// error wrapping errkind.InvalidArgument; a state that no path reaches is
// an *OverrideError (errors.Is ErrIllegalTransition and
// errkind.FailedPrecondition). Among others, nothing reaches unpaid,
// renewing, reissuing or deleted, and nothing leaves unpaid (it must be
// paid first), revoked, expired or deleted.
func Override(from, to State) ([]Event, error) {
	for _, s := range []State{from, to} {
		if !s.Valid() {
			return nil, fmt.Errorf("unknown certificate state %q: %w", string(s), errkind.InvalidArgument)
		}
	}
	if from == to {
		return nil, nil
	}
	// Breadth first over states; prev records how each state was reached.
	type hop struct {
		from State
		ev   Event
	}
	prev := map[State]hop{}
	seen := map[State]bool{from: true}
	queue := []State{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, ev := range overrideEvents {
			next, err := Next(s, ev)
			if err != nil || seen[next] {
				continue
			}
			seen[next] = true
			prev[next] = hop{from: s, ev: ev}
			if next == to {
				var path []Event
				for at := to; at != from; at = prev[at].from {
					path = append([]Event{prev[at].ev}, path...)
				}
				return path, nil
			}
			queue = append(queue, next)
		}
	}
	return nil, &OverrideError{From: from, To: to}
}
